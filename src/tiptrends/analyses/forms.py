"""Forms of exploitation: shares, changes, upper bounds and their sensitivity to choices.

Helpers for the notebooks on forced labour (02), forced criminality (03) and on composition
and uncertainty (08). They build on the toolkit (:mod:`tiptrends.methods.aggregate`,
:mod:`tiptrends.methods.panels`, :mod:`tiptrends.methods.decomposition`, :mod:`tiptrends.methods.models`,
:mod:`tiptrends.methods.diagnostics`, :mod:`tiptrends.io.exclusions`) and add what those notebooks need
beyond it:

* headline figures as functions of the curated table and a suppression policy
  (:func:`form_share_pct`, :func:`children_share_pct`, :func:`form_change_pct`), so that one
  :func:`sensitivity_table` can re-evaluate every figure under every ``"<5"`` policy and
  exclusion;
* counts of victims of one form where a country reports the form breakdown, with absent
  forms read as zero (:func:`form_victims`; the toolkit's :func:`tiptrends.methods.panels.pct_change`
  would otherwise drop a country-year that reports the breakdown but no victim of that form);
* which countries drive a change (:func:`change_contributions`);
* "Other forms of exploitation" as an upper bound of forced criminality
  (:func:`other_forms_upper_bound`) and forms within each sex x age group
  (:func:`forms_by_sex_age`);
* within-country vs composition parts of a change in a pooled share
  (:func:`decompose_share`, :func:`decomposition_table`), balanced-panel shares
  (:func:`balanced_shares`) and a country bootstrap of a share (:func:`bootstrap_share`).

Shares returned by functions whose name ends in ``_pct`` are percentages (25.0 for 25%);
other shares are fractions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

from tiptrends.io import published
from tiptrends.io.countries import EU27
from tiptrends.methods import headline, panels
from tiptrends.methods.aggregate import (
    METHODS,
    SEX_AGE,
    Denominator,
    Policy,
    add_grouping,
    aggregate_share,
    country_year_counts,
    method_arguments,
    share_inputs,
)
from tiptrends.methods.decomposition import ShiftShareResult, shift_share
from tiptrends.methods.diagnostics import influence
from tiptrends.methods.headline import SEX_AGE_KNOWN, _restrict, form_counts
from tiptrends.methods.models import (
    BootstrapResult,
    TrendResult,
    bootstrap_countries,
    share_trend_glm,
)
from tiptrends.methods.sensitivity import HeadlineFunc
from tiptrends.vocab import (
    FORCED_LABOUR,
    FORMS,
    OTHER_FORMS,
    SEXUAL,
)

# --------------------------------------------------------------------------- constants
FIRST_YEAR = 2003
"""First year of the form series (the GLOTIP file has form breakdowns from 2003)."""

LATEST_YEAR = 2022
"""Latest year of the 2025 release, the year of the published 2022 shares."""

BASE_YEAR = 2019
"""Base year of the published 2019-2022 changes (the last year before the pandemic)."""

YEARS = range(FIRST_YEAR, LATEST_YEAR + 1)
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

POPULATION_ALTERNATIVES = ("weighted", "two_stage_population")
"""The population-weighted methods compared with the pooled share in chapter 02."""

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

N_BOOT = 500
"""Bootstrap replicates of chapter 08."""

BOOT_SEED = 0
"""Random seed of chapter 08's bootstrap."""

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

# --------------------------------------------------------------------------- headline figures


def method_alternatives(
    df: pd.DataFrame,
    categories: Sequence[str],
    year: int,
    *,
    suppressed: Policy = "exclude",
    methods: Sequence[str] = ("pooled", "mean", "two_stage"),
    denominators: Sequence[Denominator] = ("known", "all"),
    countries: Iterable[str] | None = None,
    population: pd.Series | None = None,
    region_weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Shares of several forms under each aggregation method and denominator.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    categories : sequence of str
        Forms to report (one column each).
    year : int
        Year.
    suppressed : str
        Suppression policy.
    methods : sequence of str
        Method labels of :data:`tiptrends.analyses.profiles.METHODS`: ``"pooled"``, ``"mean"``,
        ``"two_stage"`` (regions weighted equally), ``"weighted"`` (country shares weighted
        by ``population``), ``"two_stage_population"`` (regions weighted by
        ``region_weights``).
    denominators : sequence of str
        Denominators to cross with the methods.
    countries : iterable of str, optional
        Restrict to these ISO3 codes.
    population : Series, optional
        Population by ISO3 (:func:`tiptrends.analyses.coverage.gsi_population`), for ``"weighted"``.
    region_weights : Series, optional
        Weights by region (:func:`tiptrends.analyses.profiles.region_population`), for
        ``"two_stage_population"``.

    Returns
    -------
    DataFrame
        One row per (method, denominator): ``method, denominator, n_countries`` and one
        percentage column per category.
    """
    counts = _restrict(form_counts(df[df["year"] == year], suppressed=suppressed), countries)
    rows = []
    for m in methods:
        agg_method, kw = method_arguments(m, population, region_weights)
        for d in denominators:
            row: dict[str, object] = {"method": m, "denominator": d}
            for c in categories:
                res = aggregate_share(counts, c, d, agg_method, **kw)
                row[c] = 100 * res.share
                row["n_countries"] = res.n_countries
            rows.append(row)
    return pd.DataFrame(rows, columns=["method", "denominator", "n_countries", *categories])


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
        :func:`method_alternatives` (must include the ``"pooled"`` method).
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
"""Readable names of the denominators of :func:`method_alternatives`."""


def alternatives_table(
    alternatives: pd.DataFrame,
    gaps: pd.DataFrame | None = None,
    method_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """:func:`method_alternatives` for readers, with the distance to the published shares.

    Parameters
    ----------
    alternatives : DataFrame
        :func:`method_alternatives`.
    gaps : DataFrame, optional
        :func:`method_gaps`; adds one ``distance to published <form> (pp)`` column per form,
        filled on the known-form rows (the published shares use that denominator).
    method_labels : mapping of str to str, optional
        Method label -> description (default
        :data:`tiptrends.methods.aggregate.METHODS`).

    Returns
    -------
    DataFrame
        ``method, denominator, countries`` and one column per form (labels of
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
    table = table.rename(columns={**FORM_LABELS, "n_countries": "countries"})
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
        names) without a population.
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


PUBLISHED_PLOT_LABELS = (
    "Forced labour 2022 (%)",
    "Sexual exploitation 2022 (%)",
    "Forced-labour victims 2019-22 (% change)",
    "EU forced labour (%)",
)
"""Labels of chapter 02's published-vs-reproduced figure, in the order of its comparisons."""


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


def bootstrap_shares(
    form_table: pd.DataFrame,
    sex_age_table: pd.DataFrame,
    year: int = LATEST_YEAR,
    *,
    n_boot: int = N_BOOT,
    seed: int | None = BOOT_SEED,
    population: pd.Series | None = None,
) -> dict[str, BootstrapResult]:
    """Country bootstraps of the forced-labour, sexual-exploitation and children's shares.

    With ``population``, also the population-weighted forced-labour share
    (:func:`bootstrap_popweighted_share`, under :data:`POPWEIGHTED_LABEL`).

    Returns
    -------
    dict
        ``"forced labour"``, ``"sexual exploitation"``, ``"children"`` ->
        :class:`tiptrends.methods.models.BootstrapResult` (percent).
    """
    kw = {"n_boot": n_boot, "seed": seed}
    boots = {
        "forced labour": bootstrap_share(form_table, FORCED_LABOUR, year, **kw),
        "sexual exploitation": bootstrap_share(form_table, SEXUAL, year, **kw),
        "children": bootstrap_share(sex_age_table, CHILDREN, year, known=KNOWN_SEX_AGE, **kw),
    }
    if population is not None:
        boots[POPWEIGHTED_LABEL] = bootstrap_popweighted_share(
            form_table, FORCED_LABOUR, year, population, **kw
        )
    return boots


POPWEIGHTED_LABEL = "forced labour, population-weighted"
"""Label of the population-weighted forced-labour share in :func:`bootstrap_shares`."""


def bootstrap_popweighted_share(
    counts: pd.DataFrame,
    form: str,
    year: int,
    population: pd.Series,
    *,
    n_boot: int = N_BOOT,
    seed: int | None = BOOT_SEED,
) -> BootstrapResult:
    """Country bootstrap of a population-weighted mean of country shares (%) of one form.

    The population is passed to the bootstrap as a lookup, so a country drawn twice keeps
    its population under both labels (a population captured inside the statistic would
    drop every copy).

    Parameters
    ----------
    counts : DataFrame
        :func:`tiptrends.methods.headline.form_counts`.
    form : str
        Form in the numerator.
    year : int
        Year.
    population : Series
        Population by ISO3.
    n_boot : int
        Replicates.
    seed : int or None
        Random seed.

    Returns
    -------
    BootstrapResult
        In percent.
    """
    method, _ = method_arguments("weighted", population)

    def weighted(t: pd.DataFrame, population: pd.Series) -> float:
        return float(100 * aggregate_share(t, form, "known", method, weights=population).share)

    return bootstrap_countries(
        counts[counts["year"] == year],
        weighted,
        n_boot=n_boot,
        seed=seed,
        lookups={"population": population},
    )


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


# --------------------------------------------------------------------------- sensitivity figures
def _fl_share(d: pd.DataFrame, p: Policy) -> float:
    return headline.form_share_pct(d, FORCED_LABOUR, LATEST_YEAR, suppressed=p)


def _se_share(d: pd.DataFrame, p: Policy) -> float:
    return headline.form_share_pct(d, SEXUAL, LATEST_YEAR, suppressed=p)


def _fl_victims_change(d: pd.DataFrame, p: Policy) -> float:
    return headline.form_change_pct(d, FORCED_LABOUR, BASE_YEAR, LATEST_YEAR, suppressed=p)


def _eu_fl_share(d: pd.DataFrame, p: Policy) -> float:
    return headline.form_share_pct(d, FORCED_LABOUR, LATEST_YEAR, suppressed=p, countries=EU27)


def _children_share(d: pd.DataFrame, p: Policy) -> float:
    return headline.children_share_pct(d, LATEST_YEAR, suppressed=p)


def _fl_share_change_pp(d: pd.DataFrame, p: Policy) -> float:
    c = headline.form_counts(d[d["year"].isin([BASE_YEAR, LATEST_YEAR])], suppressed=p)
    return 100 * decompose_share(c, FORCED_LABOUR, BASE_YEAR, LATEST_YEAR).total_change


def _other_forms_share(year: int) -> HeadlineFunc:
    def figure(d: pd.DataFrame, p: Policy) -> float:
        return headline.form_share_pct(d, OTHER_FORMS, year, suppressed=p)

    return figure


OTHER_FORMS_YEARS = (2018, 2020, 2022)
"""Years of the published forced-criminality points that the "other forms" bound is set against."""

FL_SHARE = f"forced labour share {LATEST_YEAR} (%)"
SE_SHARE = f"sexual exploitation share {LATEST_YEAR} (%)"
CHILDREN_SHARE = f"children's share {LATEST_YEAR} (%)"
FL_VICTIMS_CHANGE = f"forced labour victims, change {BASE_YEAR}-{LATEST_YEAR} (%)"
FL_SHARE_CHANGE = f"forced labour share, change {BASE_YEAR}-{LATEST_YEAR} (pp)"
EU_FL_SHARE = f"EU-27 forced labour share {LATEST_YEAR} (%)"

SENSITIVITY_FIGURES: dict[str, HeadlineFunc] = {
    FL_SHARE: _fl_share,
    SE_SHARE: _se_share,
    CHILDREN_SHARE: _children_share,
    FL_VICTIMS_CHANGE: _fl_victims_change,
    FL_SHARE_CHANGE: _fl_share_change_pp,
    EU_FL_SHARE: _eu_fl_share,
    **{
        f"other forms share {y} (%)": _other_forms_share(y)
        for y in sorted(OTHER_FORMS_YEARS, reverse=True)
    },
}
"""Every headline figure of chapters 02, 03 and 08 as ``func(table, policy)``, by label."""


CHAPTER_FIGURES: dict[str, tuple[str, ...]] = {
    "02": (FL_SHARE, SE_SHARE, FL_VICTIMS_CHANGE, EU_FL_SHARE),
    "03": tuple(f"other forms share {y} (%)" for y in sorted(OTHER_FORMS_YEARS, reverse=True)),
    "08": (FL_SHARE, SE_SHARE, CHILDREN_SHARE, FL_VICTIMS_CHANGE, FL_SHARE_CHANGE),
}
"""Labels of :data:`SENSITIVITY_FIGURES` tabulated in each chapter."""


def sensitivity_figures(chapter: str) -> dict[str, HeadlineFunc]:
    """The headline figures of one chapter (:data:`CHAPTER_FIGURES`), by label."""
    return {label: SENSITIVITY_FIGURES[label] for label in CHAPTER_FIGURES[chapter]}


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


def decompose_share(
    counts: pd.DataFrame,
    numerator: Sequence[str] | str,
    y0: int,
    y1: int,
    *,
    known: Sequence[str] | None = None,
) -> ShiftShareResult:
    """Split the change in a pooled share into within-country and composition parts.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table (:func:`form_counts` or :func:`sex_age_counts`).
    numerator : str or sequence of str
        Numerator categories.
    y0, y1 : int
        Base and comparison years.
    known : sequence of str, optional
        Denominator categories (default: the three forms, or women, men, girls, boys).

    Returns
    -------
    ShiftShareResult
        See :func:`tiptrends.methods.decomposition.shift_share`; ``within + composition`` equals
        the change in the pooled share over victims with a known category.
    """
    units = _known_units(counts, numerator, [y0, y1], known)
    a = units[units["year"] == y0].set_index("iso3")
    b = units[units["year"] == y1].set_index("iso3")
    return shift_share(a["num"], a["den"], b["num"], b["den"])


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
        :func:`decompose_share`.
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


def bootstrap_share(
    counts: pd.DataFrame,
    numerator: Sequence[str] | str,
    year: int,
    *,
    known: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int | None = 0,
) -> BootstrapResult:
    """Country bootstrap (percentile 95% interval) of a pooled share (%) in one year.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table.
    numerator : str or sequence of str
        Numerator categories.
    year : int
        Year.
    known : sequence of str, optional
        Denominator categories.
    n_boot : int
        Replicates.
    seed : int or None
        Random seed.

    Returns
    -------
    BootstrapResult
        In percent.
    """
    units = _known_units(counts, numerator, [year], known)

    def pooled(t: pd.DataFrame) -> float:
        return float(100 * t["num"].sum() / t["den"].sum())

    return bootstrap_countries(units, pooled, n_boot=n_boot, seed=seed)


# --------------------------------------------------------------------------- sensitivity


# --------------------------------------------------------------------------- rule switches
RANK_METHODS: tuple[str, ...] = ("pooled", "mean", "two_stage", "weighted", "two_stage_population")
"""Aggregation methods of :func:`form_ranking` (labels of ``aggregate.METHODS``)."""


def form_ranking(alternatives: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The forms ranked by their share under each data basis and aggregation method.

    Parameters
    ----------
    alternatives : mapping of str to DataFrame
        Data basis label -> :func:`method_alternatives` over the three forms (only the rows
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


def rule_figures(
    basis: pd.DataFrame,
    labels: Sequence[str],
    *,
    population: pd.Series | None = None,
) -> dict[str, Callable[..., float]]:
    """Headline figures as functions of the project's rule switches.

    Each function takes ``data`` (default ``basis``: the report basis), ``panel`` (default
    the trend panel; only change figures use it) and ``form_fallback`` (default True; only
    the children's share uses it), and ignores a switch it has no use for.

    Parameters
    ----------
    basis : DataFrame
        The data of the main figures.
    labels : sequence of str
        Labels of :data:`RULE_FIGURES` to return.
    population : Series, optional
        Population by ISO3, for the population-weighted forced-labour share.

    Returns
    -------
    dict
        Label -> ``func(data=..., panel=..., form_fallback=...) -> float``.
    """

    def make(label: str) -> Callable[..., float]:
        def figure(
            data: pd.DataFrame = basis,
            panel: str = panels.TREND_PANEL,
            form_fallback: bool = True,
        ) -> float:
            return RULE_FIGURES[label](data, panel, form_fallback, population)

        return figure

    return {label: make(label) for label in labels}


def _popweighted_fl(d: pd.DataFrame, population: pd.Series | None) -> float:
    alt = method_alternatives(
        d,
        [FORCED_LABOUR],
        LATEST_YEAR,
        methods=["weighted"],
        denominators=["known"],
        population=population,
    )
    return float(alt[FORCED_LABOUR].iloc[0])


FL_SHARE_POPWEIGHTED = f"forced labour share {LATEST_YEAR}, population-weighted (%)"

RULE_FIGURES: dict[str, Callable[..., float]] = {
    FL_SHARE: lambda d, panel, fb, pop: headline.form_share_pct(d, FORCED_LABOUR, LATEST_YEAR),
    SE_SHARE: lambda d, panel, fb, pop: headline.form_share_pct(d, SEXUAL, LATEST_YEAR),
    FL_SHARE_POPWEIGHTED: lambda d, panel, fb, pop: _popweighted_fl(d, pop),
    EU_FL_SHARE: lambda d, panel, fb, pop: headline.form_share_pct(
        d, FORCED_LABOUR, LATEST_YEAR, countries=EU27
    ),
    FL_VICTIMS_CHANGE: lambda d, panel, fb, pop: headline.form_change_pct(
        d, FORCED_LABOUR, BASE_YEAR, LATEST_YEAR, panel=panel
    ),
    CHILDREN_SHARE: lambda d, panel, fb, pop: headline.children_share_pct(
        d, LATEST_YEAR, form_fallback=fb
    ),
    FL_SHARE_CHANGE: lambda d, panel, fb, pop: _fl_share_change_pp(d, "exclude"),
    **{
        f"other forms share {y} (%)": (
            lambda d, panel, fb, pop, y=y: headline.form_share_pct(d, OTHER_FORMS, y)
        )
        for y in sorted(OTHER_FORMS_YEARS, reverse=True)
    },
}
"""Every headline figure of chapters 02, 03 and 08 as ``func(data, panel, form_fallback,
population)``, by label (used through :func:`rule_figures`)."""

CHAPTER_RULE_FIGURES: dict[str, tuple[str, ...]] = {
    "02": (FL_SHARE, SE_SHARE, FL_SHARE_POPWEIGHTED, FL_VICTIMS_CHANGE, EU_FL_SHARE),
    "03": CHAPTER_FIGURES["03"],
    "08": (FL_SHARE, SE_SHARE, CHILDREN_SHARE, FL_VICTIMS_CHANGE, FL_SHARE_CHANGE),
}
"""Labels of :data:`RULE_FIGURES` in each chapter's rule-switch table."""
