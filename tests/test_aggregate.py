"""Tests for tiptrends.methods.aggregate on hand-made tables with known answers, plus real-data smoke."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests import tables
from tests.tables import curated_row
from tiptrends.methods import aggregate as A
from tiptrends.vocab import (
    ADULT,
    CHILD,
    CONVICTED,
    DIM_FORM,
    FEMALE,
    FORCED_LABOUR,
    FORMS,
    MALE,
    OTHER_FORMS,
    SEXUAL,
    TOTAL,
)

META = {**tables.META, "FRA": ("France", "Europe", "Western Europe")}


def row(iso3, year, value, *args, **kwargs):
    """One curated-table row (arguments of ``tests.tables.curated_row``); None is a "<5" cell."""
    place = META.get(iso3, (None, "Asia", "Central Asia"))
    return curated_row(iso3, year, value, *args, place=place, **kwargs)


def table(rows):
    return pd.DataFrame(rows)


def form_rows(iso3, year, sexual, fl, other, total):
    out = [row(iso3, year, total)]
    for cat, v in ((SEXUAL, sexual), (FORCED_LABOUR, fl), (OTHER_FORMS, other)):
        if v is not None or cat == SEXUAL:
            out.append(row(iso3, year, v, DIM_FORM, cat))
    return out


# --------------------------------------------------------------------------- suppression
def test_apply_suppression_policy_values():
    df = table([row("AAA", 2020, 10), row("AAA", 2021, None)])
    assert math.isnan(A.apply_suppression_policy(df, "exclude")["value"].iloc[1])
    assert A.apply_suppression_policy(df, "impute", 3.0)["value"].iloc[1] == 3.0
    assert A.apply_suppression_policy(df, "lower")["value"].iloc[1] == 1.0
    assert A.apply_suppression_policy(df, "upper")["value"].iloc[1] == 4.0
    assert A.apply_suppression_policy(df, "upper")["value"].iloc[0] == 10.0
    assert math.isnan(df["value"].iloc[1]), "input must not be modified"
    with pytest.raises(ValueError, match="suppressed must be"):
        A.apply_suppression_policy(df, "zero")


def test_with_suppression_bounds_brackets_sum():
    df = table([row("AAA", 2020, 10), row("BBB", 2020, None), row("CCC", 2020, None)])

    def total(d, suppressed):
        return A.country_year_counts(d, suppressed=suppressed)[A.TOTAL_COLUMN].sum()

    b = A.with_suppression_bounds(total, df)
    assert (b.lower, b.estimate, b.upper) == (12.0, 15.0, 18.0)


# --------------------------------------------------------------------------- extraction
def test_counts_sum_duplicate_keys_and_drop_aggregates():
    rows = [
        row("AAA", 2020, 100),
        row("AAA", 2020, 50, DIM_FORM, SEXUAL),
        row("AAA", 2020, 20, DIM_FORM, OTHER_FORMS),  # two sub-forms under one label
        row("AAA", 2020, 7, DIM_FORM, OTHER_FORMS),
        row("AAA", 2020, None, DIM_FORM, OTHER_FORMS),
        row("SAM", 2020, 999, is_aggregate=True),
        row("AAA", 2020, 5, indicator=CONVICTED),
    ]
    c = A.country_year_counts(table(rows), dimension=DIM_FORM)
    assert list(c.columns) == [*A.ID_COLUMNS, *FORMS, A.TOTAL_COLUMN]
    assert len(c) == 1
    r = c.iloc[0]
    assert r[OTHER_FORMS] == 27 and r[SEXUAL] == 50 and math.isnan(r[FORCED_LABOUR])
    assert r["Total"] == 100 and r["region"] == "Europe" and r["country"] == "Aland"
    imp = A.country_year_counts(table(rows), dimension=DIM_FORM, suppressed="impute")
    assert imp[OTHER_FORMS].iloc[0] == 29.5
    long = A.country_year_counts(table(rows), dimension=DIM_FORM, wide=False)
    other = long[long["category"] == OTHER_FORMS].iloc[0]
    assert (other["count"], other["n_rows"], other["n_suppressed"]) == (27, 3, 1)


def test_counts_all_suppressed_cell_is_missing_under_exclude():
    rows = [row("AAA", 2020, None), row("AAA", 2021, 10)]
    c = A.country_year_counts(table(rows))
    assert c["Total"].isna().tolist() == [True, False]
    assert A.country_year_counts(table(rows), suppressed="lower")["Total"].tolist() == [1, 10]


def test_counts_sex_age_groups():
    rows = [row("AAA", 2020, 100)] + [
        row("AAA", 2020, v, sex=s, age=a)
        for v, s, a in (
            (40, FEMALE, ADULT),
            (30, MALE, ADULT),
            (20, FEMALE, CHILD),
            (10, MALE, CHILD),
            (60, FEMALE, TOTAL),
        )
    ]
    c = A.country_year_counts(table(rows), dimension=A.SEX_AGE)
    r = c.iloc[0]
    assert (r["women"], r["men"], r["girls"], r["boys"], r["Total"]) == (40, 30, 20, 10, 100)
    assert math.isnan(r[A.OTHER_CHILDREN])


def test_counts_sex_slice_of_forms():
    rows = [
        row("AAA", 2020, 9, DIM_FORM, SEXUAL, FEMALE, CHILD),
        row("AAA", 2020, 4, DIM_FORM, SEXUAL),
        row("AAA", 2020, 30, sex=FEMALE, age=CHILD),
    ]
    c = A.country_year_counts(table(rows), dimension=DIM_FORM, sex=FEMALE, age=CHILD)
    assert c[SEXUAL].iloc[0] == 9 and c["Total"].iloc[0] == 30


# --------------------------------------------------------------------------- shares
@pytest.fixture
def forms_counts():
    rows = (
        form_rows("AAA", 2020, 60, 30, 10, 100)  # shares .6 .3 .1
        + form_rows("BBB", 2020, 10, 10, None, 40)  # other absent -> 0; known den 20
        + form_rows("CCC", 2020, None, None, None, 50)  # suppressed only: breakdown missing
        + [row("FRA", 2020, 70)]
    )  # total only: no breakdown
    return A.country_year_counts(table(rows), dimension=DIM_FORM)


def test_share_pooled_known_and_all(forms_counts):
    r = A.aggregate_share(forms_counts, SEXUAL)
    assert r.share == pytest.approx(70 / 120)
    assert (r.n_countries, r.n_victims) == (2, 120)
    r_all = A.aggregate_share(forms_counts, [SEXUAL], denominator="all")
    assert r_all.share == pytest.approx(70 / 140)
    assert r_all.by_year["share"].iloc[0] == pytest.approx(70 / 140)


def test_share_mean_weighted_two_stage(forms_counts):
    assert A.aggregate_share(forms_counts, SEXUAL, method="mean").share == pytest.approx(0.55)
    w = pd.Series({"AAA": 3.0, "BBB": 1.0})
    r = A.aggregate_share(forms_counts, SEXUAL, method="weighted", weights=w)
    assert r.share == pytest.approx((3 * 0.6 + 0.5) / 4)
    with pytest.raises(ValueError, match="needs weights"):
        A.aggregate_share(forms_counts, SEXUAL, method="weighted")
    # AAA is Europe, BBB Africa: equal region weights -> mean of .6 and .5
    r2 = A.aggregate_share(forms_counts, SEXUAL, method="two_stage")
    assert r2.share == pytest.approx(0.55)
    rw = pd.Series({"Europe": 1.0, "Africa": 3.0})
    r3 = A.aggregate_share(forms_counts, SEXUAL, method="two_stage", region_weights=rw)
    assert r3.share == pytest.approx((0.6 + 3 * 0.5) / 4)
    pop = pd.Series({"AAA": 10.0, "BBB": 10.0, "CCC": 20.0})  # Africa 30, Europe 10
    r4 = A.aggregate_share(forms_counts, SEXUAL, method="two_stage", population=pop)
    assert r4.share == pytest.approx(r3.share)


def test_share_by_year_and_empty():
    rows = form_rows("AAA", 2020, 1, 1, 2, 4) + form_rows("AAA", 2021, 3, 1, None, 4)
    c = A.country_year_counts(table(rows), dimension=DIM_FORM)
    r = A.aggregate_share(c, SEXUAL)
    assert r.by_year["share"].tolist() == pytest.approx([0.25, 0.75])
    assert r.share == pytest.approx(0.5)
    empty = A.aggregate_share(c[c["year"] > 2030], SEXUAL)
    assert math.isnan(empty.share) and empty.n_countries == 0


def test_shares_by_year_forms_sum_to_one(forms_counts):
    s = A.shares_by_year(forms_counts, DIM_FORM)
    assert set(s["category"]) == set(FORMS)
    assert s["share"].sum() == pytest.approx(1.0)
    assert (s["n_countries"] == 2).all() and (s["method"] == "pooled").all()


def test_shares_by_year_sex_age_children():
    rows = []
    for iso, vals in (("AAA", (40, 30, 20, 10)), ("BBB", (5, 5, 5, 5))):
        rows.append(row(iso, 2022, sum(vals) + 3))
        for v, (s, a) in zip(
            vals, ((FEMALE, ADULT), (MALE, ADULT), (FEMALE, CHILD), (MALE, CHILD)), strict=True
        ):
            rows.append(row(iso, 2022, v, sex=s, age=a))
    rows.append(row("AAA", 2022, 3, sex="Other", age=CHILD))
    s = A.shares_by_year(table(rows), A.SEX_AGE).set_index("category")["share"]
    assert s["children"] == pytest.approx(s["girls"] + s["boys"])
    assert s[["women", "men", "girls", "boys"]].sum() == pytest.approx(1.0)
    assert s["girls"] == pytest.approx(25 / 120)
    s2 = A.shares_by_year(table(rows), A.SEX_AGE, children_include_other_sex=True)
    kids = s2.set_index("category")["share"]["children"]
    assert kids == pytest.approx((25 + 15 + 3) / 123)


def test_shares_by_year_by_group(forms_counts):
    s = A.shares_by_year(forms_counts, DIM_FORM, by="m49_region")
    eu = s[(s["group"] == "Europe") & (s["category"] == SEXUAL)]["share"].iloc[0]
    assert eu == pytest.approx(0.6)


# --------------------------------------------------------------------------- totals, groups
def test_aggregate_total_by_region_rate(forms_counts):
    t = A.aggregate_total(forms_counts)
    assert t["total"].iloc[0] == 260 and t["n_countries"].iloc[0] == 4
    g = A.by_region(forms_counts, "m49_region").set_index("group")
    assert g.loc["Africa", "total"] == 90 and g.loc["Europe", "n_countries"] == 2
    sub = A.by_region(forms_counts, "m49_subregion").set_index("group")
    assert sub.loc["Western Europe", "total"] == 70
    r = A.add_rate_per_100k(forms_counts, pd.Series({"AAA": 1e6, "FRA": 7e6}))
    assert r.set_index("iso3").loc["AAA", "rate_per_100k"] == pytest.approx(10.0)
    assert r.set_index("iso3")["rate_per_100k"].isna().sum() == 2


def test_groupings_from_countries_module(forms_counts):
    pytest.importorskip("tiptrends.io.countries")
    eu = A.by_region(forms_counts, "eu27").set_index("group")
    assert eu.loc["EU27", "total"] == 70
    glotip = A.add_grouping(forms_counts, "glotip")
    assert "group" in glotip and glotip["group"].notna().any()
    with pytest.raises(ValueError, match="grouping must be"):
        A.add_grouping(forms_counts, "continents")


# --------------------------------------------------------------------------- real data
def test_real_2022_plain_total(glotip_2025):
    c = A.country_year_counts(glotip_2025)
    t = A.aggregate_total(c).set_index("year")
    assert t.loc[2022, "total"] == 75128  # plain sum stated in the project context
    assert t.loc[2019, "total"] == 82291
    rows_2022 = c[c["year"] == 2022]
    assert len(rows_2022) == 112  # 12 of them suppressed ("<5") totals
    b = A.with_suppression_bounds(
        lambda d, suppressed: (
            A.aggregate_total(A.country_year_counts(d, suppressed=suppressed))
            .set_index("year")
            .loc[2022, "total"]
        ),
        glotip_2025,
    )
    assert b.lower == 75128 + 12 and b.upper == 75128 + 48


def test_real_shares_sum_to_one(glotip_2025):
    for dim in (DIM_FORM, A.SEX_AGE):
        s = A.shares_by_year(glotip_2025, dim, years=range(2015, 2023))
        base = s[s["category"] != A.CHILDREN]
        sums = base.groupby("year")["share"].sum()
        assert np.allclose(sums, 1.0)
        assert (s["n_countries"] > 30).all()
