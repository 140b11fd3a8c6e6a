"""Reader for the UNODC GLOTIP country-data workbook (``data_glotip.xlsx``).

Layout of the raw file: one sheet (``data_glotip_1``); cell A1 ``UNODC``, A2 the release date
(dd/mm/yyyy), the header on row 3, then one row per country x indicator x dimension x category
x sex x age x year with the count as text in ``txtVALUE`` ("<5" for a suppressed count of 1 to 4,
thousands separators in some numbers).

Output columns (one row per raw row; nothing is dropped):

=============== ============ ==========================================================
release         str          release date as ISO text, e.g. "2025-04-14"
release_date    datetime64   the same as a date
source_row      int64        1-based row number in the sheet (traceability)
iso3            str / NA     ``Iso3_code`` as published (aggregate codes kept); missing for
                             the few rows of a territory without an ISO code (Sark, 2025)
country         str / NA     ``Country``; empty for aggregate-coded rows
is_aggregate    bool         True for sub-regional / non-country rows (no country name or
                             a code that is not three capital letters): never mix with countries
region          str / NA     UN M49 region as published (Africa, Americas, Asia, Europe, Oceania)
subregion       str / NA     UN M49 subregion as published
indicator       str          one of :data:`tiptrends.vocab.INDICATORS`
dimension       str          one of :data:`tiptrends.vocab.DIMENSIONS`
category        str          "Total", a form of exploitation, or free-text citizenship / country
sex             str          Total, Female, Male, Other, Unknown
age             str          Total, "0 to 17 years", "18 years or over", Unknown
year            int64        reference year
value           float64      the count; NaN exactly when suppressed
suppressed      bool         True where the publisher wrote "<5" (a count of 1 to 4)
raw_value       str          ``txtVALUE`` as published
duplicate_key   bool         another row shares iso3, indicator, dimension, category, sex, age
                             and year (the publisher lists sub-forms of "Other forms of
                             exploitation" and some sex totals as separate rows; sum them)
=============== ============ ==========================================================
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tiptrends import vocab
from tiptrends.errors import DataError
from tiptrends.io.readers._common import check_readable_file

READER_VERSION = "1"
SHEET = "data_glotip_1"
HEADER_ROW = 3  # 1-based
RAW_COLUMNS = (
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "txtVALUE",
    "Source",
)
KEY = ["iso3", "indicator", "dimension", "category", "sex", "age", "year"]
_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")


@functools.cache
def _schemas() -> dict[str, Any]:
    """The module's pandera schemas, built on first use (pandera is imported only then)."""
    import pandera.pandas as pa

    SCHEMA = pa.DataFrameSchema(
        {
            "release": pa.Column(str),
            "release_date": pa.Column("datetime64[ns]"),
            "source_row": pa.Column("int64", pa.Check.ge(HEADER_ROW + 1), unique=True),
            "iso3": pa.Column(str, pa.Check.str_length(min_value=1), nullable=True),
            "country": pa.Column(str, nullable=True),
            "is_aggregate": pa.Column(bool),
            "region": pa.Column(str, nullable=True),
            "subregion": pa.Column(str, nullable=True),
            "indicator": pa.Column(str, pa.Check.isin(vocab.INDICATORS)),
            "dimension": pa.Column(str, pa.Check.isin(vocab.DIMENSIONS)),
            "category": pa.Column(str),
            "sex": pa.Column(str, pa.Check.isin(vocab.SEXES)),
            "age": pa.Column(str, pa.Check.isin(vocab.AGES)),
            "year": pa.Column("int64", pa.Check.in_range(1990, 2100)),
            "value": pa.Column("float64", pa.Check.ge(0), nullable=True),
            "suppressed": pa.Column(bool),
            "raw_value": pa.Column(str),
            "duplicate_key": pa.Column(bool),
        },
        checks=[
            pa.Check(
                lambda d: d["value"].isna() == d["suppressed"],
                error="value is missing exactly when suppressed",
            )
        ],
        strict=True,
        ordered=True,
    )
    return {"SCHEMA": SCHEMA}


def __getattr__(name: str) -> Any:
    if name in ("SCHEMA",):  # the schemas as module attributes, built on first use
        return _schemas()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _cell_text(value: object) -> str:
    """Turn a calamine cell into text (integers stay integers: 12.0 -> "12")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value).strip()


def _text_frame(body: list[list[object]], header: list[str]) -> pd.DataFrame:
    """Raw rows -> all-text frame of the expected columns (12.0 -> "12", None -> "")."""
    width = len(header)
    frame = pd.DataFrame(
        [r[:width] + [""] * (width - len(r)) for r in body], columns=header, dtype=object
    )
    frame = frame.loc[:, [c for c in header if c in RAW_COLUMNS]]
    for column in frame.columns:
        values = frame[column]
        kinds = values.map(type)
        numeric = kinds.isin((float, int))
        text = values.where(kinds.isin((str,)), "").astype(str).str.strip()
        if numeric.any():
            text[numeric] = values[numeric].map(_cell_text)
        frame[column] = text
    return frame


def _read_rows(path: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    check_readable_file(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise DataError(
            path, f"not a readable xlsx workbook ({type(exc).__name__}: {str(exc)[:80]})"
        ) from None
    if SHEET not in workbook.sheet_names:
        raise DataError(
            path, f"sheet {SHEET!r} not found (sheets: {', '.join(workbook.sheet_names)})"
        )
    try:
        return workbook.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    except Exception as exc:
        raise DataError(path, f"sheet {SHEET!r} could not be read ({type(exc).__name__})") from None


def _release_date(path: Path, rows: list[list[object]]) -> datetime:
    cell = rows[1][0] if len(rows) > 1 and rows[1] else None
    if isinstance(cell, datetime):
        return cell
    text = _cell_text(cell)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise DataError(path, f"release date expected in cell A2 (dd/mm/yyyy), found {text!r}")


def _check_header(path: Path, rows: list[list[object]]) -> list[str]:
    header = [_cell_text(c) for c in rows[HEADER_ROW - 1]] if len(rows) >= HEADER_ROW else []
    if "Iso3_code" not in header:
        for i, row in enumerate(rows[:20], start=1):
            if "Iso3_code" in [_cell_text(c) for c in row]:
                raise DataError(
                    path, f"header row moved: expected on row {HEADER_ROW}, found on row {i}"
                )
        raise DataError(
            path,
            f"header row not found (expected columns {', '.join(RAW_COLUMNS[:3])}, ... on row {HEADER_ROW})",
        )
    missing = [c for c in RAW_COLUMNS if c not in header]
    if missing:
        extra = [c for c in header if c and c not in RAW_COLUMNS]
        hint = f" (unexpected: {', '.join(extra)})" if extra else ""
        raise DataError(path, f"missing column(s) {', '.join(missing)}{hint}")
    extra = [c for c in header if c and c not in RAW_COLUMNS]
    if extra:  # never dropped silently: a new column needs a reader that knows it
        raise DataError(
            path,
            f"unexpected column(s) {', '.join(extra)} beside the {len(RAW_COLUMNS)} known ones; "
            "the reader would drop them: update tiptrends.io.readers.unodc first",
        )
    return header


def _check_vocabulary(path: Path, frame: pd.DataFrame) -> None:
    allowed = {
        "indicator": vocab.INDICATORS,
        "dimension": vocab.DIMENSIONS,
        "sex": vocab.SEXES,
        "age": vocab.AGES,
        "unit": ("Counts",),
    }
    for column, values in allowed.items():
        bad = frame.loc[~frame[column].isin(values), column]
        if len(bad):
            raise DataError(
                path,
                f"unknown {column} value {bad.iloc[0]!r} on row "
                f"{int(frame.loc[bad.index[0], 'source_row'])} ({len(bad)} rows)",
            )
    form_rows = frame["dimension"] == vocab.DIM_FORM
    bad = frame.loc[form_rows & ~frame["category"].isin(vocab.FORMS), "category"]
    if len(bad):
        raise DataError(
            path,
            f"unknown form of exploitation {bad.iloc[0]!r} on row "
            f"{int(frame.loc[bad.index[0], 'source_row'])}",
        )
    total_rows = frame["dimension"] == vocab.DIM_TOTAL
    bad = frame.loc[total_rows & (frame["category"] != vocab.TOTAL), "category"]
    if len(bad):
        raise DataError(
            path,
            f"unknown category {bad.iloc[0]!r} for dimension Total on row "
            f"{int(frame.loc[bad.index[0], 'source_row'])}",
        )


def parse_counts(path: Path, raw: pd.Series, source_row: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse ``txtVALUE`` text into counts.

    "<5" becomes NaN with ``suppressed`` True; "1,234" becomes 1234. Anything else that is not
    a non-negative whole number is an error naming the row.

    Returns
    -------
    tuple of Series
        ``value`` (float, NaN where suppressed) and ``suppressed`` (bool).
    """
    suppressed = raw.eq("<5")
    numeric = raw.str.match(_NUMBER) & ~suppressed
    negative = raw.str.match(r"^-\d[\d,]*$")
    if negative.any():
        i = negative.idxmax()
        raise DataError(path, f"negative count {raw[i]!r} on row {int(source_row[i])}")
    bad = ~(numeric | suppressed)
    if bad.any():
        i = bad.idxmax()
        raise DataError(
            path,
            f"non-numeric value {raw[i]!r} on row {int(source_row[i])} "
            f"({int(bad.sum())} such rows; only counts, '1,234' and '<5' are allowed)",
        )
    value = pd.to_numeric(raw.where(numeric).str.replace(",", "", regex=False), errors="raise")
    return value.astype("float64"), suppressed


def read_glotip(path: Path) -> pd.DataFrame:
    """Read a UNODC GLOTIP workbook into the tidy table described in the module docstring.

    Parameters
    ----------
    path
        The raw ``data_glotip.xlsx`` file (any release with the same layout).

    Returns
    -------
    pandas.DataFrame
        One row per raw row, validated against :data:`SCHEMA`.

    Raises
    ------
    DataError
        With a one-line message naming the file and the problem.
    """
    path = Path(path)
    rows = _read_rows(path)
    header = _check_header(path, rows)
    release = _release_date(path, rows)
    body = rows[HEADER_ROW:]
    if not body:
        raise DataError(path, "no data rows below the header")
    frame = _text_frame(body, header)
    frame["source_row"] = np.arange(HEADER_ROW + 1, HEADER_ROW + 1 + len(frame), dtype="int64")
    blank = (frame[list(RAW_COLUMNS)] == "").all(axis=1)
    if blank.any():  # trailing empty rows only; an empty row inside the data is an error
        first_blank = int(blank.idxmax())
        if not blank.iloc[first_blank:].all():
            raise DataError(
                path, f"empty row {int(frame.loc[first_blank, 'source_row'])} inside the data"
            )
        frame = frame.loc[~blank].copy()
    frame = frame.rename(
        columns={
            "Iso3_code": "iso3",
            "Country": "country",
            "Region": "region",
            "Subregion": "subregion",
            "Indicator": "indicator",
            "Dimension": "dimension",
            "Category": "category",
            "Sex": "sex",
            "Age": "age",
            "Year": "year",
            "Unit of measurement": "unit",
            "txtVALUE": "raw_value",
        }
    )
    no_area = (frame["iso3"] == "") & (frame["Country" if "Country" in frame else "country"] == "")
    if no_area.any():
        i = no_area.idxmax()
        raise DataError(
            path, f"row {int(frame.loc[i, 'source_row'])} names neither an Iso3_code nor a Country"
        )
    _check_vocabulary(path, frame)
    year = pd.to_numeric(frame["year"], errors="coerce")
    if year.isna().any() or (year % 1 != 0).any():
        i = (year.isna() | (year % 1 != 0)).idxmax()
        raise DataError(
            path, f"invalid year {frame.loc[i, 'year']!r} on row {int(frame.loc[i, 'source_row'])}"
        )
    frame["year"] = year.astype("int64")
    frame["value"], frame["suppressed"] = parse_counts(
        path, frame["raw_value"], frame["source_row"]
    )

    for column in ("iso3", "country", "region", "subregion"):
        frame[column] = frame[column].replace("", None).astype(object)
    frame["is_aggregate"] = frame["country"].isna() | (
        frame["iso3"].notna() & ~frame["iso3"].fillna("").str.fullmatch(r"[A-Z]{3}")
    )
    frame["duplicate_key"] = frame.duplicated(KEY, keep=False)
    headline = (
        (frame["dimension"] == vocab.DIM_TOTAL)
        & (frame["sex"] == vocab.TOTAL)
        & (frame["age"] == vocab.TOTAL)
    )
    dup_headline = frame["duplicate_key"] & headline
    if dup_headline.any():
        i = dup_headline.idxmax()
        r = frame.loc[i]
        raise DataError(
            path,
            f"duplicate rows for the total of {r['indicator']!r}, {r['iso3']} {r['year']} "
            f"(row {int(r['source_row'])}); a country-year total must be unique",
        )
    frame["release"] = release.strftime("%Y-%m-%d")
    frame["release_date"] = pd.Timestamp(release).as_unit("ns")
    schema = _schemas()["SCHEMA"]
    frame = frame[list(schema.columns)].reset_index(drop=True)
    from pandera.errors import SchemaError

    try:
        return schema.validate(frame)
    except SchemaError as exc:
        raise DataError(
            path, f"curated table fails its schema: {str(exc).splitlines()[0]}"
        ) from None
