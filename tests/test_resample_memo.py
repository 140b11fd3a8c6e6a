"""The per-country memo of country_year_counts for country-bootstrap samples (exact, faster)."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from tiptrends.methods import aggregate as A
from tiptrends.methods import models as M
from tiptrends.vocab import DIM_FORM, FORMS

CALLS = [
    {},
    {"dimension": DIM_FORM},
    {"dimension": DIM_FORM, "suppressed": "impute"},
    {"dimension": DIM_FORM, "suppressed": "upper", "wide": False},
    {"dimension": A.SEX_AGE},
    {"dimension": A.SEX_AGE, "form": FORMS[0], "with_total": False, "suppressed": "lower"},
]


def _key(**kw: object) -> tuple:
    """country_year_counts' arguments (defaults filled) in order, as _country_year_counts takes them."""
    bound = inspect.signature(A.country_year_counts).bind(None, **kw)
    bound.apply_defaults()
    args = dict(bound.arguments)
    del args["df"]
    return tuple(args.values())


def _untagged(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.attrs = {}
    return out


@pytest.fixture(scope="module")
def year_table(glotip_2025: pd.DataFrame) -> pd.DataFrame:
    t = glotip_2025[glotip_2025["year"].isin([2021, 2022])]
    return t.sort_values("iso3", kind="stable")


def _sample(memo: A.ResampleMemo, table: pd.DataFrame, seed: int) -> pd.DataFrame:
    """A bootstrap sample drawn as models.bootstrap_countries draws it, tagged."""
    rng = np.random.default_rng(seed)
    units = table["iso3"].unique()
    pick = np.sort(rng.choice(units, len(units)))
    parts, labels, copies = [], [], {}
    for u in pick:
        copies[u] = copies.get(u, 0) + 1
        rows = np.flatnonzero(table["iso3"].to_numpy() == u)
        parts.append(rows)
        labels += [u if copies[u] == 1 else f"{u}#{copies[u]}"] * len(rows)
    idx = np.concatenate(parts)
    sample = table.iloc[idx].reset_index(drop=True)
    sample["iso3"] = np.array(labels, dtype=object)
    return memo.tag(sample, idx)


def test_memo_gives_the_plain_counts(year_table):
    with A.ResampleMemo(year_table) as memo:
        for seed in range(3):
            sample = _sample(memo, year_table, seed)
            for kw in CALLS:
                for data in (sample, sample[sample["year"] == 2022]):
                    plain = A._country_year_counts(_untagged(data), *_key(**kw))
                    got = A.country_year_counts(data, **kw)
                    pd.testing.assert_frame_equal(got, plain, check_exact=True)
        assert memo.counts, "the memo was never used"


def test_memo_not_used_on_changed_values(year_table, monkeypatch):
    with A.ResampleMemo(year_table) as memo:
        sample = _sample(memo, year_table, 1)
        changed = sample.assign(value=sample["value"] * 2)
        calls = []
        real = A._country_year_counts
        monkeypatch.setattr(A, "_country_year_counts", lambda *a: calls.append(1) or real(*a))
        got = A.country_year_counts(changed, dimension=DIM_FORM)
        assert len(calls) == 1  # computed on the changed table itself
        want = real(_untagged(changed), *_key(dimension=DIM_FORM))
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_bootstrap_computes_each_country_once(year_table, monkeypatch):
    calls = []
    real = A._country_year_counts
    monkeypatch.setattr(A, "_country_year_counts", lambda *a: calls.append(1) or real(*a))

    def share(t: pd.DataFrame) -> float:
        c = A.country_year_counts(t, dimension=DIM_FORM)
        return float(c[FORMS[0]].sum() / c["Total"].sum())

    b = M.bootstrap_countries(year_table, share, n_boot=40, seed=3)
    n_calls = len(calls)
    # the estimate, then each replicate's unseen countries (all seen after a few draws)
    assert n_calls < 20
    monkeypatch.setattr(A.ResampleMemo, "lookup", lambda self, df, key: None)
    plain = M.bootstrap_countries(year_table, share, n_boot=40, seed=3)
    assert np.array_equal(b.draws, plain.draws)
    assert (b.estimate, b.lower, b.upper) == (plain.estimate, plain.lower, plain.upper)


def test_shared_table_counts_are_computed_once_and_equal_the_plain_ones(year_table, monkeypatch):
    shared = A.share_table(year_table.copy())
    calls = []
    real = A._country_year_counts

    def counting(*args: object) -> pd.DataFrame:
        calls.append(args[1:])
        return real(*args)

    monkeypatch.setattr(A, "_country_year_counts", counting)
    for kw in CALLS:
        first = A.country_year_counts(shared, **kw)
        first.iloc[:, -1] = -1.0  # a caller changing its copy changes nothing for the next
        again = A.country_year_counts(shared, **kw)
        pd.testing.assert_frame_equal(again, real(year_table, *_key(**kw)), check_exact=True)
    assert len(calls) == len(CALLS), "each call computed once on a shared table"
    # another table with the same values is not the shared one: computed as usual
    A.country_year_counts(year_table.copy(), **CALLS[0])
    assert len(calls) == len(CALLS) + 1


def test_row_selections_of_a_shared_table_are_memoised_unless_changed(year_table, monkeypatch):
    shared = A.share_table(year_table.reset_index(drop=True))
    calls = []
    real = A._country_year_counts
    monkeypatch.setattr(A, "_country_year_counts", lambda *a: calls.append(1) or real(*a))
    picked = shared[shared["year"] == 2022]
    for _ in range(2):
        got = A.country_year_counts(picked, **CALLS[1])
    plain = real(_untagged(picked), *_key(**CALLS[1]))
    pd.testing.assert_frame_equal(got, plain, check_exact=True)
    assert len(calls) == 1  # computed once, read once from the memo
    changed = picked.assign(value=picked["value"] * 2)  # carries the mark, not the values
    doubled = A.country_year_counts(changed, **CALLS[1])
    pd.testing.assert_frame_equal(
        doubled, real(_untagged(changed), *_key(**CALLS[1])), check_exact=True
    )
    assert len(calls) == 2
