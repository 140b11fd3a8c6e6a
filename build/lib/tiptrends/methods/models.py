"""Trend models for shares and counts, and a country bootstrap.

All standard errors are clustered by country by default: yearly observations of one
country are not independent, and clustering also absorbs the overdispersion of the
binomial / Poisson likelihoods on counts of this size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from tiptrends.methods.aggregate import _value_column

Z95 = float(stats.norm.ppf(0.975))


def _as_long(x: pd.Series | pd.DataFrame, name: str) -> pd.Series:
    """Series indexed by (iso3, year) from a Series or a frame with iso3/year columns."""
    if isinstance(x, pd.DataFrame):
        if not {"iso3", "year"} <= set(x.columns):
            raise ValueError(f"{name}: a DataFrame needs iso3 and year columns")
        vals = [c for c in x.columns if c not in ("iso3", "year", "country", "region", "subregion")]
        if len(vals) != 1:
            raise ValueError(f"{name}: expected one value column, got {vals}")
        x = x.set_index(["iso3", "year"])[vals[0]]
    if list(x.index.names) != ["iso3", "year"]:
        raise ValueError(f"{name}: index must be (iso3, year)")
    return x.astype(float)


@dataclass(frozen=True)
class TrendResult:
    """Binomial trend in a share.

    Attributes
    ----------
    odds_ratio, or_lower, or_upper : float
        Odds ratio per year with its 95% CI.
    p_value : float
    fitted : DataFrame
        ``year, share, lower, upper, observed, n_countries``: fitted share per year (for a
        country with the victim-weighted average country effect when ``country_fe``), its
        95% CI, and the observed pooled share.
    n_countries, n_obs : int
    country_fe, cluster : bool
    model : Any
        The statsmodels results object.
    """

    odds_ratio: float
    or_lower: float
    or_upper: float
    p_value: float
    fitted: pd.DataFrame
    n_countries: int
    n_obs: int
    country_fe: bool
    cluster: bool
    model: Any


def _design(data: pd.DataFrame, country_fe: bool, year0: float) -> pd.DataFrame:
    x = pd.DataFrame({"const": 1.0, "year": data["year"].to_numpy(float) - year0}, index=data.index)
    if country_fe:
        fe = pd.get_dummies(data["iso3"], prefix="fe", drop_first=True, dtype=float)
        x = pd.concat([x, fe], axis=1)
    return x


def _fit(model: Any, data: pd.DataFrame, cluster: bool) -> Any:
    if cluster and data["iso3"].nunique() > 1:
        groups = pd.factorize(data["iso3"])[0]
        return model.fit(cov_type="cluster", cov_kwds={"groups": groups})
    return model.fit()


def share_trend_glm(
    counts_num: pd.Series | pd.DataFrame,
    counts_den: pd.Series | pd.DataFrame | None = None,
    country_fe: bool = False,
    cluster: bool = True,
) -> TrendResult:
    """Binomial GLM of a share on a linear year trend.

    Each country-year contributes ``num`` successes and ``den - num`` failures;
    ``logit(p) = a (+ country effect) + b * (year - first year)``.

    Parameters
    ----------
    counts_num : Series or DataFrame
        Numerator by (iso3, year): a Series with that MultiIndex or a frame with iso3,
        year and one value column. Or the output of :func:`tiptrends.methods.aggregate.share_inputs`
        (columns iso3, year, num, den), with ``counts_den`` None.
    counts_den : Series or DataFrame, optional
        Denominator, same form. Country-years with a missing or non-positive denominator
        are dropped; a numerator above its denominator is an error.
    country_fe : bool
        Add country fixed effects (the trend is then within countries).
    cluster : bool
        Cluster-robust standard errors by country.

    Returns
    -------
    TrendResult
    """
    if counts_den is None:
        if not isinstance(counts_num, pd.DataFrame) or not {"num", "den"} <= set(counts_num):
            raise ValueError("give counts_den, or a frame with num and den columns")
        t = counts_num.set_index(["iso3", "year"])[["num", "den"]].astype(float)
    else:
        t = pd.concat(
            [
                _as_long(counts_num, "counts_num").rename("num"),
                _as_long(counts_den, "counts_den").rename("den"),
            ],
            axis=1,
        )
    t = t[t["den"].notna() & (t["den"] > 0)].copy()
    t["num"] = t["num"].fillna(0.0)
    if (t["num"] > t["den"] + 1e-9).any():
        raise ValueError("numerator exceeds denominator for some country-years")
    data = t.reset_index().sort_values(["iso3", "year"]).reset_index(drop=True)
    if data["year"].nunique() < 2:
        raise ValueError("need at least two years for a trend")
    year0 = float(data["year"].min())
    x = _design(data, country_fe, year0)
    endog = np.column_stack([data["num"], data["den"] - data["num"]])
    res = _fit(sm.GLM(endog, x, family=sm.families.Binomial()), data, cluster)
    b, se = float(res.params["year"]), float(res.bse["year"])
    years = np.sort(data["year"].unique())
    fe_mean = x.drop(columns=["const", "year"]).mul(data["den"], axis=0).sum() / data["den"].sum()
    rows = []
    cov = res.cov_params().to_numpy()
    for y in years:
        xv = pd.Series(0.0, index=x.columns)
        xv["const"], xv["year"] = 1.0, y - year0
        xv[fe_mean.index] = fe_mean
        lp = float(xv @ res.params)
        se_lp = float(np.sqrt(xv.to_numpy() @ cov @ xv.to_numpy()))
        g = data[data["year"] == y]
        rows.append(
            {
                "year": int(y),
                "share": float(_expit(lp)),
                "lower": float(_expit(lp - Z95 * se_lp)),
                "upper": float(_expit(lp + Z95 * se_lp)),
                "observed": float(g["num"].sum() / g["den"].sum()),
                "n_countries": g["iso3"].nunique(),
            }
        )
    return TrendResult(
        odds_ratio=float(np.exp(b)),
        or_lower=float(np.exp(b - Z95 * se)),
        or_upper=float(np.exp(b + Z95 * se)),
        p_value=float(res.pvalues["year"]),
        fitted=pd.DataFrame(rows),
        n_countries=int(data["iso3"].nunique()),
        n_obs=len(data),
        country_fe=country_fe,
        cluster=cluster,
        model=res,
    )


def _expit(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-x)))


@dataclass(frozen=True)
class CountTrendResult:
    """Log-linear trend in counts.

    Attributes
    ----------
    annual_pct_change, lower, upper : float
        Average annual % change ``100 * (exp(b) - 1)`` with its 95% CI.
    p_value : float
    family : str
    alpha : float or None
        Negative binomial dispersion (None for Poisson).
    n_countries, n_obs : int
    model : Any
        The statsmodels results object.
    """

    annual_pct_change: float
    lower: float
    upper: float
    p_value: float
    family: str
    alpha: float | None
    n_countries: int
    n_obs: int
    model: Any


def count_trend_glm(
    counts: pd.DataFrame,
    family: Literal["poisson", "negbin"] = "poisson",
    country_fe: bool = True,
    offset_population: pd.Series | None = None,
    *,
    value: str | None = None,
    cluster: bool = True,
) -> CountTrendResult:
    """Poisson or negative binomial GLM of counts on a linear year trend.

    ``log E[y] = a (+ country effect) + b * year (+ log population)``; the average annual
    percentage change is ``100 * (exp(b) - 1)``. With ``country_fe`` the trend is within
    countries, so changes in which countries report do not masquerade as a trend.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table (iso3, year and a value column).
    family : {"poisson", "negbin"}
        ``"negbin"``: dispersion ``alpha`` estimated from the Poisson fit by the
        Cameron-Trivedi auxiliary regression, then a GLM negative binomial fit.
    country_fe : bool
        Country fixed effects.
    offset_population : Series, optional
        Population by iso3, used as log offset (rates). A population constant over years
        is absorbed by country fixed effects; it matters only without them.
    value : str, optional
        Value column (default ``"Total"`` or the only category column).
    cluster : bool
        Cluster-robust standard errors by country.

    Returns
    -------
    CountTrendResult
    """
    col = _value_column(counts, value)
    data = counts[["iso3", "year", col]].rename(columns={col: "y"})
    data = data[data["y"].notna()].sort_values(["iso3", "year"]).reset_index(drop=True)
    offset = None
    if offset_population is not None:
        pop = data["iso3"].map(offset_population).astype(float)
        data = data[pop.notna() & (pop > 0)].reset_index(drop=True)
        offset = np.log(pop[pop.notna() & (pop > 0)].to_numpy())
    if data["year"].nunique() < 2:
        raise ValueError("need at least two years for a trend")
    x = _design(data, country_fe, float(data["year"].min()))
    y = data["y"].to_numpy(float)
    pois = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
    alpha = None
    if family == "poisson":
        res = _fit(sm.GLM(y, x, family=sm.families.Poisson(), offset=offset), data, cluster)
    elif family == "negbin":
        mu = pois.fittedvalues.to_numpy()
        aux = ((y - mu) ** 2 - y) / mu
        alpha = float(max(np.sum(aux * mu) / np.sum(mu * mu), 1e-8))
        nb = sm.families.NegativeBinomial(alpha=alpha)
        res = _fit(sm.GLM(y, x, family=nb, offset=offset), data, cluster)
    else:
        raise ValueError(f'family must be "poisson" or "negbin", got {family!r}')
    b, se = float(res.params["year"]), float(res.bse["year"])
    return CountTrendResult(
        annual_pct_change=100 * (np.exp(b) - 1),
        lower=100 * (np.exp(b - Z95 * se) - 1),
        upper=100 * (np.exp(b + Z95 * se) - 1),
        p_value=float(res.pvalues["year"]),
        family=family,
        alpha=alpha,
        n_countries=int(data["iso3"].nunique()),
        n_obs=len(data),
        model=res,
    )


@dataclass(frozen=True)
class BootstrapResult:
    """Country bootstrap of a figure.

    Attributes
    ----------
    estimate : float
        ``func`` on the original data.
    lower, upper : float
        Percentile interval at level ``1 - alpha`` over the finite draws.
    draws : ndarray
        One value per replicate (NaN where ``func`` returned NaN).
    n_boot : int
    seed : int or None
    """

    estimate: float
    lower: float
    upper: float
    draws: np.ndarray
    n_boot: int
    seed: int | None


def bootstrap_countries(
    counts: pd.DataFrame,
    func: Callable[[pd.DataFrame], float],
    n_boot: int = 1000,
    seed: int | None = 0,
    *,
    alpha: float = 0.05,
    column: str = "iso3",
) -> BootstrapResult:
    """Bootstrap a figure by resampling countries with replacement.

    All rows of a drawn country come along (all its years and categories). A country
    drawn k times appears k times, its copies relabelled ``ISO#2``, ``ISO#3``... so that
    functions keyed on iso3 treat them as distinct countries (lookups by iso3, e.g.
    population weights, do not find relabelled copies).

    Parameters
    ----------
    counts : DataFrame
        Any table with a country column.
    func : callable
        ``func(table) -> float``.
    n_boot : int
        Number of replicates.
    seed : int or None
        Seed of ``numpy.random.default_rng``; the same seed gives the same draws.
    alpha : float
        Interval level ``1 - alpha`` (percentile method).
    column : str
        Country column.

    Returns
    -------
    BootstrapResult
    """
    rng = np.random.default_rng(seed)
    codes, units = pd.factorize(counts[column])
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=len(units))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    labels = np.asarray(units, dtype=object)
    est = float(func(counts))
    draws = np.empty(n_boot)
    for k in range(n_boot):
        pick = np.sort(rng.integers(0, len(units), len(units)))
        copy = np.ones(len(pick), dtype=int)
        for i in range(1, len(pick)):
            if pick[i] == pick[i - 1]:
                copy[i] = copy[i - 1] + 1
        idx = np.concatenate([order[starts[u] : starts[u] + sizes[u]] for u in pick])
        names = [
            labels[u] if c == 1 else f"{labels[u]}#{c}" for u, c in zip(pick, copy, strict=True)
        ]
        sample = counts.iloc[idx].copy()
        sample[column] = np.repeat(np.asarray(names, dtype=object), sizes[pick])
        draws[k] = float(func(sample.reset_index(drop=True)))
    finite = draws[np.isfinite(draws)]
    if finite.size:
        lo, hi = np.quantile(finite, [alpha / 2, 1 - alpha / 2])
    else:
        lo = hi = float("nan")
    return BootstrapResult(est, float(lo), float(hi), draws, n_boot, seed)
