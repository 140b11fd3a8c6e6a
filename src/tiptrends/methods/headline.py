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

from tiptrends.io.checks import require_counts, require_glotip
from tiptrends.methods.aggregate import (
    Denominator,
    Method,
    Policy,
    aggregate_share,
    country_year_counts,
)
from tiptrends.methods.panels import TREND_PANEL, change_pct

# the sex x age counts live in sex_age (panels reads them too); re-exported here
from tiptrends.methods.sex_age import CHILD_GROUPS as CHILD_GROUPS
from tiptrends.methods.sex_age import SEX_AGE_KNOWN as SEX_AGE_KNOWN
from tiptrends.methods.sex_age import _victim_rows as _victim_rows
from tiptrends.methods.sex_age import child_counts as child_counts
from tiptrends.methods.sex_age import form_fallback_rows as form_fallback_rows
from tiptrends.methods.sex_age import sex_age_counts as sex_age_counts
from tiptrends.vocab import DIM_FORM, FORMS, TOTAL


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
    require_glotip(df, "form_counts: df")
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
    require_counts(counts, "form_victims: counts")
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
    require_glotip(df, "form_share_pct: df")
    t = form_share_by_year(
        df[df["year"] == year],
        category,
        suppressed=suppressed,
        denominator=denominator,
        method=method,
        countries=countries,
    )
    return float(t["share_pct"].iloc[0]) if len(t) else float("nan")


def _require_table(df: pd.DataFrame, what: str) -> None:
    """A curated GLOTIP table, or a wide counts table made of one (``iso3``, ``year``)."""
    wide = isinstance(df, pd.DataFrame) and "indicator" not in df.columns
    (require_counts if wide else require_glotip)(df, what)


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
    _require_table(df, "children_share_by_year: df")
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
    _require_table(df, "children_share_pct: df")
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
    # built from the columns' arrays: one small frame per call, no copies of the result
    return pd.DataFrame(
        {
            "year": by_year["year"].to_numpy(),
            "share_pct": 100.0 * by_year["share"].to_numpy(),
            "n_countries": by_year["n_countries"].to_numpy(),
            "n_victims": by_year["n_victims"].to_numpy(),
        },
        columns=columns,
    )


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
        Curated GLOTIP table, or the counts :func:`form_counts` made of it (their
        suppression policy then holds).
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
    _require_table(df, "form_share_by_year: df")
    counts = form_counts(df, suppressed=suppressed) if "indicator" in df.columns else df
    if years is not None:
        counts = counts[counts["year"].isin([int(y) for y in years])]
    res = aggregate_share(_restrict(counts, countries), category, denominator, method, **weights)
    return _percent_by_year(res.by_year)


def form_change_counts(
    df: pd.DataFrame, form: str, y0: int, y1: int, *, suppressed: Policy = "exclude"
) -> pd.DataFrame:
    """Victims of ``form`` per country-year from ``y0`` to ``y1``: the counts
    :func:`form_change_pct` compares (:func:`form_victims` of :func:`form_counts`).

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year, <form>``.
    """
    require_glotip(df, "form_change_counts: df")
    counts = form_counts(df[df["year"].between(y0, y1)], suppressed=suppressed)
    return form_victims(counts, form)


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
        Curated GLOTIP table, or the counts :func:`form_change_counts` made of it for
        ``form``, ``y0``, ``y1`` (their suppression policy then holds).
    form : str
        One of ``vocab.FORMS``.
    y0, y1 : int
        Base and comparison years.
    suppressed : str
        Suppression policy (of a curated table).
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
    _require_table(df, "form_change_pct: df")
    if "indicator" in df.columns:
        df = form_change_counts(df, form, y0, y1, suppressed=suppressed)
    return change_pct(_restrict(df, countries), y0, y1, value=form, panel=panel)


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
