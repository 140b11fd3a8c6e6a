"""Tables formatted for people: thousands separators, one decimal for shares, "-" for missing.

Chapters show tables through :func:`people_table`, which returns a pandas ``Styler``: counts
as integers with separators, shares and percentages with one decimal, missing values as "-",
the index hidden unless it carries names, and long tables cut to ``max_rows`` with a note of
how many rows are left out (the full table goes to a download).
"""

from __future__ import annotations

from collections.abc import Iterable

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


def column_formats(
    df: pd.DataFrame,
    *,
    counts: Iterable[str] = (),
    decimals: int = 1,
) -> dict[str, str]:
    """Format string per column: integers for count columns, ``decimals`` for other numbers.

    A numeric column whose values are all whole numbers is treated as a count; ``counts``
    forces more columns to be counts.

    Examples
    --------
    >>> column_formats(pd.DataFrame({"n": [1.0, 2.0], "share": [0.25, 12.0]}))
    {'n': '{:,.0f}', 'share': '{:,.1f}'}
    """
    forced = set(counts)
    formats: dict[str, str] = {}
    for column in df.columns:
        series = df[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if column in forced or _is_count(series):
            formats[column] = "{:,.0f}"
        else:
            formats[column] = f"{{:,.{decimals}f}}"
    return formats


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
        column_formats(shown, counts=counts, decimals=decimals), na_rep=MISSING
    )
    styler = styler.format_index(lambda v: MISSING if pd.isna(v) else v, na_rep=MISSING)
    if hide_index is None:
        hide_index = isinstance(shown.index, pd.RangeIndex)
    if hide_index:
        styler = styler.hide(axis="index")
    if text:
        styler = styler.set_caption(text)
    return styler
