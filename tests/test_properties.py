"""Property-based tests (hypothesis) of the aggregation toolkit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiptrends.methods import aggregate as A
from tiptrends.methods.decomposition import shift_share
from tiptrends.methods.models import bootstrap_countries
from tiptrends.vocab import DIM_FORM, FORMS

REGIONS = ("Africa", "Europe", "Asia")
count = st.one_of(st.none(), st.integers(min_value=0, max_value=5000))


@st.composite
def form_counts(draw):
    """A wide forms counts table: countries x years, some cells missing."""
    n = draw(st.integers(min_value=1, max_value=8))
    years = draw(st.lists(st.integers(2015, 2022), min_size=1, max_size=4, unique=True))
    rows = []
    for i in range(n):
        region = draw(st.sampled_from(REGIONS))
        for y in years:
            vals = [draw(count) for _ in FORMS]
            rows.append(
                {
                    "iso3": f"C{i}",
                    "country": f"C{i}",
                    "region": region,
                    "subregion": region,
                    "year": y,
                    **{
                        f: (np.nan if v is None else float(v))
                        for f, v in zip(FORMS, vals, strict=True)
                    },
                    "Total": float(sum(v or 0 for v in vals) + draw(st.integers(0, 50))),
                }
            )
    return pd.DataFrame(rows)


methods = st.sampled_from(["pooled", "mean", "two_stage"])


@settings(max_examples=60, deadline=None)
@given(form_counts(), methods)
def test_shares_sum_to_one(counts, method):
    s = A.shares_by_year(counts, DIM_FORM, method=method)
    sums = s.groupby("year")["share"].sum(min_count=1).dropna()
    assert np.allclose(sums, 1.0)
    # every category of a year uses the same countries
    assert (s.groupby("year")["n_countries"].nunique() == 1).all()


@settings(max_examples=30, deadline=None)
@given(form_counts(), methods, st.randoms(use_true_random=False))
def test_row_order_does_not_matter(counts, method, rnd):
    perm = list(range(len(counts)))
    rnd.shuffle(perm)
    shuffled = counts.iloc[perm].reset_index(drop=True)
    a = A.shares_by_year(counts, DIM_FORM, method=method)
    b = A.shares_by_year(shuffled, DIM_FORM, method=method)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)
    ta, tb = A.aggregate_total(counts), A.aggregate_total(shuffled)
    pd.testing.assert_frame_equal(ta, tb, check_exact=False, rtol=1e-12)


@st.composite
def curated_rows(draw):
    """Rows of a curated table (with duplicate keys and suppressed cells)."""
    rows = []
    for _ in range(draw(st.integers(1, 25))):
        v = draw(count)
        rows.append(
            {
                "iso3": draw(st.sampled_from(["AAA", "BBB", "CCC"])),
                "country": "x",
                "region": "Asia",
                "subregion": "Asia",
                "is_aggregate": False,
                "indicator": A.VICTIMS,
                "dimension": DIM_FORM,
                "category": draw(st.sampled_from(FORMS)),
                "sex": "Total",
                "age": "Total",
                "year": draw(st.integers(2020, 2022)),
                "value": np.nan if v is None else float(v),
                "suppressed": v is None,
            }
        )
    return pd.DataFrame(rows)


@settings(max_examples=30, deadline=None)
@given(curated_rows(), st.sampled_from(A.SUPPRESSION_POLICIES), st.randoms(use_true_random=False))
def test_extraction_row_order_and_bounds(df, policy, rnd):
    perm = list(range(len(df)))
    rnd.shuffle(perm)
    a = A.country_year_counts(df, dimension=DIM_FORM, suppressed=policy)
    b = A.country_year_counts(df.iloc[perm], dimension=DIM_FORM, suppressed=policy)
    pd.testing.assert_frame_equal(a, b)
    lo = A.country_year_counts(df, dimension=DIM_FORM, suppressed="lower")[list(FORMS)]
    hi = A.country_year_counts(df, dimension=DIM_FORM, suppressed="upper")[list(FORMS)]
    assert ((lo <= hi) | lo.isna()).all().all()


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1e4), min_size=1, max_size=12),
    st.integers(0, 2**32 - 1),
)
def test_bootstrap_interval_contains_estimate(values, seed):
    c = pd.DataFrame({"iso3": [f"C{i}" for i in range(len(values))], "Total": values})
    r = bootstrap_countries(c, lambda d: d["Total"].sum(), n_boot=100, seed=seed)
    assert r.lower <= r.estimate + 1e-9 and r.estimate <= r.upper + 1e-9
    again = bootstrap_countries(c, lambda d: d["Total"].sum(), n_boot=100, seed=seed)
    assert np.array_equal(r.draws, again.draws)


side = st.dictionaries(
    st.sampled_from(["A", "B", "C", "D", "E", "F"]),
    st.tuples(st.integers(0, 1000), st.integers(1, 1000)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=100, deadline=None)
@given(side, side)
def test_decomposition_parts_sum_to_total(y0, y1):
    def series(d, k):
        return pd.Series(
            {i: float(min(v[0], v[1]) if k == 0 else v[1]) for i, v in d.items()}, dtype=float
        )

    r = shift_share(series(y0, 0), series(y0, 1), series(y1, 0), series(y1, 1))
    assert r.within + r.composition == pytest.approx(r.total_change, abs=1e-12)
    assert r.within + r.reweighting + r.entry + r.exit == pytest.approx(r.total_change, abs=1e-12)
    assert r.by_country["total"].sum() == pytest.approx(r.total_change, abs=1e-12)
    pooled0 = sum(min(a, b) for a, b in y0.values()) / sum(b for _, b in y0.values())
    assert r.share_y0 == pytest.approx(pooled0)
