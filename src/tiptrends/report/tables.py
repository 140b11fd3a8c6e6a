"""Tables formatted for people: thousands separators, one decimal for shares, "-" for missing.

Chapters show tables through :func:`people_table`, which returns a pandas ``Styler``: counts
as integers with separators, shares and percentages with one decimal, missing values as "-",
the index hidden unless it carries names, and long tables cut to ``max_rows`` with a note of
how many rows are left out (the full table goes to a download).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

MISSING = "-"


def _is_count(series: pd.Series) -> bool:
    values = pd.to_numeric(series, errors="coerce").dropna()
    return (
        pd.api.types.is_numeric_dtype(series)
        and not pd.api.types.is_bool_dtype(series)
        and len(values) > 0
        and bool(np.all(np.isclose(values, values.round())))
    )


def _is_year(name: object) -> bool:
    return "year" in str(name).lower()


def _mixed(decimals: int) -> Callable[[float], str]:
    """Whole numbers of 100 or more as counts, everything else with ``decimals``."""

    def fmt(value: float) -> str:
        whole = float(value).is_integer() and abs(value) >= 100
        return f"{value:,.0f}" if whole else f"{value:,.{decimals}f}"

    return fmt


def column_formats(
    df: pd.DataFrame,
    *,
    counts: Iterable[str] = (),
    decimals: int = 1,
) -> dict[str, str | Callable[[float], str]]:
    """Format per column: years plain, counts as integers, other numbers with ``decimals``.

    A numeric column whose values are all whole numbers is a count (thousands separators,
    no decimals); a column whose name contains "year" holds years (no separator); ``counts``
    forces more columns to be counts. A column that mixes counts and shares (a
    published-vs-reproduced column, say) shows its whole values of 100 or more as counts.

    Examples
    --------
    >>> f = column_formats(pd.DataFrame({"n": [1.0, 2.0], "share": [0.25, 12.0], "year": [2021, 2022]}))
    >>> f["n"], f["share"], f["year"]
    ('{:,.0f}', '{:,.1f}', '{:.0f}')
    >>> column_formats(pd.DataFrame({"value": [73067.0, 25.65]}))["value"](73067.0)
    '73,067'
    """
    forced = set(counts)
    formats: dict[str, str | Callable[[float], str]] = {}
    for column in df.columns:
        series = df[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if _is_year(column) and _is_count(series):
            formats[column] = "{:.0f}"
        elif column in forced or _is_count(series):
            formats[column] = "{:,.0f}"
        else:
            values = pd.to_numeric(series, errors="coerce").dropna()
            has_counts = bool(((values == values.round()) & (values.abs() >= 100)).any())
            formats[column] = _mixed(decimals) if has_counts else f"{{:,.{decimals}f}}"
    return formats


def _index_label(value: object) -> object:
    """Index labels: "-" for missing, years and other whole numbers without decimals."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return MISSING
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return value


def people_table(
    df: pd.DataFrame | pd.Series,
    *,
    max_rows: int = 15,
    counts: Iterable[str] = (),
    decimals: int = 1,
    caption: str | None = None,
    hide_index: bool | None = None,
) -> Styler:
    """A table ready to show to a reader.

    Parameters
    ----------
    df
        The table (a Series becomes one column).
    max_rows
        Rows shown; the rest is summarised in the caption ("first 15 of 48 rows").
    counts
        Columns to show as integers even when they hold non-whole values.
    decimals
        Decimals for non-count numbers (shares, percentages).
    caption
        Shown above the table.
    hide_index
        Hide the index; by default hidden when it is a plain ``RangeIndex``.
    """
    frame = df.to_frame() if isinstance(df, pd.Series) else df
    n = len(frame)
    shown = frame.head(max_rows)
    note = f"first {max_rows} of {n:,} rows" if n > max_rows else None
    text = "; ".join(t for t in (caption, note) if t)
    styler = shown.style.format(
        column_formats(shown, counts=counts, decimals=decimals), na_rep=MISSING, escape="html"
    )
    styler = styler.format_index(_index_label, na_rep=MISSING, escape="html")
    if hide_index is None:
        hide_index = isinstance(shown.index, pd.RangeIndex)
    if hide_index:
        styler = styler.hide(axis="index")
    if text:
        styler = styler.set_caption(text)
    return styler
