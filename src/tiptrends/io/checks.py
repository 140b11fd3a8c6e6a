"""One check for the public functions that take a curated table.

A table with the wrong columns, no columns at all, or a missing year would otherwise end
deep inside pandas in a bare ``KeyError: 'iso3'`` or, worse, in an empty or silently shorter
result. :func:`require_columns` says in one ``ValueError`` what is wrong with the frame.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def require_columns(
    df: object,
    columns: Iterable[str],
    *,
    what: str = "table",
    complete: Iterable[str] = (),
) -> None:
    """Check that ``df`` is a DataFrame with ``columns``, and no missing value in ``complete``.

    Parameters
    ----------
    df : object
        The frame a function was given.
    columns : iterable of str
        Columns it needs.
    what : str
        How the message names the frame (e.g. ``"apply_exclusions: df"``).
    complete : iterable of str
        Columns that must hold no missing value (e.g. ``year``: a row without a year would
        otherwise be dropped by a group-by without a word).

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.
    ValueError
        Naming every missing column (and the columns the frame has), or the number of rows
        with a missing value in a ``complete`` column.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        has = ", ".join(map(str, df.columns[:12])) or "no columns"
        more = f" (+{len(df.columns) - 12} more)" if len(df.columns) > 12 else ""
        raise ValueError(
            f"{what} lacks column(s) {', '.join(missing)} (it has: {has}{more}); "
            "pass a curated table such as tiptrends.io.data.load_glotip()"
        )
    for column in complete:
        if column in df.columns:
            n = int(df[column].isna().sum())
            if n:
                raise ValueError(
                    f"{what}: {n} row(s) with a missing {column}; drop or fill them first"
                )


#: Columns of a curated GLOTIP table that the methods read.
GLOTIP_COLUMNS = (
    "iso3", "indicator", "dimension", "category", "sex", "age", "year", "value", "suppressed",
)
#: Columns of a counts table (one row per country-year, a value column beside them).
COUNTS_COLUMNS = ("iso3", "year")


def require_glotip(df: object, what: str) -> None:
    """Check that ``df`` is a curated GLOTIP table with a year on every row.

    Examples
    --------
    >>> require_glotip(pd.DataFrame({"iso3": ["NGA"]}), "form_counts: df")
    Traceback (most recent call last):
    ...
    ValueError: form_counts: df lacks column(s) indicator, dimension, category, sex, age, year, value, suppressed (it has: iso3); pass a curated table such as tiptrends.io.data.load_glotip()
    """
    require_columns(df, GLOTIP_COLUMNS, what=what, complete=("year",))


def require_counts(df: object, what: str) -> None:
    """Check that ``df`` is a counts table (``iso3``, ``year``) with a year on every row."""
    require_columns(df, COUNTS_COLUMNS, what=what, complete=("year",))
