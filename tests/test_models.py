"""Tests for tiptrends.methods.models: trend GLMs recover known trends; the bootstrap is reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tiptrends.methods import aggregate as A
from tiptrends.methods import models as M
from tiptrends.vocab import DIM_FORM, FORCED_LABOUR


def logistic_panel(b: float, n_countries: int = 8, years=range(2010, 2020), seed: int = 1):
    """Expected (noise-free) counts with logit share = country effect + b * (year - 2010)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_countries):
        a = rng.normal(-0.5, 0.5)
        den = float(rng.integers(200, 2000))
        for y in years:
            p = 1 / (1 + np.exp(-(a + b * (y - 2010))))
            rows.append({"iso3": f"C{i:02d}", "year": y, "num": p * den, "den": den})
    return pd.DataFrame(rows)


# noise-free expected counts fit perfectly, which statsmodels reports as separation
pytestmark = pytest.mark.filterwarnings(
    "ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning"
)


def test_share_trend_recovers_odds_ratio_with_fe():
    panel = logistic_panel(0.1)
    r = M.share_trend_glm(panel, country_fe=True)
    assert r.odds_ratio == pytest.approx(np.exp(0.1), rel=1e-4)
    assert r.or_lower <= r.odds_ratio <= r.or_upper
    assert (r.n_countries, r.n_obs) == (8, 80)
    f = r.fitted
    assert list(f["year"]) == list(range(2010, 2020))
    assert ((f["lower"] <= f["share"]) & (f["share"] <= f["upper"])).all()
    assert f["share"].is_monotonic_increasing


def test_share_trend_series_input_and_errors():
    panel = logistic_panel(-0.2, n_countries=5)
    idx = panel.set_index(["iso3", "year"])
    r = M.share_trend_glm(idx["num"], idx["den"], country_fe=True, cluster=False)
    assert r.odds_ratio == pytest.approx(np.exp(-0.2), rel=1e-4)
    r_pooled = M.share_trend_glm(panel, country_fe=False)
    assert r_pooled.odds_ratio < 1
    assert r_pooled.fitted["observed"].iloc[0] == pytest.approx(
        panel[panel.year == 2010]["num"].sum() / panel[panel.year == 2010]["den"].sum()
    )
    bad = panel.assign(num=panel["den"] + 1)
    with pytest.raises(ValueError, match="exceeds"):
        M.share_trend_glm(bad)
    with pytest.raises(ValueError, match="two years"):
        M.share_trend_glm(panel[panel.year == 2010])


def count_panel(g: float, years=range(2012, 2022)):
    rows = []
    for i, base in enumerate([50.0, 400.0, 3000.0, 120.0]):
        for y in years:
            rows.append({"iso3": f"C{i}", "year": y, "Total": base * (1 + g) ** (y - 2012)})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("family", ["poisson", "negbin"])
def test_count_trend_recovers_growth(family):
    r = M.count_trend_glm(count_panel(0.05), family=family)
    assert r.annual_pct_change == pytest.approx(5.0, rel=1e-3)
    assert r.lower <= r.annual_pct_change <= r.upper
    assert r.n_countries == 4 and r.n_obs == 40


def test_count_trend_with_population_offset():
    c = count_panel(0.0)
    pop = pd.Series({"C0": 1e5, "C1": 8e5, "C2": 6e6, "C3": 2.4e5})
    r = M.count_trend_glm(c, country_fe=False, offset_population=pop)
    assert r.annual_pct_change == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="family"):
        M.count_trend_glm(c, family="gamma")


def test_bootstrap_reproducible_and_relabels():
    c = pd.DataFrame({"iso3": list("ABCDE"), "Total": [1.0, 2.0, 3.0, 4.0, 10.0]})
    r1 = M.bootstrap_countries(c, lambda d: d["Total"].sum(), n_boot=50, seed=3)
    r2 = M.bootstrap_countries(c, lambda d: d["Total"].sum(), n_boot=50, seed=3)
    assert np.array_equal(r1.draws, r2.draws) and r1.estimate == 20
    assert r1.lower <= r1.estimate <= r1.upper
    sizes = M.bootstrap_countries(c, lambda d: d["iso3"].nunique(), n_boot=20, seed=0).draws
    assert (sizes == 5).all()  # copies of a country count as distinct countries


def test_real_models_smoke(glotip_2025):
    df = glotip_2025
    forms = A.country_year_counts(df, dimension=DIM_FORM)
    units = A.share_inputs(forms, [FORCED_LABOUR])
    # Without fixed effects the design is two columns: fast even when OpenBLAS threads
    # compete on a loaded machine (fixed effects are tested on the hand-made panels above).
    units = units[units["year"].between(2012, 2022)]
    r = M.share_trend_glm(units, country_fe=False)
    assert 0.5 < r.odds_ratio < 2 and r.n_countries > 80
    tot = A.country_year_counts(df)
    ct = M.count_trend_glm(tot[tot["year"].between(2012, 2022)], family="negbin", country_fe=False)
    assert np.isfinite(ct.annual_pct_change) and ct.lower < ct.upper
    b = M.bootstrap_countries(
        tot[tot["year"] == 2022], lambda d: d["Total"].sum(), n_boot=20, seed=1
    )
    assert b.lower <= b.estimate <= b.upper


# --------------------------------------------------------------------------- standard errors
def _hand_sandwich(x: np.ndarray, y: np.ndarray, weight, score, groups: np.ndarray, beta0):
    """Newton-Raphson MLE and the cluster-robust sandwich, written out in numpy.

    ``weight(mu)`` is the diagonal of the information matrix, ``score(mu)`` the residual each
    row's score is ``x`` times. Covariance: ``G/(G-1) * (N-1)/(N-K) * B^-1 M B^-1`` with
    ``B = X' W X`` and ``M`` the sum over clusters of the outer products of the summed scores
    (the small-sample correction Stata and statsmodels apply by default).
    """
    beta = np.array(beta0, dtype=float)
    for _ in range(100):
        eta = x @ beta
        beta = beta + np.linalg.solve(x.T @ (weight(eta)[:, None] * x), x.T @ score(eta))
    eta = x @ beta
    bread = np.linalg.inv(x.T @ (weight(eta)[:, None] * x))
    scores = x * score(eta)[:, None]
    meat = sum(
        np.outer(scores[groups == g].sum(0), scores[groups == g].sum(0)) for g in set(groups)
    )
    n_groups, n_obs, k = len(set(groups)), len(x), x.shape[1]
    cov = bread @ meat @ bread * n_groups / (n_groups - 1) * (n_obs - 1) / (n_obs - k)
    return beta, np.sqrt(np.diag(cov)), np.sqrt(np.diag(bread))


def test_share_trend_standard_errors_are_the_cluster_robust_sandwich():
    t = pd.DataFrame(
        [
            ("AAA", 2010, 10, 100), ("AAA", 2011, 30, 120), ("AAA", 2012, 20, 80),
            ("BBB", 2010, 50, 200), ("BBB", 2011, 40, 100), ("BBB", 2012, 90, 150),
            ("CCC", 2010, 5, 60), ("CCC", 2011, 12, 50), ("CCC", 2012, 9, 40),
            ("DDD", 2010, 25, 50), ("DDD", 2011, 20, 60), ("DDD", 2012, 45, 70),
        ],
        columns=["iso3", "year", "num", "den"],
    )  # fmt: skip
    x = np.column_stack([np.ones(len(t)), t["year"] - 2010.0])
    num, den = t["num"].to_numpy(float), t["den"].to_numpy(float)

    def p(eta):
        return 1 / (1 + np.exp(-eta))

    beta, se, se_plain = _hand_sandwich(
        x, num, lambda e: den * p(e) * (1 - p(e)), lambda e: num - den * p(e),
        t["iso3"].to_numpy(), [0.0, 0.0],
    )  # fmt: skip
    assert beta[1] == pytest.approx(0.603284620, abs=1e-8)  # Newton on the table above
    assert se[1] == pytest.approx(0.085509145, abs=1e-8)  # clustered; plain would be 0.0811
    assert se_plain[1] == pytest.approx(0.081128433, abs=1e-8)
    # statsmodels' CR1 with normal intervals (the CR2 default is tested in test_models_inference)
    r = M.share_trend_glm(t, country_fe=False, se_type="cr1")
    z = 1.959963984540054
    assert r.odds_ratio == pytest.approx(np.exp(beta[1]), rel=1e-9)
    assert r.or_lower == pytest.approx(np.exp(beta[1] - z * se[1]), rel=1e-9)
    assert r.or_upper == pytest.approx(np.exp(beta[1] + z * se[1]), rel=1e-9)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(beta[1] / se[1]), rel=1e-6)
    plain = M.share_trend_glm(t, country_fe=False, cluster=False)
    assert plain.or_upper == pytest.approx(np.exp(beta[1] + z * se_plain[1]), rel=1e-6)
    assert plain.or_upper != pytest.approx(r.or_upper, rel=1e-3)


@pytest.mark.parametrize("country_fe", [False, True])
def test_count_trend_standard_errors_are_the_cluster_robust_sandwich(country_fe):
    c = pd.DataFrame(
        [
            ("AAA", 2010, 12), ("AAA", 2011, 30), ("AAA", 2012, 21), ("AAA", 2013, 40),
            ("BBB", 2010, 200), ("BBB", 2011, 150), ("BBB", 2012, 260), ("BBB", 2013, 240),
            ("CCC", 2010, 5), ("CCC", 2011, 9), ("CCC", 2012, 4), ("CCC", 2013, 15),
        ],
        columns=["iso3", "year", "Total"],
    )  # fmt: skip
    columns = [np.ones(len(c)), c["year"] - 2010.0]
    if country_fe:
        columns += [(c["iso3"] == g).to_numpy(float) for g in ("BBB", "CCC")]
    x = np.column_stack(columns)
    y = c["Total"].to_numpy(float)
    start = [np.log(y.mean())] + [0.0] * (x.shape[1] - 1)
    beta, se, se_plain = _hand_sandwich(
        x, y, np.exp, lambda e: y - np.exp(e), c["iso3"].to_numpy(), start
    )
    # the same trend with or without country effects (4 years each), different errors
    assert beta[1] == pytest.approx(0.134559804, abs=1e-8)
    assert se[1] == pytest.approx(0.041012091 if country_fe else 0.036682329, abs=1e-8)
    assert se_plain[1] == pytest.approx(0.028703558, abs=1e-8)
    r = M.count_trend_glm(c, family="poisson", country_fe=country_fe)
    z = 1.959963984540054
    assert r.annual_pct_change == pytest.approx(100 * (np.exp(beta[1]) - 1), rel=1e-9)
    assert r.lower == pytest.approx(100 * (np.exp(beta[1] - z * se[1]) - 1), rel=1e-9)
    assert r.upper == pytest.approx(100 * (np.exp(beta[1] + z * se[1]) - 1), rel=1e-9)
