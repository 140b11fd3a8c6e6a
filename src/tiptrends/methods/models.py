"""Trend models for shares and counts, and a country bootstrap.

All standard errors are clustered by country by default: yearly observations of one
country are not independent, and clustering also absorbs the overdispersion of the
binomial / Poisson likelihoods on counts of this size.

Few effective clusters. A share pooled over victims is dominated by the few countries that
detect most victims, so 139 clusters may carry the information of a dozen, and the usual
cluster-robust (CR1) standard errors are then too small. :func:`share_trend_glm` therefore
reports the effective number of clusters (:func:`effective_clusters`) and, by default,
builds its intervals from the bias-reduced CR2 sandwich of Bell and McCaffrey (2002, in the
form of Pustejovsky and Tipton 2018, which allows fixed effects) with a t distribution on
the Bell-McCaffrey degrees of freedom (``df_type="bm"``, which fall with the effective
number of clusters) or on G - 1 (``df_type="clusters"``), G the number of clusters. For a GLM the sandwich is that of the
final IRLS step: the working design ``W^(1/2) X`` and the Pearson residuals
``(y - mu) / W^(1/2)``, with ``W`` the binomial variance ``den * p * (1 - p)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from tiptrends.methods.aggregate import (
    ResampleMemo,
    ShareCall,
    _value_column,
    recorded_shares,
    replicate_shares,
)


@functools.cache
def _z95() -> float:
    """The two-sided 95% normal quantile (scipy imported where it serves)."""
    from scipy import stats

    return float(stats.norm.ppf(0.975))


def __getattr__(name: str) -> float:
    if name == "Z95":  # the 95% normal quantile, computed on first use
        return _z95()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def spearman(x: pd.Series | np.ndarray, y: pd.Series | np.ndarray) -> tuple[float, float]:
    """Spearman's rank correlation of two samples and its two-sided p-value.

    As :func:`scipy.stats.spearmanr` computes them (the Pearson correlation of the average
    ranks; ``t = rho * sqrt((n - 2) / ((1 + rho)(1 - rho)))`` referred to Student's t with
    n - 2 degrees of freedom), without importing :mod:`scipy.stats` (half a second of a
    chapter's kernel). NaN, NaN when a sample holds a missing value or is constant.

    Examples
    --------
    >>> rho, p = spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    >>> round(rho, 3), round(p, 3)
    (0.8, 0.104)
    """
    from scipy.special import stdtr

    a = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    if len(a) < 3 or np.isnan(a).any() or (a == a[0]).all(axis=0).any():
        return float("nan"), float("nan")
    ranked = np.column_stack([pd.Series(a[:, i]).rank(method="average") for i in range(2)])
    rs = np.corrcoef(ranked, rowvar=False)
    dof = len(a) - 2
    with np.errstate(divide="ignore"):  # rho = 1 on the diagonal
        t = rs * np.sqrt((dof / ((rs + 1.0) * (1.0 - rs))).clip(0))
    return float(rs[1, 0]), float(2 * stdtr(dof, -np.abs(t[1, 0])))


def theil_sen(
    y: pd.Series | np.ndarray, x: pd.Series | np.ndarray, alpha: float = 0.95
) -> tuple[float, float, float, float]:
    """Theil-Sen slope of ``y`` on ``x``, its intercept and the slope's confidence interval.

    As :func:`scipy.stats.theilslopes` computes them (method ``"separate"``: the median of
    the pairwise slopes, ``median(y) - slope * median(x)``, and Sen's (1968) interval with
    the tie correction), without importing :mod:`scipy.stats`.

    Returns
    -------
    tuple of float
        ``slope, intercept, low_slope, high_slope``.

    Examples
    --------
    >>> theil_sen([1.0, 2.0, 2.5, 4.0, 5.5], [1, 2, 3, 4, 5])
    (1.0625, -0.6875, 0.5, 1.5)
    """
    from scipy.special import ndtri

    y = np.array(y, dtype=float, copy=True).ravel()
    x = np.array(x, dtype=float, copy=True).ravel()
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("x and y must have one and the same length, at least 2")
    deltax = x[:, np.newaxis] - x
    deltay = y[:, np.newaxis] - y
    slopes = deltay[deltax > 0] / deltax[deltax > 0]
    slopes.sort()
    medslope = np.median(slopes)
    medinter = np.median(y) - medslope * np.median(x)
    if alpha > 0.5:
        alpha = 1.0 - alpha
    z = ndtri(alpha / 2.0)
    nxreps, nyreps = _repeats(x), _repeats(y)
    nt, ny = len(slopes), len(y)
    # Sen (1968), equation 2.6, in scipy's order of operations
    sigsq = (
        1
        / 18.0
        * (
            ny * (ny - 1) * (2 * ny + 5)
            - sum(k * (k - 1) * (2 * k + 5) for k in nxreps)
            - sum(k * (k - 1) * (2 * k + 5) for k in nyreps)
        )
    )
    try:
        sigma = np.sqrt(sigsq)
        upper = min(int(np.round((nt - z * sigma) / 2.0)), len(slopes) - 1)
        lower = max(int(np.round((nt + z * sigma) / 2.0)) - 1, 0)
        low, high = slopes[[lower, upper]]
    except (ValueError, IndexError):
        low, high = np.nan, np.nan
    return float(medslope), float(medinter), float(low), float(high)


def _repeats(values: np.ndarray) -> np.ndarray:
    """How many times each repeated value occurs (values seen once left out)."""
    arr = np.sort(np.asarray(values, dtype=np.float64).ravel())
    if not arr.size:
        return np.array([], dtype=np.intp)
    change = np.concatenate(([True], arr[1:] != arr[:-1]))
    freq = np.diff(np.concatenate([np.flatnonzero(change), [arr.size]]))
    return freq[freq > 1]


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
        Odds ratio per year with its 95% CI (standard errors ``se_type``; critical value
        of t(``df``) for CR2, of the normal otherwise).
    p_value : float
        Two-sided, same standard errors and reference distribution.
    fitted : DataFrame
        ``year, share, lower, upper, observed, n_countries``: fitted share per year, its
        95% CI, and the observed pooled share. ``fitted_kind`` says which share:
        ``"marginal"``, the victim-weighted average over countries of each country's
        fitted share (what the pooled share would be if every country kept its weight),
        or ``"conditional"``, the share of one country whose effect is the weighted
        average of the country effects (with country effects the two differ: the
        logistic curve of an average country is not the average of the curves).
    n_countries, n_obs : int
    country_fe, cluster : bool
    model : Any
        The statsmodels results object (its covariance is statsmodels' CR1 when
        ``cluster``).
    se_type : str
        ``"cr2"``, ``"cr1"`` (statsmodels' cluster-robust) or ``"model"``.
    se_year : float
        Standard error of the yearly log odds ratio used for the interval.
    df : float
        Degrees of freedom of the reference t distribution (inf: normal).
    effective_clusters : float
        Carter-Schnepel-Steigerwald G* for the year coefficient (see
        :func:`effective_clusters`); NaN without clustering.
    effective_clusters_herfindahl : float
        ``1 / sum_g v_g^2``, ``v_g`` the cluster's share of the denominators (victims).
    fitted_kind : str
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
    se_type: str = "cr1"
    se_year: float = float("nan")
    df: float = float("inf")
    effective_clusters: float = float("nan")
    effective_clusters_herfindahl: float = float("nan")
    fitted_kind: str = "conditional"


def cr2_vcov(x_work: np.ndarray, resid_work: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Bias-reduced cluster-robust covariance (CR2, Bell and McCaffrey 2002).

    ``V = H^-1 (sum_g X_g' A_g e_g e_g' A_g X_g) H^-1`` with ``H = X'X`` and
    ``A_g = (I - X_g H^-1 X_g')^(+1/2)``, the symmetric square root of the Moore-Penrose
    inverse (Pustejovsky and Tipton 2018: with fixed effects ``I - P_gg`` is singular).

    Parameters
    ----------
    x_work : ndarray (n, k)
        Design (for a GLM, the working design ``W^(1/2) X``).
    resid_work : ndarray (n,)
        Residuals (for a GLM, the Pearson residuals).
    groups : ndarray (n,)
        Cluster labels.

    Returns
    -------
    ndarray (k, k)
    """
    x = np.asarray(x_work, float)
    e = np.asarray(resid_work, float)
    h_inv = np.linalg.pinv(x.T @ x)
    meat = np.zeros((x.shape[1], x.shape[1]))
    for g in pd.unique(np.asarray(groups)):
        idx = np.flatnonzero(np.asarray(groups) == g)
        xg = x[idx]
        m = np.eye(len(idx)) - xg @ h_inv @ xg.T
        vals, vecs = np.linalg.eigh((m + m.T) / 2)
        inv_sqrt = np.where(vals > 1e-10, 1.0 / np.sqrt(np.clip(vals, 1e-10, None)), 0.0)
        a = (vecs * inv_sqrt) @ vecs.T
        u = xg.T @ (a @ e[idx])
        meat += np.outer(u, u)
    return h_inv @ meat @ h_inv


def bell_mccaffrey_df(x_work: np.ndarray, groups: np.ndarray, coefficient: int) -> float:
    """Satterthwaite degrees of freedom of a CR2 t statistic (Bell and McCaffrey 2002).

    With ``M = I - X H^-1 X'`` and, for each cluster ``g``, the column
    ``q_g = M[:, g] A_g X_g H^-1 a`` (``a`` selecting the coefficient, ``A_g`` as in
    :func:`cr2_vcov`), ``df = tr(Q'Q)^2 / tr((Q'Q)^2)`` (Imbens and Kolesar 2016), under
    homoskedastic working errors. Few dominant clusters give few degrees of freedom
    whatever the number of clusters.

    Returns
    -------
    float
    """
    x = np.asarray(x_work, float)
    labels = np.asarray(groups)
    h_inv = np.linalg.pinv(x.T @ x)
    m_full = np.eye(len(x)) - x @ h_inv @ x.T
    cols = []
    for g in pd.unique(labels):
        idx = np.flatnonzero(labels == g)
        xg = x[idx]
        m = m_full[np.ix_(idx, idx)]
        vals, vecs = np.linalg.eigh((m + m.T) / 2)
        inv_sqrt = np.where(vals > 1e-10, 1.0 / np.sqrt(np.clip(vals, 1e-10, None)), 0.0)
        a = (vecs * inv_sqrt) @ vecs.T
        cols.append(m_full[:, idx] @ (a @ (xg @ h_inv[:, coefficient])))
    q = np.column_stack(cols)
    qq = q.T @ q
    return float(np.trace(qq) ** 2 / np.sum(qq * qq))


def effective_clusters(
    x_work: np.ndarray, groups: np.ndarray, coefficient: int, rho: float = 0.0
) -> float:
    """Effective number of clusters G* of Carter, Schnepel and Steigerwald (2017).

    ``G* = G / (1 + Gamma)``, ``Gamma = mean_g((gamma_g - mean gamma)^2) / (mean gamma)^2``
    with ``gamma_g = a' H^-1 X_g' Omega_g X_g H^-1 a``, ``a`` selecting the coefficient,
    ``H = X'X`` and ``Omega_g = (1 - rho) I + rho 1 1'`` (``rho`` the within-cluster
    correlation of the errors; 0: independent, the measure of cluster heterogeneity alone).
    Equal clusters give ``G* = G``; one dominant cluster gives ``G*`` near 1.

    Parameters
    ----------
    x_work : ndarray (n, k)
        Design (for a GLM, the working design ``W^(1/2) X``).
    groups : ndarray (n,)
        Cluster labels.
    coefficient : int
        Column of the coefficient of interest.
    rho : float
        Within-cluster correlation, in [0, 1].

    Returns
    -------
    float
    """
    if not 0.0 <= rho <= 1.0:
        raise ValueError(f"rho must be in [0, 1], got {rho}")
    x = np.asarray(x_work, float)
    r = x @ np.linalg.pinv(x.T @ x)[:, coefficient]
    labels = np.asarray(groups)
    gam = []
    for g in pd.unique(labels):
        rg = r[labels == g]
        gam.append((1 - rho) * float(rg @ rg) + rho * float(rg.sum()) ** 2)
    gam_arr = np.asarray(gam)
    mean = gam_arr.mean()
    if mean <= 0:
        return float("nan")
    big_gamma = float(np.mean((gam_arr - mean) ** 2) / mean**2)
    return float(len(gam_arr) / (1 + big_gamma))


def herfindahl_clusters(weights: pd.Series | np.ndarray, groups: np.ndarray) -> float:
    """``1 / sum_g v_g^2`` with ``v_g`` the cluster's share of the total weight."""
    w = pd.Series(np.asarray(weights, float)).groupby(np.asarray(groups)).sum()
    v = w / w.sum()
    return float(1.0 / np.sum(v**2))


def _statsmodels_glm() -> tuple[Any, Any]:
    """statsmodels' GLM class and its families, imported when a model is fitted (the GLM
    module alone: ``statsmodels.api`` would load every model, a quarter more time)."""
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    return GLM, families


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
    *,
    se_type: Literal["cr2", "cr1"] = "cr2",
    df_type: Literal["bm", "clusters"] = "bm",
    fitted: Literal["marginal", "conditional"] = "marginal",
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
    se_type : {"cr2", "cr1"}
        With ``cluster``: CR2 standard errors and t(G - 1) intervals (the default, see the
        module docstring), or statsmodels' CR1 with normal intervals. Ignored without
        clustering (model-based standard errors, normal intervals).
    df_type : {"bm", "clusters"}
        Degrees of freedom of the t reference for CR2: Bell-McCaffrey
        (:func:`bell_mccaffrey_df`, small when a few countries dominate) or G - 1.
    fitted : {"marginal", "conditional"}
        Which fitted share to report (see :class:`TrendResult`).

    Returns
    -------
    TrendResult

    Examples
    --------
    Is the forced-labour share of detected victims (known form) rising, 2012-2022?

    >>> from tiptrends import vocab
    >>> from tiptrends.io.data import load_glotip
    >>> from tiptrends.io.exclusions import apply_exclusions, load_exclusions
    >>> from tiptrends.methods.aggregate import country_year_counts, share_inputs
    >>> victims, _ = apply_exclusions(load_glotip(release="2025"), load_exclusions())
    >>> forms = country_year_counts(victims, dimension=vocab.DIM_FORM)
    >>> units = share_inputs(forms, [vocab.FORCED_LABOUR])
    >>> trend = share_trend_glm(units[units["year"].between(2012, 2022)])
    >>> round(trend.odds_ratio, 3), round(trend.or_lower, 3), round(trend.or_upper, 3)
    (0.983, 0.886, 1.091)
    >>> trend.n_countries, trend.n_obs
    (139, 843)
    """
    if se_type not in ("cr2", "cr1"):
        raise ValueError(f'se_type must be "cr2" or "cr1", got {se_type!r}')
    if df_type not in ("bm", "clusters"):
        raise ValueError(f'df_type must be "bm" or "clusters", got {df_type!r}')
    if fitted not in ("marginal", "conditional"):
        raise ValueError(f'fitted must be "marginal" or "conditional", got {fitted!r}')
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
    glm, families = _statsmodels_glm()
    res = _fit(glm(endog, x, family=families.Binomial()), data, cluster)
    xm = x.to_numpy(float)
    beta = res.params.to_numpy(float)
    p_hat = _expit_arr(xm @ beta)
    w = data["den"].to_numpy(float) * p_hat * (1 - p_hat)
    sw = np.sqrt(w)
    x_work = xm * sw[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        pearson = np.where(
            w > 1e-12, (data["num"].to_numpy(float) - data["den"].to_numpy(float) * p_hat) / sw, 0.0
        )
    groups = pd.factorize(data["iso3"])[0]
    n_clusters = int(data["iso3"].nunique())
    year_col = list(x.columns).index("year")
    clustered = cluster and n_clusters > 1
    if clustered and se_type == "cr2":
        cov = cr2_vcov(x_work, pearson, groups)
        df = (
            bell_mccaffrey_df(x_work, groups, year_col)
            if df_type == "bm"
            else float(n_clusters - 1)
        )
        used = "cr2"
    else:
        cov = res.cov_params().to_numpy()
        df = float("inf")
        used = "cr1" if clustered else "model"
    from scipy import stats

    crit = float(stats.t.ppf(0.975, df)) if np.isfinite(df) else _z95()
    b, se = float(res.params["year"]), float(np.sqrt(cov[year_col, year_col]))
    p_value = float(
        2 * (stats.t.sf(abs(b / se), df) if np.isfinite(df) else stats.norm.sf(abs(b / se)))
    )
    g_star = effective_clusters(x_work, groups, year_col) if clustered else float("nan")
    g_herf = herfindahl_clusters(data["den"], groups) if clustered else float("nan")
    years = np.sort(data["year"].unique())
    fe_cols = [c for c in x.columns if c not in ("const", "year")]
    country_w = data.groupby("iso3", sort=True)["den"].sum()
    rows_x = x.assign(iso3=data["iso3"].to_numpy()).drop_duplicates("iso3").set_index("iso3")
    rows_x = rows_x.loc[country_w.index, list(x.columns)]
    cw = (country_w / country_w.sum()).to_numpy()
    rows = []
    for y in years:
        if fitted == "conditional" or not fe_cols:
            xv = pd.Series(0.0, index=x.columns)
            xv["const"], xv["year"] = 1.0, y - year0
            fe_mean = x[fe_cols].mul(data["den"], axis=0).sum() / data["den"].sum()
            xv[fe_cols] = fe_mean
            lp = float(xv @ res.params)
            se_lp = float(np.sqrt(xv.to_numpy() @ cov @ xv.to_numpy()))
        else:
            xc = rows_x.to_numpy(float).copy()
            xc[:, year_col] = y - year0
            pc = _expit_arr(xc @ beta)
            m = float(cw @ pc)
            grad = (cw * pc * (1 - pc)) @ xc
            se_m = float(np.sqrt(grad @ cov @ grad))
            lp = float(np.log(m / (1 - m)))
            se_lp = se_m / (m * (1 - m))
        g = data[data["year"] == y]
        rows.append(
            {
                "year": int(y),
                "share": float(_expit(lp)),
                "lower": float(_expit(lp - crit * se_lp)),
                "upper": float(_expit(lp + crit * se_lp)),
                "observed": float(g["num"].sum() / g["den"].sum()),
                "n_countries": g["iso3"].nunique(),
            }
        )
    return TrendResult(
        odds_ratio=float(np.exp(b)),
        or_lower=float(np.exp(b - crit * se)),
        or_upper=float(np.exp(b + crit * se)),
        p_value=p_value,
        fitted=pd.DataFrame(rows),
        n_countries=n_clusters,
        n_obs=len(data),
        country_fe=country_fe,
        cluster=cluster,
        model=res,
        se_type=used,
        se_year=se,
        df=df,
        effective_clusters=g_star,
        effective_clusters_herfindahl=g_herf,
        fitted_kind=fitted,
    )


def _expit_arr(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


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
    glm, families = _statsmodels_glm()
    pois = glm(y, x, family=families.Poisson(), offset=offset).fit()
    alpha = None
    if family == "poisson":
        res = _fit(glm(y, x, family=families.Poisson(), offset=offset), data, cluster)
    elif family == "negbin":
        mu = pois.fittedvalues.to_numpy()
        aux = ((y - mu) ** 2 - y) / mu
        alpha = float(max(np.sum(aux * mu) / np.sum(mu * mu), 1e-8))
        nb = families.NegativeBinomial(alpha=alpha)
        res = _fit(glm(y, x, family=nb, offset=offset), data, cluster)
    else:
        raise ValueError(f'family must be "poisson" or "negbin", got {family!r}')
    b, se = float(res.params["year"]), float(res.bse["year"])
    return CountTrendResult(
        annual_pct_change=100 * (np.exp(b) - 1),
        lower=100 * (np.exp(b - _z95() * se) - 1),
        upper=100 * (np.exp(b + _z95() * se) - 1),
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
    vectorised : bool
        The replicates were computed at once from the units of the figure's share
        (``share_scale`` of :func:`bootstrap_countries`), not by calling ``func`` on each.
    """

    estimate: float
    lower: float
    upper: float
    draws: np.ndarray
    n_boot: int
    seed: int | None
    vectorised: bool = False


COPY_SEPARATOR = "#"
"""Separator of a relabelled bootstrap copy: the second draw of ``PAK`` is ``PAK#2``."""


def original_label(label: str) -> str:
    """The country code of a relabelled bootstrap copy (``"PAK#2"`` -> ``"PAK"``)."""
    return str(label).split(COPY_SEPARATOR, 1)[0]


def relabelled_lookup(lookup: pd.Series, labels: pd.Series | pd.Index | np.ndarray) -> pd.Series:
    """Extend a lookup by country code to the relabelled copies of a bootstrap sample.

    Parameters
    ----------
    lookup : Series
        Values by country code (e.g. population by iso3).
    labels : array-like
        Country labels of a sample (``"PAK"``, ``"PAK#2"``...).

    Returns
    -------
    Series
        ``lookup`` plus one entry per relabelled copy, holding its original's value (a
        copy of a country absent from ``lookup`` stays absent).
    """
    extra = {}
    for label in pd.unique(np.asarray(labels, dtype=object)):
        base = original_label(label)
        if label != base and base in lookup.index:
            extra[label] = lookup[base]
    if not extra:
        return lookup
    return pd.concat([lookup, pd.Series(extra, dtype=lookup.dtype)])


def bootstrap_countries(
    counts: pd.DataFrame,
    func: Callable[..., float],
    n_boot: int = 1000,
    seed: int | None = 0,
    *,
    alpha: float = 0.05,
    column: str = "iso3",
    lookups: Mapping[str, pd.Series] | None = None,
    share_scale: float | None = None,
) -> BootstrapResult:
    """Bootstrap a figure by resampling countries with replacement.

    All rows of a drawn country come along (all its years and categories). A country
    drawn k times appears k times, its copies relabelled ``ISO#2``, ``ISO#3``... so that
    functions keyed on iso3 treat them as distinct countries. Values looked up by country
    code (population weights, regions...) must then be found for the copies too: pass them
    as ``lookups`` and ``func`` receives them, extended to the copies by
    :func:`relabelled_lookup`, as keyword arguments (``func(sample, population=...)``).
    A lookup captured inside ``func`` instead would miss every copy.

    A figure that is a share of :func:`tiptrends.methods.aggregate.aggregate_share` (times
    ``share_scale``, e.g. 100 for a percentage) need not be evaluated on each replicate:
    a replicate's units are the drawn countries' units, each as often as it is drawn. With
    ``share_scale``, ``func`` is evaluated once on ``counts`` while its share calls are
    recorded; if it made one call, with weights that do not depend on the table, and
    returned ``share_scale`` times that call's share, every replicate is computed from the
    call's units at once (:func:`~tiptrends.methods.aggregate.replicate_shares`), and the
    replicate with the most copies is checked against ``func`` on its sample (relative
    1e-12). Otherwise ``func`` is evaluated on every replicate. The draws are the same
    either way.

    Parameters
    ----------
    counts : DataFrame
        Any table with a country column.
    func : callable
        ``func(table) -> float``, or ``func(table, **lookups) -> float``.
    n_boot : int
        Number of replicates.
    seed : int or None
        Seed of ``numpy.random.default_rng``; the same seed gives the same draws.
    alpha : float
        Interval level ``1 - alpha`` (percentile method).
    column : str
        Country column.
    lookups : mapping of str to Series, optional
        Values by country code passed to ``func`` as keyword arguments, extended to the
        relabelled copies of each replicate.
    share_scale : float, optional
        ``func`` is this multiple of a share (see above); None: evaluate every replicate.

    Returns
    -------
    BootstrapResult
    """
    lookups = dict(lookups or {})
    rng = np.random.default_rng(seed)
    codes, units = pd.factorize(counts[column])
    # every replicate's countries in one matrix: row k holds the k-th of n_boot successive
    # rng.integers(0, n, n) draws (the generator fills the matrix row by row)
    picks = np.sort(rng.integers(0, len(units), (n_boot, len(units))), axis=1)
    with recorded_shares() as calls:
        est = float(func(counts, **lookups))
    replicate = _Replicates(counts, func, column, lookups, codes, units)
    draws = None
    if share_scale is not None and n_boot:
        draws = _share_draws(calls, est, share_scale, picks, units, column)
        # checked on the replicate with the most copies (what a lookup missing them changes)
        k = int(np.argmax((np.diff(picks, axis=1) == 0).sum(axis=1))) if len(units) else 0
        if draws is not None and not _agree(replicate(picks[k]), draws[k]):
            draws = None
    vectorised = draws is not None
    if draws is None:
        draws = np.array([replicate(pick) for pick in picks], dtype=float)
    finite = draws[np.isfinite(draws)]
    if finite.size:
        lo, hi = np.quantile(finite, [alpha / 2, 1 - alpha / 2])
    else:
        lo = hi = float("nan")
    return BootstrapResult(est, float(lo), float(hi), draws, n_boot, seed, vectorised)


class _Replicates:
    """``func`` on the sample of one replicate (its sorted country picks), as a callable.

    Counts tables of the drawn countries come from a per-country memo (exact, see
    :class:`tiptrends.methods.aggregate.ResampleMemo`): replicates differ only in which
    countries they repeat.
    """

    def __init__(
        self,
        counts: pd.DataFrame,
        func: Callable[..., float],
        column: str,
        lookups: Mapping[str, pd.Series],
        codes: np.ndarray,
        units: pd.Index,
    ) -> None:
        self.counts, self.func, self.column, self.lookups = counts, func, column, lookups
        self.order = np.argsort(codes, kind="stable")
        self.sizes = np.bincount(codes, minlength=len(units))
        self.starts = np.concatenate([[0], np.cumsum(self.sizes)[:-1]]).astype(int)
        self.labels = np.asarray(units, dtype=object)
        self.memo = ResampleMemo(counts, column)

    def __call__(self, pick: np.ndarray) -> float:
        copy = np.ones(len(pick), dtype=int)
        for i in range(1, len(pick)):
            if pick[i] == pick[i - 1]:
                copy[i] = copy[i - 1] + 1
        idx = np.concatenate(
            [self.order[self.starts[u] : self.starts[u] + self.sizes[u]] for u in pick]
        )
        names = [
            self.labels[u] if c == 1 else f"{self.labels[u]}{COPY_SEPARATOR}{c}"
            for u, c in zip(pick, copy, strict=True)
        ]
        sample = self.counts.iloc[idx].reset_index(drop=True)
        sample[self.column] = np.repeat(np.asarray(names, dtype=object), self.sizes[pick])
        extended = {k: relabelled_lookup(v, sample[self.column]) for k, v in self.lookups.items()}
        with self.memo:
            return float(self.func(self.memo.tag(sample, idx), **extended))


def _share_draws(
    calls: list[ShareCall],
    estimate: float,
    scale: float,
    picks: np.ndarray,
    units: pd.Index,
    column: str,
) -> np.ndarray | None:
    """Every replicate of a figure that is ``scale`` times its one recorded share, from the
    share's units; None when the figure is not that (see :func:`bootstrap_countries`)."""
    if len(calls) != 1 or not calls[0].fixed_weights:
        return None
    call = calls[0]
    found = call.units
    if column not in found.columns or found.get("year", pd.Series(dtype=int)).nunique() > 1:
        return None
    if not _agree(estimate, scale * call.result.share):
        return None
    country = pd.Index(units).get_indexer(found[column])
    if (country < 0).any():
        return None
    n_boot, n = picks.shape
    drawn = np.zeros((n_boot, n))
    np.add.at(drawn, (np.repeat(np.arange(n_boot), n), picks.ravel()), 1.0)
    shares = replicate_shares(
        found,
        drawn[:, country],
        call.method,  # type: ignore[arg-type]
        call.weights,
        call.region_weights,
        call.region_column,
    )
    return scale * shares


def _agree(a: float, b: float, rtol: float = 1e-12) -> bool:
    """Equal to ``rtol`` (relative), or both NaN."""
    if np.isnan(a) or np.isnan(b):
        return bool(np.isnan(a) and np.isnan(b))
    return bool(abs(a - b) <= rtol * max(abs(a), abs(b)))
