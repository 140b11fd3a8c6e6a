"""aggregate_share and share_inputs, computed on arrays, equal the pandas code they replaced.

The pandas version (a frame per year, pandas sums) is kept here as the reference; shares,
counts of countries and victims and the table by year must be equal to the bit, on whole
counts and on counts that are not (where the order of summation matters).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tiptrends.methods import aggregate as A
from tiptrends.vocab import FORCED_LABOUR, FORMS, OTHER_FORMS, SEXUAL


def ref_share_inputs(counts, num_cats, denominator="known", known=None, carry=()):
    known = list(known) if known is not None else A.known_categories(counts)
    block = counts[list(dict.fromkeys([*known, *num_cats]))]
    reported = block[known].notna().any(axis=1)
    filled = block.fillna(0.0)
    num = filled[list(num_cats)].sum(axis=1)
    den = filled[known].sum(axis=1) if denominator == "known" else counts["Total"]
    keep = reported & den.notna() & (den > 0)
    ids = [c for c in [*A.ID_COLUMNS, *carry] if c in counts.columns]
    out = counts.loc[keep, list(dict.fromkeys(ids))].copy()
    out["num"] = num[keep].astype(float)
    out["den"] = den[keep].astype(float)
    return out.reset_index(drop=True)


def ref_combine(units, method, weights, region_weights, region_column):
    if units.empty:
        return float("nan"), 0, 0.0
    if method == "pooled":
        share = units["num"].sum() / units["den"].sum()
    elif method == "mean":
        share = (units["num"] / units["den"]).mean()
    elif method == "weighted":
        w = units["iso3"].map(weights)
        ok = w.notna() & (w > 0)
        units = units[ok]
        if units.empty:
            return float("nan"), 0, 0.0
        w = w[ok]
        share = float(np.sum(w * units["num"] / units["den"]) / np.sum(w))
    else:
        reg = units.groupby(region_column, sort=True)[["num", "den"]].sum()
        rw = (
            pd.Series(1.0, index=reg.index)
            if region_weights is None
            else region_weights.reindex(reg.index).astype(float)
        )
        share = float((reg["num"] / reg["den"] * rw).sum() / rw.sum())
    return float(share), int(units["iso3"].nunique()), float(units["den"].sum())


def ref_aggregate_share(counts, num_cats, denominator, method, weights=None, region_weights=None):
    units = ref_share_inputs(counts, num_cats, denominator, carry=["region"])
    share, n_c, n_v = ref_combine(units, method, weights, region_weights, "region")
    rows = []
    for year, g in units.groupby("year", sort=True):
        s, n, v = ref_combine(g, method, weights, region_weights, "region")
        rows.append({"year": int(year), "share": s, "n_countries": n, "n_victims": v})
    by_year = pd.DataFrame(rows, columns=["year", "share", "n_countries", "n_victims"])
    return share, n_c, n_v, by_year


def synthetic(whole: bool) -> pd.DataFrame:
    """Form counts of 40 countries over 12 years, with gaps, missing forms and regions."""
    rng = np.random.default_rng(7 if whole else 8)
    n = 40 * 12
    t = pd.DataFrame(
        {
            "iso3": np.repeat([f"C{i:02d}" for i in range(40)], 12),
            "country": "x",
            "region": np.repeat([f"R{i % 5}" if i % 13 else None for i in range(40)], 12),
            "subregion": "y",
            "year": np.tile(np.arange(2011, 2023), 40),
        }
    )
    for c in FORMS:
        v = rng.integers(0, 400, n).astype(float)
        t[c] = np.where(rng.random(n) < 0.25, np.nan, v if whole else v * rng.random(n) * 1.37)
    t["Total"] = t[list(FORMS)].sum(axis=1) * 1.1
    return t[rng.random(n) < 0.8].reset_index(drop=True)


WEIGHTS = pd.Series({f"C{i:02d}": float(i * 1.5) for i in range(40) if i % 7})
REGION_WEIGHTS = pd.Series({f"R{i}": 1.0 + i * 0.3 for i in range(5)})


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("whole", [True, False])
@pytest.mark.parametrize(
    "method, kw",
    [
        ("pooled", {}),
        ("mean", {}),
        ("weighted", {"weights": WEIGHTS}),
        ("two_stage", {}),
        ("two_stage", {"region_weights": REGION_WEIGHTS}),
    ],
)
@pytest.mark.parametrize("denominator", ["known", "all"])
def test_aggregate_share_equals_the_pandas_code(whole, method, kw, denominator):
    counts = synthetic(whole)
    for num in ([FORCED_LABOUR], [SEXUAL, OTHER_FORMS]):
        got = A.aggregate_share(counts, num, denominator, method, **kw)  # type: ignore[arg-type]
        share, n_c, n_v, by_year = ref_aggregate_share(counts, num, denominator, method, **kw)
        assert same(got.share, share) and got.n_countries == n_c and same(got.n_victims, n_v)
        pd.testing.assert_frame_equal(got.by_year, by_year, check_exact=True)


@pytest.mark.parametrize("whole", [True, False])
def test_share_inputs_equal_the_pandas_code(whole):
    counts = synthetic(whole)
    for denominator in ("known", "all"):
        for carry in ([], ["region"]):
            got = A.share_inputs(counts, [FORCED_LABOUR], denominator, carry=carry)
            want = ref_share_inputs(counts, [FORCED_LABOUR], denominator, carry=carry)
            pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_no_units():
    counts = synthetic(True).iloc[:0]
    got = A.aggregate_share(counts, [FORCED_LABOUR])
    assert math.isnan(got.share) and got.n_countries == 0 and got.n_victims == 0.0
    pd.testing.assert_frame_equal(
        got.by_year, ref_aggregate_share(counts, [FORCED_LABOUR], "known", "pooled")[3]
    )


def test_missing_region_weight_is_an_error():
    with pytest.raises(ValueError, match="region_weights lacks"):
        A.aggregate_share(
            synthetic(True),
            [FORCED_LABOUR],
            method="two_stage",
            region_weights=REGION_WEIGHTS.iloc[:2],
        )
