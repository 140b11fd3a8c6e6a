"""Exclusion row masks coded once (io.exclusions.RowIndex) and the sensitivity table built on them."""

from __future__ import annotations

import pandas as pd
import pytest

from tiptrends.io import exclusions as X
from tiptrends.io.exclusions import Exclusion
from tiptrends.methods import sensitivity
from tiptrends.vocab import DIM_FORM, DIM_TOTAL, TOTAL, VICTIMS

ROWS = [  # iso3, dimension, category, sex, age, year, release
    ("AAA", DIM_TOTAL, TOTAL, TOTAL, TOTAL, 2021, "r2"),
    ("AAA", DIM_TOTAL, TOTAL, "Female", TOTAL, 2021, "r2"),
    ("AAA", DIM_FORM, "Forced labour", TOTAL, TOTAL, 2021, "r2"),
    ("AAA", DIM_TOTAL, TOTAL, TOTAL, TOTAL, 2022, "r1"),
    ("BBB", DIM_TOTAL, TOTAL, TOTAL, TOTAL, 2022, "r2"),
    ("BBB", DIM_FORM, "Forced labour", TOTAL, TOTAL, 2022, "r2"),
]


@pytest.fixture
def table() -> pd.DataFrame:
    df = pd.DataFrame(
        ROWS, columns=["iso3", "dimension", "category", "sex", "age", "year", "release"]
    )
    return df.assign(indicator=VICTIMS, value=[10.0, 4, 6, 9, 20, 12], suppressed=False)


def _plain(df: pd.DataFrame, e: Exclusion) -> list[bool]:
    """The entry's rows, written out row by row."""
    out = []
    for r in df.itertuples():
        both = r.sex == TOTAL and r.age == TOTAL
        scope = {
            "all": True,
            "total": r.dimension == DIM_TOTAL and r.category == TOTAL and both,
            "form": r.dimension == DIM_FORM,
            "sex_age": r.dimension == DIM_TOTAL and not both,
        }[e.scope]
        out.append(
            r.iso3 == e.iso3
            and (e.years is None or r.year in e.years)
            and (e.releases is None or r.release in e.releases)
            and scope
        )
    return out


ENTRIES = [
    Exclusion("AAA", None, "r", "d", "v"),
    Exclusion("AAA", (2021,), "r", "d", "v", scope="form"),
    Exclusion("AAA", None, "r", "d", "v", scope="sex_age"),
    Exclusion("AAA", None, "r", "d", "v", scope="total", releases=("r2",)),
    Exclusion("BBB", (2022,), "r", "d", "v", scope="total"),
    Exclusion("CCC", None, "r", "d", "v"),
]


def test_row_index_masks_equal_the_written_rule(table):
    index = X.RowIndex(table)
    for e in ENTRIES:
        assert index.mask(e).tolist() == _plain(table, e), e


def test_apply_exclusions_codes_the_table_once(table, monkeypatch):
    built = []
    real = X.RowIndex.__init__
    monkeypatch.setattr(X.RowIndex, "__init__", lambda self, df: built.append(1) or real(self, df))
    kept, report = X.apply_exclusions(table, ENTRIES)
    assert len(built) == 1
    assert report["rows_dropped"].sum() == len(table) - len(kept) == 5


def test_sensitivity_evaluates_a_scenario_equal_to_the_main_table_once(table):
    calls = []

    def total(t: pd.DataFrame, policy: str) -> float:
        calls.append(len(t))
        return float(t["value"].sum())

    # the second entry's row is also the first entry's: keeping it changes nothing
    entries = [
        Exclusion("BBB", None, "r", "d", "v"),
        Exclusion("BBB", (2022,), "r", "d", "v", scope="form"),
    ]
    out = sensitivity.sensitivity_table(table, {"total": total}, entries, policies=("exclude",))
    keep_form = "keeping " + X.exclusion_label(entries[1])
    assert out.loc["total", keep_form] == out.loc["total", '"<5" left out']
    assert out.loc["total", "no exclusions"] == table["value"].sum()
    assert len(calls) == 3  # main, no exclusions, keeping BBB (all): the form one reuses main
