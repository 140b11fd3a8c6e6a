"""Extract country-year counts from the curated UNODC table and aggregate them across countries.

The curated GLOTIP table (see :func:`tiptrends.io.data.load_glotip`) has one row per raw row.
This module turns it into *counts tables*: one row per country (``iso3``) and year, with the
country's ``country``, ``region`` and ``subregion`` and one column per category (wide form)
or one row per category (long form). Every function here is pure: it takes frames and
returns new frames.

Conventions used throughout (all follow from the data, and each is tested):

* Aggregate / non-country rows (``is_aggregate``) never enter a counts table.
* Rows that share a key (iso3, indicator, dimension, category, sex, age, year) are
  **summed**: UNODC publishes several sub-forms of "Other forms of exploitation" and a few
  sex totals under one label.
* The file contains no explicit zeros (0 of 58,769 rows in the 2025 release). An absent
  category in a breakdown that a country reports for a year is therefore read as zero when
  shares are computed; a country-year with no category of the breakdown at all does not
  report the breakdown and does not enter a share.
* Suppressed cells (raw ``"<5"``, a count of 1 to 4) are handled by one named rule,
  :func:`apply_suppression_policy`.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from tiptrends.vocab import (
    ADULT,
    CHILD,
    DIM_FORM,
    DIM_TOTAL,
    FORMS,
    OTHER_SEX,
    SEX_AGE_GROUPS,
    TOTAL,
    VICTIMS,
)

SEX_AGE = "sex_age"
"""Pseudo-dimension: the sex x age groups (women, men, girls, boys, other-sex children/adults)."""

OTHER_CHILDREN, OTHER_ADULTS = "other_children", "other_adults"
CHILDREN = "children"
SEX_AGE_CATEGORIES: dict[str, tuple[str, str]] = {
    **SEX_AGE_GROUPS,
    OTHER_CHILDREN: (OTHER_SEX, CHILD),
    OTHER_ADULTS: (OTHER_SEX, ADULT),
}
"""Sex x age categories of :data:`SEX_AGE`: the four published groups plus other-sex rows."""

TOTAL_COLUMN = TOTAL
"""Name of the column holding the country's own total in a wide counts table."""

ID_COLUMNS = ("iso3", "country", "region", "subregion", "year")
"""Identifier columns of a counts table; every other column is a category."""

SUPPRESSION_POLICIES = ("exclude", "impute", "lower", "upper")
SUPPRESSION_BOUNDS = (1.0, 4.0)
"""A suppressed ``"<5"`` cell is a count of 1 to 4."""

GROUPINGS = ("m49_region", "m49_subregion", "glotip", "eu27")

Policy = Literal["exclude", "impute", "lower", "upper"]
"""Suppression policy for ``"<5"`` cells: ``"exclude"`` (left out), ``"impute"`` (2.5),
``"lower"`` (1) or ``"upper"`` (4); see :func:`apply_suppression_policy`."""
Method = Literal["pooled", "mean", "weighted", "two_stage"]
"""How country shares are combined: ``"pooled"``, ``"mean"``, ``"weighted"`` or
``"two_stage"``; see :func:`aggregate_share`."""
Denominator = Literal["all", "known"]
"""Denominator of a share: ``"known"`` (victims with a known category) or ``"all"`` (the
country's total); see :func:`aggregate_share`."""


# --------------------------------------------------------------------------- suppression
def apply_suppression_policy(
    df: pd.DataFrame, policy: Policy = "exclude", impute_value: float = 2.5
) -> pd.DataFrame:
    """Give suppressed cells a value according to a named policy.

    Parameters
    ----------
    df : DataFrame
        Rows with columns ``value`` (NaN where suppressed) and ``suppressed`` (bool).
    policy : {"exclude", "impute", "lower", "upper"}
        ``"exclude"``: suppressed cells stay missing (NaN); when rows are summed they add
        nothing, and a cell whose rows are all suppressed is missing. Sums under this policy
        equal the "plain" sums of published numbers. ``"impute"``: suppressed cells take
        ``impute_value`` (default 2.5, the midpoint of 1-4). ``"lower"`` / ``"upper"``: they
        take 1 / 4, the bounds of a ``"<5"`` count.
    impute_value : float
        Value used by ``"impute"``.

    Returns
    -------
    DataFrame
        A copy with ``value`` filled for suppressed rows (unchanged for ``"exclude"``).
    """
    fill = _suppression_fill(policy, impute_value)
    out = df.copy()
    sup = out["suppressed"].astype(bool).to_numpy()
    out.loc[sup, "value"] = np.nan if fill is None else fill
    return out


def _suppression_fill(policy: Policy, impute_value: float) -> float | None:
    """Value a suppressed cell takes under ``policy`` (None: it stays missing)."""
    if policy not in SUPPRESSION_POLICIES:
        raise ValueError(f"suppressed must be one of {SUPPRESSION_POLICIES}, got {policy!r}")
    return {
        "exclude": None,
        "impute": float(impute_value),
        "lower": SUPPRESSION_BOUNDS[0],
        "upper": SUPPRESSION_BOUNDS[1],
    }[policy]


@dataclass(frozen=True)
class BoundsResult:
    """A figure with its range under the ``"lower"`` and ``"upper"`` suppression policies."""

    estimate: float
    lower: float
    upper: float
    policy: str


def with_suppression_bounds(
    func: Callable[..., float], *args: Any, policy: Policy = "impute", **kwargs: Any
) -> BoundsResult:
    """Evaluate ``func`` under a central policy and under the two bounding policies.

    ``func`` must accept a ``suppressed=`` keyword (as :func:`country_year_counts` and
    :func:`shares_by_year` do) and return a float. ``lower`` / ``upper`` are the minimum /
    maximum of ``func`` under ``suppressed="lower"`` and ``"upper"``. For a sum these are
    exact bounds; for a ratio (a share) they are the values at the two extreme fillings,
    which bracket the usual case but are not a strict bound (numerator and denominator move
    together).

    Parameters
    ----------
    func : callable
        ``func(*args, suppressed=policy, **kwargs) -> float``.
    *args, **kwargs
        Passed to ``func``.
    policy : str
        Policy for the central ``estimate``.

    Returns
    -------
    BoundsResult
    """
    est = float(func(*args, suppressed=policy, **kwargs))
    lo = float(func(*args, suppressed="lower", **kwargs))
    hi = float(func(*args, suppressed="upper", **kwargs))
    return BoundsResult(estimate=est, lower=min(lo, hi), upper=max(lo, hi), policy=policy)


# --------------------------------------------------------------------------- extraction
def _select_rows(
    df: pd.DataFrame,
    indicator: str,
    dimension: str,
    categories: Sequence[str] | None,
    sex: str,
    age: str,
    form: str | None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Rows of one breakdown: their positions in ``df``, their output category labels (None
    where the row has no category) and the categories wanted as columns."""
    # narrowed one condition at a time: each comparison reads only the rows still in
    pos = np.flatnonzero(
        ~df["is_aggregate"].astype(bool).to_numpy() & (df["indicator"].to_numpy() == indicator)
    )

    def keep(column: str, value: object) -> None:
        nonlocal pos
        pos = pos[df[column].to_numpy()[pos] == value]

    if dimension == SEX_AGE:
        keep("dimension", DIM_TOTAL if form is None else DIM_FORM)
        keep("category", TOTAL if form is None else form)
        wanted = list(categories) if categories is not None else list(SEX_AGE_CATEGORIES)
        unknown = set(wanted) - set(SEX_AGE_CATEGORIES)
        if unknown:
            raise ValueError(f"unknown sex x age categories {sorted(unknown)}")
        sexes, ages = df["sex"].to_numpy()[pos], df["age"].to_numpy()[pos]
        cat = np.full(len(pos), None, dtype=object)
        for name, (s, a) in SEX_AGE_CATEGORIES.items():
            if name in wanted:
                cat[(sexes == s) & (ages == a)] = name
        return pos, cat, wanted
    keep("dimension", dimension)
    keep("sex", sex)
    keep("age", age)
    if dimension == DIM_TOTAL:
        keep("category", TOTAL)
        wanted = [TOTAL]
    elif categories is not None:
        wanted = list(categories)
        pos = pos[pd.Index(df["category"].to_numpy()[pos]).isin(wanted)]
    elif dimension == DIM_FORM:
        wanted = list(FORMS)
    else:
        wanted = sorted(pd.Series(df["category"].to_numpy()[pos]).dropna().unique())
    return pos, df["category"].to_numpy()[pos], wanted


@dataclass(frozen=True)
class _Cells:
    """Summed cells of a breakdown, sorted by (iso3, year, category): codes into ``isos``,
    ``years`` and ``cats`` (each sorted), and per cell the count (NaN when no row has a
    value), the rows summed and the suppressed rows among them."""

    isos: np.ndarray
    years: np.ndarray
    cats: np.ndarray
    iso: np.ndarray
    year: np.ndarray
    cat: np.ndarray
    count: np.ndarray
    n_rows: np.ndarray
    n_suppressed: np.ndarray


def _sum_cells(df: pd.DataFrame, pos: np.ndarray, cat: np.ndarray, fill: float | None) -> _Cells:
    """Sum the rows ``pos`` of ``df`` sharing (iso3, year, category ``cat``); suppressed rows
    take ``fill`` (None: stay missing). Rows without an iso3 or a category enter no cell."""
    iso = df["iso3"].to_numpy()[pos]
    ok = ~(pd.isna(iso) | pd.isna(cat))
    pos, iso, cat = pos[ok], iso[ok], cat[ok]
    value = df["value"].to_numpy(dtype=float)[pos]  # a copy: the fill does not reach df
    suppressed = df["suppressed"].astype(bool).to_numpy()[pos]
    if fill is not None:
        value[suppressed] = fill
    iso_code, isos = pd.factorize(iso, sort=True)
    year_code, years = pd.factorize(df["year"].to_numpy()[pos], sort=True)
    cat_code, cats = pd.factorize(cat, sort=True)
    n_years, n_cats = max(len(years), 1), max(len(cats), 1)  # 1: no row, no division by 0
    key = (iso_code.astype(np.int64) * n_years + year_code) * n_cats + cat_code
    cell, inverse = np.unique(key, return_inverse=True)
    has = ~np.isnan(value)
    n_values = np.bincount(inverse, weights=has, minlength=len(cell))
    if np.all(np.mod(value[has], 0.5) == 0):
        # whole counts (or halves, imputed): their sums are exact in any order
        total = np.bincount(inverse, weights=np.where(has, value, 0.0), minlength=len(cell))
    else:  # pandas' compensated sum, as a groupby of the rows would give
        total = pd.Series(value).groupby(inverse).sum().to_numpy()
    n_suppressed = np.bincount(inverse, weights=suppressed, minlength=len(cell))
    return _Cells(
        np.asarray(isos, dtype=object),
        np.asarray(years),
        np.asarray(cats, dtype=object),
        cell // n_cats // n_years,
        cell // n_cats % n_years,
        cell % n_cats,
        np.where(n_values > 0, total, np.nan),
        np.bincount(inverse, minlength=len(cell)).astype(np.int64),
        n_suppressed.astype(np.int64),
    )


def _drop_placeholder_breakdowns(cells: _Cells) -> None:
    """Set to NaN the breakdown cells of country-years whose breakdown is all "<5"."""
    breakdown = cells.cats[cells.cat] != TOTAL_COLUMN
    country_year = cells.iso * max(len(cells.years), 1) + cells.year
    shown = breakdown & (cells.n_suppressed != cells.n_rows)
    published = np.isin(country_year, country_year[shown])
    cells.count[breakdown & ~published] = np.nan


def _country_meta(df: pd.DataFrame, isos: np.ndarray) -> dict[str, np.ndarray]:
    """Country, region and subregion of each of ``isos`` (its first non-aggregate row in
    ``df``; missing columns give ``pd.NA``)."""
    rows = np.flatnonzero(~df["is_aggregate"].astype(bool).to_numpy())
    codes, uniques = pd.factorize(df["iso3"].to_numpy()[rows])
    code, index = np.unique(codes, return_index=True)  # codes number first appearances
    first = rows[index[code >= 0]]  # -1: no iso3
    at = first[pd.Index(uniques).get_indexer(isos)]
    return {
        c: df[c].to_numpy()[at] if c in df.columns else np.full(len(isos), pd.NA, dtype=object)
        for c in ("country", "region", "subregion")
    }


# --------------------------------------------------------------------------- resample memo
RESAMPLE_ATTR = "tiptrends.resample"
"""``DataFrame.attrs`` key of a country-bootstrap sample (see :class:`ResampleMemo`)."""

#: Columns :func:`country_year_counts` reads; a resample is memoised only if they are unchanged.
_READ_COLUMNS = (
    "iso3",
    "country",
    "region",
    "subregion",
    "is_aggregate",
    "indicator",
    "dimension",
    "category",
    "sex",
    "age",
    "year",
    "value",
    "suppressed",
)
_RESAMPLES: dict[int, ResampleMemo] = {}
SHARED_ATTR = "tiptrends.shared"
"""``DataFrame.attrs`` key of a table marked by :func:`share_table` (pandas carries it into
the row selections made from it, which the memo then recognises)."""


class _Shared:
    """The memo of :func:`country_year_counts` on one shared table and its row selections."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self.columns = [c for c in _READ_COLUMNS if c in table.columns]
        self.values = {c: table[c].to_numpy() for c in self.columns}
        self.unique = table.index.is_unique
        self.counts: dict[tuple[Any, ...], pd.DataFrame] = {}

    def rows_key(self, df: pd.DataFrame) -> bytes | None:
        """Which rows of the table ``df`` holds (b"" for the table itself), or None when
        ``df`` is not a plain selection of its rows (a column read by the counts differs,
        a row is not the table's)."""
        if df is self.table:
            return b""
        if not self.unique or set(self.columns) - set(df.columns):
            return None
        pos = self.table.index.get_indexer(df.index)
        if len(pos) and pos.min() < 0:
            return None
        for c in self.columns:
            if not _same(df[c].to_numpy(), self.values[c][pos]):
                return None
        return hashlib.blake2b(pos.astype(np.int64).tobytes(), digest_size=16).digest()


_SHARED: dict[str, _Shared] = {}


def share_table(df: pd.DataFrame) -> pd.DataFrame:
    """Mark ``df`` as a shared, read-only table: :func:`country_year_counts` on it, and on
    selections of its rows, is memoised.

    The figure registry's data bases are built once per process and read by every figure
    under every option; on them the same counts are asked for again and again (a
    specification curve asks for each of them hundreds of times). The memo is keyed by the
    call's arguments and the rows the table holds: the table itself, or a selection of its
    rows (``df[mask]``, which carries the mark in ``df.attrs``) whose every column read by
    the counts equals the table's at the same rows; anything else is computed as usual.
    Each call gets its own copy of the counts. A table marked here must not be modified in
    place (the registry's tables never are).
    """
    token = df.attrs.get(SHARED_ATTR)
    if token in _SHARED and _SHARED[token].table is df:  # type: ignore[index]
        return df
    token = f"{os.getpid()}:{next(_TOKENS)}"
    _SHARED[token] = _Shared(df)
    df.attrs[SHARED_ATTR] = token
    return df


_TOKENS = itertools.count()


def shared_tables() -> int:
    """Number of tables marked by :func:`share_table` in this process."""
    return len(_SHARED)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Element-wise equality of two columns, NaN/None equal to NaN/None."""
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b)) or bool(
        (pd.isna(a) & pd.isna(b) | (a == b)).all()  # object columns with missing values
    )


class ResampleMemo:
    """Per-country memo of :func:`country_year_counts` for resamples of one table.

    A country bootstrap evaluates a figure on many tables made of whole countries of one
    ``base`` table (a country drawn k times appears k times, relabelled ``ISO#2``...).
    :func:`country_year_counts` works country by country (every output row depends on one
    country's rows only), so the counts of a resample are the counts of the drawn
    countries, computed once per country and call. :meth:`tag` marks a resample; a call of
    :func:`country_year_counts` on it (or on rows filtered from it) checks that every
    column it reads equals the base rows the resample was drawn from, takes each drawn
    country's counts from the memo (computing them on the base rows the first time) and
    relabels the copies. Anything else (an unmarked table, changed values, a filter that
    treats two copies of a country differently) is computed as usual, so the result is
    always the one of the plain computation.

    Parameters
    ----------
    base : DataFrame
        The table countries are drawn from.
    column : str
        Its country column.
    """

    def __init__(self, base: pd.DataFrame, column: str = "iso3") -> None:
        self.base = base
        self.column = column
        self.columns = [c for c in _READ_COLUMNS if c in base.columns]
        self._base_values = {c: base[c].to_numpy() for c in self.columns}
        self.counts: dict[tuple[Any, ...], dict[str, np.ndarray]] = {}
        self.dtypes: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._src: np.ndarray = np.empty(0, dtype=np.int64)
        self._labels: np.ndarray = np.empty(0, dtype=object)
        self._token = id(self)

    def __enter__(self) -> ResampleMemo:
        _RESAMPLES[self._token] = self
        return self

    def __exit__(self, *exc: object) -> None:
        _RESAMPLES.pop(self._token, None)

    def tag(self, sample: pd.DataFrame, source: np.ndarray) -> pd.DataFrame:
        """Mark ``sample`` (index ``0..n-1``) as base rows ``source`` with their new labels."""
        self._src = np.asarray(source, dtype=np.int64)
        self._labels = sample[self.column].to_numpy()
        sample.attrs[RESAMPLE_ATTR] = self._token
        return sample

    def lookup(self, df: pd.DataFrame, key: tuple[Any, ...]) -> pd.DataFrame | None:
        """The counts of ``df`` from the memo, or None when ``df`` is not a plain resample."""
        if not len(df) or set(self.columns) - set(df.columns):
            return None
        pos = df.index.to_numpy()
        if pos.dtype.kind not in "iu" or pos.min() < 0 or pos.max() >= len(self._src):
            return None
        src = self._src[pos]
        labels = self._labels[pos]
        for c in self.columns:
            want = labels if c == self.column else self._base_values[c][src]
            if not _same(df[c].to_numpy(), want):
                return None
        base_labels = self._base_values[self.column][src]
        copies, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.cumsum(np.bincount(inverse, minlength=len(copies)))[:-1]
        wanted: list[tuple[Any, tuple[Any, ...]]] = []
        seen: dict[Any, bytes] = {}
        missing: dict[tuple[Any, ...], np.ndarray] = {}
        for label, rows, start in zip(copies, np.split(src[order], bounds), first, strict=True):
            unit = base_labels[start]
            digest = rows.tobytes()
            if seen.setdefault(unit, digest) != digest:
                return None  # two copies of a country filtered differently
            memo_key = (*key, unit, digest)
            if memo_key not in self.counts:
                missing[memo_key] = rows
            wanted.append((label, memo_key))
        if missing:  # the countries not seen yet, in one call, split by country
            fresh = _country_year_counts(
                self.base.iloc[np.concatenate(list(missing.values()))], *key
            )
            self.dtypes[key] = fresh.dtypes.to_dict()
            arrays = {c: fresh[c].to_numpy() for c in fresh.columns}
            codes = arrays[self.column]
            for memo_key in missing:
                hit = codes == memo_key[-2]
                self.counts[memo_key] = {c: a[hit] for c, a in arrays.items()}
        blocks = [(label, self.counts[k]) for label, k in wanted]
        blocks = [(label, b) for label, b in blocks if len(b[self.column])]
        if not blocks or key not in self.dtypes:
            return None
        columns = list(blocks[0][1])
        out = pd.DataFrame({c: np.concatenate([b[c] for _, b in blocks]) for c in columns}).astype(
            self.dtypes[key]
        )
        out[self.column] = np.repeat(
            np.array([label for label, _ in blocks], dtype=object),
            [len(b[self.column]) for _, b in blocks],
        )
        by = ["iso3", "year", "category"] if "category" in out.columns else ["iso3", "year"]
        return out.sort_values(by).reset_index(drop=True)


def country_year_counts(
    df: pd.DataFrame,
    indicator: str = VICTIMS,
    dimension: str = DIM_TOTAL,
    categories: Sequence[str] | None = None,
    sex: str = TOTAL,
    age: str = TOTAL,
    suppressed: Policy = "exclude",
    impute_value: float = 2.5,
    *,
    form: str | None = None,
    with_total: bool = True,
    wide: bool = True,
    require_published: bool = True,
) -> pd.DataFrame:
    """Counts per country x year x category from the curated UNODC table.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP long table (columns iso3, country, region, subregion, is_aggregate,
        indicator, dimension, category, sex, age, year, value, suppressed).
    indicator : str
        One of ``vocab.INDICATORS``.
    dimension : str
        ``vocab.DIM_TOTAL`` (the country total for ``sex`` x ``age``), ``vocab.DIM_FORM``
        (forms for ``sex`` x ``age``), :data:`SEX_AGE` (the sex x age groups of the total,
        or of one form if ``form`` is given; ``sex``/``age`` are then ignored), or any other
        dimension of the file (e.g. ``vocab.DIM_CITIZENSHIP``).
    categories : sequence of str, optional
        Categories to keep; default all (the three forms for ``DIM_FORM``; all
        :data:`SEX_AGE_CATEGORIES` for ``SEX_AGE``). Requested categories always appear as
        columns in the wide form, all-missing if never reported.
    sex, age : str
        Sex and age slice (``vocab.SEXES`` / ``vocab.AGES``).
    suppressed : {"exclude", "impute", "lower", "upper"}
        Suppression policy, see :func:`apply_suppression_policy`.
    impute_value : float
        Value for ``suppressed="impute"``.
    form : str, optional
        With ``dimension=SEX_AGE``: take the sex x age groups within this form.
    with_total : bool
        Add the country's own total (same indicator; same ``sex``/``age``, or the form's
        total when ``form`` is given) as column ``"Total"`` (wide) / category ``"Total"``.
    wide : bool
        Wide table (one column per category) or long table (column ``category`` and
        ``count``, plus ``n_rows`` and ``n_suppressed`` per cell).
    require_published : bool
        For a breakdown (any dimension but ``DIM_TOTAL``): treat a country-year whose cells
        of the breakdown are ALL suppressed as not reporting it (its cells become NaN under
        every policy). Since 2017 the releases carry a lone "<5" row of a breakdown for almost
        every country, also for countries that publish no such breakdown (Pakistan 2019:
        32,022 victims and one "Sexual exploitation <5" row); without this rule the impute and
        bound policies would read such placeholders as a breakdown with zeros elsewhere. Under
        ``"exclude"`` the rule changes nothing. The country's own total is never affected.

    Returns
    -------
    DataFrame
        Wide: columns ``iso3, country, region, subregion, year`` then one column per
        category (float; NaN = not reported / all rows suppressed under ``"exclude"``).
        Sorted by iso3, year; a country-year appears if any requested cell is present.
    """
    key = (
        indicator,
        dimension,
        None if categories is None else tuple(categories),
        sex,
        age,
        suppressed,
        impute_value,
        form,
        with_total,
        wide,
        require_published,
    )
    shared = _SHARED.get(df.attrs.get(SHARED_ATTR, ""))  # type: ignore[arg-type]
    rows = shared.rows_key(df) if shared is not None else None
    if shared is not None and rows is not None:
        counts = shared.counts.get((*key, rows))
        if counts is None:
            counts = shared.counts[(*key, rows)] = _country_year_counts(df, *key)
        out = counts.copy()
        out.attrs = {}
        return out
    memo = _RESAMPLES.get(df.attrs.get(RESAMPLE_ATTR, -1))  # type: ignore[arg-type]
    if memo is not None:
        out = memo.lookup(df, key)
        if out is not None:
            return out
    return _country_year_counts(df, *key)


def _country_year_counts(
    df: pd.DataFrame,
    indicator: str,
    dimension: str,
    categories: Sequence[str] | None,
    sex: str,
    age: str,
    suppressed: Policy,
    impute_value: float,
    form: str | None,
    with_total: bool,
    wide: bool,
    require_published: bool,
) -> pd.DataFrame:
    """:func:`country_year_counts` computed (arguments in its order, all given)."""
    fill = _suppression_fill(suppressed, impute_value)
    pos, cat, wanted = _select_rows(df, indicator, dimension, categories, sex, age, form)
    if with_total and dimension != DIM_TOTAL:
        if dimension == SEX_AGE:
            tot, _, _ = _select_rows(df, indicator, DIM_TOTAL, None, TOTAL, TOTAL, None)
            if form is not None:
                tot, _, _ = _select_rows(df, indicator, DIM_FORM, [form], TOTAL, TOTAL, None)
        else:
            tot, _, _ = _select_rows(df, indicator, DIM_TOTAL, None, sex, age, None)
        pos = np.concatenate([pos, tot])
        cat = np.concatenate([cat, np.full(len(tot), TOTAL_COLUMN, dtype=object)])
        wanted = [*wanted, TOTAL_COLUMN]
    cells = _sum_cells(df, pos, cat, fill)
    if require_published and dimension != DIM_TOTAL:
        _drop_placeholder_breakdowns(cells)
    if not wide:
        isos = cells.isos[cells.iso]
        out = pd.DataFrame(
            {
                "iso3": isos,
                **_country_meta(df, isos),
                "year": cells.years[cells.year],
                "category": cells.cats[cells.cat],
                "count": cells.count,
                "n_rows": cells.n_rows,
                "n_suppressed": cells.n_suppressed,
            }
        )
        return out if len(out) else _empty_long(df)
    n_years = max(len(cells.years), 1)
    rows, at = np.unique(cells.iso * n_years + cells.year, return_inverse=True)
    block = np.full((len(rows), len(cells.cats)), np.nan)
    block[at, cells.cat] = cells.count
    column = {c: i for i, c in enumerate(cells.cats)}
    isos = cells.isos[rows // n_years]
    ids = pd.DataFrame(
        {
            "iso3": isos,
            **_country_meta(df, isos),
            "year": cells.years[rows % n_years].astype("int64"),
        }
    )
    counts = pd.DataFrame(
        {
            i: block[:, column[c]] if c in column else np.full(len(rows), np.nan)
            for i, c in enumerate(wanted)
        }
    )
    counts.columns = pd.Index(wanted, dtype=object)
    return pd.concat([ids, counts], axis=1)


def _empty_long(df: pd.DataFrame) -> pd.DataFrame:
    """The long counts table of a breakdown nobody reports (all columns of object dtype)."""
    cols = [*ID_COLUMNS, "category", "count", "n_rows", "n_suppressed"]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def category_columns(counts: pd.DataFrame) -> list[str]:
    """Return the category columns of a wide counts table (all but :data:`ID_COLUMNS`)."""
    return [c for c in counts.columns if c not in ID_COLUMNS]


def _value_column(counts: pd.DataFrame, value: str | None) -> str:
    if value is not None:
        return value
    cats = category_columns(counts)
    if TOTAL_COLUMN in cats:
        return TOTAL_COLUMN
    if len(cats) == 1:
        return cats[0]
    raise ValueError(f"several category columns {cats}: say which one with value=")


# --------------------------------------------------------------------------- shares
@dataclass(frozen=True)
class ShareResult:
    """A share aggregated across countries.

    Attributes
    ----------
    share : float
        The share over all country-years in the input (years pooled as one set of units).
    n_countries : int
        Distinct countries that entered.
    n_victims : float
        Sum of the denominators that entered.
    by_year : DataFrame or None
        Columns year, share, n_countries, n_victims (None if the input has no ``year``).
    method, denominator : str
        How the share was aggregated.
    numerator : tuple of str
        Numerator categories.
    """

    share: float
    n_countries: int
    n_victims: float
    by_year: pd.DataFrame | None
    method: str
    denominator: str
    numerator: tuple[str, ...]


def known_categories(counts: pd.DataFrame) -> list[str]:
    """Categories whose sum is the "known" denominator of a wide counts table.

    The three forms if present; else the four sex x age groups (women, men, girls, boys);
    else every category column except ``"Total"``.
    """
    cols = category_columns(counts)
    if all(f in cols for f in FORMS):
        return list(FORMS)
    groups = list(SEX_AGE_GROUPS)
    if all(g in cols for g in groups):
        return groups
    return [c for c in cols if c != TOTAL_COLUMN]


def share_inputs(
    counts: pd.DataFrame,
    numerator_categories: Iterable[str],
    denominator: Denominator = "known",
    known: Sequence[str] | None = None,
    carry: Sequence[str] = (),
) -> pd.DataFrame:
    """Per country-year numerator and denominator of a share (the units that enter).

    ``carry`` names extra columns to keep beside the identifiers (for instance the grouping
    column added by :func:`add_grouping`, used by the two-stage method).

    A country-year enters if it reports the breakdown (at least one known category is
    present: absent categories are then zero, see module notes) and its denominator is
    positive: the sum of the known categories (``"known"``) or its own total column
    ``"Total"`` (``"all"``).

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year, num, den`` for the entering units.
    """
    num_cats = list(numerator_categories)
    known = list(known) if known is not None else known_categories(counts)
    missing = [c for c in {*num_cats, *known} if c not in counts.columns]
    if missing:
        raise KeyError(f"counts has no column(s) {missing}")
    values = {
        c: counts[c].to_numpy(dtype=float, na_value=np.nan)
        for c in dict.fromkeys([*known, *num_cats])
    }
    reported = np.zeros(len(counts), dtype=bool)
    for c in known:
        reported |= ~np.isnan(values[c])
    num = _row_sum(values, num_cats)
    if denominator == "known":
        den = _row_sum(values, known)
    elif denominator == "all":
        if TOTAL_COLUMN not in counts.columns:
            raise KeyError('denominator="all" needs the country total column "Total"')
        den = counts[TOTAL_COLUMN].to_numpy(dtype=float, na_value=np.nan)
    else:
        raise ValueError(f'denominator must be "all" or "known", got {denominator!r}')
    keep = np.flatnonzero(reported & (den > 0))  # a missing denominator is not > 0
    ids = dict.fromkeys(c for c in [*ID_COLUMNS, *carry] if c in counts.columns)
    out = pd.DataFrame({c: counts[c].array.take(keep) for c in ids})
    out["num"] = num[keep]
    out["den"] = den[keep]
    return out


def _row_sum(values: dict[str, np.ndarray], columns: Sequence[str]) -> np.ndarray:
    """Sum of ``columns`` row by row, missing values as zero, added left to right."""
    total = np.zeros(len(next(iter(values.values()))) if values else 0)
    for c in columns:
        total = total + np.where(np.isnan(values[c]), 0.0, values[c])
    return total


class _Units:
    """Units of a share (:func:`share_inputs`) as arrays, combined over any set of rows.

    :func:`aggregate_share` combines all units and those of each year; this reads the
    columns once and sums slices of arrays (numpy's pairwise sum, the sum pandas uses on a
    column) instead of building a frame per year.
    """

    def __init__(
        self,
        units: pd.DataFrame,
        method: Method,
        weights: pd.Series | None,
        region_weights: pd.Series | None,
        region_column: str,
    ) -> None:
        self.units, self.method, self.weights = units, method, weights
        self.region_weights, self.region_column = region_weights, region_column
        self.num = units["num"].to_numpy(dtype=float)
        self.den = units["den"].to_numpy(dtype=float)
        self.iso = pd.factorize(units["iso3"])[0]
        self.term = self.num / self.den if method == "mean" else None
        self.w = self.ok = None
        if method == "two_stage":
            self.region, self.regions = pd.factorize(units[region_column], sort=True)
        if method == "weighted" and weights is not None:
            self.w = units["iso3"].map(weights).to_numpy(dtype=float, na_value=np.nan)
            self.ok = ~np.isnan(self.w) & (self.w > 0)
            self.term = self.w * self.num / self.den

    def combine(self, rows: np.ndarray) -> tuple[float, int, float]:
        """(share, n_countries, n_victims) of the units at positions ``rows`` (ascending)."""
        if not len(rows):
            return float("nan"), 0, 0.0
        if self.method == "pooled":
            share = np.sum(self.num[rows]) / np.sum(self.den[rows])
        elif self.method == "mean":
            share = np.sum(self.term[rows]) / len(rows)  # type: ignore[index]
        elif self.method == "weighted":
            if self.w is None:
                raise ValueError('method="weighted" needs weights (a Series indexed by iso3)')
            rows = rows[self.ok[rows]]  # type: ignore[index]
            if not len(rows):
                return float("nan"), 0, 0.0
            share = np.sum(self.term[rows]) / np.sum(self.w[rows])  # type: ignore[index]
        elif self.method == "two_stage":
            share = self._two_stage(rows)
        else:
            raise ValueError(f"unknown method {self.method!r}")
        iso = self.iso[rows]
        return float(share), len(np.unique(iso[iso >= 0])), float(np.sum(self.den[rows]))

    def _two_stage(self, rows: np.ndarray) -> float:
        """Pooled share within each region, then the mean of the regions weighted by
        ``region_weights`` (equally when None)."""
        region = self.region[rows]
        placed = region >= 0  # units without a region enter no region (as in a groupby)
        num, den, region = self.num[rows][placed], self.den[rows][placed], region[placed]
        if np.all(np.mod(num, 0.5) == 0) and np.all(np.mod(den, 0.5) == 0):
            # whole counts (or halves): their sums are exact in any order
            n_regions = len(self.regions)
            reg_num = np.bincount(region, weights=num, minlength=n_regions)
            reg_den = np.bincount(region, weights=den, minlength=n_regions)
            present = np.bincount(region, minlength=n_regions) > 0
            reg_num, reg_den = reg_num[present], reg_den[present]
            names = pd.Index(self.regions[present])
        else:  # pandas' compensated sums, as a groupby of the units gives
            reg = pd.DataFrame({"r": region, "num": num, "den": den}).groupby("r").sum()
            reg_num, reg_den = reg["num"].to_numpy(), reg["den"].to_numpy()
            names = pd.Index(self.regions[reg.index.to_numpy()])
        rw = (
            np.ones(len(names))
            if self.region_weights is None
            else self.region_weights.reindex(names).to_numpy(dtype=float, na_value=np.nan)
        )
        if np.isnan(rw).any():
            raise ValueError(f"region_weights lacks {sorted(names[np.isnan(rw)])}")
        return float(np.sum(reg_num / reg_den * rw) / np.sum(rw))

    def by_year(self) -> pd.DataFrame:
        """``year, share, n_countries, n_victims`` for each year of the units."""
        columns = ["year", "share", "n_countries", "n_victims"]
        codes, years = pd.factorize(self.units["year"], sort=True)
        order = np.argsort(codes, kind="stable")  # rows of a year in their order
        order = order[codes[order] >= 0]
        if not len(order):
            return pd.DataFrame(columns=columns)
        parts = np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)
        found = [self.combine(rows) for rows in parts]
        return pd.DataFrame(
            {
                "year": np.asarray([years[codes[p[0]]] for p in parts]).astype("int64"),
                "share": np.array([f[0] for f in found], dtype=float),
                "n_countries": np.array([f[1] for f in found], dtype="int64"),
                "n_victims": np.array([f[2] for f in found], dtype=float),
            }
        )


def _combine(
    units: pd.DataFrame,
    method: Method,
    weights: pd.Series | None,
    region_weights: pd.Series | None,
    region_column: str,
) -> tuple[float, int, float]:
    """Aggregate per-unit num/den into one share; returns (share, n_countries, n_victims)."""
    return _Units(units, method, weights, region_weights, region_column).combine(
        np.arange(len(units))
    )


def replicate_shares(
    units: pd.DataFrame,
    copies: np.ndarray,
    method: Method,
    weights: pd.Series | None = None,
    region_weights: pd.Series | None = None,
    region_column: str = "region",
) -> np.ndarray:
    """The share of :func:`aggregate_share` on many resamples of the same units, at once.

    A resample holds each unit (a country-year of :func:`share_inputs`) some number of
    times, its copies counting as distinct countries (as in a country bootstrap). Row ``k``
    of ``copies`` says how many times; the share of resample ``k`` is the one
    :func:`aggregate_share` gives on a table of those copies, computed for every row by one
    matrix product: ``"pooled"`` sums numerators and denominators, ``"mean"`` and
    ``"weighted"`` average the unit shares (weighted by ``weights`` by iso3, units without
    a positive weight left out), ``"two_stage"`` pools within each region present and
    averages the regions (weighted by ``region_weights``, else equally). A resample with
    no unit has a NaN share.

    Parameters
    ----------
    units : DataFrame
        ``iso3``, ``num``, ``den`` (and ``region_column`` for ``"two_stage"``), e.g.
        :class:`ShareCall` ``units``.
    copies : ndarray (n_resamples, n_units)
        Non-negative counts of each unit in each resample.
    method, weights, region_weights, region_column
        As for :func:`aggregate_share` (``region_weights`` fixed, not derived from the
        population of each resample).

    Returns
    -------
    ndarray (n_resamples,)
        Shares, equal to :func:`aggregate_share`'s up to the order of summation.
    """
    c = np.asarray(copies, dtype=float)
    if c.ndim != 2 or c.shape[1] != len(units):
        raise ValueError(f"copies must have one column per unit ({len(units)}), got {c.shape}")
    num, den = units["num"].to_numpy(float), units["den"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "pooled":
            return (c @ num) / (c @ den)
        if method == "mean":
            return (c @ (num / den)) / c.sum(axis=1)
        if method == "weighted":
            if weights is None:
                raise ValueError('method="weighted" needs weights (a Series indexed by iso3)')
            w = units["iso3"].map(weights).to_numpy(float)
            ok = ~np.isnan(w) & (w > 0)
            return (c[:, ok] @ (w[ok] * num[ok] / den[ok])) / (c[:, ok] @ w[ok])
        if method == "two_stage":
            codes, regions = pd.factorize(units[region_column], sort=True)
            member = np.zeros((len(units), len(regions)))
            placed = codes >= 0  # a unit without a region enters no region (as in a groupby)
            member[np.flatnonzero(placed), codes[placed]] = 1.0
            present = (c @ member) > 0
            rw = (
                np.ones(len(regions))
                if region_weights is None
                else region_weights.reindex(regions).to_numpy(float)
            )
            lacking = present.any(axis=0) & np.isnan(rw)
            if lacking.any():
                raise ValueError(f"region_weights lacks {sorted(regions[lacking])}")
            reg_share = (c @ (member * num[:, None])) / (c @ (member * den[:, None]))
            reg_share = np.where(present, reg_share, 0.0)
            rw = np.where(present, np.nan_to_num(rw), 0.0)
            return (reg_share * rw).sum(axis=1) / rw.sum(axis=1)
    raise ValueError(f"unknown method {method!r}")


@dataclass(frozen=True)
class ShareCall:
    """One call of :func:`aggregate_share` seen by :func:`recorded_shares`.

    Attributes
    ----------
    units : DataFrame
        The units that entered (:func:`share_inputs`, with the region column).
    method : str
    weights, region_weights : Series or None
        The weights used (``region_weights`` as given or derived from ``population``).
    region_column : str
    fixed_weights : bool
        False when the region weights were derived from the table's own population (they
        then change with the countries of the table).
    result : ShareResult
    """

    units: pd.DataFrame
    method: str
    weights: pd.Series | None
    region_weights: pd.Series | None
    region_column: str
    fixed_weights: bool
    result: ShareResult


_RECORDERS: list[list[ShareCall]] = []


@contextlib.contextmanager
def recorded_shares() -> Iterator[list[ShareCall]]:
    """Record every :func:`aggregate_share` call made inside the block (as :class:`ShareCall`).

    A country bootstrap uses it to learn which units a figure pools, so that it can compute
    the figure's resamples with :func:`replicate_shares` instead of once each.
    """
    calls: list[ShareCall] = []
    _RECORDERS.append(calls)
    try:
        yield calls
    finally:
        _RECORDERS.remove(calls)


# --------------------------------------------------------------------------- methods
POPULATION_METHODS: dict[str, str] = {
    "weighted": "mean of country shares weighted by population",
    "two_stage_population": "pooled within each region, regions weighted by their population",
}
"""Method labels that need population, and their meaning."""


METHODS: dict[str, str] = {
    "pooled": "sum of numerators over sum of denominators",
    "mean": "unweighted mean of country shares",
    "two_stage": "pooled within each region, unweighted mean of regions",
    **POPULATION_METHODS,
}
"""Every aggregation method label accepted by :func:`method_arguments`."""


def region_population(
    df: pd.DataFrame, population: pd.Series, region_column: str = "region"
) -> pd.Series:
    """Population of each region: the sum over every country of the table in that region.

    All countries of ``df`` count, whether or not they report the breakdown that is being
    aggregated, so the weights describe the regions, not their reporting countries.

    Parameters
    ----------
    df : DataFrame
        A table with ``iso3`` and ``region_column`` (the curated GLOTIP table or a counts
        table); aggregate rows (``is_aggregate``) are ignored.
    population : Series
        Population indexed by ISO3 (e.g. :func:`tiptrends.analyses.coverage.gsi_population`).
    region_column : str
        Region column of ``df``.

    Returns
    -------
    Series
        Population (float) indexed by region, named ``"population"``; countries without a
        population add nothing, a region none of whose countries has one is left out.

    Raises
    ------
    ValueError
        If a country of ``df`` has two regions.
    """
    rows = df[~df["is_aggregate"].astype(bool)] if "is_aggregate" in df.columns else df
    meta = rows[["iso3", region_column]].dropna().drop_duplicates()
    if meta["iso3"].duplicated().any():
        dup = sorted(meta.loc[meta["iso3"].duplicated(), "iso3"])
        raise ValueError(f"countries with more than one {region_column}: {dup}")
    pop = meta["iso3"].map(population.astype(float))
    ok = pop.notna()
    out = pop[ok].groupby(meta.loc[ok, region_column], sort=True).sum()
    out.index.name = region_column
    return out.rename("population")


def method_arguments(
    method: str,
    population: pd.Series | None = None,
    region_weights: pd.Series | None = None,
) -> tuple[Method, dict[str, pd.Series]]:
    """Aggregation method and keyword arguments for a method label of :data:`METHODS`.

    The keyword arguments are those of :func:`tiptrends.methods.aggregate.aggregate_share`.

    Parameters
    ----------
    method : str
        ``"pooled"``, ``"mean"``, ``"two_stage"`` (regions weighted equally),
        ``"weighted"`` (country shares weighted by ``population``) or
        ``"two_stage_population"`` (regions weighted by ``region_weights``, e.g.
        :func:`region_population`).
    population : Series, optional
        Population by ISO3; needed by ``"weighted"``.
    region_weights : Series, optional
        Weight by region; needed by ``"two_stage_population"``.

    Returns
    -------
    method : str
        The :data:`tiptrends.methods.aggregate.Method` to use.
    kwargs : dict
        ``{"weights": population}``, ``{"region_weights": region_weights}`` or ``{}``.

    Raises
    ------
    ValueError
        For an unknown label or a population method without its weights.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    if method == "weighted":
        if population is None:
            raise ValueError('method "weighted" needs population (a Series by iso3)')
        return "weighted", {"weights": population}
    if method == "two_stage_population":
        if region_weights is None:
            raise ValueError(
                'method "two_stage_population" needs region_weights (see region_population)'
            )
        return "two_stage", {"region_weights": region_weights}
    return cast(Method, method), {}


def aggregate_share(
    counts: pd.DataFrame,
    numerator_categories: Iterable[str] | str,
    denominator: Denominator = "known",
    method: Method = "pooled",
    weights: pd.Series | None = None,
    region_weights: pd.Series | None = None,
    population: pd.Series | None = None,
    *,
    known: Sequence[str] | None = None,
    region_column: str = "region",
) -> ShareResult:
    """Share of the numerator categories among victims, aggregated across countries.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table from :func:`country_year_counts` (with ``"Total"`` for
        ``denominator="all"``).
    numerator_categories : str or iterable of str
        Category column(s) summed into the numerator.
    denominator : {"known", "all"}
        ``"known"``: victims with known category (sum of ``known``, by default the three
        forms, or women+men+girls+boys; see :func:`known_categories`). ``"all"``: the
        country's own total. Only country-years that report the breakdown enter.
    method : {"pooled", "mean", "weighted", "two_stage"}
        ``"pooled"``: sum of numerators / sum of denominators (big countries dominate).
        ``"mean"``: unweighted mean of country shares. ``"weighted"``: mean of country
        shares weighted by ``weights`` (Series by iso3, e.g. population; countries without
        a weight are dropped). ``"two_stage"``: pooled share within each region
        (``region_column``), then the mean of regional shares weighted by
        ``region_weights`` (Series by region), or, if ``population`` (Series by iso3) is
        given instead, by the regions' total population, else equally.
    weights, region_weights, population : Series, optional
        See ``method``.
    known : sequence of str, optional
        Override the known categories.
    region_column : str
        Grouping column for ``"two_stage"``.

    Returns
    -------
    ShareResult
    """
    num_cats = (
        (numerator_categories,)
        if isinstance(numerator_categories, str)
        else tuple(numerator_categories)
    )
    units = share_inputs(counts, num_cats, denominator, known, carry=[region_column])
    fixed_weights = True
    if method == "two_stage" and region_weights is None and population is not None:
        region_weights = region_population(counts, population, region_column)
        fixed_weights = False
    combined = _Units(units, method, weights, region_weights, region_column)
    share, n_c, n_v = combined.combine(np.arange(len(units)))
    by_year = combined.by_year() if "year" in units.columns else None
    result = ShareResult(share, n_c, n_v, by_year, method, denominator, num_cats)
    for calls in _RECORDERS:
        calls.append(
            ShareCall(units, method, weights, region_weights, region_column, fixed_weights, result)
        )
    return result


def aggregate_total(
    counts: pd.DataFrame, value: str | None = None, by: Sequence[str] = ("year",)
) -> pd.DataFrame:
    """Pooled totals across countries.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table.
    value : str, optional
        Column to sum (default ``"Total"`` or the only category column).
    by : sequence of str
        Grouping columns (default per year).

    Returns
    -------
    DataFrame
        ``*by, total, n_countries`` (countries with a non-missing value).
    """
    col = _value_column(counts, value)
    ok = counts[counts[col].notna()]
    g = ok.groupby(list(by), sort=True)
    out = g.agg(total=(col, "sum"), n_countries=("iso3", "nunique")).reset_index()
    return out


def _is_curated(df: pd.DataFrame) -> bool:
    return "indicator" in df.columns and "suppressed" in df.columns


def shares_by_year(
    df: pd.DataFrame,
    dimension: str = DIM_FORM,
    categories: Sequence[str] | None = None,
    denominator: Denominator = "known",
    method: Method = "pooled",
    *,
    indicator: str = VICTIMS,
    sex: str = TOTAL,
    age: str = TOTAL,
    form: str | None = None,
    suppressed: Policy = "exclude",
    impute_value: float = 2.5,
    weights: pd.Series | None = None,
    region_weights: pd.Series | None = None,
    population: pd.Series | None = None,
    years: Iterable[int] | None = None,
    by: str | None = None,
    children_include_other_sex: bool = False,
) -> pd.DataFrame:
    """Share of each category per year (and per group), the workhorse of the notebooks.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table, or an already extracted wide counts table.
    dimension : str
        ``vocab.DIM_FORM`` (categories: the three forms) or :data:`SEX_AGE` (categories:
        women, men, girls, boys and ``"children"``). For ``SEX_AGE``, ``"children"`` is
        girls + boys, so that with ``denominator="known"`` (women+men+girls+boys) it equals
        the sum of the girls and boys shares, as in the published profile; with
        ``children_include_other_sex=True`` the numerator adds children of other sex and
        the known denominator adds other-sex children and adults.
    categories : sequence of str, optional
        Categories to report (default as above).
    denominator : {"known", "all"}
        ``"known"``: victims with a known category; ``"all"``: the country's own total
        (only country-years that report the breakdown enter). See :func:`aggregate_share`.
    method : {"pooled", "mean", "weighted", "two_stage"}
        Sum of numerators over sum of denominators; mean of country shares; mean weighted
        by ``weights``; pooled within regions, then the mean of regions. See
        :func:`aggregate_share`.
    weights, region_weights, population
        See :func:`aggregate_share`.
    indicator, sex, age, form, impute_value
        See :func:`country_year_counts`.
    suppressed : {"exclude", "impute", "lower", "upper"}
        ``"<5"`` cells left out, or counted as 2.5, 1 or 4
        (:func:`apply_suppression_policy`).
    years : iterable of int, optional
        Restrict to these years.
    by : str, optional
        A grouping (see :func:`add_grouping`): shares are computed within each group and
        the output gains a ``group`` column. ``"two_stage"`` then weights subregions.

    Returns
    -------
    DataFrame
        ``[group,] year, category, share, n_countries, n_victims, method, denominator``.
        Within a year (and group) every category uses the same country set, so with the
        default categories shares of the base categories sum to 1 under ``"known"``.

    Examples
    --------
    The forced-labour share of detected victims with a known form, pooled over the reporting
    countries, with the collection's exclusions applied (chapter 02):

    >>> from tiptrends import vocab
    >>> from tiptrends.io.data import load_glotip
    >>> from tiptrends.io.exclusions import apply_exclusions, load_exclusions
    >>> victims, _ = apply_exclusions(load_glotip(release="2025"), load_exclusions())
    >>> fl = shares_by_year(victims, categories=[vocab.FORCED_LABOUR], years=[2021, 2022])
    >>> fl[["year", "share", "n_countries"]].round(3).values.tolist()
    [[2021.0, 0.399, 79.0], [2022.0, 0.257, 83.0]]
    """
    if _is_curated(df):
        counts = country_year_counts(
            df, indicator, dimension, None, sex, age, suppressed, impute_value, form=form
        )
    else:
        counts = df
    if years is not None:
        counts = counts[counts["year"].isin(list(years))]
    base = list(FORMS) if dimension == DIM_FORM else list(SEX_AGE_GROUPS)
    if dimension not in (DIM_FORM, SEX_AGE):
        base = [c for c in category_columns(counts) if c != TOTAL_COLUMN]
    known = list(base)
    numerators: dict[str, list[str]] = {c: [c] for c in base}
    if dimension == SEX_AGE:
        kids = ["girls", "boys"]
        if children_include_other_sex:
            kids.append(OTHER_CHILDREN)
            known = [*known, OTHER_CHILDREN, OTHER_ADULTS]
            for c in (OTHER_CHILDREN, OTHER_ADULTS):
                if c not in counts.columns:
                    counts = counts.assign(**{c: np.nan})
        numerators[CHILDREN] = kids
    wanted = list(categories) if categories is not None else list(numerators)
    region_column = "region"
    if by is not None:
        counts = add_grouping(counts, by)
        region_column = "subregion"
    groups = [(None, counts)] if by is None else list(counts.groupby("group", sort=True))
    frames = []
    for gname, gcounts in groups:
        for cat in wanted:
            if cat not in numerators:
                raise ValueError(f"unknown category {cat!r}; choose from {list(numerators)}")
            res = aggregate_share(
                gcounts,
                numerators[cat],
                denominator,
                method,
                weights,
                region_weights,
                population,
                known=known,
                region_column=region_column,
            )
            t = res.by_year.assign(category=cat)
            if by is not None:
                t.insert(0, "group", gname)
            frames.append(t)
    cols = [
        *(["group"] if by is not None else []),
        "year",
        "category",
        "share",
        "n_countries",
        "n_victims",
    ]
    out = pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
    out["method"] = method
    out["denominator"] = denominator
    sort = [*(["group"] if by is not None else []), "year"]
    return out.sort_values(sort, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- groupings
def add_grouping(counts: pd.DataFrame, grouping: str) -> pd.DataFrame:
    """Add a ``group`` column to a counts table.

    Parameters
    ----------
    counts : DataFrame
        Table with ``iso3`` (and ``region`` / ``subregion`` for the M49 groupings).
    grouping : {"m49_region", "m49_subregion", "glotip", "eu27"}
        UN M49 region or subregion as in the file; the GLOTIP report's regions (from
        :func:`tiptrends.io.countries.add_glotip_region`); or ``"EU27"`` / ``"non-EU27"``.

    Returns
    -------
    DataFrame
        A copy with column ``group``.
    """
    out = counts.copy()
    if grouping == "m49_region":
        out["group"] = out["region"]
    elif grouping == "m49_subregion":
        out["group"] = out["subregion"]
    elif grouping in ("glotip", "eu27"):
        try:
            from tiptrends.io import countries
        except ImportError as exc:  # pragma: no cover - depends on another module
            raise ImportError(f"grouping {grouping!r} needs tiptrends.io.countries") from exc
        if grouping == "eu27":
            out["group"] = np.where(out["iso3"].isin(countries.EU27), "EU27", "non-EU27")
        else:
            before = set(out.columns)
            tagged = countries.add_glotip_region(out, "iso3", "subregion")
            new = [c for c in tagged.columns if c not in before]
            if len(new) != 1:
                raise ValueError(f"add_glotip_region added columns {new}, expected one")
            out = tagged.rename(columns={new[0]: "group"})
    else:
        raise ValueError(f"grouping must be one of {GROUPINGS}, got {grouping!r}")
    return out


def by_region(
    counts: pd.DataFrame, grouping: str = "m49_region", value: str | None = None
) -> pd.DataFrame:
    """Pooled totals per group and year.

    Returns
    -------
    DataFrame
        ``group, year, total, n_countries``.
    """
    return aggregate_total(add_grouping(counts, grouping), value, by=("group", "year"))


def scaled_ratio(num: pd.Series | float, den: pd.Series | float, scale: float) -> pd.Series | float:
    """``num / den * scale``; NaN where ``den`` is missing or not positive."""
    if isinstance(den, pd.Series):
        d = den.astype(float)
        return num / d.where(d > 0) * scale
    d = float(den)
    return float(num) / d * scale if d > 0 else float("nan")


def rate_per_100k(victims: pd.Series | float, population: pd.Series | float) -> pd.Series | float:
    """Detected victims per 100,000 population (NaN where population is missing or 0)."""
    return scaled_ratio(victims, population, 1e5)


def add_rate_per_100k(
    counts: pd.DataFrame, population: pd.Series, value: str | None = None
) -> pd.DataFrame:
    """Add ``population`` and ``rate_per_100k`` (count per 100,000 inhabitants) columns.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table.
    population : Series
        Population by iso3 (the caller states its year, e.g. Walk Free 2021 population).
    value : str, optional
        Count column (default ``"Total"`` or the only category column).

    Returns
    -------
    DataFrame
        A copy; countries without a population (or a population of 0) get NaN.
    """
    col = _value_column(counts, value)
    out = counts.copy()
    out["population"] = out["iso3"].map(population).astype(float)
    out["rate_per_100k"] = rate_per_100k(out[col], out["population"])
    return out
