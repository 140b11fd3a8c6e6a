"""Country sets for comparisons over time: open, balanced and interpolated panels.

The set of countries reporting to UNODC changes a lot from year to year, so a sum across
countries is not a like-for-like trend. These functions make the country set explicit and
report how much of the detected victims each set covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from tiptrends.methods.aggregate import _value_column

PanelKind = Literal["open", "balanced", "interpolated"]


@dataclass(frozen=True)
class PanelResult:
    """A country set over a window of years.

    Attributes
    ----------
    kind : str
        ``"open"``, ``"balanced"`` or ``"interpolated"``.
    years : tuple of int
        The window.
    countries : tuple of str
        ISO3 codes in the set (for ``"open"``: every country reporting in any window year).
    values : DataFrame
        Long table ``iso3, year, value, interpolated`` of the set's values in the window
        (``interpolated`` True where the value was filled).
    coverage : DataFrame
        Per year: ``n_countries`` (in the set with a value), ``n_victims`` (their sum),
        ``n_reporting`` and ``victims_reporting`` (all countries reporting that year) and
        ``share_of_victims`` (``n_victims / victims_reporting``, observed values only).
    """

    kind: str
    years: tuple[int, ...]
    countries: tuple[str, ...]
    values: pd.DataFrame
    coverage: pd.DataFrame


def _observed(counts: pd.DataFrame, value: str | None) -> pd.DataFrame:
    col = _value_column(counts, value)
    obs = counts[["iso3", "year", col]].rename(columns={col: "value"})
    obs = obs[obs["value"].notna()]
    if obs.duplicated(["iso3", "year"]).any():
        raise ValueError("counts has several rows for one iso3 x year")
    return obs


def _interpolate_log(years: np.ndarray, obs_years: np.ndarray, obs_vals: np.ndarray) -> np.ndarray:
    """Linear interpolation in log counts (in counts if an anchor is not positive)."""
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
    kind : {"open", "balanced", "interpolated"}
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
    """
    window = tuple(sorted({int(y) for y in years}))
    if not window:
        raise ValueError("years is empty")
    obs = _observed(counts, value)
    obs = obs[obs["year"].isin(window)]
    per_country = obs.groupby("iso3")["year"].agg(["nunique", "min", "max"])
    if kind == "open":
        members = per_country.index
    elif kind == "balanced":
        members = per_country.index[per_country["nunique"] == len(window)]
    elif kind == "interpolated":
        ok = (per_country["min"] == window[0]) & (per_country["max"] == window[-1])
        members = per_country.index[ok]
    else:
        raise ValueError(f"kind must be open, balanced or interpolated, got {kind!r}")
    members = sorted(members)
    mine = obs[obs["iso3"].isin(members)].assign(interpolated=False)
    if kind == "interpolated" and len(mine):
        frames = []
        wy = np.array(window)
        for iso, g in mine.groupby("iso3", sort=True):
            g = g.sort_values("year")
            vals = _interpolate_log(wy, g["year"].to_numpy(), g["value"].to_numpy(float))
            frames.append(
                pd.DataFrame(
                    {
                        "iso3": iso,
                        "year": wy,
                        "value": vals,
                        "interpolated": ~np.isin(wy, g["year"].to_numpy()),
                    }
                )
            )
        mine = pd.concat(frames, ignore_index=True)
    mine = mine.sort_values(["iso3", "year"]).reset_index(drop=True)
    all_rep = obs.groupby("year")["value"].agg(n_reporting="count", victims_reporting="sum")
    in_set = mine.groupby("year")["value"].agg(n_countries="count", n_victims="sum")
    observed_in_set = mine[~mine["interpolated"]].groupby("year")["value"].sum()
    cov = pd.DataFrame(index=pd.Index(window, name="year"))
    cov = cov.join(in_set).join(all_rep)
    cov[["n_countries", "n_reporting"]] = (
        cov[["n_countries", "n_reporting"]].fillna(0).astype("int64")
    )
    cov[["n_victims", "victims_reporting"]] = cov[["n_victims", "victims_reporting"]].fillna(0.0)
    obs_sum = observed_in_set.reindex(cov.index).fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov["share_of_victims"] = obs_sum / cov["victims_reporting"].replace(0.0, np.nan)
    return PanelResult(kind, window, tuple(members), mine, cov.reset_index())


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
    """
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


PANEL_KINDS: tuple[str, ...] = ("open", "matched", "balanced", "interpolated")
"""Country sets compared by :func:`panel_changes`."""


def panel_changes(counts: pd.DataFrame, y0: int, y1: int, value: str | None = None) -> pd.DataFrame:
    """Change of the pooled total between two years on four country sets.

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
        pct_change``. ``open``: every reporter of each year; ``matched``: countries with a
        value in both years; ``balanced``: countries with a value in every year y0..y1;
        ``interpolated``: :func:`tiptrends.methods.country_set` with kind
        ``"interpolated"`` (needs both endpoints, so its endpoint change equals the matched
        one; it differs only for the inner years).
    """
    ch = pct_change(counts, y0, y1, matched=True, value=value)
    rows = {
        "open": (ch.unmatched_total_y0, ch.unmatched_total_y1, ch.n_y0, ch.n_y1),
        "matched": (ch.total_y0, ch.total_y1, ch.n_countries, ch.n_countries),
    }
    for kind in ("balanced", "interpolated"):
        ps = country_set(counts, range(y0, y1 + 1), kind, value=value)
        v = ps.values.groupby("year")["value"].sum()
        n = len(ps.countries)
        rows[kind] = (float(v.get(y0, 0.0)), float(v.get(y1, 0.0)), n, n)
    out = pd.DataFrame.from_dict(
        rows, orient="index", columns=["total_y0", "total_y1", "n_y0", "n_y1"]
    )
    out.index.name = "panel"
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_change"] = 100.0 * (out["total_y1"] / out["total_y0"].replace(0.0, np.nan) - 1.0)
    return out


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
    window = sorted({int(y) for y in years})
    out = pd.DataFrame(index=pd.Index(window, name="year"))
    for kind in ("open", "balanced", "interpolated"):
        ps = country_set(counts, window, kind, value=value)
        g = ps.values.groupby("year")["value"]
        out[kind] = g.sum().reindex(window).fillna(0.0)
        out[f"n_{kind}"] = g.count().reindex(window).fillna(0).astype("int64")
    return out
