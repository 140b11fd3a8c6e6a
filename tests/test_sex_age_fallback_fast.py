"""The form fallback of sex_age_counts reads only the country-years it can fill.

The sex x age split of a country-year without an all-forms split is summed from its form x
sex x age cells; the cells of other country-years are not extracted any more. The result must
equal the extraction over every row (kept here as the reference).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tiptrends.methods import sex_age as S
from tiptrends.methods.aggregate import SEX_AGE, SEX_AGE_CATEGORIES, country_year_counts
from tiptrends.vocab import DIM_FORM, DIM_TOTAL, FORCED_LABOUR, FORMS, TOTAL, VICTIMS


def reference(df: pd.DataFrame, suppressed: str = "exclude") -> pd.DataFrame:
    """sex_age_counts with the form cells of every country-year extracted."""
    rows = S._victim_rows(df)
    counts = country_year_counts(rows, VICTIMS, SEX_AGE, suppressed=suppressed)
    groups = [c for c in counts.columns if c in SEX_AGE_CATEGORIES]
    by_form = pd.concat(
        [
            country_year_counts(
                rows, VICTIMS, SEX_AGE, suppressed=suppressed, form=f, with_total=False
            )
            for f in FORMS
        ]
    )
    summed = by_form.groupby(["iso3", "year"])[groups].sum(min_count=1)
    summed = summed[summed.notna().any(axis=1)]
    has_split = counts.set_index(["iso3", "year"])[groups].notna().any(axis=1)
    missing = summed.index.difference(has_split[has_split].index)
    if missing.empty:
        return counts
    fill = summed.loc[missing].reset_index()
    meta = by_form.drop_duplicates(["iso3", "year"]).set_index(["iso3", "year"])
    fill = fill.join(meta[["country", "region", "subregion"]], on=["iso3", "year"])
    keep = counts.set_index(["iso3", "year"]).index.isin(missing)
    totals = counts.loc[keep, ["iso3", "year", TOTAL]]
    fill = fill.merge(totals, on=["iso3", "year"], how="left")
    out = pd.concat([counts[~keep], fill[counts.columns]], ignore_index=True)
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


@pytest.mark.parametrize("suppressed", ["exclude", "upper"])
def test_fallback_equals_the_extraction_of_every_row(glotip_2025, suppressed):
    for t in (glotip_2025, glotip_2025[glotip_2025["iso3"].isin(["GBR", "NZL", "USA"])]):
        got = S.sex_age_counts(t, suppressed=suppressed)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(got, reference(t, suppressed), check_exact=True)
        assert ("GBR", 2022) in got.attrs["form_fallback"]


def test_in_country_years_by_hand():
    rows = pd.DataFrame(
        {"iso3": ["AAA", "AAA", "BBB", None, "CCC"], "year": [2020, 2021, 2020, 2020, 2019]}
    )
    wanted = pd.MultiIndex.from_tuples([("AAA", 2021), ("BBB", 2020), ("DDD", 2020)])
    assert S._in_country_years(rows, wanted).tolist() == [False, True, True, False, False]
    assert not S._in_country_years(rows, wanted[:0]).any()
    assert not S._in_country_years(rows.iloc[:0], wanted).any()
    far = pd.MultiIndex.from_tuples([("AAA", 1990), ("CCC", 2019)])
    assert S._in_country_years(rows, far).tolist() == [False, False, False, False, True]


def test_a_form_split_fills_only_a_country_year_without_its_own():
    """AAA 2022 has no all-forms split: its split comes from its forced-labour cells; BBB
    keeps its own split although it has form cells too."""

    def row(iso, dimension, category, sex, age, value):
        return {
            "iso3": iso, "country": iso, "region": "R", "subregion": "S",
            "is_aggregate": False, "indicator": VICTIMS, "dimension": dimension,
            "category": category, "sex": sex, "age": age, "year": 2022,
            "value": value, "suppressed": False,
        }  # fmt: skip

    women, girls = SEX_AGE_CATEGORIES["women"], SEX_AGE_CATEGORIES["girls"]
    t = pd.DataFrame(
        [
            row("AAA", DIM_TOTAL, TOTAL, TOTAL, TOTAL, 50.0),
            row("AAA", DIM_FORM, FORCED_LABOUR, *women, 30.0),
            row("AAA", DIM_FORM, FORCED_LABOUR, *girls, 5.0),
            row("BBB", DIM_TOTAL, TOTAL, TOTAL, TOTAL, 20.0),
            row("BBB", DIM_TOTAL, TOTAL, *women, 12.0),
            row("BBB", DIM_FORM, FORCED_LABOUR, *girls, 99.0),
        ]
    )
    got = S.sex_age_counts(t).set_index("iso3")
    assert got.loc["AAA", ["women", "girls", TOTAL]].tolist() == [30.0, 5.0, 50.0]
    assert got.loc["BBB", "women"] == 12.0 and np.isnan(got.loc["BBB", "girls"])
    assert got.attrs["form_fallback"] == [("AAA", 2022)]
