"""Tests for tiptrends.analyses.profiles: hand-made tables with known answers, then real-data smoke tests."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest

from tests.tables import curated_row
from tiptrends import paths
from tiptrends.analyses import profiles as pr
from tiptrends.io import exclusions
from tiptrends.methods import aggregate, figures, headline, panels
from tiptrends.vocab import (
    ADULT,
    CHILD,
    DIM_FORM,
    DIM_TOTAL,
    FEMALE,
    FORCED_LABOUR,
    MALE,
    OTHER_FORMS,
    OTHER_SEX,
    SEXUAL,
    TOTAL,
    UNKNOWN,
)


def row(iso3, year, value, *, region="Europe", **kwargs):
    """One curated-table row (keywords of ``tests.tables.curated_row``); a string is a "<5"."""
    place = (f"Country {iso3}", region, f"Sub {region}")
    return curated_row(iso3, year, value, place=place, **kwargs)


def sexage(iso3, year, women, men, girls, boys, total, region="Europe", form=None):
    dim, cat = (DIM_TOTAL, TOTAL) if form is None else (DIM_FORM, form)
    out = [row(iso3, year, total, dimension=dim, category=cat, region=region)]
    for v, s, a in (
        (women, FEMALE, ADULT),
        (men, MALE, ADULT),
        (girls, FEMALE, CHILD),
        (boys, MALE, CHILD),
    ):
        if v is not None:
            out.append(row(iso3, year, v, sex=s, age=a, dimension=dim, category=cat, region=region))
    return out


@pytest.fixture
def toy() -> pd.DataFrame:
    rows = [
        # AAA 2022: 40 women, 20 men, 30 girls, 10 boys (known 100); total 110 (10 unknown)
        *sexage("AAA", 2022, 40, 20, 30, 10, 110),
        row("AAA", 2022, 6, sex=OTHER_SEX, age=CHILD),
        row("AAA", 2022, 4, sex=UNKNOWN, age=UNKNOWN),
        # BBB 2022: 60 women, "<5" men, no girls, 40 boys; total 105
        *sexage("BBB", 2022, 60, "<5", None, 40, 105, region="Asia"),
        # 2019 for the change: AAA girls 10 boys 10; BBB girls 5 boys 20; CCC only 2019
        *sexage("AAA", 2019, 50, 20, 10, 10, 90),
        *sexage("BBB", 2019, 50, 10, 5, 20, 85, region="Asia"),
        *sexage("CCC", 2019, 10, 10, 100, 100, 220),
    ]
    return pd.DataFrame(rows)


def test_profile_known_denominator_hand_computed(toy):
    p = pr.sex_age_profile(toy, [2022]).iloc[0]
    # known = AAA 100 + BBB (60 + 0 + 0 + 40 = 100; "<5" counts 0 under "exclude") = 200
    assert p["n_victims"] == 200
    assert p["women"] == pytest.approx(100 * 100 / 200)
    assert p["men"] == pytest.approx(100 * 20 / 200)
    assert p["girls"] == pytest.approx(100 * 30 / 200)
    assert p["boys"] == pytest.approx(100 * 50 / 200)
    assert p["children"] == pytest.approx(p["girls"] + p["boys"])
    assert p[["women", "men", "girls", "boys"]].sum() == pytest.approx(100)


def test_profile_alternative_denominators(toy):
    incl = pr.sex_age_profile(toy, [2022], denominator="known_incl_other").iloc[0]
    assert incl["n_victims"] == 206  # + 6 other-sex children
    assert incl["children"] == pytest.approx(100 * (30 + 50 + 6) / 206)
    allv = pr.sex_age_profile(toy, [2022], denominator="all_victims").iloc[0]
    assert allv["n_victims"] == 215  # country totals 110 + 105
    assert allv["children"] == pytest.approx(100 * 80 / 215)
    with pytest.raises(ValueError, match="denominator"):
        pr.sex_age_profile(toy, [2022], denominator="nonsense")


def test_profile_mean_method_and_suppression_policy(toy):
    mean = pr.sex_age_profile(toy, [2022], method="mean").iloc[0]
    assert mean["women"] == pytest.approx((40 / 100 + 60 / 100) / 2 * 100)
    imp = pr.sex_age_profile(toy, [2022], suppressed="impute").iloc[0]
    assert imp["men"] == pytest.approx(100 * 22.5 / 202.5)


def test_registered_shares_and_suppression_bounds(toy):
    # the registry's profile shares read the same counts as sex_age_profile
    p = pr.sex_age_profile(toy, [2022]).iloc[0]
    for group, key in pr.SHARE_KEYS.items():
        assert figures.evaluate(key, toy) == pytest.approx(p[group])
    # "<5" men of BBB at 1 and at 4: 21 / 201 and 24 / 204 men
    assert figures.evaluate("men_share_2022_pct", toy, suppressed="lower") == pytest.approx(
        100 * 21 / 201
    )
    assert figures.evaluate("men_share_2022_pct", toy, suppressed="upper") == pytest.approx(
        100 * 24 / 204
    )
    assert figures.evaluate(pr.KNOWN_KEY, toy) == 200  # AAA 100 + BBB 100 ("<5" men left out)


def test_profile_by_region_and_alternatives(toy):
    r = pr.sex_age_profile(toy, [2022], by="m49_region").set_index("group")
    assert r.loc["Asia", "boys"] == pytest.approx(40.0)
    assert r.loc["Europe", "girls"] == pytest.approx(30.0)
    alt = pr.profile_alternatives(
        {"a": toy, "b": toy[toy["iso3"] != "BBB"]}, 2022, methods=("pooled", "mean")
    )
    assert len(alt) == 2 * 3 * 2
    only_a = alt[(alt["data"] == "b") & (alt["denominator"] == "known_sex_age")]
    assert only_a["girls"].tolist() == pytest.approx([30.0, 30.0])


def test_form_profiles():
    rows = [
        *sexage("AAA", 2022, 10, 0, 6, 1, 17, form=SEXUAL),
        *sexage("AAA", 2022, 0, 10, 3, 5, 18, form=FORCED_LABOUR),
        *sexage("AAA", 2022, 0, 0, 1, 4, 5, form=OTHER_FORMS),
    ]
    df = pd.DataFrame(rows)
    fp = pr.form_profile_of_children(df, [2022]).set_index(["group", "form"])
    assert fp.loc[("girls", SEXUAL), "share_pct"] == pytest.approx(60.0)
    assert fp.loc[("boys", OTHER_FORMS), "share_pct"] == pytest.approx(40.0)
    bf = pr.children_share_by_form(df, [2022]).set_index("form")
    assert bf.loc[SEXUAL, "children"] == pytest.approx(100 * 7 / 17)
    assert bf.loc[FORCED_LABOUR, "men"] == pytest.approx(100 * 10 / 18)


def test_child_counts_and_change(toy):
    c = pr.child_victim_counts(toy).set_index(["iso3", "year"])
    assert c.loc[("BBB", 2022), "children"] == 40  # girls missing -> boys only
    assert c.loc[("CCC", 2019), "children"] == 200
    ch = panels.pct_change(pr.child_victim_counts(toy), 2019, 2022, value="children")
    # matched AAA, BBB: 2019 = 20 + 25 = 45; 2022 = 40 + 40 = 80
    assert ch.n_countries == 2
    assert ch.pct_change == pytest.approx(100 * (80 / 45 - 1))
    assert ch.unmatched_pct_change == pytest.approx(100 * (80 / 245 - 1))
    girls = panels.pct_change(panels.measure_counts(toy, "girls"), 2019, 2022)
    assert girls.n_countries == 1 and girls.pct_change == pytest.approx(200.0)
    assert figures.evaluate(pr.CHANGE_KEY, toy, panel="matched") == pytest.approx(ch.pct_change)


def test_child_counts_age_total_definition():
    rows = [
        *sexage("AAA", 2019, 1, 1, 2, 2, 10),
        row("AAA", 2019, 7, age=CHILD),
        row("AAA", 2022, 9, age=CHILD),
    ]
    c = pr.child_victim_counts(pd.DataFrame(rows), "age_total").set_index("year")
    assert c.loc[2019, "children"] == 7 and c.loc[2022, "children"] == 9
    assert c.loc[2022, "country"] == "Country AAA"
    assert math.isnan(c.loc[2022, "girls"])


def test_panel_changes_sets():
    counts = pd.DataFrame(
        {
            "iso3": ["A", "A", "A", "B", "B", "C"],
            "country": list("AAABBC"),
            "region": "r",
            "subregion": "s",
            "year": [2019, 2020, 2021, 2019, 2021, 2021],
            "n": [10.0, 20.0, 40.0, 100.0, 50.0, 7.0],
        }
    )
    v = panels.panel_changes(counts, 2019, 2021, "n")
    assert v.loc["matched", "pct_change"] == pytest.approx(100 * (90 / 110 - 1))
    assert v.loc["balanced", "n_y1"] == 1
    assert v.loc["balanced", "pct_change"] == pytest.approx(300.0)
    assert v.loc["open", "total_y1"] == 97


def test_apply_exclusions_reads_the_collection_file_by_default(tmp_path, toy, monkeypatch):
    manifest = paths.project_root() / "data" / "sources.toml"
    monkeypatch.setenv("TIPTRENDS_ROOT", str(tmp_path))
    (tmp_path / "data").mkdir()
    # the exclusions' releases are checked against the manifest
    shutil.copy(manifest, tmp_path / "data")
    (tmp_path / "data" / "exclusions.toml").write_text(
        '[[exclusion]]\niso3 = "BBB"\nyears = [2022]\nscope = "all"\n'
        'reason = "test"\ndiagnostic = "test"\nvalue = "1"\n',
        encoding="utf-8",
    )
    f, rep = exclusions.apply_exclusions(toy)
    assert not ((f["iso3"] == "BBB") & (f["year"] == 2022)).any()
    assert rep["rows_dropped"].iloc[0] == 4
    assert exclusions.exclusions_table()["iso3"].tolist() == ["BBB"]


# --------------------------------------------------------------------------- real data
def test_real_profile_2022(glotip_2025):
    p = pr.sex_age_profile(glotip_2025, [2022]).iloc[0]
    assert p[["women", "men", "girls", "boys"]].sum() == pytest.approx(100)
    assert 80 <= p["n_countries"] <= 112
    assert 0 < p["children"] < 60
    # known sex and age with the form fallback: the United Kingdom's 14,659 (from its form
    # cells; it has no 2022 total) lift it above the plain sum of totals (75,128)
    assert p["n_victims"] == 89_021


def test_real_child_change_and_forms(glotip_2025):
    ch = panels.pct_change(pr.child_victim_counts(glotip_2025), 2019, 2022, value="children")
    assert ch.n_countries >= 30 and math.isfinite(ch.pct_change)
    fp = pr.form_profile_of_children(glotip_2025, [2022])
    sums = fp.groupby("group")["share_pct"].sum()
    assert sums.to_numpy() == pytest.approx([100.0, 100.0])


@pytest.fixture
def two_regions() -> pd.DataFrame:
    """2022: AAA (Europe) children 0.2, BBB (Asia) 0.6, CCC (Europe) 0.8, DDD (Asia) no profile."""
    return pd.DataFrame(
        [
            *sexage("AAA", 2022, 80, None, 20, None, 100),
            *sexage("BBB", 2022, 40, None, 60, None, 100, region="Asia"),
            *sexage("CCC", 2022, 20, None, 80, None, 100),
            row("DDD", 2022, 50, region="Asia"),
        ]
    )


def test_population_weighted_mean_known_answer(two_regions):
    # shares 0.2 and 0.6 with populations 1 and 3 -> 0.5; CCC has no population: left out
    pop = pd.Series({"AAA": 1.0, "BBB": 3.0})
    alt = pr.profile_alternatives(
        {"x": two_regions},
        2022,
        denominators=("known_sex_age",),
        methods=("pooled", "mean", "weighted"),
        population=pop,
    ).set_index("method")
    assert alt.loc["weighted", "children"] == pytest.approx(50.0)
    assert alt.loc["weighted", "n_countries"] == 2
    assert alt.loc["mean", "children"] == pytest.approx(100 * (0.2 + 0.6 + 0.8) / 3)
    assert alt.loc["pooled", "children"] == pytest.approx(100 * 160 / 300)


def test_region_population_and_two_stage_population(two_regions):
    pop = pd.Series({"AAA": 1.0, "BBB": 3.0, "DDD": 4.0, "ZZZ": 100.0})
    rw = aggregate.region_population(two_regions, pop)
    # DDD reports no profile but lives in Asia; ZZZ is not in the table; CCC has no population
    assert rw.to_dict() == {"Asia": 7.0, "Europe": 1.0}
    alt = pr.profile_alternatives(
        {"x": two_regions},
        2022,
        denominators=("known_sex_age",),
        methods=("two_stage", "two_stage_population"),
        region_weights=rw,
    ).set_index("method")
    # Europe pooled (20 + 80) / 200 = 0.5, Asia 0.6
    assert alt.loc["two_stage", "children"] == pytest.approx(100 * (0.5 + 0.6) / 2)
    assert alt.loc["two_stage_population", "children"] == pytest.approx(
        100 * (0.5 * 1 + 0.6 * 7) / 8
    )
    p = pr.sex_age_profile(two_regions, [2022], method="two_stage", region_weights=rw).iloc[0]
    assert p["children"] == pytest.approx(alt.loc["two_stage_population", "children"])


def test_method_arguments_and_errors():
    pop, rw = pd.Series({"AAA": 1.0}), pd.Series({"Europe": 1.0})
    assert aggregate.method_arguments("pooled") == ("pooled", {})
    m, kw = aggregate.method_arguments("weighted", pop)
    assert m == "weighted" and kw["weights"] is pop
    m, kw = aggregate.method_arguments("two_stage_population", region_weights=rw)
    assert m == "two_stage" and kw["region_weights"] is rw
    with pytest.raises(ValueError, match="needs population"):
        aggregate.method_arguments("weighted")
    with pytest.raises(ValueError, match="needs region_weights"):
        aggregate.method_arguments("two_stage_population", population=pop)
    with pytest.raises(ValueError, match="method must be one of"):
        aggregate.method_arguments("median")
    two = pd.DataFrame({"iso3": ["AAA", "AAA"], "region": ["Europe", "Asia"]})
    with pytest.raises(ValueError, match="more than one region"):
        aggregate.region_population(two, pop)


def test_published_gap():
    assert headline.published_gap(40.0, 42.0) == pytest.approx(2.0)
    assert headline.published_gap(45.0, 42.0) == pytest.approx(3.0)
    assert headline.published_gap(37.0, 36.0, 36.0, 38.0) == 0.0
    assert headline.published_gap(30.0, 36.0, 36.0, 38.0) == pytest.approx(6.0)
    assert headline.published_gap(40.0, 36.0, 36.0, 38.0) == pytest.approx(2.0)


def test_method_gap_table():
    values = pd.DataFrame(
        {"pooled": [25.0, 56.0], "weighted": [36.0, 37.0], "mean": [20.0, 30.0]},
        index=["fl", "se"],
    )
    published = pd.DataFrame(
        {"published": [42.0, 36.0], "published_low": [None, 36.0], "published_high": [None, 38.0]},
        index=["fl", "se"],
    )
    t = headline.method_gap_table(values, published).set_index(["figure", "method"])
    assert t.loc[("fl", "pooled"), "distance"] == pytest.approx(17.0)
    assert t.loc[("fl", "weighted"), "distance"] == pytest.approx(6.0)
    assert t.loc[("se", "weighted"), "distance"] == 0.0  # inside the published range
    assert t.loc[("se", "mean"), "distance"] == pytest.approx(6.0)
    assert t["closer_than_main"].to_dict() == {
        ("fl", "pooled"): False,
        ("fl", "weighted"): True,
        ("fl", "mean"): False,
        ("se", "pooled"): False,
        ("se", "weighted"): True,
        ("se", "mean"): True,
    }
    with pytest.raises(ValueError, match="main method"):
        headline.method_gap_table(values, published, main="two_stage")
    with pytest.raises(KeyError, match="no published"):
        headline.method_gap_table(values, published.drop("se"))


# --------------------------------------------------------------------------- chapter 04 tables
def test_child_share_pct_and_influence(toy):
    counts = headline.sex_age_counts(toy)
    one = counts[counts["year"] == 2022]
    # AAA 30 + 10 children of 100 known; BBB 40 boys of 100 known ("<5" men excluded)
    assert pr.child_share_pct(one) == pytest.approx(100 * 80 / 200)
    infl = pr.child_share_influence(counts, 2022).set_index("iso3")
    assert infl.loc["BBB", "estimate_without"] == pytest.approx(40.0)  # AAA alone
    assert infl.loc["AAA", "estimate_without"] == pytest.approx(40.0)  # BBB alone
    assert infl.loc["AAA", "known"] == 100 and infl.loc["AAA", "share_of_known_pct"] == 50.0
    assert infl.loc["BBB", "women_pct"] == pytest.approx(60.0)


def test_child_change_variants_and_table(toy):
    raw = pd.concat([toy, pd.DataFrame(sexage("DDD", 2019, 1, 1, 5, 5, 12))], ignore_index=True)
    raw = pd.concat([raw, pd.DataFrame(sexage("DDD", 2022, 1, 1, 10, 10, 22))], ignore_index=True)
    changes = pr.child_change_variants(toy, raw, 2019, 2022, leave_out="BBB")
    assert set(changes["country_set"]) == set(pr.COUNTRY_SET_LABELS.values())
    t = pr.change_table(changes)
    matched = pr.COUNTRY_SET_LABELS["matched"]
    # with exclusions: AAA + BBB, 45 -> 80; without: DDD adds 10 -> 20
    assert t.loc[("girls + boys", "children"), matched] == pytest.approx(100 * (80 / 45 - 1))
    assert t.loc[("girls + boys, without exclusions", "children"), matched] == pytest.approx(
        100 * (100 / 55 - 1)
    )
    # without BBB only AAA is matched: 20 -> 40
    key = ("girls + boys, influence check without BBB", "children")
    assert t.loc[key, matched] == pytest.approx(100.0)
    assert t.loc[("girls + boys", "children"), "countries (matched)"] == 2
    # the age-total definition has no rows of "sex Total, age 0-17" here: only children
    assert ("sex Total, age 0-17 rows", "girls") not in t.index


def test_largest_changes_and_matched_totals(toy):
    kids = pr.child_victim_counts(toy)
    movers = pr.largest_changes(kids, 2019, 2022, n=1)
    # AAA 20 -> 40 (+20), BBB 25 -> 40 (+15)
    assert movers.index.tolist() == [("AAA", "Country AAA")]
    assert movers.iloc[0].tolist() == [20.0, 40.0, 20.0]
    totals = pr.matched_group_totals(kids, ["AAA", "BBB"], [2019, 2022])
    assert totals.loc[2019].tolist() == [15.0, 30.0]
    assert totals.loc[2022].tolist() == [30.0, 50.0]


def test_population_weights_leave_out_unknown_population(toy):
    counts = headline.sex_age_counts(toy)
    weights, missing = pr.population_weights(counts, 2022, pd.Series({"AAA": 30.0, "ZZZ": 5.0}))
    assert weights.to_dict() == {"Country AAA": 100.0}
    assert missing == ["BBB"]


def test_method_distances_and_closer_groups():
    alternatives = pd.DataFrame(
        {
            "data": ["main"] * 2,
            "denominator": ["known_sex_age"] * 2,
            "method": ["pooled", "mean"],
            **{g: [10.0, 20.0] for g in pr.SHARES},
        }
    )
    published = pd.Series(dict.fromkeys(pr.SHARES, 18.0))
    published["boys"] = 5.0
    gaps = pr.method_distances(alternatives, published, "main")
    d = gaps.set_index(["figure", "method"])["distance"]
    assert d[("women", "pooled")] == pytest.approx(8.0) and d[("women", "mean")] == 2.0
    assert pr.closer_groups(gaps, "mean") == "women, men, girls, children"
    assert pr.closer_groups(gaps, "pooled") == "none of the five shares"
    table = pr.alternatives_table(alternatives.assign(children=[1.0, 2.0]))
    assert table.columns.tolist() == ["pooled", "mean"]
    assert table.loc[("main", pr.PROFILE_DENOMINATORS["known_sex_age"])].tolist() == [1.0, 2.0]


def test_form_only_sex_age_finds_countries_missing_from_the_profile():
    rows = [
        *sexage("AAA", 2022, 10, 0, 6, 1, 17, form=SEXUAL),
        *sexage("AAA", 2022, 0, 10, 3, 5, 18, form=FORCED_LABOUR),
        *sexage("BBB", 2022, 1, 2, 3, 4, 10),  # split of the total: in the profile
        *sexage("BBB", 2022, 1, 2, 3, 4, 10, form=SEXUAL),
    ]
    out = pr.form_only_sex_age(pd.DataFrame(rows), 2022)
    assert out.to_dict("list") == {"iso3": ["AAA"], "country": ["Country AAA"], "victims": [35.0]}


def test_child_counts_use_the_form_fallback():
    # AAA 2022 publishes sex x age only within two forms: girls 6 + 3, boys 1 + 5
    rows = [
        *sexage("AAA", 2019, 10, 10, 4, 6, 30),
        *sexage("AAA", 2022, 10, 0, 6, 1, 17, form=SEXUAL),
        *sexage("AAA", 2022, 0, 10, 3, 5, 18, form=FORCED_LABOUR),
    ]
    df = pd.DataFrame(rows)
    c = pr.child_victim_counts(df).set_index("year")
    assert c.loc[2022, "children"] == 15 and c.loc[2022, "girls"] == 9
    assert 2022 not in pr.child_victim_counts(df, form_fallback=False)["year"].tolist()
    # 10 children in 2019, 15 in 2022 on the trend panel: +50%
    assert figures.evaluate(pr.CHANGE_KEY, df) == pytest.approx(50.0)
    # without the fallback AAA has no 2022 children: the trend panel carries 2019 forward
    assert figures.evaluate(pr.CHANGE_KEY, df, form_fallback=False) == pytest.approx(0.0)
    # 2022 share: 15 of 35 victims of known sex and age
    assert figures.evaluate(pr.SHARE_KEYS["children"], df) == pytest.approx(100 * 15 / 35)
    assert figures.evaluate(pr.KNOWN_KEY, df) == 35


def test_standard_switches_switch_one_rule_each():
    from tiptrends.methods.sensitivity import standard_switches

    cur, nr = pd.DataFrame({"a": [1]}), pd.DataFrame({"a": [2]})
    cols = standard_switches(cur, nr, form_fallback=True)
    assert cols["all rules (main)"] == {}
    assert cols["vintage rule off (current release)"]["data"] is cur
    assert cols["no exclusion repairs"]["data"] is nr
    assert cols["matched countries"] == {"panel": "matched"}
    assert cols["no form fallback"] == {"form_fallback": False}
