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
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from tiptrends import settings
from tiptrends.io.published import published_value
from tiptrends.methods import aggregate as ag
from tiptrends.methods import diagnostics, figures, panels, sensitivity
from tiptrends.methods.aggregate import method_arguments
from tiptrends.methods.figures import core as figures_core
from tiptrends.methods.headline import (
    _victim_rows,
    child_counts,
    form_fallback_rows,
    method_gap_table,
    sex_age_counts,
)
from tiptrends.methods.sensitivity import BASIS_SWITCHES
from tiptrends.vocab import CHILD, DIM_FORM, DIM_TOTAL, FEMALE, FORMS, MALE, TOTAL, VICTIMS

ProfileDenominator = Literal["known_sex_age", "known_incl_other", "all_victims"]
PROFILE_DENOMINATORS: dict[str, str] = {
    "known_sex_age": "victims of known sex (female/male) and age",
    "known_incl_other": 'victims of known age, including sex "Other"',
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
    form_fallback: bool = True,
) -> pd.DataFrame:
    """Wide country x year table of child victims: ``children``, ``girls``, ``boys``.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    definition : {"girls_boys", "age_total"}
        ``"girls_boys"``: children = girls + boys
        (:func:`tiptrends.methods.headline.child_counts`, the counts of every change in
        children), so a country-year that publishes
        its sex x age split only within the forms (the United Kingdom in 2022) counts its
        form x sex x age cells. ``"age_total"``: children = the row "sex Total, age 0-17"
        (includes children of other or unknown sex; published by fewer countries in some
        years).
    suppressed : str
        Suppression policy.
    form_fallback : bool
        Passed to :func:`~tiptrends.methods.headline.sex_age_counts` (switch: ``False``
        uses the all-forms rows only).

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year, children, girls, boys``.
    """
    if definition not in ("girls_boys", "age_total"):
        raise ValueError(f"definition must be girls_boys or age_total, got {definition!r}")
    if definition == "girls_boys":
        return child_counts(df, suppressed=suppressed, form_fallback=form_fallback)
    df = _victim_rows(df)
    sa = ag.country_year_counts(
        df, VICTIMS, ag.SEX_AGE, ["girls", "boys"], suppressed=suppressed, with_total=False
    )
    tot = ag.country_year_counts(
        df, VICTIMS, DIM_TOTAL, sex=TOTAL, age=CHILD, suppressed=suppressed
    )
    tot = tot[["iso3", "year", TOTAL]].rename(columns={TOTAL: "children"})
    sa = sa.merge(tot, on=["iso3", "year"], how="outer")
    meta = ag.country_year_counts(df, VICTIMS, suppressed=suppressed)[
        ["iso3", "country", "region", "subregion"]
    ].drop_duplicates("iso3")
    sa = sa.drop(columns=["country", "region", "subregion"]).merge(meta, on="iso3", how="left")
    out = sa.assign(children=sa.pop("children"))
    cols = [*ag.ID_COLUMNS, "children", "girls", "boys"]
    return out[cols].sort_values(["iso3", "year"]).reset_index(drop=True)


# --------------------------------------------------------------------------- chapter 04
YEAR, PREVIOUS_EDITION_YEAR = settings.LATEST_YEAR, settings.PREVIOUS_EDITION_YEAR
CHANGE_START = settings.BASE_YEAR
RELEASE, EARLIER = settings.CURRENT_RELEASE, settings.EARLIER_RELEASE
"""Names of the current and the earlier GLOTIP release."""

GIRLS_CHANGE_ID = "glotip2024_girls_change_2019_2022_pct"
"""Published change in girls 2019-2022 (shown beside ours, not recorded)."""

GROUPS: tuple[str, ...] = ("women", "men", "girls", "boys")
"""The four sex x age groups of the published profile."""

SHARES: tuple[str, ...] = (*GROUPS, "children")
"""The five shares compared with published figures."""

SERIES_YEARS = range(settings.FIRST_YEAR, YEAR + 1)
"""Years of the world series of child shares."""

REGION_YEARS = range(2010, YEAR + 1)
"""Years of the regional profiles (earlier years rest on few countries per region)."""

FORM_YEARS = range(2012, YEAR + 1)
"""Years of the profiles by form of exploitation."""

ALTERNATIVE_METHODS: tuple[str, ...] = ("pooled", "mean", "two_stage")

METHOD_LABELS: dict[str, str] = {
    "pooled": "Pooled share",
    "mean": "Country mean",
    "two_stage": "Two-stage share",
    "weighted": "Population-weighted share",
    "two_stage_population": "Two-stage, regions weighted by population",
}
"""Plain names of the aggregation methods for table headers (the book's glossary terms)."""
"""Aggregation methods shown for every denominator (population methods only for the main)."""

PUBLISHED_SHARE_IDS: dict[str, str] = {g: f"glotip2024_{g}_share_2022_pct" for g in SHARES}
"""Published figure ids of the 2022 profile (``data/published/figures.csv``)."""

COUNTRY_SET_LABELS: dict[str, str] = {
    "trend": "trend panel (main)",
    "open": "unmatched (all reporters)",
    "matched": "matched endpoints",
    "balanced": "balanced panel",
    "interpolated": "interpolated panel",
}
"""Plain words for the country sets of :func:`tiptrends.methods.panels.panel_changes`."""


def child_share_pct(counts: pd.DataFrame) -> float:
    """Pooled share (percent) of girls + boys among women + men + girls + boys."""
    known = counts[list(GROUPS)].sum().sum()
    return float(100 * counts[["girls", "boys"]].sum().sum() / known)


def child_share_influence(counts: pd.DataFrame, year: int) -> pd.DataFrame:
    """Leave-one-country-out effect on the pooled child share of one year.

    Parameters
    ----------
    counts : DataFrame
        Wide sex x age counts (:func:`sex_age_counts`).
    year : int
        Year of the share.

    Returns
    -------
    DataFrame
        The columns of :func:`tiptrends.methods.diagnostics.influence` (``iso3,
        estimate_all, estimate_without, effect, abs_effect``) plus ``country``, ``known``
        (women + men + girls + boys), the four groups, ``share_of_known_pct`` (the
        country's part of all victims of known sex and age) and ``women_pct`` (women among
        the country's victims of known sex and age); largest absolute effect first.
    """
    one = counts[counts["year"] == year]
    known = one.assign(known=one[list(GROUPS)].sum(axis=1)).set_index("iso3")
    out = diagnostics.influence(child_share_pct, one)
    out = out.join(known[["country", "known", *GROUPS]], on="iso3")
    out["share_of_known_pct"] = 100 * out["known"] / known["known"].sum()
    out["women_pct"] = 100 * out["women"] / out["known"]
    return out


def child_change_variants(
    df: pd.DataFrame,
    raw: pd.DataFrame,
    y0: int,
    y1: int,
    leave_out: str,
    *,
    leave_out_name: str | None = None,
    suppressed: ag.Policy = "exclude",
) -> pd.DataFrame:
    """The change in child victims y0 -> y1 under each definition and country set.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table with the exclusions applied (the main data).
    raw : DataFrame
        The same without exclusions.
    y0, y1 : int
        Base and end year.
    leave_out : str
        ISO3 code of the country left out in the influence check.
    leave_out_name : str, optional
        Its name in the definition label (default: the ISO3 code).
    suppressed : str
        Suppression policy.

    Returns
    -------
    DataFrame
        ``definition, group, country_set, pct_change, n_countries`` (countries in the set
        in ``y1``) for: girls + boys (children, girls, boys); the "sex Total, age 0-17"
        rows (children); girls + boys without exclusions; girls + boys without
        ``leave_out``. ``country_set`` uses :data:`COUNTRY_SET_LABELS`.
    """
    kids = child_victim_counts(df, suppressed=suppressed)
    variants = {
        "girls + boys": (kids, CHILD_GROUPS),
        "sex Total, age 0-17 rows": (
            child_victim_counts(df, "age_total", suppressed=suppressed),
            ("children",),
        ),
        "girls + boys, without exclusions": (
            child_victim_counts(raw, suppressed=suppressed),
            CHILD_GROUPS,
        ),
        f"girls + boys, influence check without {leave_out_name or leave_out}": (
            kids[kids["iso3"] != leave_out],
            CHILD_GROUPS,
        ),
    }
    rows = []
    for definition, (counts, groups) in variants.items():
        for group in groups:
            table = panels.panel_changes(counts, y0, y1, group)
            for kind, r in table.iterrows():
                rows.append(
                    {
                        "definition": definition,
                        "group": group,
                        "country_set": COUNTRY_SET_LABELS[str(kind)],
                        "pct_change": r["pct_change"],
                        "n_countries": int(r["n_y1"]),
                    }
                )
    return pd.DataFrame(rows)


def change_table(changes: pd.DataFrame) -> pd.DataFrame:
    """:func:`child_change_variants` as a table: one column per country set.

    Returns
    -------
    DataFrame
        Index ``(definition, group)``; one column per country set (percent change) and
        ``countries (matched)``.
    """
    wide = changes.pivot_table(
        index=["definition", "group"], columns="country_set", values="pct_change", sort=False
    )
    wide.columns.name = None
    matched = changes[changes["country_set"] == COUNTRY_SET_LABELS["matched"]]
    n = matched.set_index(["definition", "group"])["n_countries"]
    return wide.join(n.rename("countries (matched)"))


def largest_changes(kids: pd.DataFrame, y0: int, y1: int, n: int = 8) -> pd.DataFrame:
    """Countries whose number of child victims changed most between y0 and y1.

    Returns
    -------
    DataFrame
        Index ``(iso3, country)``: ``y0``, ``y1`` (children) and ``change`` (y1 - y0), for
        the ``n`` countries with a count in both years and the largest absolute change.
    """
    both = kids[kids["year"].isin([y0, y1])].pivot_table(
        index=["iso3", "country"], columns="year", values="children"
    )
    both = both.dropna()
    both.columns.name = None
    both["change"] = both[y1] - both[y0]
    order = both["change"].abs().sort_values(ascending=False).index
    return both.reindex(order).head(n)


def matched_group_totals(
    kids: pd.DataFrame, countries: Iterable[str], years: Iterable[int]
) -> pd.DataFrame:
    """Girls and boys summed over a fixed set of countries, per year (index ``year``)."""
    keep = kids[kids["iso3"].isin(list(countries)) & kids["year"].isin(list(years))]
    return keep.groupby("year")[["girls", "boys"]].sum()


def population_weights(
    counts: pd.DataFrame, year: int, population: pd.Series
) -> tuple[pd.Series, list[str]]:
    """Population weights (percent) of the countries reporting a sex x age group in ``year``.

    Returns
    -------
    tuple of Series and list
        Weights by country name, largest first (summing to 100 over the reporters with a
        population); ISO3 codes of reporters without a population (left out).
    """
    one = counts[(counts["year"] == year) & counts[list(GROUPS)].notna().any(axis=1)]
    weights = one.set_index("country")["iso3"].map(population).dropna()
    weights = (100 * weights / weights.sum()).sort_values(ascending=False)
    return weights, sorted(set(one["iso3"]) - set(population.index))


def method_distances(
    alternatives: pd.DataFrame, published: pd.Series, data: str, main: str = "pooled"
) -> pd.DataFrame:
    """Each method's profile against the published one, for one version of the data.

    Parameters
    ----------
    alternatives : DataFrame
        Output of :func:`profile_alternatives` (main denominator rows are used).
    published : Series
        Published share by group (:data:`SHARES`).
    data : str
        The ``data`` label of the version compared.
    main : str
        Method the others are compared with.

    Returns
    -------
    DataFrame
        Output of :func:`tiptrends.methods.headline.method_gap_table` (``figure, method,
        value, distance, closer_than_main``) over :data:`SHARES` and every method of
        :data:`tiptrends.methods.aggregate.METHODS` present.
    """
    rows = alternatives[
        (alternatives["data"] == data) & (alternatives["denominator"] == "known_sex_age")
    ].set_index("method")
    methods = [m for m in ag.METHODS if m in rows.index]
    values = rows.loc[methods, list(SHARES)].T
    return method_gap_table(values, published.to_frame("published"), main=main)


def closer_groups(gaps: pd.DataFrame, method: str) -> str:
    """The shares (of :func:`method_distances`) a method brings closer to the published ones.

    Returns the group names joined by ", ", or ``"none of the five shares"``.
    """
    hits = gaps[(gaps["method"] == method) & gaps["closer_than_main"]]["figure"]
    return ", ".join(hits) if len(hits) else "none of the five shares"


def form_only_sex_age(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Countries whose victims of known sex and age exist only in the rows by form.

    Such a country publishes women, men, girls and boys within each form of exploitation
    but no sex x age split of its total; without the form fallback of
    :func:`~tiptrends.methods.headline.sex_age_counts` it would be missing from the profile.

    Returns
    -------
    DataFrame
        ``iso3, country, victims`` (women + men + girls + boys summed over the three forms)
        for every such country in ``year``, largest first.
    """
    total = sex_age_counts(df, form_fallback=False)
    total = total[total["year"] == year]
    has_total = set(total.loc[total[list(GROUPS)].notna().any(axis=1), "iso3"])
    parts = []
    for form in FORMS:
        c = sex_age_counts(df, form=form)
        parts.append(c[c["year"] == year][["iso3", "country", *GROUPS]])
    by_form = pd.concat(parts).groupby(["iso3", "country"])[list(GROUPS)].sum(min_count=1)
    victims = by_form.sum(axis=1, min_count=1).dropna().rename("victims").reset_index()
    out = victims[~victims["iso3"].isin(has_total)]
    return out.sort_values("victims", ascending=False).reset_index(drop=True)


def alternatives_table(alternatives: pd.DataFrame, share: str = "children") -> pd.DataFrame:
    """One share of :func:`profile_alternatives` as data x denominator rows, method columns.

    Returns
    -------
    DataFrame
        Index ``(data, denominator)`` with denominators in words
        (:data:`PROFILE_DENOMINATORS`); one column per method, in the order of
        :data:`tiptrends.methods.aggregate.METHODS` (NaN where not computed).
    """
    wide = alternatives.pivot_table(
        index=["data", "denominator"], columns="method", values=share, sort=False
    )
    wide = wide.reindex(columns=[m for m in ag.METHODS if m in wide.columns])
    wide.columns.name = None
    return wide.rename(index=PROFILE_DENOMINATORS, level="denominator")


# --------------------------------------------------------------------------- chapter results
SHARE_KEYS: dict[str, str] = {g: f"{g}_share_2022_pct" for g in SHARES}
"""Registered 2022 profile shares (:mod:`tiptrends.methods.figures`)."""

CHANGE_KEY = "children_change_2019_2022_pct"
SHARE_2020_KEY = "children_share_2020_pct"
POPWEIGHTED_KEY = "children_share_2022_popweighted_pct"
KNOWN_KEY = "victims_known_sex_age_2022"
"""Registered figures of chapter 04 besides the profile shares."""

RECORDED: tuple[str, ...] = (*SHARE_KEYS.values(), SHARE_2020_KEY, CHANGE_KEY, POPWEIGHTED_KEY)
"""Figures chapter 04 records with their published counterparts, in table order."""

SWITCH_KEYS = (SHARE_KEYS["children"], SHARE_KEYS["girls"], CHANGE_KEY)
"""Figures of chapter 04's rule-switch table."""

SWITCHES: dict[str, dict[str, object]] = {
    **BASIS_SWITCHES,
    **{label: {"panel": kind} for label, kind in sensitivity.SENSITIVITY_PANELS.items()},
    "no form fallback": {"form_fallback": False},
}
"""Columns of chapter 04's rule-switch table (:func:`tiptrends.methods.figures.switch_table`)."""

SWITCH_LABELS = {
    **sensitivity.BASIS_SWITCH_LABELS,
    "matched countries": "Matched set",
    "open sets": "Open panel",
    "balanced panel": "Balanced panel",
    "no form fallback": "No form fallback",
}
"""Plain names of the rule-switch table's columns (:data:`SWITCHES` labels -> words)."""


@dataclass
class ChildVictims:
    """Chapter 04's results: tables and figure data, recorded figures' reasons, glued values.

    ``glue`` maps a format kind of :func:`tiptrends.report.prose.format_value` to the glue
    names and values of that kind; ``reasons`` maps a recorded key to (reason for the gap to
    the published figure, why the current release differs).
    """

    release: str
    world: pd.DataFrame
    alternatives: pd.DataFrame
    distances: pd.DataFrame
    profile: pd.DataFrame
    regions: pd.DataFrame
    by_form: pd.DataFrame
    changes: pd.DataFrame
    matched_totals: pd.DataFrame
    n_matched: int
    girls_change: dict[str, float]
    switches: pd.DataFrame
    reasons: dict[str, tuple[str, str]]
    glue: dict[str, dict[str, object]] = field(default_factory=dict)


def release_label(name: str) -> str:
    """Release date of a GLOTIP release as the tables carry it (e.g. ``"2025-04-14"``)."""
    return str(figures.glotip(name)["release"].iloc[0])


def _published(key: str) -> float:
    return published_value(str(figures.figure(key).published_id))


def _profile_section(glotip: pd.DataFrame, counts: pd.DataFrame, g: dict) -> pd.Series:
    """2022 profile diagnostics (bounds, influence, form-only countries); the top country."""
    bounds = [figures.value(SHARE_KEYS["children"], suppressed=p) for p in ("lower", "upper")]
    top = child_share_influence(counts, YEAR).iloc[0]
    missing = form_only_sex_age(glotip, YEAR).iloc[0]
    rev = diagnostics.revisions(figures.glotip(EARLIER), figures.glotip(RELEASE))
    rev = rev.set_index(["iso3", "year"]).loc[(top["iso3"], PREVIOUS_EDITION_YEAR)]
    g["count"] |= {
        "known_2022": figures.value(KNOWN_KEY),
        "missing_victims": missing["victims"],
        "top_old_2020": rev["total_old"],
        "top_new_2020": rev["total_new"],
    }
    g["pct"] |= {
        "sup_low": min(bounds),
        "sup_high": max(bounds),
        "top_share_known": top["share_of_known_pct"],
        "top_women": top["women_pct"],
        "child_with_top": top["estimate_all"],
        "child_without_top": top["estimate_without"],
    }
    g["text"]["sup_spread"] = _spread(max(bounds) - min(bounds))
    g["text"] |= {"top_name": top["country"], "missing_name": missing["country"]}
    return pd.concat([top, pd.Series({"missing_victims": missing["victims"]})])


def _spread(value: float) -> str:
    """A spread (largest minus smallest share) in prose: unsigned, one decimal.

    Examples
    --------
    >>> _spread(3.54)
    '3.5 percentage points'
    """
    return f"{abs(value):.1f} percentage points"


def _alternatives_section(
    counts: pd.DataFrame, top: str, g: dict, top_name: str | None = None
) -> tuple[pd.DataFrame, ...]:
    """The 2022 child share under each denominator, method and data version (current
    release); distances of each method's profile to the published one."""
    population, region_pop = figures.gsi_population(), figures_core.region_population()
    frames = {
        "with exclusions (main)": counts,
        "without exclusions": sex_age_counts(figures.glotip(RELEASE)),
        f"influence check: without {top_name or top}": counts[counts["iso3"] != top],
    }
    alternatives = pd.concat(
        [
            profile_alternatives(frames, YEAR, methods=ALTERNATIVE_METHODS),
            profile_alternatives(
                frames,
                YEAR,
                denominators=("known_sex_age",),
                methods=list(ag.POPULATION_METHODS),
                population=population,
                region_weights=region_pop,
            ),
        ],
        ignore_index=True,
    )
    published = pd.Series({s: _published(k) for s, k in SHARE_KEYS.items()})
    gaps = method_distances(alternatives, published, "with exclusions (main)")
    distances = gaps.pivot(index="method", columns="figure", values="distance")
    main = alternatives[alternatives["data"] == "with exclusions (main)"]
    known, pooled = main[main["denominator"] == "known_sex_age"], main[main["method"] == "pooled"]
    weights, no_population = population_weights(counts, YEAR, population)
    key = SHARE_KEYS["children"]
    g["pct"] |= {
        "children_pooled": figures.value(key, "current"),
        "children_weighted": figures.value(POPWEIGHTED_KEY, "current"),
        "children_two_stage_pop": figures.value(key, "current", method="two_stage_population"),
        "asia_weight": 100 * region_pop["Asia"] / region_pop.sum(),
    }
    g["text"] |= {
        "den_spread": _spread(pooled["children"].max() - pooled["children"].min()),
        "method_spread": _spread(known["children"].max() - known["children"].min()),
    }
    names = counts.drop_duplicates("iso3").set_index("iso3")["country"]
    g["text"] |= {
        "closer_weighted": closer_groups(gaps, "weighted"),
        "closer_two_stage_pop": closer_groups(gaps, "two_stage_population"),
        "largest_weights": ", ".join(f"{c} {v:.0f}%" for c, v in weights.head(3).items()),
        "no_population": ", ".join(str(names.get(c, c)) for c in no_population) or "none",
    }
    return alternatives_table(alternatives), distances.loc[list(ag.METHODS), list(SHARES)]


def _forms_and_regions(
    glotip: pd.DataFrame, counts: pd.DataFrame, g: dict
) -> tuple[pd.DataFrame, ...]:
    """Girls and boys by region (long, Oceania left out) and children by form."""
    reg = sex_age_profile(counts, REGION_YEARS, by="m49_region")
    latest = reg[reg["year"] == YEAR].set_index("group")["children"]
    g["pct"] |= {f"children_{r.lower()}": v for r, v in latest.items() if r != "Oceania"}
    regions = reg[reg["group"] != "Oceania"].melt(
        id_vars=["group", "year"],
        value_vars=["girls", "boys"],
        var_name="sex_age",
        value_name="share_pct",
    )
    by_form = children_share_by_form(glotip, FORM_YEARS)
    kids = form_profile_of_children(glotip, [YEAR]).set_index(["group", "form"])["share_pct"]
    g["pct"] |= {f"{grp}_{form.split()[0].lower()}": v for (grp, form), v in kids.items()}
    latest = by_form[by_form["year"] == YEAR].set_index("form")["children"]
    g["pct"] |= {f"children_in_{form.split()[0].lower()}": v for form, v in latest.items()}
    return regions, by_form


def _changes_section(glotip: pd.DataFrame, top: pd.Series, g: dict) -> tuple:
    """Change in children 2019-2022 on the current release: variants, matched countries,
    largest movers."""
    y0 = CHANGE_START
    changes = child_change_variants(
        glotip,
        figures.glotip(RELEASE),
        y0,
        YEAR,
        str(top["iso3"]),
        leave_out_name=str(top["country"]),
    )
    kids = child_victim_counts(glotip)
    matched = {grp: panels.pct_change(kids, y0, YEAR, value=grp) for grp in CHILD_GROUPS}
    movers = largest_changes(kids, y0, YEAR).droplevel("iso3")
    totals = matched_group_totals(kids, matched["children"].countries, [y0, YEAR])
    no_top = changes[
        changes["definition"].str.contains("influence")
        & (changes["group"] == "children")
        & (changes["country_set"] == COUNTRY_SET_LABELS["matched"])
    ]
    g["change_pct"] |= {f"change_{grp}": ch.pct_change for grp, ch in matched.items()}
    g["change_pct"]["change_without_top"] = no_top["pct_change"].iloc[0]
    g["count"] |= {
        "n_matched_children": matched["children"].n_countries,
        "top_kids_2019": movers.loc[top["country"], y0],
        "top_kids_2022": movers.loc[top["country"], YEAR],
        "second_mover_change": movers["change"].iloc[1],
    }
    g["text"]["second_mover"] = movers.index[1]
    return change_table(changes), totals, matched["children"].n_countries, movers


def _reasons(bases, top: pd.Series, movers: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Why each recorded figure differs from the published one and between the bases."""
    report = bases.report_basis
    n_profile = sex_age_profile(sex_age_counts(report), [YEAR]).iloc[0]["n_countries"]
    n_trend = panels.trend_change(
        panels.measure_counts(report, "children"), CHANGE_START, YEAR, "value"
    ).n_countries
    n_pop = len(population_weights(sex_age_counts(report), YEAR, figures.gsi_population())[0])
    with_exclusions_2020 = figures.value(SHARE_2020_KEY, exclusions=True)
    profile = (
        (
            f"Pooled over {int(n_profile)} countries of the reproduction (Pakistan's restated series "
            f"out; the United Kingdom's {top['missing_victims']:,.0f} victims of known sex and age "
            "from its form cells). UNODC's country set or weighting for the profile is not "
            "published; no pooling we tried matches all four shares."
        ),
        (
            f"The re-analysis adds Pakistan 2022, {top['share_of_known_pct']:.0f}% of the 2022 "
            f"victims of known sex and age ({top['women_pct']:.0f}% women)."
        ),
    )
    pakistan_2019 = movers.loc[top["country"], CHANGE_START]
    return {
        **dict.fromkeys(SHARE_KEYS.values(), profile),
        SHARE_2020_KEY: (
            f"Reproduced on release {release_label(EARLIER)}, the data behind GLOTIP 2022, "
            f"same pooling; with the collection's exclusions {with_exclusions_2020:.1f}%.",
            "The 2025 release revised and added 2020 country data, among them Pakistan's "
            "restatement (22 -> 20,045 victims).",
        ),
        CHANGE_KEY: (
            f"Girls + boys on the trend panel of {n_trend} countries, reproduction, with the form "
            "fallback. GLOTIP does not publish its country set; the other country sets are in "
            "the sensitivity table.",
            f"Pakistan's restated 2019 children ({pakistan_2019:,.0f}) sit in the base.",
        ),
        POPWEIGHTED_KEY: (
            "Alternative, not the main figure: mean of the 2022 country shares of children "
            "weighted by population (Walk Free GSI 2023, 2020 population), "
            f"{n_pop} countries of the reproduction.",
            "Pakistan, a populous country with few children among its victims, is back in the "
            "re-analysis.",
        ),
    }


def profile_vs_published(basis: figures.Basis = "report") -> pd.DataFrame:
    """The 2022 profile (Figure 4.2): ``label, published, reproduced`` on one data basis.

    The report basis by default, the basis the chapter's text and recorded figures read.
    """
    return pd.DataFrame(
        {
            "label": [s.capitalize() for s in SHARES],
            "published": [_published(SHARE_KEYS[s]) for s in SHARES],
            "reproduced": [figures.value(SHARE_KEYS[s], basis) for s in SHARES],
        }
    )


def _rounded(table: pd.DataFrame) -> pd.DataFrame:
    """A switch table as text with one decimal (its columns mix numbers and "no effect")."""
    return table.map(lambda v: f"{v:.1f}" if isinstance(v, float) else v)


def results() -> ChildVictims:
    """Everything chapter 04 shows, from the figure registry and the cached data bases."""
    bases = figures.data_bases()
    glotip = bases.current_release
    counts = sex_age_counts(glotip)
    g: dict[str, dict[str, object]] = {k: {} for k in ("count", "pct", "pp", "change_pct", "text")}
    world = sex_age_profile(counts, SERIES_YEARS)
    first = world[world["n_countries"] > 0].iloc[0]
    g["count"] |= {
        "n_fallback_other": len(form_fallback_rows(glotip)) - 1,
        "first_year_countries": first["n_countries"],
        "countries_2022": world.set_index("year").loc[YEAR, "n_countries"],
    }
    top = _profile_section(glotip, counts, g)
    g["count"]["n_countries_profile"] = sex_age_profile(
        sex_age_counts(bases.report_basis), [YEAR]
    ).iloc[0]["n_countries"]
    alternatives, distances = _alternatives_section(
        counts, str(top["iso3"]), g, top_name=str(top["country"])
    )
    regions, by_form = _forms_and_regions(glotip, counts, g)
    changes, totals, n_matched, movers = _changes_section(glotip, top, g)
    g = _recorded_glue(bases, g)
    girls = {
        b: panels.change_pct(
            panels.measure_counts(figures.table(b), "girls"), CHANGE_START, YEAR, "value"
        )
        for b in figures.BASES
    }
    g["change_pct"] |= {
        "girls_basis": girls["report"],
        "published_girls_change_2019_2022_pct": published_value(GIRLS_CHANGE_ID),
    }
    world_long = world.melt(
        id_vars="year",
        value_vars=["girls", "boys", "children"],
        var_name="group",
        value_name="share_pct",
    )
    return ChildVictims(
        release_label(RELEASE),
        world_long,
        alternatives,
        distances,
        profile_vs_published(),
        regions,
        by_form,
        changes,
        totals,
        n_matched,
        girls,
        _rounded(figures.switch_table(SWITCH_KEYS, SWITCHES)).rename(columns=SWITCH_LABELS),
        _reasons(bases, top, movers),
        g,
    )


def _recorded_glue(bases, g: dict) -> dict:
    """Glue values of the recorded figures (both bases) and of their published counterparts."""
    v = figures.value
    g["pct"] |= {f"{s}_2022": v(k) for s, k in SHARE_KEYS.items()}
    g["pct"] |= {f"published_{k}": _published(k) for k in (*SHARE_KEYS.values(), SHARE_2020_KEY)}
    g["pct"] |= {
        "children_2022_current": v(SHARE_KEYS["children"], "current"),
        "c2020_old": v(SHARE_2020_KEY),
        "c2020_basis": v(SHARE_2020_KEY),
        "c2020_new": v(SHARE_2020_KEY, "current"),
        "c2020_raw": v(SHARE_2020_KEY, exclusions=True),
    }
    bounds = [v(SHARE_2020_KEY, suppressed=p) for p in ("lower", "upper")]
    g["pct"] |= {"c2020_low": min(bounds), "c2020_high": max(bounds)}
    g["pp"]["gap_2020"] = v(SHARE_2020_KEY) - _published(SHARE_2020_KEY)
    g["count"]["n_countries_2020"] = sex_age_profile(bases.earlier, [PREVIOUS_EDITION_YEAR]).iloc[
        0
    ]["n_countries"]
    g["change_pct"] |= {
        "kids_basis": v(CHANGE_KEY),
        "kids_current": v(CHANGE_KEY, "current"),
        f"published_{CHANGE_KEY}": _published(CHANGE_KEY),
    }
    return g
