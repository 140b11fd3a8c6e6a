"""Sex x age counts of detected victims: the counts behind every sex-and-age figure.

:func:`sex_age_counts` (with the form fallback), :func:`child_counts` (children, girls and
boys per country-year, the counts of every change in children) and :func:`form_fallback_rows`.
:mod:`tiptrends.methods.headline` re-exports them; :mod:`tiptrends.methods.panels` reads
:func:`child_counts` for its change measures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tiptrends.methods.aggregate import (
    ID_COLUMNS,
    SEX_AGE,
    SEX_AGE_CATEGORIES,
    Policy,
    _country_meta,
    _is_curated,
    country_year_counts,
)
from tiptrends.vocab import DIM_FORM, DIM_TOTAL, FORMS, SEX_AGE_GROUPS, TOTAL, VICTIMS

CHILD_GROUPS = ("girls", "boys")
"""Sex x age groups that make up children in the published profile."""


SEX_AGE_KNOWN = tuple(SEX_AGE_GROUPS)
"""Known denominator of the sex x age profile: women, men, girls, boys."""


def _victim_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Country rows of detected victims, dimensions Total and by form (speeds up extraction)."""
    pos = np.flatnonzero(df["indicator"].to_numpy() == VICTIMS)
    pos = pos[~df["is_aggregate"].astype(bool).to_numpy()[pos]]
    dimension = df["dimension"].to_numpy()[pos]
    keep = np.zeros(len(df), dtype=bool)
    keep[pos[(dimension == DIM_TOTAL) | (dimension == DIM_FORM)]] = True
    return df[keep]


def sex_age_counts(
    df: pd.DataFrame,
    *,
    suppressed: Policy = "exclude",
    form: str | None = None,
    form_fallback: bool = True,
) -> pd.DataFrame:
    """Wide sex x age counts of detected victims (all groups incl. other sex, plus Total).

    Most countries publish the sex x age split of their total ("all forms" rows). A few
    publish it only within each form of exploitation: the United Kingdom in 2022 (14,659
    victims of known sex and age, none in the all-forms rows), New Zealand 2022 and a handful
    of earlier country-years. With ``form_fallback`` (the default), a country-year that has
    no sex x age cell in the all-forms rows takes the sum of its form x sex x age cells
    instead (the victims of known form, sex and age); every other country-year is unchanged.
    The country-years that used the fallback are listed in ``result.attrs["form_fallback"]``
    (see :func:`form_fallback_rows`).

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table; a wide counts table is returned unchanged.
    suppressed : str
        Suppression policy.
    form : str, optional
        Sex x age groups within one form of exploitation (the total is the form's total; no
        fallback applies).
    form_fallback : bool
        Fill country-years without an all-forms sex x age split from the form x sex x age
        cells (see above).

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year, women, men, girls, boys,
        other_children, other_adults, Total``.
    """
    if not _is_curated(df):
        return df
    rows = _victim_rows(df)
    counts = country_year_counts(rows, VICTIMS, SEX_AGE, suppressed=suppressed, form=form)
    counts.attrs["form_fallback"] = []
    if form is not None or not form_fallback:
        return counts
    groups = [c for c in counts.columns if c in SEX_AGE_CATEGORIES]
    has_split = counts.set_index(["iso3", "year"])[groups].notna().any(axis=1)
    # the form x sex x age cells of the country-years without an all-forms split (each
    # country-year's counts come from its own rows)
    candidates = rows[~_in_country_years(rows, has_split[has_split].index)]
    by_form = pd.concat(
        [
            country_year_counts(
                candidates, VICTIMS, SEX_AGE, suppressed=suppressed, form=f, with_total=False
            )
            for f in FORMS
        ]
    )
    summed = by_form.groupby(["iso3", "year"])[groups].sum(min_count=1)
    summed = summed[summed.notna().any(axis=1)]
    missing = summed.index.difference(has_split[has_split].index)
    if missing.empty:
        return counts
    fill = summed.loc[missing].reset_index()
    meta = _country_meta(rows, fill["iso3"].to_numpy())  # as the counts of all rows name them
    fill = fill.assign(**meta)
    keep = counts.set_index(["iso3", "year"]).index.isin(missing)
    totals = counts.loc[keep, ["iso3", "year", TOTAL]]
    fill = fill.merge(totals, on=["iso3", "year"], how="left")
    out = pd.concat([counts[~keep], fill[counts.columns]], ignore_index=True)
    out = out.sort_values(["iso3", "year"]).reset_index(drop=True)
    out.attrs["form_fallback"] = [(str(i), int(y)) for i, y in missing]
    return out


def _in_country_years(rows: pd.DataFrame, country_years: pd.MultiIndex) -> np.ndarray:
    """Whether each row's (iso3, year) is one of ``country_years``."""
    codes, isos = pd.factorize(rows["iso3"])
    year = rows["year"].to_numpy(dtype=np.int64)
    if not len(year) or not len(country_years):
        return np.zeros(len(rows), dtype=bool)
    first, span = int(year.min()), int(year.max() - year.min()) + 1
    wanted_code = pd.Index(isos).get_indexer(country_years.get_level_values(0))
    wanted_year = np.asarray(country_years.get_level_values(1), dtype=np.int64) - first
    ok = (wanted_code >= 0) & (wanted_year >= 0) & (wanted_year < span)
    wanted = wanted_code[ok] * span + wanted_year[ok]
    key = np.where(codes >= 0, codes * span + (year - first), -1)
    return np.isin(key, wanted)


def child_counts(
    df: pd.DataFrame, *, suppressed: Policy = "exclude", form_fallback: bool = True
) -> pd.DataFrame:
    """Detected children (girls + boys), girls and boys per country-year.

    The one count of child victims behind every change in children: the sex x age counts of
    :func:`sex_age_counts` (form fallback on by default), country-years reporting girls or
    boys; children = girls + boys, one missing counting as zero when the other is reported.

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year, children, girls, boys``.
    """
    sa = sex_age_counts(df, suppressed=suppressed, form_fallback=form_fallback)
    sa = sa[sa[list(CHILD_GROUPS)].notna().any(axis=1)]
    out = sa[[*ID_COLUMNS, *CHILD_GROUPS]].assign(
        children=sa[list(CHILD_GROUPS)].sum(axis=1, min_count=1)
    )
    out = out[[*ID_COLUMNS, "children", *CHILD_GROUPS]]
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


def form_fallback_rows(df: pd.DataFrame, *, suppressed: Policy = "exclude") -> pd.DataFrame:
    """Country-years whose sex x age split comes from the form x sex x age cells.

    Returns
    -------
    DataFrame
        ``iso3, country, year`` and the counts of women, men, girls and boys taken from the
        form breakdown, with their sum (``known_sex_age``) and the country total (NaN where
        the country publishes none).
    """
    counts = sex_age_counts(df, suppressed=suppressed)
    keys = pd.DataFrame(counts.attrs["form_fallback"], columns=["iso3", "year"])
    out = counts.merge(keys, on=["iso3", "year"])
    out["known_sex_age"] = out[list(SEX_AGE_KNOWN)].sum(axis=1, min_count=1)
    return out[["iso3", "country", "year", *SEX_AGE_KNOWN, "known_sex_age", TOTAL]]
