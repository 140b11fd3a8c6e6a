"""Tests for tiptrends.analyses.forms: hand-made tables with known answers, plus real-data checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests import tables
from tests.tables import curated_row
from tiptrends.analyses import forms as F
from tiptrends.errors import DataError
from tiptrends.io import exclusions
from tiptrends.io.exclusions import Exclusion
from tiptrends.methods import aggregate, figures, headline, sensitivity
from tiptrends.methods.decomposition import pooled_share_change
from tiptrends.vocab import (
    ADULT,
    CHILD,
    DIM_FORM,
    DIM_TOTAL,
    FEMALE,
    FORCED_LABOUR,
    MALE,
    OTHER_FORMS,
    SEXUAL,
    TOTAL,
)

META = {**tables.META, "DDD": ("Dland", "Asia", "Southern Asia")}


def row(iso3, year, value, *args, **kwargs):
    """One curated-table row (arguments of ``tests.tables.curated_row``); None is a "<5" cell."""
    return curated_row(iso3, year, value, *args, place=META[iso3], **kwargs)


def forms(iso3, year, sexual, fl, other, total):
    """Total row and form rows; a form given as ``"absent"`` has no row."""
    out = [row(iso3, year, total)]
    for cat, v in ((SEXUAL, sexual), (FORCED_LABOUR, fl), (OTHER_FORMS, other)):
        if v != "absent":
            out.append(row(iso3, year, v, DIM_FORM, cat))
    return out


def sex_age(iso3, year, women, men, girls, boys, form=None):
    """Sex x age rows of the total (or of one form)."""
    dim, cat = (DIM_TOTAL, TOTAL) if form is None else (DIM_FORM, form)
    vals = {(FEMALE, ADULT): women, (MALE, ADULT): men, (FEMALE, CHILD): girls, (MALE, CHILD): boys}
    return [row(iso3, year, v, dim, cat, s, a) for (s, a), v in vals.items()]


@pytest.fixture
def toy():
    """Two years; AAA and BBB in both, CCC only in 2019, DDD only in 2022.

    DDD 2019 has a form breakdown made only of a "<5" row (a placeholder).
    """
    rows = [
        *forms("AAA", 2019, 60, 30, 10, 100),
        *forms("AAA", 2022, 40, 50, 10, 100),
        *forms("BBB", 2019, 20, 20, "absent", 40),
        *forms("BBB", 2022, 10, 70, 20, 100),
        *forms("CCC", 2019, 50, "absent", 50, 100),
        *forms("DDD", 2022, "absent", 100, 100, 200),
        row("DDD", 2019, 5000),
        row("DDD", 2019, None, DIM_FORM, SEXUAL),
    ]
    return pd.DataFrame(rows)


def test_form_counts_drops_placeholder_breakdowns(toy):
    for policy in ("exclude", "impute", "lower", "upper"):
        c = headline.form_counts(toy, suppressed=policy)
        assert not ((c["iso3"] == "DDD") & (c["year"] == 2019)).any(), policy
        assert len(c) == 6


def test_form_share_pct_pooled_known(toy):
    # 2022 forced labour: (50 + 70 + 100) / (100 + 100 + 200)
    assert headline.form_share_pct(toy, FORCED_LABOUR, 2022) == pytest.approx(100 * 220 / 400)
    # mean of country shares: (0.5 + 0.7 + 0.5) / 3
    assert headline.form_share_pct(toy, FORCED_LABOUR, 2022, method="mean") == pytest.approx(
        100 * 1.7 / 3
    )
    assert headline.form_share_pct(toy, FORCED_LABOUR, 2022, countries=["BBB"]) == pytest.approx(70)
    # the placeholder "<5" of DDD 2019 does not enter even when imputed
    assert headline.form_share_pct(toy, SEXUAL, 2019, suppressed="upper") == pytest.approx(
        100 * 130 / 240
    )


def test_form_change_pct_reads_absent_forms_as_zero(toy):
    # matched AAA+BBB: 30+20=50 -> 50+70=120; CCC had no forced-labour row: zero, not missing
    assert headline.form_change_pct(
        toy, FORCED_LABOUR, 2019, 2022, panel="matched"
    ) == pytest.approx(140.0)
    # unmatched: 2019 AAA+BBB+CCC = 50, 2022 = 220
    assert headline.form_change_pct(toy, FORCED_LABOUR, 2019, 2022, panel="open") == pytest.approx(
        340.0
    )


def test_change_contributions(toy):
    v = headline.form_victims(headline.form_counts(toy), FORCED_LABOUR)
    t = F.change_contributions(v, FORCED_LABOUR, 2019, 2022).set_index("iso3")
    assert list(t.index) == ["BBB", "AAA"]  # CCC not in 2022: not matched
    assert t.loc["BBB", "change"] == 50 and t.loc["AAA", "change"] == 20
    assert t["pct_of_change"].sum() == pytest.approx(100.0)
    # without BBB only AAA remains: 30 -> 50
    assert t.loc["BBB", "pct_change_without"] == pytest.approx(100 * (50 / 30 - 1))


def test_alternatives_read_the_registry(glotip_2025, glotip_2023):
    t = F.alternatives("report", methods=("pooled", "mean"), denominators=("known",))
    assert list(t.columns) == ["method", "denominator", *F.FORM_KEYS]
    t = t.set_index("method")
    assert t.loc["pooled", FORCED_LABOUR] == figures.value(F.FL_SHARE)
    assert t.loc["mean", SEXUAL] == figures.value(F.SE_SHARE, method="mean")


def test_other_forms_upper_bound_by_region(toy):
    t = F.other_forms_upper_bound(toy, grouping="m49_region").set_index(["group", "year"])
    # Africa 2019: BBB 0 of 40, CCC 50 of 100
    assert t.loc[("Africa", 2019), "other_forms_pct"] == pytest.approx(100 * 50 / 140)
    world = F.other_forms_upper_bound(toy).set_index("year")
    assert world.loc[2022, "other_forms_pct"] == pytest.approx(100 * 130 / 400)
    assert world.loc[2022, "n_countries"] == 3


def test_forms_by_sex_age():
    rows = [
        *sex_age("AAA", 2022, 10, 0, 5, 4, form=SEXUAL),
        *sex_age("AAA", 2022, 1, 20, 0, 6, form=FORCED_LABOUR),
        *sex_age("AAA", 2022, 0, 0, 0, 10, form=OTHER_FORMS),
        *sex_age("BBB", 2022, None, 7, None, None, form=FORCED_LABOUR),
    ]
    t = F.forms_by_sex_age(pd.DataFrame(rows), [2022]).set_index(["sex_age", "form"])
    assert t.loc[("boys", OTHER_FORMS), "share_pct"] == pytest.approx(100 * 10 / 20)
    assert t.loc[("men", FORCED_LABOUR), "share_pct"] == pytest.approx(100 * 27 / 27)
    assert t.loc[("men", FORCED_LABOUR), "n_countries"] == 2
    shares = t.groupby(level="sex_age")["share_pct"].sum()
    assert np.allclose(shares.to_numpy(), 100.0)


def test_children_share_pct():
    rows = [
        *sex_age("AAA", 2022, 50, 20, 20, 10),
        *sex_age("BBB", 2022, 5, 5, None, 10),
        row("AAA", 2022, 100),
        row("BBB", 2022, 22),
    ]
    df = pd.DataFrame(rows)
    assert headline.children_share_pct(df, 2022) == pytest.approx(100 * 40 / 120)
    assert headline.children_share_pct(df, 2022, suppressed="upper") == pytest.approx(
        100 * 44 / 124
    )


def test_decompose_share_hand_computed(toy):
    r = pooled_share_change(headline.form_counts(toy), FORCED_LABOUR, 2019, 2022)
    assert r.share_y0 == pytest.approx(50 / 240)
    assert r.share_y1 == pytest.approx(220 / 400)
    assert r.within + r.composition == pytest.approx(r.total_change)
    # within: AAA w0=100/240, w1=100/400, s 0.3->0.5; BBB w0=40/240, w1=100/400, s 0.5->0.7
    within = (100 / 240 + 100 / 400) / 2 * 0.2 + (40 / 240 + 100 / 400) / 2 * 0.2
    assert r.within == pytest.approx(within)
    t = F.decomposition_table({"fl": r})
    assert t.loc["fl", "total_pp"] == pytest.approx(100 * (220 / 400 - 50 / 240))
    assert t.loc["fl", "within_pp"] + t.loc["fl", "composition_pp"] == pytest.approx(
        t.loc["fl", "total_pp"]
    )
    # the registered figures are this decomposition
    for part in ("total", "within", "composition"):
        attr = "total_change" if part == "total" else part
        value = figures.evaluate(F.SHARE_CHANGE[part], toy)
        assert value == pytest.approx(100 * getattr(r, attr))


def test_balanced_shares(toy):
    t = F.balanced_shares(headline.form_counts(toy), FORCED_LABOUR, [2019, 2022]).set_index("year")
    assert list(t["n_countries"]) == [2, 2]
    assert t.loc[2019, "share_pct"] == pytest.approx(100 * 50 / 140)
    assert t.loc[2022, "share_pct"] == pytest.approx(100 * 120 / 200)
    assert F.balanced_shares(headline.form_counts(toy), FORCED_LABOUR, [2018, 2019]).empty


def toy_population(monkeypatch, population: pd.Series) -> None:
    """Make ``population`` the population of every figure (the toy countries are not real)."""
    monkeypatch.setattr(figures, "gsi_population", lambda: population)
    monkeypatch.setattr(figures.Inputs, "population", population)


def test_bootstrap_figure_evaluates_the_registered_figure(toy, monkeypatch):
    toy_population(monkeypatch, pd.Series({"AAA": 1.0, "BBB": 3.0, "DDD": 4.0}))
    b = F.bootstrap_figure(F.FL_SHARE, toy, n_boot=200, seed=1)
    assert b.estimate == figures.evaluate(F.FL_SHARE, toy) == pytest.approx(55.0)
    assert b.lower <= b.estimate <= b.upper
    assert 50.0 <= b.lower and b.upper <= 70.0  # country shares are 50, 70 and 50
    again = F.bootstrap_figure(F.FL_SHARE, toy, n_boot=200, seed=1)
    assert np.array_equal(b.draws, again.draws)
    # each replicate (and the estimate) is the registered figure evaluated on the sample
    calls = []
    monkeypatch.setattr(figures, "evaluate", lambda key, data, **o: calls.append(key) or 1.0)
    assert F.bootstrap_figure(F.SE_SHARE, toy, n_boot=5, seed=1).draws.tolist() == [1.0] * 5
    assert calls == [F.SE_SHARE] * 6


def test_sensitivity_table_policies_and_exclusions(toy):
    ex = [
        Exclusion("BBB", (2022,), "test", "hand", "n/a"),
        Exclusion("DDD", None, "test", "hand", "n/a"),
    ]
    figs = {"fl": lambda d, p: headline.form_share_pct(d, FORCED_LABOUR, 2022, suppressed=p)}
    t = sensitivity.sensitivity_table(toy, figs, ex)
    labels = list(sensitivity.POLICY_LABELS.values())
    assert list(t.columns[:4]) == labels
    assert t.loc["fl", labels[0]] == pytest.approx(50.0)  # main figure: AAA alone
    assert t.loc["fl", "no exclusions"] == pytest.approx(55.0)
    # keeping BBB 2022 (DDD still excluded): (50 + 70) / 200
    assert t.loc["fl", f"keeping {exclusions.exclusion_label(ex[0])}"] == pytest.approx(60.0)
    # keeping DDD (BBB 2022 still excluded): (50 + 100) / 300
    assert t.loc["fl", f"keeping {exclusions.exclusion_label(ex[1])}"] == pytest.approx(50.0)
    assert sensitivity.spread(t).loc["fl"] == pytest.approx(60.0 - 50.0)
    assert list(sensitivity.sensitivity_table(toy, figs).columns) == labels
    # restricted to 2022, an exclusion of 2019 rows only cannot move a figure
    only_2019 = Exclusion("AAA", (2019,), "test", "hand", "n/a")
    t22 = sensitivity.sensitivity_table(toy, figs, [*ex, only_2019], years=[2022])
    assert t22.attrs["no_effect"] == [exclusions.exclusion_label(only_2019)]
    assert f"keeping {exclusions.exclusion_label(only_2019)}" not in t22.columns
    assert t22.loc["fl", labels[0]] == pytest.approx(50.0)


def test_load_exclusions_and_label(tmp_path):
    with pytest.raises(DataError, match="not found"):
        exclusions.load_exclusions(tmp_path / "missing.toml")
    p = tmp_path / "ex.toml"
    p.write_text(
        '[[exclusion]]\niso3 = "DEU"\nyears = [2022]\nreason = "r"\n'
        'diagnostic = "d"\nvalue = "v"\n',
        encoding="utf-8",
    )
    (e,) = exclusions.load_exclusions(p)
    assert e.iso3 == "DEU" and e.years == (2022,)
    assert exclusions.exclusion_label(e) == "DEU 2022 (all)"
    p.write_text("[[exclusion]]\niso3 = \n", encoding="utf-8")
    with pytest.raises(DataError):
        exclusions.load_exclusions(p)


# --------------------------------------------------------------------------- real data
def test_real_decomposition_parts_sum_to_total(glotip_2025):
    fl = pooled_share_change(headline.form_counts(glotip_2025), FORCED_LABOUR, 2019, 2022)
    ch = pooled_share_change(
        headline.sex_age_counts(glotip_2025),
        list(headline.CHILD_GROUPS),
        2019,
        2022,
        known=list(headline.SEX_AGE_KNOWN),
    )
    for r in (fl, ch):
        assert r.within + r.composition == pytest.approx(r.total_change, abs=1e-12)
        assert r.reweighting + r.entry + r.exit == pytest.approx(r.composition, abs=1e-12)
        assert r.by_country["total"].sum() == pytest.approx(r.total_change, abs=1e-12)
    assert 100 * fl.share_y1 == pytest.approx(
        headline.form_share_pct(glotip_2025, FORCED_LABOUR, 2022)
    )


def test_real_headline_figures_are_plausible(glotip_2025):
    shares = [
        headline.form_share_pct(glotip_2025, f, 2022) for f in (SEXUAL, FORCED_LABOUR, OTHER_FORMS)
    ]
    assert sum(shares) == pytest.approx(100.0)
    assert all(0 < s < 100 for s in shares)
    ub = F.other_forms_upper_bound(glotip_2025, years=[2022])
    assert ub["other_forms_pct"].iloc[0] == pytest.approx(shares[2])
    change = headline.form_change_pct(glotip_2025, FORCED_LABOUR, 2019, 2022)
    assert math.isfinite(change) and change > 0


def test_population_weighted_shares(toy):
    # 2022 forced labour: AAA (Europe) 0.5, BBB (Africa) 0.7, DDD (Asia) 0.5
    pop = pd.Series({"AAA": 1.0, "BBB": 3.0, "CCC": 4.0, "DDD": 2.0})
    # region population counts every country of the table: Africa = BBB + CCC (2019 only)
    rw = aggregate.region_population(toy, pop)
    assert rw.to_dict() == {"Africa": 7.0, "Asia": 2.0, "Europe": 1.0}

    def share(method: str, population: pd.Series, regions: pd.Series) -> float:
        inputs = figures.Inputs(toy)
        inputs.population, inputs.region_population = population, regions
        return figures.evaluate(F.FL_SHARE, inputs, method=method)

    assert share("pooled", pop, rw) == pytest.approx(100 * 220 / 400)
    assert share("weighted", pop, rw) == pytest.approx(100 * (0.5 + 3 * 0.7 + 2 * 0.5) / 6)
    assert share("two_stage_population", pop, rw) == pytest.approx(
        100 * (0.5 + 7 * 0.7 + 2 * 0.5) / 10
    )
    # a reporting country without population drops out of the weighted mean
    no_ddd = pop.drop("DDD")
    assert share("weighted", no_ddd, rw) == pytest.approx(100 * (0.5 + 3 * 0.7) / 4)
    # a region of a reporting country without weight is an error, not a silent drop
    with pytest.raises(ValueError, match="region_weights lacks"):
        share("two_stage_population", no_ddd, aggregate.region_population(toy, no_ddd))
    with pytest.raises(ValueError, match="needs population"):
        figures.evaluate(F.FL_SHARE, toy, method="weighted", population=None)


def test_shares_with_counts_and_victims_by_year(toy):
    t = F.shares_with_counts(aggregate.shares_by_year(toy))
    # 2022 forced labour: (50 + 70 + 100) / (100 + 100 + 200)
    assert t.loc[2022, F.FORM_LABELS[FORCED_LABOUR]] == pytest.approx(55.0)
    assert t.loc[2022, "countries"] == 3 and t.loc[2022, "victims with known form"] == 400
    v = F.victims_by_year(
        headline.form_victims(headline.form_counts(toy), FORCED_LABOUR), FORCED_LABOUR
    )
    # 2019: AAA 30 + BBB 20 + CCC 0 (reports forms, no forced-labour row)
    assert v.loc[2019].tolist() == [50, 3] and v.loc[2022].tolist() == [220, 3]


def test_region_table_scales_and_counts_latest_year():
    shares = pd.DataFrame(
        {
            "group": ["A", "A", "B"],
            "year": [2021, 2022, 2022],
            "share": [0.25, 0.5, 0.1],
            "n_countries": [4, 5, 2],
        }
    )
    t = F.region_table(shares, years=(2021, 2022), latest=2022)
    assert t.loc["A", "2021"] == 25.0 and t.loc["A", "2022"] == 50.0
    assert math.isnan(t.loc["B", "2021"])
    assert t["countries 2022"].tolist() == [5, 2]


def test_method_gaps_and_alternatives_table(toy):
    alt = pd.DataFrame(
        [
            {
                "method": m,
                "denominator": d,
                FORCED_LABOUR: figures.evaluate(F.FL_SHARE, toy, method=m, denominator=d),
            }
            for m in ("pooled", "mean", "two_stage")
            for d in ("known", "all")
        ]
    )
    published = pd.DataFrame(
        {"published": [60.0], "published_low": [np.nan], "published_high": [np.nan]},
        index=[FORCED_LABOUR],
    )
    gaps = F.method_gaps(alt, published).set_index("method")
    # pooled 55% is 5 points from 60; mean of shares (50 + 70 + 50) / 3 = 56.67%
    assert gaps.loc["pooled", "distance"] == pytest.approx(5.0)
    assert gaps.loc["mean", "distance"] == pytest.approx(60 - 170 / 3)
    assert bool(gaps.loc["mean", "closer_than_main"])
    table = F.alternatives_table(alt, F.method_gaps(alt, published))
    column = f"distance to published {FORCED_LABOUR} (pp)"
    known = table["denominator"] == F.DENOMINATOR_LABELS["known"]
    assert table.loc[known, column].notna().all() and table.loc[~known, column].isna().all()
    assert set(table["method"]) <= set(aggregate.METHODS.values())


def test_published_shares_reads_the_published_table():
    t = F.published_shares()
    assert list(t.index) == list(F.PUBLISHED_2022_SHARES)
    from tiptrends.io import published

    fl_id = F.PUBLISHED_2022_SHARES[FORCED_LABOUR]
    assert t.loc[FORCED_LABOUR, "published"] == published.published_value(fl_id)


def test_labels_from_rules():
    from types import SimpleNamespace

    assert F.closer_label(True) == "closer to" and F.closer_label(False) == "no closer to"
    clear = SimpleNamespace(or_lower=1.01, or_upper=1.2)
    unclear = SimpleNamespace(or_lower=0.9, or_upper=1.2)
    assert F.trend_verdict(clear) == "a statistically clear trend"
    assert F.trend_verdict(unclear) == "no statistically clear trend"


def test_population_weights(toy):
    counts = headline.form_counts(toy)
    population = pd.Series({"AAA": 30.0, "BBB": 10.0, "EEE": 1000.0})
    regions = pd.Series({"Africa": 3.0, "Asia": 1.0})
    t = F.population_weights(counts, population, regions, 2022, top=5)
    countries = t[t["weight of"] == "country"].set_index("name")["weight (%)"]
    # DDD reports in 2022 but has no population: AAA 30 / 40, BBB 10 / 40
    assert countries.to_dict() == {"Aland": 75.0, "Bland": 25.0}
    assert t[t["weight of"] == "region"]["weight (%)"].tolist() == [75.0, 25.0]
    assert t.attrs["without_population"] == ["Dland"]


def test_influence_and_largest_breakdowns(toy):
    counts = headline.form_counts(toy)
    infl = F.influence_on_share(counts, FORCED_LABOUR, 2022)["effect"]
    # all: 220 / 400 = 55%; without DDD 120 / 200 = 60%; without BBB 150 / 300 = 50%
    assert infl["DDD"] == pytest.approx(-5.0) and infl["BBB"] == pytest.approx(5.0)
    t = F.largest_breakdowns(counts, FORCED_LABOUR, 2022, top=2)
    assert t["country"].tolist() == ["Dland", "Aland"]  # 200 then 100 (stable order)
    assert t["victims with known form"].tolist() == [200, 100]
    assert t[f"effect on the {FORCED_LABOUR} share (pp)"].iloc[0] == pytest.approx(-5.0)


def test_trend_specs_and_share_trends():
    rng = np.random.default_rng(0)
    rows = [
        {
            "iso3": c,
            "year": y,
            "den": 200.0,
            "num": float(rng.binomial(200, 0.2 + 0.03 * (y - 2010))),
        }
        for c in ("AAA", "BBB", "CCC", "DDD", "EEE")
        for y in range(2010, 2016)
    ]
    units = pd.DataFrame(rows)
    specs = F.trend_specs(
        units, {"late": (range(2013, 2016), False), "all": (range(2010, 2016), True)}
    )
    assert sorted(specs["late"][0]["year"].unique()) == [2013, 2014, 2015]
    assert specs["all"][1] is True
    table, fits = F.share_trends(specs)
    assert list(table.columns) == list(F.TREND_COLUMNS.values())
    assert table.loc["all", "country-years"] == 30 and table.loc["late", "countries"] == 5
    assert fits["all"].odds_ratio > 1  # the share rises by 3 points a year


def test_published_plot_table_fills_single_values():
    records = [
        {"published": 42.0, "published_low": None, "published_high": None, "reproduced": 25.7},
        {"published": 36.0, "published_low": 30.0, "published_high": 40.0, "reproduced": 56.2},
    ]
    t = F.published_plot_table(records, ["a", "b"])
    assert t["published_low"].tolist() == [42.0, 30.0] and t["published_high"].tolist() == [
        42.0,
        40.0,
    ]
    assert t["label"].tolist() == ["a", "b"]
    with pytest.raises(ValueError, match="2 comparisons but 1 labels"):
        F.published_plot_table(records, ["a"])


def test_chapter_keys_as_policy_functions(toy):
    functions = figures.policy_functions(F.CHAPTER_KEYS["02"] + F.CHAPTER_KEYS["03"][:1])
    share, _, change, _, other = functions.values()
    assert share(toy, "exclude") == pytest.approx(55.0)
    # trend panel: CCC (0 forced labour, only 2019) carried forward, DDD (100, only 2022)
    # carried back: 150 -> 220 (the matched set AAA + BBB would give 50 -> 120, +140%)
    assert change(toy, "exclude") == pytest.approx(100 * (220 / 150 - 1))
    assert other(toy, "exclude") == pytest.approx(100 * 130 / 400)
    # forced-labour share 2019 (AAA 30/100, BBB 20/40, CCC 0/100) -> 2022 (55%)
    total = figures.policy_functions([F.SHARE_CHANGE["total"]])
    assert next(iter(total.values()))(toy, "exclude") == pytest.approx(55.0 - 100 * 50 / 240)
    assert set(F.CHAPTER_KEYS["08"]) <= set(figures.FIGURES)


@pytest.fixture
def toy_sex_age():
    """Sex x age totals: AAA in 2019 and 2022, BBB only in 2022."""
    return pd.DataFrame(
        [
            *sex_age("AAA", 2019, 40, 40, 10, 10),
            *sex_age("AAA", 2022, 30, 30, 20, 20),
            *sex_age("BBB", 2022, 50, 30, 15, 5),
        ]
    )


def test_largest_contributions(toy):
    r = pooled_share_change(headline.form_counts(toy), FORCED_LABOUR, 2019, 2022)
    names = {"AAA": "Aland", "BBB": "Bland", "CCC": "Cland", "DDD": "Dland"}
    t = F.largest_contributions(r, names, top=4).set_index("country")
    assert len(t) == 4
    # centred on C = (S0 + S1) / 2, S0 = 50/240, S1 = 220/400
    centre = (50 / 240 + 0.55) / 2
    # CCC exits with share 0 and weight 100/240: -w0 * (s0 - C) > 0 (its exit raises the share)
    assert t.index[0] == "Cland" and t.loc["Cland", "status"] == "exiting"
    assert t.loc["Cland", "total (pp)"] == pytest.approx(100 * (100 / 240) * centre)
    # DDD enters with share 100/200 and weight 200/400: w1 * (s1 - C)
    assert t.loc["Dland", "status"] == "entering"
    assert t.loc["Dland", "total (pp)"] == pytest.approx(100 * 0.5 * (0.5 - centre))
    assert t.loc["Dland", f"share {F.LATEST_YEAR} (%)"] == pytest.approx(50.0)
    assert t.loc["Dland", f"weight {F.LATEST_YEAR} (%)"] == pytest.approx(50.0)


def test_balanced_panels_and_table(toy, toy_sex_age):
    panels = F.balanced_panels(
        headline.form_counts(toy), headline.sex_age_counts(toy_sex_age), {"w": [2019, 2022]}
    )
    assert set(panels["series"]) == {"forced labour, w", "children, w"}
    table = F.balanced_table(panels)
    # forced labour on AAA + BBB: 50 / 140 -> 120 / 200; children only AAA: 20% -> 40%
    assert table.loc["forced labour, w", "2019"] == pytest.approx(100 * 50 / 140)
    assert table.loc["children, w", "2022"] == pytest.approx(40.0)
    assert table["countries in panel"].to_dict() == {"children, w": 1, "forced labour, w": 2}


def test_bootstrap_table(toy, toy_sex_age):
    boots = {
        "forced labour": F.bootstrap_figure(F.FL_SHARE, toy, n_boot=50, seed=1),
        "sexual exploitation": F.bootstrap_figure(F.SE_SHARE, toy, n_boot=50, seed=1),
        "children": F.bootstrap_figure(F.CHILDREN_SHARE, toy_sex_age, n_boot=50, seed=1),
    }
    assert boots["forced labour"].estimate == pytest.approx(55.0)
    # children 2022: (40 + 20) / (100 + 100)
    assert boots["children"].estimate == pytest.approx(30.0)
    table = F.bootstrap_table(boots, [55.0, 90.0, 30.0])  # no country share reaches 90%
    assert table["published inside interval"].tolist() == ["yes", "no", "yes"]
    with pytest.raises(ValueError):
        F.bootstrap_table(boots, [1.0])


def test_composition_trend_specs(toy, toy_sex_age):
    specs = F.composition_trend_specs(
        headline.form_counts(toy), headline.sex_age_counts(toy_sex_age), years=[2022]
    )
    assert list(specs) == [
        "forced labour, pooled",
        "forced labour, within countries",
        "children, pooled",
        "children, within countries",
    ]
    units, fe = specs["children, within countries"]
    assert fe and units["year"].unique().tolist() == [2022]
    assert (
        units.set_index("iso3").loc["BBB", "num"] == 20
        and units.set_index("iso3").loc["BBB", "den"] == 100
    )


# --------------------------------------------------------------------------- chapter 03
def test_forced_criminality_series_keeps_the_last_edition_per_year():
    from tiptrends.io import published

    ids = F.FORCED_CRIMINALITY_IDS
    points, series = F.forced_criminality_series(ids)
    assert len(points) == len(ids)
    assert series["year"].is_unique and series["year"].dtype.kind == "i"
    # 2016 appears twice: the GLOTIP 2024 figure (listed last) is the series' point
    assert series.set_index("year").loc[2016, "value"] == published.published_value(ids[1])


def test_bound_vs_published_and_verdict():
    bound = pd.DataFrame({"year": [2016, 2018, 2020], "other_forms_pct": [9.0, 20.0, 5.0]})
    series = pd.DataFrame({"year": [2016, 2018], "value": [1.0, 6.0]})
    t = F.bound_vs_published(bound, series)
    assert t["room (pp)"].to_dict() == {2016: 8.0, 2018: 14.0}
    assert F.bound_verdict(t) == "above every published point"
    below = F.bound_vs_published(bound, pd.DataFrame({"year": [2020], "value": [6.0]}))
    assert F.bound_verdict(below) == "below at least one published point"


def test_other_forms_carriers(toy):
    t = F.other_forms_carriers(headline.form_counts(toy), 2022, top=2)
    # 2022 other forms: AAA 10, BBB 20, DDD 100 (of 130)
    assert t["iso3"].tolist() == ["DDD", "BBB"]
    assert t.loc[0, "other forms share (%)"] == pytest.approx(50.0)
    assert t.loc[0, "share of world other forms (%)"] == pytest.approx(100 * 100 / 130)


def test_forms_by_sex_age_years_and_table():
    rows = [
        *sex_age("AAA", 2020, 10, 0, 0, 4, form=SEXUAL),
        *sex_age("AAA", 2020, 0, 10, 0, 4, form=OTHER_FORMS),
        *sex_age("AAA", 2022, 10, 0, 0, 1, form=SEXUAL),
        *sex_age("AAA", 2022, 0, 10, 0, 3, form=OTHER_FORMS),
    ]
    by_year = F.forms_by_sex_age_years(pd.DataFrame(rows), [2020, 2022])
    table = F.sex_age_form_table(by_year)
    assert table.loc[(2020, "boys"), F.FORM_LABELS[OTHER_FORMS]] == pytest.approx(50.0)
    assert table.loc[(2022, "boys"), F.FORM_LABELS[OTHER_FORMS]] == pytest.approx(75.0)
    assert table.loc[(2022, "boys"), F.FORM_LABELS[FORCED_LABOUR]] == pytest.approx(0.0)


def test_form_ranking_orders_forms_per_basis_and_method():
    def alt(sexual, fl, other):
        return pd.DataFrame(
            {
                "method": ["pooled", "mean", "pooled"],
                "denominator": ["known", "known", "all"],
                "n_countries": [3, 3, 3],
                SEXUAL: [sexual, 20.0, 99.0],
                FORCED_LABOUR: [fl, 50.0, 0.0],
                OTHER_FORMS: [other, 30.0, 1.0],
            }
        )

    ranking = F.form_ranking({"a": alt(50.0, 30.0, 20.0), "b": alt(10.0, 60.0, 30.0)})
    # only the known-form rows; methods in RANK_METHODS order
    assert ranking["data"].tolist() == ["a", "a", "b", "b"]
    assert ranking["ranking"].iloc[0] == (
        "sexual exploitation > forced labour > other forms of exploitation"
    )
    assert ranking["ranking"].iloc[1].startswith("forced labour > other forms")
    assert ranking["forced labour first"].tolist() == [False, True, True, True]
    assert ranking[F.FORM_LABELS[FORCED_LABOUR]].iloc[2] == 60.0


def test_switch_columns(toy):
    columns = F.DATA_SWITCHES | F.PANEL_SWITCHES | F.FALLBACK_SWITCH
    assert list(columns) == [
        "all rules (main)",
        "exclusions on",
        "re-analysis (current release, exclusions)",
        "re-analysis, vintage rule on",
        "matched countries",
        "open sets",
        "balanced panel",
        "no form fallback",
    ]
    assert columns["no form fallback"] == {"form_fallback": False}
    # every switch is an option of the registry or a data switch of figures.value
    data_switches = {"basis", "exclusions", "vintage", "repair"}
    assert {o for kw in columns.values() for o in kw} <= figures.OPTION_NAMES | data_switches
    # matched: AAA and BBB, 50 -> 120
    assert figures.evaluate(F.FL_CHANGE, toy, panel="matched") == pytest.approx(140.0)


def test_bootstrap_popweighted_share_passes_population_to_copies(toy, monkeypatch):
    toy_population(monkeypatch, pd.Series({"AAA": 1.0, "BBB": 3.0, "DDD": 4.0}))
    boot = F.bootstrap_figure(F.FL_POPWEIGHTED, toy, n_boot=200, seed=1)
    # country shares 0.5 (AAA), 0.7 (BBB), 0.5 (DDD) weighted 1:3:4
    assert boot.estimate == pytest.approx(100 * (0.5 * 1 + 0.7 * 3 + 0.5 * 4) / 8)
    # every replicate is a weighted mean of 50 and 70: copies kept their population
    assert 50.0 <= boot.lower <= boot.upper <= 70.0
    assert np.isfinite(boot.draws).all()


def test_share_change_is_recorded_on_both_bases(glotip_2025, glotip_2023):
    """Chapter 08 recorded the current release's change under the report-basis key (old
    path); the key now holds the report basis and the current release its own key."""
    key = F.SHARE_CHANGE["total"]
    bases = figures.data_bases()
    counts = headline.form_counts(bases.current_release)
    old = 100 * pooled_share_change(counts, FORCED_LABOUR, 2019, 2022).total_change
    out = F.ChapterResults()
    out.record_unpublished([key])
    assert out.unpublished[key][0] == figures.value(key)
    assert out.unpublished[key + figures.CURRENT_SUFFIX][0] == pytest.approx(old, abs=1e-12)
    assert abs(out.unpublished[key][0] - old) > 1.0


# --------------------------------------------------------------------------- prose helpers
def test_count_noun_agrees_with_the_count():
    assert F.count_noun(1, "reporting country", "reporting countries") == "1 reporting country"
    assert F.count_noun(2, "reporting country", "reporting countries") == "2 reporting countries"
    assert F.count_noun(0, "country", "countries") == "0 countries"


def test_points_and_spread_never_read_zero():
    assert F.points_text(0.2796) == "0.3 points"
    assert F.points_text(-7.8951) == "7.9 points"
    assert F.points_text(0.04) == "less than 0.1 points"
    assert F.spread_text(0.1969) == "by at most 0.2 points"
    assert F.spread_text(0.0) == "by less than 0.1 points"


def test_no_negative_zero_in_text_or_tables():
    assert F.fixed(-0.04) == "0.0"
    assert F.fixed(-0.05) == "-0.1"
    assert F.fixed(-0.004, 2) == "0.00"
    assert F.fixed(5.53, 1) == "5.5"
    table = pd.DataFrame({"country": ["A", "B"], "within (pp)": [-0.04, -0.2]})
    shown = F.no_negative_zero(table)
    assert [f"{v:.1f}" for v in shown["within (pp)"]] == ["0.0", "-0.2"]
    assert shown["country"].tolist() == ["A", "B"]


def test_basis_columns_use_the_books_names():
    table = pd.DataFrame(
        columns=[
            "figure",
            "published",
            "report basis",
            "gap",
            "current release",
            "why the current release differs",
        ]
    )
    assert list(F.basis_columns(table).columns) == [
        "figure",
        "published",
        "Reproduction (report's data)",
        "gap",
        "Re-analysis (current data)",
        "why the re-analysis differs",
    ]


def test_rule_switch_rows_use_the_books_names_for_the_data_bases():
    from tiptrends.methods.sensitivity import BASIS_SWITCH_LABELS, BASIS_SWITCHES

    out = F.ChapterResults()
    F._switches(out, ["forced_labour_share_2022_pct"], BASIS_SWITCHES)
    rows = list(out.tables["switches"].index)
    assert rows == list(BASIS_SWITCH_LABELS.values())
    assert rows[0] == "Reproduction (report's data)" and rows[2] == "Re-analysis (current data)"


def test_context_table_names_the_datas_figure_apart_from_the_published_one():
    from types import SimpleNamespace

    row = SimpleNamespace(
        key="fc",
        indicator="Share trafficked for forced criminality",
        published=8,
        reproduced=18.234,
        reason="Upper bound only.",
        citation="Dawn",
    )
    t = F.context_table([row], {"fc": '"Other forms" share: not forced criminality'})
    assert list(t.columns) == list(F.CONTEXT_COLUMNS.values())
    assert t.loc[0, "figure in the data"].endswith("not forced criminality")
    assert t.loc[0, "data (%)"] == 18.2 and t.loc[0, "published (%)"] == 8.0
    assert "gap" not in " ".join(t.columns)


def test_published_plot_shows_shares_only():
    # one unit on the axis: the 2019-2022 change (percent change) is not plotted
    assert F.FL_CHANGE not in F.PUBLISHED_PLOT_LABELS
    assert set(F.PUBLISHED_PLOT_LABELS) == {F.FL_SHARE, F.SE_SHARE, F.EU_FL_SHARE}


def test_leading_form_sentence_is_true_for_every_year():
    shares = pd.DataFrame(
        {
            "year": [2019, 2019, 2020, 2020, 2021, 2021, 2022, 2022],
            "category": [SEXUAL, FORCED_LABOUR] * 4,
            "share": [0.6, 0.4, 0.3, 0.7, 0.45, 0.55, 0.8, 0.2],
        }
    )
    assert F.leading_form_sentence(shares) == (
        "Sexual exploitation has the largest share in every year except 2020 and 2021, "
        "when forced labour leads."
    )
    assert F.leading_form_sentence(shares[shares["year"] != 2020].query("year != 2021")) == (
        "Sexual exploitation has the largest share in every year."
    )
