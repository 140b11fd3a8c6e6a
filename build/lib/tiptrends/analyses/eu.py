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

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from tiptrends.io.citizenship import classify_domestic, map_citizenship
from tiptrends.io.countries import EU27
from tiptrends.methods import aggregate
from tiptrends.vocab import (
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
EUROSTAT_FORMS: dict[str, str] = {
    "sexual_exploitation": SEXUAL,
    "forced_labour": FORCED_LABOUR,
    "other_forms": OTHER_FORMS,
}


# --------------------------------------------------------------------------- UNODC side
def eu_subset(df: pd.DataFrame, members: Iterable[str] = EU27) -> pd.DataFrame:
    """Rows of the EU member states (non-aggregate rows whose ``iso3`` is a member).

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table or a counts table (needs ``iso3``; ``is_aggregate`` if present).
    members : iterable of str
        ISO3 codes of the member states (default the current EU-27, all years).

    Returns
    -------
    DataFrame
        The member states' rows (a copy).
    """
    keep = df["iso3"].isin(set(members))
    if "is_aggregate" in df.columns:
        keep &= ~df["is_aggregate"].astype(bool)
    return df[keep].copy()


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
        Curated GLOTIP table.
    indicator : str
        Indicator.

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
        Curated GLOTIP table.
    indicator : str
        Indicator.
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


# --------------------------------------------------------------------------- Eurostat side
def published_annual(
    published: pd.DataFrame, prefix: str, measure: str, suffix: str = ""
) -> pd.Series:
    """Annual series of one published measure, read from the figure ids.

    Picks rows whose ``figure_id`` is exactly ``{prefix}_{measure}_{YYYY}{suffix}``
    (so alternative figures ``..._alt_*`` and other vintages ``..._vintage*`` are left out).

    Parameters
    ----------
    published : DataFrame
        The published-figures table (:func:`tiptrends.io.published.load_published`).
    prefix : str
        Source prefix, e.g. ``"eurostat"``.
    measure : str
        Measure, e.g. ``"victims_total"`` or ``"forced_labour_share"``.
    suffix : str
        E.g. ``"_pct"`` for percentages.

    Returns
    -------
    Series
        Values indexed by year (int), sorted; name ``measure``.
    """
    pattern = re.compile(
        rf"^{re.escape(prefix)}_{re.escape(measure)}_(\d{{4}}){re.escape(suffix)}$"
    )
    years, values = [], []
    for fid, value in zip(published["figure_id"], published["value"], strict=True):
        m = pattern.match(str(fid))
        if m:
            years.append(int(m.group(1)))
            values.append(float(value))
    out = pd.Series(values, index=pd.Index(years, name="year"), name=measure, dtype=float)
    return out.sort_index()


def eurostat_form_shares(published: pd.DataFrame) -> pd.DataFrame:
    """Shares of the forms of exploitation in the EU computed from Eurostat's counts.

    For every year with published counts of all three forms (``eurostat_<form>_victims_<YYYY>``),
    the share of each form among victims with a known form, next to the share Eurostat
    published for that year where there is one (``eurostat_<form>_share_<YYYY>_pct``).

    Parameters
    ----------
    published : DataFrame
        The published-figures table.

    Returns
    -------
    DataFrame
        ``year, category, victims, share_pct, published_share_pct`` (category = UNODC form
        label), sorted by year and form order.
    """
    counts = pd.DataFrame(
        {
            EUROSTAT_FORMS[k]: published_annual(published, "eurostat", f"{k}_victims")
            for k in EUROSTAT_FORMS
        }
    ).dropna()
    pub_series = {
        EUROSTAT_FORMS[k]: published_annual(published, "eurostat", f"{k}_share", "_pct")
        for k in EUROSTAT_FORMS
    }
    pub = pd.DataFrame({k: v for k, v in pub_series.items() if len(v)})
    rows = []
    for year, r in counts.iterrows():
        den = float(r.sum())
        for cat in FORMS:
            p = pub.at[year, cat] if (year in pub.index and cat in pub.columns) else np.nan
            rows.append(
                {
                    "year": int(year),
                    "category": cat,
                    "victims": float(r[cat]),
                    "share_pct": 100 * float(r[cat]) / den,
                    "published_share_pct": p,
                }
            )
    return pd.DataFrame(
        rows, columns=["year", "category", "victims", "share_pct", "published_share_pct"]
    )


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
