"""Tests for tiptrends.methods.headline: one path per headline figure, on hand-made tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.tables import META, curated_row
from tiptrends.methods import headline
from tiptrends.vocab import ADULT, CHILD, DIM_FORM, FEMALE, FORCED_LABOUR, MALE, SEXUAL, TOTAL


def _row(iso3, year, value, dimension="Total", category=TOTAL, sex=TOTAL, age=TOTAL):
    return curated_row(iso3, year, value, dimension, category, sex, age, place=META[iso3])


GROUPS = {
    "women": (FEMALE, ADULT),
    "men": (MALE, ADULT),
    "girls": (FEMALE, CHILD),
    "boys": (MALE, CHILD),
}


def _split(iso3, year, dimension, category, **values):
    return [_row(iso3, year, v, dimension, category, *GROUPS[g]) for g, v in values.items()]


@pytest.fixture
def table() -> pd.DataFrame:
    """AAA publishes the all-forms split; BBB only form x sex x age cells (like the UK 2022)."""
    rows = [_row("AAA", 2022, 100)]
    rows += _split("AAA", 2022, "Total", TOTAL, women=40, men=30, girls=20, boys=10)
    rows += [
        _row("BBB", 2022, 60, DIM_FORM, SEXUAL),
        _row("BBB", 2022, 40, DIM_FORM, FORCED_LABOUR),
    ]
    rows += _split("BBB", 2022, DIM_FORM, SEXUAL, women=30, girls=10)
    rows += _split("BBB", 2022, DIM_FORM, FORCED_LABOUR, men=25, boys=5, women="<5")
    return pd.DataFrame(rows)


def test_form_fallback_fills_only_country_years_without_an_all_forms_split(table):
    with_fb = headline.sex_age_counts(table).set_index("iso3")
    assert with_fb.attrs["form_fallback"] == [("BBB", 2022)]
    # BBB: women 30 (+ "<5" left out), men 25, girls 10, boys 5, summed over the forms
    assert with_fb.loc["BBB", ["women", "men", "girls", "boys"]].tolist() == [30, 25, 10, 5]
    assert math.isnan(with_fb.loc["BBB", TOTAL])  # BBB publishes no country total
    assert with_fb.loc["AAA", ["women", "men", "girls", "boys"]].tolist() == [40, 30, 20, 10]
    without = headline.sex_age_counts(table, form_fallback=False)
    assert without.attrs["form_fallback"] == []
    known = ["women", "men", "girls", "boys"]
    assert without.dropna(subset=known, how="all")["iso3"].tolist() == ["AAA"]


def test_children_share_uses_the_fallback(table):
    # pooled: (20 + 10 + 10 + 5) / (100 + 70) children among victims of known sex and age
    assert headline.children_share_pct(table, 2022) == pytest.approx(100 * 45 / 170)
    counts = headline.sex_age_counts(table, form_fallback=False)
    assert headline.children_share_pct(counts, 2022) == pytest.approx(30.0)


def test_form_fallback_rows_lists_the_filled_country_years(table):
    t = headline.form_fallback_rows(table)
    assert t[["iso3", "year", "known_sex_age"]].values.tolist() == [["BBB", 2022, 70.0]]
    imputed = headline.form_fallback_rows(table, suppressed="impute")
    assert imputed["women"].iloc[0] == pytest.approx(32.5)
