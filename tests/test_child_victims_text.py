"""Chapter 04's words: method names, the left-out country and spreads as readers see them."""

from __future__ import annotations

import pandas as pd

from tests.tables import curated_row
from tiptrends.analyses import profiles as pr
from tiptrends.methods import aggregate as ag
from tiptrends.vocab import CHILD, FEMALE, MALE


def test_every_method_has_a_plain_name():
    # table headers use these names, never the code names ("two_stage_population")
    assert set(pr.METHOD_LABELS) == set(ag.METHODS)
    assert not [v for v in pr.METHOD_LABELS.values() if "_" in v]


def test_spread_is_unsigned_with_one_decimal():
    # a spread is a distance: "3.5 percentage points", not "+3.5" or "-0.0"
    assert pr._spread(3.54) == "3.5 percentage points"
    assert pr._spread(-0.04) == "0.0 percentage points"


def sexage(iso3: str, year: int, girls: float, boys: float) -> list[dict]:
    """Girls and boys of one country-year in the curated layout (a minimal table)."""
    place = (iso3.title(), "Asia", "Southern Asia")
    return [
        curated_row(iso3, year, girls, sex=FEMALE, age=CHILD, place=place),
        curated_row(iso3, year, boys, sex=MALE, age=CHILD, place=place),
    ]


def test_influence_check_names_the_country():
    rows = [r for iso3 in ("AAA", "PAK") for y in (2019, 2022) for r in sexage(iso3, y, 5, 5)]
    df = pd.DataFrame(rows)
    changes = pr.child_change_variants(df, df, 2019, 2022, "PAK", leave_out_name="Pakistan")
    labels = set(changes["definition"])
    assert "girls + boys, influence check without Pakistan" in labels
    assert not [label for label in labels if "PAK" in label]


def test_switch_table_columns_have_plain_names():
    # every rule-switch column is named in words, the reproduction and re-analysis as the book says
    assert set(pr.SWITCH_LABELS) == set(pr.SWITCHES)
    assert pr.SWITCH_LABELS["all rules (main)"] == "Reproduction (report's data)"
    assert not [v for v in pr.SWITCH_LABELS.values() if "(main)" in v or "current release" in v]
