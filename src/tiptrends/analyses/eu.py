"""The European Union in the UNODC data, set against Eurostat and European Commission figures.

The EU is :data:`tiptrends.io.countries.EU27`: the current 27 member states (after the United
Kingdom left on 1 February 2020), applied to every year. Sums for years before 2020 are
therefore *not* the EU of that year (no United Kingdom before 2020, Croatia counted before it
joined in 2013).

Two sources of EU figures meet here:

* the UNODC GLOTIP country data (*detected* victims, as reported by each member state to
  UNODC; a member state may be missing in a year or report a suppressed ``"<5"``);
* Eurostat and the European Commission (*registered* victims, identified and presumed,
  collected by Eurostat from the member states), available in this project only as the
  published headline figures of ``data/published/figures.csv`` (rows ``eurostat_*`` and
  ``ec*_``).

Every function is pure: it takes the curated GLOTIP table, a counts table or the
published-figures table and returns a new frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tiptrends import settings
from tiptrends.io import published as pub
from tiptrends.io.citizenship import classify_domestic, map_citizenship
from tiptrends.io.countries import EU27, country_table
from tiptrends.methods import aggregate, figures, headline
from tiptrends.methods.diagnostics import consistency_checks
from tiptrends.methods.eu_figures import (
    eu_subset,
    eurostat_form_shares,
    published_annual,
)
from tiptrends.methods.figures.eu import totals_by_year
from tiptrends.methods.sensitivity import BASIS_SWITCH_LABELS, BASIS_SWITCHES
from tiptrends.vocab import (
    CONVICTED,
    DIM_CITIZENSHIP,
    DIM_FORM,
    DIM_TOTAL,
    FORCED_LABOUR,
    FORMS,
    OTHER_FORMS,
    SEXUAL,
    TOTAL,
    VICTIMS,
)

#: Status of a member state's figure in a year (see :func:`member_state_status`).
REPORTED, SUPPRESSED, MISSING = "reported", "<5 only", "missing"

#: Citizenship groups of :func:`citizenship_split`, in display order.
CITIZENSHIP_GROUPS = ("own country", "other EU", "non-EU", "foreign, not specified", "unknown")

YEARS = range(settings.FIRST_YEAR, settings.LATEST_YEAR + 1)
"""Years of the member-state status table (all years of the 2025 release)."""

RECENT_YEARS = range(settings.BASE_YEAR, settings.LATEST_YEAR + 1)
"""Years in which member states that did not report are listed."""

LATEST_YEAR = settings.LATEST_YEAR

TABLE_FROM = 2015
"""First year shown in the comparison tables."""

PLOT_FROM = 2008
"""First year drawn in the figures."""

CITIZENSHIP_FROM = 2013
"""First year of the citizenship figure (few member states report citizenship before)."""

CONVICTED_FROM = 2017
"""First year shown in the convictions table."""

CHILDREN_POOLED_YEARS = (2021, 2022)
"""The Commission's period for the children share (2021-2022 pooled)."""

LEAVE_OUT = "ITA"
"""Member state left out in the children sensitivity (Italy's 2022 jump in boys and men)."""

UNODC_LABEL = "UNODC detected (EU-27 sum)"
"""Label of the UNODC series in the victims figure."""

FORM_ORDER = (SEXUAL, FORCED_LABOUR, OTHER_FORMS)
"""Forms in table order."""

EUROSTAT_CITIZENSHIP = {
    "own country": "citizens_reporting_country_share",
    "other EU": "citizens_other_eu_share",
    "non-EU": "citizens_non_eu_share",
    "EU citizens": "eu_citizens_share",
}
"""Citizenship groups -> Eurostat measure (figure-id fragment, percent)."""


# --------------------------------------------------------------------------- UNODC side


def member_state_status(
    df: pd.DataFrame,
    years: Sequence[int],
    indicator: str = VICTIMS,
    members: Iterable[str] = EU27,
) -> pd.DataFrame:
    """Whether each member state reports a total in each year.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    years : sequence of int
        Years to tabulate.
    indicator : str
        Indicator whose country total (sex Total, age Total) is looked at.
    members : iterable of str
        Member states (ISO3).

    Returns
    -------
    DataFrame
        Index ``iso3`` (all members, sorted), one column per year with :data:`REPORTED`
        (a published number), :data:`SUPPRESSED` (only ``"<5"``) or :data:`MISSING`.
    """
    members = sorted(set(members))
    rows = df[
        (df["indicator"] == indicator)
        & (df["dimension"] == DIM_TOTAL)
        & (df["category"] == TOTAL)
        & (df["sex"] == TOTAL)
        & (df["age"] == TOTAL)
        & df["year"].isin(list(years))
    ]
    rows = eu_subset(rows, members)
    g = rows.groupby(["iso3", "year"])
    has_value = g["value"].apply(lambda s: s.notna().any())
    status = has_value.map({True: REPORTED, False: SUPPRESSED}).unstack("year")
    status = status.reindex(index=members, columns=list(years)).fillna(MISSING)
    status.columns.name = "year"
    return status


def status_counts(status: pd.DataFrame) -> pd.DataFrame:
    """Number of member states per status and year (from :func:`member_state_status`).

    Returns
    -------
    DataFrame
        Index year, columns :data:`REPORTED`, :data:`SUPPRESSED`, :data:`MISSING`.
    """
    out = status.apply(lambda c: c.value_counts()).T.reindex(
        columns=[REPORTED, SUPPRESSED, MISSING]
    )
    return out.fillna(0).astype("int64")


def completed_totals(df: pd.DataFrame, indicator: str = VICTIMS) -> pd.DataFrame:
    """Country totals completed from their own breakdowns where the total is short.

    Some countries publish a total that is missing, suppressed or smaller than the sum of
    its own breakdowns (e.g. a ``"<5"`` total next to sex x age counts in the hundreds).
    The completed total is the largest of: the published total, the sum of the three
    forms, and the sum of the sex x age groups (women, men, girls, boys and other-sex
    children / adults). Suppressed cells count as missing throughout.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table (any countries; every country-year with a figure gets a row).
    indicator : str
        Indicator whose totals are completed (default detected victims).

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year, Total, form_sum, sex_age_sum,
        completed, source`` where ``source`` says which of ``"total"``, ``"forms"``,
        ``"sex_age"`` gave the completed value (ties go to the total).
    """
    tot = aggregate.country_year_counts(df, indicator)
    forms = aggregate.country_year_counts(df, indicator, DIM_FORM, with_total=False)
    sa = aggregate.country_year_counts(df, indicator, aggregate.SEX_AGE, with_total=False)
    keys = ["iso3", "year"]
    f = forms[keys].assign(form_sum=forms[list(FORMS)].sum(axis=1, min_count=1))
    sa_cols = aggregate.category_columns(sa)
    s = sa[keys].assign(sex_age_sum=sa[sa_cols].sum(axis=1, min_count=1))
    ids = list(aggregate.ID_COLUMNS)
    meta = pd.concat([tot[ids], forms[ids], sa[ids]]).drop_duplicates(keys)
    out = meta.merge(tot[[*keys, TOTAL]], on=keys, how="left")
    out = out.merge(f, on=keys, how="left").merge(s, on=keys, how="left")
    cand = out[[TOTAL, "form_sum", "sex_age_sum"]]
    out["completed"] = cand.max(axis=1, skipna=True)
    filled = cand.fillna(-np.inf).to_numpy()
    which = np.array(["total", "forms", "sex_age"])[filled.argmax(axis=1)]
    out["source"] = np.where(out["completed"].notna(), which, None)
    return out.sort_values(keys).reset_index(drop=True)


def citizenship_split(
    df: pd.DataFrame, indicator: str = VICTIMS, members: Iterable[str] = EU27
) -> pd.DataFrame:
    """Victims in member states by citizenship group, per year (Eurostat's grouping).

    Citizenship rows (sex Total, age Total) are classified with
    :func:`tiptrends.io.citizenship.classify_domestic` and then split as Eurostat does:
    citizens of the reporting member state (``"own country"``), of another member state
    (``"other EU"``), of a non-member country (``"non-EU"``); foreigners whose country the
    row does not name (regional residuals such as "Africa") are ``"foreign, not
    specified"``; the rest ``"unknown"``. Suppressed cells count as missing.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table; only its citizenship rows of ``members`` enter.
    indicator : str
        Indicator counted (default detected victims).
    members : iterable of str
        Member states (ISO3); also defines "other EU".

    Returns
    -------
    DataFrame
        Long: ``year, group, victims, n_countries, share_pct`` where ``share_pct`` is the
        group's share of victims with a known group (own + other EU + non-EU + foreign not
        specified) and ``n_countries`` the number of member states with any citizenship
        count that year.
    """
    members = set(members)
    rows = df[
        (df["indicator"] == indicator)
        & (df["dimension"] == DIM_CITIZENSHIP)
        & (df["sex"] == TOTAL)
        & (df["age"] == TOTAL)
    ]
    rows = eu_subset(rows, members)
    cols = ["year", "group", "victims", "n_countries", "share_pct"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    mapped = map_citizenship(rows)
    origin = classify_domestic(mapped)
    cit = mapped["citizenship_iso3"]
    group = np.select(
        [
            origin == "domestic",
            (origin == "foreign") & cit.isin(members),
            (origin == "foreign") & cit.notna(),
            origin == "foreign",
        ],
        list(CITIZENSHIP_GROUPS[:4]),
        default="unknown",
    )
    mapped = mapped.assign(group=group)
    mapped = mapped[mapped["value"].notna()]
    victims = mapped.pivot_table(
        index="year", columns="group", values="value", aggfunc="sum", fill_value=0.0
    ).reindex(columns=list(CITIZENSHIP_GROUPS), fill_value=0.0)
    n = mapped.groupby("year")["iso3"].nunique()
    known = victims[list(CITIZENSHIP_GROUPS[:4])].sum(axis=1)
    long = victims.stack().rename("victims").reset_index()
    long.columns = ["year", "group", "victims"]
    long["n_countries"] = long["year"].map(n).astype("int64")
    share = 100 * long["victims"] / long["year"].map(known)
    long["share_pct"] = share.where(long["group"] != "unknown")
    return long[cols].sort_values(["year", "group"], key=_group_order).reset_index(drop=True)


def _group_order(s: pd.Series) -> pd.Series:
    if s.name == "group":
        return s.map({g: i for i, g in enumerate(CITIZENSHIP_GROUPS)})
    return s


def side_by_side(
    unodc: pd.Series, eurostat: pd.Series, names: tuple[str, str] = ("UNODC", "Eurostat")
) -> pd.DataFrame:
    """Two annual series side by side with their gap.

    Parameters
    ----------
    unodc, eurostat : Series
        Values indexed by year.
    names : tuple of str
        Column names for the two series.

    Returns
    -------
    DataFrame
        Index year (union of both), columns the two names, ``gap`` (first minus second)
        and ``gap_pct`` (gap as % of the second).
    """
    a, b = names
    out = pd.concat([unodc.rename(a), eurostat.rename(b)], axis=1).sort_index()
    out.index.name = "year"
    out["gap"] = out[a] - out[b]
    out["gap_pct"] = 100 * out["gap"] / out[b]
    return out


def _years(years: Sequence[int]) -> str:
    """Years in prose: ``2020``, ``2020 and 2022``, ``2020, 2021 and 2022``."""
    words = [str(y) for y in years]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def higher_years(gaps: pd.DataFrame) -> str:
    """Say in which years both sources cover the second source's count is the higher one.

    Parameters
    ----------
    gaps : DataFrame
        :func:`side_by_side` output (``gap`` is the first source minus the second).

    Returns
    -------
    str
        A sentence true for every year shown, e.g. "Eurostat's count is the higher in 2020
        and 2022 and the lower in 2021." (the second source's name is Eurostat's).

    Examples
    --------
    >>> t = side_by_side(pd.Series({2020: 1.0, 2021: 9.0}), pd.Series({2020: 5.0, 2021: 5.0}))
    >>> higher_years(t)
    "Eurostat's count is the higher in 2020 and the lower in 2021."
    >>> higher_years(t.loc[[2020]])
    "Eurostat's count is the higher in every year both sources cover (2020)."
    """
    both = gaps["gap"].dropna()
    higher = [int(y) for y in both.index[both < 0]]
    lower = [int(y) for y in both.index[both > 0]]
    if not lower:
        return f"Eurostat's count is the higher in every year both sources cover ({_years(higher)})."
    if not higher:
        return f"Eurostat's count is the lower in every year both sources cover ({_years(lower)})."
    return f"Eurostat's count is the higher in {_years(higher)} and the lower in {_years(lower)}."


SHARE_SCALES = {
    "eu_children_share_2022_pct": ("Children 2022", 1),
    "eu_forced_labour_share_2021_pct": ("Forced labour 2021", 1),
    "eu_women_girls_share_2022_pct": ("Women and girls 2022", 1),
    "eu_citizens_share_2022_pct": ("EU citizens 2022", 1),
}
"""The shares (%) of the published-vs-reproduced figure: one unit on its axis."""


# --------------------------------------------------------------------------- chapter tables
def victims_series(glotip: pd.DataFrame, eu_rows: pd.DataFrame) -> pd.DataFrame:
    """EU-27 sum of detected victims per year under three treatments of short totals.

    Parameters
    ----------
    glotip : DataFrame
        Curated GLOTIP table.
    eu_rows : DataFrame
        Its member-state rows (:func:`tiptrends.methods.eu_figures.eu_subset`).

    Returns
    -------
    DataFrame
        Index ``year``; ``total`` and ``n_countries`` (:func:`aggregate.aggregate_total`,
        ``"<5"`` excluded), ``upper (<5 = 4)`` and ``completed`` (sum of
        :func:`completed_totals`).
    """
    series = totals_by_year(glotip)
    series["upper (<5 = 4)"] = totals_by_year(glotip, suppressed="upper")["total"]
    series["completed"] = completed_totals(eu_rows).groupby("year")["completed"].sum()
    return series


def reporting_rate_per_million(glotip: pd.DataFrame, population: pd.Series, year: int) -> float:
    """Victims per million inhabitants of the member states that published a total in ``year``.

    Parameters
    ----------
    glotip : DataFrame
        Curated GLOTIP table.
    population : Series
        Population by ISO3.
    year : int
    """
    totals = eu_subset(aggregate.country_year_counts(glotip))
    reporting = totals[(totals["year"] == year) & totals[TOTAL].notna()]
    return float(reporting[TOTAL].sum() / population.reindex(reporting["iso3"]).sum() * 1e6)


def eurostat_shares(published: pd.DataFrame, measures: dict[str, str]) -> pd.DataFrame:
    """Published Eurostat percentages by year, one column per label of ``measures``.

    Parameters
    ----------
    published : DataFrame
        The published-figures table.
    measures : dict
        Column label -> measure (``eurostat_{measure}_{YYYY}_pct``).
    """
    return pd.DataFrame(
        {label: published_annual(published, "eurostat", m, "_pct") for label, m in measures.items()}
    )


def form_table(
    eu_excl: pd.DataFrame, eu_rows: pd.DataFrame, published: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Forms of exploitation in the EU: UNODC pooled shares against Eurostat's.

    Parameters
    ----------
    eu_excl, eu_rows : DataFrame
        Member-state rows with and without the collection's exclusions.
    published : DataFrame
        The published-figures table.

    Returns
    -------
    shares : DataFrame
        :func:`aggregate.shares_by_year` of the forms (exclusions applied) with ``share_pct``.
    eurostat : DataFrame
        Index year, one column per form: Eurostat's published share, else the share of its
        published counts (:func:`tiptrends.methods.eu_figures.eurostat_form_shares`).
    table : DataFrame
        Index year: ``UNODC <form>`` shares, ``UNODC countries``, ``UNODC forced labour, no
        exclusions`` and ``Eurostat <form>`` (%).
    """
    shares = aggregate.shares_by_year(eu_excl, DIM_FORM)
    shares["share_pct"] = 100 * shares["share"]
    raw = aggregate.shares_by_year(eu_rows, DIM_FORM)
    measures = {SEXUAL: "sexual_exploitation_share", FORCED_LABOUR: "forced_labour_share"}
    published_shares = eurostat_shares(published, measures | {OTHER_FORMS: "other_forms_share"})
    from_counts = eurostat_form_shares(published).pivot(
        index="year", columns="category", values="share_pct"
    )
    eurostat = published_shares.combine_first(from_counts)[list(FORM_ORDER)]
    wide = shares.pivot(index="year", columns="category", values="share_pct")[list(FORM_ORDER)]
    table = wide.add_prefix("UNODC ")
    table["UNODC countries"] = shares.groupby("year")["n_countries"].first()
    forced = raw[raw["category"] == FORCED_LABOUR].set_index("year")["share"]
    table["UNODC forced labour, no exclusions"] = 100 * forced
    return shares, eurostat, table.join(eurostat.add_prefix("Eurostat "), how="outer")


def sex_age_table(
    eu_excl: pd.DataFrame,
    eu_rows: pd.DataFrame,
    published: pd.DataFrame,
    *,
    form_fallback: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sex and age of EU victims: UNODC pooled shares with alternatives, and Eurostat's.

    Parameters
    ----------
    eu_excl : DataFrame
        Member-state rows of the data basis (exclusions applied).
    eu_rows : DataFrame
        The same rows without exclusions (alternative "no exclusions").
    published : DataFrame
        The published-figures table.
    form_fallback : bool
        Read a country-year's sex x age split from its form x sex x age cells where its
        total has none (:func:`tiptrends.methods.headline.sex_age_counts`; Portugal 2015
        among the member states).

    Returns
    -------
    shares : DataFrame
        :func:`aggregate.shares_by_year` by sex x age (exclusions applied) with ``share_pct``.
    table : DataFrame
        Index year: one column per group (%), ``women and girls``, ``countries``,
        ``children (denominator: total)``, ``children (no exclusions)`` and ``Eurostat
        women and girls``.
    """
    counts = headline.sex_age_counts(eu_excl, form_fallback=form_fallback)
    shares = aggregate.shares_by_year(counts, aggregate.SEX_AGE)
    shares["share_pct"] = 100 * shares["share"]
    table = shares.pivot(index="year", columns="category", values="share_pct")
    table["women and girls"] = table["women"] + table["girls"]
    table["countries"] = shares.groupby("year")["n_countries"].first()
    children = {"categories": ["children"]}
    over_total = aggregate.shares_by_year(counts, aggregate.SEX_AGE, denominator="all", **children)
    no_excl = aggregate.shares_by_year(
        headline.sex_age_counts(eu_rows, form_fallback=form_fallback), aggregate.SEX_AGE, **children
    )
    table["children (denominator: total)"] = over_total.set_index("year")["share"] * 100
    table["children (no exclusions)"] = no_excl.set_index("year")["share"] * 100
    table["Eurostat women and girls"] = published_annual(
        published, "eurostat", "women_girls_share", "_pct"
    )
    return shares, table


def children_pooled_pct(eu_excl: pd.DataFrame, years: Iterable[int]) -> float:
    """Children's share (%) of EU victims with known sex and age, pooled over ``years``."""
    counts = aggregate.country_year_counts(eu_excl, dimension=aggregate.SEX_AGE, with_total=False)
    units = aggregate.share_inputs(
        counts, ["girls", "boys"], known=["women", "men", "girls", "boys"]
    )
    units = units[units["year"].isin(list(years))]
    return float(100 * units["num"].sum() / units["den"].sum())


def children_without(eu_excl: pd.DataFrame, iso3: str, years: Iterable[int]) -> pd.DataFrame:
    """Children's share with and without one member state, and that state's own share.

    Parameters
    ----------
    eu_excl : DataFrame
        Member-state rows (exclusions applied); sex x age read with the form fallback of
        :func:`tiptrends.methods.headline.sex_age_counts`.
    iso3 : str
        The member state left out.
    years : iterable of int

    Returns
    -------
    DataFrame
        Index year; ``all member states``, ``without <iso3>`` (pooled children's shares of
        victims with known sex and age, %), ``<iso3> victims of known sex and age`` and
        ``<iso3> children (%)``.
    """
    years = list(years)

    def pooled(rows: pd.DataFrame) -> pd.Series:
        counts = headline.sex_age_counts(rows)
        shares = aggregate.shares_by_year(counts, aggregate.SEX_AGE, categories=["children"])
        return 100 * shares.set_index("year")["share"].reindex(years)

    counts = headline.sex_age_counts(eu_excl)
    own = counts[counts["iso3"] == iso3].set_index("year").reindex(years)
    known = own[["women", "men", "girls", "boys"]].sum(axis=1, min_count=1)
    children = own[["girls", "boys"]].sum(axis=1, min_count=1)
    return pd.DataFrame(
        {
            "all member states": pooled(eu_excl),
            f"without {iso3}": pooled(eu_excl[eu_excl["iso3"] != iso3]),
            f"{iso3} victims of known sex and age": known,
            f"{iso3} children (%)": 100 * children / known,
        }
    ).rename_axis("year")


def citizenship_table(eu_rows: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Citizenship groups of EU victims (UNODC, %) next to Eurostat's published shares.

    Returns
    -------
    DataFrame
        Index year: the groups of :func:`citizenship_split` with a share, ``EU citizens (own
        + other EU)``, ``member states`` and ``Eurostat <group>`` (%).
    """
    split = citizenship_split(eu_rows)
    known = split[split["group"] != "unknown"]
    table = known.pivot(index="year", columns="group", values="share_pct")
    table = table[[g for g in CITIZENSHIP_GROUPS if g in table.columns]]
    table["EU citizens (own + other EU)"] = table["own country"] + table["other EU"]
    table["member states"] = split.groupby("year")["n_countries"].first()
    eurostat = eurostat_shares(published, EUROSTAT_CITIZENSHIP).add_prefix("Eurostat ")
    return table.join(eurostat, how="outer")


def convicted_table(glotip: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Persons convicted in the EU: UNODC sum against Eurostat's convicted and suspects.

    Returns
    -------
    DataFrame
        Index year: ``UNODC convicted``, ``Eurostat convicted``, ``gap``, ``gap_pct``
        (:func:`side_by_side`), ``UNODC countries`` and ``Eurostat suspects``.
    """
    series = totals_by_year(glotip, CONVICTED)
    eurostat = published_annual(published, "eurostat", "convicted")
    table = side_by_side(series["total"], eurostat, ("UNODC convicted", "Eurostat convicted"))
    table["UNODC countries"] = series["n_countries"]
    table["Eurostat suspects"] = published_annual(published, "eurostat", "suspects")
    return table


COLUMN_NAMES = {
    "gap": "Gap",
    "gap_pct": "Gap (% of Eurostat)",
    "n_countries": "Member states",
    "completed": "Completed totals",
    "country": "Member state",
    "year": "Year",
    "check": "Check",
    "breakdown_sum": "Sum of breakdown",
    "total": "Published total",
    "excess": "Excess",
}
"""Readable column names for the chapter's tables."""


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """Rename the columns of a chapter table to :data:`COLUMN_NAMES` (others unchanged)."""
    return table.rename(columns=COLUMN_NAMES)


def short_totals(checks: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """Consistency findings from ``first_year`` on, for people (largest excess first).

    Parameters
    ----------
    checks : DataFrame
        :func:`tiptrends.methods.diagnostics.consistency_checks` output.
    first_year : int

    Returns
    -------
    DataFrame
        ``country, year`` (as text), ``check`` (in words, :data:`CHECK_LABELS`),
        ``breakdown_sum``, ``total``, ``excess``.
    """
    recent = checks[checks["year"] >= first_year]
    cols = ["country", "year", "check", "breakdown_sum", "total", "excess"]
    out = recent[cols].astype({"year": str}).reset_index(drop=True)
    return out.assign(check=out["check"].map(lambda c: CHECK_LABELS.get(c, c)))


CHECK_LABELS = {
    "form_sum_exceeds_total": "Forms add up to more than the total",
    "sex_age_sum_exceeds_total": "Sex and age groups add up to more than the total",
}
"""Consistency checks in words (the table's ``check`` column)."""


def member_names(iso3: Iterable[str]) -> list[str]:
    """Short names of member states (:func:`tiptrends.io.countries.country_table`), in order."""
    names = country_table().set_index("iso3")["name_short"]
    return [str(names.get(code, code)) for code in iso3]


COMPARISON_SCALES = {
    "eu_victims_2022": ("Victims 2022 (thousands)", 1e-3),
    "eu_children_share_2022_pct": ("Children 2022 (%)", 1),
    "eu_forced_labour_share_2021_pct": ("Forced labour 2021 (%)", 1),
    "eu_women_girls_share_2022_pct": ("Women and girls 2022 (%)", 1),
    "eu_citizens_share_2022_pct": ("EU citizens 2022 (%)", 1),
    "eu_convicted_2022": ("Convicted 2022 (hundreds)", 1e-2),
    "eu_victims_per_million_2022": ("Victims per million 2022", 1),
}
"""Results key -> label and scale factor of the published-vs-reproduced figure, in order."""


def scaled_comparisons(
    comparisons: Sequence, scales: Mapping[str, tuple[str, float]] = COMPARISON_SCALES
) -> pd.DataFrame:
    """Published and reproduced values scaled to their labels' units, in the order of ``scales``.

    Parameters
    ----------
    comparisons : sequence
        Objects with ``key`` (a trailing " (not recorded)" is ignored), ``published`` and
        ``reproduced``; those whose key is not in ``scales`` are left out.
    scales : mapping
        Key -> (label, factor).

    Returns
    -------
    DataFrame
        ``label, published, reproduced``.
    """
    by_key = {c.key.removesuffix(" (not recorded)"): c for c in comparisons}
    rows = [
        (label, by_key[k].published * f, by_key[k].reproduced * f)
        for k, (label, f) in scales.items()
        if k in by_key
    ]
    return pd.DataFrame(rows, columns=["label", "published", "reproduced"])


def totals_by_basis(tables: Mapping[str, pd.DataFrame], years: Iterable[int]) -> pd.DataFrame:
    """EU-27 sum of detected victims per year on each data basis, side by side.

    Parameters
    ----------
    tables : mapping
        Label -> curated GLOTIP table (e.g. nothing excluded, exclusions without repairs,
        the report basis, the current release).
    years : iterable of int

    Returns
    -------
    DataFrame
        Index year; one column per label (``"<5"`` totals add nothing, as in
        :func:`victims_series`).
    """
    years = list(years)
    out = {label: totals_by_year(table)["total"].reindex(years) for label, table in tables.items()}
    return pd.DataFrame(out).rename_axis("year")


# --------------------------------------------------------------------------- the chapter
RECORDED = ("eu_victims_2022", "eu_victims_2021", "eu_convicted_2022", "eu_children_share_2022_pct")
"""Figures the chapter records with their published counterparts (both data bases)."""

COUNTED = ("eu_reporting_states_2022", "eu_convicting_states_2022")
"""Numbers of member states recorded beside the totals (no published counterpart)."""

SWITCHES = {
    **BASIS_SWITCHES,
    "no form fallback": {"form_fallback": False},
}
"""The rule switches of the chapter's switch table."""

SWITCH_LABELS = {
    **BASIS_SWITCH_LABELS,
    "no form fallback": "No form fallback",
}
"""Plain names of the rule-switch table's columns (:data:`SWITCHES` labels -> words)."""



@dataclass
class Results:
    """Everything chapter 06 shows: tables, series, comparisons and the numbers it glues."""

    release: str
    status: pd.DataFrame
    status_counts: pd.DataFrame
    not_reporting: pd.DataFrame
    short_totals: pd.DataFrame
    series: pd.DataFrame
    eurostat_total: pd.Series
    victims: pd.DataFrame
    forms: pd.DataFrame
    eurostat_forms: pd.DataFrame
    form_table: pd.DataFrame
    sex_age: pd.DataFrame
    sex_age_table: pd.DataFrame
    italy: pd.DataFrame
    citizenship: pd.DataFrame
    citizenship_table: pd.DataFrame
    convicted_table: pd.DataFrame
    by_basis: pd.DataFrame
    switches: pd.DataFrame
    reasons: dict[str, tuple[str, str]] = field(default_factory=dict)
    comparisons: list[tuple[str, float, str, str]] = field(default_factory=list)
    glue: dict[str, dict[str, object]] = field(default_factory=dict)


def results() -> Results:
    """Chapter 06 on the cached data bases of :mod:`tiptrends.methods.figures`."""
    raw, bases = figures.glotip(settings.CURRENT_RELEASE), figures.data_bases()
    published = pub.load_published()
    eu_raw, eu_excl = eu_subset(raw), eu_subset(bases.report_basis)
    latest = LATEST_YEAR
    status = member_state_status(raw, list(YEARS))
    recent = status[list(RECENT_YEARS)]
    not_reporting = recent[(recent != REPORTED).any(axis=1)]
    series = victims_series(bases.report_basis, eu_raw)
    eurostat_total = published_annual(published, "eurostat", "victims_total")
    sbs = side_by_side(series["total"], eurostat_total, ("UNODC detected", "Eurostat registered"))
    sbs = sbs.join(series[["n_countries", "upper (<5 = 4)", "completed"]])
    forms, eurostat_forms, form_tab = form_table(eu_excl, eu_raw, published)
    sex_age, sa_tab = sex_age_table(eu_excl, eu_raw, published)
    italy = children_without(eu_excl, LEAVE_OUT, range(TABLE_FROM, latest + 1))
    cit_tab = citizenship_table(eu_raw, published)
    conv_tab = convicted_table(bases.report_basis, published)
    tables = {
        "as published": raw,
        "reproduction": bases.report_basis,
        "re-analysis": bases.current_release,
        "re-analysis, repairs from 2023": figures.table("current", repair=True),
    }
    by_basis = totals_by_basis(tables, RECENT_YEARS)
    per_million = reporting_rate_per_million(raw, figures.gsi_population(), latest)
    value = figures.value
    n22, n_conv = int(value("eu_reporting_states_2022")), int(value("eu_convicting_states_2022"))
    child_pooled = children_pooled_pct(eu_excl, CHILDREN_POOLED_YEARS)
    no_ita = italy[f"without {LEAVE_OUT}"]
    names = {
        s: ", ".join(member_names(sorted(status.index[status[latest] == s])))
        for s in (SUPPRESSED, MISSING)
    }
    fl, from_counts = form_tab[f"UNODC {FORCED_LABOUR}"], eurostat_forms[FORCED_LABOUR]
    eu_ids = [f for f in published["figure_id"] if f.startswith(("eurostat_", "ec5_"))]
    reasons = {
        "eu_victims_2022": (
            f"Different counts: UNODC detected victims summed over the {n22} member states with a "
            "published 2022 total (Czechia missing, Germany \"<5\" although its breakdowns count over "
            "a thousand); Eurostat registered victims (identified and presumed) of all member "
            f"states. Completed totals (breakdowns where the total is short) give "
            f"{series.at[latest, 'completed']:,.0f}.",
            figures.basis_difference("eu_victims_2022"),
        ),
        "eu_victims_2021": (
            f"Different counts, as for 2022: {int(series.at[latest - 1, 'n_countries'])} member "
            "states with a published 2021 total.",
            figures.basis_difference("eu_victims_2021"),
        ),
        "eu_convicted_2022": (
            f"Different reporting channels: UNODC persons convicted summed over the {n_conv} "
            "member states with a published total; Eurostat's convicted persons of all member states.",
            figures.basis_difference("eu_convicted_2022"),
        ),
        "eu_children_share_2022_pct": (
            "Different period and count: ours is 2022 only, UNODC detected victims with known sex "
            f"and age (2021-2022 pooled: {child_pooled:.1f}%; 2022 without Italy: "
            f"{no_ita[latest]:.1f}%); the Commission's is 2021-2022 registered victims.",
            figures.basis_difference("eu_children_share_2022_pct"),
        ),
    }
    comparisons = [
        (
            "eu_forced_labour_share_2021_pct (not recorded)",
            float(fl[latest - 1]),
            "eurostat_forced_labour_share_2021_pct",
            "Same year; UNODC pooled over the member states reporting forms, collection exclusions applied.",
        ),
        (
            "eu_women_girls_share_2022_pct (not recorded)",
            float(sa_tab.at[latest, "women and girls"]),
            "eurostat_women_girls_share_2022_pct",
            "Same year; UNODC known sex and age vs Eurostat registered.",
        ),
        (
            "eu_citizens_share_2022_pct (not recorded)",
            float(cit_tab.at[latest, "EU citizens (own + other EU)"]),
            "eurostat_eu_citizens_share_2022_pct",
            "Same year; UNODC covers fewer member states (citizenship).",
        ),
        (
            "eu_victims_per_million_2022 (not recorded)",
            per_million,
            "eurostat_victims_per_million_2022",
            "UNODC total over the population (WPP 2019, 2020 figures) of the reporting member states.",
        ),
    ]
    eurostat_fl = {f"eu_fl_eurostat_{y}": eurostat_forms.at[y, FORCED_LABOUR] for y in (2023, 2024)}
    glue = {
        "text": {
            "eu_release": str(raw["release"].iloc[0]),
            "eu_suppressed_2022": names[SUPPRESSED],
            "eu_missing_2022": names[MISSING],
            "eu_fig1_higher": higher_years(sbs.loc[: latest]),
        },
        "count": {
            "eu_n_figures": len(eu_ids),
            "eu_n_pages": len({pub.citation(f) for f in eu_ids}),
            "eu_victims_2022": value("eu_victims_2022"),
            "eu_states_2022": n22,
            "eu_eurostat_2022": eurostat_total[latest],
            "eu_gap_2022": -sbs.at[latest, "gap"],
            "eu_completed_2022": series.at[latest, "completed"],
            "eu_children_states": sa_tab.at[latest, "countries"],
            "eu_2021_raw": by_basis.at[latest - 1, "as published"],
            "eu_2021_current": value("eu_victims_2021", "current"),
            "eu_2021_repaired": value("eu_victims_2021", "current", repair=True),
            "eu_2021_basis": value("eu_victims_2021"),
            "eu_victims_2019": series.at[2019, "total"],
            "eu_states_2019": series.at[2019, "n_countries"],
            "eu_cit_states": cit_tab.at[latest, "member states"],
        },
        "pct": {
            "eu_gap_pct_2022": -sbs.at[latest, "gap_pct"],
            "eu_gap_pct_abs": abs(sbs.at[latest, "gap_pct"]),
            "eu_children_2022": value("eu_children_share_2022_pct"),
            "eu_children_2021": sa_tab.at[latest - 1, "children"],
            "eu_children_2021_2022": child_pooled,
            "eu_children_ec": pub.published_value("ec5_children_share_2021_2022_pct"),
            "eu_children_eurostat_2023": pub.published_value("eurostat_children_share_2023_pct"),
            **{f"eu_children_no_italy_{y}": no_ita[y] for y in (latest - 1, latest)},
            "eu_fl_2019": fl[2019],
            "eu_fl_2022": fl[latest],
            "eu_fl_eurostat_2022": from_counts[latest],
            **eurostat_fl,
            **{
                f"eu_cit_{g.replace(' ', '_').replace('-', '_').lower()}": cit_tab.at[latest, g]
                for g in ("own country", "other EU", "non-EU")
            },
        },
        "ratio": {
            "eu_per_million": per_million,
            "eu_per_million_eurostat": pub.published_value("eurostat_victims_per_million_2022"),
        },
    }
    return Results(
        release=str(raw["release"].iloc[0]),
        status=status,
        status_counts=status_counts(status).T.rename_axis("Status"),
        not_reporting=not_reporting.set_axis(member_names(not_reporting.index)).rename_axis(
            "Member state"
        ),
        short_totals=readable(short_totals(consistency_checks(eu_raw), RECENT_YEARS[0])),
        series=series,
        eurostat_total=eurostat_total,
        victims=readable(sbs.loc[TABLE_FROM:]).rename_axis("Year"),
        forms=forms,
        eurostat_forms=eurostat_forms,
        form_table=form_tab.loc[TABLE_FROM:].rename_axis("Year"),
        sex_age=sex_age,
        sex_age_table=sa_tab.loc[TABLE_FROM:].rename_axis("Year"),
        italy=italy.rename(columns=lambda c: c.replace(LEAVE_OUT, "Italy")),
        citizenship=citizenship_split(eu_raw),
        citizenship_table=cit_tab,
        convicted_table=readable(conv_tab.loc[CONVICTED_FROM:]).rename_axis("Year"),
        by_basis=by_basis.rename_axis("Year"),
        switches=figures.switch_table(RECORDED, SWITCHES)
        .rename(columns=SWITCH_LABELS)
        .rename_axis("Figure"),
        reasons=reasons,
        comparisons=comparisons,
        glue=glue,
    )
