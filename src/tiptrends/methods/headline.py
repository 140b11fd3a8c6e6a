"""Headline quantities, one function each, and the counts tables they are computed from.

Every chapter that needs the children's share, a form's share or a form's change calls the
function here, so that one figure has one path:

* counts: :func:`form_counts` (victims by form, with the total), :func:`sex_age_counts`
  (victims by sex x age group, optionally within one form), :func:`form_victims`;
* headline figures: :func:`children_share_pct`, :func:`form_share_pct`,
  :func:`form_change_pct`;
* distance to a published figure: :func:`published_gap`, :func:`method_gap_table`.

Country-years whose breakdown is made only of ``"<5"`` placeholder rows do not report the
breakdown under any suppression policy (see
:func:`tiptrends.methods.aggregate.country_year_counts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from tiptrends.methods.aggregate import (
    ID_COLUMNS,
    SEX_AGE,
    SEX_AGE_CATEGORIES,
    Denominator,
    Method,
    Policy,
    _is_curated,
    aggregate_share,
    country_year_counts,
)
from tiptrends.methods.panels import TREND_PANEL, change_pct
from tiptrends.vocab import DIM_FORM, DIM_TOTAL, FORMS, SEX_AGE_GROUPS, TOTAL, VICTIMS

CHILD_GROUPS = ("girls", "boys")
"""Sex x age groups that make up children in the published profile."""


SEX_AGE_KNOWN = tuple(SEX_AGE_GROUPS)
"""Known denominator of the sex x age profile: women, men, girls, boys."""


def form_counts(
    df: pd.DataFrame,
    *,
    suppressed: Policy = "exclude",
    sex: str = TOTAL,
    age: str = TOTAL,
) -> pd.DataFrame:
    """Wide counts of victims by form of exploitation, with the country total.

    Only country-years with at least one *published* (not ``"<5"``) form count are kept,
    whatever the policy. Since 2017 the file carries a ``"<5"`` form row for almost every
    country, including countries with tens of thousands of victims and no form breakdown
    (e.g. Pakistan 2019: 32,022 victims, one "Sexual exploitation" row ``"<5"``); reading
    such a row under ``"impute"`` as a breakdown would add the country with a share of 0 or
    100% and, in changes, with zero victims of the other forms.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table (already filtered by exclusions if wanted).
    suppressed : {"exclude", "impute", "lower", "upper"}
        Suppression policy (see :func:`tiptrends.methods.aggregate.apply_suppression_policy`).
    sex, age : str
        Sex and age slice of the form breakdown.

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year``, the three forms and ``"Total"``.
    """
    # country_year_counts already blanks breakdowns made only of "<5" rows (require_published),
    # so a country-year with any form value is one with a published form count.
    counts = country_year_counts(df, dimension=DIM_FORM, sex=sex, age=age, suppressed=suppressed)
    return counts[counts[list(FORMS)].notna().any(axis=1)].reset_index(drop=True)


def form_victims(counts: pd.DataFrame, form: str) -> pd.DataFrame:
    """Victims of one form per country-year, zero where the breakdown omits the form.

    UNODC publishes no explicit zeros: a country-year that reports some forms but not
    ``form`` detected no victim of it. Country-years that report no form at all are dropped.

    Parameters
    ----------
    counts : DataFrame
        Wide form counts (:func:`form_counts`).
    form : str
        One of ``vocab.FORMS``.

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year, <form>``.
    """
    reported = counts[list(FORMS)].notna().any(axis=1)
    out = counts.loc[reported, ["iso3", "country", "region", "subregion", "year", form]].copy()
    out[form] = out[form].fillna(0.0)
    return out.reset_index(drop=True)


def _restrict(counts: pd.DataFrame, countries: Iterable[str] | None) -> pd.DataFrame:
    if countries is None:
        return counts
    return counts[counts["iso3"].isin(list(countries))]


def form_share_pct(
    df: pd.DataFrame,
    category: str | Sequence[str],
    year: int,
    *,
    suppressed: Policy = "exclude",
    denominator: Denominator = "known",
    method: Method = "pooled",
    countries: Iterable[str] | None = None,
) -> float:
    """Share (%) of detected victims trafficked for one form (or several) in one year.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    category : str or sequence of str
        Form(s) in the numerator.
    year : int
        Year.
    suppressed : str
        Suppression policy.
    denominator : {"known", "all"}
        Victims with a known form, or the country total.
    method : {"pooled", "mean", "two_stage", ...}
        Aggregation across countries (see :func:`tiptrends.methods.aggregate.aggregate_share`).
    countries : iterable of str, optional
        Restrict to these ISO3 codes (e.g. ``countries.EU27``).

    Returns
    -------
    float
        Percentage (NaN if no country enters).
    """
    t = form_share_by_year(
        df[df["year"] == year],
        category,
        suppressed=suppressed,
        denominator=denominator,
        method=method,
        countries=countries,
    )
    return float(t["share_pct"].iloc[0]) if len(t) else float("nan")


def children_share_by_year(
    df: pd.DataFrame,
    years: Iterable[int] | None = None,
    *,
    groups: Sequence[str] = CHILD_GROUPS,
    suppressed: Policy = "exclude",
    countries: Iterable[str] | None = None,
    denominator: Denominator = "known",
    method: Method = "pooled",
    form_fallback: bool = True,
    **weights: pd.Series,
) -> pd.DataFrame:
    """Share (%) of children (girls + boys), or of other sex x age groups, per year.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table (or a wide table from :func:`sex_age_counts`).
    years : iterable of int, optional
        Years to keep (default all).
    groups : sequence of str
        Sex x age groups in the numerator (default girls and boys; ``("women",)`` gives
        the women's share of the same profile).
    suppressed : str
        Suppression policy.
    countries : iterable of str, optional
        Restrict to these ISO3 codes.
    denominator : {"known", "all"}
        Victims of known sex and age (women + men + girls + boys, the published profile's
        base) or the country's own total.
    method : {"pooled", "mean", "weighted", "two_stage"}
        Aggregation across countries (:func:`tiptrends.methods.aggregate.aggregate_share`).
    form_fallback : bool
        Take the split from the form x sex x age cells where a country-year has no
        all-forms split (see :func:`sex_age_counts`).
    **weights
        ``weights``, ``region_weights`` or ``population`` for the weighted methods.

    Returns
    -------
    DataFrame
        ``year, share_pct, n_countries, n_victims`` over the countries reporting a
        sex x age breakdown that year.
    """
    counts = sex_age_counts(df, suppressed=suppressed, form_fallback=form_fallback)
    if years is not None:
        counts = counts[counts["year"].isin([int(y) for y in years])]
    res = aggregate_share(
        _restrict(counts, countries),
        list(groups),
        denominator,
        method,
        known=list(SEX_AGE_KNOWN),
        **weights,
    )
    return _percent_by_year(res.by_year)


def children_share_pct(
    df: pd.DataFrame,
    year: int,
    *,
    groups: Sequence[str] = CHILD_GROUPS,
    suppressed: Policy = "exclude",
    countries: Iterable[str] | None = None,
    denominator: Denominator = "known",
    method: Method = "pooled",
    form_fallback: bool = True,
    **weights: pd.Series,
) -> float:
    """Share (%) of children (girls + boys) among detected victims in one year.

    The one path to the children's share: :func:`children_share_by_year` for one year
    (see it for ``denominator``, ``method``, ``form_fallback`` and ``weights``).

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    year : int
        Year.
    groups : sequence of str
        Sex x age groups in the numerator (default girls and boys).
    suppressed : str
        Suppression policy.
    countries : iterable of str, optional
        Restrict to these ISO3 codes.

    Returns
    -------
    float
        Pooled percentage over women + men + girls + boys (NaN if no country reports).
    """
    t = children_share_by_year(
        df[df["year"] == year],
        groups=groups,
        suppressed=suppressed,
        countries=countries,
        denominator=denominator,
        method=method,
        form_fallback=form_fallback,
        **weights,
    )
    return float(t["share_pct"].iloc[0]) if len(t) else float("nan")


def _percent_by_year(by_year: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["year", "share_pct", "n_countries", "n_victims"]
    if by_year is None or by_year.empty:
        return pd.DataFrame(columns=columns)
    out = by_year.assign(share_pct=100.0 * by_year["share"])
    return out[columns].reset_index(drop=True)


def form_share_by_year(
    df: pd.DataFrame,
    category: str | Sequence[str],
    years: Iterable[int] | None = None,
    *,
    suppressed: Policy = "exclude",
    denominator: Denominator = "known",
    method: Method = "pooled",
    countries: Iterable[str] | None = None,
    **weights: pd.Series,
) -> pd.DataFrame:
    """Share (%) of victims of one form (or several) per year.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    category : str or sequence of str
        Form(s) in the numerator.
    years : iterable of int, optional
        Years to keep (default all).
    suppressed : str
        Suppression policy.
    denominator : {"known", "all"}
        Victims with a known form, or the country total.
    method : {"pooled", "mean", "weighted", "two_stage"}
        Aggregation across countries (:func:`tiptrends.methods.aggregate.aggregate_share`).
    countries : iterable of str, optional
        Restrict to these ISO3 codes.
    **weights
        ``weights``, ``region_weights`` or ``population`` for the weighted methods.

    Returns
    -------
    DataFrame
        ``year, share_pct, n_countries, n_victims`` over the countries reporting the form
        breakdown that year.
    """
    counts = form_counts(df, suppressed=suppressed)
    if years is not None:
        counts = counts[counts["year"].isin([int(y) for y in years])]
    res = aggregate_share(_restrict(counts, countries), category, denominator, method, **weights)
    return _percent_by_year(res.by_year)


def form_change_pct(
    df: pd.DataFrame,
    form: str,
    y0: int,
    y1: int,
    *,
    suppressed: Policy = "exclude",
    panel: str = TREND_PANEL,
    countries: Iterable[str] | None = None,
) -> float:
    """Percentage change in detected victims of one form between two years.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    form : str
        One of ``vocab.FORMS``.
    y0, y1 : int
        Base and comparison years.
    suppressed : str
        Suppression policy.
    panel : str
        Country set (:data:`tiptrends.methods.panels.PANEL_KINDS`): the pre-specified trend
        panel (every country reporting the form breakdown in the window, gaps filled) or a
        sensitivity set (``"matched"``: both years; ``"open"``: all reporters of each year).
    countries : iterable of str, optional
        Restrict to these ISO3 codes.

    Returns
    -------
    float
        Percentage change.
    """
    counts = form_counts(df[df["year"].between(y0, y1)], suppressed=suppressed)
    v = _restrict(form_victims(counts, form), countries)
    return change_pct(v, y0, y1, value=form, panel=panel)


def _victim_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Country rows of detected victims, dimensions Total and by form (speeds up extraction)."""
    return df[
        (df["indicator"] == VICTIMS)
        & ~df["is_aggregate"].astype(bool)
        & df["dimension"].isin([DIM_TOTAL, DIM_FORM])
    ]


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
    out = out.sort_values(["iso3", "year"]).reset_index(drop=True)
    out.attrs["form_fallback"] = [(str(i), int(y)) for i, y in missing]
    return out


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


def published_gap(
    value: float, published: float, low: float | None = None, high: float | None = None
) -> float:
    """Distance from a figure to the published value, or to the published range if given.

    Parameters
    ----------
    value : float
        Our figure.
    published : float
        Published value (used for a missing end of the range).
    low, high : float, optional
        Published range.

    Returns
    -------
    float
        ``0`` inside the range, else the absolute distance to its nearest end.
    """
    lo = published if low is None else low
    hi = published if high is None else high
    return float(max(lo - value, value - hi, 0.0))


def method_gap_table(
    values: pd.DataFrame, published: pd.DataFrame, main: str = "pooled"
) -> pd.DataFrame:
    """How far each method's figure is from the published one, and whether it is closer.

    Parameters
    ----------
    values : DataFrame
        Figures (index) x method labels (columns), in the unit of the published figures.
    published : DataFrame
        Indexed by figure, with ``published`` and optionally ``published_low`` /
        ``published_high`` (a range; NaN or None when the figure is a single value).
    main : str
        The main method, which the others are compared with.

    Returns
    -------
    DataFrame
        One row per figure x method: ``figure, method, value, published, distance``
        (:func:`published_gap`, 0 inside a published range) and ``closer_than_main``
        (distance strictly smaller than the main method's; False for the main method).
    """
    if main not in values.columns:
        raise ValueError(f"main method {main!r} is not a column of values")
    missing = [f for f in values.index if f not in published.index]
    if missing:
        raise KeyError(f"no published figure for {missing}")

    def bound(fig: object, col: str) -> float | None:
        v = published.loc[fig, col] if col in published.columns else None
        return None if v is None or pd.isna(v) else float(v)

    rows = []
    for fig in values.index:
        pub = float(published.loc[fig, "published"])
        lo, hi = bound(fig, "published_low"), bound(fig, "published_high")
        main_dist = published_gap(float(values.loc[fig, main]), pub, lo, hi)
        for m in values.columns:
            value = float(values.loc[fig, m])
            dist = published_gap(value, pub, lo, hi)
            rows.append(
                {
                    "figure": fig,
                    "method": m,
                    "value": value,
                    "published": pub,
                    "distance": dist,
                    "closer_than_main": bool(m != main and dist < main_dist),
                }
            )
    return pd.DataFrame(rows)
