"""The country bootstrap computes a share's replicates at once, with the draws of the loop.

A figure that is a multiple of one pooled share is bootstrapped from its countries' units
by one matrix product (``models.bootstrap_countries(share_scale=...)``,
``aggregate.replicate_shares``). These tests pin it against hand-computed replicates, against
a plain loop written out here, and check that anything else still goes through the loop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tiptrends.methods import aggregate as A
from tiptrends.methods import models as M
from tiptrends.vocab import FORCED_LABOUR, FORMS, OTHER_FORMS, SEXUAL

POPULATION = pd.Series({"AAA": 1.0, "BBB": 3.0, "CCC": 4.0})


@pytest.fixture
def three() -> pd.DataFrame:
    """Wide form counts of three countries in one year (AAA, BBB in R1, CCC in R2).

    Forced-labour shares: AAA 10/40, BBB 5/10, CCC 0/20 (CCC reports no forced labour).
    """
    rows = [
        ("AAA", "R1", 30.0, 10.0, 0.0),
        ("BBB", "R1", 5.0, 5.0, np.nan),
        ("CCC", "R2", 20.0, np.nan, np.nan),
    ]
    t = pd.DataFrame(rows, columns=["iso3", "region", SEXUAL, FORCED_LABOUR, OTHER_FORMS])
    t["Total"] = t[list(FORMS)].sum(axis=1)
    return t.assign(country=t["iso3"], subregion=t["region"], year=2022)[
        [*A.ID_COLUMNS, *FORMS, "Total"]
    ]


def fl_share(method: str):
    """Forced-labour share (%) of a counts table by ``method`` (population by lookup)."""

    def share(table: pd.DataFrame, population: pd.Series) -> float:
        kw = {"weights": population} if method == "weighted" else {}
        return 100 * A.aggregate_share(table, [FORCED_LABOUR], method=method, **kw).share

    return share


# seed 1 draws, of the countries in order AAA, BBB, CCC: (BBB, BBB, CCC) and (AAA, AAA, CCC)
HAND = {
    "pooled": [100 * (5 + 5) / (10 + 10 + 20), 100 * (10 + 10) / (40 + 40 + 20)],
    "mean": [100 * (0.5 + 0.5 + 0) / 3, 100 * (0.25 + 0.25 + 0) / 3],
    "weighted": [100 * (3 * 0.5 * 2) / (3 + 3 + 4), 100 * (1 * 0.25 * 2) / (1 + 1 + 4)],
    "two_stage": [100 * (10 / 20 + 0) / 2, 100 * (20 / 80 + 0) / 2],
}


def test_seed_one_draws_what_the_hand_computation_says():
    picks = np.sort(np.random.default_rng(1).integers(0, 3, (2, 3)), axis=1)
    assert picks.tolist() == [[1, 1, 2], [0, 0, 2]]


@pytest.mark.parametrize("method", list(HAND))
@pytest.mark.parametrize("scale", [100.0, None])
def test_two_replicates_by_hand(three, method, scale):
    b = M.bootstrap_countries(
        three,
        fl_share(method),
        n_boot=2,
        seed=1,
        lookups={"population": POPULATION},
        share_scale=scale,
    )
    assert b.vectorised is (scale is not None)
    assert b.estimate == pytest.approx(fl_share(method)(three, POPULATION), rel=1e-15)
    np.testing.assert_allclose(b.draws, HAND[method], rtol=1e-12)


def test_matrix_of_draws_is_the_loop_of_draws():
    """One call for every replicate gives the draws of one call per replicate (old loop)."""
    for n in (1, 2, 3, 7, 80, 81, 139):
        rng = np.random.default_rng(5)
        rows = [rng.integers(0, n, n) for _ in range(40)]
        assert np.array_equal(np.random.default_rng(5).integers(0, n, (40, n)), np.stack(rows))


def plain_loop(table, func, n_boot, seed, lookups, column="iso3"):
    """The bootstrap written out: draw, relabel copies, evaluate ``func`` on each sample."""
    rng = np.random.default_rng(seed)
    codes, units = pd.factorize(table[column])
    draws = []
    for _ in range(n_boot):
        pick = np.sort(rng.integers(0, len(units), len(units)))
        parts, seen = [], {}
        for u in pick:
            seen[u] = seen.get(u, 0) + 1
            label = units[u] if seen[u] == 1 else f"{units[u]}#{seen[u]}"
            parts.append(table[codes == u].assign(**{column: label}))
        sample = pd.concat(parts, ignore_index=True)
        extended = {k: M.relabelled_lookup(v, sample[column]) for k, v in lookups.items()}
        draws.append(func(sample, **extended))
    return np.array(draws)


@pytest.fixture(scope="module")
def many() -> pd.DataFrame:
    """Wide form counts of 30 countries in 4 regions, some without forced labour or weight."""
    rng = np.random.default_rng(11)
    n = 30
    iso = [f"C{i:02d}" for i in range(n)]
    t = pd.DataFrame(
        {
            "iso3": iso,
            "country": iso,
            "region": [f"R{i % 4}" for i in range(n)],
            "subregion": "x",
            "year": 2022,
            SEXUAL: rng.integers(1, 500, n).astype(float),
            FORCED_LABOUR: np.where(rng.random(n) < 0.3, np.nan, rng.integers(0, 300, n)),
            OTHER_FORMS: rng.integers(0, 40, n).astype(float),
        }
    )
    t["Total"] = t[list(FORMS)].sum(axis=1) + 7
    return t


@pytest.mark.parametrize("method", list(HAND))
def test_vectorised_equals_the_plain_loop(many, method):
    population = pd.Series(np.arange(1.0, 31.0) ** 2, index=many["iso3"]).drop(["C03", "C17"])
    func = fl_share(method)
    lookups = {"population": population}
    b = M.bootstrap_countries(many, func, 60, 4, lookups=lookups, share_scale=100.0)
    assert b.vectorised
    np.testing.assert_allclose(b.draws, plain_loop(many, func, 60, 4, lookups), rtol=1e-12)


def test_region_weights_and_unplaced_units(many):
    """Two-stage with given region weights; a country without a region enters no region."""
    t = many.assign(region=many["region"].where(many["iso3"] != "C05"))
    weights = pd.Series({"R0": 1.0, "R1": 2.0, "R2": 0.5, "R3": 4.0})

    def func(table: pd.DataFrame) -> float:
        return 100 * A.aggregate_share(table, [SEXUAL], "all", "two_stage", None, weights).share

    b = M.bootstrap_countries(t, func, 60, 2, share_scale=100.0)
    assert b.vectorised
    np.testing.assert_allclose(b.draws, plain_loop(t, func, 60, 2, {}), rtol=1e-12)


def test_replicate_shares_of_one_plain_resample(many):
    """Row of ones: the share of aggregate_share itself."""
    units = A.share_inputs(many, [FORCED_LABOUR], carry=["region"])
    for method in ("pooled", "mean", "two_stage"):
        got = A.replicate_shares(units, np.ones((1, len(units))), method)  # type: ignore[arg-type]
        want = A.aggregate_share(many, [FORCED_LABOUR], method=method).share  # type: ignore[arg-type]
        assert got[0] == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError, match="one column per unit"):
        A.replicate_shares(units, np.ones((1, 2)), "pooled")


def test_an_empty_replicate_has_no_share(many):
    units = A.share_inputs(many, [FORCED_LABOUR], carry=["region"])
    for method in ("pooled", "mean", "two_stage"):
        assert np.isnan(A.replicate_shares(units, np.zeros((1, len(units))), method)[0])  # type: ignore[arg-type]


def test_what_is_not_one_share_goes_through_the_loop(many):
    population = pd.Series(1.0, index=many["iso3"])

    def squared(table: pd.DataFrame, population: pd.Series) -> float:
        return 100 * A.aggregate_share(table, [FORCED_LABOUR]).share ** 2

    def two_shares(table: pd.DataFrame, population: pd.Series) -> float:
        return fl_share("pooled")(table, population) + 0 * fl_share("mean")(table, population)

    def captured(table: pd.DataFrame, population: pd.Series) -> float:
        # weights taken from outside, not from the lookups: the copies have none
        return (
            100
            * A.aggregate_share(
                table, [FORCED_LABOUR], method="weighted", weights=population_outside
            ).share
        )

    population_outside = population.copy()
    lookups = {"population": population}
    for func in (squared, two_shares, captured):
        b = M.bootstrap_countries(many, func, 30, 9, lookups=lookups, share_scale=100.0)
        assert not b.vectorised, func.__name__
        np.testing.assert_array_equal(b.draws, plain_loop(many, func, 30, 9, lookups))

    # a figure whose region weights come from each table's own population
    def by_population(table: pd.DataFrame) -> float:
        res = A.aggregate_share(table, [FORCED_LABOUR], method="two_stage", population=population)
        return 100 * res.share

    assert not M.bootstrap_countries(many, by_population, 5, 1, share_scale=100.0).vectorised


def test_chapter_figures_equal_the_plain_loop_on_real_data():
    """Chapter 08's four bootstraps (10 replicates each) against the figure evaluated on each
    drawn sample, on the re-analysis the chapter uses."""
    from tiptrends.analyses import forms as F
    from tiptrends.methods import figures

    table = figures.data_bases().current_release
    year = table[table["year"] == F.LATEST_YEAR]
    by_form = A.share_inputs(F.form_counts(year), [FORCED_LABOUR], "known")["iso3"]
    population = figures.gsi_population()
    for key in F.BOOTSTRAP_LABELS:
        countries = by_form if key != F.CHILDREN_SHARE else None
        b = F.bootstrap_figure(key, table, countries, n_boot=10, seed=3)
        assert b.vectorised, key
        t = year if countries is None else year[year["iso3"].isin(list(countries))]
        t = t.sort_values("iso3", kind="stable")

        def statistic(sample: pd.DataFrame, population: pd.Series, key: str = key) -> float:
            inputs = figures.Inputs(sample)
            inputs.population = population
            return figures.evaluate(key, inputs)

        plain = plain_loop(t, statistic, 10, 3, {"population": population})
        np.testing.assert_allclose(b.draws, plain, rtol=1e-12, err_msg=key)
