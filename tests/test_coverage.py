"""Tests for tiptrends.analyses.coverage: hand-made tables with known answers, then real-data smoke tests."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.tables import counts_table, curated_row
from tiptrends.analyses import coverage as C
from tiptrends.io import data
from tiptrends.methods import panels
from tiptrends.methods.figures import victims
from tiptrends.vocab import (
    ADULT,
    CHILD,
    DIM_CITIZENSHIP,
    DIM_FORM,
    DIM_TOTAL,
    FEMALE,
    FORCED_LABOUR,
    MALE,
    OTHER_FORMS,
    SEXUAL,
    TOTAL,
    VICTIMS,
)


def row(iso3, year, value, *args, **kwargs):
    """One curated row (arguments of ``tests.tables.curated_row``); value None is a "<5"."""
    place = (f"Country {iso3}", "Europe", "Southern Europe")
    return curated_row(iso3, year, value, *args, place=place, **kwargs)


def table(rows):
    return pd.DataFrame(rows)


@pytest.fixture
def small():
    """Three countries over 2019-2022 with known coverage and suppression."""
    rows = [
        # AAA: total every year, form 2022 (with a "<5"), sex x age 2022
        *[row("AAA", y, 100 + y - 2019) for y in (2019, 2020, 2021, 2022)],
        row("AAA", 2022, 60, DIM_FORM, SEXUAL),
        row("AAA", 2022, None, DIM_FORM, FORCED_LABOUR),
        row("AAA", 2022, 30, DIM_TOTAL, TOTAL, FEMALE, ADULT),
        row("AAA", 2022, 20, DIM_TOTAL, TOTAL, MALE, CHILD),
        row("AAA", 2022, 50, DIM_TOTAL, TOTAL, FEMALE, TOTAL),  # sex total: no breakdown
        # BBB: total 2019 and 2022 only; only a "<5" form placeholder in 2022
        row("BBB", 2019, 200),
        row("BBB", 2022, 300),
        row("BBB", 2022, None, DIM_FORM, OTHER_FORMS),
        # CCC: suppressed total in 2022, citizenship in 2022
        row("CCC", 2022, None),
        row("CCC", 2022, 7, DIM_CITIZENSHIP, "Domestic"),
        # an aggregate row that must be ignored
        {**row("ZZZ", 2022, 999), "is_aggregate": True},
    ]
    return table(rows)


def test_breakdown_of_labels_rows(small):
    b = C.breakdown_of(small)
    assert b.iloc[0] == "total"
    keys = zip(small["iso3"], small["dimension"], small["sex"], small["age"], strict=True)
    got = dict(zip(keys, b, strict=True))
    assert got[("AAA", DIM_FORM, TOTAL, TOTAL)] == "form"
    assert got[("AAA", DIM_TOTAL, FEMALE, ADULT)] == "sex_age"
    assert got[("AAA", DIM_TOTAL, FEMALE, TOTAL)] is None
    assert got[("CCC", DIM_CITIZENSHIP, TOTAL, TOTAL)] == "citizenship"


def test_countries_reporting_counts_suppressed_rows_unless_asked(small):
    units = victims.reporting_units(small)
    assert "ZZZ" not in set(units["iso3"])
    any_row = C.countries_reporting(units, years=[2019, 2022])
    assert any_row.loc[2022, "total"] == 3  # AAA, BBB and CCC's "<5"
    assert any_row.loc[2022, "form"] == 2  # AAA and BBB's placeholder
    assert any_row.loc[2019, "total"] == 2
    assert any_row.loc[2019, "form"] == 0
    with_value = C.countries_reporting(units, require_value=True, years=[2022])
    assert with_value.loc[2022, "total"] == 2
    assert with_value.loc[2022, "form"] == 1
    assert with_value.loc[2022, "sex_age"] == 1
    assert with_value.loc[2022, "citizenship"] == 1


def test_population_coverage_uses_whole_population_as_denominator(small):
    units = victims.reporting_units(small)
    pop = pd.Series({"AAA": 10.0, "BBB": 30.0, "CCC": 60.0, "DDD": 100.0})
    cov = C.population_coverage(units, pop, require_value=True, years=[2019, 2022])
    assert cov.loc[2022, "total"] == pytest.approx(100 * 40 / 200)
    assert cov.loc[2019, "total"] == pytest.approx(100 * 40 / 200)
    assert cov.loc[2022, "form"] == pytest.approx(100 * 10 / 200)
    cov_any = C.population_coverage(units, pop, years=[2022])
    assert cov_any.loc[2022, "total"] == pytest.approx(50.0)


def test_suppression_summary_and_share(small):
    assert C.suppressed_share_pct(small) == pytest.approx(100 * 3 / len(small))
    s = C.suppression_summary(small, by=["year"]).set_index("year")
    assert s.loc[2019, "suppressed"] == 0
    assert s.loc[2022, "suppressed"] == 3
    assert s.loc[2022, "suppressed_pct"] == pytest.approx(100 * 3 / s.loc[2022, "cells"])
    overall = C.suppression_summary(small, by=[])
    assert int(overall["cells"].iloc[0]) == len(small)
    assert math.isnan(C.suppressed_share_pct(small.iloc[0:0]))


def test_inventory_counts_rows_and_countries(small):
    inv = C.inventory(small).set_index(["indicator", "dimension"])
    tot = inv.loc[(VICTIMS, DIM_TOTAL)]
    assert tot["countries"] == 3  # the aggregate row is not a country
    assert tot["first_year"] == 2019 and tot["last_year"] == 2022
    assert inv.loc[(VICTIMS, DIM_FORM), "suppressed_pct"] == pytest.approx(100 * 2 / 3)


@pytest.fixture
def counts():
    return counts_table(
        {
            "AAA": {2019: 100.0, 2020: 50.0, 2021: 80.0, 2022: 200.0},  # in every set
            "BBB": {2019: 1000.0, 2022: 500.0},  # matched, not balanced
            "CCC": {2019: 40.0, 2020: 40.0},  # only the base year
            "DDD": {2022: 60.0},  # only the end year
        }
    )


def test_panel_changes_known_answers(counts):
    t = panels.panel_changes(counts, 2019, 2022)
    assert t.loc["open", "total_y0"] == 1140 and t.loc["open", "total_y1"] == 760
    assert t.loc["open", "n_y0"] == 3 and t.loc["open", "n_y1"] == 3
    assert t.loc["matched", "pct_change"] == pytest.approx(100 * (700 / 1100 - 1))
    assert t.loc["balanced", "pct_change"] == pytest.approx(100.0)
    assert t.loc["balanced", "n_y0"] == 1
    # interpolated needs both endpoints: same endpoints as matched
    assert t.loc["interpolated", "pct_change"] == pytest.approx(t.loc["matched", "pct_change"])


def test_panel_series_interpolates_inner_years(counts):
    s = panels.panel_series(counts, range(2019, 2023))
    assert s.loc[2020, "balanced"] == 50.0
    # BBB filled log-linearly between 1000 (2019) and 500 (2022)
    assert s.loc[2020, "interpolated"] == pytest.approx(50 + 1000 * 0.5 ** (1 / 3))
    assert s.loc[2021, "n_interpolated"] == 2
    assert s.loc[2022, "open"] == 760


@pytest.mark.parametrize("panel", panels.PANEL_KINDS)
def test_change_influence_matches_recomputation(counts, panel):
    infl = C.change_influence(counts, 2019, 2022, panel).set_index("iso3")
    full = panels.panel_changes(counts, 2019, 2022).loc[panel, "pct_change"]
    for iso in infl.index:
        without = panels.panel_changes(counts[counts["iso3"] != iso], 2019, 2022).loc[
            panel, "pct_change"
        ]
        assert infl.loc[iso, "change_without"] == pytest.approx(without, nan_ok=True)
        assert infl.loc[iso, "change_all"] == pytest.approx(full)
    with pytest.raises(ValueError):
        C.change_influence(counts, 2019, 2022, "nonsense")


def test_total_definitions_known_answers(small):
    t = C.total_definitions(small, 2022)
    assert t.loc["country_totals", "value"] == 103 + 300
    assert t.loc["country_totals", "n_countries"] == 2
    assert t.loc["country_totals_upper", "value"] == 103 + 300 + 4
    assert t.loc["known_sex_age", "value"] == 50  # women 30 + boys 20 (AAA)
    assert t.loc["known_form", "value"] == 60  # "<5" adds nothing
    assert t.loc["max_total_or_breakdown", "value"] == 103 + 300


def releases():
    old = table(
        [
            row("AAA", 2019, 100),
            row("AAA", 2019, 60, DIM_FORM, SEXUAL),
            row("BBB", 2019, 50),  # removed in the new release
            row("CCC", 2019, 10),
            row("CCC", 2019, None, DIM_FORM, OTHER_FORMS),
            row("DDD", 2019, 20),
        ]
    )
    new = table(
        [
            row("AAA", 2019, 120),
            row("AAA", 2019, 60, DIM_FORM, SEXUAL),  # total revised
            row("CCC", 2019, 10),  # only a placeholder dropped
            row("DDD", 2019, None),  # now "<5"
            row("EEE", 2019, 70),  # added
            row("EEE", 2019, 5, DIM_FORM, OTHER_FORMS),
            row("EEE", 2019, 3, DIM_FORM, OTHER_FORMS),
        ]
    )
    return old, new


def test_cell_values_sums_duplicate_rows():
    _, new = releases()
    cells = C.cell_values(new)
    eee = cells[(cells["iso3"] == "EEE") & (cells["dimension"] == DIM_FORM)]
    assert len(eee) == 1 and eee["value"].iloc[0] == 8


def test_compare_cells_and_country_years():
    old, new = releases()
    cells = C.compare_cells(C.cell_values(old), C.cell_values(new))
    st = cells.set_index(["iso3", "dimension"])["status"]
    assert st[("AAA", DIM_TOTAL)] == "revised"
    assert st[("AAA", DIM_FORM)] == "unchanged"
    assert st[("BBB", DIM_TOTAL)] == "removed"
    assert st[("DDD", DIM_TOTAL)] == "newly_suppressed"
    assert st[("EEE", DIM_TOTAL)] == "added"
    assert st[("CCC", DIM_FORM)] == "removed"
    ch = C.country_year_changes(cells).set_index(["iso3", "breakdown"])["status"]
    assert ch[("AAA", "total")] == "revised"
    assert ch[("AAA", "form")] == "unchanged"
    assert ch[("BBB", "total")] == "removed"
    assert ch[("CCC", "form")] == "removed"  # every cell of the breakdown gone
    assert ch[("CCC", "total")] == "unchanged"
    assert ch[("DDD", "total")] == "revised"
    assert ch[("EEE", "form")] == "added"
    summary = C.change_summary(C.country_year_changes(cells))
    assert summary.loc[("total", 2019), "revised"] == 2
    assert summary.loc[("total", 2019)].sum() == 5


def test_placeholder_only_status():
    old = table(
        [row("AAA", 2019, 10, DIM_FORM, SEXUAL), row("AAA", 2019, None, DIM_FORM, OTHER_FORMS)]
    )
    new = table([row("AAA", 2019, 10, DIM_FORM, SEXUAL)])
    ch = C.country_year_changes(C.compare_cells(C.cell_values(old), C.cell_values(new)))
    assert ch["status"].tolist() == ["placeholder_only"]
    assert ch["n_changed"].tolist() == [0]


def test_headline_by_release_and_revisions():
    old = table(
        [
            row("AAA", 2019, 100),
            row("AAA", 2019, 40, DIM_FORM, FORCED_LABOUR),
            row("AAA", 2019, 60, DIM_FORM, SEXUAL),
            row("AAA", 2019, 75, DIM_TOTAL, TOTAL, FEMALE, ADULT),
            row("AAA", 2019, 25, DIM_TOTAL, TOTAL, FEMALE, CHILD),
        ]
    )
    new = pd.concat(
        [old, table([row("BBB", 2019, 100), row("BBB", 2019, 100, DIM_FORM, FORCED_LABOUR)])]
    )
    h = C.headline_by_release({"old": old, "new": new}, [2019])
    hv = h.set_index("release")
    assert hv.loc["old", "victims_total"] == 100 and hv.loc["new", "victims_total"] == 200
    assert hv.loc["old", "forced_labour_share_pct"] == pytest.approx(40.0)
    assert hv.loc["new", "forced_labour_share_pct"] == pytest.approx(70.0)
    assert hv.loc["new", "children_share_pct"] == pytest.approx(25.0)
    r = C.headline_revisions(h, "old", "new")
    assert r.loc[2019, "victims_total_revision_pct"] == pytest.approx(100.0)
    assert r.loc[2019, "forced_labour_share_revision_pp"] == pytest.approx(30.0)
    assert r.loc[2019, "children_share_revision_pp"] == pytest.approx(0.0)


# --------------------------------------------------------------------------- real data
def test_real_suppression_and_reporting(glotip_2025):
    new = glotip_2025
    assert C.suppressed_share_pct(new) == pytest.approx(100 * 29_558 / 58_769)
    units = victims.reporting_units(new)
    rep = C.countries_reporting(units, years=[2022])
    assert rep.loc[2022, "total"] == 112
    assert C.countries_reporting(units, require_value=True, years=[2022]).loc[2022, "total"] == 100


def test_real_totals_and_panels(glotip_2025):
    from tiptrends.methods import aggregate

    new = glotip_2025
    defs = C.total_definitions(new, 2022)
    assert defs.loc["country_totals", "value"] == 75_128
    counts = aggregate.country_year_counts(new)
    t = panels.panel_changes(counts, 2019, 2022)
    assert t.loc["open", "total_y0"] == 82_291
    assert t.loc["matched", "n_y0"] <= min(t.loc["open", "n_y0"], t.loc["open", "n_y1"])
    assert t.loc["balanced", "n_y0"] <= t.loc["matched", "n_y0"]


def test_real_release_comparison(glotip_2025, glotip_2023, gsi):
    new, old = glotip_2025, glotip_2023
    cells = C.compare_cells(C.cell_values(old), C.cell_values(new))
    assert set(cells["status"]) <= {
        "added",
        "removed",
        "unchanged",
        "revised",
        "newly_suppressed",
        "unsuppressed",
    }
    # 2022 exists only in the new release
    assert (cells.loc[cells["year"] == 2022, "status"] == "added").all()
    pop = data.gsi_population(gsi)
    assert len(pop) == len(gsi)
    assert pop.index.is_unique


@pytest.fixture
def cons() -> pd.DataFrame:
    """consistency_checks output: AAA 2022 forms 1,542 and sex x age 1,287 vs a total of 4."""
    return pd.DataFrame(
        {
            "iso3": ["AAA", "AAA"],
            "year": [2022, 2022],
            "check": ["form_sum_exceeds_total", "sex_age_sum_exceeds_total"],
            "breakdown_sum": [1542.0, 1287.0],
            "total": [4.0, 4.0],
        }
    )


def test_exclusion_evidence_matches_diagnostic_rows(cons):
    excl = pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "DDD"],
            "years": ["2022", "all", "2019, 2020", "2022"],
            "scope": "all",
            "indicator": VICTIMS,
            "reason": "r",
            "diagnostic": [
                "consistency_checks: form_sum_exceeds_total",
                "jumps",
                "revisions",
                "nonexistent",
            ],
            "value": "v",
        }
    )
    jumps = pd.DataFrame(
        {
            "iso3": ["BBB"],
            "year": [2021],
            "prev_value": [10.0],
            "value": [500.0],
            "robust_z": [7.2],
            "flag": [True],
        }
    )
    revs = pd.DataFrame(
        {
            "iso3": ["CCC"],
            "year": [2021],
            "total_old": [1.0],
            "total_new": [2.0],
            "rel_revision": [1.0],
            "large": [False],
        }
    )
    ev = C.exclusion_evidence(excl, {"consistency_checks": cons, "jumps": jumps, "revisions": revs})
    ev = ev.set_index("iso3")
    assert ev.loc["AAA", "n_rows"] == 1
    assert ev.loc["AAA", "computed"] == "consistency_checks: 2022: form 1,542 vs total 4"
    assert ev.loc["AAA", "flagged"]
    assert ev.loc["BBB", "flagged"] and "robust z 7.2" in ev.loc["BBB", "computed"]
    assert (
        ev.loc["CCC", "n_rows"] == 0 and ev.loc["CCC", "computed"] == "revisions: no matching row"
    )
    assert not ev.loc["CCC", "flagged"]
    assert not ev.loc["DDD", "flagged"] and "not computed" in ev.loc["DDD", "computed"]


def test_exclusion_evidence_several_diagnostics(cons):
    excl = pd.DataFrame(
        {
            "iso3": ["AAA", "AAA"],
            "years": ["2022", "2022"],
            "scope": "all",
            "indicator": VICTIMS,
            "reason": "r",
            "value": "v",
            "diagnostic": [
                "consistency_checks: form_sum_exceeds_total and sex_age_sum_exceeds_total",
                "consistency_checks: sex_age_sum_exceeds_total; revisions",
            ],
        }
    )
    revs = pd.DataFrame(
        {
            "iso3": ["AAA"],
            "year": [2022],
            "total_old": [100.0],
            "total_new": [4.0],
            "rel_revision": [-0.96],
            "large": [True],
        }
    )
    ev = C.exclusion_evidence(excl, {"consistency_checks": cons, "revisions": revs})
    assert ev["n_rows"].tolist() == [2, 2]
    assert ev["flagged"].tolist() == [True, True]
    assert "sex x age 1,287 vs total 4" in ev["computed"].iloc[1]
    assert "revisions: 2022: 100 -> 4 (-96%)" in ev["computed"].iloc[1]
    only_cons = C.exclusion_evidence(excl.iloc[[1]], {"consistency_checks": cons})
    assert not only_cons["flagged"].iloc[0]  # revisions named but not computed


# --------------------------------------------------------------------------- moved from notebooks 01 and 10
def test_year_total_influence_known_values():
    c = counts_table(
        {"AAA": {2022: 60.0}, "BBB": {2022: 30.0}, "CCC": {2022: math.nan, 2021: 10.0}}
    )
    t = C.year_total_influence(c, 2022)
    assert t.columns[:2].tolist() == ["iso3", "country"]
    assert t["iso3"].tolist() == ["AAA", "BBB", "CCC"]
    assert t["estimate_all"].tolist() == [90.0] * 3
    assert t["effect"].tolist() == [60.0, 30.0, 0.0]
    assert t["share_of_total_pct"].tolist() == pytest.approx([200 / 3, 100 / 3, 0.0])
    assert t["country"].tolist() == ["AAA", "BBB", "CCC"]


def test_panel_changes_by_stacks_versions():
    c = counts_table({"AAA": {2019: 100.0, 2022: 150.0}, "BBB": {2019: 50.0}})
    t = C.panel_changes_by({"all": c, "no BBB": c[c["iso3"] != "BBB"]}, 2019, 2022)
    assert t.index.names == ["data", "panel"]
    assert t.loc[("all", "open"), "pct_change"] == pytest.approx(0.0)  # 150 -> 150
    assert t.loc[("no BBB", "open"), "pct_change"] == pytest.approx(50.0)
    pd.testing.assert_frame_equal(t.loc["all"], panels.panel_changes(c, 2019, 2022))


def test_open_panel_split_and_dropped_reporters():
    c = counts_table(
        {
            "AAA": {2019: 100.0, 2022: 150.0},
            "BBB": {2019: 50.0},
            "EEE": {2019: 70.0},
            "CCC": {2022: 20.0},
            "DDD": {2019: math.nan, 2022: 5.0},
        }
    )
    s = C.open_panel_split(c, 2019, 2022)
    assert s.to_dict() == {
        "only in base year: countries": 2,
        "only in base year: total": 120.0,
        "only in end year: countries": 2,
        "only in end year: total": 25.0,
        "matched: base-year total": 100.0,
        "matched: end-year total": 150.0,
    }
    # the open-set totals are the matched plus the one-year parts
    ch = panels.panel_changes(c, 2019, 2022).loc["open"]
    assert ch["total_y0"] == s["only in base year: total"] + s["matched: base-year total"]
    assert ch["total_y1"] == s["only in end year: total"] + s["matched: end-year total"]
    d = C.dropped_reporters(c, 2019, 2022)
    assert d.to_dict("list") == {
        "iso3": ["EEE", "BBB"],
        "country": ["EEE", "BBB"],
        "value": [70.0, 50.0],
    }
    assert C.dropped_reporters(c, 2019, 2022, n=1)["iso3"].tolist() == ["EEE"]
    assert C.dropped_reporters(c, 2022, 2019)["iso3"].tolist() == ["CCC", "DDD"]


def test_matched_revisions_known_values():
    revs = pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "AAA", "DDD"],
            "year": [2019, 2019, 2019, 2020, 2020],
            "total_old": [100.0, 50.0, math.nan, 10.0, 40.0],
            "total_new": [120.0, 50.0, 30.0, 5.0, math.nan],
            "status": ["both", "both", "only_new", "both", "only_old"],
        }
    )
    t = C.matched_revisions(revs)
    assert t.index.tolist() == [2019, 2020]
    assert t.loc[2019, ["total_old", "total_new"]].tolist() == [150.0, 170.0]  # CCC was added
    assert t.loc[2019, "revision_pct"] == pytest.approx(100 * (170 / 150 - 1))
    assert t.loc[2020, "revision_pct"] == pytest.approx(-50.0)  # DDD was removed
    assert t["country_years"].tolist() == [2, 1]
    assert C.matched_revisions(revs, years=[2020]).index.tolist() == [2020]


def test_exclusion_evidence_by_release_uses_each_release_diagnostics() -> None:
    table = pd.DataFrame(
        {
            "iso3": ["AAA", "BBB"],
            "years": ["2020", "2020"],
            "releases": ["2025-04-14", "2023-05-30, 2025-04-14"],
            "scope": ["all", "all"],
            "indicator": ["v", "v"],
            "reason": ["r", "r"],
            "diagnostic": ["jumps", "jumps"],
            "value": ["x", "x"],
        }
    )
    hit = pd.DataFrame(
        {
            "iso3": ["AAA", "BBB"],
            "year": [2020, 2020],
            "prev_value": [1.0, 1.0],
            "value": [9.0, 9.0],
            "robust_z": [5.0, 5.0],
            "flag": [True, False],
        }
    )
    out = C.exclusion_evidence_by_release(
        table,
        {"2025-04-14": {"jumps": hit}, "2023-05-30": {"jumps": hit.iloc[1:].assign(flag=True)}},
    )
    assert list(zip(out["release"], out["iso3"], out["flagged"], strict=True)) == [
        ("2025-04-14", "AAA", True),
        ("2025-04-14", "BBB", False),
        ("2023-05-30", "BBB", True),
    ]


# --------------------------------------------------------------------------- chapter 01 tables
@pytest.fixture
def two_versions(counts):
    """``counts`` as the main version and a version with one more country (EEE)."""
    more = pd.concat([counts, counts_table({"EEE": {2019: 10.0, 2022: 30.0}})], ignore_index=True)
    return {"nothing excluded": more, "with exclusions": counts}


def test_world_series_sums_each_version_and_leaves_one_out(two_versions):
    s = C.world_series(two_versions, leave_out="BBB")
    assert s.columns.tolist() == ["nothing excluded", "with exclusions", "countries", "without BBB"]
    assert s.loc[2019].tolist() == [1150.0, 1140.0, 3, 140.0]
    assert s.loc[2022].tolist() == [790.0, 760.0, 3, 260.0]
    assert s.loc[2021, "countries"] == 1


def test_region_totals_and_table():
    c = counts_table({"AAA": {2017: 5.0, 2018: 1000.0}, "BBB": {2018: 7.0}})
    c.loc[c["iso3"] == "BBB", "region"] = "Q"
    t = C.region_totals(c, "m49_region")
    assert t.loc["R"].tolist() == [5.0, 1000.0] and t.loc["Q"].tolist() == [0.0, 7.0]
    assert C.region_table(c, "m49_region").loc["R"].tolist() == ["5 (1)", "1,000 (1)"]
    assert C.region_table(c, "m49_region").loc["Q", 2017] == "0 (0)"


def test_panel_change_table_and_matched_change(two_versions):
    t = C.panel_change_table(two_versions, [2019], 2022)
    assert t.columns.tolist() == [2019, "countries 2019"]
    # with exclusions, matched: AAA + BBB, 1100 -> 700
    assert t.loc[("with exclusions", "matched"), 2019] == pytest.approx(100 * (700 / 1100 - 1))
    # nothing excluded adds EEE 10 -> 30 to the matched set
    assert t.loc[("nothing excluded", "matched"), 2019] == pytest.approx(100 * (730 / 1110 - 1))
    assert t.loc[("with exclusions", "open"), "countries 2019"] == 3
    counts = two_versions["with exclusions"]
    assert C.matched_change(counts, 2019, 2022, leave_out=["BBB"]) == pytest.approx(100.0)
    assert C.matched_change(counts, 2019, 2022, "open") == pytest.approx(100 * (760 / 1140 - 1))


def test_panel_index_starts_at_100_and_reports_set_sizes(counts):
    index, sizes = C.panel_index(counts, range(2019, 2023))
    assert index.loc[2019].tolist() == [100.0, 100.0, 100.0]
    assert index.loc[2022, "balanced"] == pytest.approx(200.0)  # AAA 100 -> 200
    assert index.loc[2022, "open"] == pytest.approx(100 * 760 / 1140)
    assert sizes.to_dict() == {"open": "1-3", "balanced": "1", "interpolated": "2"}


def test_change_sensitivity_variants(counts):
    old = counts_table({"AAA": {2019: 50.0}, "BBB": {2019: 1000.0}})
    t = C.change_sensitivity(counts, counts, old, [2019], 2022, leave_out=("BBB", "AAA"))
    assert t.loc["balanced, with exclusions", 2019] == pytest.approx(100.0)
    assert t.loc["matched, without BBB", 2019] == pytest.approx(100.0)
    assert math.isnan(t.loc["matched, without BBB and AAA", 2019])  # nothing left
    # base year from the old release: AAA 50 -> 200, BBB 1000 -> 500
    assert t.loc["matched, base year from the earlier release", 2019] == pytest.approx(
        100 * (700 / 1050 - 1)
    )
    assert t.loc["matched, base year from the earlier release, without BBB", 2019] == pytest.approx(
        300.0
    )


def test_reporter_effects_and_release_series(counts):
    e = C.reporter_effects(counts, [2019], 2022, iso3=["BBB"], panel="matched")
    # matched 1100 -> 700 (-36.4%); without BBB 100 -> 200 (+100%)
    assert e.loc["BBB", 2019] == pytest.approx(100 * (700 / 1100 - 1) - 100.0)
    assert e.loc["BBB", "share of end-year total (%)"] == pytest.approx(100 * 500 / 760)
    old = counts_table({"BBB": {2018: 3.0, 2019: 7.0}})
    r = C.release_series({"old": old, "new": counts}, "BBB", 2019)
    assert r.loc[2019].tolist() == [7.0, 1000.0]
    assert math.isnan(r.loc[2022, "old"]) and r.loc[2022, "new"] == 500.0


def test_definitions_against_adds_gaps(small):
    t = C.definitions_against({"all": pd.DataFrame(small)}, 2022, {"gap": 200.0})
    value = t.loc[("all", "country_totals"), "value"]
    assert t.loc[("all", "country_totals"), "gap"] == pytest.approx(100 * (value / 200 - 1))


# --------------------------------------------------------------------------- chapter 00 tables
def test_release_summary_counts_rows_countries_and_years(small):
    s = C.release_summary({"new": small, "half": small[small["year"] == 2022]})
    assert s.loc["new"].to_dict() == {
        "rows": len(small),
        "aggregate rows": 1,
        "countries": 3,
        "years": "2019-2022",
        "suppressed rows": 3,
    }
    assert s.loc["half", "years"] == "2022-2022"


def test_suppression_by_breakdown_names_breakdowns(small):
    s = C.suppression_by_breakdown(small).set_index("breakdown")
    # forms of AAA (one "<5") and BBB (a "<5" placeholder): 2 of 3 rows suppressed
    assert s.loc["By form", "suppressed"] == 2 and s.loc["By form", "cells"] == 3
    assert s.loc["Total", "suppressed"] == 1  # CCC's "<5" total; the aggregate is left out
    assert s.loc[C.OTHER_ROWS, "cells"] == 1  # AAA's sex total
    assert "ZZZ" not in s.index


def test_window_coverage_counts_numbers_and_placeholders(small):
    units = victims.reporting_units(small)
    w = victims.window_coverage(units, pd.Series({"AAA": 10.0, "BBB": 30.0, "CCC": 60.0}))
    # every country has a number in 2019-2022 (CCC: its citizenship row)
    assert w["countries with a number"] == 3 and w["countries with any row"] == 3
    assert w["population with a number (%)"] == pytest.approx(100.0)
    only_2022_placeholders = units[~((units["iso3"] == "CCC") & units["has_value"])]
    w = victims.window_coverage(
        only_2022_placeholders, pd.Series({"AAA": 10.0, "BBB": 30.0, "CCC": 60.0})
    )
    assert w["countries with a number"] == 2 and w["countries with any row"] == 3
    assert w["population with a number (%)"] == pytest.approx(40.0)


def test_exclusion_effect_known_values():
    before = counts_table({"AAA": {2019: 100.0, 2020: 10.0}, "BBB": {2019: 50.0}})
    after = before[before["iso3"] != "BBB"]
    e = C.exclusion_effect(before, after, start=2019)
    assert e.loc[2019].tolist() == [150.0, 100.0, 2, 1, pytest.approx(100 * (100 / 150 - 1))]
    assert e.loc[2020, "change (%)"] == 0.0


def test_readable_renames_and_drops_codes():
    t = pd.DataFrame(
        {"iso3": ["AAA"], "country": ["Aland"], "year": [2020], "check": ["form_sum_exceeds_total"]}
    )
    out = C.readable(t)
    assert out.columns.tolist() == ["country", "year", "check"]
    assert out.iloc[0].tolist() == ["Aland", "2020", "form sum exceeds total"]


def test_exclusions_list_uses_names_and_words():
    evidence = pd.DataFrame(
        {
            "release": ["r"] * 2,
            "iso3": ["AAA", "QQQ"],
            "years": ["2020"] * 2,
            "scope": ["all"] * 2,
            "reason": ["why"] * 2,
            "value": ["v"] * 2,
            "computed": ["c"] * 2,
            "flagged": [True, False],
        }
    )
    out = C.exclusions_list(evidence, pd.Series({"AAA": "Aland"}))
    assert out["country"].tolist() == ["Aland", "QQQ"]
    assert out["flagged"].tolist() == ["yes", "no"]
    assert out.columns.tolist() == list(C.EXCLUSION_COLUMNS.values())


def test_release_diagnostics_keys(glotip_2025, glotip_2023):
    tables = C.release_diagnostics({"old": glotip_2023, "new": glotip_2025})
    assert list(tables) == ["new", "old"]
    assert set(tables["new"]) == {
        "consistency_checks",
        "revisions",
        "jumps",
        "influence",
        "citizenship_consistency",
    }
    assert tables["old"]["revisions"] is tables["new"]["revisions"]


# --------------------------------------------------------------------------- chapter 10 tables
def test_cell_status_table_and_recent_changes():
    old, new = releases()
    cells = C.compare_cells(C.cell_values(old), C.cell_values(new))
    t = C.cell_status_table(cells, 2019)
    # totals: AAA revised, BBB removed, CCC unchanged, DDD newly suppressed, EEE added
    assert t.loc["Total"].to_dict() == {
        "unchanged": 1,
        "revised": 1,
        "added": 1,
        "removed": 1,
        "newly suppressed": 1,
        "all": 5,
    }
    assert t.loc["By form", "all"] == 3  # AAA unchanged, CCC removed, EEE added
    assert C.cell_status_table(cells, 2018).empty
    recent = C.recent_changes(C.country_year_changes(cells), (2019, 2019))
    # DDD's total became "<5": a material revision; CCC changed only in its form breakdown
    assert recent.to_dict() == {"revised": 2, "added": 1, "removed": 1, "any": 5}


def test_largest_breakdown_revisions_known_values():
    cells = pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC"],
            "year": [2019, 2020, 2020],
            "breakdown": ["form", "sex_age", "total"],
            "category": [SEXUAL, TOTAL, TOTAL],
            "sex": [TOTAL, FEMALE, TOTAL],
            "age": [TOTAL, CHILD, TOTAL],
            "value_old": [10.0, 100.0, 1.0],
            "value_new": [30.0, 50.0, 1000.0],
            "status": ["revised"] * 3,
        }
    )
    out = C.largest_breakdown_revisions(cells)
    assert out["iso3"].tolist() == ["BBB", "AAA"]  # the total is no breakdown here
    assert out["revision"].tolist() == [-50.0, 20.0]
    assert out["group"].tolist() == [f"{FEMALE} / {CHILD}", SEXUAL]
    assert out["breakdown"].tolist() == ["By sex and age", "By form"]


def test_revision_contributions_known_values():
    revs = pd.DataFrame(
        {
            "iso3": ["AAA", "AAA", "BBB", "CCC"],
            "country": ["Aland", "Aland", "Bland", "Cland"],
            "year": [2019, 2020, 2019, 2018],
            "total_old": [10.0, math.nan, 50.0, 1.0],
            "total_new": [40.0, 30.0, 30.0, 999.0],
        }
    )
    out = C.revision_contributions(revs, (2019, 2021))
    # AAA: +30 +30 = 60; BBB: -20; net +40; CCC is outside the window
    assert out["country"].tolist() == ["Aland", "Bland"]
    assert out["contribution"].tolist() == [60.0, -20.0]
    assert out["share of net change (%)"].tolist() == pytest.approx([150.0, -50.0])


def test_change_sensitivity_adds_published_row(counts):
    t = C.change_sensitivity(counts, counts, counts, [2019], 2022, ("BBB",), published={2019: 25.0})
    assert t.index[-1] == "published" and t.loc["published", 2019] == 25.0


def test_victims_change_uses_the_trend_panel(counts):
    # counts has no curated rows; victims_change takes a curated table, so check the
    # panel arithmetic through change_influence's trend branch instead
    infl = C.change_influence(counts, 2019, 2022, "trend").set_index("iso3")
    assert infl["change_all"].iloc[0] == pytest.approx(panels.change_pct(counts, 2019, 2022))


def test_vintage_flags_table_merges_runs():
    f = pd.DataFrame(
        {
            "iso3": ["PAK", "NPL"],
            "country": ["Pakistan", "Nepal"],
            "year": [2020, 2020],
            "value_earlier": [22.0, 2023.0],
            "value_current": [20045.0, 187.0],
            "direction": ["up", "down"],
            "rule": ["restatement", "restatement"],
            "ratio": [911.0, 10.8],
            "difference": [20023.0, 1836.0],
        }
    )
    t = C.vintage_flags_table({"with": f.iloc[:1], "without": f})
    assert t["country"].tolist() == ["Nepal", "Pakistan"]
    assert t.set_index("country").loc["Pakistan", "tables"] == "with; without"
    assert t.set_index("country").loc["Nepal", "flag"] == "restated"


def test_validation_table_and_gaps():
    v = pd.DataFrame(
        {
            "statement": ["victims_total_2022", "forced_labour_main_form_2022_pooled"],
            "data": ["current", "report_basis"],
            "value": [75128.0, -2.7],
            "lower": [0.0, 0.0],
            "upper": [1.0, float("nan")],
            "consistent": [True, False],
        }
    )
    t = C.validation_table({"rule": v})
    assert t["value (rule)"].tolist() == [75128.0, -2.7]
    assert t["consistent (rule)"].tolist() == ["yes", "no"]
    assert C.validation_value(v, "victims_total_2022", "current") == 75128.0
    with pytest.raises(KeyError):
        C.validation_value(v, "victims_total_2022", "earlier")
    ch = pd.DataFrame(
        {
            "published": [-11.0, -24.0],
            "trend": [-9.0, -30.0],
            "open": [-4.0, -40.0],
            "matched": [-9.0, -36.0],
            "balanced": [-9.0, -36.0],
        }
    )
    assert C.mean_abs_gaps(ch)["trend"] == pytest.approx(4.0)
    assert C.mean_abs_gaps(ch)["open"] == pytest.approx(11.5)


# --- prose helpers: numbers in words that agree with the computed values -------------------


def test_count_phrase_and_number_words_agree_with_the_count() -> None:
    assert C.count_phrase(1, "threshold pair") == "1 threshold pair"
    assert C.count_phrase(16, "threshold pair") == "16 threshold pairs"
    assert C.count_phrase(2, "country", "countries") == "2 countries"
    assert C.number_word(4) == "four" and C.number_word(12) == "12"


def test_points_are_unsigned_and_never_negative_zero() -> None:
    assert C.points(12.04) == "12.0 percentage points"
    assert C.points(-5.06) == "5.1 percentage points"
    assert C.points(-0.01) == "0.0 percentage points"


def test_join_words_and_move_and_position_phrases() -> None:
    assert C.join_words(["a"]) == "a"
    assert C.join_words(["a", "b"], "or") == "a or b"
    assert C.join_words(["a", "b", "c"]) == "a, b and c"
    assert C.move_phrase(-8.71) == "a fall of 8.7%"
    assert C.move_phrase(3.05) == "a rise of 3.0%" or C.move_phrase(3.05) == "a rise of 3.1%"
    assert C.position_phrase(69_627, [72_136, 97_763]) == "below both"
    assert C.position_phrase(80_000, [72_136, 97_763]) == "between the two"
    assert C.position_phrase(99_000, [72_136, 97_763]) == "above both"


def test_closest_sets_sentence_follows_the_gaps() -> None:
    ch = pd.DataFrame(
        {
            "y0": [2019, 2019, 2017],
            "published": [-11.0, -24.0, -44.0],
            "trend": [-9.0, -30.0, -8.0],
            "open": [-4.0, -40.0, -70.0],
            "matched": [-10.0, -36.0, -41.0],
            "balanced": [-10.0, -36.0, -43.0],
        }
    )
    text = C.closest_sets_sentence(ch)
    # from 2019: trend (2 + 6) / 2 = 4.0 beats matched (1 + 12) / 2 = 6.5; over all three the
    # balanced panel (1 + 12 + 1) / 3 = 4.7 beats the trend panel (2 + 6 + 36) / 3 = 14.7
    assert text.startswith("On the two changes from 2019 the trend panel has the smallest")
    assert "4.0 percentage points" in text
    assert "on all three the balanced panel has the smallest mean gap, 4.7" in text
    assert "(trend panel 14.7 percentage points)" in text


def test_form_lead_sentence_names_the_methods_that_hold() -> None:
    v = pd.DataFrame(
        {
            "statement": [
                f"forced_labour_main_form_2022_{m}" for m in ("pooled", "mean", "two_stage")
            ]
            * 2,
            "data": ["report_basis"] * 3 + ["current"] * 3,
            "consistent": [True, False, True, False, False, False],
        }
    )
    assert C.form_lead_sentence(v, "report_basis") == (
        "with pooled shares and two-stage shares (regions equally weighted), "
        "not with the country mean"
    )
    assert C.form_lead_sentence(v, "current") == "under none of the three share methods"


def test_excluded_flags_sentence_names_only_the_excluded_country_years() -> None:
    flags = pd.DataFrame(
        {
            "iso3": ["NPL", "NPL", "UKR", "PAK"],
            "country": ["Nepal", "Nepal", "Ukraine", "Pakistan"],
            "year": [2020, 2021, 2020, 2019],
            "direction": ["down", "down", "down", "up"],
        }
    )
    report = pd.DataFrame({"iso3": ["NPL", "UKR", "PAK"], "years": ["2020", "2019", "all"]})
    assert C.excluded_flags_sentence(flags, report) == (
        "Of the downward ones only Nepal 2020 is also an exclusion entry"
    )
    report.loc[1, "years"] = "2020, 2022"
    assert C.excluded_flags_sentence(flags, report).endswith(
        "Nepal 2020 and Ukraine 2020 are also exclusion entries"
    )
    assert C.excluded_flags_sentence(flags, report.iloc[2:]).startswith("None of the downward")


def test_switch_table_is_text_with_the_books_basis_names() -> None:
    t = pd.DataFrame(
        {"all rules (main)": [69417.0, 38.2], "matched countries": ["no effect", -0.04]},
        index=pd.Index(["total", "change"], name="figure"),
    )
    out = C.format_switch_table(t, [True, False])
    assert out.columns.tolist() == ["Reproduction (report's data)", "matched countries"]
    assert out.to_numpy().tolist() == [["69,417", "no effect"], ["+38.2", "+0.0"]]


def test_readable_writes_relative_revisions_as_whole_percentages() -> None:
    t = pd.DataFrame({"country": ["P", "I"], "rel_revision": [910.136, -0.003]})
    out = C.readable(t)
    assert out.columns.tolist() == ["country", "revision (%)"]
    assert out["revision (%)"].tolist() == [91014.0, 0.0]
    assert str(out["revision (%)"].iloc[1]) == "0.0"  # not "-0.0"


def test_validation_table_names_the_unit_of_each_value() -> None:
    v = pd.DataFrame(
        {
            "statement": [
                "victims_total_2022",
                "forced_labour_main_form_2022_pooled",
                "glotip2022_change_2019_2020",
            ],
            "data": ["current", "report_basis", "earlier"],
            "value": [75128.0, -2.7, -4.3],
            "consistent": [True, False, False],
        }
    )
    t = C.validation_table({"rule": v})
    assert t["unit"].tolist() == ["victims", "percentage points", "%"]


def test_moves_columns_are_plain_words_with_the_release_years() -> None:
    names = [
        C.moves_column(c, "2023", "2025")
        for c in ("victims_total_old", "victims_total_revision_pct", "children_share_revision_pp")
    ]
    assert names == ["victims, 2023", "victims, revision (%)", "children, revision (points)"]
