"""Public methods check the frame they are given: one ValueError naming what is missing.

A wrong frame used to end in a bare pandas ``KeyError: 'iso3'`` deep inside a group-by, and a
row without a year was dropped without a word.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tiptrends.methods import decomposition, diagnostics, headline, panels, vintage


def _curated() -> pd.DataFrame:
    return pd.DataFrame({
        "iso3": ["AAA", "AAA"], "indicator": ["Detected trafficking victims"] * 2,
        "dimension": ["Total"] * 2, "category": ["Total"] * 2, "sex": ["Total"] * 2,
        "age": ["Total"] * 2, "year": [2021, 2022], "value": [10.0, 12.0],
        "suppressed": [False, False], "release": ["2025-04-14"] * 2,
    })


CURATED_CALLS = {
    "form_counts": lambda df: headline.form_counts(df),
    "form_share_pct": lambda df: headline.form_share_pct(df, "Forced labour", 2022),
    "children_share_pct": lambda df: headline.children_share_pct(df, 2022),
    "fallback_totals": lambda df: panels.fallback_totals(df),
    "measure_counts": lambda df: panels.measure_counts(df, "victims"),
    "consistency_checks": lambda df: diagnostics.consistency_checks(df),
    "flagged_restatements": lambda df: vintage.flagged_restatements(df, _curated()),
}
COUNTS_CALLS = {
    "country_set": lambda c: panels.country_set(c, [2021, 2022]),
    "trend_change": lambda c: panels.trend_change(c, 2021, 2022),
    "pct_change": lambda c: panels.pct_change(c, 2021, 2022),
    "jumps": lambda c: diagnostics.jumps(c),
    "pooled_share_change": lambda c: decomposition.pooled_share_change(c, "a", 2021, 2022),
}


@pytest.mark.parametrize("name", sorted(CURATED_CALLS))
def test_a_curated_table_without_its_columns_is_named(name: str) -> None:
    wrong = _curated().rename(columns={"iso3": "country_code", "indicator": "what"})
    with pytest.raises(ValueError, match=rf"^{name}: \w+ lacks column\(s\) iso3\b"):
        CURATED_CALLS[name](wrong)


@pytest.mark.parametrize("name", sorted(CURATED_CALLS))
def test_a_row_without_a_year_is_refused_not_dropped(name: str) -> None:
    df = _curated().astype({"year": float})
    df.loc[1, "year"] = np.nan
    with pytest.raises(ValueError, match=r"1 row\(s\) with a missing year"):
        CURATED_CALLS[name](df)


@pytest.mark.parametrize("name", sorted(COUNTS_CALLS))
def test_a_counts_table_without_iso3_or_year_is_named(name: str) -> None:
    counts = pd.DataFrame({"country": ["AAA", "AAA"], "year": [2021, 2022], "Total": [1.0, 2.0]})
    with pytest.raises(ValueError, match=rf"^{name}: counts lacks column\(s\) iso3"):
        COUNTS_CALLS[name](counts)


def test_not_a_frame_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="form_counts: df: expected a pandas DataFrame, got list"):
        headline.form_counts([1, 2])
