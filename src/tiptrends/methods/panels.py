"""Country sets for comparisons over time: the trend panel, and open, balanced and
interpolated panels as sensitivity.

The set of countries reporting to UNODC changes a lot from year to year, so a sum across
countries is not a like-for-like trend. These functions make the country set explicit and
report how much of the detected victims each set covers.

The trend panel (one country set for every change figure, written down on 29 November 2026
after open, matched and balanced sets had been compared with published changes):
for a change between ``y0`` and ``y1`` the window is ``y0..y1``; every country with at least
one value in the window enters; a missing inner year is filled by linear interpolation
between the country's nearest values in the window, and a missing end is carried from the
nearest year with a value. A country seen only once therefore contributes the same value
at both ends (no change, but it stays in the base), and a country that stops or starts
reporting inside the window does not make the total jump. :func:`trend_change` gives the
change on it, :func:`changes_against_published` sets it beside the previous edition's
published changes, and the open, matched and balanced sets of :func:`pct_change` and
:func:`country_set` remain the sensitivity.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from tiptrends.io.checks import require_counts, require_glotip
from tiptrends.io.published import published_value
from tiptrends.methods import aggregate
from tiptrends.methods.aggregate import _value_column
from tiptrends.methods.sex_age import child_counts, sex_age_counts
from tiptrends.vocab import CONVICTED, DIM_FORM, FORCED_LABOUR, FORMS, SEXUAL, TOTAL

PanelKind = Literal["open", "balanced", "interpolated", "trend"]


@dataclass(frozen=True)
class PanelResult:
    """A country set over a window of years.

    Attributes
    ----------
    kind : str
        ``"open"``, ``"balanced"``, ``"interpolated"`` or ``"trend"``.
    years : tuple of int
        The window.
    countries : tuple of str
        ISO3 codes in the set (for ``"open"``: every country reporting in any window year).
    values : DataFrame
        Long table ``iso3, year, value, interpolated`` of the set's values in the window
        (``interpolated`` True where the value was filled).
    observed : DataFrame
        Long table ``iso3, year, value`` of every country's observed values in the window
        (members or not), the base of :attr:`coverage`.
    coverage : DataFrame
        Per year: ``n_countries`` (in the set with a value), ``n_victims`` (their sum),
        ``n_reporting`` and ``victims_reporting`` (all countries reporting that year) and
        ``share_of_victims`` (``n_victims / victims_reporting``, observed values only);
        computed when first read (a change needs only :attr:`values`).
    """

    kind: str
    years: tuple[int, ...]
    countries: tuple[str, ...]
    values: pd.DataFrame
    observed: pd.DataFrame = field(repr=False)

    @functools.cached_property
    def coverage(self) -> pd.DataFrame:
        """Per year: the set's and all reporters' countries and victims (see the class)."""
        mine, obs = self.values, self.observed
        all_rep = obs.groupby("year")["value"].agg(n_reporting="count", victims_reporting="sum")
        in_set = mine.groupby("year")["value"].agg(n_countries="count", n_victims="sum")
        observed_in_set = mine[~mine["interpolated"]].groupby("year")["value"].sum()
        cov = pd.DataFrame(index=pd.Index(self.years, name="year"))
        cov = cov.join(in_set).join(all_rep)
        cov[["n_countries", "n_reporting"]] = (
            cov[["n_countries", "n_reporting"]].fillna(0).astype("int64")
        )
        cov[["n_victims", "victims_reporting"]] = cov[["n_victims", "victims_reporting"]].fillna(
            0.0
        )
        obs_sum = observed_in_set.reindex(cov.index).fillna(0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            cov["share_of_victims"] = obs_sum / cov["victims_reporting"].replace(0.0, np.nan)
        return cov.reset_index()


def _observed(counts: pd.DataFrame, value: str | None) -> pd.DataFrame:
    col = _value_column(counts, value)
    obs = counts[["iso3", "year", col]].rename(columns={col: "value"})
    obs = obs[obs["value"].notna()]
    if obs.duplicated(["iso3", "year"]).any():
        raise ValueError("counts has several rows for one iso3 x year")
    return obs


def interpolate_log(years: np.ndarray, obs_years: np.ndarray, obs_vals: np.ndarray) -> np.ndarray:
    """Counts at ``years`` by linear interpolation in log counts between observed years.

    Linear in counts where an anchor is not positive. ``obs_years`` must be sorted and every
    year must lie between the first and the last observed year (nothing is extrapolated).

    Examples
    --------
    >>> interpolate_log(np.array([2019, 2020, 2021]), np.array([2019, 2021]), np.array([10.0, 40.0]))
    array([10., 20., 40.])
    """
    out = np.empty(len(years))
    for i, y in enumerate(years):
        j = np.searchsorted(obs_years, y)
        if j < len(obs_years) and obs_years[j] == y:
            out[i] = obs_vals[j]
            continue
        y0, y1 = obs_years[j - 1], obs_years[j]
        v0, v1 = obs_vals[j - 1], obs_vals[j]
        t = (y - y0) / (y1 - y0)
        if v0 > 0 and v1 > 0:
            out[i] = float(np.exp(np.log(v0) + t * (np.log(v1) - np.log(v0))))
        else:
            out[i] = v0 + t * (v1 - v0)
    return out


def _fill(obs: pd.DataFrame, window: tuple[int, ...], kind: str) -> pd.DataFrame:
    """Every member x window year of ``obs`` (sorted ``iso3, year, value``), filled.

    One pass over all countries: the observed values go into a countries x years matrix,
    each empty cell takes its country's nearest observed years before and after it, and the
    fill is computed for all cells at once, with the arithmetic of :func:`numpy.interp`
    (``"trend"``: linear, ends carried) or of :func:`interpolate_log` (``"interpolated"``).
    """
    iso, row = np.unique(obs["iso3"].to_numpy(), return_inverse=True)
    wy = np.asarray(window, dtype=np.int64)
    col = np.searchsorted(wy, obs["year"].to_numpy())
    n, w = len(iso), len(wy)
    vals = np.full((n, w), np.nan)
    vals[row, col] = obs["value"].to_numpy(float)
    seen = np.zeros((n, w), dtype=bool)
    seen[row, col] = True
    pos = np.arange(w)
    prev = np.maximum.accumulate(np.where(seen, pos, -1), axis=1)
    nxt = np.minimum.accumulate(np.where(seen, pos, w)[:, ::-1], axis=1)[:, ::-1]
    rows = np.broadcast_to(np.arange(n)[:, None], (n, w))
    # nearest observed value and year on each side (the cell's own where observed)
    v0 = vals[rows, np.clip(prev, 0, w - 1)]
    v1 = vals[rows, np.clip(nxt, 0, w - 1)]
    y = np.broadcast_to(wy, (n, w))
    y0, y1 = wy[np.clip(prev, 0, w - 1)], wy[np.clip(nxt, 0, w - 1)]
    inner = ~seen & (prev >= 0) & (nxt < w)
    out = np.where(seen, vals, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "trend":
            fy, fy0, fy1 = y.astype(float), y0.astype(float), y1.astype(float)
            slope = (v1 - v0) / (fy1 - fy0)
            out = np.where(inner, slope * (fy - fy0) + v0, out)
            out = np.where(~seen & (prev < 0), v1, out)  # before the first value: carried back
            out = np.where(~seen & (nxt >= w), v0, out)  # after the last value: carried on
        else:
            t = (y - y0) / (y1 - y0)
            log = np.exp(np.log(v0) + t * (np.log(v1) - np.log(v0)))
            out = np.where(inner, np.where((v0 > 0) & (v1 > 0), log, v0 + t * (v1 - v0)), out)
    return pd.DataFrame(
        {
            "iso3": np.repeat(iso.astype(object), w),
            "year": np.tile(wy, n),
            "value": out.ravel(),
            "interpolated": ~seen.ravel(),
        }
    )


def country_set(
    counts: pd.DataFrame,
    years: Iterable[int],
    kind: PanelKind = "balanced",
    value: str | None = None,
) -> PanelResult:
    """Choose the countries compared over a window of years.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table (``iso3``, ``year`` and a value column).
    years : iterable of int
        The window; its first and last years are the endpoints.
    kind : {"open", "balanced", "interpolated", "trend"}
        ``"trend"``: every country with a value in a window year, inner gaps filled
        linearly in counts, missing ends carried from the nearest year (see the module
        docstring).
        ``"open"``: every country with a value in a window year (the set changes by year).
        ``"balanced"``: countries with a value in every window year. ``"interpolated"``:
        countries with a value at both endpoints; missing inner years are filled by linear
        interpolation in log counts between the country's nearest reports *inside the
        window* (linear in counts if an anchor is zero). Nothing is extrapolated beyond a
        country's first or last report, which is why both endpoints are required.
    value : str, optional
        Value column (default ``"Total"`` or the only category column).

    Returns
    -------
    PanelResult

    Examples
    --------
    The countries that report detected victims in every year 2019-2022, and the part of all
    reported victims they hold each year:

    >>> from tiptrends.io.data import load_glotip
    >>> from tiptrends.io.exclusions import apply_exclusions, load_exclusions
    >>> from tiptrends.methods.aggregate import country_year_counts
    >>> victims, _ = apply_exclusions(load_glotip(release="2025"), load_exclusions())
    >>> counts = country_year_counts(victims)
    >>> panel = country_set(counts, range(2019, 2023), kind="balanced")
    >>> len(panel.countries), panel.coverage["share_of_victims"].round(2).tolist()
    (73, [0.81, 0.72, 0.74, 0.97])
    """
    require_counts(counts, "country_set: counts")
    window = tuple(sorted({int(y) for y in years}))
    if not window:
        raise ValueError("years is empty")
    if kind not in ("open", "balanced", "interpolated", "trend"):
        raise ValueError(f"kind must be open, balanced, interpolated or trend, got {kind!r}")
    obs = _observed(counts, value)
    obs = obs[obs["year"].isin(window)]
    # per country: years with a value (no duplicates, see _observed), first and last
    iso, code = np.unique(obs["iso3"].to_numpy(), return_inverse=True)
    year = obs["year"].to_numpy()
    n_years = np.bincount(code, minlength=len(iso))
    if kind == "balanced":
        iso = iso[n_years == len(window)]
    elif kind == "interpolated":
        first = np.full(len(iso), np.iinfo(np.int64).max)
        last = np.full(len(iso), np.iinfo(np.int64).min)
        np.minimum.at(first, code, year)
        np.maximum.at(last, code, year)
        iso = iso[(first == window[0]) & (last == window[-1])]
    members = [str(i) for i in iso]
    mine = obs if kind in ("open", "trend") else obs[obs["iso3"].isin(members)]
    mine = mine.assign(interpolated=False)
    if kind in ("interpolated", "trend") and len(mine):
        mine = _fill(mine, window, kind)
    else:
        mine = mine.sort_values(["iso3", "year"]).reset_index(drop=True)
    return PanelResult(kind, window, tuple(members), mine, obs)


@dataclass(frozen=True)
class ChangeResult:
    """Percentage change of a pooled total between two years.

    Attributes
    ----------
    pct_change : float
        Change in percent on the set used (matched if ``matched`` is True).
    total_y0, total_y1 : float
        Pooled totals of that set.
    n_countries : int
        Countries in the matched set (reporting both years).
    matched : bool
        Which set ``pct_change`` refers to.
    countries : tuple of str
        The matched set.
    unmatched_pct_change : float
        Change comparing all reporters of y0 with all reporters of y1.
    unmatched_total_y0, unmatched_total_y1 : float
    n_y0, n_y1 : int
        Countries reporting in y0 / y1.
    """

    pct_change: float
    total_y0: float
    total_y1: float
    n_countries: int
    matched: bool
    countries: tuple[str, ...]
    unmatched_pct_change: float
    unmatched_total_y0: float
    unmatched_total_y1: float
    n_y0: int
    n_y1: int


def pct_change(
    counts: pd.DataFrame, y0: int, y1: int, matched: bool = True, value: str | None = None
) -> ChangeResult:
    """Percentage change between two years, on the matched set and unmatched.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table.
    y0, y1 : int
        Base and comparison years.
    matched : bool
        If True, ``pct_change`` uses only countries with a value in both years; if False
        it compares all reporters of each year. Both versions are always returned.
    value : str, optional
        Value column.

    Returns
    -------
    ChangeResult

    Examples
    --------
    Detected victims 2019 -> 2022 on the countries reporting both years, and on all
    reporters of each year:

    >>> from tiptrends.io.data import load_glotip
    >>> from tiptrends.io.exclusions import apply_exclusions, load_exclusions
    >>> from tiptrends.methods.aggregate import country_year_counts
    >>> victims, _ = apply_exclusions(load_glotip(release="2025"), load_exclusions())
    >>> change = pct_change(country_year_counts(victims), 2019, 2022)
    >>> round(change.pct_change, 1), change.n_countries, round(change.unmatched_pct_change, 1)
    (10.6, 83, -6.8)
    """
    require_counts(counts, "pct_change: counts")
    obs = _observed(counts, value)
    a = obs[obs["year"] == y0].set_index("iso3")["value"]
    b = obs[obs["year"] == y1].set_index("iso3")["value"]
    both = a.index.intersection(b.index).sort_values()
    m0, m1 = float(a[both].sum()), float(b[both].sum())
    u0, u1 = float(a.sum()), float(b.sum())

    def pc(x0: float, x1: float) -> float:
        return 100.0 * (x1 / x0 - 1.0) if x0 > 0 else float("nan")

    main0, main1 = (m0, m1) if matched else (u0, u1)
    return ChangeResult(
        pct_change=pc(main0, main1),
        total_y0=main0,
        total_y1=main1,
        n_countries=len(both),
        matched=matched,
        countries=tuple(both),
        unmatched_pct_change=pc(u0, u1),
        unmatched_total_y0=u0,
        unmatched_total_y1=u1,
        n_y0=len(a),
        n_y1=len(b),
    )


TREND_PANEL = "trend"
"""The pre-specified country set of every change figure (see :func:`trend_change`)."""

PANEL_KINDS: tuple[str, ...] = ("trend", "open", "matched", "balanced", "interpolated")
"""Country sets compared by :func:`panel_changes`: the trend panel, then the sensitivity sets."""


def panel_changes(counts: pd.DataFrame, y0: int, y1: int, value: str | None = None) -> pd.DataFrame:
    """Change of the pooled total between two years on the trend panel and four other sets.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table (``iso3``, ``year``, value column).
    y0, y1 : int
        Base and end year.
    value : str, optional
        Value column (default ``"Total"`` or the only category column).

    Returns
    -------
    DataFrame
        Index ``panel`` (:data:`PANEL_KINDS`): ``total_y0, total_y1, n_y0, n_y1,
        pct_change``. ``trend``: the pre-specified trend panel (:func:`trend_change`: every
        country reporting in the window, gaps filled); ``open``: every reporter of each year;
        ``matched``: countries with a value in both years; ``balanced``: countries with a
        value in every year y0..y1; ``interpolated``: :func:`country_set` with kind
        ``"interpolated"`` (needs both endpoints, so its endpoint change equals the matched
        one; it differs only for the inner years).
    """
    require_counts(counts, "panel_changes: counts")
    ch = pct_change(counts, y0, y1, matched=True, value=value)
    rows = {kind: _set_totals(counts, y0, y1, value, kind, ch) for kind in PANEL_KINDS}
    out = pd.DataFrame.from_dict(
        rows, orient="index", columns=["total_y0", "total_y1", "n_y0", "n_y1"]
    )
    out.index.name = "panel"
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_change"] = 100.0 * (out["total_y1"] / out["total_y0"].replace(0.0, np.nan) - 1.0)
    return out


def _set_totals(
    counts: pd.DataFrame,
    y0: int,
    y1: int,
    value: str | None,
    panel: str,
    matched: ChangeResult | None = None,
) -> tuple[float, float, int, int]:
    """``total_y0, total_y1, n_y0, n_y1`` of one country set of :func:`panel_changes`
    (``matched``: :func:`pct_change` of the same arguments when the caller has it)."""
    if panel == TREND_PANEL:
        tr = trend_change(counts, y0, y1, value)
        return tr.total_y0, tr.total_y1, tr.n_countries, tr.n_countries
    if panel in ("open", "matched"):
        ch = matched or pct_change(counts, y0, y1, matched=True, value=value)
        if panel == "open":
            return ch.unmatched_total_y0, ch.unmatched_total_y1, ch.n_y0, ch.n_y1
        return ch.total_y0, ch.total_y1, ch.n_countries, ch.n_countries
    ps = country_set(counts, range(y0, y1 + 1), panel, value=value)  # type: ignore[arg-type]
    v = ps.values.groupby("year")["value"].sum()
    n = len(ps.countries)
    return float(v.get(y0, 0.0)), float(v.get(y1, 0.0)), n, n


def set_change(
    counts: pd.DataFrame, y0: int, y1: int, value: str | None = None, panel: str = TREND_PANEL
) -> tuple[float, int]:
    """Change (%) of the pooled count between two years on one country set, and the
    countries of the set in ``y0`` (the row ``panel`` of :func:`panel_changes`, computed
    alone).

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"iso3": ["A", "A", "B"], "year": [2019, 2022, 2019],
    ...                        "Total": [100.0, 150.0, 50.0]})
    >>> set_change(counts, 2019, 2022, panel="open")
    (0.0, 2)
    """
    if panel not in PANEL_KINDS:
        raise ValueError(f"panel must be one of {PANEL_KINDS}, got {panel!r}")
    require_counts(counts, "set_change: counts")
    t0, t1, n0, _ = _set_totals(counts, y0, y1, value, panel)
    # as panel_changes computes its column (a zero base gives NaN)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100.0 * (np.float64(t1) / (np.float64(t0) if t0 != 0.0 else np.nan) - 1.0)
    return float(pct), n0


def change_pct(
    counts: pd.DataFrame, y0: int, y1: int, value: str | None = None, panel: str = TREND_PANEL
) -> float:
    """Percentage change of a pooled count between two years on one country set.

    The one function behind every change figure of the collection: ``panel`` is the
    pre-specified trend panel unless a sensitivity asks for another set of
    :data:`PANEL_KINDS`.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"iso3": ["A", "A", "B", "B"], "year": [2019, 2022, 2019, 2021],
    ...                        "Total": [100.0, 150.0, 50.0, 70.0]})
    >>> round(change_pct(counts, 2019, 2022), 2)   # B's 2022 carried from 2021: 220 / 150
    46.67
    >>> change_pct(counts, 2019, 2022, panel="matched")
    50.0
    """
    if panel not in PANEL_KINDS:
        raise ValueError(f"panel must be one of {PANEL_KINDS}, got {panel!r}")
    if panel == TREND_PANEL:
        return trend_change(counts, y0, y1, value).pct_change
    return set_change(counts, y0, y1, value, panel)[0]


def panel_series(
    counts: pd.DataFrame, years: Iterable[int], value: str | None = None
) -> pd.DataFrame:
    """Pooled totals per year on the open, balanced and interpolated sets of a window.

    Returns
    -------
    DataFrame
        Index ``year``; columns ``open``, ``balanced``, ``interpolated`` (pooled totals) and
        ``n_open``, ``n_balanced``, ``n_interpolated`` (countries with a value or fill).
    """
    require_counts(counts, "panel_series: counts")
    window = sorted({int(y) for y in years})
    out = pd.DataFrame(index=pd.Index(window, name="year"))
    for kind in ("open", "balanced", "interpolated"):
        ps = country_set(counts, window, kind, value=value)
        g = ps.values.groupby("year")["value"]
        out[kind] = g.sum().reindex(window).fillna(0.0)
        out[f"n_{kind}"] = g.count().reindex(window).fillna(0).astype("int64")
    return out


@dataclass(frozen=True)
class TrendChange:
    """Change of a pooled total on the trend panel.

    Attributes
    ----------
    pct_change : float
        ``100 * (total_y1 / total_y0 - 1)`` on the trend panel.
    total_y0, total_y1 : float
        Panel totals (observed plus filled values).
    n_countries : int
        Countries in the panel.
    n_filled_y0, n_filled_y1 : int
        Countries whose end value is filled (carried or interpolated), per end.
    filled_share_y0, filled_share_y1 : float
        Share of the panel total at each end that is filled rather than observed.
    panel : PanelResult
        The panel (``kind == "trend"``).
    """

    pct_change: float
    total_y0: float
    total_y1: float
    n_countries: int
    n_filled_y0: int
    n_filled_y1: int
    filled_share_y0: float
    filled_share_y1: float
    panel: PanelResult


def trend_change(counts: pd.DataFrame, y0: int, y1: int, value: str | None = None) -> TrendChange:
    """Percentage change between two years on the trend panel of the window ``y0..y1``.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table.
    y0, y1 : int
        Base and comparison years (``y0 < y1``).
    value : str, optional
        Value column.

    Returns
    -------
    TrendChange
    """
    require_counts(counts, "trend_change: counts")
    if not y0 < y1:
        raise ValueError(f"need y0 < y1, got {y0} and {y1}")
    panel = country_set(counts, range(y0, y1 + 1), "trend", value)
    year = panel.values["year"].to_numpy()
    val = panel.values["value"].to_numpy()
    fill = panel.values["interpolated"].to_numpy()
    ends = {}
    for y in (y0, y1):
        at = year == y
        total = float(val[at].sum())
        filled = float(val[at & fill].sum())
        ends[y] = (total, int(fill[at].sum()), filled / total if total > 0 else np.nan)
    t0, t1 = ends[y0][0], ends[y1][0]
    return TrendChange(
        pct_change=100.0 * (t1 / t0 - 1.0) if t0 > 0 else float("nan"),
        total_y0=t0,
        total_y1=t1,
        n_countries=len(panel.countries),
        n_filled_y0=ends[y0][1],
        n_filled_y1=ends[y1][1],
        filled_share_y0=ends[y0][2],
        filled_share_y1=ends[y1][2],
        panel=panel,
    )


def fallback_totals(
    df: pd.DataFrame, *, suppressed: aggregate.Policy = "exclude", fallback: bool = True
) -> pd.DataFrame:
    """Detected victims per country-year by one rule for every country.

    The country's total row; where it has none (or only ``"<5"`` under the policy), the sum
    of its sex x age cells (:func:`tiptrends.methods.sex_age.sex_age_counts`, whose form
    fallback takes the form x sex x age cells of a country without an all-forms split, such
    as the United Kingdom in 2022); else the sum of its form cells.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    suppressed : str
        Policy for ``"<5"`` cells.
    fallback : bool
        False: the total row only (the plain country totals).

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year, value, source`` (``source``: ``"total"``,
        ``"sex_age"`` or ``"forms"``), country-years with a value.
    """
    require_glotip(df, "fallback_totals: df")
    c = aggregate.country_year_counts(df, suppressed=suppressed)
    out = c[list(aggregate.ID_COLUMNS)].assign(value=c[TOTAL].to_numpy(), source="total")
    out = out[out["value"].notna()]
    if not fallback:
        return out.reset_index(drop=True)
    sa = sex_age_counts(df, suppressed=suppressed, form_fallback=True)
    groups = [k for k in sa.columns if k not in (*aggregate.ID_COLUMNS, TOTAL)]
    sa = sa[list(aggregate.ID_COLUMNS)].assign(
        value=sa[groups].sum(axis=1, min_count=1).to_numpy(), source="sex_age"
    )
    fc = aggregate.country_year_counts(
        df, dimension=DIM_FORM, with_total=False, suppressed=suppressed
    )
    forms = [k for k in fc.columns if k not in aggregate.ID_COLUMNS]
    fc = fc[list(aggregate.ID_COLUMNS)].assign(
        value=fc[forms].sum(axis=1, min_count=1).to_numpy(), source="forms"
    )
    parts = [out]
    have = set(zip(out["iso3"], out["year"], strict=True))
    for extra in (sa, fc):
        extra = extra[extra["value"].notna()]
        keys = list(zip(extra["iso3"], extra["year"], strict=True))
        new = extra[[k not in have for k in keys]]
        have |= set(zip(new["iso3"], new["year"], strict=True))
        parts.append(new)
    both = pd.concat(parts, ignore_index=True)
    return both.sort_values(["iso3", "year"]).reset_index(drop=True)


MEASURES: tuple[str, ...] = (
    "victims",
    "sexual_exploitation",
    "forced_labour",
    "children",
    "girls",
    "convictions",
)
"""Counts :func:`measure_counts` extracts for change figures."""


def measure_counts(
    df: pd.DataFrame,
    measure: str,
    *,
    suppressed: aggregate.Policy = "exclude",
    form_fallback: bool = True,
) -> pd.DataFrame:
    """Country-year counts of one measure, as a counts table with the single column ``value``.

    ``victims``: detected victims by :func:`fallback_totals` (the total row, else the sex x
    age cells, else the forms; ``form_fallback=False``: the total row only). ``sexual_exploitation`` /
    ``forced_labour``: the form's count where the country reports the form breakdown (an
    absent form is then zero). ``children`` (girls + boys) / ``girls``: the counts of
    :func:`tiptrends.methods.sex_age.child_counts` (sex x age split, with the form fallback
    by default), so every change in children has one path. ``convictions``: the country
    total of persons convicted.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    measure : str
        One of :data:`MEASURES`.
    suppressed : str
        Policy for ``"<5"`` cells (default: left out).
    form_fallback : bool
        Victims, children and girls: fall back on breakdown cells where the country-year
        has no total (victims) or no all-forms sex x age split (children, girls).

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year, value`` (only country-years with a value).
    """
    require_glotip(df, "measure_counts: df")
    if measure == "victims":
        return fallback_totals(df, suppressed=suppressed, fallback=form_fallback).drop(
            columns="source"
        )
    if measure == "convictions":
        c = aggregate.country_year_counts(df, indicator=CONVICTED, suppressed=suppressed)
        val = c[TOTAL]
    elif measure in ("sexual_exploitation", "forced_labour"):
        c = aggregate.country_year_counts(
            df, dimension=DIM_FORM, with_total=False, suppressed=suppressed
        )
        form = SEXUAL if measure == "sexual_exploitation" else FORCED_LABOUR
        reported = c[list(FORMS)].notna().any(axis=1)
        val = c[form].fillna(0.0).where(reported)
    elif measure in ("children", "girls"):
        c = child_counts(df, suppressed=suppressed, form_fallback=form_fallback)
        val = c[measure]
    else:
        raise ValueError(f"measure must be one of {MEASURES}, got {measure!r}")
    out = c[list(aggregate.ID_COLUMNS)].assign(value=val.to_numpy())
    return out[out["value"].notna()].reset_index(drop=True)


GLOTIP2022_CHANGES: tuple[tuple[str, str, int, int], ...] = (
    ("glotip2022_victims_change_2019_2020_pct", "victims", 2019, 2020),
    ("glotip2022_sexual_exploitation_change_2019_2020_pct", "sexual_exploitation", 2019, 2020),
    ("glotip2022_convictions_change_2019_2020_pct", "convictions", 2019, 2020),
    ("glotip2022_convictions_change_2017_2020_pct", "convictions", 2017, 2020),
)
"""The four GLOTIP 2022 changes the trend panel is checked on (with the 2023 release)."""

GLOTIP2024_CHANGES: tuple[tuple[str, str, int, int], ...] = (
    ("glotip2024_victims_change_2019_2022_pct", "victims", 2019, 2022),
    ("glotip2024_victims_change_2020_2022_pct", "victims", 2020, 2022),
    ("glotip2024_forced_labour_change_2019_2022_pct", "forced_labour", 2019, 2022),
    ("glotip2024_children_change_2019_2022_pct", "children", 2019, 2022),
    ("glotip2024_girls_change_2019_2022_pct", "girls", 2019, 2022),
    ("glotip2024_convictions_change_since_2019_pct", "convictions", 2019, 2022),
)
"""GLOTIP 2024 changes the trend panel is applied to (with the 2025 release)."""


def changes_against_published(
    df: pd.DataFrame, targets: Iterable[tuple[str, str, int, int]]
) -> pd.DataFrame:
    """Published changes beside the change on the trend panel and on the sensitivity sets.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table (exclusions or a report basis applied beforehand).
    targets : iterable of tuple
        ``(figure_id, measure, y0, y1)`` tuples, e.g. :data:`GLOTIP2022_CHANGES`.

    Returns
    -------
    DataFrame
        One row per target: ``figure_id, measure, y0, y1, published, trend, open, matched,
        balanced`` (changes in %), ``n_trend`` (countries in the trend panel),
        ``filled_share_y0``/``filled_share_y1`` (share of the trend panel's end totals that
        is filled) and ``gap_trend`` (trend minus published, percentage points).
    """
    rows = []
    cache: dict[str, pd.DataFrame] = {}
    for fid, measure, y0, y1 in targets:
        if measure not in cache:
            cache[measure] = measure_counts(df, measure)
        c = cache[measure]
        sets = panel_changes(c, y0, y1, "value").loc[["trend", "open", "matched", "balanced"]]
        tr = trend_change(c, y0, y1, "value")
        pub = published_value(fid)
        rows.append(
            {
                "figure_id": fid,
                "measure": measure,
                "y0": y0,
                "y1": y1,
                "published": pub,
                **{k: float(sets.loc[k, "pct_change"]) for k in sets.index},
                "n_trend": tr.n_countries,
                "filled_share_y0": tr.filled_share_y0,
                "filled_share_y1": tr.filled_share_y1,
                "gap_trend": tr.pct_change - pub,
            }
        )
    return pd.DataFrame(rows)
