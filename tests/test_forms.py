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
from tiptrends.methods import aggregate, headline, sensitivity
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
    assert headline.form_change_pct(toy, FORCED_LABOUR, 2019, 2022) == pytest.approx(140.0)
    # unmatched: 2019 AAA+BBB+CCC = 50, 2022 = 220
    assert headline.form_change_pct(toy, FORCED_LABOUR, 2019, 2022, matched=False) == pytest.approx(
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


def test_method_alternatives_columns(toy):
    t = F.method_alternatives(toy, [SEXUAL, FORCED_LABOUR], 2022)
    assert list(t.columns) == ["method", "denominator", "n_countries", SEXUAL, FORCED_LABOUR]
    pooled_all = t[(t["method"] == "pooled") & (t["denominator"] == "all")]
    assert pooled_all[FORCED_LABOUR].iloc[0] == pytest.approx(100 * 220 / 400)


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
    r = F.decompose_share(headline.form_counts(toy), FORCED_LABOUR, 2019, 2022)
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


def test_balanced_shares(toy):
    t = F.balanced_shares(headline.form_counts(toy), FORCED_LABOUR, [2019, 2022]).set_index("year")
    assert list(t["n_countries"]) == [2, 2]
    assert t.loc[2019, "share_pct"] == pytest.approx(100 * 50 / 140)
    assert t.loc[2022, "share_pct"] == pytest.approx(100 * 120 / 200)
    assert F.balanced_shares(headline.form_counts(toy), FORCED_LABOUR, [2018, 2019]).empty


def test_bootstrap_share(toy):
    c = headline.form_counts(toy)
    b = F.bootstrap_share(c, FORCED_LABOUR, 2022, n_boot=200, seed=1)
    assert b.estimate == pytest.approx(55.0)
    assert b.lower <= b.estimate <= b.upper
    assert 50.0 <= b.lower and b.upper <= 70.0  # country shares are 50, 70 and 50
    again = F.bootstrap_share(c, FORCED_LABOUR, 2022, n_boot=200, seed=1)
    assert np.array_equal(b.draws, again.draws)


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
    fl = F.decompose_share(headline.form_counts(glotip_2025), FORCED_LABOUR, 2019, 2022)
    ch = F.decompose_share(
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


def test_method_alternatives_population_weighted(toy):
    # 2022 forced labour: AAA (Europe) 0.5, BBB (Africa) 0.7, DDD (Asia) 0.5
    pop = pd.Series({"AAA": 1.0, "BBB": 3.0, "CCC": 4.0, "DDD": 2.0})
    # region population counts every country of the table: Africa = BBB + CCC (2019 only)
    rw = aggregate.region_population(toy, pop)
    assert rw.to_dict() == {"Africa": 7.0, "Asia": 2.0, "Europe": 1.0}
    t = F.method_alternatives(
        toy,
        [FORCED_LABOUR],
        2022,
        methods=("pooled", "weighted", "two_stage_population"),
        denominators=("known",),
        population=pop,
        region_weights=rw,
    ).set_index("method")
    assert t.loc["pooled", FORCED_LABOUR] == pytest.approx(100 * 220 / 400)
    assert t.loc["weighted", FORCED_LABOUR] == pytest.approx(100 * (0.5 + 3 * 0.7 + 2 * 0.5) / 6)
    assert t.loc["two_stage_population", FORCED_LABOUR] == pytest.approx(
        100 * (0.5 + 7 * 0.7 + 2 * 0.5) / 10
    )
    # a reporting country without population drops out of the weighted mean
    no_ddd = pop.drop("DDD")
    w = F.method_alternatives(
        toy,
        [FORCED_LABOUR],
        2022,
        methods=("weighted",),
        denominators=("known",),
        population=no_ddd,
    )
    assert w["n_countries"].iloc[0] == 2
    assert w[FORCED_LABOUR].iloc[0] == pytest.approx(100 * (0.5 + 3 * 0.7) / 4)
    # a region of a reporting country without weight is an error, not a silent drop
    with pytest.raises(ValueError, match="region_weights lacks"):
        F.method_alternatives(
            toy,
            [FORCED_LABOUR],
            2022,
            methods=("two_stage_population",),
            region_weights=aggregate.region_population(toy, no_ddd),
        )
    with pytest.raises(ValueError, match="needs population"):
        F.method_alternatives(toy, [FORCED_LABOUR], 2022, methods=("weighted",))
