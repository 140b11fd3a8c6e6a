"""Readers for US Trafficking in Persons (TIP) Report tier placements and flow codings.

Tiers are normalised to :data:`TIER_DTYPE`, an ordered categorical over :data:`TIERS`
("Tier 1" < "Tier 2" < "Tier 2 Watch List" < "Tier 3" < "Special case"). "Special case" is
last by convention only: it is not a worse tier than Tier 3, so drop it before comparing
tiers. Country names are kept as published (whitespace stripped); nothing is mapped to ISO3
here (``tiptrends.io.countries.attach_iso3`` does that).

:func:`read_tip_kelley_heiss` - ``tip_tiers/heiss_kelley_tip_tiers_orig.csv`` (Kelley & Heiss,
*Scorecard Diplomacy*), one row per country x year, 1999-2015 (the report starts in 2001, so
1999-2000 have no tier). Columns:

- ``country``: str, ``countryname`` as published.
- ``iso``: str, ISO 3166 alpha-3 code as published (file column ``iso``).
- ``ccode``: Int64, Correlates of War code (<NA> where the file has NA: Aruba, Curacao,
  Hong Kong, Macao, Serbia, Sint Maarten).
- ``year``: int64, report year.
- ``tier``: :data:`TIER_DTYPE`, <NA> where the file has NA (not ranked that year).
- ``tier_raw``: str, the tier as published with trailing spaces stripped ("Tier 1",
  "Tier 2", "Watchlist", "Tier 3"; <NA> for NA). "Watchlist" is "Tier 2 Watch List".
- ``source_line``: int64, line number in the CSV (header is line 1).

Key: (iso, year) and (country, year) are unique; a duplicate raises DataError.

:func:`read_du_tiers` - ``tip_tiers/DU_HTC_TIP_Tier_Rankings_2008-2016.xlsx`` (University of
Denver Human Trafficking Center). The sheet named ``2008`` stacks every year 2008-2016; the
sheets ``2009`` ... ``2016`` repeat those years one per sheet. The reader takes the stacked
sheet (the only one holding 2008) and checks that, for every per-year sheet, the set of
(year, country, tier) rows equals the stacked sheet's rows for that year; if not, or if a
per-year sheet's Year column differs from its name, it raises DataError. The stacked sheet
repeats 20 rows exactly (15 in 2008, e.g. Pakistan ... Zimbabwe; Cyprus 2010/2012; Greece and
India 2015): identical repeats are collapsed into one row (``n_source_rows`` counts them);
repeats with different tiers raise DataError. One row per country x year. Columns:

- ``country``: str, name as published, stripped ("Cambodia " -> "Cambodia"). Spellings vary
  between years ("Russia"/"Russian Federation", "Kyrgystan", "Phillipines", "N. Korea", ...),
  so the same country can appear under two names; match on ISO3 downstream.
- ``year``: int64, report year (one Year cell is the text "2016"; it is parsed).
- ``tier``: :data:`TIER_DTYPE`. Raw codes: 1, 2, 3, "2W" and "2 WL" (once, Cabo Verde 2016)
  -> "Tier 2 Watch List", "Special Case" -> "Special case". <NA> for the 7 blank cells and for
  "Under US narrative" (Puerto Rico 2013, not a tier).
- ``tier_raw``: str, the cell as published ("1", "2", "2W", "2 WL", "3", "Special Case",
  "Under US narrative"; <NA> if blank).
- ``source_row``: int64, first 1-based row of this country x year in the stacked sheet.
- ``n_source_rows``: int64, number of identical rows collapsed into this one (1 or more).

:func:`read_du_flows` - ``tip_tiers/DU_HTC_TIP_Directionality_Coding_2008-2016.xlsx``, the
same centre's coding of trafficking movements named in the TIP country narratives. Sheets
``2008``, ``2009 RECODE``, ``2010`` ... ``2016`` hold one year each (the cell A1 holds the year;
column A repeats it but is blank in some rows, which take the sheet's year). ``Sheet1`` is an
exact copy of ``2016``; the reader checks that and skips it. Any other sheet raises DataError.
One row per coded statement: an origin -> (transit) -> destination movement with its codes, so
(year, origin, destination) is not unique (several statements, victim profiles or transit
countries per pair); exact repeats are kept, as in the file. Rows with no origin, transit or
destination (blank rows and coder notes such as "Vulnerable only", "Nothing to code",
"internal only") describe no movement and are dropped: 3 in 2009, 7 in 2015, 5 in 2016 (and 5
in the skipped Sheet1). Locations are countries or regions as written ("Middle East",
"sub-Saharan Africa", "MIddle East", "Neighboring Countries"). Columns:

- ``year``: int64, report year.
- ``origin``, ``transit``, ``destination``: str, as published, stripped (<NA> if blank; a
  row may lack one of them).
- ``victim_profile``, ``trafficking_type``, ``means``, ``trafficker``, ``sector``: str, the
  DU numeric codes, as a comma-joined sorted list ("3,4"); <NA> if blank. Meanings are in
  the DU codebook ("Codebook- Directionality.docx", not mirrored). Allowed codes: 1-5 for
  victim_profile, 1-11 for the others (the observed ranges). Typing slips are normalised:
  spaces and empty items ("2, 9,10", "7,,9") and one cell stored as the decimal 3.4 (2016,
  read as "3,4").
- ``notes``: str, coder notes (<NA> if blank).
- ``flagged``: bool, the coder's "Flagged" mark ("x"/"X"). Sheet 2012 has a stray unnamed
  column L with "X" on 4 rows that are already flagged; the reader checks that and ignores it.
- ``source_sheet``: str, sheet name; ``source_row``: int64, 1-based row in that sheet.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from tiptrends.errors import DataError
from tiptrends.io.readers._common import (
    open_workbook,
    read_text_csv,
    sheet_rows,
    strip_header,
    validate,
)

READER_VERSION = "1"

TIERS = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special case")
TIER_DTYPE = pd.CategoricalDtype(list(TIERS), ordered=True)

#: Kelley/Heiss tier text (stripped) -> tier; "NA" and blank are missing
KH_TIERS = {
    "Tier 1": "Tier 1",
    "Tier 2": "Tier 2",
    "Watchlist": "Tier 2 Watch List",
    "Tier 3": "Tier 3",
    "Special case": "Special case",
}
KH_COLUMNS = ("countryname", "iso", "year", "ccode", "tier")

#: DU tier code (stripped text) -> tier (None: a known non-tier value)
DU_TIERS: dict[str, str | None] = {
    "1": "Tier 1",
    "2": "Tier 2",
    "2W": "Tier 2 Watch List",
    "2 WL": "Tier 2 Watch List",
    "3": "Tier 3",
    "Special Case": "Special case",
    "Under US narrative": None,
}
DU_TIER_HEADER = ("year", "country", "tier ranking")
DU_STACKED_SHEET = "2008"

FLOW_HEADER = (
    ("origin country", "origin country/region"),
    ("(transit country)",),
    ("destination country",),
    ("victim profile",),
    ("type of trafficking",),
    ("means",),
    ("trafficker",),
    ("sector",),
    ("notes",),
    ("flagged",),
)
FLOW_CODES: dict[str, frozenset[int]] = {
    "victim_profile": frozenset(range(1, 6)),
    "trafficking_type": frozenset(range(1, 12)),
    "means": frozenset(range(1, 12)),
    "trafficker": frozenset(range(1, 12)),
    "sector": frozenset(range(1, 12)),
}
FLOW_COPY_SHEET = ("Sheet1", "2016")


@functools.cache
def _schemas() -> dict[str, Any]:
    """The module's pandera schemas, built on first use (pandera is imported only then)."""
    import pandera.pandas as pa

    _year = pa.Column("int64", pa.Check.in_range(1990, 2030))
    _country = pa.Column(str, pa.Check.str_length(min_value=1))
    _tier = pa.Column(TIER_DTYPE, nullable=True)

    SCHEMA_KELLEY_HEISS = pa.DataFrameSchema(
        {
            "country": _country,
            "iso": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
            "ccode": pa.Column("Int64", pa.Check.ge(0), nullable=True),
            "year": _year,
            "tier": _tier,
            "tier_raw": pa.Column(str, pa.Check.isin(list(KH_TIERS)), nullable=True),
            "source_line": pa.Column("int64", pa.Check.ge(2), unique=True),
        },
        strict=True,
        ordered=True,
        unique=["iso", "year"],
        name="tip_tiers_kelley_heiss",
    )
    SCHEMA_DU_TIERS = pa.DataFrameSchema(
        {
            "country": _country,
            "year": _year,
            "tier": _tier,
            "tier_raw": pa.Column(str, pa.Check.isin(list(DU_TIERS)), nullable=True),
            "source_row": pa.Column("int64", pa.Check.ge(2), unique=True),
            "n_source_rows": pa.Column("int64", pa.Check.ge(1)),
        },
        strict=True,
        ordered=True,
        unique=["country", "year"],
        name="tip_tiers_du",
    )
    SCHEMA_DU_FLOWS = pa.DataFrameSchema(
        {
            "year": _year,
            "origin": pa.Column(str, nullable=True),
            "transit": pa.Column(str, nullable=True),
            "destination": pa.Column(str, nullable=True),
            **{
                c: pa.Column(str, pa.Check.str_matches(r"^\d+(,\d+)*$"), nullable=True)
                for c in FLOW_CODES
            },
            "notes": pa.Column(str, nullable=True),
            "flagged": pa.Column(bool),
            "source_sheet": pa.Column(str),
            "source_row": pa.Column("int64", pa.Check.ge(2)),
        },
        strict=True,
        ordered=True,
        unique=["source_sheet", "source_row"],
        checks=[
            pa.Check(
                lambda df: df[["origin", "transit", "destination"]].notna().any(axis=1),
                error="every row names at least one location",
            )
        ],
        name="tip_flows_du",
    )
    #: the schema of each reader's output, by reader name
    SCHEMA = {
        "read_tip_kelley_heiss": SCHEMA_KELLEY_HEISS,
        "read_du_tiers": SCHEMA_DU_TIERS,
        "read_du_flows": SCHEMA_DU_FLOWS,
    }
    return {
        "SCHEMA_KELLEY_HEISS": SCHEMA_KELLEY_HEISS,
        "SCHEMA_DU_TIERS": SCHEMA_DU_TIERS,
        "SCHEMA_DU_FLOWS": SCHEMA_DU_FLOWS,
        "SCHEMA": SCHEMA,
    }


def __getattr__(name: str) -> Any:
    if name in (
        "SCHEMA_KELLEY_HEISS",
        "SCHEMA_DU_TIERS",
        "SCHEMA_DU_FLOWS",
        "SCHEMA",
    ):  # the schemas as module attributes, built on first use
        return _schemas()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_INT = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.0*)?$")


# --------------------------------------------------------------------------- Kelley / Heiss
def read_tip_kelley_heiss(path: Path) -> pd.DataFrame:
    """Read the Kelley & Heiss TIP tier file (1999-2015) into one row per country x year.

    Parameters
    ----------
    path : Path
        ``heiss_kelley_tip_tiers_orig.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns as documented in the module docstring, validated by
        :data:`SCHEMA_KELLEY_HEISS`.

    Raises
    ------
    DataError
        Missing or unparseable file, missing or unexpected column, a year or ccode that is
        not a whole number, an unknown tier, a duplicate country x year, or a schema failure.
    """
    path = Path(path)
    raw = read_text_csv(path, KH_COLUMNS)
    raw.columns = strip_header(path, raw, KH_COLUMNS)
    raw = raw.apply(lambda s: s.str.strip())
    lines = np.arange(2, len(raw) + 2, dtype="int64")

    def where(mask: pd.Series) -> str:
        return f"line {int(lines[mask.to_numpy().argmax()])}"

    out = pd.DataFrame(index=raw.index)
    out["country"] = raw["countryname"]
    blank = out["country"].isin(["", "NA"])
    if blank.any():
        raise DataError(path, f"{where(blank)}: blank countryname")
    out["iso"] = raw["iso"]
    bad = ~out["iso"].str.fullmatch(r"[A-Z]{3}")
    if bad.any():
        raise DataError(
            path, f"{where(bad)}: iso is not a 3-letter code: {raw['iso'][bad].iloc[0]!r}"
        )
    out["ccode"] = _parse_ints(path, raw["ccode"], "ccode", [f"line {n}" for n in lines], True)
    years = _parse_ints(path, raw["year"], "year", [f"line {n}" for n in lines], False)
    out["year"] = years.astype("int64")
    tier_raw = raw["tier"].where(~raw["tier"].isin(["", "NA"]))
    unknown = tier_raw.notna() & ~tier_raw.isin(list(KH_TIERS))
    if unknown.any():
        raise DataError(path, f"{where(unknown)}: unknown tier {tier_raw[unknown].iloc[0]!r}")
    out["tier"] = pd.Categorical(tier_raw.map(KH_TIERS), dtype=TIER_DTYPE)
    out["tier_raw"] = tier_raw.astype(object)
    out["source_line"] = lines
    for key in (["iso", "year"], ["country", "year"]):
        dup = out.duplicated(key, keep=False)
        if dup.any():
            first = out[dup].iloc[0]
            raise DataError(
                path,
                f"duplicate {'/'.join(key)} {first[key[0]]!r} {first['year']} "
                f"(lines {out.loc[dup & (out[key[0]] == first[key[0]]) & (out['year'] == first['year']), 'source_line'].tolist()})",
            )
    return validate(path, _schemas()["SCHEMA_KELLEY_HEISS"], out)


# --------------------------------------------------------------------------- DU tiers
def read_du_tiers(path: Path) -> pd.DataFrame:
    """Read the DU HTC tier rankings 2008-2016 into one row per country x year.

    Parameters
    ----------
    path : Path
        ``DU_HTC_TIP_Tier_Rankings_2008-2016.xlsx``.

    Returns
    -------
    pandas.DataFrame
        Columns as documented in the module docstring, validated by :data:`SCHEMA_DU_TIERS`.

    Raises
    ------
    DataError
        Missing or corrupt workbook, missing stacked sheet, header not on row 1, a year that
        is not a whole number, an unknown tier code, conflicting duplicate rows, a per-year
        sheet that disagrees with the stacked sheet, or a schema failure.
    """
    path = Path(path)
    wb = open_workbook(path)
    if DU_STACKED_SHEET not in wb.sheet_names:
        raise DataError(path, f"sheet {DU_STACKED_SHEET!r} (all years stacked) not found")
    other = [s for s in wb.sheet_names if s != DU_STACKED_SHEET]
    unexpected = [s for s in other if not re.fullmatch(r"\d{4}", s.strip())]
    if unexpected:
        raise DataError(path, f"unexpected sheet {unexpected[0]!r}")

    stacked = _du_tier_sheet(path, wb, DU_STACKED_SHEET)
    key = ["year", "country"]
    conflict = stacked.groupby(key)["tier_raw"].transform(lambda s: s.fillna("").nunique()) > 1
    if conflict.any():
        first = stacked[conflict].iloc[0]
        rows = stacked.loc[
            conflict
            & (stacked["country"] == first["country"])
            & (stacked["year"] == first["year"]),
            "source_row",
        ].tolist()
        raise DataError(
            path,
            f"sheet {DU_STACKED_SHEET!r}: duplicate rows for {first['country']!r} "
            f"{first['year']} with different tiers (rows {rows})",
        )
    for sheet in other:
        per_year = _du_tier_sheet(path, wb, sheet)
        year = int(sheet.strip())
        wrong = per_year["year"] != year
        if wrong.any():
            row = int(per_year.loc[wrong, "source_row"].iloc[0])
            raise DataError(
                path,
                f"sheet {sheet!r} row {row}: year {per_year['year'][wrong].iloc[0]} is not {year}",
            )
        a = _row_set(stacked[stacked["year"] == year])
        b = _row_set(per_year)
        if a != b:
            diff = sorted((a ^ b), key=str)[0]
            side = DU_STACKED_SHEET if diff in a else sheet
            raise DataError(
                path,
                f"sheets {DU_STACKED_SHEET!r} and {sheet!r} disagree for {year}: "
                f"{diff[1]!r} tier {diff[2]!r} only in sheet {side!r}",
            )

    out = (
        stacked.groupby(key, sort=False, observed=True)
        .agg(
            tier_raw=("tier_raw", "first"),
            source_row=("source_row", "min"),
            n_source_rows=("source_row", "size"),
        )
        .reset_index()
    )
    out["tier"] = pd.Categorical(out["tier_raw"].map(DU_TIERS), dtype=TIER_DTYPE)
    out["tier_raw"] = out["tier_raw"].astype(object)
    out = out.sort_values("source_row", kind="stable").reset_index(drop=True)
    out = out[list(_schemas()["SCHEMA_DU_TIERS"].columns)].astype(
        {"source_row": "int64", "n_source_rows": "int64"}
    )
    return validate(path, _schemas()["SCHEMA_DU_TIERS"], out)


def _du_tier_sheet(path: Path, wb: CalamineWorkbook, sheet: str) -> pd.DataFrame:
    """One DU tier sheet as year, country, tier_raw, source_row (blank rows dropped)."""
    rows = sheet_rows(path, wb, sheet)
    head = tuple(_norm(v) for v in (rows[0] if rows else [])[:3])
    if head != DU_TIER_HEADER:
        raise DataError(
            path, f"sheet {sheet!r}: header {DU_TIER_HEADER} not found on row 1 (got {head})"
        )
    body = [list(r[:3]) + [None] * (3 - len(r[:3])) for r in rows[1:]]
    df = pd.DataFrame(body, columns=["year", "country", "tier_raw"], dtype=object)
    df["source_row"] = np.arange(2, len(df) + 2, dtype="int64")
    text = df[["year", "country", "tier_raw"]].apply(_text_col)
    # Rows with every cell blank carry nothing (formatted area below the data): dropped.
    keep = (text != "").any(axis=1)
    df, text = df[keep].reset_index(drop=True), text[keep].reset_index(drop=True)
    labels = [f"sheet {sheet!r} row {n}" for n in df["source_row"]]
    blank = text["country"] == ""
    if blank.any():
        raise DataError(path, f"{labels[int(blank.to_numpy().argmax())]}: blank country")
    df["year"] = _parse_ints(path, df["year"], "Year", labels, False).astype("int64")
    df["country"] = text["country"]
    tier = text["tier_raw"].map(_code_text)
    unknown = (tier != "") & ~tier.isin(list(DU_TIERS))
    if unknown.any():
        i = int(unknown.to_numpy().argmax())
        raise DataError(path, f"{labels[i]}: unknown tier {tier[unknown].iloc[0]!r}")
    df["tier_raw"] = tier.where(tier != "")
    return df


def _row_set(df: pd.DataFrame) -> set[tuple[int, str, str]]:
    return set(zip(df["year"].astype(int), df["country"], df["tier_raw"].fillna(""), strict=True))


# --------------------------------------------------------------------------- DU flows
def read_du_flows(path: Path) -> pd.DataFrame:
    """Read the DU HTC directionality coding 2008-2016 into one row per coded movement.

    Parameters
    ----------
    path : Path
        ``DU_HTC_TIP_Directionality_Coding_2008-2016.xlsx``.

    Returns
    -------
    pandas.DataFrame
        Columns as documented in the module docstring, validated by :data:`SCHEMA_DU_FLOWS`.

    Raises
    ------
    DataError
        Missing or corrupt workbook, an unexpected or missing sheet, a header not on row 1,
        a year differing from the sheet's, an unknown code or flag, ``Sheet1`` differing from
        ``2016``, or a schema failure.
    """
    path = Path(path)
    wb = open_workbook(path)
    years: dict[int, str] = {}
    for sheet in wb.sheet_names:
        if sheet == FLOW_COPY_SHEET[0]:
            continue
        m = re.fullmatch(r"(\d{4})( RECODE)?", sheet.strip())
        if not m:
            raise DataError(path, f"unexpected sheet {sheet!r}")
        if int(m.group(1)) in years:
            raise DataError(
                path, f"two sheets for year {m.group(1)}: {years[int(m.group(1))]!r}, {sheet!r}"
            )
        years[int(m.group(1))] = sheet
    if not years:
        raise DataError(path, "no year sheets found (expected sheets named 2008 ... 2016)")
    gaps = sorted(set(range(min(years), max(years) + 1)) - set(years))
    if gaps:
        raise DataError(path, f"sheet for year {gaps[0]} not found")

    frames = [_flow_sheet(path, wb, sheet, year) for year, sheet in sorted(years.items())]
    if FLOW_COPY_SHEET[0] in wb.sheet_names:
        copy, original = FLOW_COPY_SHEET
        if original not in wb.sheet_names:
            raise DataError(path, f"sheet {copy!r} present but sheet {original!r} missing")
        a = sheet_rows(path, wb, copy)[1:]
        b = sheet_rows(path, wb, original)[1:]
        if a != b:
            raise DataError(path, f"sheet {copy!r} is not a copy of sheet {original!r}")
    out = pd.concat(frames, ignore_index=True)
    return validate(path, _schemas()["SCHEMA_DU_FLOWS"], out)


def _flow_sheet(path: Path, wb: CalamineWorkbook, sheet: str, year: int) -> pd.DataFrame:
    rows = sheet_rows(path, wb, sheet)
    width = 1 + len(FLOW_HEADER)
    head = [_norm(v) for v in (rows[0] if rows else [])]
    head += [""] * (width - len(head))
    for j, names in enumerate(FLOW_HEADER, start=1):
        if head[j] not in names:
            raise DataError(
                path, f"sheet {sheet!r}: column {names[0]!r} not found in row 1 (header moved?)"
            )
    a1 = rows[0][0]
    if isinstance(a1, str):  # "C/Y (2016)" in Sheet1
        found = re.search(r"\d{4}", a1)
        a1_year = int(found.group()) if found else None
    else:
        a1_year = _int_or_none(a1)
    if a1_year != year:
        raise DataError(path, f"sheet {sheet!r}: cell A1 {a1!r} is not the year {year}")
    extra_cols = [j for j in range(width, len(head)) if head[j]]
    if extra_cols:
        raise DataError(path, f"sheet {sheet!r}: unexpected column {head[extra_cols[0]]!r}")

    body = [list(r) + [None] * (max(width, len(r)) - len(r)) for r in rows[1:]]
    source_rows = np.arange(2, len(body) + 2, dtype="int64")
    df = pd.DataFrame([r[:width] for r in body], dtype=object)
    text = df.apply(_text_col)
    labels = [f"sheet {sheet!r} row {n}" for n in source_rows]

    # Stray unnamed columns (sheet 2012, column L) may only repeat the Flagged mark.
    flag_text = text[10].str.lower()
    for j in range(width, max((len(r) for r in body), default=0)):
        stray = pd.Series([_text(r[j]).lower() for r in body])
        bad = (stray != "") & ~((stray == "x") & (flag_text == "x"))
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise DataError(path, f"{labels[i]}: unexpected value in unnamed column {j + 1}")

    years = pd.Series([_int_or_none(v) if t else year for v, t in zip(df[0], text[0], strict=True)])
    wrong = years != year
    if wrong.any():
        i = int(wrong.to_numpy().argmax())
        raise DataError(path, f"{labels[i]}: year {df[0][i]!r} differs from sheet year {year}")

    out = pd.DataFrame(
        {
            "year": np.full(len(df), year, dtype="int64"),
            "origin": text[1],
            "transit": text[2],
            "destination": text[3],
        }
    )
    for j, col in enumerate(FLOW_CODES, start=4):
        out[col] = _parse_codes(path, df[j], col, FLOW_CODES[col], labels)
    out["notes"] = text[9]
    bad_flag = ~flag_text.isin(["", "x"])
    if bad_flag.any():
        i = int(bad_flag.to_numpy().argmax())
        raise DataError(path, f"{labels[i]}: unknown Flagged value {text[10][i]!r}")
    out["flagged"] = (flag_text == "x").to_numpy()
    out["source_sheet"] = sheet
    out["source_row"] = source_rows
    for col in ("origin", "transit", "destination", "notes"):
        out[col] = out[col].where(out[col] != "").astype(object)
    # Rows naming no location (blank rows, coder notes) describe no movement: dropped.
    has_place = out[["origin", "transit", "destination"]].notna().any(axis=1)
    return out[has_place].reset_index(drop=True)


def _parse_codes(
    path: Path, values: pd.Series, col: str, allowed: frozenset[int], labels: list[str]
) -> pd.Series:
    """Canonical comma-joined sorted code lists; DataError on unknown codes."""
    cache: dict[object, str | None] = {}
    out: list[str | None] = []
    for i, v in enumerate(values.tolist()):
        k = (type(v).__name__, v)
        if k not in cache:
            cache[k] = _code_list(v, allowed)
        result = cache[k]
        if result is False:
            raise DataError(path, f"{labels[i]}: unknown {col} code {v!r}")
        out.append(result)
    return pd.Series(out, index=values.index, dtype=object)


def _code_list(v: object, allowed: frozenset[int]) -> str | None | bool:
    """'3, 4' -> '3,4'; blank -> None; anything not a list of allowed codes -> False."""
    if isinstance(v, float) and not v.is_integer():
        # A code list typed as "3.4" is stored by Excel as a decimal number.
        text = repr(v)
        parts = text.split(".")
    elif isinstance(v, int | float) and not isinstance(v, bool):
        parts = [str(int(v))]
    else:
        text = _text(v)
        if text == "":
            return None
        parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        return False
    codes = sorted({int(p) for p in parts})
    if not set(codes) <= allowed:
        return False
    return ",".join(map(str, codes))


# --------------------------------------------------------------------------- helpers
def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _text_col(values: pd.Series) -> pd.Series:
    """:func:`_text` over a column, computed once per distinct value."""

    def key(v: object) -> tuple[type, object]:
        return (type(v), v if v == v else "nan")  # NaN != NaN

    lookup = {key(v): _text(v) for v in pd.unique(values)}
    return pd.Series([lookup[key(v)] for v in values.tolist()], index=values.index, dtype=object)


def _norm(value: object) -> str:
    return " ".join(_text(value).split()).lower()


def _code_text(value: str) -> str:
    """Tier cell text: collapse inner whitespace, keep case ("2 WL", "Special Case")."""
    return " ".join(value.split())


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    if _INT.match(text):
        return int(float(text.replace(",", "")))
    return None


def _parse_ints(
    path: Path, values: pd.Series, col: str, labels: list[str], nullable: bool
) -> pd.Series:
    """Whole numbers from numbers or text ("1,234" allowed); blank/"NA" -> <NA> if nullable."""
    out: list[int | None] = []
    for i, v in enumerate(values.tolist()):
        text = _text(v)
        if text in ("", "NA"):
            if not nullable:
                raise DataError(path, f"{labels[i]}: {col} is blank")
            out.append(None)
            continue
        n = _int_or_none(v)
        if n is None:
            raise DataError(path, f"{labels[i]}: {col} is not a whole number: {text!r}")
        out.append(n)
    return pd.Series(pd.array(out, dtype="Int64"), index=values.index)
