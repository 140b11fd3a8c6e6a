"""The exclusions report counts each dropped row and victim once, however entries overlap."""

from __future__ import annotations

import pandas as pd

from tests.tables import curated_row
from tiptrends.io import exclusions as X
from tiptrends.vocab import DIM_FORM, SEXUAL

PLACE = ("Aland", "Europe", "Northern Europe")


def _table() -> pd.DataFrame:
    rows = [
        curated_row("AAA", 2020, 100, place=PLACE),
        curated_row("AAA", 2021, 250, place=PLACE),
        curated_row("AAA", 2021, 40, DIM_FORM, SEXUAL, place=PLACE),
        curated_row("AAA", 2022, 7, place=PLACE),
    ]
    return pd.DataFrame(rows)


def test_overlapping_entries_count_each_dropped_victim_once() -> None:
    df = _table()
    # the second entry names 2021 again: those rows are already dropped by the first
    entries = [
        X.Exclusion("AAA", (2020, 2021), "r", "d", "v"),
        X.Exclusion("AAA", (2021, 2022), "r", "d", "v"),
    ]
    kept, report = X.apply_exclusions(df, entries)
    assert kept.empty
    assert report["rows_dropped"].tolist() == [3, 1]
    assert report["overlap"].tolist() == [0, 2]
    # 100 + 250 by the first entry, 7 by the second (its 2021 total went with the first)
    assert report["victims_dropped"].tolist() == [350.0, 7.0]
    removed_totals = df.loc[X._total_rows(df), "value"].sum()
    assert report["victims_dropped"].sum() == removed_totals
