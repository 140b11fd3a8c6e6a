"""Country harmonisation: ISO3 codes, names, EU-27 and UN M49 / GLOTIP groupings.

Names are matched in two steps: first the curated override table
``data/mappings/country_names.csv`` (names ``country_converter`` misses or gets
wrong, and non-country names that must stay unmatched), then ``country_converter``.
A result of ``country_converter`` is accepted only if it is a code in its own table
(with ``not_found=None`` it echoes unmatched input back unchanged).

Regional groupings
------------------
* ``un_subregion`` follows the 17 UN M49 sub-regions used in the UNODC data file
  ("Latin America and the Caribbean" and "Sub-Saharan Africa" merge M49's
  intermediate regions).
* ``glotip_region`` is an APPROXIMATION of the ten regions of the UNODC Global
  Report on Trafficking in Persons (GLOTIP 2024), built from the M49 sub-region plus
  a small ISO3 override table (:data:`GLOTIP_OVERRIDES`). UNODC does not publish a
  machine-readable country list for its regions; the overrides follow the
  country lists printed in the reports as far as we know them, and borderline
  cases (e.g. Türkiye, Cyprus, Iran, Sudan) may differ from UNODC's own choice.
* ``EU27`` is the current (post-Brexit, since 1 Feb 2020) membership, applied to
  every year: a fixed composition, not the membership in force in that year.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tiptrends.errors import DataError
from tiptrends.io.checks import require_columns
from tiptrends.paths import mappings_dir

if TYPE_CHECKING:  # pragma: no cover
    import country_converter as coco

COUNTRY_NAMES_FILE = "country_names.csv"

MATCH_CODE, MATCH_MANUAL, MATCH_NAME, MATCH_NONE = "code", "manual", "name", "unmatched"

#: Current EU member states (27, after the UK left on 1 Feb 2020), as ISO3 codes.
#: Applied to all years (fixed composition).
EU27: frozenset[str] = frozenset(
    "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD "
    "POL PRT ROU SVK SVN ESP SWE".split()
)

# UN M49 sub-region (as in the UNODC file) -> M49 region.
M49_SUBREGION_TO_REGION: dict[str, str] = {
    "Northern Africa": "Africa",
    "Sub-Saharan Africa": "Africa",
    "Latin America and the Caribbean": "Americas",
    "Northern America": "Americas",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Western Asia": "Asia",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}

# M49 intermediate regions (country_converter's ``UNregion``) -> the 17 sub-regions.
_INTERMEDIATE_TO_SUBREGION: dict[str, str] = {
    "Caribbean": "Latin America and the Caribbean",
    "Central America": "Latin America and the Caribbean",
    "South America": "Latin America and the Caribbean",
    "Eastern Africa": "Sub-Saharan Africa",
    "Middle Africa": "Sub-Saharan Africa",
    "Southern Africa": "Sub-Saharan Africa",
    "Western Africa": "Sub-Saharan Africa",
}

# GLOTIP 2024 regions.
NORTH_AMERICA = "North America"
CENTRAL_AMERICA_CARIBBEAN = "Central America and the Caribbean"
SOUTH_AMERICA = "South America"
WEST_SOUTH_EUROPE = "Western and Southern Europe"
CENTRAL_SE_EUROPE = "Central and South-Eastern Europe"
EAST_EUROPE_CENTRAL_ASIA = "Eastern Europe and Central Asia"
NORTH_AFRICA_MIDDLE_EAST = "North Africa and the Middle East"
SUB_SAHARAN_AFRICA = "Sub-Saharan Africa"
SOUTH_ASIA = "South Asia"
EAST_ASIA_PACIFIC = "East Asia and the Pacific"
GLOTIP_REGIONS = (
    NORTH_AMERICA,
    CENTRAL_AMERICA_CARIBBEAN,
    SOUTH_AMERICA,
    WEST_SOUTH_EUROPE,
    CENTRAL_SE_EUROPE,
    EAST_EUROPE_CENTRAL_ASIA,
    NORTH_AFRICA_MIDDLE_EAST,
    SUB_SAHARAN_AFRICA,
    SOUTH_ASIA,
    EAST_ASIA_PACIFIC,
)

#: Default GLOTIP region for each M49 sub-region (approximation; see module docstring).
GLOTIP_BY_SUBREGION: dict[str, str] = {
    "Northern America": NORTH_AMERICA,
    "Latin America and the Caribbean": CENTRAL_AMERICA_CARIBBEAN,
    "Western Europe": WEST_SOUTH_EUROPE,
    "Northern Europe": WEST_SOUTH_EUROPE,
    "Southern Europe": WEST_SOUTH_EUROPE,
    "Eastern Europe": CENTRAL_SE_EUROPE,
    "Central Asia": EAST_EUROPE_CENTRAL_ASIA,
    "Western Asia": NORTH_AFRICA_MIDDLE_EAST,
    "Northern Africa": NORTH_AFRICA_MIDDLE_EAST,
    "Sub-Saharan Africa": SUB_SAHARAN_AFRICA,
    "Southern Asia": SOUTH_ASIA,
    "Eastern Asia": EAST_ASIA_PACIFIC,
    "South-eastern Asia": EAST_ASIA_PACIFIC,
    "Australia and New Zealand": EAST_ASIA_PACIFIC,
    "Melanesia": EAST_ASIA_PACIFIC,
    "Micronesia": EAST_ASIA_PACIFIC,
    "Polynesia": EAST_ASIA_PACIFIC,
}


def _override(region: str, codes: str) -> dict[str, str]:
    return dict.fromkeys(codes.split(), region)


#: ISO3-level exceptions where the M49 sub-region does not determine the GLOTIP region.
GLOTIP_OVERRIDES: dict[str, str] = {
    # Latin America split: South America (M49 intermediate region "South America").
    **_override(SOUTH_AMERICA, "ARG BOL BRA CHL COL ECU FLK GUF GUY PER PRY SUR URY VEN"),
    # Central Europe, the Baltic states and the Western Balkans.
    **_override(
        CENTRAL_SE_EUROPE, "ALB BIH BGR CZE EST HRV HUN LTU LVA MKD MNE POL ROU SRB SVK SVN XKX"
    ),
    # Eastern Europe (CIS part) and the South Caucasus go with Central Asia.
    **_override(EAST_EUROPE_CENTRAL_ASIA, "BLR MDA RUS UKR ARM AZE GEO"),
    # Western Asia members that GLOTIP groups with Western and Southern Europe.
    **_override(WEST_SOUTH_EUROPE, "CYP TUR"),
    # Iran: M49 Southern Asia; GLOTIP groups it with the Middle East (approximation).
    **_override(NORTH_AFRICA_MIDDLE_EAST, "IRN"),
}


@lru_cache(maxsize=1)
def converter() -> coco.CountryConverter:
    """Return the shared :class:`country_converter.CountryConverter` (built once).

    Returns
    -------
    country_converter.CountryConverter
    """
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


@lru_cache(maxsize=1)
def valid_iso3() -> frozenset[str]:
    """Return the set of ISO3 codes known to ``country_converter`` (incl. XKX)."""
    return frozenset(converter().data["ISO3"].dropna().astype(str))


def _clean(name: object) -> str | None:
    if name is None or (isinstance(name, float) and np.isnan(name)) or name is pd.NA:
        return None
    text = " ".join(str(name).split()).strip("`")
    return text or None


@lru_cache(maxsize=1)
def _manual_table_cached(path_str: str, mtime: float) -> pd.DataFrame:
    return _read_manual(path_str)


def read_mapping_csv(path: str | Path, what: str, content: bytes | None = None) -> pd.DataFrame:
    """Read a mapping table as text, or raise one DataError naming the file and the line.

    Every row must have as many fields as the header (pandas would otherwise take a row
    with one field too many as having an index, and shift it silently).

    Parameters
    ----------
    path : str or Path
        The CSV file.
    what : str
        What the file is, for the message (e.g. ``"country name mapping table"``).
    content : bytes, optional
        The file's bytes, when the caller has read them (they are then not read again).

    Returns
    -------
    pandas.DataFrame
        Every column as ``str``, empty cells as ``""``.
    """
    try:
        data = Path(path).read_bytes() if content is None else content
        text = data.decode("utf-8")
    except FileNotFoundError as exc:
        raise DataError(path, f"{what} not found") from exc
    except UnicodeDecodeError as exc:
        raise DataError(path, f"not UTF-8 text (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DataError(path, f"malformed CSV at line {reader.line_num}: {exc}") from None
    if not rows:
        raise DataError(path, "empty file (no header row)")
    header, width = rows[0], len(rows[0])
    line = 1
    for row in rows[1:]:
        line += 1
        if len(row) != width:
            raise DataError(
                path,
                f"malformed row at line {line}: {len(row)} fields, expected {width} "
                "(a field holding a comma must be quoted)",
            )
    return pd.DataFrame(rows[1:], columns=header, dtype=str)


def _lines(table: pd.DataFrame, mask: pd.Series) -> str:
    """CSV line numbers (header = line 1) of the rows in ``mask``, e.g. ``"lines 5, 9"``."""
    numbers = [str(i + 2) for i in table.index[mask][:5]]
    return ("line " if len(numbers) == 1 else "lines ") + ", ".join(numbers)


def _read_manual(path_str: str) -> pd.DataFrame:
    table = read_mapping_csv(path_str, "country name mapping table")
    expected = ["name", "iso3", "note"]
    if list(table.columns) != expected:
        raise DataError(path_str, f"columns {list(table.columns)}, expected {expected}")
    blank = table["name"].str.strip() == ""
    if blank.any():
        raise DataError(path_str, f"empty name at {_lines(table, blank)}")
    dup = table["name"].duplicated(keep=False)
    if dup.any():
        first = table.loc[dup, "name"].iloc[0]
        raise DataError(
            path_str,
            f"duplicate name {first!r} at {_lines(table, table['name'] == first)}"
            f"{f' ({dup.sum()} rows in all)' if dup.sum() > 2 else ''}",
        )
    shape = (table["iso3"] != "") & ~table["iso3"].str.fullmatch(r"[A-Z]{3}")
    if shape.any():
        row = table[shape].iloc[0]
        raise DataError(
            path_str,
            f"{row['name']!r}: iso3 {row['iso3']!r} is not three upper-case letters "
            f"(at {_lines(table, shape)})",
        )
    bad = (table["iso3"] != "") & ~table["iso3"].isin(valid_iso3())
    if bad.any():
        row = table[bad].iloc[0]
        raise DataError(
            path_str,
            f"{row['name']!r}: {row['iso3']!r} is not an ISO3 code known to country_converter "
            f"(at {_lines(table, bad)})",
        )
    no_reason = (table["iso3"] == "") & (table["note"].str.strip() == "")
    if no_reason.any():
        raise DataError(
            path_str,
            f"unmatched name {table.loc[no_reason, 'name'].iloc[0]!r} without a reason in "
            f"'note' (at {_lines(table, no_reason)})",
        )
    return table


def load_country_names() -> pd.DataFrame:
    """Load and validate the curated name overrides ``data/mappings/country_names.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``iso3`` (``""`` for names that are deliberately not
        countries) and ``note``.

    Raises
    ------
    tiptrends.errors.DataError
        If the file is missing or malformed (duplicate names, invalid ISO3 codes,
        unmatched names without a reason).
    """
    path = mappings_dir() / COUNTRY_NAMES_FILE
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return _manual_table_cached(str(path), mtime).copy()


def _match(names: pd.Series) -> pd.DataFrame:
    """Match names; return a frame aligned with ``names`` (iso3, iso3_match, reason)."""
    manual = load_country_names()
    manual_iso = dict(zip(manual["name"], manual["iso3"], strict=True))
    manual_note = dict(zip(manual["name"], manual["note"], strict=True))
    cleaned = names.map(_clean)
    distinct = sorted({c for c in cleaned if c is not None and c not in manual_iso})
    found: dict[str, str] = {}
    if distinct:
        converted = converter().convert(distinct, to="ISO3", not_found=None)
        if isinstance(converted, str):
            converted = [converted]
        valid = valid_iso3()
        for name, code in zip(distinct, converted, strict=True):
            if isinstance(code, str) and code in valid:
                found[name] = code
    iso, how, reason = [], [], []
    for c in cleaned:
        if c is None:
            iso.append(np.nan), how.append(MATCH_NONE), reason.append("blank name")
        elif c in manual_iso:
            code = manual_iso[c]
            if code:
                iso.append(code), how.append(MATCH_MANUAL), reason.append("")
            else:
                iso.append(np.nan), how.append(MATCH_NONE), reason.append(manual_note[c])
        elif c in found:
            iso.append(found[c]), how.append(MATCH_NAME), reason.append("")
        else:
            iso.append(np.nan), how.append(MATCH_NONE)
            reason.append("not recognised by country_converter and not in country_names.csv")
    return pd.DataFrame(
        {"iso3": pd.Series(iso, dtype=object), "iso3_match": how, "reason": reason},
        index=names.index,
    )


def to_iso3(names: Iterable[str]) -> pd.Series:
    """Convert country names to ISO3 codes.

    Parameters
    ----------
    names : iterable of str
        Country names as written in a source (surrounding blanks are ignored).

    Returns
    -------
    pandas.Series
        ISO3 codes indexed by the input names; NaN where a name is unmatched (or is
        listed in ``country_names.csv`` as not a country).
    """
    names = list(names)
    result = _match(pd.Series(names, dtype=object))["iso3"]
    result.index = pd.Index(names, dtype=object)
    return result.rename("iso3")


def attach_iso3(
    df: pd.DataFrame, name_column: str = "country", code_column: str | None = None
) -> pd.DataFrame:
    """Return a copy of ``df`` with columns ``iso3`` and ``iso3_match``.

    Precedence: a valid ISO3 code already in ``code_column`` (``"code"``); then the
    manual table (``"manual"``); then ``country_converter`` on the name (``"name"``);
    otherwise ``"unmatched"`` with ``iso3`` NaN. No row is dropped.

    Parameters
    ----------
    df : pandas.DataFrame
    name_column : str
        Column with country names.
    code_column : str, optional
        Column with existing ISO3 codes (e.g. the ``iso`` column of the Kelley-Heiss
        TIP file); invalid codes (such as ``KOS``) fall back to name matching.

    Returns
    -------
    pandas.DataFrame
    """
    needed = [name_column] + ([code_column] if code_column is not None else [])
    require_columns(df, needed, what="attach_iso3: df")
    out = df.copy()
    matched = _match(out[name_column].astype(object))
    iso3 = matched["iso3"].copy()
    how = matched["iso3_match"].copy()
    if code_column is not None:
        codes = (
            out[code_column]
            .astype(object)
            .map(lambda v: str(v).strip().upper() if isinstance(v, str) else None)
        )
        ok = codes.isin(valid_iso3())
        iso3[ok] = codes[ok]
        how[ok] = MATCH_CODE
    out["iso3"] = iso3
    out["iso3_match"] = how
    return out


def unmatched_names(df: pd.DataFrame, name_column: str = "country") -> pd.DataFrame:
    """List the distinct names in ``df[name_column]`` that get no ISO3 code.

    Parameters
    ----------
    df : pandas.DataFrame
    name_column : str

    Returns
    -------
    pandas.DataFrame
        Columns ``name`` (as written), ``reason`` and ``rows`` (number of rows).
    """
    require_columns(df, [name_column], what="unmatched_names: df")
    names = df[name_column].astype(object)
    matched = _match(names)
    bad = matched["iso3_match"] == MATCH_NONE
    table = pd.DataFrame({"name": names[bad], "reason": matched.loc[bad, "reason"]})
    if table.empty:
        return pd.DataFrame(
            {
                "name": pd.Series(dtype=object),
                "reason": pd.Series(dtype=object),
                "rows": pd.Series(dtype="int64"),
            }
        )
    grouped = table.fillna({"name": "<blank>"}).groupby(["name", "reason"], dropna=False)
    return grouped.size().rename("rows").reset_index().sort_values("name", ignore_index=True)


def is_eu27(iso3: str | pd.Series) -> bool | pd.Series:
    """Return whether ``iso3`` is a current EU member (fixed EU-27, applied to all years).

    Parameters
    ----------
    iso3 : str or pandas.Series

    Returns
    -------
    bool or pandas.Series of bool
    """
    if isinstance(iso3, pd.Series):
        return iso3.isin(EU27)
    return iso3 in EU27


@lru_cache(maxsize=1)
def _country_table() -> pd.DataFrame:
    data = converter().data
    table = pd.DataFrame(
        {
            "iso3": data["ISO3"].astype(str),
            "name_short": data["name_short"].astype(str),
            "un_intermediate_region": data["UNregion"].astype(str),
        }
    )
    table = table[table["un_intermediate_region"] != "Antarctica"]
    table["un_subregion"] = table["un_intermediate_region"].replace(_INTERMEDIATE_TO_SUBREGION)
    table["un_region"] = table["un_subregion"].map(M49_SUBREGION_TO_REGION)
    table["eu27"] = table["iso3"].isin(EU27)
    table["glotip_region"] = [
        glotip_region(s, i) for s, i in zip(table["un_subregion"], table["iso3"], strict=True)
    ]
    cols = ["iso3", "name_short", "un_region", "un_subregion", "un_intermediate_region"]
    return table[[*cols, "eu27", "glotip_region"]].sort_values("iso3", ignore_index=True)


def country_table() -> pd.DataFrame:
    """Return one row per country/territory known to ``country_converter``.

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3``, ``name_short``, ``un_region`` (M49 region),
        ``un_subregion`` (the 17 M49 sub-regions of the UNODC file),
        ``un_intermediate_region`` (M49 intermediate region as in
        ``country_converter``), ``eu27`` (bool) and ``glotip_region``
        (approximation, see :func:`glotip_region`).
    """
    return _country_table().copy()


def glotip_region(subregion: str, iso3: str | None = None) -> str | None:
    """Approximate the GLOTIP 2024 region of a country.

    Parameters
    ----------
    subregion : str
        UN M49 sub-region as in the UNODC file (e.g. ``"Southern Europe"``); M49
        intermediate regions ("South America", "Caribbean", "Western Africa", ...)
        are accepted too.
    iso3 : str, optional
        ISO3 code; when given, :data:`GLOTIP_OVERRIDES` applies (needed to split
        Latin America and Europe).

    Returns
    -------
    str or None
        One of :data:`GLOTIP_REGIONS`, or None for an unknown sub-region.

    Notes
    -----
    This is an APPROXIMATION of UNODC's regional grouping (see module docstring).
    """
    if isinstance(iso3, str) and iso3 in GLOTIP_OVERRIDES:
        return GLOTIP_OVERRIDES[iso3]
    if not isinstance(subregion, str):
        return None
    if subregion == "South America":
        return SOUTH_AMERICA
    sub = _INTERMEDIATE_TO_SUBREGION.get(subregion, subregion)
    return GLOTIP_BY_SUBREGION.get(sub)


def add_glotip_region(
    df: pd.DataFrame, iso3_column: str = "iso3", subregion_column: str = "subregion"
) -> pd.DataFrame:
    """Return a copy of ``df`` with a ``glotip_region`` column (approximation).

    Parameters
    ----------
    df : pandas.DataFrame
    iso3_column : str
        Column with ISO3 codes (used for :data:`GLOTIP_OVERRIDES`); may be absent.
    subregion_column : str
        Column with UN M49 sub-regions.

    Returns
    -------
    pandas.DataFrame
    """
    require_columns(df, [subregion_column], what="add_glotip_region: df")
    out = df.copy()
    iso = out[iso3_column] if iso3_column in out else pd.Series(None, index=out.index)
    out["glotip_region"] = [
        glotip_region(s, i) for s, i in zip(out[subregion_column], iso, strict=True)
    ]
    return out
