"""Tests for tiptrends.methods.panels on hand-made counts tables, plus a real-data smoke test."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.tables import counts_table as counts
from tiptrends.methods import aggregate as A
from tiptrends.methods import panels as P


@pytest.fixture
def toy():
    return counts(
        {
            "AAA": {2019: 100, 2020: 110, 2021: 120, 2022: 130},  # balanced
            "BBB": {2019: 10, 2022: 80},  # gap: interpolable
            "CCC": {2020: 50, 2021: 60, 2022: 70},  # enters late
            "DDD": {2019: 40, 2020: float("nan")},  # exits; NaN = not reported
        }
    )


def test_balanced_open_interpolated_sets(toy):
    years = range(2019, 2023)
    assert P.country_set(toy, years, "balanced").countries == ("AAA",)
    assert P.country_set(toy, years, "open").countries == ("AAA", "BBB", "CCC", "DDD")
    r = P.country_set(toy, years, "interpolated")
    assert r.countries == ("AAA", "BBB")
    bbb = r.values[r.values["iso3"] == "BBB"].set_index("year")
    # log-linear between 10 (2019) and 80 (2022): factor 2 per year
    assert bbb["value"].tolist() == pytest.approx([10, 20, 40, 80])
    assert bbb["interpolated"].tolist() == [False, True, True, False]


def test_interpolation_never_extrapolates():
    c = counts({"AAA": {2020: 10, 2021: 20}})
    assert P.country_set(c, range(2019, 2022), "interpolated").countries == ()


def test_coverage(toy):
    r = P.country_set(toy, range(2019, 2023), "balanced")
    cov = r.coverage.set_index("year")
    assert cov.loc[2019, "n_reporting"] == 3 and cov.loc[2019, "victims_reporting"] == 150
    assert cov.loc[2019, "share_of_victims"] == pytest.approx(100 / 150)
    assert cov.loc[2022, "share_of_victims"] == pytest.approx(130 / 280)
    ri = P.country_set(toy, range(2019, 2023), "interpolated").coverage.set_index("year")
    # interpolated values count in n_victims, not in the observed share
    assert ri.loc[2020, "n_victims"] == pytest.approx(130)
    assert ri.loc[2020, "share_of_victims"] == pytest.approx(110 / 160)


def test_pct_change_matched_and_unmatched(toy):
    r = P.pct_change(toy, 2019, 2022)
    assert r.countries == ("AAA", "BBB") and r.n_countries == 2
    assert r.pct_change == pytest.approx(100 * (210 / 110 - 1))
    assert r.unmatched_pct_change == pytest.approx(100 * (280 / 150 - 1))
    assert (r.n_y0, r.n_y1) == (3, 3)
    u = P.pct_change(toy, 2019, 2022, matched=False)
    assert u.pct_change == pytest.approx(r.unmatched_pct_change)
    assert math.isnan(P.pct_change(toy, 2015, 2022).pct_change)


def test_bad_kind_and_duplicates(toy):
    with pytest.raises(ValueError, match="kind must be"):
        P.country_set(toy, [2019], "closed")
    with pytest.raises(ValueError, match="several rows"):
        P.country_set(pd.concat([toy, toy]), [2019], "open")


def test_real_panels_smoke(glotip_2025):
    df = glotip_2025
    c = A.country_year_counts(df)
    bal = P.country_set(c, range(2019, 2023), "balanced")
    itp = P.country_set(c, range(2019, 2023), "interpolated")
    assert 50 < len(bal.countries) <= len(itp.countries)
    assert (bal.coverage["share_of_victims"] <= 1).all()
    ch = P.pct_change(c, 2019, 2022)
    assert ch.n_y0 == 134 - 18 and ch.n_countries == len(ch.countries)
