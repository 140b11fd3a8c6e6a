"""Sex x age profiles of detected victims and the share and number of child victims.

Thin, explicit layer over :mod:`tiptrends.methods.aggregate` and :mod:`tiptrends.methods.panels` for the
child-victims notebook. Every share says which **denominator** it uses:

``"known_sex_age"``
    Victims whose sex (female / male) and age group (child / adult) are both known, i.e.
    women + men + girls + boys. This is the base of the published GLOTIP profile, whose four
    shares add up to 100.
``"known_incl_other"``
    As above plus victims of sex "Other" (children and adults). Children then include
    other-sex children.
``"all_victims"``
    The country's own total of detected victims (including victims of unknown sex or age).
    Only country-years that also report a sex x age breakdown enter.

Suppressed ``"<5"`` cells follow :func:`tiptrends.methods.aggregate.apply_suppression_policy`; a
country enters a share in a year if it reports at least one sex x age group that year.

Aggregation methods are named by the labels of :data:`METHODS`; the two population-weighted
ones (:data:`POPULATION_METHODS`) are shared with :mod:`tiptrends.analyses.forms` through
:func:`method_arguments` and :func:`region_population` (population by ISO3 comes from
:func:`tiptrends.analyses.coverage.gsi_population`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from tiptrends.methods import aggregate as ag
from tiptrends.methods import panels
from tiptrends.methods.aggregate import method_arguments
from tiptrends.methods.headline import _victim_rows, sex_age_counts
from tiptrends.vocab import CHILD, DIM_FORM, DIM_TOTAL, FEMALE, FORMS, MALE, TOTAL, VICTIMS

ProfileDenominator = Literal["known_sex_age", "known_incl_other", "all_victims"]
PROFILE_DENOMINATORS: dict[str, str] = {
    "known_sex_age": "victims of known sex (female/male) and age",
    "known_incl_other": "victims of known age incl. sex 'Other'",
    "all_victims": "all detected victims (country total)",
}
"""Denominator names and their plain-words meaning."""

PROFILE_CATEGORIES = ("women", "men", "girls", "boys", "children")
CHILD_GROUPS = ("children", "girls", "boys")
ChildDefinition = Literal["girls_boys", "age_total"]


# --------------------------------------------------------------------------- methods


def _shares_kwargs(denominator: str) -> dict:
    if denominator == "known_sex_age":
        return {"denominator": "known", "children_include_other_sex": False}
    if denominator == "known_incl_other":
        return {"denominator": "known", "children_include_other_sex": True}
    if denominator == "all_victims":
        return {"denominator": "all", "children_include_other_sex": False}
    raise ValueError(
        f"denominator must be one of {list(PROFILE_DENOMINATORS)}, got {denominator!r}"
    )


# --------------------------------------------------------------------------- exclusions


# --------------------------------------------------------------------------- profiles


def sex_age_profile(
    df: pd.DataFrame,
    years: Iterable[int] | None = None,
    *,
    denominator: ProfileDenominator = "known_sex_age",
    method: ag.Method = "pooled",
    suppressed: ag.Policy = "exclude",
    by: str | None = None,
    form: str | None = None,
    population: pd.Series | None = None,
    region_weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Shares of women, men, girls, boys and children among detected victims, per year.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table, or a wide table from :func:`sex_age_counts` (faster when
        several profiles are drawn from the same data; ``suppressed`` and ``form`` are
        then those of the table).
    years : iterable of int, optional
        Years to keep (default all).
    denominator : {"known_sex_age", "known_incl_other", "all_victims"}
        See the module docstring.
    method : {"pooled", "mean", "weighted", "two_stage"}
        Aggregation across countries (:func:`tiptrends.methods.aggregate.aggregate_share`).
    suppressed : {"exclude", "impute", "lower", "upper"}
        Suppression policy.
    by : str, optional
        Grouping (e.g. ``"m49_region"``); adds a ``group`` column.
    form : str, optional
        Profile within one form of exploitation (rows by form x sex x age).
    population : Series, optional
        Population by iso3: the weights of ``method="weighted"``; with ``"two_stage"`` and
        no ``region_weights``, regions are weighted by the population of their countries in
        the counts table (see :func:`tiptrends.methods.aggregate.aggregate_share`).
    region_weights : Series, optional
        Weights by region for ``method="two_stage"`` (e.g. :func:`region_population`).

    Returns
    -------
    DataFrame
        One row per [group,] year: ``women, men, girls, boys, children`` in percent
        (0-100), ``n_countries``, ``n_victims`` (sum of the denominator) and
        ``denominator``.
    """
    kw = _shares_kwargs(denominator)
    extra: dict = {}
    if method == "weighted":
        extra["weights"] = population
    elif population is not None:
        extra["population"] = population
    if region_weights is not None:
        extra["region_weights"] = region_weights
    counts = sex_age_counts(df, suppressed=suppressed, form=form)
    long = ag.shares_by_year(
        counts,
        ag.SEX_AGE,
        list(PROFILE_CATEGORIES),
        kw["denominator"],
        method,
        suppressed=suppressed,
        form=form,
        years=years,
        by=by,
        children_include_other_sex=kw["children_include_other_sex"],
        **extra,
    )
    idx = (["group"] if by is not None else []) + ["year"]
    wide = long.pivot_table(index=idx, columns="category", values="share", aggfunc="first")
    wide = (100.0 * wide.reindex(columns=list(PROFILE_CATEGORIES))).reset_index()
    wide.columns.name = None
    meta = long.groupby(idx, sort=True)[["n_countries", "n_victims"]].first().reset_index()
    out = wide.merge(meta, on=idx)
    out["denominator"] = denominator
    return out


def profile_alternatives(
    frames: Mapping[str, pd.DataFrame],
    year: int,
    *,
    denominators: Sequence[str] = tuple(PROFILE_DENOMINATORS),
    methods: Sequence[str] = ("pooled",),
    suppressed: ag.Policy = "exclude",
    population: pd.Series | None = None,
    region_weights: pd.Series | None = None,
) -> pd.DataFrame:
    """The profile of one year under several data versions, denominators and methods.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        Labelled curated tables (e.g. ``{"all countries": df, "with exclusions": df2}``)
        or :func:`sex_age_counts` tables.
    year : int
        Year of the profile.
    denominators : sequence of str
        Denominators (:data:`PROFILE_DENOMINATORS`).
    methods : sequence of str
        Method labels of :data:`METHODS` (every frame x denominator x method is computed).
    suppressed : str
        Suppression policy.
    population : Series, optional
        Population by iso3, needed by ``"weighted"``.
    region_weights : Series, optional
        Weights by region (e.g. :func:`region_population`), needed by
        ``"two_stage_population"``.

    Returns
    -------
    DataFrame
        ``data, denominator, method, women, men, girls, boys, children, n_countries,
        n_victims`` (percent shares; ``method`` is the label).
    """
    rows = []
    for label, frame in frames.items():
        frame = sex_age_counts(frame, suppressed=suppressed)
        for den in denominators:
            for m in methods:
                agg_method, kw = method_arguments(m, population, region_weights)
                p = sex_age_profile(
                    frame,
                    [year],
                    denominator=den,
                    method=agg_method,
                    suppressed=suppressed,
                    population=kw.get("weights"),
                    region_weights=kw.get("region_weights"),
                )
                r = p.iloc[0].to_dict() if len(p) else {}
                rows.append(
                    {
                        "data": label,
                        "denominator": den,
                        "method": m,
                        **{c: r.get(c, np.nan) for c in PROFILE_CATEGORIES},
                        "n_countries": r.get("n_countries", 0),
                        "n_victims": r.get("n_victims", 0.0),
                    }
                )
    return pd.DataFrame(rows)


def profile_bounds(
    df: pd.DataFrame,
    year: int,
    *,
    denominator: ProfileDenominator = "known_sex_age",
    policy: ag.Policy = "exclude",
) -> pd.DataFrame:
    """Each profile share with its values when every ``"<5"`` cell is 1 and when it is 4.

    Same convention as :func:`tiptrends.methods.aggregate.with_suppression_bounds`: ``lower`` /
    ``upper`` are the min / max of the share under the policies ``"lower"`` and
    ``"upper"``; for a share they bracket the usual case but are not strict bounds.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    year : int
    denominator : str
        See :func:`sex_age_profile`.
    policy : str
        Policy of the central ``estimate``.

    Returns
    -------
    DataFrame
        ``category, estimate, lower, upper`` in percent.
    """
    vals = {}
    for pol in (policy, "lower", "upper"):
        p = sex_age_profile(df, [year], denominator=denominator, suppressed=pol)
        vals[pol] = p.iloc[0] if len(p) else pd.Series(np.nan, index=PROFILE_CATEGORIES)
    rows = []
    for cat in PROFILE_CATEGORIES:
        lo, hi = float(vals["lower"][cat]), float(vals["upper"][cat])
        rows.append(
            {
                "category": cat,
                "estimate": float(vals[policy][cat]),
                "lower": min(lo, hi),
                "upper": max(lo, hi),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- by form
def form_profile_of_children(
    df: pd.DataFrame,
    years: Iterable[int] | None = None,
    *,
    suppressed: ag.Policy = "exclude",
) -> pd.DataFrame:
    """Distribution of girls and of boys across the three forms of exploitation.

    Uses the rows by form x sex x age (sex Female/Male, age 0-17); the denominator is the
    girls (boys) with a known form, i.e. the sum over the three forms.

    Returns
    -------
    DataFrame
        ``group`` ("girls"/"boys"), ``year``, ``form``, ``share_pct``, ``n_countries``,
        ``n_victims``.
    """
    frames = []
    df = _victim_rows(df)
    for group, sex in (("girls", FEMALE), ("boys", MALE)):
        counts = ag.country_year_counts(
            df, VICTIMS, DIM_FORM, sex=sex, age=CHILD, suppressed=suppressed, with_total=False
        )
        if years is not None:
            counts = counts[counts["year"].isin(list(years))]
        s = ag.shares_by_year(counts, DIM_FORM, list(FORMS), "known")
        frames.append(s.assign(group=group))
    out = pd.concat(frames, ignore_index=True).rename(columns={"category": "form"})
    out["share_pct"] = 100.0 * out["share"]
    return out[["group", "year", "form", "share_pct", "n_countries", "n_victims"]]


def children_share_by_form(
    df: pd.DataFrame,
    years: Iterable[int] | None = None,
    *,
    suppressed: ag.Policy = "exclude",
) -> pd.DataFrame:
    """Share of children (and girls, boys) among the victims of each form of exploitation.

    Denominator: victims of the form with known sex and age (women+men+girls+boys).

    Returns
    -------
    DataFrame
        ``form, year, women, men, girls, boys, children, n_countries, n_victims,
        denominator``.
    """
    df = _victim_rows(df)
    frames = [
        sex_age_profile(df, years, suppressed=suppressed, form=f).assign(form=f) for f in FORMS
    ]
    out = pd.concat(frames, ignore_index=True)
    return out[["form", *[c for c in out.columns if c != "form"]]]


# --------------------------------------------------------------------------- counts/changes
def child_victim_counts(
    df: pd.DataFrame,
    definition: ChildDefinition = "girls_boys",
    *,
    suppressed: ag.Policy = "exclude",
) -> pd.DataFrame:
    """Wide country x year table of child victims: ``children``, ``girls``, ``boys``.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    definition : {"girls_boys", "age_total"}
        ``"girls_boys"``: children = girls + boys (missing when neither is reported;
        one missing counts as zero when the other is reported). ``"age_total"``: children
        = the row "sex Total, age 0-17" (includes children of other or unknown sex;
        published by fewer countries in some years).
    suppressed : str
        Suppression policy.

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year, children, girls, boys``.
    """
    if definition not in ("girls_boys", "age_total"):
        raise ValueError(f"definition must be girls_boys or age_total, got {definition!r}")
    df = _victim_rows(df)
    sa = ag.country_year_counts(
        df, VICTIMS, ag.SEX_AGE, ["girls", "boys"], suppressed=suppressed, with_total=False
    )
    if definition == "girls_boys":
        kids = sa[["girls", "boys"]].sum(axis=1, min_count=1)
    else:
        tot = ag.country_year_counts(
            df, VICTIMS, DIM_TOTAL, sex=TOTAL, age=CHILD, suppressed=suppressed
        )
        tot = tot[["iso3", "year", TOTAL]].rename(columns={TOTAL: "children"})
        sa = sa.merge(tot, on=["iso3", "year"], how="outer")
        meta = ag.country_year_counts(df, VICTIMS, suppressed=suppressed)[
            ["iso3", "country", "region", "subregion"]
        ].drop_duplicates("iso3")
        sa = sa.drop(columns=["country", "region", "subregion"]).merge(meta, on="iso3", how="left")
        kids = sa.pop("children")
    out = sa.assign(children=kids)
    cols = [*ag.ID_COLUMNS, "children", "girls", "boys"]
    return out[cols].sort_values(["iso3", "year"]).reset_index(drop=True)


def change_in_children(
    df: pd.DataFrame,
    y0: int,
    y1: int,
    group: str = "children",
    *,
    definition: ChildDefinition = "girls_boys",
    suppressed: ag.Policy = "exclude",
) -> panels.ChangeResult:
    """Percentage change in detected child victims between two years, matched countries.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    y0, y1 : int
        Base and end year.
    group : {"children", "girls", "boys"}
        Which count.
    definition, suppressed : str
        See :func:`child_victim_counts`.

    Returns
    -------
    tiptrends.methods.panels.ChangeResult
        Matched-set change (countries with a count in both years) and the unmatched one.
    """
    if group not in CHILD_GROUPS:
        raise ValueError(f"group must be one of {CHILD_GROUPS}, got {group!r}")
    counts = child_victim_counts(df, definition, suppressed=suppressed)
    return panels.pct_change(counts, y0, y1, value=group)
