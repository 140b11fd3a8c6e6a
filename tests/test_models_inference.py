"""Inference in tiptrends.methods.models: effective clusters, small-sample intervals,
marginal fitted shares, and population lookups in the country bootstrap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tiptrends.methods import aggregate as A
from tiptrends.methods import models as M

POPULATION = pd.Series({"A": 1.0, "B": 10.0, "C": 100.0})


def _three_countries() -> pd.DataFrame:
    return pd.DataFrame(
        {"iso3": ["A", "B", "C"], "year": 2022, "num": [1.0, 2.0, 3.0], "den": 10.0}
    )


def _expected_picks(seed: int, n_boot: int, n: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [np.sort(rng.integers(0, n, n)) for _ in range(n_boot)]


def test_relabelled_lookup_and_original_label() -> None:
    assert M.original_label("PAK#2") == "PAK" and M.original_label("PAK") == "PAK"
    ext = M.relabelled_lookup(POPULATION, pd.Series(["A", "A#2", "C", "C#2", "Z#2"]))
    assert ext["A#2"] == 1.0 and ext["C#2"] == 100.0
    assert "Z#2" not in ext.index  # no original, no value
    assert M.relabelled_lookup(POPULATION, ["A", "B"]) is POPULATION


def test_bootstrap_population_lookup_reaches_copies() -> None:
    units = _three_countries()
    picks = _expected_picks(7, 50, 3)
    assert any(len(set(p)) < 3 for p in picks)  # some replicates hold copies

    def total_population(t: pd.DataFrame, population: pd.Series) -> float:
        return float(t["iso3"].map(population).sum(min_count=len(t)))

    r = M.bootstrap_countries(
        units, total_population, n_boot=50, seed=7, lookups={"population": POPULATION}
    )
    expected = [POPULATION.iloc[p].sum() for p in picks]
    np.testing.assert_allclose(r.draws, expected)
    assert r.estimate == 111.0

    # a lookup captured by the function misses the copies (the failure the argument fixes)
    def captured(t: pd.DataFrame) -> float:
        return float(t["iso3"].map(POPULATION).sum(min_count=len(t)))

    bad = M.bootstrap_countries(units, captured, n_boot=50, seed=7)
    assert np.isnan(bad.draws).sum() == sum(len(set(p)) < 3 for p in picks)


def test_bootstrap_population_weighted_share() -> None:
    units = _three_countries()

    def weighted(t: pd.DataFrame, population: pd.Series) -> float:
        return A.aggregate_share(
            t.assign(region="R", country=t["iso3"], subregion="S")[
                ["iso3", "country", "region", "subregion", "year", "num", "den"]
            ]
            .rename(columns={"num": "x", "den": "y"})
            .assign(z=lambda d: d["y"] - d["x"]),
            "x",
            method="weighted",
            weights=population,
            known=["x", "z"],
        ).share

    r = M.bootstrap_countries(
        units, weighted, n_boot=40, seed=3, lookups={"population": POPULATION}
    )
    shares = np.array([0.1, 0.2, 0.3])
    expected = [
        float(np.sum(POPULATION.to_numpy()[p] * shares[p]) / POPULATION.to_numpy()[p].sum())
        for p in _expected_picks(3, 40, 3)
    ]
    np.testing.assert_allclose(r.draws, expected)
    assert r.estimate == pytest.approx((0.1 + 2.0 + 30.0) / 111.0)


# ------------------------------------------------------------------ CR2 and effective clusters


def test_cr2_intercept_only_closed_form() -> None:
    # y = mean + e: V_CR2 = sum_g (sum e_g)^2 / (1 - n_g / N) / N^2
    groups = np.array([0, 0, 0, 1, 1, 2])
    e = np.array([1.0, -2.0, 0.5, 3.0, 1.0, -3.5])
    x = np.ones((6, 1))
    sums = np.array([-0.5, 4.0, -3.5])
    sizes = np.array([3, 2, 1])
    expected = np.sum(sums**2 / (1 - sizes / 6)) / 36
    assert M.cr2_vcov(x, e, groups)[0, 0] == pytest.approx(expected)


def test_cr2_with_singleton_clusters_is_hc2() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(5)
    x = np.column_stack([np.ones(30), rng.normal(size=30), rng.normal(size=30)])
    y = x @ np.array([1.0, 2.0, -1.0]) + rng.normal(size=30) * (1 + np.abs(x[:, 1]))
    ols = sm.OLS(y, x).fit(cov_type="HC2")
    v = M.cr2_vcov(x, ols.resid, np.arange(30))
    np.testing.assert_allclose(v, ols.cov_params(), rtol=1e-10)


def test_effective_clusters_known_answers() -> None:
    # equal clusters: G* = G; intercept only: gamma_g = n_g / N^2 (rho = 0), n_g^2 / N^2 (rho = 1)
    x = np.ones((12, 1))
    equal = np.repeat([0, 1, 2, 3], 3)
    assert M.effective_clusters(x, equal, 0) == pytest.approx(4.0)
    sizes = np.array([9, 1, 1, 1])
    groups = np.repeat([0, 1, 2, 3], sizes)
    gam = sizes / 144
    expected = 4 / (1 + np.mean((gam - gam.mean()) ** 2) / gam.mean() ** 2)
    assert M.effective_clusters(x, groups, 0) == pytest.approx(expected)  # 4 / (1 + 4/3)
    assert expected == pytest.approx(12 / 7)
    gam1 = sizes.astype(float) ** 2 / 144
    expected1 = 4 / (1 + np.mean((gam1 - gam1.mean()) ** 2) / gam1.mean() ** 2)
    assert M.effective_clusters(x, groups, 0, rho=1.0) == pytest.approx(expected1)
    with pytest.raises(ValueError, match="rho"):
        M.effective_clusters(x, groups, 0, rho=2.0)


def test_herfindahl_clusters() -> None:
    assert M.herfindahl_clusters([1, 1, 1, 1], np.array([0, 1, 2, 3])) == pytest.approx(4.0)
    # shares .5, .25, .25 -> 1 / (.25 + .0625 + .0625)
    w = np.array([3.0, 3.0, 2.0, 1.0, 3.0])
    assert M.herfindahl_clusters(w, np.array([0, 0, 1, 1, 2])) == pytest.approx(1 / 0.375)


def test_bell_mccaffrey_df_balanced_intercept_is_g_minus_one() -> None:
    x = np.ones((15, 1))
    assert M.bell_mccaffrey_df(x, np.repeat(np.arange(5), 3), 0) == pytest.approx(4.0)
    # one dominant cluster: far fewer degrees of freedom than G - 1
    groups = np.repeat(np.arange(5), [50, 1, 1, 1, 1])
    x2 = np.ones((54, 1))
    assert M.bell_mccaffrey_df(x2, groups, 0) < 1.5


# ------------------------------------------------------------------ share trend GLM


def _noise_free_panel(b: float = 0.2) -> tuple[pd.DataFrame, dict[str, float], dict[str, float]]:
    effects = {"C0": -2.0, "C1": 0.0, "C2": 1.5, "C3": -0.5}
    dens = {"C0": 1000.0, "C1": 100.0, "C2": 300.0, "C3": 600.0}
    rows = []
    for iso, a in effects.items():
        for t in range(6):
            p = 1 / (1 + np.exp(-(a + b * t)))
            rows.append({"iso3": iso, "year": 2010 + t, "num": p * dens[iso], "den": dens[iso]})
    return pd.DataFrame(rows), effects, dens


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning")
def test_marginal_fitted_share_is_weighted_mean_of_country_curves() -> None:
    panel, effects, dens = _noise_free_panel()
    r = M.share_trend_glm(panel, country_fe=True)
    assert r.fitted_kind == "marginal" and r.odds_ratio == pytest.approx(np.exp(0.2), rel=1e-6)
    w = np.array([dens[i] for i in effects]) / sum(dens.values())
    a = np.array(list(effects.values()))
    for t in range(6):
        expected = float(w @ (1 / (1 + np.exp(-(a + 0.2 * t)))))
        got = r.fitted.set_index("year").loc[2010 + t, "share"]
        assert got == pytest.approx(expected, rel=1e-6)
        # the noise-free pooled share equals the marginal share (same weights every year)
        assert r.fitted.set_index("year").loc[2010 + t, "observed"] == pytest.approx(expected)
    c = M.share_trend_glm(panel, country_fe=True, fitted="conditional")
    a_bar = float(w @ a)
    assert c.fitted.loc[0, "share"] == pytest.approx(1 / (1 + np.exp(-a_bar)), rel=1e-6)
    assert abs(c.fitted.loc[0, "share"] - r.fitted.loc[0, "share"]) > 0.02


def test_cr2_interval_uses_t_reference() -> None:
    rng = np.random.default_rng(11)
    rows = []
    for i, den in enumerate([5000.0, 300.0, 200.0, 150.0, 100.0, 80.0]):
        a = rng.normal(-0.5, 0.4)
        for t in range(8):
            p = 1 / (1 + np.exp(-(a + 0.05 * t + rng.normal(0, 0.2))))
            rows.append({"iso3": f"C{i}", "year": 2010 + t, "num": round(p * den), "den": den})
    panel = pd.DataFrame(rows)
    from scipy import stats

    for df_type in ("bm", "clusters"):
        r = M.share_trend_glm(panel, se_type="cr2", df_type=df_type)
        crit = stats.t.ppf(0.975, r.df)
        assert np.log(r.or_upper / r.odds_ratio) == pytest.approx(crit * r.se_year)
        assert r.se_type == "cr2"
    r_bm = M.share_trend_glm(panel, df_type="bm")
    r_g = M.share_trend_glm(panel, df_type="clusters")
    assert r_g.df == 5.0 and r_bm.df < r_g.df  # one country dominates
    assert r_bm.effective_clusters < 6 and r_bm.effective_clusters_herfindahl < 2
    r1 = M.share_trend_glm(panel, se_type="cr1")
    assert r1.se_type == "cr1" and np.isinf(r1.df)
    assert r1.se_year == pytest.approx(float(r1.model.bse["year"]))
    with pytest.raises(ValueError, match="se_type"):
        M.share_trend_glm(panel, se_type="hc0")  # type: ignore[arg-type]


def test_real_effective_clusters_are_few(glotip_2025) -> None:
    from tiptrends.vocab import DIM_FORM, FORCED_LABOUR

    forms = A.country_year_counts(glotip_2025, dimension=DIM_FORM)
    units = A.share_inputs(forms, [FORCED_LABOUR])
    units = units[units["year"].between(2012, 2022)]
    r = M.share_trend_glm(units, country_fe=False)
    assert r.n_countries > 100
    assert r.effective_clusters < 25 and r.effective_clusters_herfindahl < 25
    assert r.df < 25  # Bell-McCaffrey df track the few dominant countries
