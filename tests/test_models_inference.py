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
