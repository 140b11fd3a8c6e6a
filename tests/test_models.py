"""Tests for tiptrends.methods.models: trend GLMs recover known trends; the bootstrap is reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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
