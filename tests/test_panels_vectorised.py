"""The trend panel and the other country sets, computed over all countries at once
(tiptrends.methods.panels): a hand-computed synthetic case, and the vectorised fill against the
per-country :func:`numpy.interp` / :func:`~tiptrends.methods.panels.interpolate_log` it
replaced, value for value, on the real data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests.tables import counts_table
from tiptrends.methods import aggregate as A
from tiptrends.methods import panels as P

NAN = float("nan")


@pytest.fixture
def synthetic():
    """Window 2018-2022: gaps, a country seen once, a zero anchor, a late entrant."""
    return counts_table(
        {
            "AAA": {2018: 10, 2020: 30, 2022: 70},  # inner gaps: 20, 50
            "BBB": {2019: 8},  # seen once: 8 every year
            "CCC": {2018: 0, 2022: 40},  # zero anchor: linear in both fills
            "DDD": {2020: 5, 2022: 20},  # carried back 5, inner 12.5
            "EEE": {2018: 4, 2022: 64},  # trend 19, 34, 49; log 8, 16, 32
            "FFF": {2019: NAN},  # not reported: in no set
            "GGG": {2015: 100},  # outside the window
            "HHH": {2018: 1, 2019: 2, 2020: 3, 2021: 4, 2022: 5},  # balanced
        }
    )


WINDOW = range(2018, 2023)

TREND = {  # hand-computed trend-panel values, by country and year
    "AAA": [10, 20, 30, 50, 70],
    "BBB": [8, 8, 8, 8, 8],
    "CCC": [0, 10, 20, 30, 40],
    "DDD": [5, 5, 5, 12.5, 20],
    "EEE": [4, 19, 34, 49, 64],
    "HHH": [1, 2, 3, 4, 5],
}
OBSERVED = {
    "AAA": [1, 0, 1, 0, 1],
    "BBB": [0, 1, 0, 0, 0],
    "CCC": [1, 0, 0, 0, 1],
    "DDD": [0, 0, 1, 0, 1],
    "EEE": [1, 0, 0, 0, 1],
    "HHH": [1, 1, 1, 1, 1],
}


def test_trend_panel_by_hand(synthetic):
    r = P.country_set(synthetic, WINDOW, "trend")
    assert r.countries == tuple(TREND)
    v = r.values
    assert list(v.columns) == ["iso3", "year", "value", "interpolated"]
    assert v["iso3"].tolist() == [i for i in TREND for _ in WINDOW]
    assert v["year"].tolist() == list(WINDOW) * len(TREND)
    assert v["value"].tolist() == [x for xs in TREND.values() for x in xs]
    assert v["interpolated"].tolist() == [not o for os in OBSERVED.values() for o in os]
    cov = r.coverage.set_index("year")
    assert cov["n_countries"].tolist() == [6] * 5
    assert cov["n_victims"].tolist() == [28, 64, 100, 153.5, 207]
    assert cov["n_reporting"].tolist() == [4, 2, 3, 1, 5]
    assert cov["victims_reporting"].tolist() == [15, 10, 38, 4, 199]
    assert cov["share_of_victims"].tolist() == [1.0, 1.0, 1.0, 1.0, 1.0]


def test_interpolated_and_balanced_sets_by_hand(synthetic):
    r = P.country_set(synthetic, WINDOW, "interpolated")
    assert r.countries == ("AAA", "CCC", "EEE", "HHH")  # both ends observed
    got = r.values.pivot(index="iso3", columns="year", values="value")
    assert got.loc["AAA"].tolist() == pytest.approx([10, math.sqrt(300), 30, math.sqrt(2100), 70])
    assert got.loc["CCC"].tolist() == [0, 10, 20, 30, 40]  # a zero anchor: linear
    assert got.loc["EEE"].tolist() == pytest.approx([4, 8, 16, 32, 64])
    assert P.country_set(synthetic, WINDOW, "balanced").countries == ("HHH",)
    assert P.country_set(synthetic, WINDOW, "open").countries == tuple(TREND)
    assert P.country_set(synthetic, [2017, 2015], "trend").values["value"].tolist() == [100, 100]


def test_changes_on_every_set_by_hand(synthetic):
    got = P.panel_changes(synthetic, 2018, 2022)
    want = {  # total_y0, total_y1, n_y0, n_y1
        "trend": (28, 207, 6, 6),
        "open": (15, 199, 4, 5),
        "matched": (15, 179, 4, 4),
        "balanced": (1, 5, 1, 1),
        "interpolated": (15, 179, 4, 4),
    }
    assert list(got.index) == list(P.PANEL_KINDS)
    for kind, (t0, t1, n0, n1) in want.items():
        row = got.loc[kind]
        assert (row["total_y0"], row["total_y1"], row["n_y0"], row["n_y1"]) == (t0, t1, n0, n1)
        pct = 100.0 * (t1 / t0 - 1.0)
        assert row["pct_change"] == pct
        # one set computed alone gives its row of the table, bit for bit
        assert P.change_pct(synthetic, 2018, 2022, panel=kind) == pct
        assert P.set_change(synthetic, 2018, 2022, panel=kind) == (pct, n0)
    tr = P.trend_change(synthetic, 2018, 2022)
    assert (tr.total_y0, tr.total_y1, tr.n_countries) == (28, 207, 6)
    assert (tr.n_filled_y0, tr.n_filled_y1) == (2, 1)  # BBB, DDD; then BBB
    assert tr.filled_share_y0 == 13 / 28 and tr.filled_share_y1 == 8 / 207


def test_zero_base_and_bad_panel(synthetic):
    zero = counts_table({"AAA": {2018: 0, 2022: 5}})
    assert math.isnan(P.set_change(zero, 2018, 2022, panel="matched")[0])
    assert math.isnan(P.panel_changes(zero, 2018, 2022).loc["matched", "pct_change"])
    with pytest.raises(ValueError, match="panel must be"):
        P.set_change(synthetic, 2018, 2022, panel="closed")


def _reference_fill(counts: pd.DataFrame, window: tuple[int, ...], kind: str) -> pd.DataFrame:
    """The per-country loop the vectorised fill replaced (kept here as the reference)."""
    obs = counts[["iso3", "year", "Total"]].rename(columns={"Total": "value"}).dropna()
    obs = obs[obs["year"].isin(window)]
    if kind == "interpolated":
        ends = obs.groupby("iso3")["year"].agg(["min", "max"])
        ok = ends.index[(ends["min"] == window[0]) & (ends["max"] == window[-1])]
        obs = obs[obs["iso3"].isin(ok)]
    frames, wy = [], np.array(window)
    for iso, g in obs.groupby("iso3", sort=True):
        g = g.sort_values("year")
        if kind == "trend":
            vals = np.interp(wy, g["year"].to_numpy(float), g["value"].to_numpy(float))
        else:
            vals = P.interpolate_log(wy, g["year"].to_numpy(), g["value"].to_numpy(float))
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
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("kind", ["trend", "interpolated"])
def test_vectorised_fill_equals_the_per_country_loop(glotip_2025, kind):
    counts = A.country_year_counts(glotip_2025, suppressed="impute")
    for window in [(2019, 2020, 2021, 2022), tuple(range(2010, 2023)), (2012, 2017, 2020)]:
        got = P.country_set(counts, window, kind).values  # type: ignore[arg-type]
        want = _reference_fill(counts, window, kind)
        assert (got["interpolated"]).any()
        pd.testing.assert_frame_equal(got, want, check_exact=True)
