"""Reader for the Walk Free Global Slavery Index 2023 workbook.

Source: ``walkfree/2023-Global-Slavery-Index-Data.xlsx``, sheet ``GSI 2023 summary data``.
The sheet has an empty row 1, a source note and section labels (PREVALENCE, VULNERABILITY,
GOVERNMENT RESPONSE) on row 2 and the column header on row 3. The reader does not trust the
row number: it looks for the header (a row whose cells are exactly the expected column names)
within the first :data:`HEADER_SEARCH_ROWS` rows and raises :class:`DataError` if it is not
there. Fully blank rows after the data (the sheet's formatted area ends a few rows below the
last country) are dropped; any other row must be a complete country row.

Output of :func:`read_gsi`: one row per country (180 in the 2023 edition), columns

- ``country``: str, country name as published (whitespace stripped). The sheet has no ISO code.
- ``region``: str, Walk Free region (one of :data:`REGIONS`).
- ``population``: Int64, population used by Walk Free (persons, >= 0).
- ``prevalence_per_1000``: float64, estimated people in modern slavery per 1,000 population
  (NaN for the 20 countries without an estimate).
- ``number_in_modern_slavery``: Int64, estimated number of people in modern slavery, 2021
  (<NA> where not estimated).
- ``vuln_governance_issues``, ``vuln_lack_of_basic_needs``, ``vuln_inequality``,
  ``vuln_disenfranchised_groups``, ``vuln_effects_of_conflict``: float64, vulnerability
  dimension scores (0-100).
- ``vulnerability_total``: float64, total vulnerability score (%, 0-100).
- ``gov_survivors_supported``: float64, "Survivors of slavery are identified and supported to
  exit and remain out of modern slavery (%)".
- ``gov_criminal_justice``: float64, "Criminal justice mechanisms function effectively to
  prevent modern slavery (%)".
- ``gov_coordination``: float64, "Coordination occurs at the national and regional level and
  across borders, and governments are held to account for their response (%)".
- ``gov_risk_factors_addressed``: float64, "Risk factors, such as attitudes, social systems, and
  institutions that enable modern slavery are addressed (%)".
- ``gov_supply_chains``: float64, "Government and business stop sourcing goods and services
  produced by forced labour (%)".
- ``gov_response_total``: float64, government response total (%, 0-100).
  The government response columns are NaN for the 4 countries Walk Free did not assess, and
  can be negative: Walk Free subtracts points for negative indicators (e.g. criminalising
  victims), so North Korea's total is -2.56 and some milestone scores reach -21.4. The schema
  allows -100 to 100 for them and 0 to 100 for the vulnerability scores.
- ``source_row``: int64, 1-based row number in the sheet.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tiptrends.errors import DataError
from tiptrends.io.readers._common import open_workbook, sheet_rows, validate

READER_VERSION = "1"

SHEET = "GSI 2023 summary data"
HEADER_SEARCH_ROWS = 10

REGIONS = (
    "Africa",
    "Americas",
    "Arab States",
    "Asia and the Pacific",
    "Europe and Central Asia",
)

#: raw column name -> output column name, in sheet order
COLUMNS: dict[str, str] = {
    "Country": "country",
    "Population": "population",
    "Region": "region",
    "Estimated prevalence of modern slavery per 1,000 population": "prevalence_per_1000",
    "Estimated number of people in modern slavery": "number_in_modern_slavery",
    "Governance issues": "vuln_governance_issues",
    "Lack of basic needs": "vuln_lack_of_basic_needs",
    "Inequality": "vuln_inequality",
    "Disenfranchised groups": "vuln_disenfranchised_groups",
    "Effects of conflict": "vuln_effects_of_conflict",
    "Total Vulnerability score (%)": "vulnerability_total",
    "Survivors of slavery are identified and supported to exit and remain out of modern "
    "slavery (%)": "gov_survivors_supported",
    "Criminal justice mechanisms function effectively to prevent modern slavery (%)": (
        "gov_criminal_justice"
    ),
    "Coordination occurs at the national and regional level and across borders, and "
    "governments are held to account for their response (%)": "gov_coordination",
    "Risk factors, such as attitudes, social systems, and institutions that enable modern "
    "slavery are addressed (%)": "gov_risk_factors_addressed",
    "Government and business stop sourcing goods and services produced by forced labour (%)": (
        "gov_supply_chains"
    ),
    "Government response total (%)": "gov_response_total",
}
INT_COLUMNS = ("population", "number_in_modern_slavery")
VULN_COLUMNS = tuple(c for c in COLUMNS.values() if c.startswith("vuln"))
GOV_COLUMNS = tuple(c for c in COLUMNS.values() if c.startswith("gov_"))


@functools.cache
def _schemas() -> dict[str, Any]:
    """The module's pandera schemas, built on first use (pandera is imported only then)."""
    import pandera.pandas as pa

    _vuln = pa.Column(float, pa.Check.in_range(0, 100), nullable=True)
    _gov = pa.Column(float, pa.Check.in_range(-100, 100), nullable=True)
    SCHEMA = pa.DataFrameSchema(
        {
            "country": pa.Column(str, pa.Check.str_length(min_value=1), unique=True),
            "region": pa.Column(str, pa.Check.isin(REGIONS)),
            "population": pa.Column("Int64", pa.Check.ge(0)),
            "prevalence_per_1000": pa.Column(float, pa.Check.in_range(0, 1000), nullable=True),
            "number_in_modern_slavery": pa.Column("Int64", pa.Check.ge(0), nullable=True),
            **{c: _vuln for c in VULN_COLUMNS},
            **{c: _gov for c in GOV_COLUMNS},
            "source_row": pa.Column("int64", pa.Check.ge(1), unique=True),
        },
        strict=True,
        ordered=True,
        name="walkfree_gsi_2023",
    )
    return {"SCHEMA": SCHEMA}


def __getattr__(name: str) -> Any:
    if name in ("SCHEMA",):  # the schemas as module attributes, built on first use
        return _schemas()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d*)?([eE][+-]?\d+)?$")


def read_gsi(path: Path) -> pd.DataFrame:
    """Read the GSI 2023 summary sheet into one tidy row per country.

    Parameters
    ----------
    path : Path
        The Walk Free workbook ``2023-Global-Slavery-Index-Data.xlsx``.

    Returns
    -------
    pandas.DataFrame
        Columns as documented in the module docstring, validated by :data:`SCHEMA`.

    Raises
    ------
    DataError
        If the file is missing or unreadable, the sheet or header is missing, a value is
        not a number where one is expected, a region is unknown, a country is duplicated,
        or the output fails :data:`SCHEMA`.
    """
    path = Path(path)
    rows = _read_sheet(path, SHEET)
    header_at = _find_header(path, rows)
    header = [_text(v) for v in rows[header_at]]
    width = len(COLUMNS)
    extra = [h for h in header[width:] if h]
    if extra:
        raise DataError(path, f"unexpected column {extra[0]!r} in sheet {SHEET!r}")
    body = [list(r[:width]) + [""] * (width - len(r)) for r in rows[header_at + 1 :]]
    excel_rows = np.arange(header_at + 2, header_at + 2 + len(body), dtype="int64")
    raw = pd.DataFrame(body, columns=list(COLUMNS.values()), dtype=object)
    blank = raw.map(lambda v: _text(v) == "").all(axis=1).to_numpy()
    # Fully blank rows (the formatted area below the last country) carry nothing: dropped.
    raw, excel_rows = raw[~blank].reset_index(drop=True), excel_rows[~blank]
    if raw.empty:
        raise DataError(path, f"sheet {SHEET!r} has no data rows below the header")

    out = pd.DataFrame(index=raw.index)
    for col in COLUMNS.values():
        if col in ("country", "region"):
            values = raw[col].map(_text)
            missing = values == ""
            if missing.any():
                row = int(excel_rows[missing.to_numpy().argmax()])
                raise DataError(path, f"row {row}: blank {col!r} in sheet {SHEET!r}")
            out[col] = values.astype(str)
        else:
            numbers = _to_float(path, raw[col], col, excel_rows)
            if col in INT_COLUMNS:
                frac = numbers.notna() & (numbers != np.round(numbers))
                if frac.any():
                    row = int(excel_rows[frac.to_numpy().argmax()])
                    raise DataError(path, f"row {row}: {col!r} is not a whole number")
                out[col] = numbers.round().astype("Int64")
            else:
                out[col] = numbers
    out["source_row"] = excel_rows

    unknown = sorted(set(out["region"]) - set(REGIONS))
    if unknown:
        raise DataError(path, f"unknown region {unknown[0]!r} in sheet {SHEET!r}")
    dup = out["country"].duplicated(keep=False)
    if dup.any():
        name = out.loc[dup, "country"].iloc[0]
        rows_ = out.loc[out["country"] == name, "source_row"].tolist()
        raise DataError(path, f"duplicate country {name!r} (rows {rows_})")
    schema = _schemas()["SCHEMA"]
    out = out[list(schema.columns)]
    return validate(path, schema, out)


def _read_sheet(path: Path, sheet: str) -> list[list[object]]:
    """Return all cells of ``sheet`` as rows (index 0 is Excel row 1)."""
    wb = open_workbook(path)
    if sheet not in wb.sheet_names:
        raise DataError(path, f"sheet {sheet!r} not found (sheets: {wb.sheet_names})")
    return sheet_rows(path, wb, sheet)


def _find_header(path: Path, rows: list[list[object]]) -> int:
    """Index of the header row, searched in the first HEADER_SEARCH_ROWS rows."""
    expected = list(COLUMNS)
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [_norm(v) for v in row[: len(expected)]]
        cells += [""] * (len(expected) - len(cells))
        if cells[0] == "country":
            missing = [c for c, got in zip(expected, cells, strict=True) if _norm(c) != got]
            if missing:
                raise DataError(
                    path, f"header on row {i + 1} lacks column {missing[0]!r} in sheet {SHEET!r}"
                )
            return i
    raise DataError(
        path, f"header row with 'Country' not found in first {HEADER_SEARCH_ROWS} rows of {SHEET!r}"
    )


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _norm(value: object) -> str:
    return " ".join(_text(value).split()).lower()


def _to_float(path: Path, values: pd.Series, col: str, excel_rows: np.ndarray) -> pd.Series:
    """Parse numbers (floats, ints or text with thousands separators); blank -> NaN."""
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values.tolist()):
        if isinstance(v, bool):
            raise DataError(path, f"row {excel_rows[i]}: {col!r} is not a number: {v!r}")
        if isinstance(v, int | float):
            out[i] = float(v)
            continue
        s = _text(v)
        if s == "":
            continue
        if not _NUMBER.match(s):
            raise DataError(path, f"row {excel_rows[i]}: {col!r} is not a number: {s!r}")
        out[i] = float(s.replace(",", ""))
    return pd.Series(out, index=values.index, dtype="float64")
