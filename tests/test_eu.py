"""Tests for tiptrends.analyses.eu: hand-made tables with known answers, plus real-data smoke tests."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests.tables import curated_row
from tiptrends.analyses import eu
from tiptrends.methods import eu_figures, figures
from tiptrends.vocab import (
    ADULT,
    CHILD,
    DIM_CITIZENSHIP,
    DIM_FORM,
    FEMALE,
    FORCED_LABOUR,
    MALE,
    OTHER_FORMS,
    SEXUAL,
    TOTAL,
)


def row(iso3, year, value, *args, **kwargs):
    """One curated-table row (arguments of ``tests.tables.curated_row``); None is a "<5" cell."""
    return curated_row(
        iso3, year, value, *args, place=(iso3.title(), "Europe", "Western Europe"), **kwargs
    )


# --------------------------------------------------------------------------- hand-made
def test_eu_subset_keeps_members_and_drops_aggregates():
    df = pd.DataFrame(
        [row("FRA", 2020, 5), row("NOR", 2020, 7), row("DEU", 2020, 3, is_aggregate=True)]
    )
    out = eu_figures.eu_subset(df)
    assert list(out["iso3"]) == ["FRA"]


def test_member_state_status_distinguishes_reported_suppressed_missing():
    df = pd.DataFrame([row("FRA", 2021, 10), row("FRA", 2022, 12), row("DEU", 2022, None)])
    st = eu.member_state_status(df, [2021, 2022], members=["FRA", "DEU", "ITA"])
    assert st.loc["FRA", 2022] == eu.REPORTED
    assert st.loc["DEU", 2022] == eu.SUPPRESSED
    assert st.loc["DEU", 2021] == eu.MISSING
    assert st.loc["ITA", 2022] == eu.MISSING
    counts = eu.status_counts(st)
    assert counts.loc[2022].tolist() == [1, 1, 1]
    assert counts.loc[2021].tolist() == [1, 0, 2]


def test_completed_totals_takes_largest_of_total_and_breakdowns():
    rows = [
        # DEU: total suppressed, sex x age 100 + 50, forms 120
        row("DEU", 2022, None),
        row("DEU", 2022, 100, sex=FEMALE, age=ADULT),
        row("DEU", 2022, 50, sex=MALE, age=CHILD),
        row("DEU", 2022, 80, DIM_FORM, SEXUAL),
        row("DEU", 2022, 40, DIM_FORM, FORCED_LABOUR),
        # FRA: total larger than both breakdowns
        row("FRA", 2022, 200),
        row("FRA", 2022, 150, DIM_FORM, SEXUAL),
        # POL: forms exceed total
        row("POL", 2022, 10),
        row("POL", 2022, 9, DIM_FORM, SEXUAL),
        row("POL", 2022, 3, DIM_FORM, OTHER_FORMS),
    ]
    out = eu.completed_totals(pd.DataFrame(rows)).set_index("iso3")
    assert out.loc["DEU", "completed"] == 150 and out.loc["DEU", "source"] == "sex_age"
    assert math.isnan(out.loc["DEU", TOTAL])
    assert out.loc["FRA", "completed"] == 200 and out.loc["FRA", "source"] == "total"
    assert out.loc["POL", "completed"] == 12 and out.loc["POL", "source"] == "forms"


def test_citizenship_split_groups_as_eurostat():
    rows = [
        row("FRA", 2022, 10, DIM_CITIZENSHIP, "France"),  # own country
        row("FRA", 2022, 6, DIM_CITIZENSHIP, "Romania"),  # other EU
        row("FRA", 2022, 4, DIM_CITIZENSHIP, "Nigeria"),  # non-EU
        row("FRA", 2022, None, DIM_CITIZENSHIP, "Brazil"),  # suppressed: ignored
        row("NOR", 2022, 50, DIM_CITIZENSHIP, "Norway"),  # not a member
    ]
    out = eu.citizenship_split(pd.DataFrame(rows)).set_index("group")
    assert out.loc["own country", "victims"] == 10
    assert out.loc["other EU", "victims"] == 6
    assert out.loc["non-EU", "victims"] == 4
    assert out.loc["own country", "share_pct"] == pytest.approx(50.0)
    assert out["n_countries"].unique().tolist() == [1]
    assert math.isnan(out.loc["unknown", "share_pct"])


def published_stub():
    ids_values = {
        "eurostat_victims_total_2022": 100,
        "eurostat_victims_total_2023": 120,
        "eurostat_victims_total_2023_alt_x": 999,
        "eurostat_sexual_exploitation_victims_2023": 50,
        "eurostat_forced_labour_victims_2023": 30,
        "eurostat_other_forms_victims_2023": 20,
        "eurostat_forced_labour_share_2023_pct": 31,
        "eurostat_forced_labour_victims_2022": 10,  # incomplete year: no other forms
    }
    return pd.DataFrame({"figure_id": list(ids_values), "value": list(ids_values.values())})


def test_published_annual_skips_alternatives():
    s = eu_figures.published_annual(published_stub(), "eurostat", "victims_total")
    assert s.to_dict() == {2022: 100.0, 2023: 120.0}


def test_eurostat_form_shares_from_counts():
    out = eu_figures.eurostat_form_shares(published_stub())
    assert out["year"].unique().tolist() == [2023]
    fl = out[out["category"] == FORCED_LABOUR].iloc[0]
    assert fl["share_pct"] == pytest.approx(30.0)
    assert fl["published_share_pct"] == 31
    assert out["share_pct"].sum() == pytest.approx(100.0)


def test_side_by_side_gap():
    out = eu.side_by_side(pd.Series({2021: 80.0, 2022: 90.0}), pd.Series({2022: 100.0, 2023: 1.0}))
    assert out.loc[2022, "gap"] == -10 and out.loc[2022, "gap_pct"] == pytest.approx(-10.0)
    assert math.isnan(out.loc[2021, "gap"])
    assert list(out.index) == [2021, 2022, 2023]


def test_higher_years_is_true_for_every_year():
    # Figure 6.1's caption: Eurostat higher in 2020 and 2022, lower in 2021 (as in the data)
    gaps = eu.side_by_side(
        pd.Series({2020: 6.0, 2021: 7346.0, 2022: 8.0}),
        pd.Series({2020: 9.0, 2021: 7155.0, 2022: 9.0, 2023: 5.0}),
    )
    assert eu.higher_years(gaps) == (
        "Eurostat's count is the higher in 2020 and 2022 and the lower in 2021."
    )
    # years only one source covers (2023) are not claimed either way
    assert eu.higher_years(gaps.loc[[2020, 2022, 2023]]) == (
        "Eurostat's count is the higher in every year both sources cover (2020 and 2022)."
    )


def test_share_scales_have_one_unit():
    # Figure 6.5 has one axis: only shares (factor 1), a subset of the comparison scales
    assert set(eu.SHARE_SCALES) <= set(eu.COMPARISON_SCALES)
    assert all(f == 1 for _, f in eu.SHARE_SCALES.values())
    assert all(k.endswith("_pct") for k in eu.SHARE_SCALES)


# --------------------------------------------------------------------------- real data
def test_real_eu_2022_status_and_sum(glotip_2025):
    st = eu.member_state_status(glotip_2025, [2022])
    counts = eu.status_counts(st).loc[2022]
    assert counts.sum() == 27
    assert counts[eu.REPORTED] >= 20
    from tiptrends.methods.aggregate import country_year_counts

    tot = eu_figures.eu_subset(country_year_counts(glotip_2025))
    reported = tot[(tot["year"] == 2022) & tot[TOTAL].notna()]
    assert len(reported) == counts[eu.REPORTED]


def test_real_completed_totals_not_below_total(glotip_2025):
    ct = eu.completed_totals(eu_figures.eu_subset(glotip_2025))
    ok = ct[TOTAL].notna()
    assert (ct.loc[ok, "completed"] >= ct.loc[ok, TOTAL]).all()


def test_real_citizenship_shares_sum_to_100(glotip_2025):
    cs = eu.citizenship_split(glotip_2025)
    sums = cs.groupby("year")["share_pct"].sum()
    assert np.allclose(sums.to_numpy(), 100.0)


def test_real_eurostat_rows():
    from tiptrends.io.published import load_published

    pub = load_published()
    tot = eu_figures.published_annual(pub, "eurostat", "victims_total")
    assert {2020, 2021, 2022, 2023, 2024} <= set(tot.index)
    shares = eu_figures.eurostat_form_shares(pub)
    both = shares.dropna(subset=["published_share_pct"])
    # shares computed from Eurostat's counts agree with its published shares to rounding
    assert (abs(both["share_pct"] - both["published_share_pct"]) < 1.0).all()


# --------------------------------------------------------------------------- chapter tables
def sex_age_rows():
    return [
        # FRA: 60 women, 20 men, 15 girls, 5 boys -> 20 children of 100
        row("FRA", 2022, 100),
        row("FRA", 2022, 60, sex=FEMALE, age=ADULT),
        row("FRA", 2022, 20, sex=MALE, age=ADULT),
        row("FRA", 2022, 15, sex=FEMALE, age=CHILD),
        row("FRA", 2022, 5, sex=MALE, age=CHILD),
        # ITA: 95 men, 5 boys -> 5 children of 100
        row("ITA", 2022, 100),
        row("ITA", 2022, 95, sex=MALE, age=ADULT),
        row("ITA", 2022, 5, sex=MALE, age=CHILD),
        # FRA 2021: 10 women, 10 girls
        row("FRA", 2021, 20),
        row("FRA", 2021, 10, sex=FEMALE, age=ADULT),
        row("FRA", 2021, 10, sex=FEMALE, age=CHILD),
    ]


def test_children_with_and_without_one_member_state():
    df = pd.DataFrame(sex_age_rows())
    t = eu.children_without(df, "ITA", [2021, 2022])
    assert t.loc[2022, "all member states"] == pytest.approx(100 * 25 / 200)
    assert t.loc[2022, "without ITA"] == pytest.approx(20.0)
    assert t.loc[2021, "without ITA"] == pytest.approx(50.0)
    assert t.loc[2022, "ITA victims of known sex and age"] == 100
    assert t.loc[2022, "ITA children (%)"] == pytest.approx(5.0)
    assert math.isnan(t.loc[2021, "ITA children (%)"])
    # pooled over both years: 35 children of 220 victims of known sex and age
    assert eu.children_pooled_pct(df, [2021, 2022]) == pytest.approx(100 * 35 / 220)


def test_victims_series_and_rate_per_million():
    df = pd.DataFrame(
        [
            row("FRA", 2022, 100),
            row("DEU", 2022, None),  # "<5" total, breakdown of 30
            row("DEU", 2022, 30, DIM_FORM, SEXUAL),
            row("NOR", 2022, 1000),  # not a member
        ]
    )
    series = eu.victims_series(df, eu_figures.eu_subset(df))
    assert series.loc[2022, "total"] == 100 and series.loc[2022, "n_countries"] == 1
    assert series.loc[2022, "upper (<5 = 4)"] == 104
    assert series.loc[2022, "completed"] == 130
    population = pd.Series({"FRA": 2e6, "DEU": 8e6})
    assert eu.reporting_rate_per_million(df, population, 2022) == pytest.approx(50.0)


def test_eurostat_shares_and_short_totals():
    shares = eu.eurostat_shares(published_stub(), {"FL": "forced_labour_share"})
    assert shares["FL"].to_dict() == {2023: 31.0}
    checks = pd.DataFrame(
        {
            "iso3": ["DEU", "FRA"],
            "country": ["Germany", "France"],
            "year": [2022, 2018],
            "check": ["form_sum_exceeds_total"] * 2,
            "breakdown_sum": [30, 5],
            "total": [4, 1],
            "excess": [26, 4],
        }
    )
    out = eu.short_totals(checks, 2019)
    assert out["country"].tolist() == ["Germany"] and out["year"].tolist() == ["2022"]
    assert "Member state" in eu.readable(out).columns
    # the check is named in words, not by its code name
    assert out["check"].tolist() == ["Forms add up to more than the total"]


def test_member_names():
    assert eu.member_names(["DEU", "CZE"]) == ["Germany", "Czechia"]


def test_scaled_comparisons():
    from types import SimpleNamespace

    rows = [
        SimpleNamespace(key="b (not recorded)", published=19, reproduced=14.5),
        SimpleNamespace(key="a", published=10_000, reproduced=8_500),
        SimpleNamespace(key="other", published=1, reproduced=1),
    ]
    t = eu.scaled_comparisons(rows, {"a": ("Victims (thousands)", 1e-3), "b": ("Children (%)", 1)})
    assert t.values.tolist() == [["Victims (thousands)", 10.0, 8.5], ["Children (%)", 19, 14.5]]


def test_totals_by_basis_and_registered_figures():
    current = pd.DataFrame(
        [row("FRA", 2022, 100), row("ITA", 2022, 50), row("NOR", 2022, 1000), row("FRA", 2021, 7)]
    )
    basis = current[current["iso3"] != "ITA"]
    t = eu.totals_by_basis({"current": current, "basis": basis}, [2021, 2022])
    assert t.loc[2022].tolist() == [150.0, 100.0]  # Norway is not a member state
    assert t.loc[2021].tolist() == [7.0, 7.0]
    assert figures.evaluate("eu_victims_2022", basis) == 100.0
    assert figures.evaluate("eu_victims_2022", current) == 150.0
    assert figures.evaluate("eu_reporting_states_2022", current) == 2
    assert figures.evaluate("eu_victims_2022", current, countries=["NOR"]) == 1000.0
    ages = pd.DataFrame(sex_age_rows())
    assert figures.evaluate("eu_children_share_2022_pct", ages) == pytest.approx(100 * 25 / 200)


def test_switch_table_columns_have_plain_names():
    # every rule-switch column is named in words, the reproduction and re-analysis as the book says
    assert set(eu.SWITCH_LABELS) == set(eu.SWITCHES)
    assert eu.SWITCH_LABELS["all rules (main)"] == "Reproduction (report's data)"
    assert not [v for v in eu.SWITCH_LABELS.values() if "(main)" in v or "current release" in v]
