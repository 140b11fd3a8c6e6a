"""Published headline figures, transcribed with citations.

``data/published/figures.csv`` holds one row per figure published by UNODC (GLOTIP),
Eurostat, the European Commission, ILO/Walk Free/IOM and Europol, each with its
source. Notebooks compare their reproduced numbers against these rows through
:func:`published_value` and :func:`published_table`; they never hard-code a published
number. ``data/published/README.md`` describes the columns and the conventions.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io import remembered

if TYPE_CHECKING:
    import pandera.pandas as pa

COLUMNS = (
    "figure_id",
    "indicator",
    "scope",
    "year",
    "value",
    "value_low",
    "value_high",
    "qualifier",
    "unit",
    "source_title",
    "url",
    "publisher",
    "edition",
    "primary_or_secondary",
    "note",
)
NUMERIC_COLUMNS = ("value", "value_low", "value_high")

#: How the published wording qualifies the number.
QUALIFIERS = ("exact", "about", "over", "under", "range", "rounded")
#: Units a figure may carry ("one in N": published as "one in three", value 3).
UNITS = (
    "percent",
    "percent change",
    "percentage points",
    "persons",
    "million persons",
    "countries",
    "count",
    "ratio",
    "one in N",
    "per million inhabitants",
    "per 1,000 persons",
    "USD",
    "USD billion",
    "EUR",
    "EUR billion",
    "tonnes",
)
SOURCE_KINDS = ("primary", "secondary")

_ID_PATTERN = r"^[a-z0-9]+(_[a-z0-9]+)*$"
_YEAR_PATTERN = r"^\d{4}(-\d{4})?$"
_URL_PATTERN = r"^https?://\S+$"


def _text(**kwargs: object) -> pa.Column:
    """Return a required, non-blank string column."""
    import pandera.pandas as pa

    return pa.Column(str, checks=pa.Check.str_length(min_value=1), nullable=False, **kwargs)


def _numbers(df: pd.DataFrame) -> pd.DataFrame:
    return df[list(NUMERIC_COLUMNS)].apply(pd.to_numeric, errors="coerce")


def _bounds_ok(df: pd.DataFrame) -> pd.Series:
    df = _numbers(df)
    low_ok = df["value_low"].isna() | (df["value_low"] <= df["value"])
    high_ok = df["value_high"].isna() | (df["value"] <= df["value_high"])
    return low_ok & high_ok


def _qualifier_bounds_ok(df: pd.DataFrame) -> pd.Series:
    q, num = df["qualifier"], _numbers(df)
    has_low, has_high = num["value_low"].notna(), num["value_high"].notna()
    return (
        ((q != "range") | (has_low & has_high))
        & ((q != "over") | has_low)
        & ((q != "under") | has_high)
    )


@lru_cache(maxsize=1)
def schema() -> pa.DataFrameSchema:
    """The schema of the published-figures table (pandera is imported on first use)."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "figure_id": pa.Column(
                str, checks=pa.Check.str_matches(_ID_PATTERN), unique=True, nullable=False
            ),
            "indicator": _text(),
            "scope": _text(),
            "year": pa.Column(str, checks=pa.Check.str_matches(_YEAR_PATTERN), nullable=True),
            "value": pa.Column(float, nullable=False, coerce=True),
            "value_low": pa.Column(float, nullable=True, coerce=True),
            "value_high": pa.Column(float, nullable=True, coerce=True),
            "qualifier": pa.Column(str, checks=pa.Check.isin(QUALIFIERS), nullable=False),
            "unit": pa.Column(str, checks=pa.Check.isin(UNITS), nullable=False),
            "source_title": _text(),
            "url": pa.Column(str, checks=pa.Check.str_matches(_URL_PATTERN), nullable=False),
            "publisher": _text(),
            "edition": _text(),
            "primary_or_secondary": pa.Column(
                str, checks=pa.Check.isin(SOURCE_KINDS), nullable=False
            ),
            "note": pa.Column(str, nullable=True),
        },
        checks=[
            pa.Check(_bounds_ok, name="value_low <= value <= value_high"),
            pa.Check(_qualifier_bounds_ok, name="range/over/under qualifier has its bound(s)"),
        ],
        strict=True,
        ordered=True,
        name="published_figures",
    )


def __getattr__(name: str) -> Any:
    if name == "SCHEMA":  # the schema as a module attribute, built on first use
        return schema()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_path() -> Path:
    """Return the project's published-figures table, ``data/published/figures.csv``."""
    return paths.published_dir() / "figures.csv"


def _summarise(err: pa.errors.SchemaErrors, raw: pd.DataFrame) -> str:
    """Condense pandera's failure report into one line naming columns, lines and ids."""
    parts = []
    fc = err.failure_cases
    for check, grp in fc.groupby("check", sort=False):
        columns = list(grp["column"].dropna().unique())
        label = columns[0] if len(columns) == 1 else "row"
        name = "value not in allowed set" if str(check).startswith("isin(") else str(check)
        rows = [int(i) for i in pd.unique(grp["index"].dropna())][:3]
        where = ""
        if rows:
            ids = raw["figure_id"] if "figure_id" in raw else pd.Series(dtype=str)
            named = [f"{i + 2} ({ids.iloc[i]})" if i < len(ids) else str(i + 2) for i in rows]
            where = " at CSV line " + ", ".join(named)
        cases = ""
        if label != "row":
            cases = " got " + ", ".join(repr(c) for c in grp["failure_case"].head(3))
        parts.append(f"{label}: {name} failed{where}{cases}")
    return "schema check failed: " + "; ".join(parts)


#: Name of the table's remembered schema check (:mod:`tiptrends.io.remembered`).
CHECK_NAME = "published_figures"


def check_key(content: bytes) -> str:
    """What a schema check of ``content`` depends on: the table's bytes, this module's code
    (the schema) and the versions of pandas and pandera (how it is applied)."""
    return remembered.check_key(content, [Path(__file__)], ["pandas", "pandera"])


@lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int) -> pd.DataFrame:
    content = path.read_bytes()
    try:
        raw = pd.read_csv(
            io.BytesIO(content), dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(path, f"cannot parse CSV: {str(exc).splitlines()[0]}") from exc
    key = check_key(content)
    if remembered.passed_before(CHECK_NAME, key):
        # the same bytes passed the same schema (pandera, imported for it, costs 0.3 s per
        # kernel): only its one conversion is applied, the numbers' columns to float
        return raw.astype({column: float for column in NUMERIC_COLUMNS})
    from pandera.errors import SchemaErrors

    try:
        table = schema().validate(raw, lazy=True)
    except SchemaErrors as exc:
        raise DataError(path, _summarise(exc, raw)) from exc
    remembered.remember_pass(CHECK_NAME, key)
    return table


def load_published(path: Path | None = None) -> pd.DataFrame:
    """Load and validate the published-figures table.

    The schema check of a table is remembered (:mod:`tiptrends.io.remembered`, keyed by
    :func:`check_key`): a later process loading the same bytes with the same schema code and
    pandas and pandera versions gets the same frame without the check.

    Parameters
    ----------
    path : Path, optional
        CSV to read; default :func:`default_path`.

    Returns
    -------
    pandas.DataFrame
        One row per figure, columns :data:`COLUMNS`; ``value``, ``value_low`` and
        ``value_high`` are float, the others strings (missing as NA).

    Raises
    ------
    DataError
        If the file is missing, unparseable or fails :data:`SCHEMA`.
    """
    path = Path(path) if path is not None else default_path()
    if not path.is_file():
        raise DataError(path, "published-figures table not found")
    return _load_cached(path.resolve(), path.stat().st_mtime_ns).copy()


def published_row(figure_id: str, path: Path | None = None) -> pd.Series:
    """Return the row of one figure.

    Parameters
    ----------
    figure_id : str
        Identifier in the ``figure_id`` column.
    path : Path, optional
        Table to read; default :func:`default_path`.

    Returns
    -------
    pandas.Series
        The row, indexed by column name (its ``name`` is the figure_id).

    Raises
    ------
    KeyError
        If ``figure_id`` is not in the table (the message suggests close ids).
    """
    table = load_published(path).set_index("figure_id", drop=False)
    if figure_id not in table.index:
        close = difflib.get_close_matches(figure_id, table.index, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"unknown published figure_id {figure_id!r}{hint}")
    return table.loc[figure_id]


def published_value(figure_id: str, path: Path | None = None) -> float:
    """Return the published value of one figure (percentages as percent numbers).

    Parameters
    ----------
    figure_id : str
        Identifier in the ``figure_id`` column.
    path : Path, optional
        Table to read; default :func:`default_path`.

    Returns
    -------
    float
        The ``value`` column; for ranges see ``value_low``/``value_high`` in
        :func:`published_row`.
    """
    return float(published_row(figure_id, path)["value"])


def _format_citation(row: pd.Series) -> str:
    return f"{row['publisher']}, {row['source_title']}, {row['edition']}. {row['url']}"


def citation(figure_id: str, path: Path | None = None) -> str:
    """Return the citation of one figure as ``"Publisher, Title, edition. URL"``.

    Parameters
    ----------
    figure_id : str
        Identifier in the ``figure_id`` column.
    path : Path, optional
        Table to read; default :func:`default_path`.

    Returns
    -------
    str
        One-line citation.
    """
    return _format_citation(published_row(figure_id, path))


def published_table(
    figure_ids: Sequence[str],
    reproduced: Mapping[str, float] | None = None,
    path: Path | None = None,
) -> pd.DataFrame:
    """Return published figures side by side, for a published-vs-reproduced table.

    Parameters
    ----------
    figure_ids : sequence of str
        Figures to show, in this order.
    reproduced : mapping of str to float, optional
        Reproduced value per figure_id; adds ``reproduced`` and ``difference``
        (reproduced minus published) columns. Ids absent from the mapping get NaN.
    path : Path, optional
        Table to read; default :func:`default_path`.

    Returns
    -------
    pandas.DataFrame
        Indexed by figure_id, columns indicator, scope, year, value, value_low,
        value_high, qualifier, unit, citation (and reproduced, difference).

    Raises
    ------
    KeyError
        Naming every requested id that is not in the table.
    """
    table = load_published(path).set_index("figure_id")
    missing = [f for f in figure_ids if f not in table.index]
    if missing:
        raise KeyError(f"unknown published figure_id(s): {', '.join(missing)}")
    out = table.loc[list(figure_ids)].copy()
    out["citation"] = [_format_citation(r) for _, r in out.iterrows()]
    cols = ["indicator", "scope", "year", "value", "value_low", "value_high", "qualifier"]
    out = out[[*cols, "unit", "citation"]]
    if reproduced is not None:
        out["reproduced"] = [float(reproduced.get(f, float("nan"))) for f in out.index]
        out["difference"] = out["reproduced"] - out["value"]
    return out
