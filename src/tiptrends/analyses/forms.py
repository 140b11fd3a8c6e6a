"""Forms of exploitation: shares, changes, upper bounds and their sensitivity to choices.

The results of the chapters on forced labour (02, :func:`forced_labour_results`), forced
criminality (03, :func:`forced_criminality_results`) and composition and uncertainty (08,
:func:`composition_results`), with the tables and helpers they are built from. Every headline
figure is read from the figure registry (:mod:`tiptrends.methods.figures`): its value, its
alternatives (:func:`alternatives`), its sensitivity to the ``"<5"`` policy and exclusions,
its rule switches and its country bootstrap (:func:`bootstrap_figure`).

Shares returned by functions whose name ends in ``_pct`` are percentages (25.0 for 25%);
other shares are fractions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tiptrends import settings
from tiptrends.io import exclusions, published
from tiptrends.methods import figures, headline, sensitivity
from tiptrends.methods.aggregate import (
    METHODS,
    SEX_AGE,
    Policy,
    add_grouping,
    aggregate_share,
    country_year_counts,
    share_inputs,
    shares_by_year,
)
from tiptrends.methods.decomposition import ShiftShareResult, pooled_share_change
from tiptrends.methods.diagnostics import influence
from tiptrends.methods.figures import core as figures_core
from tiptrends.methods.figures import forms as form_figures
from tiptrends.methods.headline import SEX_AGE_KNOWN, form_counts
from tiptrends.methods.models import (
    BootstrapResult,
    TrendResult,
    bootstrap_countries,
    share_trend_glm,
)
from tiptrends.methods.sensitivity import BASIS_SWITCH_LABELS, BASIS_SWITCHES
from tiptrends.vocab import FORCED_LABOUR, FORMS, OTHER_FORMS, SEXUAL

# --------------------------------------------------------------------------- constants
LATEST_YEAR, BASE_YEAR = settings.LATEST_YEAR, settings.BASE_YEAR

YEARS = range(settings.FIRST_YEAR, LATEST_YEAR + 1)
"""Every year of the form series."""

REGION_YEARS = range(2010, LATEST_YEAR + 1)
"""Years of the regional series (earlier years rest on very few countries per region)."""

REGION_YEARS_SHOWN = (2016, 2018, 2019, 2020, 2021, 2022)
"""Years shown in the regional table (the figure shows every year of :data:`REGION_YEARS`)."""

EU_YEARS = range(2008, LATEST_YEAR + 1)
"""Years of the EU-27 series (before 2008 few member states report forms)."""

FORM_LABELS: dict[str, str] = {
    SEXUAL: "sexual exploitation (%)",
    FORCED_LABOUR: "forced labour (%)",
    OTHER_FORMS: "other forms (%)",
}
"""Column labels of form shares in tables."""

PUBLISHED_2022_SHARES: dict[str, str] = {
    FORCED_LABOUR: "glotip2024_forced_labour_share_2022_pct",
    SEXUAL: "glotip2024_sexual_exploitation_share_2022_pct",
}
"""Published 2022 shares by form (ids in ``data/published/figures.csv``)."""

EUROSTAT_FORM_IDS: dict[str, str] = {
    FORCED_LABOUR: "eurostat_forced_labour_victims_2022",
    SEXUAL: "eurostat_sexual_exploitation_victims_2022",
    OTHER_FORMS: "eurostat_other_forms_victims_2022",
}
"""Eurostat's published 2022 EU counts of registered victims by form."""

FORCED_LABOUR_TRENDS: dict[str, tuple[range, bool]] = {
    "2003-2022, pooled": (YEARS, False),
    "2003-2022, country effects": (YEARS, True),
    "2012-2022, pooled": (range(2012, LATEST_YEAR + 1), False),
}
"""Binomial trend models of chapter 02: label -> (years, country fixed effects)."""

TREND_COLUMNS = {
    "odds_ratio": "odds ratio per year",
    "or_lower": "95% CI low",
    "or_upper": "95% CI high",
    "p_value": "p",
    "n_countries": "countries",
    "n_obs": "country-years",
    "df": "t df (Bell-McCaffrey)",
    "effective_clusters": "effective countries (G*)",
    "effective_clusters_herfindahl": "effective countries (Herfindahl)",
}
"""Columns of :func:`trend_table` and the :class:`TrendResult` attributes they hold."""

CHILDREN = list(headline.CHILD_GROUPS)
"""Numerator of children's share (girls and boys)."""

KNOWN_SEX_AGE = list(SEX_AGE_KNOWN)
"""Denominator of children's share: victims of known sex and age (women, men, girls, boys)."""

BALANCED_WINDOWS: dict[str, range] = {
    "2019-2022": range(2019, LATEST_YEAR + 1),
    "2016-2022": range(2016, LATEST_YEAR + 1),
    "2012-2022": range(2012, LATEST_YEAR + 1),
}
"""Windows of the balanced panels of chapter 08 (countries reporting in every year)."""

COMPOSITION_TREND_YEARS = range(2012, LATEST_YEAR + 1)
"""Years of chapter 08's binomial trends (most countries report forms and sex x age)."""

DECOMPOSITION_PARTS: dict[str, str] = {
    "within_pp": "within countries",
    "reweighting_pp": "reweighting",
    "entry_pp": "entering",
    "exit_pp": "exiting",
}
"""Columns of :func:`decomposition_table` that split a change, and their labels."""

FORCED_CRIMINALITY_IDS = (
    "glotip2022_forced_criminality_share_2016_pct",
    "glotip2024_forced_criminality_share_2016_pct",
    "glotip2022_forced_criminality_share_2018_pct",
    "glotip2020_forced_criminality_share_2018_pct",
    "glotip2022_forced_criminality_share_2020_pct",
    "glotip2024_forced_criminality_share_2022_pct",
)
"""Published forced-criminality shares (ids in ``data/published/figures.csv``); where two
editions give the same year, the later one in this order is the series' point."""

OTHER_FORMS_REGION_YEARS = range(2014, LATEST_YEAR + 1)
"""Years of chapter 03's regional "other forms" series."""

SEX_AGE_YEARS = (2018, 2020, 2022)
"""Years of chapter 03's forms by sex and age (the years of published forced-criminality points)."""

SENSITIVITY_YEARS = (BASE_YEAR, LATEST_YEAR)
"""Years the sensitivity figures of chapters 02 and 08 use."""

FORM_KEYS: dict[str, str] = {
    FORCED_LABOUR: "forced_labour_share_2022_pct",
    SEXUAL: "sexual_exploitation_share_2022_pct",
    OTHER_FORMS: "other_forms_share_2022_pct",
}
"""Registered 2022 share of each form (:mod:`tiptrends.methods.figures`)."""

FL_SHARE, SE_SHARE, OF_SHARE = FORM_KEYS.values()
FL_POPWEIGHTED = "forced_labour_share_2022_popweighted_pct"
SE_POPWEIGHTED = "sexual_exploitation_share_2022_popweighted_pct"
FL_CHANGE = "forced_labour_change_2019_2022_pct"
EU_FL_SHARE = "eu_forced_labour_share_2022_pct"
CHILDREN_SHARE = "children_share_2022_pct"
SHARE_CHANGE = {
    part: f"forced_labour_share_change_{part}_pct_points"
    for part in ("total", "within", "composition")
}
OTHER_FORMS_KEYS = tuple(f"other_forms_share_{y}_pct" for y in sorted(SEX_AGE_YEARS, reverse=True))

CHAPTER_KEYS: dict[str, tuple[str, ...]] = {
    "02": (FL_SHARE, SE_SHARE, FL_CHANGE, EU_FL_SHARE),
    "03": OTHER_FORMS_KEYS,
    "08": (FL_SHARE, SE_SHARE, FL_CHANGE, SHARE_CHANGE["total"], CHILDREN_SHARE),
}
"""Registered figures in each chapter's sensitivity and rule-switch tables (chapter 02's
rule switches add the population-weighted share)."""

DATA_SWITCHES: dict[str, dict[str, object]] = {
    **BASIS_SWITCHES,
}
"""Rule switches of the data (:func:`tiptrends.methods.figures.switch_table` columns)."""

PANEL_SWITCHES: dict[str, dict[str, object]] = {
    label: {"panel": kind} for label, kind in sensitivity.SENSITIVITY_PANELS.items()
}
"""Rule switches of the country set of a change."""

FALLBACK_SWITCH: dict[str, dict[str, object]] = {"no form fallback": {"form_fallback": False}}
"""Rule switch of the sex-and-age split taken from form x sex x age cells."""


# --------------------------------------------------------------------------- prose helpers
BASIS_LABELS: dict[str, str] = {
    "report basis": "Reproduction (report's data)",
    "current release": "Re-analysis (current data)",
    "why the current release differs": "why the re-analysis differs",
    "reproduced": "ours",
}
"""Readers' names of the data bases in tables (the book's fixed vocabulary)."""

def basis_columns(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the data bases named as the book names them (:data:`BASIS_LABELS`)."""
    return table.rename(columns=BASIS_LABELS)


def count_noun(n: int, singular: str, plural: str) -> str:
    """``n`` followed by the noun that agrees with it (``"1 country"``, ``"2 countries"``)."""
    return f"{n:,} {singular if n == 1 else plural}"


def points_text(value: float) -> str:
    """A distance in percentage points for prose, to one decimal (``"2.9 points"``); one
    that rounds to zero reads ``"less than 0.1 points"``."""
    distance = abs(float(value))
    if round(distance, 1) == 0:
        return "less than 0.1 points"
    return f"{distance:.1f} points"


def spread_text(value: float) -> str:
    """How far a set of scenarios moves a figure: ``"by at most 0.2 points"``, or ``"by less
    than 0.1 points"`` when the spread rounds to zero."""
    text = points_text(value)
    return f"by {text}" if text.startswith("less") else f"by at most {text}"


def fixed(value: float, decimals: int = 1) -> str:
    """``value`` with ``decimals`` decimals, never ``"-0.0"`` (a value that rounds to zero
    has no sign)."""
    text = f"{value:.{decimals}f}"
    return f"{0.0:.{decimals}f}" if float(text) == 0 else text


def leading_form_sentence(shares: pd.DataFrame) -> str:
    """Which form has the largest share in which years, as a sentence true for every year.

    Parameters
    ----------
    shares : DataFrame
        ``year, category, share`` (:func:`tiptrends.methods.aggregate.shares_by_year`).

    Returns
    -------
    str
        ``"Sexual exploitation has the largest share in every year except 2020 and 2021,
        when forced labour leads."`` (the form leading most years first).
    """
    wide = shares.pivot(index="year", columns="category", values="share")
    leader = wide.idxmax(axis=1)
    main = leader.value_counts().index[0]
    others = leader[leader != main]
    text = f"{main[0].upper()}{main[1:].lower()} has the largest share in every year"
    if others.empty:
        return text + "."
    parts = []
    for form, years in others.groupby(others, sort=False):
        listed = [str(y) for y in years.index]
        joined = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
        parts.append(f"{joined}, when {form.lower()} leads")
    return text + " except " + "; ".join(parts) + "."


def no_negative_zero(table: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    """``table`` with the numbers that would show as ``-0.0`` at ``decimals`` set to 0."""
    numbers = table.select_dtypes("number").columns
    out = table.copy()
    tiny = out[numbers].abs() < 0.5 * 10**-decimals
    out[numbers] = out[numbers].mask(tiny, 0.0)
    return out


# --------------------------------------------------------------------------- headline figures
def alternatives(
    basis: figures.Basis = "report",
    methods: Sequence[str] = tuple(METHODS),
    denominators: Sequence[str] = ("known", "all"),
) -> pd.DataFrame:
    """The 2022 shares of the three forms under each aggregation method and denominator.

    Read from the registry (:func:`tiptrends.methods.figures.grid` of :data:`FORM_KEYS`).

    Returns
    -------
    DataFrame
        One row per (method, denominator): ``method, denominator`` and one percentage
        column per form.
    """
    axes = {"method": list(methods), "denominator": list(denominators)}
    grids = [
        figures.grid(key, basis, **axes).set_index(["method", "denominator"])["value"]
        for key in FORM_KEYS.values()
    ]
    return pd.concat(grids, axis=1, keys=list(FORM_KEYS)).reset_index()


def share_table(
    shares: pd.DataFrame, index: str = "year", columns: str = "category"
) -> pd.DataFrame:
    """Pivot a :func:`tiptrends.methods.aggregate.shares_by_year` result into percentages.

    Parameters
    ----------
    shares : DataFrame
        Output of ``shares_by_year`` (columns ``share`` and the ``index``/``columns``).
    index, columns : str
        Pivot keys.

    Returns
    -------
    DataFrame
        Percentages, ``index`` x ``columns``.
    """
    return shares.pivot(index=index, columns=columns, values="share") * 100


def shares_with_counts(shares: pd.DataFrame) -> pd.DataFrame:
    """Year x form shares (%) with the number of reporting countries and victims.

    Parameters
    ----------
    shares : DataFrame
        Output of :func:`tiptrends.methods.aggregate.shares_by_year` over the forms.

    Returns
    -------
    DataFrame
        Indexed by year: one column per form (labels of :data:`FORM_LABELS`), ``countries``
        and ``victims with known form``.
    """
    per_year = shares.groupby("year")[["n_countries", "n_victims"]].first()
    per_year.columns = ["countries", "victims with known form"]
    return share_table(shares).rename(columns=FORM_LABELS).join(per_year)


def victims_by_year(victims: pd.DataFrame, form: str) -> pd.DataFrame:
    """Victims of one form summed per year over the countries reporting forms.

    Parameters
    ----------
    victims : DataFrame
        :func:`tiptrends.methods.headline.form_victims` (one row per country-year that
        reports forms, absent forms as zero).
    form : str
        The form column.

    Returns
    -------
    DataFrame
        Indexed by year: ``victims`` and ``countries``.
    """
    return victims.groupby("year").agg(victims=(form, "sum"), countries=("iso3", "nunique"))


def region_table(
    shares: pd.DataFrame,
    *,
    value: str = "share",
    scale: float = 100.0,
    years: Iterable[int] = REGION_YEARS_SHOWN,
    latest: int = LATEST_YEAR,
) -> pd.DataFrame:
    """Region x year table of a grouped share series, with the latest year's country count.

    Parameters
    ----------
    shares : DataFrame
        ``group, year, <value>, n_countries`` (e.g. ``shares_by_year(..., by="glotip")`` or
        :func:`other_forms_upper_bound` with a grouping).
    value : str
        Value column.
    scale : float
        Factor applied to the values (100 turns fractions into percentages).
    years : iterable of int
        Year columns to show.
    latest : int
        Year whose number of reporting countries is added as ``countries <latest>``.

    Returns
    -------
    DataFrame
        Indexed by region.
    """
    table = shares.pivot(index="group", columns="year", values=value) * scale
    table = table.reindex(columns=list(years))
    table.columns = [str(y) for y in table.columns]
    last = shares[shares["year"] == latest].set_index("group")["n_countries"]
    table = table.join(last.rename(f"countries {latest}"))
    table.index.name = "region"
    return table


def eurostat_form_counts(ids: Mapping[str, str] = EUROSTAT_FORM_IDS) -> pd.Series:
    """Eurostat's published EU counts of registered victims by form (:data:`EUROSTAT_FORM_IDS`)."""
    return pd.Series({form: published.published_value(i) for form, i in ids.items()})


def published_shares(ids: Mapping[str, str] = PUBLISHED_2022_SHARES) -> pd.DataFrame:
    """Published shares by form, as :func:`tiptrends.methods.headline.method_gap_table` reads them.

    Parameters
    ----------
    ids : mapping of str to str
        Form -> published figure id.

    Returns
    -------
    DataFrame
        Indexed by form: ``published``, ``published_low``, ``published_high`` (NaN when
        the published figure is a single value).
    """
    rows = {form: published.published_row(i) for form, i in ids.items()}
    return pd.DataFrame(
        {
            "published": [float(r["value"]) for r in rows.values()],
            "published_low": [float(r["value_low"]) for r in rows.values()],
            "published_high": [float(r["value_high"]) for r in rows.values()],
        },
        index=list(rows),
    )


def method_gaps(alternatives: pd.DataFrame, published_table: pd.DataFrame) -> pd.DataFrame:
    """Distance of each method's share (known-form denominator) to the published share.

    Parameters
    ----------
    alternatives : DataFrame
        :func:`alternatives` (must include the ``"pooled"`` method).
    published_table : DataFrame
        :func:`published_shares`, indexed by form.

    Returns
    -------
    DataFrame
        :func:`tiptrends.methods.headline.method_gap_table`: one row per form x method with
        ``value, published, distance, closer_than_main``.
    """
    known = alternatives[alternatives["denominator"] == "known"].set_index("method")
    values = known[list(published_table.index)].T
    return headline.method_gap_table(values, published_table)


DENOMINATOR_LABELS: dict[str, str] = {
    "known": "victims with a known form",
    "all": "all detected victims",
}
"""Readable names of the denominators of :func:`alternatives`."""


def alternatives_table(
    alternatives: pd.DataFrame,
    gaps: pd.DataFrame | None = None,
    method_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """:func:`alternatives` for readers, with the distance to the published shares.

    Parameters
    ----------
    alternatives : DataFrame
        :func:`alternatives`.
    gaps : DataFrame, optional
        :func:`method_gaps`; adds one ``distance to published <form> (pp)`` column per form,
        filled on the known-form rows (the published shares use that denominator).
    method_labels : mapping of str to str, optional
        Method label -> description (default
        :data:`tiptrends.methods.aggregate.METHODS`).

    Returns
    -------
    DataFrame
        ``method, denominator`` and one column per form (labels of
        :data:`FORM_LABELS`), then the distances.
    """
    labels = dict(METHODS if method_labels is None else method_labels)
    table = alternatives.copy()
    if gaps is not None:
        distance = gaps.pivot(index="method", columns="figure", values="distance")
        for form in distance.columns:
            column = f"distance to published {form} (pp)"
            known = table["denominator"] == "known"
            table[column] = table["method"].map(distance[form]).where(known)
    table = table.rename(columns=FORM_LABELS)
    table["method"] = table["method"].map(labels)
    table["denominator"] = table["denominator"].map(DENOMINATOR_LABELS)
    return table


def closer_label(closer: bool) -> str:
    """``"closer to"`` when an alternative lies strictly closer to the published figure than
    the main (pooled) figure, else ``"no closer to"`` (the rule of
    :func:`tiptrends.methods.headline.method_gap_table`)."""
    return "closer to" if closer else "no closer to"


def population_weights(
    counts: pd.DataFrame,
    population: pd.Series,
    region_weights: pd.Series,
    year: int = LATEST_YEAR,
    *,
    top: int = 5,
) -> pd.DataFrame:
    """The largest country weights and the region weights of the population methods.

    Parameters
    ----------
    counts : DataFrame
        :func:`tiptrends.methods.headline.form_counts`.
    population : Series
        Population by ISO3; reporters without one drop out of the weighted mean.
    region_weights : Series
        Population by region (:func:`tiptrends.methods.aggregate.region_population`).
    year : int
        Year of the reporting countries.
    top : int
        Number of countries shown.

    Returns
    -------
    DataFrame
        ``weight of, name, weight (%)``: the ``top`` reporting countries by population
        share among the reporters with a population, then every region's share of the
        regions' population. ``attrs["without_population"]`` lists the reporters (country
        names) without a population, ``attrs["n_weighted"]`` counts those with one.
    """
    reporters = counts[(counts["year"] == year) & counts[list(FORMS)].notna().any(axis=1)]
    pop = reporters.set_index("country")["iso3"].map(population).dropna()
    country_pct = (100 * pop / pop.sum()).sort_values(ascending=False).head(top)
    region_pct = 100 * region_weights / region_weights.sum()
    table = pd.concat(
        [
            pd.DataFrame(
                {
                    "weight of": "country",
                    "name": country_pct.index,
                    "weight (%)": country_pct.values,
                }
            ),
            pd.DataFrame(
                {"weight of": "region", "name": region_pct.index, "weight (%)": region_pct.values}
            ),
        ],
        ignore_index=True,
    )
    missing = reporters.loc[~reporters["iso3"].isin(population.index), "country"]
    table.attrs["without_population"] = sorted(missing)
    table.attrs["n_weighted"] = len(pop)
    return table


def influence_on_share(counts: pd.DataFrame, form: str, year: int = LATEST_YEAR) -> pd.DataFrame:
    """Leave-one-country-out effect (pp) of each country on the pooled share of ``form``.

    Parameters
    ----------
    counts : DataFrame
        :func:`tiptrends.methods.headline.form_counts`.
    form : str
        The form whose pooled share (known-form denominator) is examined.
    year : int
        Year.

    Returns
    -------
    DataFrame
        :func:`tiptrends.methods.diagnostics.influence`, indexed by ISO3; ``effect`` is the
        share with all countries minus the share without the country.
    """
    in_year = counts[counts["year"] == year]
    return influence(lambda t: 100 * aggregate_share(t, form).share, in_year).set_index("iso3")


def largest_breakdowns(
    counts: pd.DataFrame, form: str, year: int = LATEST_YEAR, *, top: int = 10
) -> pd.DataFrame:
    """The ``top`` largest form breakdowns of a year and each one's effect on a pooled share.

    Parameters
    ----------
    counts : DataFrame
        :func:`tiptrends.methods.headline.form_counts`.
    form : str
        Form whose pooled share the effect refers to (:func:`influence_on_share`).
    year : int
        Year.
    top : int
        Rows kept (largest number of victims with a known form first).

    Returns
    -------
    DataFrame
        ``country``, one count column per form, ``total victims``, ``victims with known
        form`` and ``effect on the <form> share (pp)``.
    """
    in_year = counts[counts["year"] == year].set_index("iso3")
    known = in_year[list(FORMS)].sum(axis=1)
    effect = influence_on_share(counts, form, year)["effect"]
    table = in_year[["country", *FORMS, "Total"]].assign(known=known, effect=effect)
    table = table.sort_values("known", ascending=False).head(top)
    return table.reset_index(drop=True).rename(
        columns={
            "Total": "total victims",
            "known": "victims with known form",
            "effect": f"effect on the {form} share (pp)",
        }
    )


CONTRIBUTION_COLUMNS: dict[str, str] = {
    "country": "country",
    "value_y0": f"victims {BASE_YEAR}",
    "value_y1": f"victims {LATEST_YEAR}",
    "change": "change",
    "pct_of_change": "share of the total change (%)",
    "pct_change_without": "change without the country (%)",
}
"""Readable columns of :func:`change_contributions` for the chapter's base and latest year."""


def trend_specs(
    units: pd.DataFrame, specs: Mapping[str, tuple[Iterable[int], bool]] = FORCED_LABOUR_TRENDS
) -> dict[str, tuple[pd.DataFrame, bool]]:
    """Inputs of :func:`share_trends`: label -> (the units of the spec's years, fixed effects).

    Parameters
    ----------
    units : DataFrame
        :func:`tiptrends.methods.aggregate.share_inputs` (``iso3, year, num, den``).
    specs : mapping
        Label -> (years, country fixed effects), e.g. :data:`FORCED_LABOUR_TRENDS`.
    """
    return {
        label: (units[units["year"].isin(list(years))], fe) for label, (years, fe) in specs.items()
    }


def share_trends(
    specs: Mapping[str, tuple[pd.DataFrame, bool]],
) -> tuple[pd.DataFrame, dict[str, TrendResult]]:
    """Fit one binomial trend per spec and tabulate them.

    Parameters
    ----------
    specs : mapping
        Label -> (share inputs, country fixed effects), e.g. from :func:`trend_specs`.

    Returns
    -------
    (DataFrame, dict)
        One row per label with the columns of :data:`TREND_COLUMNS`; the fitted
        :class:`tiptrends.methods.models.TrendResult` by label.
    """
    results = {label: share_trend_glm(units, country_fe=fe) for label, (units, fe) in specs.items()}
    table = pd.DataFrame(
        {
            label: {column: getattr(r, attr) for attr, column in TREND_COLUMNS.items()}
            for label, r in results.items()
        }
    ).T
    table.index.name = "model"
    return table, results


def trend_verdict(result: TrendResult) -> str:
    """``"a statistically clear trend"`` when the 95% interval of the odds ratio per year
    excludes 1, else ``"no statistically clear trend"``."""
    clear = not (result.or_lower <= 1 <= result.or_upper)
    return "a statistically clear trend" if clear else "no statistically clear trend"


PUBLISHED_PLOT_LABELS: dict[str, str] = {
    FL_SHARE: "Forced labour, world, 2022",
    SE_SHARE: "Sexual exploitation, world, 2022",
    EU_FL_SHARE: "Forced labour, EU-27 (published: 2024)",
}
"""Figures of chapter 02's published-vs-reproduced chart (shares only: one unit on the axis)
and their labels."""


def published_plot_table(
    records: Sequence[Mapping[str, object]], labels: Sequence[str]
) -> pd.DataFrame:
    """Input of ``style.plot_published_vs_reproduced`` from comparison records.

    Parameters
    ----------
    records : sequence of mapping
        One mapping per comparison with ``published``, ``published_low``,
        ``published_high`` (None for a single value) and ``reproduced`` (e.g.
        ``tiptrends.report.reporting.as_records``).
    labels : sequence of str
        One label per record.

    Returns
    -------
    DataFrame
        ``label, published, published_low, published_high, reproduced``; a missing end of
        the published range is the published value itself.
    """
    if len(records) != len(labels):
        raise ValueError(f"{len(records)} comparisons but {len(labels)} labels")
    table = pd.DataFrame(list(records))[
        ["published", "published_low", "published_high", "reproduced"]
    ]
    table = table.astype(float)
    for end in ("published_low", "published_high"):
        table[end] = table[end].fillna(table["published"])
    return table.assign(label=list(labels))


CONTEXT_COLUMNS: dict[str, str] = {
    "indicator": "published figure",
    "published": "published (%)",
    "ours": "figure in the data",
    "reproduced": "data (%)",
    "reason": "why they differ",
    "citation": "source",
}
"""Columns of :func:`context_table`."""


def context_table(rows: Sequence[Any], ours: Mapping[str, str]) -> pd.DataFrame:
    """Published figures shown for context beside the figure of the data they are set against.

    Parameters
    ----------
    rows : sequence of Comparison
        ``tiptrends.report.reporting.compare`` results (``key, indicator, published,
        reproduced, reason, citation``), all in percent.
    ours : mapping of str to str
        Comparison key -> what the data's figure is (it may not measure what the published
        figure measures, so it is named apart from it).

    Returns
    -------
    DataFrame
        One row per comparison, columns of :data:`CONTEXT_COLUMNS`; values to one decimal.
    """
    table = pd.DataFrame(
        {
            "indicator": [r.indicator for r in rows],
            "published": [float(r.published) for r in rows],
            "ours": [ours[r.key] for r in rows],
            "reproduced": [round(float(r.reproduced), 1) for r in rows],
            "reason": [r.reason for r in rows],
            "citation": [r.citation for r in rows],
        }
    )
    return table.rename(columns=CONTEXT_COLUMNS)


def bootstrap_table(
    boots: Mapping[str, BootstrapResult], published: Sequence[float] | None = None
) -> pd.DataFrame:
    """Estimates with their bootstrap intervals; optionally whether a published value lies inside.

    Parameters
    ----------
    boots : mapping of str to BootstrapResult
        Label -> result.
    published : sequence of float, optional
        One published value per result, in the same order.

    Returns
    -------
    DataFrame
        Indexed by label: ``estimate (%)``, ``bootstrap 2.5% (%)``, ``bootstrap 97.5% (%)``
        and, with ``published``, ``published inside interval`` ("yes"/"no").
    """
    table = pd.DataFrame(
        {
            k: {
                "estimate (%)": b.estimate,
                "bootstrap 2.5% (%)": b.lower,
                "bootstrap 97.5% (%)": b.upper,
            }
            for k, b in boots.items()
        }
    ).T
    if published is not None:
        values = list(published)
        inside = [b.lower <= v <= b.upper for b, v in zip(boots.values(), values, strict=True)]
        table["published inside interval"] = ["yes" if x else "no" for x in inside]
    return table


def composition_trend_specs(
    form_table: pd.DataFrame,
    sex_age_table: pd.DataFrame,
    years: Iterable[int] = COMPOSITION_TREND_YEARS,
) -> dict[str, tuple[pd.DataFrame, bool]]:
    """Chapter 08's trend models: forced-labour and children's shares, pooled and within countries.

    Returns
    -------
    dict
        ``"<share>, pooled"`` and ``"<share>, within countries"`` -> (share inputs of
        ``years``, country fixed effects), the input of :func:`share_trends`.
    """
    years = list(years)
    inputs = {
        "forced labour": share_inputs(form_table, [FORCED_LABOUR], "known"),
        "children": share_inputs(sex_age_table, CHILDREN, "known", KNOWN_SEX_AGE),
    }
    specs: dict[str, tuple[pd.DataFrame, bool]] = {}
    for label, units in inputs.items():
        units = units[units["year"].isin(years)]
        specs[f"{label}, pooled"] = (units, False)
        specs[f"{label}, within countries"] = (units, True)
    return specs


# --------------------------------------------------------------------------- drivers
def change_contributions(counts: pd.DataFrame, value: str, y0: int, y1: int) -> pd.DataFrame:
    """Each country's contribution to the change in a pooled count between two years.

    On the matched set (countries with a value in both years), a country's contribution is
    its own change; ``pct_of_change`` is that change as a percentage of the set's total
    change, and ``pct_change_without`` the set's percentage change without the country
    (leave-one-out).

    Parameters
    ----------
    counts : DataFrame
        Wide counts table (e.g. :func:`form_victims`).
    value : str
        Count column.
    y0, y1 : int
        Base and comparison years.

    Returns
    -------
    DataFrame
        ``iso3, country, value_y0, value_y1, change, pct_of_change, pct_change_without``,
        sorted by descending absolute change.
    """
    obs = counts[counts[value].notna()]
    a = obs[obs["year"] == y0].set_index("iso3")
    b = obs[obs["year"] == y1].set_index("iso3")
    both = a.index.intersection(b.index)
    t = pd.DataFrame(
        {
            "country": b.loc[both, "country"],
            "value_y0": a.loc[both, value].astype(float),
            "value_y1": b.loc[both, value].astype(float),
        }
    )
    t.index.name = "iso3"
    t["change"] = t["value_y1"] - t["value_y0"]
    tot0, tot1 = t["value_y0"].sum(), t["value_y1"].sum()
    t["pct_of_change"] = 100 * t["change"] / (tot1 - tot0)
    rest0, rest1 = tot0 - t["value_y0"], tot1 - t["value_y1"]
    t["pct_change_without"] = 100 * (rest1 / rest0.where(rest0 > 0) - 1)
    t = t.reset_index()
    order = t["change"].abs().sort_values(ascending=False, kind="stable").index
    return t.loc[order].reset_index(drop=True)


# --------------------------------------------------------------------------- other forms
def other_forms_upper_bound(
    df: pd.DataFrame,
    *,
    grouping: str | None = None,
    years: Iterable[int] | None = None,
    suppressed: Policy = "exclude",
) -> pd.DataFrame:
    """Share (%) of "Other forms of exploitation": an upper bound of forced criminality.

    "Other forms" holds forced criminality together with begging, forced marriage, organ
    removal, mixed forms and more, so its share can only bound forced criminality from above.
    The denominator is victims with a known form; shares are pooled.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    grouping : str, optional
        ``"m49_region"``, ``"m49_subregion"``, ``"glotip"`` or ``"eu27"`` (see
        :func:`tiptrends.methods.aggregate.add_grouping`); None for the world.
    years : iterable of int, optional
        Restrict to these years.
    suppressed : str
        Suppression policy.

    Returns
    -------
    DataFrame
        ``group, year, other_forms_pct, n_countries, n_victims`` (``group`` is "World"
        without a grouping).
    """
    if years is not None:
        df = df[df["year"].isin(list(years))]
    counts = form_counts(df, suppressed=suppressed)
    if grouping is None:
        counts = counts.assign(group="World")
    else:
        counts = add_grouping(counts, grouping)
    frames = []
    for g, part in counts.groupby("group", sort=True):
        by_year = aggregate_share(part, OTHER_FORMS, "known").by_year
        frames.append(by_year.assign(group=g))
    out = pd.concat(frames, ignore_index=True)
    out["other_forms_pct"] = 100 * out["share"]
    return out[["group", "year", "other_forms_pct", "n_countries", "n_victims"]]


def forced_criminality_series(
    ids: Sequence[str] = FORCED_CRIMINALITY_IDS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The published forced-criminality shares, and the series they make.

    Parameters
    ----------
    ids : sequence of str
        Published figure ids, ordered so that the preferred edition of a year comes last.

    Returns
    -------
    (DataFrame, DataFrame)
        Every published point (``year`` as text, ``share (%), edition, source``), and the
        series: one ``year`` (int), ``value`` row per year, the last id of that year.
    """
    table = published.published_table(list(ids))
    editions = published.load_published().set_index("figure_id").loc[list(ids), "edition"]
    points = pd.DataFrame(
        {
            "year": table["year"].astype(str).to_numpy(),
            "share (%)": table["value"].to_numpy(),
            "edition": editions.to_numpy(),
            "source": table["citation"].to_numpy(),
        }
    )
    series = points.drop_duplicates("year", keep="last")[["year", "share (%)"]]
    series = series.rename(columns={"share (%)": "value"}).astype({"year": int})
    return points, series.reset_index(drop=True)


def bound_vs_published(bound: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """The "other forms" upper bound beside each published forced-criminality point.

    Parameters
    ----------
    bound : DataFrame
        :func:`other_forms_upper_bound` for the world (``year, other_forms_pct``).
    series : DataFrame
        ``year, value``: the published series (:func:`forced_criminality_series`).

    Returns
    -------
    DataFrame
        Indexed by year: ``forced criminality, published (%)``, ``other forms, data (%)``
        and ``room (pp)``, the bound minus the published point (negative when the bound
        lies below it).
    """
    both = series.merge(bound[["year", "other_forms_pct"]], on="year").set_index("year")
    both["room"] = both["other_forms_pct"] - both["value"]
    return both.rename(
        columns={
            "value": "forced criminality, published (%)",
            "other_forms_pct": "other forms, data (%)",
            "room": "room (pp)",
        }
    )


def bound_verdict(comparison: pd.DataFrame) -> str:
    """Whether the bound holds: ``"above every published point"`` when the "other forms"
    share is at least the published forced-criminality share in every year of
    :func:`bound_vs_published`, else ``"below at least one published point"``."""
    above = bool((comparison["room (pp)"] >= 0).all())
    return "above every published point" if above else "below at least one published point"


def other_forms_carriers(
    counts: pd.DataFrame, year: int = LATEST_YEAR, *, top: int = 10
) -> pd.DataFrame:
    """The countries with the most "other forms" victims in a year.

    Parameters
    ----------
    counts : DataFrame
        :func:`tiptrends.methods.headline.form_counts`.
    year : int
        Year.
    top : int
        Rows kept.

    Returns
    -------
    DataFrame
        ``iso3, country, other forms, victims with known form, other forms share (%)`` and
        ``share of world other forms (%)`` (of all reporting countries' "other forms"
        victims), largest first.
    """
    t = counts[counts["year"] == year].copy()
    other = t[OTHER_FORMS].fillna(0)
    t["known"] = t[list(FORMS)].sum(axis=1)
    t["share"] = 100 * other / t["known"]
    t["world"] = 100 * other / t[OTHER_FORMS].sum()
    t = t.sort_values(OTHER_FORMS, ascending=False).head(top)
    return (
        t[["iso3", "country", OTHER_FORMS, "known", "share", "world"]]
        .reset_index(drop=True)
        .rename(
            columns={
                OTHER_FORMS: "other forms",
                "known": "victims with known form",
                "share": "other forms share (%)",
                "world": "share of world other forms (%)",
            }
        )
    )


def forms_by_sex_age(
    df: pd.DataFrame,
    years: Iterable[int],
    *,
    suppressed: Policy = "exclude",
    groups: Sequence[str] = SEX_AGE_KNOWN,
) -> pd.DataFrame:
    """Share (%) of each form among the victims of each sex x age group.

    For a group (e.g. boys), a country-year enters if it reports the group within at least
    one form; the denominator is the group's victims summed over the three forms.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    years : iterable of int
        Years pooled together.
    suppressed : str
        Suppression policy.
    groups : sequence of str
        Sex x age groups (keys of ``vocab.SEX_AGE_GROUPS``).

    Returns
    -------
    DataFrame
        ``sex_age, form, share_pct, n_countries, n_victims``.
    """
    years = list(years)
    df = df[df["year"].isin(years)]
    parts = []
    for form in FORMS:
        long = country_year_counts(
            df,
            dimension=SEX_AGE,
            categories=list(groups),
            form=form,
            suppressed=suppressed,
            with_total=False,
            wide=False,
        )
        parts.append(long.assign(form=form))
    # a form nobody reports by sex x age adds no row (and would only blur the dtypes)
    long = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
    long = long[long["year"].isin(years) & long["count"].notna()]
    rows = []
    for g in groups:
        sub = long[long["category"] == g]
        wide = (
            sub.pivot_table(index=["iso3", "year"], columns="form", values="count", aggfunc="sum")
            .reindex(columns=list(FORMS))
            .reset_index()
        )
        wide.columns.name = None
        for form in FORMS:
            res = aggregate_share(wide, form, "known", known=list(FORMS))
            rows.append(
                {
                    "sex_age": g,
                    "form": form,
                    "share_pct": 100 * res.share,
                    "n_countries": res.n_countries,
                    "n_victims": res.n_victims,
                }
            )
    return pd.DataFrame(rows, columns=["sex_age", "form", "share_pct", "n_countries", "n_victims"])


def forms_by_sex_age_years(
    df: pd.DataFrame, years: Iterable[int] = SEX_AGE_YEARS, *, suppressed: Policy = "exclude"
) -> pd.DataFrame:
    """:func:`forms_by_sex_age` for each year separately, stacked.

    Returns
    -------
    DataFrame
        ``year, sex_age, form, share_pct, n_countries, n_victims``.
    """
    frames = [forms_by_sex_age(df, [y], suppressed=suppressed).assign(year=y) for y in years]
    out = pd.concat(frames, ignore_index=True)
    return out[["year", *[c for c in out.columns if c != "year"]]]


def sex_age_form_table(by_year: pd.DataFrame) -> pd.DataFrame:
    """(year, sex x age group) x form shares (%) of :func:`forms_by_sex_age_years`."""
    table = by_year.pivot(index=["year", "sex_age"], columns="form", values="share_pct")
    table = table.reindex(columns=list(FORMS)).rename(columns=FORM_LABELS)
    table.columns.name = None
    return table.rename_axis(index=["year", "group"])


# --------------------------------------------------------------------------- composition
def _known_units(
    counts: pd.DataFrame,
    numerator: Sequence[str] | str,
    years: Iterable[int],
    known: Sequence[str] | None,
) -> pd.DataFrame:
    """Share inputs (``iso3, year, num, den``) of ``years`` over victims with a known category."""
    num = [numerator] if isinstance(numerator, str) else list(numerator)
    return share_inputs(counts[counts["year"].isin(list(years))], num, "known", known)


def decomposition_table(results: Mapping[str, ShiftShareResult]) -> pd.DataFrame:
    """Decompositions side by side, in percentage points.

    Parameters
    ----------
    results : mapping of str to ShiftShareResult
        Label -> result.

    Returns
    -------
    DataFrame
        One row per label: ``share_y0_pct, share_y1_pct, total_pp, within_pp,
        composition_pp, reweighting_pp, entry_pp, exit_pp``.
    """
    rows = {
        label: {
            "share_y0_pct": 100 * r.share_y0,
            "share_y1_pct": 100 * r.share_y1,
            "total_pp": 100 * r.total_change,
            "within_pp": 100 * r.within,
            "composition_pp": 100 * r.composition,
            "reweighting_pp": 100 * r.reweighting,
            "entry_pp": 100 * r.entry,
            "exit_pp": 100 * r.exit,
        }
        for label, r in results.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")


def largest_contributions(
    result: ShiftShareResult, names: Mapping[str, str], *, top: int = 8
) -> pd.DataFrame:
    """The countries with the largest contributions to a shift-share decomposition.

    Parameters
    ----------
    result : ShiftShareResult
        :func:`tiptrends.methods.decomposition.pooled_share_change`.
    names : mapping of str to str
        Country name by ISO3.
    top : int
        Rows kept (``by_country`` is sorted by descending absolute total contribution).

    Returns
    -------
    DataFrame
        ``country, status``, the shares ``s0, s1`` and weights ``w0, w1`` (%) of the two
        years, and the ``within``, ``composition`` and ``total`` contributions (pp).
    """
    t = result.by_country.head(top).copy()
    t[["s0", "s1", "w0", "w1", "within", "composition", "total"]] *= 100
    t["country"] = t["iso3"].map(names)
    t = no_negative_zero(t)
    return t[
        ["country", "status", "s0", "s1", "w0", "w1", "within", "composition", "total"]
    ].rename(
        columns={
            "s0": f"share {BASE_YEAR} (%)",
            "s1": f"share {LATEST_YEAR} (%)",
            "w0": f"weight {BASE_YEAR} (%)",
            "w1": f"weight {LATEST_YEAR} (%)",
            "within": "within (pp)",
            "composition": "composition (pp)",
            "total": "total (pp)",
        }
    )


def balanced_shares(
    counts: pd.DataFrame,
    numerator: Sequence[str] | str,
    years: Iterable[int],
    *,
    known: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Pooled share (%) per year on a balanced panel: countries reporting in every year.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table.
    numerator : str or sequence of str
        Numerator categories.
    years : iterable of int
        The window.
    known : sequence of str, optional
        Denominator categories.

    Returns
    -------
    DataFrame
        ``year, share_pct, n_countries, n_victims``; empty if no country reports in every
        window year.
    """
    window = sorted({int(y) for y in years})
    units = _known_units(counts, numerator, window, known)
    n_years = units.groupby("iso3")["year"].nunique()
    members = n_years.index[n_years == len(window)]
    units = units[units["iso3"].isin(members)]
    g = units.groupby("year", sort=True)
    out = pd.DataFrame(
        {
            "share_pct": 100 * g["num"].sum() / g["den"].sum(),
            "n_countries": g["iso3"].nunique(),
            "n_victims": g["den"].sum(),
        }
    ).reset_index()
    return out[["year", "share_pct", "n_countries", "n_victims"]]


def balanced_panels(
    form_table: pd.DataFrame,
    sex_age_table: pd.DataFrame,
    windows: Mapping[str, Iterable[int]] = BALANCED_WINDOWS,
) -> pd.DataFrame:
    """Forced-labour and children's shares on the balanced panel of each window.

    Parameters
    ----------
    form_table : DataFrame
        :func:`tiptrends.methods.headline.form_counts`.
    sex_age_table : DataFrame
        :func:`tiptrends.methods.headline.sex_age_counts`.
    windows : mapping of str to iterable of int
        Window label -> years.

    Returns
    -------
    DataFrame
        :func:`balanced_shares` rows with a ``series`` column (``"forced labour, <window>"``
        and ``"children, <window>"``).
    """
    frames = []
    for label, years in windows.items():
        fl = balanced_shares(form_table, FORCED_LABOUR, years)
        children = balanced_shares(sex_age_table, CHILDREN, years, known=KNOWN_SEX_AGE)
        frames.append(fl.assign(series=f"forced labour, {label}"))
        frames.append(children.assign(series=f"children, {label}"))
    return pd.concat(frames, ignore_index=True)


def balanced_table(panels: pd.DataFrame) -> pd.DataFrame:
    """Series x year shares (%) of :func:`balanced_panels`, with each panel's country count."""
    table = panels.pivot(index="series", columns="year", values="share_pct")
    table.columns = [str(y) for y in table.columns]
    countries = panels.groupby("series")["n_countries"].first().rename("countries in panel")
    return table.join(countries)


# --------------------------------------------------------------------------- rule switches
RANK_METHODS: tuple[str, ...] = ("pooled", "mean", "two_stage", "weighted", "two_stage_population")
"""Aggregation methods of :func:`form_ranking` (labels of ``aggregate.METHODS``)."""


def form_ranking(alternatives: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The forms ranked by their share under each data basis and aggregation method.

    Parameters
    ----------
    alternatives : mapping of str to DataFrame
        Data basis label -> :func:`alternatives` over the three forms (only the rows
        over victims with a known form are used).

    Returns
    -------
    DataFrame
        ``data, method`` (the ``aggregate.METHODS`` description), one share column per form
        (labels of :data:`FORM_LABELS`), ``ranking`` (forms from the largest share down,
        joined by " > ") and ``forced labour first`` (bool).
    """
    rows = []
    for basis, alt in alternatives.items():
        known = alt[alt["denominator"] == "known"].set_index("method")
        for method in [m for m in RANK_METHODS if m in known.index]:
            shares = known.loc[method, list(FORMS)].astype(float)
            order = shares.sort_values(ascending=False, kind="stable").index
            rows.append(
                {
                    "data": basis,
                    "method": METHODS[method],
                    **{FORM_LABELS[f]: shares[f] for f in FORMS},
                    "ranking": " > ".join(f.lower() for f in order),
                    "forced labour first": bool(order[0] == FORCED_LABOUR),
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- bootstrap
def bootstrap_figure(
    key: str,
    table: pd.DataFrame,
    countries: Iterable[str] | None = None,
    *,
    year: int = LATEST_YEAR,
    n_boot: int = settings.BOOTSTRAP_REPLICATES,
    seed: int | None = settings.SEED,
    **options: Any,
) -> BootstrapResult:
    """Country bootstrap of registered figure ``key``: each replicate evaluates the figure.

    Countries are drawn with replacement from ``table``'s rows of ``year`` (restricted to
    ``countries``, e.g. those entering the figure, in ISO3 order); each replicate is
    :func:`tiptrends.methods.figures.evaluate` on the drawn rows, with each drawn copy of a
    country keeping its population (for the population-weighted methods). A percentage
    that is one share of its countries' units is computed for all replicates at once from
    those units (``share_scale`` of :func:`~tiptrends.methods.models.bootstrap_countries`).

    Parameters
    ----------
    key : str
        A registered figure of ``year``.
    table : DataFrame
        Curated GLOTIP table of a data basis.
    countries : iterable of str, optional
        ISO3 codes resampled (default: every country of ``year``).
    year : int
        Year of the figure.
    n_boot, seed : int
        Replicates and seed (:data:`tiptrends.settings.BOOTSTRAP_REPLICATES`, ``SEED``).
    **options
        Options of the figure (:class:`tiptrends.methods.figures.Options`).
    """
    t = table[table["year"] == year]
    if countries is not None:
        t = t[t["iso3"].isin(list(countries))]
    t = t.sort_values("iso3", kind="stable")

    def statistic(sample: pd.DataFrame, population: pd.Series) -> float:
        inputs = figures.Inputs(sample)
        inputs.population = population  # the copies of a drawn country keep its population
        return figures.evaluate(key, inputs, **options)

    return bootstrap_countries(
        t,
        statistic,
        n_boot=n_boot,
        seed=seed,
        lookups={"population": figures.gsi_population()},
        # a percentage may be 100 times one pooled share: then every replicate at once
        share_scale=100.0 if figures.figure(key).unit == "%" else None,
    )


BOOTSTRAP_LABELS: dict[str, str] = {
    FL_SHARE: "forced labour",
    SE_SHARE: "sexual exploitation",
    CHILDREN_SHARE: "children",
    FL_POPWEIGHTED: "forced labour, population-weighted",
}
"""Figures of chapter 08's bootstrap and their labels."""


def bootstrap_shares(table: pd.DataFrame) -> dict[str, BootstrapResult]:
    """:func:`bootstrap_figure` of each figure of :data:`BOOTSTRAP_LABELS`, by key, resampling
    the countries that enter it (reporting forms, or sex and age, in the latest year)."""
    year = table[table["year"] == LATEST_YEAR]
    by_form = share_inputs(form_counts(year), [FORCED_LABOUR], "known")["iso3"]
    by_age = share_inputs(headline.sex_age_counts(year), CHILDREN, "known", KNOWN_SEX_AGE)["iso3"]
    return {
        key: bootstrap_figure(key, table, by_age if key == CHILDREN_SHARE else by_form)
        for key in BOOTSTRAP_LABELS
    }


# --------------------------------------------------------------------------- chapter results
Glue = dict[tuple[str, str], dict[str, object]]
"""Glued numbers by (kind, unit) of :func:`tiptrends.report.prose.glue_numbers`."""


@dataclass
class ChapterResults:
    """What a chapter shows: tables, other objects (fits, bootstraps), glued numbers and the
    registered figures it records.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Tables (and plot inputs) by name.
    objects : dict
        Fitted models, bootstraps, decompositions by name.
    glue : dict
        ``(kind, unit) -> {glue name: value}``; ``kind="text"`` for text.
    records : dict
        Registered figure with a published counterpart -> ``(reason, difference)`` of
        :func:`tiptrends.report.reporting.record_figure`.
    unpublished : dict
        Results key -> ``(value, unit, note)`` of registered figures without a published
        counterpart, on both bases (``key`` and ``key + "_current_release"``).
    context : list
        ``(key, value, published id, reason)`` of published figures shown for context.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    glue: Glue = field(default_factory=dict)
    records: dict[str, tuple[str, str]] = field(default_factory=dict)
    unpublished: dict[str, tuple[float, str, str]] = field(default_factory=dict)
    context: list[tuple[str, float, str, str]] = field(default_factory=list)

    def add(self, kind: str = "count", unit: str = "", /, **values: object) -> None:
        """Glue ``values`` as ``kind`` (with ``unit``)."""
        self.glue.setdefault((kind, unit), {}).update(values)

    def record_unpublished(self, keys: Iterable[str]) -> None:
        """Record registered figures without a published counterpart on both bases."""
        for key in keys:
            fig = figures.figure(key)
            for basis in figures.BASES:
                name = key if basis == "report" else key + figures.CURRENT_SUFFIX
                note = f"{fig.label} ({'report basis' if basis == 'report' else 'current release'})"
                self.unpublished[name] = (figures.value(key, basis), fig.unit, note)  # type: ignore[arg-type]


def _data(out: ChapterResults, *, rows: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Glue the data notes the chapters share (``rows``: the rows the exclusions drop);
    return the current release and the report basis."""
    bases = figures.data_bases()
    glotip = bases.current_release
    out.add("text", release=str(glotip["release"].iloc[0]))
    out.add(n_exclusions=len(exclusions.load_exclusions()), n_flagged=len(bases.flags))
    if rows:
        out.add(excl_rows=bases.exclusions["rows_dropped"].sum())
    return glotip, bases.report_basis


def _sensitivity(out: ChapterResults, keys: Sequence[str], years: Iterable[int]) -> pd.DataFrame:
    """``"<5"`` policies and exclusions (:func:`sensitivity.sensitivity_table`) of ``keys``."""
    raw = figures.glotip(settings.CURRENT_RELEASE)
    functions = figures.policy_functions(keys)
    sens = sensitivity.sensitivity_table(raw, functions, exclusions.load_exclusions(), years=years)
    out.add(n_no_effect=len(sens.attrs["no_effect"]))
    out.tables["sensitivity"] = no_negative_zero(sens.T.rename_axis("scenario"))
    return sens


def _switches(
    out: ChapterResults, keys: Sequence[str], switches: Mapping, decimals: int = 1
) -> pd.DataFrame:
    """Rule switches (:func:`figures.switch_table`) of ``keys``, by key; shown by label, as text
    (a column of numbers and "no effect" is not rounded by the table's formatter)."""
    table = figures.switch_table(keys, switches, labels=False)
    shown = table.map(lambda v: fixed(v, decimals) if isinstance(v, float) else v)
    shown = shown.rename(index={k: figures.figure(k).label for k in keys})
    out.tables["switches"] = shown.T.rename(index=BASIS_SWITCH_LABELS).rename_axis("rules")
    return table


def forced_labour_results() -> ChapterResults:
    """Everything chapter 02 shows (forced labour: shares, change, trend, sensitivity)."""
    out = ChapterResults()
    glotip, basis = _data(out)
    counts, counts_basis = form_counts(glotip), form_counts(basis)
    world = out.tables["world"] = shares_by_year(glotip)
    world_table = out.tables["world_table"] = shares_with_counts(world)
    out.add(
        n_countries_first=world_table["countries"].iloc[0],
        n_countries_latest=world_table.loc[LATEST_YEAR, "countries"],
    )
    out.add("text", leading_form=leading_form_sentence(world))
    fl_by_year = out.tables["fl_by_year"] = victims_by_year(
        headline.form_victims(counts, FORCED_LABOUR), FORCED_LABOUR
    )
    out.add("count", "victims", fl_victims_latest=fl_by_year.loc[LATEST_YEAR, "victims"])
    by_region = out.tables["by_region"] = shares_by_year(
        glotip, categories=[FORCED_LABOUR], by="glotip", years=REGION_YEARS
    )
    out.tables["region_table"] = region_table(by_region)
    _eu(out, glotip)
    _alternatives(out, counts_basis)
    influence_table = influence_on_share(counts_basis, FORCED_LABOUR)
    out.tables["breakdowns"] = largest_breakdowns(counts_basis, FORCED_LABOUR)
    contrib = change_contributions(
        headline.form_victims(counts_basis, FORCED_LABOUR), FORCED_LABOUR, BASE_YEAR, LATEST_YEAR
    )
    out.tables["contributions"] = contrib
    loo = contrib["pct_change_without"]
    out.add(
        "change_pct",
        fl_change=figures.value(FL_CHANGE),
        fl_change_current=figures.value(FL_CHANGE, "current"),
        loo_min=loo.min(),
        loo_max=loo.max(),
        fl_change_matched=figures.value(FL_CHANGE, panel="matched"),
    )
    out.add(n_matched=len(contrib))
    out.add("pct", top5_share=contrib["pct_of_change"].head(5).sum())
    _forced_labour_trend(out, counts)
    sens = _sensitivity(out, CHAPTER_KEYS["02"], SENSITIVITY_YEARS)
    policies = sens[list(sensitivity.POLICY_LABELS.values())]
    out.add(
        "text",
        policy_spread=spread_text(sensitivity.spread(policies).max()),
        max_spread=points_text(sensitivity.spread(sens).max()),
    )
    first = sens.iloc[:, 0]
    out.add(
        "change_pct",
        sens_change_first=first[figures.figure(FL_CHANGE).label],
    )
    switches = _switches(
        out,
        (FL_SHARE, SE_SHARE, FL_POPWEIGHTED, FL_CHANGE, EU_FL_SHARE),
        DATA_SWITCHES | PANEL_SWITCHES,
    )
    out.add(
        "pct",
        sw_fl_basis=switches.loc[FL_SHARE].iloc[0],
        sw_fl_current=switches.loc[FL_SHARE, "re-analysis (current release, exclusions)"],
    )
    change_row = switches.loc[FL_CHANGE].astype(float)
    out.add("change_pct", sw_change_min=change_row.min(), sw_change_max=change_row.max())
    _forced_labour_records(out, counts, influence_table, switches)
    return out


def _eu(out: ChapterResults, glotip: pd.DataFrame) -> None:
    eu = shares_by_year(glotip, categories=list(FORMS), years=EU_YEARS, by="eu27")
    eu = eu[eu["group"] == "EU27"]
    out.tables["eu"] = shares_with_counts(eu)
    eurostat = eurostat_form_counts()
    out.add(
        eurostat_fl=eurostat[FORCED_LABOUR],
        eurostat_se=eurostat[SEXUAL],
        eurostat_of=eurostat[OTHER_FORMS],
        eu_n_countries=eu.loc[eu["year"] == LATEST_YEAR, "n_countries"].iloc[0],
    )
    out.objects["eurostat_fl_share"] = 100 * eurostat[FORCED_LABOUR] / eurostat.sum()
    out.add(
        "pct",
        eu_fl_2022=figures.value(EU_FL_SHARE, "current"),
        eu_published=published.published_value(_id(EU_FL_SHARE)),
        eurostat_fl_share=out.objects["eurostat_fl_share"],
    )


def _alternatives(out: ChapterResults, counts_basis: pd.DataFrame) -> None:
    """The method x denominator table, the population weights and the ranking of forms."""
    by_basis = {"reproduction": alternatives("report"), "re-analysis": alternatives("current")}
    alt = by_basis["reproduction"]
    known = out.objects["known_alt"] = alt[alt["denominator"] == "known"].set_index("method")
    gaps = method_gaps(alt, published_shares())
    out.tables["alternatives"] = alternatives_table(alt, gaps)
    out.add(
        "pct",
        fl_2022=known.loc["pooled", FORCED_LABOUR],
        se_2022=known.loc["pooled", SEXUAL],
        fl_mean=known.loc["mean", FORCED_LABOUR],
        fl_two_stage=known.loc["two_stage", FORCED_LABOUR],
        se_two_stage=known.loc["two_stage", SEXUAL],
    )
    weights = out.tables["weights"] = population_weights(
        counts_basis, figures.gsi_population(), figures_core.region_population()
    )
    n_missing = len(weights.attrs["without_population"])
    out.add(
        "text",
        n_without_population=count_noun(n_missing, "reporting country", "reporting countries"),
    )
    g = out.objects["gaps"] = gaps.set_index(["figure", "method"])
    for slug, form in (("fl", FORCED_LABOUR), ("se", SEXUAL)):
        out.add(
            "text", **{f"{slug}_pooled_distance": points_text(g.loc[(form, "pooled"), "distance"])}
        )
        for short, method in (("weighted", "weighted"), ("two_stage_pop", "two_stage_population")):
            row = g.loc[(form, method)]
            out.add("pct", **{f"{slug}_{short}": row["value"]})
            out.add("text", **{f"{slug}_{short}_distance": points_text(row["distance"])})
            out.add("text", **{f"{slug}_{short}_closer": closer_label(row["closer_than_main"])})
    ranking = form_ranking(by_basis)
    first = ranking.groupby("data", sort=False)["forced labour first"].sum()
    out.add(n_fl_first_basis=first["reproduction"], n_methods=len(RANK_METHODS))
    n_current = int(first["re-analysis"])
    out.add("text", n_fl_first_current=f"{n_current}" if n_current else "none")
    out.tables["ranking"] = ranking.drop(columns="forced labour first")


def _forced_labour_trend(out: ChapterResults, counts: pd.DataFrame) -> None:
    units = share_inputs(counts, [FORCED_LABOUR], "known")
    out.tables["trends"], fits = share_trends(trend_specs(units))
    trend_fe = out.objects["trend_fe"] = fits["2003-2022, country effects"]
    recent = fits["2012-2022, pooled"]
    out.add(
        "ratio",
        or_fe=trend_fe.odds_ratio,
        or_fe_low=trend_fe.or_lower,
        or_fe_high=trend_fe.or_upper,
    )
    # an effective number of countries is read as a whole number
    out.add(
        g_star=recent.effective_clusters,
        g_herfindahl=recent.effective_clusters_herfindahl,
    )
    out.add(n_trend_countries=recent.n_countries)
    out.add("text", trend_verdict=trend_verdict(trend_fe))


PAKISTAN = "Pakistan 2019-2022 (restated after the report) is in the current release only"


def _forced_labour_records(
    out: ChapterResults,
    counts: pd.DataFrame,
    influence_table: pd.DataFrame,
    switches: pd.DataFrame,
) -> None:
    """Reasons of chapter 02's recorded figures, and the numbers glued beside them."""
    known, g = out.objects["known_alt"], out.objects["gaps"]
    top = f"{influence_table.index[0]} ({influence_table['effect'].iloc[0]:+.1f} points)"
    mean, two = known.loc["mean"], known.loc["two_stage"]
    pak_se = counts.set_index(["iso3", "year"]).loc[("PAK", LATEST_YEAR), SEXUAL]
    change = switches.loc[FL_CHANGE]
    pop_reason = (
        "Alternative, not the main figure: the mean of the 2022 country shares (victims with "
        "known form) weighted by population (Walk Free GSI 2023 table, 2020 population). "
        f"{out.tables['weights'].attrs['n_weighted']} countries have a population figure; "
        "the others are left out."
    )
    pop_difference = "Pakistan 2019-2022 is in the current release only (a populous country)."
    out.records = {
        FL_SHARE: (
            f"Pooled over victims with known form; the largest single effect is {top}. "
            f"Mean of country shares {mean[FORCED_LABOUR]:.1f}%, two-stage regional "
            f"{two[FORCED_LABOUR]:.1f}%. The published figure is secondary; its panel and "
            "aggregation are not documented.",
            f"{PAKISTAN}; its 2022 breakdown is almost all sexual exploitation.",
        ),
        SE_SHARE: (
            f"Within {g.loc[(SEXUAL, 'pooled'), 'distance']:.1f} points of the published range. "
            f"Pooled share; mean of country shares {mean[SEXUAL]:.1f}%, two-stage regional "
            f"{two[SEXUAL]:.1f}%.",
            f"{PAKISTAN}; it adds {pak_se:,.0f} sexual-exploitation victims.",
        ),
        FL_CHANGE: (
            "Trend panel (countries reporting forms in 2019-2022, gaps filled); matched "
            f"set {change['matched countries']:.1f}%, balanced {change['balanced panel']:.1f}%. "
            "UNODC's panel is not published.",
            f"{PAKISTAN}: it restates the 2019 base and the 2022 end.",
        ),
        EU_FL_SHARE: (
            "Different source and year: the published figure is Eurostat's EU share for 2024; "
            "ours is UNODC country data for 2022. Eurostat's own 2022 counts give "
            f"{out.objects['eurostat_fl_share']:.1f}%.",
            "None: the vintage rule flags no EU country.",
        ),
        FL_POPWEIGHTED: (pop_reason, pop_difference),
        SE_POPWEIGHTED: (pop_reason, pop_difference),
    }
    fl_pub, change_pub = (published.published_value(_id(k)) for k in (FL_SHARE, FL_CHANGE))
    se_row = published.published_row(_id(SE_SHARE))
    out.add(
        "pct",
        fl_published=fl_pub,
        fl_2022_current=figures.value(FL_SHARE, "current"),
        se_2022_current=figures.value(SE_SHARE, "current"),
    )
    out.add("change_pct", fl_change_published=change_pub)
    out.add(
        "pp",
        gap_fl=figures.value(FL_SHARE) - fl_pub,
        gap_change=figures.value(FL_CHANGE) - change_pub,
    )
    out.add(
        "text",
        gap_se=points_text(g.loc[(SEXUAL, "pooled"), "distance"]),
        se_published_range=(f"{float(se_row['value_low']):.0f}-{float(se_row['value_high']):.0f}%"),
    )


def forced_criminality_results() -> ChapterResults:
    """Everything chapter 03 shows (the published series and the "other forms" bound)."""
    out = ChapterResults()
    glotip, _ = _data(out)
    out.tables["fc_points"], fc_series = forced_criminality_series()
    fc = out.tables["fc_series"] = fc_series
    bound = out.tables["bound"] = other_forms_upper_bound(glotip)
    by_year, fc_by_year = bound.set_index("year"), fc.set_index("year")["value"]
    out.add(of_n_countries=by_year.loc[LATEST_YEAR, "n_countries"])
    out.add(
        "pct",
        of_2016=by_year.loc[2016, "other_forms_pct"],
        fc_2016=fc_by_year.loc[2016],
        fc_2022=fc_by_year.loc[2022],
    )
    comparison = out.tables["comparison"] = bound_vs_published(bound, fc)
    out.add("text", bound_verdict=bound_verdict(comparison))
    carriers = out.tables["carriers"] = other_forms_carriers(form_counts(glotip))
    out.add("text", top2_names=" and ".join(carriers["country"].head(2)))
    out.add("pct", top2_share=carriers["share of world other forms (%)"].head(2).sum())
    regions = out.tables["regions"] = other_forms_upper_bound(
        glotip, grouping="glotip", years=OTHER_FORMS_REGION_YEARS
    )
    out.tables["region_table"] = region_table(
        regions, value="other_forms_pct", scale=1.0, years=OTHER_FORMS_REGION_YEARS
    )
    by_sex_age = forms_by_sex_age_years(glotip)
    latest = by_sex_age[by_sex_age["year"] == LATEST_YEAR]
    boys = latest.set_index(["sex_age", "form"])["share_pct"].loc["boys"]
    out.add(n_boys=latest.loc[latest["sex_age"] == "boys", "n_countries"].iloc[0])
    out.tables["sex_age"] = sex_age_form_table(by_sex_age)
    out.tables["sex_age_latest"] = sex_age_form_table(latest).loc[LATEST_YEAR]
    _sensitivity(out, CHAPTER_KEYS["03"], SEX_AGE_YEARS)
    out.add(
        "pct",
        of_mean=figures.value(OF_SHARE, "current", method="mean"),
        of_two_stage=figures.value(OF_SHARE, "current", method="two_stage"),
    )
    switches = _switches(out, CHAPTER_KEYS["03"], DATA_SWITCHES)
    out.add(
        "pct",
        sw_of_basis=switches.loc[OF_SHARE, "all rules (main)"],
        sw_of_current=switches.loc[OF_SHARE, "re-analysis (current release, exclusions)"],
    )
    out.records[OF_SHARE] = (
        "Not like for like: the published 'other forms' excludes forced criminality and mixed "
        "forms, which the data's 'other forms' includes. Ours bounds forced criminality plus "
        f"all other sub-forms; {carriers['iso3'].iloc[0]} alone holds "
        f"{carriers['share of world other forms (%)'].iloc[0]:.0f}% of the numerator.",
        f"{PAKISTAN}; its 2022 breakdown is almost all sexual exploitation.",
    )
    out.record_unpublished(CHAPTER_KEYS["03"][1:])
    of_2022, of_published = (
        figures.value(OF_SHARE, "current"),
        published.published_value(_id(OF_SHARE)),
    )
    fc_id, boys_reason = (
        FORCED_CRIMINALITY_IDS[-1],
        "Countries reporting forms for boys; pooled, re-analysis.",
    )
    out.context = [
        (
            "forced_criminality_2022_upper_bound",
            of_2022,
            fc_id,
            "Upper bound only: data 'other forms' holds forced criminality and more.",
        ),
        (
            "boys_other_forms_share_2022",
            boys[OTHER_FORMS],
            "glotip2024_boys_other_forms_share_2022_pct",
            boys_reason,
        ),
        (
            "boys_forced_labour_share_2022",
            boys[FORCED_LABOUR],
            "glotip2024_boys_forced_labour_share_2022_pct",
            boys_reason,
        ),
    ]
    out.objects["context_labels"] = {
        "forced_criminality_2022_upper_bound": (
            '"Other forms" share, 2022: not forced criminality, an upper bound on it'
        ),
        "boys_other_forms_share_2022": '"Other forms" share of boys, 2022',
        "boys_forced_labour_share_2022": "Forced-labour share of boys, 2022",
    }
    out.add(
        "pct",
        of_2022=of_2022,
        of_2022_basis=figures.value(OF_SHARE),
        of_published=of_published,
        pub_sum=published.published_value(fc_id) + of_published,
        boys_of=boys[OTHER_FORMS],
        boys_fl=boys[FORCED_LABOUR],
        boys_of_published=published.published_value(out.context[1][2]),
        boys_fl_published=published.published_value(out.context[2][2]),
    )
    out.add("pp", of_gap=figures.value(OF_SHARE) - of_published)
    return out


def composition_results() -> ChapterResults:
    """Everything chapter 08 shows (shift-share, balanced panels, bootstrap, sensitivity)."""
    out = ChapterResults()
    glotip, _ = _data(out, rows=False)
    form_c, sa_c = form_counts(glotip), headline.sex_age_counts(glotip)
    fallback = headline.form_fallback_rows(glotip).set_index(["iso3", "year"])
    out.add(
        uk_fallback=fallback.loc[("GBR", LATEST_YEAR), "known_sex_age"],
        n_fallback_other=len(fallback) - 1,
        n_boot=settings.BOOTSTRAP_REPLICATES,
    )
    # the registered figures' own decomposition, on the current release this chapter uses
    dec_fl = form_figures.form_share_change(figures.Inputs(glotip), figures.Options())
    dec_ch = pooled_share_change(sa_c, CHILDREN, BASE_YEAR, LATEST_YEAR, known=KNOWN_SEX_AGE)
    parts = {p: figures.value(key, "current") for p, key in SHARE_CHANGE.items()}
    out.add(
        "pp",
        fl_within_pp=parts["within"],
        fl_composition_pp=parts["composition"],
        fl_total_pp=parts["total"],
        ch_within_pp=100 * dec_ch.within,
        ch_composition_pp=100 * dec_ch.composition,
        ch_total_pp=100 * dec_ch.total_change,
    )
    out.add(
        "pct",
        fl_share_y0=100 * dec_fl.share_y0,
        fl_share_y1=100 * dec_fl.share_y1,
        ch_share_y0=100 * dec_ch.share_y0,
        ch_share_y1=100 * dec_ch.share_y1,
    )
    out.record_unpublished(SHARE_CHANGE.values())
    table = decomposition_table({"forced labour share": dec_fl, "children's share": dec_ch})
    out.tables["parts"] = table[list(DECOMPOSITION_PARTS)].rename(columns=DECOMPOSITION_PARTS).T
    nofb = headline.sex_age_counts(glotip, form_fallback=False)
    dec_nofb = pooled_share_change(nofb, CHILDREN, BASE_YEAR, LATEST_YEAR, known=KNOWN_SEX_AGE)
    for name, dec, iso in (
        ("pak_fl_total", dec_fl, "PAK"),
        ("uk_fl_total", dec_fl, "GBR"),
        ("uk_ch_total", dec_ch, "GBR"),
        ("uk_ch_exit", dec_nofb, "GBR"),
    ):
        out.add("pp", **{name: 100 * dec.by_country.set_index("iso3").loc[iso, "total"]})
    out.add("pp", pak_fl_effect=-influence_on_share(form_c, FORCED_LABOUR).loc["PAK", "effect"])
    names = form_c.drop_duplicates("iso3").set_index("iso3")["country"]
    out.tables["fl_contributions"] = largest_contributions(dec_fl, names)
    out.tables["ch_contributions"] = largest_contributions(dec_ch, names)
    _balanced_and_trends(out, form_c, sa_c)
    _uncertainty(out, glotip)
    return out


def _balanced_and_trends(out: ChapterResults, form_c: pd.DataFrame, sa_c: pd.DataFrame) -> None:
    panel = balanced_panels(form_c, sa_c)
    short = panel[panel["series"] == "forced labour, 2019-2022"].set_index("year")["share_pct"]
    out.add("pct", bal_fl_y0=short.loc[BASE_YEAR], bal_fl_y1=short.loc[LATEST_YEAR])
    out.tables["balanced"] = balanced_table(panel)
    out.tables["trends"], fits = share_trends(composition_trend_specs(form_c, sa_c))
    first = next(iter(fits.values()))
    out.add(
        trend_n=first.n_countries,
        trend_g_star=first.effective_clusters,
        trend_g_h=first.effective_clusters_herfindahl,
    )


def _uncertainty(out: ChapterResults, glotip: pd.DataFrame) -> None:
    """Bootstrap, sensitivity and rule switches of chapter 08's headline figures."""
    boot = out.objects["bootstrap"] = bootstrap_shares(glotip)
    for slug, b in zip(("boot_fl", "boot_se", "boot_ch", "boot_flpw"), boot.values(), strict=True):
        out.add("text", **{slug: f"{b.estimate:.1f}% ({b.lower:.1f}-{b.upper:.1f}%)"})
    sens = _sensitivity(out, CHAPTER_KEYS["08"], SENSITIVITY_YEARS)
    spread = sensitivity.spread(sens)  # by figure label
    widest = str(spread.idxmax())
    out.add(
        "text",
        max_spread=points_text(spread.max()),
        max_spread_figure=widest[0].lower() + widest[1:],
    )
    out.add(
        "change_pct",
        sens_change_first=sens.iloc[:, 0][figures.figure(FL_CHANGE).label],
        fl_change_current=figures.value(FL_CHANGE, "current"),
    )
    switches = _switches(out, CHAPTER_KEYS["08"], DATA_SWITCHES | PANEL_SWITCHES | FALLBACK_SWITCH)
    out.add(
        "pct",
        sw_ch_main=switches.loc[CHILDREN_SHARE, "all rules (main)"],
        sw_ch_nofb=switches.loc[CHILDREN_SHARE, "no form fallback"],
    )
    total = switches.loc[SHARE_CHANGE["total"]]
    out.add(
        "pp",
        sw_flpp_basis=total["all rules (main)"],
        sw_flpp_current=total["re-analysis (current release, exclusions)"],
    )
    reason = "Pooled, re-analysis; chapter 02 gives the reproduction and its gap."
    out.context = [
        ("forced_labour_share_2022_boot", boot[FL_SHARE].estimate, _id(FL_SHARE), reason),
        ("sexual_exploitation_share_2022_boot", boot[SE_SHARE].estimate, _id(SE_SHARE), reason),
        (
            "children_share_2022_boot",
            boot[CHILDREN_SHARE].estimate,
            "glotip2024_children_share_2022_pct",
            "Pooled over known sex and age, re-analysis; Pakistan's mostly adult victims weigh "
            "heavily.",
        ),
        (
            "forced_labour_share_2022_popweighted_boot",
            boot[FL_POPWEIGHTED].estimate,
            _id(FL_SHARE),
            "Population-weighted mean of country shares, re-analysis; an "
            "alternative, see chapter 02.",
        ),
    ]
    out.objects["context_labels"] = {
        "forced_labour_share_2022_boot": "Forced-labour share, 2022, pooled",
        "sexual_exploitation_share_2022_boot": "Sexual-exploitation share, 2022, pooled",
        "children_share_2022_boot": "Children's share, 2022, pooled",
        "forced_labour_share_2022_popweighted_boot": (
            "Forced-labour share, 2022, population-weighted"
        ),
    }
    labelled = {BOOTSTRAP_LABELS[k]: b for k, b in boot.items()}
    out.tables["intervals"] = bootstrap_table(
        labelled, [published.published_value(c[2]) for c in out.context]
    )


def _id(key: str) -> str:
    """Published figure id of registered figure ``key``."""
    return figures.figure(key).published_id or ""
