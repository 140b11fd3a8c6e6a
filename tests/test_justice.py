"""Tests for tiptrends.analyses.justice: hand-made tables with known answers, then real-data smoke tests."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.tables import curated_row
from tiptrends.analyses import justice as j
from tiptrends.methods import figures
from tiptrends.vocab import (
    CONVICTED,
    FEMALE,
    MALE,
    OTHER_SEX,
    PROSECUTED,
    TOTAL,
    VICTIMS,
)

CHANGE, PER100 = j.CHANGE_KEY, j.PER100_KEY


def row(iso3, year, indicator, value, sex=TOTAL):
    """One country-total row of ``indicator``; a string value (``"<5"``) is suppressed."""
    place = (f"Country {iso3}", "Europe", "Southern Europe")
    return curated_row(iso3, year, value, sex=sex, indicator=indicator, place=place)


@pytest.fixture
def toy() -> pd.DataFrame:
    return pd.DataFrame(
        [
            row("AAA", 2022, VICTIMS, 100),
            row("AAA", 2022, CONVICTED, 10),
            row("AAA", 2022, PROSECUTED, 40),
            row("BBB", 2022, VICTIMS, 300),
            row("BBB", 2022, CONVICTED, 60),
            row("CCC", 2022, CONVICTED, 500),  # no victims reported: not matched
            row("DDD", 2022, VICTIMS, 50),
            row("DDD", 2022, CONVICTED, "<5"),
            row("AAA", 2022, CONVICTED, 7, sex=FEMALE),
            row("AAA", 2022, CONVICTED, 3, sex=MALE),
            row("BBB", 2022, CONVICTED, 20, sex=FEMALE),
            row("BBB", 2022, CONVICTED, 30, sex=MALE),
            row("BBB", 2022, CONVICTED, 10, sex=OTHER_SEX),
            row("AAA", 2020, CONVICTED, 20),
            row("BBB", 2020, CONVICTED, 100),
            row("AAA", 2020, CONVICTED, "<5", sex=FEMALE),
        ]
    )


def test_justice_counts_wide(toy):
    c = j.justice_counts(toy).set_index(["iso3", "year"])
    assert list(c.columns[-4:]) == ["formal_contact", "prosecuted", "convicted", "victims"]
    assert c.loc[("AAA", 2022), "convicted"] == 10
    assert math.isnan(c.loc[("DDD", 2022), "convicted"])
    assert math.isnan(c.loc[("CCC", 2022), "victims"])
    imp = j.justice_counts(toy, suppressed="impute").set_index(["iso3", "year"])
    assert imp.loc[("DDD", 2022), "convicted"] == 2.5


def test_matched_ratio_uses_only_countries_reporting_both(toy):
    c = j.justice_counts(toy)
    r = j.matched_ratio(c, "convicted", "victims").set_index("year")
    assert r.loc[2022, "n_countries"] == 2
    assert r.loc[2022, "ratio"] == pytest.approx(100 * 70 / 400)
    assert r.loc[2022, "median_country_ratio"] == pytest.approx((10.0 + 20.0) / 2)
    assert 2020 not in r.index  # no victims in 2020
    # the registered 2022 figure is the same pooled matched ratio
    assert figures.evaluate(PER100, toy) == pytest.approx(17.5)
    assert figures.evaluate(PER100, toy, suppressed="impute") == pytest.approx(100 * 72.5 / 450)
    assert figures.evaluate(PER100, toy, countries=["BBB"]) == pytest.approx(20.0)
    assert math.isnan(figures.evaluate(PER100, toy[toy["year"] == 2020]))
    att = j.matched_ratio(c, "convicted", "prosecuted").set_index("year")
    assert att.loc[2022, "ratio"] == pytest.approx(25.0)


def test_totals_by_year(toy):
    t = j.totals_by_year(j.justice_counts(toy), ["convicted"]).set_index("year")
    assert t.loc[2022, "total"] == 570 and t.loc[2022, "n_countries"] == 3
    assert t.loc[2020, "total"] == 120


def test_sex_of_persons(toy):
    s = j.sex_of_persons(toy).set_index("year")
    assert s.loc[2022, "n_persons"] == 70
    assert s.loc[2022, "female_pct"] == pytest.approx(100 * 27 / 70)
    assert s.loc[2022, "other_pct"] == pytest.approx(100 * 10 / 70)
    assert s.loc[2022, "n_countries"] == 2
    assert 2020 not in s.index  # only a suppressed cell under "exclude"
    s_up = j.sex_of_persons(toy, suppressed="upper").set_index("year")
    assert s_up.loc[2020, "female_pct"] == pytest.approx(100.0)


@pytest.fixture
def ctdc() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "majority_status": ["Adult", "Adult", "Minor", "Minor", None],
            "is_sexual_exploit": [True, False, True, False, False],
            "is_forced_labour": [False, True, True, False, False],
            "ip_gender": ["Male", "Female;Male", None, "Female", "Male"],
            "ip_relation": [
                "FriendAcquaintance",
                "FriendAcquaintance;StrangerUnknownOther",
                None,
                "FamilyIntimatePartner",
                "StrangerUnknownOther",
            ],
            "ip_exploiter": [True, False, True, False, False],
            "ip_recruiter_broker": [True, True, False, False, False],
            "ip_transaction_process": [False] * 5,
            "ip_control_abuse_kidnap": [False, False, False, False, True],
        }
    )


def test_ctdc_exploitation_type(ctdc):
    assert j.ctdc_exploitation_type(ctdc).tolist() == [
        "Sexual exploitation",
        "Forced labour",
        "Both",
        "Not recorded",
        "Not recorded",
    ]


def test_ctdc_mentions(ctdc):
    m = j.ctdc_mentions(ctdc, "ip_relation", min_records=1).set_index("code")
    assert m.loc["FriendAcquaintance", "n_mentions"] == 2
    assert m.loc["StrangerUnknownOther", "share_known_pct"] == pytest.approx(50.0)
    assert m.loc["StrangerUnknownOther", "share_all_pct"] == pytest.approx(40.0)
    by = j.ctdc_mentions(ctdc, "ip_relation", by="majority_status", min_records=1)
    assert set(by["group"]) == {"Adult", "Minor", "Not recorded"}
    small = j.ctdc_mentions(ctdc, "ip_relation", min_records=30)
    assert small["share_known_pct"].isna().all()


def test_ctdc_perpetrator_sex_and_roles(ctdc):
    s = j.ctdc_perpetrator_sex(ctdc, min_records=1).iloc[0]
    assert s["male_only_pct"] == pytest.approx(50.0)
    assert s["female_and_male_pct"] == pytest.approx(25.0)
    assert s["unknown_pct"] == pytest.approx(20.0)
    r = j.ctdc_role_shares(ctdc, min_records=1).set_index("role")
    assert r.loc["recruiter or broker", "share_pct"] == pytest.approx(40.0)
    assert r.loc["control, abuse or kidnap", "n_flagged"] == 1


# --------------------------------------------------------------------------- real data
def test_real_justice_chain(glotip_2025):
    c = j.justice_counts(glotip_2025)
    r = j.matched_ratio(c, "convicted", "victims").set_index("year")
    # the value notebook 05 records as convictions_per_100_victims_2022 (2025 release)
    assert r.loc[2022, "n_countries"] == 48
    assert r.loc[2022, "ratio"] == pytest.approx(6.029987443681217, rel=1e-9)
    s = j.sex_of_persons(glotip_2025).set_index("year")
    assert s[["female_pct", "male_pct", "other_pct"]].sum(axis=1).to_numpy() == pytest.approx(100.0)
    assert s.loc[2022, "n_countries"] == 39 and s.loc[2022, "n_persons"] == 3083
    assert s.loc[2022, "female_pct"] == pytest.approx(29.030165, abs=1e-6)


def test_real_ctdc_summaries(ctdc_curated):
    c = ctdc_curated
    s = j.ctdc_perpetrator_sex(c).iloc[0]
    assert s["n_records"] == len(c) == 21195
    assert s["n_known"] == 15787
    assert s["male_only_pct"] == pytest.approx(62.203078, abs=1e-6)
    assert s[["male_only_pct", "female_only_pct", "female_and_male_pct"]].sum() == (
        pytest.approx(100.0)
    )
    m = j.ctdc_mentions(c, "ip_relation")
    assert (m["share_known_pct"] >= m["share_all_pct"]).all()


# --------------------------------------------------------------------------- moved from notebook 05
def _jc():
    return pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "DDD", "AAA"],
            "country": ["Country AAA", "Country BBB", "Country CCC", "Country DDD", "Country AAA"],
            "year": [2022, 2022, 2022, 2022, 2021],
            "convicted": [10.0, 5.0, math.nan, 3.0, 1.0],
            "victims": [100.0, 20.0, 50.0, 0.0, 10.0],
        }
    )


def test_matched_rows_and_ratio_influence_known_values():
    m = j.matched_rows(_jc(), "convicted", "victims", 2022)
    assert m["iso3"].tolist() == ["AAA", "BBB"]  # CCC lacks convictions, DDD has 0 victims
    infl = j.ratio_influence(_jc(), "convicted", "victims", 2022)
    assert infl["iso3"].tolist() == ["AAA", "BBB"]
    assert infl["estimate_all"].tolist() == pytest.approx([12.5, 12.5])  # 15 / 120
    assert infl["estimate_without"].tolist() == pytest.approx([25.0, 10.0])
    assert infl["effect"].tolist() == pytest.approx([-12.5, 2.5])
    assert infl[["country", "convicted", "victims"]].iloc[1].tolist() == ["Country BBB", 5.0, 20.0]
    assert j.ratio_influence(_jc(), "convicted", "victims", 2022, per=1)["estimate_all"].iloc[
        0
    ] == (pytest.approx(0.125))


def test_ratio_alternatives_known_values():
    g = pd.DataFrame(
        [
            row("AAA", 2022, CONVICTED, 10),
            row("AAA", 2022, VICTIMS, 100),
            row("BBB", 2022, CONVICTED, "<5"),
            row("BBB", 2022, VICTIMS, 20),
        ]
    )
    t = j.ratio_alternatives({"all": g, "AAA only": g[g["iso3"] == "AAA"]}, 2022)
    assert t.index.names == ["data", "suppressed"]
    assert t.loc[("all", "exclude"), "ratio"] == pytest.approx(10.0)
    assert t.loc[("all", "exclude"), "n_countries"] == 1
    assert t.loc[("all", "impute"), "ratio"] == pytest.approx(100 * 12.5 / 120)
    assert t.loc[("all", "lower"), "ratio"] == pytest.approx(100 * 11 / 120)
    assert t.loc[("all", "upper"), "ratio"] == pytest.approx(100 * 14 / 120)
    assert t.loc[("all", "upper"), "median_country_ratio"] == pytest.approx(15.0)  # of 10 and 20
    assert t.loc[("AAA only", "impute"), "ratio"] == pytest.approx(10.0)
    none = j.ratio_alternatives({"all": g}, 2021, policies=["exclude"])
    assert math.isnan(none["ratio"].iloc[0]) and none["n_countries"].iloc[0] == 0


# --------------------------------------------------------------------------- chapter tables
def test_chain_table(toy):
    totals = j.totals_by_year(j.justice_counts(toy), ["convicted", "victims"])
    t = j.chain_table(totals, [2020, 2022])
    assert list(t.index) == [
        "Convicted",
        "Detected victims",
        "Convicted (countries)",
        "Detected victims (countries)",
    ]
    assert t.loc["Convicted", "2022"] == 570 and t.loc["Convicted", "2020"] == 120
    assert t.loc["Detected victims (countries)", "2022"] == 3
    assert math.isnan(t.loc["Detected victims", "2020"])


def test_ratio_series_and_tables(toy):
    c = j.justice_counts(toy)
    ratio = j.matched_ratio(c, "convicted", "victims")
    both = j.pooled_and_median(ratio, from_year=2020)
    assert both.set_index("series").loc["Pooled", "ratio"] == pytest.approx(17.5)
    assert both.set_index("series").loc["Median of countries", "ratio"] == pytest.approx(15.0)
    t = j.attrition_table(
        {"cv": ratio, "cp": j.matched_ratio(c, "convicted", "prosecuted")}, from_year=2020
    )
    assert t.loc[2022, "cv: countries"] == 2 and t.loc[2022, "cp: pooled"] == pytest.approx(25.0)
    sex = j.sex_table({"Convicted": j.sex_of_persons(toy)}, from_year=2020)
    assert sex.loc[2022, "Convicted: women (%)"] == pytest.approx(100 * 27 / 70)


def test_conviction_changes_and_rows(toy):
    changes = j.conviction_changes(
        {"r": toy}, bases=[2020], end=2022, policies=["exclude", "impute"]
    )
    assert set(changes["country_set"]) == set(j.COUNTRY_SET_LABELS.values())
    trend = j.change_row(changes, "r", "2020-2022")
    # trend panel (default): AAA 20 -> 10, BBB 100 -> 60, CCC only in 2022 (500), carried
    # back to 2020: 620 -> 570
    assert trend["total_y0"] == 620 and trend["total_y1"] == 570
    assert trend["pct_change"] == pytest.approx(100 * (570 / 620 - 1))
    matched = j.change_row(changes, "r", "2020-2022", "matched endpoints")
    # AAA and BBB convicted in both years: 120 -> 70
    assert matched["total_y0"] == 120 and matched["total_y1"] == 70
    assert matched["pct_change"] == pytest.approx(100 * (70 / 120 - 1))
    open_set = j.change_row(changes, "r", "2020-2022", "unmatched (all reporters)")
    # all reporters of 2022: AAA 10, BBB 60, CCC 500 (DDD's "<5" left out)
    assert open_set["total_y1"] == 570 and open_set["n_countries"] == 3
    imputed = j.change_row(
        changes, "r", "2020-2022", "unmatched (all reporters)", suppressed="impute"
    )
    assert imputed["total_y1"] == 572.5
    table = j.change_table(changes)
    assert table.loc[("2020-2022", "r", "exclude"), "matched endpoints"] == pytest.approx(
        matched["pct_change"]
    )
    with pytest.raises(KeyError):
        j.change_row(changes, "r", "2017-2022")


def test_role_and_relation_tables(ctdc):
    roles = j.role_table(ctdc, min_records=1)
    assert roles.loc["recruiter or broker", "all records"] == pytest.approx(40.0)
    # sexual exploitation only: record 0 (recruiter) -> 1 of 1
    assert roles.loc["recruiter or broker", "Sexual exploitation"] == pytest.approx(100.0)
    rel = j.relation_table(ctdc, min_records=1)
    assert list(rel.index) == list(j.RELATION_LABELS.values())
    # adults: 2 records with a known relation, both name a friend or acquaintance
    assert rel.loc["Friend / acquaintance", "Adult"] == pytest.approx(100.0)
    assert rel.loc["Family / intimate partner", "Minor"] == pytest.approx(100.0)
    assert math.isnan(rel.loc["Stranger / other", "Minor"])
    assert j.relation_table(ctdc)["Adult"].isna().all()  # fewer than 30 known records


def test_registered_change_in_convictions_on_each_panel():
    # 2017-2020: AAA 20 -> 10, BBB 100 -> 60, CCC only in 2020 (500, carried back)
    t = pd.DataFrame(
        [
            row("AAA", 2017, CONVICTED, 20),
            row("AAA", 2020, CONVICTED, 10),
            row("BBB", 2017, CONVICTED, 100),
            row("BBB", 2020, CONVICTED, 60),
            row("CCC", 2020, CONVICTED, 500),
        ]
    )
    assert figures.evaluate(CHANGE, t) == pytest.approx(100 * (570 / 620 - 1))
    assert figures.evaluate(CHANGE, t, panel="matched") == pytest.approx(100 * (70 / 120 - 1))
    with pytest.raises(ValueError):
        figures.evaluate(CHANGE, t, panel="nonsense")


def test_per100_is_recorded_on_the_report_basis(glotip_2025, glotip_2023):
    """Inconsistency: the main key held the current release's ratio (6.03 per 100) although
    every other main key holds the report basis. The registered main value is the report
    basis's matched ratio; the current release's is the ``_current_release`` value."""
    for basis in figures.BASES:
        c = j.justice_counts(figures.table(basis))
        ratio = j.matched_ratio(c, "convicted", "victims", years=[2022])["ratio"].iloc[0]
        assert figures.value(PER100, basis) == pytest.approx(ratio, rel=1e-12)
    # the bases differ by Pakistan's restated victims, left out of the report basis
    assert figures.value(PER100) > figures.value(PER100, "current") + 1


def test_chapter_has_no_figure_registry():
    assert not hasattr(j, "rule_figures") and not hasattr(j, "conviction_change_pct")
    assert set(j.SWITCHES["all rules (main)"]) == set()
    t = figures.switch_table([CHANGE, PER100], {"matched": {"panel": "matched"}}, labels=False)
    assert t.loc[PER100, "matched"] == figures.NO_EFFECT


def test_per_100_has_the_recorded_precision():
    # prose shows a ratio per 100 with the recorded figure's decimals, never two ("6.03")
    assert j.per_100(6.0349) == "6.0"
    assert j.per_100(32.02) == "32.0"
    assert figures.figure(j.PER100_KEY).precision == 1


def test_switch_table_columns_have_plain_names():
    # every rule-switch column is named in words, the reproduction and re-analysis as the book says
    assert set(j.SWITCH_LABELS) == set(j.SWITCHES)
    assert j.SWITCH_LABELS["all rules (main)"] == "Reproduction (report's data)"
    assert not [v for v in j.SWITCH_LABELS.values() if "(main)" in v or "current release" in v]
