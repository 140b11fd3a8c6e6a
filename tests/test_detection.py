"""Tests for tiptrends.analyses.detection: hand-made tables with known answers, plus real-data smoke."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests.conftest import missing_input
from tiptrends.analyses import detection as D
from tiptrends.errors import DataError
from tiptrends.methods import aggregate
from tiptrends.vocab import DIM_TOTAL, TOTAL, VICTIMS


def counts_table():
    return pd.DataFrame(
        {
            "iso3": ["AAA", "AAA", "BBB", "CCC", "DDD"],
            "country": ["A", "A", "B", "C", "D"],
            "region": ["Europe"] * 5,
            "subregion": ["Western Europe"] * 5,
            "year": [2021, 2022, 2021, 2021, 2021],
            "Total": [100.0, 50.0, 20.0, 30.0, np.nan],
        }
    )


def gsi_table():
    return pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "EEE"],
            "population": [1_000_000, 2_000_000, 500_000, 10_000],
            "prevalence_per_1000": [1.0, 2.0, np.nan, 3.0],
            "number_in_modern_slavery": pd.array([10_000, 4_000, pd.NA, 30], dtype="Int64"),
            "gov_response_total": [60.0, 40.0, 50.0, 30.0],
            "region": ["R1", "R1", "R2", "R2"],
        }
    )


def test_rates_known_values():
    assert aggregate.rate_per_100k(50.0, 1_000_000) == pytest.approx(5.0)
    assert D.per_1000_estimated(20.0, 4_000) == pytest.approx(5.0)
    assert math.isnan(aggregate.rate_per_100k(5.0, 0))
    s = D.per_1000_estimated(pd.Series([1.0, 2.0]), pd.Series([1000.0, np.nan]))
    assert s.iloc[0] == pytest.approx(1.0) and math.isnan(s.iloc[1])


def test_join_gsi_drops_missing_totals_and_computes_measures():
    j = D.join_gsi(counts_table(), gsi_table(), years=[2021]).set_index("iso3")
    assert set(j.index) == {"AAA", "BBB", "CCC"}  # DDD has no total
    assert j.loc["AAA", "rate_per_100k"] == pytest.approx(10.0)
    assert j.loc["AAA", "per_1000_estimated"] == pytest.approx(10.0)
    assert j.loc["BBB", "per_1000_estimated"] == pytest.approx(5.0)
    assert math.isnan(j.loc["CCC", "per_1000_estimated"])
    assert j.loc["AAA", "gsi_region"] == "R1"


def test_join_gsi_rejects_duplicate_codes():
    g = pd.concat([gsi_table(), gsi_table().iloc[[0]]])
    with pytest.raises(ValueError, match="duplicate"):
        D.join_gsi(counts_table(), g)


def test_pooled_ratio_sums_over_countries_with_both():
    j = D.join_gsi(counts_table(), gsi_table())
    r = D.pooled_ratio(j, gsi_table(), 2021)
    # (100 + 20) / (10,000 + 4,000) * 1,000
    assert r.value == pytest.approx(120 / 14_000 * 1e3)
    assert r.n_countries == 2
    assert r.no_estimate == ["CCC"]
    assert r.no_victims == ["EEE"]
    p = D.pooled_ratio(j, gsi_table(), 2021, denominator="population", scale=1e5)
    assert p.value == pytest.approx(150 / 3_500_000 * 1e5)


def test_region_summary_known_values():
    j = D.join_gsi(counts_table(), gsi_table(), years=[2021])
    s = D.region_summary(j).set_index("gsi_region")
    assert s.loc["R1", "victims"] == 120
    assert s.loc["R1", "rate_per_100k"] == pytest.approx(120 / 3_000_000 * 1e5)
    assert s.loc["R1", "median_rate_per_100k"] == pytest.approx((10.0 + 1.0) / 2)
    assert s.loc["R2", "n_ratio"] == 0 and math.isnan(s.loc["R2", "per_1000_estimated"])


def test_association_monotone_and_robust():
    x = pd.Series(np.arange(10, dtype=float))
    y = 2 * x + 1
    y.iloc[9] = 1000.0  # an outlier does not move the Theil-Sen slope much
    a = D.association(x, y)
    assert a.spearman_rho == pytest.approx(1.0)
    assert a.slope == pytest.approx(2.0)
    assert a.n == 10
    with pytest.raises(ValueError):
        D.association(pd.Series([1.0, np.nan]), pd.Series([1.0, 2.0]))


# --------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real():
    data = pytest.importorskip("tiptrends.io.data")
    from tiptrends.methods.aggregate import country_year_counts

    try:
        glotip, gsi = data.load_glotip(release="2025"), data.load_gsi()
    except (DataError, OSError) as exc:
        missing_input(f"curated data unavailable: {exc}")
    return D.join_gsi(country_year_counts(glotip), gsi, [2021, 2022]), gsi


def test_real_join_and_world_ratio(real):
    j, gsi = real
    assert j["iso3"].is_unique is False  # two years
    assert not j.duplicated(["iso3", "year"]).any()
    r = D.pooled_ratio(j, gsi, 2021)
    assert r.n_countries > 80
    assert 0 < r.value < 100  # detected victims are a small fraction of estimated slavery
    assert r.numerator <= j.loc[j["year"] == 2021, "victims"].sum()


def test_real_region_summary_covers_all_rows(real):
    j, _ = real
    s = D.region_summary(j)
    assert s.groupby("year")["victims"].sum().to_dict() == pytest.approx(
        j[j["population"].notna()].groupby("year")["victims"].sum().to_dict()
    )


# --------------------------------------------------------------------------- headline_measures
def _curated(rows):
    """Curated GLOTIP rows (victims totals) from (iso3, year, value); None is a '<5' cell."""
    return pd.DataFrame(
        [
            {
                "iso3": i,
                "country": f"Country {i}",
                "is_aggregate": False,
                "region": "Europe",
                "subregion": "Western Europe",
                "indicator": VICTIMS,
                "dimension": DIM_TOTAL,
                "category": TOTAL,
                "sex": TOTAL,
                "age": TOTAL,
                "year": y,
                "value": np.nan if v is None else float(v),
                "suppressed": v is None,
            }
            for i, y, v in rows
        ]
    )


def test_headline_measures_known_values():
    g = _curated([("AAA", 2021, 100), ("BBB", 2021, 20), ("AAA", 2022, None)])
    h = D.headline_measures(g, gsi_table(), [2021, 2022])
    # 2021 rates: AAA 100 / 1m = 10, BBB 20 / 2m = 1 per 100k; ratio 120 / 14,000 x 1,000
    assert h["median per 100k, 2021"] == pytest.approx(5.5)
    assert h["world per 1,000 estimated, 2021"] == pytest.approx(120 / 14)
    assert h["countries, 2021"] == 2
    # 2022: the only total is '<5' and is left out
    assert h["countries, 2022"] == 0
    assert math.isnan(h["median per 100k, 2022"])
    assert math.isnan(h["world per 1,000 estimated, 2022"])
    imp = D.headline_measures(g, gsi_table(), [2022], suppressed="impute")
    assert list(imp) == [
        "median per 100k, 2022",
        "world per 1,000 estimated, 2022",
        "countries, 2022",
    ]
    assert imp["median per 100k, 2022"] == pytest.approx(0.25)  # 2.5 / 1m x 100k
    assert imp["world per 1,000 estimated, 2022"] == pytest.approx(0.25)  # 2.5 / 10,000 x 1,000
    assert imp["countries, 2022"] == 1
    # another data basis adds one row: without BBB, 100 / 10,000 x 1,000 and a median of 10
    t = D.measures_under_choices(g, g, gsi_table(), [2021], {"no BBB": g[g["iso3"] != "BBB"]})
    assert list(t.index)[-1] == "no BBB" and len(t) == 4
    assert t.loc["no BBB", "world per 1,000 estimated, 2021"] == pytest.approx(10.0)
    assert t.loc["no BBB", "median per 100k, 2021"] == pytest.approx(10.0)


# --------------------------------------------------------------------------- chapter tables
def test_world_gap_and_rate_spread():
    counts = counts_table()
    gap = D.world_gap(counts, [2021, 2022], modern_slavery=150_000, forced_labour=75_000)
    # 2021: 100 + 20 + 30 = 150 detected in three countries (DDD has no total)
    assert gap.loc[2021, ["Detected victims", "Countries"]].tolist() == [150, 3]
    assert gap.loc[2021, "per 1,000 in modern slavery"] == pytest.approx(1.0)
    assert gap.loc[2022, "per 1,000 in forced labour"] == pytest.approx(50 / 75)
    j = D.join_gsi(counts, gsi_table(), years=[2021])
    spread = D.rate_spread(j, 2021)
    # rates: AAA 10, BBB 1, CCC 6 per 100,000
    assert spread["countries"] == 3 and spread["median"] == pytest.approx(6.0)
    assert (spread["lowest"], spread["highest"]) == (pytest.approx(1.0), pytest.approx(10.0))


def test_names_exclusions_and_region_table():
    gsi = gsi_table().assign(country=["Aland", "Bland", "Cland", "Eland"])
    assert D.country_names(["BBB", "ZZZ"], gsi) == ["Bland", "ZZZ"]
    report = pd.DataFrame(
        {
            "iso3": ["DEU", "DNK", "FRA"],
            "years": ["2022", "2021", "2021"],
            "scope": ["all", "all", "form"],
        }
    )
    assert D.excluded_totals(report, 2021) == ["DNK"]
    # a repaired entry keeps the total: not listed
    repaired = report.assign(repaired_total=[float("nan"), 80.0, float("nan")])
    assert D.excluded_totals(repaired, 2021) == []
    assert D.excluded_totals(repaired, 2022) == ["DEU"]
    table = D.region_table(D.join_gsi(counts_table(), gsi, years=[2021]), "gsi_region")
    assert table["Year"].tolist() == ["2021", "2021"] and "Per 100,000" in table.columns


def test_associations_leave_zeros_out():
    j = pd.DataFrame(
        {
            "year": [2021] * 5,
            "gov_response_total": [10.0, 20.0, 30.0, 40.0, 50.0],
            "per_1000_estimated": [0.0, 1.0, 2.0, 4.0, 8.0],
            "rate_per_100k": [1.0, 2.0, 3.0, 4.0, 5.0],
            "prevalence_per_1000": [5.0, 4.0, 3.0, 2.0, 0.0],
        }
    )
    ratio, rate = D.response_associations(j, 2021)
    assert ratio.n == 4 and ratio.spearman_rho == pytest.approx(1.0)
    assert ratio.slope == pytest.approx(np.log10(2) / 10)  # doubling every 10 points
    assert rate.n == 5
    prevalence = D.prevalence_association(j, 2021)
    assert prevalence.n == 4 and prevalence.spearman_rho == pytest.approx(-1.0)


def test_country_scatter_draws_groups_and_line():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from tiptrends.report.scatter import plot_country_scatter

    table = pd.DataFrame(
        {
            "x": [1.0, 2.0, 3.0, 4.0],
            "y": [1.0, 10.0, 0.0, 100.0],
            "g": ["Europe", "Asia", "Asia", "Asia"],
        }
    )
    fig, ax = plot_country_scatter(
        table, "x", "y", "g", xlabel="x", ylabel="y", title="t", source="S", line=(0.0, 0.5)
    )
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == 3, "the zero y is left out on the log axis"
    (line,) = ax.lines
    assert line.get_ydata()[-1] == pytest.approx(10 ** (0.5 * 4.0))
    plt.close(fig)


def test_choice_labels_and_published_rows_have_no_quoted_strings():
    # labels are shown as table rows: no Python-style quotes ('<5'), no "one in N" placeholder
    g = _curated([("AAA", 2021, 100), ("BBB", 2021, 20)])
    t = D.measures_under_choices(g, g, gsi_table(), [2021])
    assert not [label for label in t.index if "'" in label]
    assert all("'" not in k or "'" not in v for k, v in D.GEMS_INDICATORS.items())
    assert "one in N" not in D.GEMS_UNITS.values()
