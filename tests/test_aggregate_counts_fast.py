"""country_year_counts, computed with numpy arrays, equals the pandas pipeline it replaced.

The pandas pipeline (select rows, fill "<5" cells, group and sum, blank placeholder
breakdowns, pivot, join the country names) is kept here, verbatim but for names, as the
reference: the counts behind every recorded number must not move by a bit.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from tiptrends.methods import aggregate as A
from tiptrends.vocab import (
    DIM_CITIZENSHIP,
    DIM_FORM,
    DIM_TOTAL,
    FORCED_LABOUR,
    FORMS,
    TOTAL,
)

TOTAL_COLUMN = A.TOTAL_COLUMN


# --------------------------------------------------------------------------- the reference
def ref_select_rows(df, indicator, dimension, categories, sex, age, form):
    base = df[(~df["is_aggregate"].astype(bool)) & (df["indicator"] == indicator)]
    if dimension == A.SEX_AGE:
        if form is None:
            rows = base[(base["dimension"] == DIM_TOTAL) & (base["category"] == TOTAL)]
        else:
            rows = base[(base["dimension"] == DIM_FORM) & (base["category"] == form)]
        wanted = list(categories) if categories is not None else list(A.SEX_AGE_CATEGORIES)
        lookup = {v: k for k, v in A.SEX_AGE_CATEGORIES.items() if k in wanted}
        keys = pd.Series(list(zip(rows["sex"], rows["age"], strict=True)), index=rows.index)
        cat = keys.map(lookup)
        return rows.assign(cat=cat)[cat.notna()], wanted
    rows = base[(base["dimension"] == dimension) & (base["sex"] == sex) & (base["age"] == age)]
    if dimension == DIM_TOTAL:
        rows = rows[rows["category"] == TOTAL]
        wanted = [TOTAL]
    elif categories is not None:
        wanted = list(categories)
        rows = rows[rows["category"].isin(wanted)]
    elif dimension == DIM_FORM:
        wanted = list(FORMS)
    else:
        wanted = sorted(rows["category"].dropna().unique())
    return rows.assign(cat=rows["category"]), wanted


def ref_sum_cells(rows):
    g = rows.groupby(["iso3", "year", "cat"], sort=True, observed=True)
    return pd.DataFrame(
        {
            "count": g["value"].sum(min_count=1),
            "n_rows": g["value"].size(),
            "n_suppressed": g["suppressed"].sum().astype("int64"),
        }
    ).reset_index()


def ref_drop_placeholders(cells):
    breakdown = cells["cat"] != TOTAL_COLUMN
    all_suppressed = cells["n_suppressed"] == cells["n_rows"]
    published = (
        (breakdown & ~all_suppressed).groupby([cells["iso3"], cells["year"]]).transform("any")
    )
    cells = cells.copy()
    cells.loc[breakdown & ~published, "count"] = np.nan
    return cells


def ref_meta(df):
    cols = [c for c in ("iso3", "country", "region", "subregion") if c in df.columns]
    meta = df[~df["is_aggregate"].astype(bool)][cols].drop_duplicates("iso3")
    for c in ("country", "region", "subregion"):
        if c not in meta.columns:
            meta[c] = pd.NA
    return meta.set_index("iso3")


def reference(
    df: pd.DataFrame,
    indicator: str,
    dimension: str,
    categories: Sequence[str] | None,
    sex: str,
    age: str,
    suppressed: A.Policy,
    impute_value: float,
    form: str | None,
    with_total: bool,
    wide: bool,
    require_published: bool,
) -> pd.DataFrame:
    rows, wanted = ref_select_rows(df, indicator, dimension, categories, sex, age, form)
    if with_total and dimension != DIM_TOTAL:
        if dimension == A.SEX_AGE:
            tot, _ = ref_select_rows(df, indicator, DIM_TOTAL, None, TOTAL, TOTAL, None)
            if form is not None:
                tot, _ = ref_select_rows(df, indicator, DIM_FORM, [form], TOTAL, TOTAL, None)
        else:
            tot, _ = ref_select_rows(df, indicator, DIM_TOTAL, None, sex, age, None)
        rows = pd.concat([rows, tot.assign(cat=TOTAL_COLUMN)])
        wanted = [*wanted, TOTAL_COLUMN]
    rows = A.apply_suppression_policy(rows, suppressed, impute_value)
    cells = (
        ref_sum_cells(rows)
        if len(rows)
        else pd.DataFrame(columns=["iso3", "year", "cat", "count", "n_rows", "n_suppressed"])
    )
    if require_published and dimension != DIM_TOTAL and len(cells):
        cells = ref_drop_placeholders(cells)
    meta = ref_meta(df)
    if not wide:
        out = cells.rename(columns={"cat": "category"}).join(meta, on="iso3")
        cols = [*A.ID_COLUMNS, "category", "count", "n_rows", "n_suppressed"]
        return out[cols].sort_values(["iso3", "year", "category"]).reset_index(drop=True)
    wide_t = cells.pivot(index=["iso3", "year"], columns="cat", values="count")
    wide_t = wide_t.reindex(columns=wanted)
    wide_t.columns.name = None
    wide_t = wide_t.reset_index().join(meta, on="iso3")
    wide_t["year"] = wide_t["year"].astype("int64")
    out = wide_t[[*A.ID_COLUMNS, *wanted]].astype({c: "float64" for c in wanted})
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


# --------------------------------------------------------------------------- the comparison
def arguments(**kw: object) -> tuple:
    """country_year_counts' arguments, defaults filled, in _country_year_counts' order."""
    bound = inspect.signature(A.country_year_counts).bind(None, **kw)
    bound.apply_defaults()
    return tuple(v for k, v in bound.arguments.items() if k != "df")


CALLS = [
    {},
    {"sex": "Female"},
    {"indicator": "Persons convicted"},
    *(
        {"dimension": d, "suppressed": p, "with_total": t, "wide": w, "require_published": r}
        for d in (DIM_FORM, A.SEX_AGE, DIM_CITIZENSHIP)
        for p, t, w, r in (
            ("exclude", True, True, True),
            ("impute", True, True, True),
            ("upper", False, False, True),
            ("lower", True, False, False),
            ("impute", False, True, False),
        )
    ),
    {"dimension": A.SEX_AGE, "form": FORMS[0], "with_total": False},
    {"dimension": A.SEX_AGE, "form": FORMS[1], "suppressed": "upper"},
    {"dimension": A.SEX_AGE, "categories": ["girls", "boys"]},
    {"dimension": DIM_FORM, "categories": [FORCED_LABOUR, "not a form"]},
    {"dimension": DIM_FORM, "sex": "Female", "age": "0 to 17 years"},
    {"dimension": DIM_FORM, "suppressed": "impute", "impute_value": 2.3},  # not exact halves
    {"dimension": DIM_FORM, "indicator": "no such indicator"},
]


@pytest.fixture(scope="module")
def tables(glotip_2025: pd.DataFrame) -> dict[str, pd.DataFrame]:
    g = glotip_2025
    return {
        "release": g,
        "one year": g[g["year"] == 2022],
        "shuffled": g.sample(frac=1.0, random_state=3),
        "five countries": g[g["iso3"].isin(["PAK", "GBR", "USA", "NGA", "FRA"])],
        "no rows": g.iloc[:0],
    }


@pytest.mark.parametrize("kw", CALLS, ids=[str(i) for i in range(len(CALLS))])
def test_counts_equal_the_pandas_pipeline(tables, kw):
    for name, t in tables.items():
        if name != "release" and kw.get("dimension") == DIM_CITIZENSHIP:
            continue  # the slowest reference; the whole release is enough
        got = A._country_year_counts(t, *arguments(**kw))
        pd.testing.assert_frame_equal(got, reference(t, *arguments(**kw)), check_exact=True)


def test_counts_of_a_table_without_meta_columns_or_iso3():
    """Rows without an iso3 enter no cell; missing name columns are missing values."""
    t = pd.DataFrame(
        {
            "iso3": ["AAA", "AAA", None, "BBB"],
            "is_aggregate": False,
            "indicator": "Detected trafficking victims",
            "dimension": DIM_TOTAL,
            "category": TOTAL,
            "sex": TOTAL,
            "age": TOTAL,
            "year": [2020, 2020, 2020, 2021],
            "value": [3.0, 4.0, 9.0, np.nan],
            "suppressed": [False, False, False, True],
        }
    )
    for kw in ({}, {"wide": False}, {"suppressed": "upper"}):
        got = A._country_year_counts(t, *arguments(**kw))
        pd.testing.assert_frame_equal(got, reference(t, *arguments(**kw)), check_exact=True)
    assert A.country_year_counts(t)["Total"].tolist()[0] == 7.0
