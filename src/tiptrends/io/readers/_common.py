"""Helpers shared by the CSV and xlsx readers (CTDC, TIP, Walk Free).

Every helper raises :class:`tiptrends.errors.DataError` naming the file, so each reader keeps
its one-line messages: a missing or unreadable file, a header that is not on line 1, an
unexpected column, a missing or unreadable sheet, and an output that fails its schema.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from python_calamine import CalamineWorkbook

from tiptrends.errors import DataError

if TYPE_CHECKING:
    import pandera.pandas as pa
    from pandera.errors import SchemaError


def check_readable_file(path: Path) -> None:
    """Raise DataError if ``path`` is not a file or is empty (0 bytes)."""
    if not path.is_file():
        raise DataError(path, "file not found")
    if path.stat().st_size == 0:
        raise DataError(path, "file is empty (0 bytes)")


def check_header_line(path: Path, required: tuple[str, ...]) -> None:
    """Raise DataError unless line 1 of the CSV ``path`` holds every required column name."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            first = next(csv.reader(fh), [])
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(path, f"not a readable CSV file ({type(exc).__name__})") from exc
    names = {c.strip() for c in first}
    missing = [c for c in required if c not in names]
    if missing:
        raise DataError(path, f"missing column {missing[0]!r} (header must be on line 1)")


def read_text_csv(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    """Read a CSV with every cell as text (blank cells as ``""``).

    Parameters
    ----------
    path : Path
        The CSV file.
    required : tuple of str
        Column names line 1 must hold (surrounding spaces ignored).

    Returns
    -------
    pandas.DataFrame
        The file as published: column names as in the header, every value a str.

    Raises
    ------
    DataError
        If the file is missing, not readable CSV, lacks a required column on line 1, or
        has a row with more fields than the header.
    """
    check_readable_file(path)
    check_header_line(path, required)
    try:
        with warnings.catch_warnings():
            # a row with more fields than the header: error, not a silent implicit index
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, na_filter=False, index_col=False
            )
    except pd.errors.ParserWarning as exc:
        raise DataError(path, "a row has more fields than the header") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(path, f"not a readable CSV file ({problem})") from exc


def strip_header(path: Path, raw: pd.DataFrame, expected: tuple[str, ...]) -> list[str]:
    """Column names of ``raw`` stripped of spaces; DataError on a missing or unexpected one.

    ``raw`` itself is left unchanged: the caller assigns the returned names.
    """
    header = [c.strip() for c in raw.columns]
    missing = [c for c in expected if c not in header]
    if missing:
        raise DataError(path, f"missing column {missing[0]!r} (header must be on line 1)")
    extra = [c for c in header if c not in expected]
    if extra:
        raise DataError(path, f"unexpected column {extra[0]!r}")
    return header


def open_workbook(path: Path) -> CalamineWorkbook:
    """Open an xlsx workbook; DataError if it is missing, empty or not a readable workbook."""
    check_readable_file(path)
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types for bad files
        raise DataError(path, f"not a readable xlsx workbook ({type(exc).__name__})") from exc


def sheet_rows(path: Path, wb: CalamineWorkbook, sheet: str) -> list[list[object]]:
    """All cells of ``sheet`` as rows (index 0 is Excel row 1); DataError if absent or unreadable."""
    if sheet not in wb.sheet_names:
        raise DataError(path, f"sheet {sheet!r} not found")
    try:
        return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:
        raise DataError(path, f"sheet {sheet!r} is unreadable ({type(exc).__name__})") from exc


def schema_problem(exc: SchemaError) -> str:
    """One-line description of a pandera SchemaError: column, failed check, a few cases."""
    column = getattr(exc.schema, "name", None)
    cases = exc.failure_cases
    sample = ""
    if cases is not None and hasattr(cases, "columns") and "failure_case" in cases.columns:
        sample = f" (e.g. {cases['failure_case'].head(3).tolist()})"
    check = exc.check if exc.check is not None else exc.reason_code
    return f"output fails schema: column {column!r}: {check}{sample}"


def validate(path: Path, schema: pa.DataFrameSchema, df: pd.DataFrame) -> pd.DataFrame:
    """Validate ``df`` with ``schema``, turning a SchemaError into a one-line DataError."""
    from pandera.errors import SchemaError

    try:
        return schema.validate(df)
    except SchemaError as exc:
        raise DataError(path, schema_problem(exc)) from exc
