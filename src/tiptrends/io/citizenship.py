"""The UNODC "by citizenship" dimension: a curated mapping of free-text categories.

In the UNODC GLOTIP data the category of the citizenship dimension is free text as
reported by each country: country names in several languages, demonyms
("Germans"), misspellings ("Swedesh"), regions, "Nationals", "Unknown", Spanish
placeholders ("Ciudadanos de su país", partly mis-encoded), numbers inside text
("97 albanian"), questionnaire codes. ``data/mappings/citizenship.csv`` maps every
category seen in the releases to:

* ``group``: ``country`` (a single country, ``iso3`` given), ``nationals`` (citizens
  of the reporting country), ``unknown`` (not stated), ``region`` (a group of
  countries, ``region_name`` given) or ``other`` (anything else: stateless,
  "foreigners", totals, numbers, questionnaire codes, ambiguous text);
* ``origin``: for groups other than ``country``, whether the victims are
  ``domestic`` (nationals), ``foreign`` (e.g. "foreigners", regional residuals that
  the reporting country lists besides its nationals) or ``unknown``; empty for
  ``country`` rows (decided against the reporting country);
* ``method`` (``cc_name`` = country_converter on the text; ``manual`` = reviewed by
  hand) and ``note``.

The table is the source of truth at run time. :func:`suggest_mapping` holds the
heuristics that produced the first draft (country_converter, a demonym list and
difflib fuzzy matching); use it only to draft rows for new categories, then review.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tiptrends import vocab
from tiptrends.errors import DataError
from tiptrends.io.checks import require_columns
from tiptrends.paths import mappings_dir

if TYPE_CHECKING:  # pandera is imported where the mapping is validated
    import pandera.pandas as pa

CITIZENSHIP_FILE = "citizenship.csv"
GROUPS = ("country", "nationals", "unknown", "region", "other")
ORIGINS = ("domestic", "foreign", "unknown")
METHODS = ("cc_name", "manual")
COLUMNS = ["category", "group", "iso3", "region_name", "origin", "method", "note"]

#: Demonyms and non-English country names present in the UNODC releases (lower case,
#: after :func:`_normalise`). Used only by :func:`suggest_mapping`.
DEMONYMS: dict[str, str] = {
    **dict.fromkeys(["afghani", "afganistan"], "AFG"),
    **dict.fromkeys(["albanian", "albanie", "abania"], "ALB"),
    **dict.fromkeys(["algerian"], "DZA"),
    **dict.fromkeys(["american", "estados unidos"], "USA"),
    **dict.fromkeys(["angolan"], "AGO"),
    **dict.fromkeys(["argentinian", "argentino"], "ARG"),
    **dict.fromkeys(["armenian", "armenie"], "ARM"),
    **dict.fromkeys(["australian"], "AUS"),
    **dict.fromkeys(["austrian"], "AUT"),
    **dict.fromkeys(["azerbaijani"], "AZE"),
    **dict.fromkeys(["bangladeshi"], "BGD"),
    **dict.fromkeys(["belarussian", "byelorussian", "bielorrusia"], "BLR"),
    **dict.fromkeys(["belga"], "BEL"),
    **dict.fromkeys(["belizean", "belizeean", "belice", "beliceña"], "BLZ"),
    **dict.fromkeys(["beninoise", "benin rep"], "BEN"),
    **dict.fromkeys(["bhutanese", "bhuatnese"], "BTN"),
    **dict.fromkeys(["bolivian", "boliviana"], "BOL"),
    **dict.fromkeys(["bosnian", "b & h", "bosnia erzegovina", "bosnia i herzegovinia"], "BIH"),
    **dict.fromkeys(["botzwana"], "BWA"),
    **dict.fromkeys(
        ["brazilian", "brasil", "brasilera", "brasilero", "barsil", "bresil", "brésil"], "BRA"
    ),
    **dict.fromkeys(["brésilien"], "BRA"),
    **dict.fromkeys(["british"], "GBR"),
    **dict.fromkeys(["bulgarian"], "BGR"),
    **dict.fromkeys(["burkinabe"], "BFA"),
    **dict.fromkeys(["burmese", "myanmar nation"], "MMR"),
    **dict.fromkeys(["burundean", "burundian"], "BDI"),
    **dict.fromkeys(["cambodian", "camboya"], "KHM"),
    **dict.fromkeys(["cameroonian", "camerun", "camerún", "cameroun"], "CMR"),
    **dict.fromkeys(["canadian", "canad"], "CAN"),
    **dict.fromkeys(["cape ver"], "CPV"),
    **dict.fromkeys(["chadian"], "TCD"),
    **dict.fromkeys(["chilean"], "CHL"),
    **dict.fromkeys(["chinese", "chine", "chines", "chino", "chinois", "chiness"], "CHN"),
    **dict.fromkeys(["cina popolare"], "CHN"),
    **dict.fromkeys(["colombian", "colombiana", "colombiano", "colombie", "columbia"], "COL"),
    **dict.fromkeys(["comorian islands"], "COM"),
    **dict.fromkeys(["congolese (drc)", "rdc", "dr kongo", "democratic kongo"], "COD"),
    **dict.fromkeys(["corea del sur", "south korean"], "KOR"),
    **dict.fromkeys(["costa d'avorio", "ivory coast"], "CIV"),
    **dict.fromkeys(["croatian", "croazia"], "HRV"),
    **dict.fromkeys(["cuban", "cubana", "cubano"], "CUB"),
    **dict.fromkeys(["cypriot"], "CYP"),
    **dict.fromkeys(["czech", "czeck republic", "república checa", "république tchèque"], "CZE"),
    **dict.fromkeys(["danish"], "DNK"),
    **dict.fromkeys(["djiboutean"], "DJI"),
    **dict.fromkeys(["dominicana", "r.dominicana", "rep. dominicana", "dominican rebublic"], "DOM"),
    **dict.fromkeys(["dutch", "nederland", "pays-bas", "netherlands (own country)"], "NLD"),
    **dict.fromkeys(["ecuadorean", "ecuatoriana"], "ECU"),
    **dict.fromkeys(["egyptian", "egitto", "egybt"], "EGY"),
    **dict.fromkeys(["emirati (uae)"], "ARE"),
    **dict.fromkeys(["eritrean", "erithera", "eritreja"], "ERI"),
    **dict.fromkeys(["estonian"], "EST"),
    **dict.fromkeys(["ethiopian", "ethiopie", "ethopia", "etiopia"], "ETH"),
    **dict.fromkeys(["fijian"], "FJI"),
    **dict.fromkeys(["filipino", "filippine", "filippino", "philippine"], "PHL"),
    **dict.fromkeys(["finn"], "FIN"),
    **dict.fromkeys(["french", "francia", "francais"], "FRA"),
    **dict.fromkeys(["gambian"], "GMB"),
    **dict.fromkeys(["georgian"], "GEO"),
    **dict.fromkeys(["german", "alemana", "alemania"], "DEU"),
    **dict.fromkeys(["ghanaian", "ghanean", "gana"], "GHA"),
    **dict.fromkeys(["greek"], "GRC"),
    **dict.fromkeys(["guatemalan", "guatemalean", "guatemalteca", "guatemalteco"], "GTM"),
    **dict.fromkeys(["guayanean"], "GUY"),
    **dict.fromkeys(["guinea ecuatorial"], "GNQ"),
    **dict.fromkeys(["guinean", "guineana", "guinee", "guinée", "guinee conakry"], "GIN"),
    **dict.fromkeys(["guinea conakry"], "GIN"),
    **dict.fromkeys(["haitian", "haitiana", "haitiano"], "HTI"),
    **dict.fromkeys(["honduranian", "hodruanian", "hondurean", "hondureña", "hondureño"], "HND"),
    **dict.fromkeys(["hungarian", "hongrie", "hungaria", "hungría"], "HUN"),
    **dict.fromkeys(["indian", "inde", "indien"], "IND"),
    **dict.fromkeys(["indonesian", "indonésie"], "IDN"),
    **dict.fromkeys(["iranian"], "IRN"),
    **dict.fromkeys(["israelian"], "ISR"),
    **dict.fromkeys(["italian", "italien"], "ITA"),
    **dict.fromkeys(["jamaican"], "JAM"),
    **dict.fromkeys(["japanese"], "JPN"),
    **dict.fromkeys(["jordanian"], "JOR"),
    **dict.fromkeys(["kazaki", "kazahstan", "kazakhistan", "kazalhstan"], "KAZ"),
    **dict.fromkeys(["kenyan", "keniano"], "KEN"),
    **dict.fromkeys(["kirghiz", "kyrgysi", "kirguizstán"], "KGZ"),
    **dict.fromkeys(["kosovar"], "XKX"),
    **dict.fromkeys(["laotian"], "LAO"),
    **dict.fromkeys(["latvian"], "LVA"),
    **dict.fromkeys(["lebanese", "libanon"], "LBN"),
    **dict.fromkeys(["liberian"], "LBR"),
    **dict.fromkeys(["libyan", "lybia", "lybian"], "LBY"),
    **dict.fromkeys(["lithuanian"], "LTU"),
    **dict.fromkeys(["luxembourgeois"], "LUX"),
    **dict.fromkeys(["macedonian"], "MKD"),
    **dict.fromkeys(["madagascarian"], "MDG"),
    **dict.fromkeys(["malaysian"], "MYS"),
    **dict.fromkeys(["malian", "maliens"], "MLI"),
    **dict.fromkeys(["maltese"], "MLT"),
    **dict.fromkeys(["mauritanian"], "MRT"),
    **dict.fromkeys(["mexican", "mexicana"], "MEX"),
    **dict.fromkeys(["moldavian", "moldovan", "moldovian", "moldavia"], "MDA"),
    **dict.fromkeys(["république de moldavie"], "MDA"),
    **dict.fromkeys(["mongolian"], "MNG"),
    **dict.fromkeys(["monte negro"], "MNE"),
    **dict.fromkeys(["moroccan", "morrocan", "maroc", "marocco", "marroquie", "marruecos"], "MAR"),
    **dict.fromkeys(["moroco"], "MAR"),
    **dict.fromkeys(["nepalese"], "NPL"),
    **dict.fromkeys(["new zealander"], "NZL"),
    **dict.fromkeys(["nicaraguarean", "nicaraguense"], "NIC"),
    **dict.fromkeys(["nigerian", "nigeriana"], "NGA"),
    **dict.fromkeys(["nigerin", "niger rep"], "NER"),
    **dict.fromkeys(["north korean"], "PRK"),
    **dict.fromkeys(["norvegian"], "NOR"),
    **dict.fromkeys(["omani"], "OMN"),
    **dict.fromkeys(["pakistani"], "PAK"),
    **dict.fromkeys(["paraguayian", "paraguaya", "paraguayo"], "PRY"),
    **dict.fromkeys(["peruvian", "peruana", "peruano", "pero"], "PER"),
    **dict.fromkeys(["phillipines"], "PHL"),
    **dict.fromkeys(["pole", "polish", "polonia", "pologne"], "POL"),
    **dict.fromkeys(["portuguese", "portugais"], "PRT"),
    **dict.fromkeys(["qatari"], "QAT"),
    **dict.fromkeys(["romanian", "roumain", "roumanie", "rumania", "rumanía"], "ROU"),
    **dict.fromkeys(["russian", "rusia", "russie"], "RUS"),
    **dict.fromkeys(["rwandean"], "RWA"),
    **dict.fromkeys(["salvadorean", "salvadoreña", "salvadoreño"], "SLV"),
    **dict.fromkeys(["sao tome"], "STP"),
    **dict.fromkeys(["saudi"], "SAU"),
    **dict.fromkeys(["senegalese"], "SEN"),
    **dict.fromkeys(["serbian"], "SRB"),
    **dict.fromkeys(["sierra leonean"], "SLE"),
    **dict.fromkeys(["singaporean"], "SGP"),
    **dict.fromkeys(["slovak"], "SVK"),
    **dict.fromkeys(["slovenian"], "SVN"),
    **dict.fromkeys(["solomon islander", "solomon isands"], "SLB"),
    **dict.fromkeys(["somali"], "SOM"),
    **dict.fromkeys(["south african", "sudafrica"], "ZAF"),
    **dict.fromkeys(["spanish"], "ESP"),
    **dict.fromkeys(["sri lankan"], "LKA"),
    **dict.fromkeys(["sudanese"], "SDN"),
    **dict.fromkeys(["swasiland"], "SWZ"),
    **dict.fromkeys(["swedesh"], "SWE"),
    **dict.fromkeys(["syrian", "syriah", "siria"], "SYR"),
    **dict.fromkeys(["taiwanese"], "TWN"),
    **dict.fromkeys(["tajiki"], "TJK"),
    **dict.fromkeys(["tanzanian", "tanzanianan", "tazanian"], "TZA"),
    **dict.fromkeys(["thai", "tailandesa", "thailande"], "THA"),
    **dict.fromkeys(["timor este"], "TLS"),
    **dict.fromkeys(["togolese"], "TGO"),
    **dict.fromkeys(["tunisa", "tunisie"], "TUN"),
    **dict.fromkeys(["turkish"], "TUR"),
    **dict.fromkeys(["turkmeni"], "TKM"),
    **dict.fromkeys(["ugandan", "ugandean"], "UGA"),
    **dict.fromkeys(["ukrainean", "ukrainian", "ukranian", "ucrania", "ukrainien"], "UKR"),
    **dict.fromkeys(["the ukraine"], "UKR"),
    **dict.fromkeys(["uruguayan"], "URY"),
    **dict.fromkeys(["uzbecki"], "UZB"),
    **dict.fromkeys(["venezuelan", "venezolana", "venezolano"], "VEN"),
    **dict.fromkeys(["vietnamese", "vietnamita"], "VNM"),
    **dict.fromkeys(["yemeni"], "YEM"),
    **dict.fromkeys(["zambian"], "ZMB"),
    **dict.fromkeys(["zimbabwean"], "ZWE"),
    **dict.fromkeys(["rmi"], "MHL"),
    **dict.fromkeys(["car"], "CAF"),
}

#: Draft rules for categories that are not countries (lower case, normalised).
NON_COUNTRY_HINTS: dict[str, tuple[str, str]] = {
    "nationals": ("nationals", "domestic"),
    "own country": ("nationals", "domestic"),
    "ciudadanos de su país": ("nationals", "domestic"),
    "unknown": ("unknown", "unknown"),
    "(nationality not stated)": ("unknown", "unknown"),
    "desconocida": ("unknown", "unknown"),
    "desconocido": ("unknown", "unknown"),
    "no determinada": ("unknown", "unknown"),
    "no determinadas": ("unknown", "unknown"),
    "no determinado": ("unknown", "unknown"),
    "no registra": ("unknown", "unknown"),
    "sin determinar": ("unknown", "unknown"),
    "inconnue": ("unknown", "unknown"),
    "no information": ("unknown", "unknown"),
}


#: Category texts that mean "no category" in the curated UNODC table (blank cell, "N/A").
MISSING_CATEGORY_TEXT = ("", "N/A")


def _normalise(text: str) -> str:
    """Lower-case, repair common mojibake, drop leading counts and plural 's'."""
    t = text
    if "Ã" in t:
        try:
            t = t.encode("latin-1").decode("utf-8")
        except UnicodeError:
            pass
    t = re.sub(r"^\d+\s+", "", t.strip()).lower()
    t = re.sub(r"\s+", " ", t)
    return t


def _repair_replacement(text: str, vocabulary: Iterable[str]) -> str | None:
    """Match text containing U+FFFD against ``vocabulary`` treating it as any character."""
    if "\ufffd" not in text:
        return None
    pattern = re.compile("^" + ".".join(map(re.escape, text.split("\ufffd"))) + "$")
    hits = [v for v in vocabulary if pattern.match(v)]
    return hits[0] if len(hits) == 1 else None


def suggest_mapping(categories: Iterable[str]) -> pd.DataFrame:
    """Draft mapping rows for citizenship categories (to be reviewed by hand).

    Heuristics, in order: non-country hints; the demonym list :data:`DEMONYMS`
    (also singular of plurals); ``country_converter`` on the text; difflib fuzzy
    match (cutoff 0.85) against the demonym keys and country_converter's short names.
    Text containing the replacement character U+FFFD is matched with it as a wildcard.

    Parameters
    ----------
    categories : iterable of str

    Returns
    -------
    pandas.DataFrame
        Columns of ``citizenship.csv`` plus ``heuristic`` (which rule fired);
        unresolved categories get ``group == "other"`` and ``heuristic == "none"``.
    """
    from tiptrends.io.countries import converter, valid_iso3

    cc = converter()
    names = cc.data[["name_short", "ISO3"]].dropna()
    by_name = {n.lower(): i for n, i in zip(names["name_short"], names["ISO3"], strict=True)}
    vocabulary = {**by_name, **DEMONYMS}
    rows = []
    for cat in categories:
        norm = _normalise(cat)
        wild = _repair_replacement(norm, list(vocabulary) + list(NON_COUNTRY_HINTS))
        key = wild or norm
        singular = key[:-1] if key.endswith("s") else key
        row = {"category": cat, "group": "other", "iso3": "", "region_name": "", "origin": ""}
        row |= {"method": "manual", "note": "", "heuristic": "none"}
        if key in NON_COUNTRY_HINTS:
            row["group"], row["origin"] = NON_COUNTRY_HINTS[key]
            row["heuristic"] = "hint"
        elif key in DEMONYMS or singular in DEMONYMS:
            row |= {"group": "country", "iso3": DEMONYMS.get(key) or DEMONYMS[singular]}
            row["heuristic"] = "demonym"
        else:
            code = cc.convert(cat if not wild else key, to="ISO3", not_found=None)
            echoed = code == cat and cat not in valid_iso3()  # cc echoes unmatched input
            if isinstance(code, str) and code in valid_iso3() and not echoed:
                row |= {"group": "country", "iso3": code, "method": "cc_name", "heuristic": "cc"}
            else:
                close = difflib.get_close_matches(key, list(vocabulary), n=1, cutoff=0.85)
                if close:
                    row |= {"group": "country", "iso3": vocabulary[close[0]]}
                    row["heuristic"] = f"fuzzy:{close[0]}"
        rows.append(row)
    return pd.DataFrame(rows)


def _schema() -> pa.DataFrameSchema:
    import pandera.pandas as pa

    from tiptrends.io.countries import valid_iso3

    iso_ok = valid_iso3()
    text = pa.Column(str, nullable=False)
    return pa.DataFrameSchema(
        {
            "category": pa.Column(str, pa.Check.str_length(min_value=1), unique=True),
            "group": pa.Column(str, pa.Check.isin(GROUPS)),
            "iso3": pa.Column(str, pa.Check(lambda s: (s == "") | s.isin(iso_ok))),
            "region_name": text,
            "origin": pa.Column(str, pa.Check.isin(("", *ORIGINS))),
            "method": pa.Column(str, pa.Check.isin(METHODS)),
            "note": text,
        },
        checks=[
            pa.Check(
                lambda d: (d["iso3"] != "") == (d["group"] == "country"),
                error="iso3 must be present iff group == 'country'",
            ),
            pa.Check(
                lambda d: d["iso3"].str.fullmatch(r"[A-Z]{3}|"),
                error="iso3 must be three upper-case letters",
            ),
            pa.Check(
                lambda d: (d["region_name"] != "") == (d["group"] == "region"),
                error="region_name must be present iff group == 'region'",
            ),
            pa.Check(
                lambda d: (d["origin"] == "") == (d["group"] == "country"),
                error="origin must be empty iff group == 'country'",
            ),
            pa.Check(
                lambda d: (d["group"] != "nationals") | (d["origin"] == "domestic"),
                error="nationals must have origin 'domestic'",
            ),
        ],
        strict=True,
        ordered=True,
        coerce=False,
    )


#: Name of the mapping's remembered schema check (:mod:`tiptrends.io.remembered`): a later
#: process loading the same bytes, with the same schema code (this module and
#: :mod:`tiptrends.io.countries`, whose ISO3 codes it accepts) and package versions, skips it.
CHECK_NAME = "citizenship_mapping"


def citizenship_map_path() -> str:
    """Return the path of ``data/mappings/citizenship.csv`` as a string."""
    return str(mappings_dir() / CITIZENSHIP_FILE)


def load_citizenship_map() -> pd.DataFrame:
    """Load and validate the curated citizenship mapping.

    Returns
    -------
    pandas.DataFrame
        Columns ``category``, ``group``, ``iso3``, ``region_name``, ``origin``,
        ``method``, ``note`` (empty strings, not NaN, where a field does not apply).

    Raises
    ------
    tiptrends.errors.DataError
        If the file is missing or fails the schema (groups outside the allowed set,
        ISO3 present although the group is not ``country`` or missing although it
        is, ISO3 not three upper-case letters / unknown code, duplicate categories).
    """
    from tiptrends.io import countries, remembered
    from tiptrends.io.countries import read_mapping_csv

    path = citizenship_map_path()
    content = _bytes_or_none(path)  # None: read_mapping_csv says what is wrong
    table = read_mapping_csv(path, "citizenship mapping table", content)
    key = None
    if content is not None:  # the key of the bytes the table was read from
        code = [Path(__file__), Path(countries.__file__)]
        key = remembered.check_key(content, code, ["pandas", "pandera", "country_converter"])
        if remembered.passed_before(CHECK_NAME, key):
            return table
    import pandera.pandas as pa

    try:
        checked = _schema().validate(table, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise DataError(path, _first_failure(exc, table)) from None
    except pa.errors.SchemaError as exc:  # pragma: no cover - lazy=True raises SchemaErrors
        raise DataError(path, f"invalid citizenship mapping: {str(exc).splitlines()[0]}") from None
    if key is not None:
        remembered.remember_pass(CHECK_NAME, key)
    return checked


def _bytes_or_none(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def _first_failure(err: pa.errors.SchemaErrors, table: pd.DataFrame) -> str:
    """pandera's report -> one line: the first problem, its CSV line and category, the count."""
    cases = err.failure_cases
    first = cases.iloc[0]
    column, check = first["column"], str(first["check"])
    if check == "field_uniqueness":
        dup = table["category"] == first["failure_case"]
        lines = ", ".join(str(i + 2) for i in table.index[dup][:5])
        problem = f"duplicate category {first['failure_case']!r} at lines {lines}"
    elif check.startswith("column_in_") or check == "column_ordered":
        problem = f"columns {list(table.columns)}, expected {COLUMNS}"
    else:
        index = first["index"]
        where = ""
        if pd.notna(index) and int(index) < len(table):
            where = f" at line {int(index) + 2} (category {table['category'].iloc[int(index)]!r})"
        name = "value not in the allowed set" if check.startswith("isin(") else check
        per_column = first["schema_context"] == "Column" and column in table
        got = f", got {first['failure_case']!r}" if per_column else ""
        label = column if per_column else "row"
        problem = f"{label}: {name}{where}{got}"
    more = f" ({len(cases)} problems in all)" if len(cases) > 1 else ""
    return f"invalid citizenship mapping: {problem}{more}"


def map_citizenship(df: pd.DataFrame, category_column: str = "category") -> pd.DataFrame:
    """Return a copy of ``df`` with ``citizenship_group`` and ``citizenship_iso3``.

    Empty text and "N/A" (how the curated UNODC table shows a blank or "N/A" category cell,
    :data:`MISSING_CATEGORY_TEXT`) count as missing.
    Also adds ``citizenship_origin`` (domestic / foreign / unknown for non-country
    groups, empty for country rows). A missing category (NaN) is mapped to group
    ``unknown``. Rows are neither dropped nor reordered.

    Parameters
    ----------
    df : pandas.DataFrame
        Typically the citizenship rows of the curated UNODC table.
    category_column : str

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    tiptrends.errors.DataError
        Naming ``citizenship.csv`` if any non-missing category is not in the table.
    """
    require_columns(df, [category_column], what="map_citizenship: df")
    table = load_citizenship_map().set_index("category")
    cats = df[category_column]
    cats = cats.where(~cats.isin(MISSING_CATEGORY_TEXT))
    present = cats.dropna().astype(str)
    missing = sorted(set(present) - set(table.index))
    if missing:
        shown = ", ".join(repr(m) for m in missing[:10])
        more = f" (+{len(missing) - 10} more)" if len(missing) > 10 else ""
        raise DataError(
            citizenship_map_path(),
            f"{len(missing)} unmapped citizenship categories: {shown}{more}",
        )
    out = df.copy()
    keys = cats.astype(object).where(cats.notna(), None)
    group = keys.map(table["group"]).fillna("unknown")
    iso3 = keys.map(table["iso3"])
    iso3 = iso3.where(iso3 != "", np.nan)  # no ISO3 (a region, stateless): missing
    origin = keys.map(table["origin"]).fillna("unknown")
    out["citizenship_group"] = group.astype(object)
    out["citizenship_iso3"] = iso3.astype(object)
    out["citizenship_origin"] = origin.astype(object)
    return out


def _value_column(df: pd.DataFrame) -> pd.Series:
    if "value" in df:
        return pd.to_numeric(df["value"], errors="coerce")
    raw = df["txtVALUE"].astype(str).str.replace(",", "", regex=False)
    return pd.to_numeric(raw, errors="coerce")


def mapped_share(
    df: pd.DataFrame,
    category_column: str = "category",
    indicator: str | None = vocab.VICTIMS,
) -> dict:
    """Share of victims whose citizenship maps to a country or to nationals.

    Parameters
    ----------
    df : pandas.DataFrame
        Citizenship rows (curated columns ``value``/``indicator``; raw ``txtVALUE``/
        ``Indicator`` also accepted). Suppressed counts (NaN values) are ignored.
    category_column : str
    indicator : str or None
        Keep only this indicator (default: detected victims); None keeps all.

    Returns
    -------
    dict
        ``share`` (float: value in groups country + nationals over all values),
        ``total`` (float), ``by_group`` (dict group -> summed value) and
        ``rows_by_group`` (dict group -> number of rows, suppressed included).
    """
    ind_col = next((c for c in ("indicator", "Indicator") if c in df), None)
    if indicator is not None and ind_col is not None:
        df = df[df[ind_col] == indicator]
    mapped = map_citizenship(df, category_column)
    values = _value_column(mapped)
    by_group = values.groupby(mapped["citizenship_group"]).sum()
    total = float(values.sum())
    good = float(by_group.reindex(["country", "nationals"]).fillna(0).sum())
    return {
        "share": good / total if total else float("nan"),
        "total": total,
        "by_group": {g: float(by_group.get(g, 0.0)) for g in GROUPS},
        "rows_by_group": mapped["citizenship_group"].value_counts().to_dict(),
    }


def classify_domestic(
    df: pd.DataFrame, reporting_iso3_column: str = "iso3", category_column: str = "category"
) -> pd.Series:
    """Classify citizenship rows as ``domestic``, ``foreign`` or ``unknown``.

    Domestic: group ``nationals``, or a citizenship ISO3 equal to the reporting
    country's. Foreign: another country, or a non-country row whose curated
    ``origin`` is ``foreign`` (regional residuals, "foreigners", stateless persons).
    Unknown otherwise (not stated, totals, codes, ambiguous text).

    Parameters
    ----------
    df : pandas.DataFrame
        Citizenship rows with the reporting country's ISO3 in ``reporting_iso3_column``
        (the columns added by :func:`map_citizenship` are used if present).
    reporting_iso3_column : str
    category_column : str

    Returns
    -------
    pandas.Series
        Aligned with ``df``, named ``citizenship_origin``.
    """
    require_columns(df, [reporting_iso3_column], what="classify_domestic: df")
    mapped = df if "citizenship_group" in df else map_citizenship(df, category_column)
    result = mapped["citizenship_origin"].astype(object).copy()
    is_country = mapped["citizenship_group"] == "country"
    same = mapped["citizenship_iso3"] == mapped[reporting_iso3_column]
    result[is_country] = np.where(same[is_country], "domestic", "foreign")
    return result.rename("citizenship_origin")


def origin_key(df: pd.DataFrame, category_column: str = "category") -> pd.Series:
    """Name a citizenship as an origin: the ISO3 code of a country, the name of a region.

    Rows of any other group (nationals, unknown, and the ``other`` group: questionnaire
    placeholders such as "(especifique otras nacionalidades)" or "OTROS", stateless
    persons, cells mixing two countries, codes) name no origin and get NaN, so lists of
    origins drop them while shares over all foreign victims still count them.

    Parameters
    ----------
    df : pandas.DataFrame
        Citizenship rows (the columns added by :func:`map_citizenship` are used if present).
    category_column : str

    Returns
    -------
    pandas.Series
        Aligned with ``df``, named ``origin_key``.
    """
    mapped = df if "citizenship_group" in df else map_citizenship(df, category_column)
    regions = load_citizenship_map().set_index("category")["region_name"]
    cats = mapped[category_column].where(~mapped[category_column].isin(MISSING_CATEGORY_TEXT))
    region = cats.astype(object).where(cats.notna(), None).map(regions)
    region = region.where(region.notna() & (region != ""))
    group = mapped["citizenship_group"]
    key = mapped["citizenship_iso3"].where(group == "country")
    key = key.where(group != "region", region)
    return key.astype(object).rename("origin_key")
