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

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from tiptrends.io.citizenship import classify_domestic, map_citizenship
from tiptrends.io.countries import EU27, country_table
from tiptrends.methods import aggregate, headline
from tiptrends.methods.eu_figures import (
    eu_subset,
    eurostat_form_shares,
    published_annual,
)
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

#: Eurostat form keys (figure_id fragments) -> UNODC form labels.


YEARS = range(2003, 2023)
"""Years of the member-state status table (all years of the 2025 release)."""

RECENT_YEARS = range(2019, 2023)
"""Years in which member states that did not report are listed."""

LATEST_YEAR = 2022
"""Latest year of the 2025 release."""

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
    totals = eu_subset(aggregate.country_year_counts(glotip))
    upper = eu_subset(aggregate.country_year_counts(glotip, suppressed="upper"))
    series = aggregate.aggregate_total(totals).set_index("year")
    series["upper (<5 = 4)"] = aggregate.aggregate_total(upper).set_index("year")["total"]
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
    counts = eu_subset(aggregate.country_year_counts(glotip, CONVICTED))
    series = aggregate.aggregate_total(counts).set_index("year")
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
        ``country, year`` (as text), ``check``, ``breakdown_sum``, ``total``, ``excess``.
    """
    recent = checks[checks["year"] >= first_year]
    cols = ["country", "year", "check", "breakdown_sum", "total", "excess"]
    return recent[cols].astype({"year": str}).reset_index(drop=True)


def member_names(iso3: Iterable[str]) -> list[str]:
    """Short names of member states (:func:`tiptrends.io.countries.country_table`), in order."""
    names = country_table().set_index("iso3")["name_short"]
    return [str(names.get(code, code)) for code in iso3]


COMPARISON_SCALES = {
    "Victims 2022 (thousands)": 1e-3,
    "Children 2022 (%)": 1,
    "Forced labour 2021 (%)": 1,
    "Women and girls 2022 (%)": 1,
    "EU citizens 2022 (%)": 1,
    "Convicted 2022 (hundreds)": 1e-2,
    "Victims per million 2022": 1,
}
"""Labels and scale factors of the published-vs-reproduced figure, in comparison order."""


def scaled_comparisons(comparisons: Sequence, scales: dict[str, float]) -> pd.DataFrame:
    """Published and reproduced values scaled to their labels' units, one row per comparison.

    Parameters
    ----------
    comparisons : sequence
        Objects with ``published`` and ``reproduced`` (e.g. the chapter's comparisons), in
        the order of ``scales``.
    scales : dict
        Label -> factor (e.g. :data:`COMPARISON_SCALES`).

    Returns
    -------
    DataFrame
        ``label, published, reproduced``.

    Raises
    ------
    ValueError
        If there are not as many comparisons as labels.
    """
    if len(comparisons) != len(scales):
        raise ValueError(f"{len(comparisons)} comparisons for {len(scales)} labels")
    pairs = zip(comparisons, scales.values(), strict=True)
    return pd.DataFrame(
        [(c.published * f, c.reproduced * f) for c, f in pairs], columns=["published", "reproduced"]
    ).assign(label=list(scales))[["label", "published", "reproduced"]]


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
    out = {}
    for label, table in tables.items():
        totals = eu_subset(aggregate.country_year_counts(table))
        out[label] = aggregate.aggregate_total(totals).set_index("year")["total"].reindex(years)
    return pd.DataFrame(out).rename_axis("year")


def sensitivity_figures(report_basis: pd.DataFrame) -> dict[str, Callable[..., float]]:
    """The chapter's recorded figures as functions of the rule switches.

    Each takes ``data`` (default ``report_basis``) and ``form_fallback`` (default True) and
    ignores switches it does not use; for :func:`tiptrends.methods.sensitivity.rule_switches`.
    """

    def victims(data: pd.DataFrame = report_basis, **_: object) -> float:
        return float(totals_by_basis({"v": data}, [LATEST_YEAR]).iloc[0, 0])

    def children(
        data: pd.DataFrame = report_basis, form_fallback: bool = True, **_: object
    ) -> float:
        return headline.children_share_pct(
            eu_subset(data), LATEST_YEAR, form_fallback=form_fallback
        )

    return {
        f"EU-27 detected victims, {LATEST_YEAR}": victims,
        f"EU-27 children, share of victims of known sex and age, {LATEST_YEAR} (%)": children,
    }
