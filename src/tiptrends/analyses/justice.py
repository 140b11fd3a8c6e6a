"""Criminal-justice chain (formal contact, prosecution, conviction) and perpetrator profiles.

Two sources:

* UNODC GLOTIP country counts of persons brought into formal contact with the police,
  prosecuted and convicted. Countries report each stage separately and in different years,
  so every ratio between stages (or with detected victims) is computed on **matched**
  countries: those reporting both quantities in the same year. The ratios are of counts in
  the same calendar year, not of a followed cohort (a person convicted in 2022 may have been
  prosecuted years before).
* The CTDC Global Victim-Perpetrator synthetic dataset (:func:`tiptrends.io.data.load_ctdc`):
  one record per victim-perpetrator link, with the perpetrator's role, sex and relation to
  the victim. These are synthetic, privacy-preserving records: the summaries here are
  marginal shares only and nothing may be used to re-identify anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tiptrends import settings
from tiptrends.io import data, exclusions, published
from tiptrends.methods import aggregate as ag
from tiptrends.methods import diagnostics, figures, panels
from tiptrends.methods.sensitivity import BASIS_SWITCH_LABELS, BASIS_SWITCHES
from tiptrends.vocab import (
    CONVICTED,
    DIM_TOTAL,
    FEMALE,
    FORMAL_CONTACT,
    MALE,
    OTHER_SEX,
    PROSECUTED,
    TOTAL,
    VICTIMS,
)

JUSTICE_INDICATORS = (FORMAL_CONTACT, PROSECUTED, CONVICTED)
"""The three stages of the justice chain, in order."""

SHORT_NAMES = {
    FORMAL_CONTACT: "formal_contact",
    PROSECUTED: "prosecuted",
    CONVICTED: "convicted",
    VICTIMS: "victims",
}
"""Column names used in wide justice tables."""

STAGES = ("formal_contact", "prosecuted", "convicted")
"""The stages of the justice chain (column names of :func:`justice_counts`), in order."""

STAGE_LABELS = {
    "formal_contact": "Brought into formal contact",
    "prosecuted": "Prosecuted",
    "convicted": "Convicted",
    "victims": "Detected victims",
}
"""Readable names of the columns of :func:`justice_counts`."""

LATEST_YEAR = settings.LATEST_YEAR

TABLE_FROM = 2012
"""First year shown in the chapter's yearly tables (earlier years rest on few countries)."""

PLOT_FROM = 2010
"""First year of the chapter's ratio figures."""

CHANGE_END = settings.CONVICTIONS_WINDOW[1]
CHANGE_BASES = (settings.CONVICTIONS_WINDOW[0], settings.BASE_YEAR)
"""Base years of the published changes in convictions to 2020 (GLOTIP 2022)."""

CHANGE_POLICIES: tuple[ag.Policy, ...] = ("exclude", "impute")
"""Suppression policies under which the changes in convictions are computed."""

COUNTRY_SET_LABELS = {
    "trend": "trend panel",
    "matched": "matched endpoints",
    "balanced": "balanced panel",
    "interpolated": "interpolated panel",
    "open": "unmatched (all reporters)",
}
"""Readable names of the country sets of :func:`tiptrends.methods.panels.panel_changes`."""

TREND_SET = COUNTRY_SET_LABELS[panels.TREND_PANEL]
"""The country set of the chapter's change figures (the pre-specified trend panel); the
other sets of :data:`COUNTRY_SET_LABELS` are the sensitivity."""

RELATION_LABELS = {
    "StrangerUnknownOther": "Stranger / other",
    "FriendAcquaintance": "Friend / acquaintance",
    "FamilyIntimatePartner": "Family / intimate partner",
}
"""CTDC relation codes shown in the chapter, and their labels."""

RATIO_ALTERNATIVE_COLUMNS = {
    "data": "data",
    "suppressed": "suppressed cells",
    "ratio": "pooled ratio",
    "median_country_ratio": "median country ratio",
    "n_countries": "countries",
}
"""Readable columns of :func:`ratio_alternatives` (after ``reset_index``)."""

PERPETRATOR_SEX_COLUMNS = {
    "group": "exploitation type",
    "male_only_pct": "men only (%)",
    "female_only_pct": "women only (%)",
    "female_and_male_pct": "women and men (%)",
    "n_known": "records with known sex",
    "n_records": "records",
    "unknown_pct": "sex not recorded (%)",
}
"""Readable columns of :func:`ctdc_perpetrator_sex`."""

SUPPRESSION_LABELS = {
    "exclude": "left out",
    "impute": "imputed as 2.5",
    "lower": "set to 1",
    "upper": "set to 4",
}
"""Treatments of suppressed ``"<5"`` cells in words (the tables' "suppressed cells" column)."""

CHANGE_INDEX_LABELS = {"window": "window", "release": "release", "suppressed": "suppressed cells"}
"""Readable names of the index levels of :func:`change_table`."""

ORGANISED_CRIME_ID = "glotip2024_organised_crime_share_pct"
"""Published organised-crime share of court cases (context only; not measurable here)."""

CTDC_ROLE_FLAGS = {
    "ip_exploiter": "exploiter",
    "ip_recruiter_broker": "recruiter or broker",
    "ip_transaction_process": "part of the transaction (sale/transfer)",
    "ip_control_abuse_kidnap": "control, abuse or kidnap",
}
"""CTDC perpetrator role flags and their labels."""


# --------------------------------------------------------------------------- UNODC counts
def justice_counts(
    df: pd.DataFrame,
    indicators: Sequence[str] = (*JUSTICE_INDICATORS, VICTIMS),
    *,
    suppressed: ag.Policy = "exclude",
) -> pd.DataFrame:
    """Country totals (sex Total, age Total) of several indicators side by side.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    indicators : sequence of str
        Indicators (``vocab.INDICATORS``); columns are named by :data:`SHORT_NAMES`.
    suppressed : str
        Suppression policy (:func:`tiptrends.methods.aggregate.apply_suppression_policy`).

    Returns
    -------
    DataFrame
        ``iso3, country, region, subregion, year`` and one float column per indicator
        (NaN: not reported, or suppressed under ``"exclude"``).
    """
    base = df[
        (df["dimension"] == DIM_TOTAL)
        & (df["category"] == TOTAL)
        & (df["sex"] == TOTAL)
        & (df["age"] == TOTAL)
    ]
    out: pd.DataFrame | None = None
    for ind in indicators:
        c = ag.country_year_counts(base, ind, suppressed=suppressed)
        c = c.rename(columns={TOTAL: SHORT_NAMES.get(ind, ind)})
        if out is None:
            out = c
        else:
            out = out.merge(c, on=list(ag.ID_COLUMNS), how="outer")
    if out is None:
        raise ValueError("indicators is empty")
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


def totals_by_year(counts: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Plain sums across reporting countries (open, changing country set), per year.

    Parameters
    ----------
    counts : DataFrame
        Wide table from :func:`justice_counts`.
    columns : iterable of str
        Count columns to sum.

    Returns
    -------
    DataFrame
        ``year, indicator, total, n_countries`` (countries with a value).
    """
    frames = [ag.aggregate_total(counts, c).assign(indicator=c) for c in columns]
    out = pd.concat(frames, ignore_index=True)
    return out[["year", "indicator", "total", "n_countries"]]


def chain_table(totals: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """Persons at each stage per year, with the number of reporting countries.

    Parameters
    ----------
    totals : DataFrame
        :func:`totals_by_year` over :data:`STAGES` and ``"victims"``.
    years : iterable of int
        Year columns.

    Returns
    -------
    DataFrame
        Rows: each indicator (labels of :data:`STAGE_LABELS`), then the same with
        ``" (countries)"``; one column per year (as text).
    """
    order = [c for c in STAGE_LABELS if c in set(totals["indicator"])]
    years = list(years)
    frames = []
    for values, suffix in (("total", ""), ("n_countries", " (countries)")):
        t = totals.pivot(index="indicator", columns="year", values=values).reindex(order)
        t.index = [STAGE_LABELS[s] + suffix for s in t.index]
        frames.append(t.reindex(columns=years))
    table = pd.concat(frames)
    table.columns = [str(y) for y in years]
    table.index.name = "persons"
    return table


def matched_ratio(
    counts: pd.DataFrame,
    numerator: str,
    denominator: str,
    *,
    per: float = 100.0,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Ratio of two counts per year on the countries reporting both that year.

    Parameters
    ----------
    counts : DataFrame
        Wide table with ``iso3``, ``year`` and the two columns.
    numerator, denominator : str
        Column names (e.g. ``"convicted"`` and ``"victims"``).
    per : float
        Scale: 100 gives "per 100" (a percentage for a conversion rate).
    years : iterable of int, optional
        Years to keep.

    Returns
    -------
    DataFrame
        ``year, n_countries, numerator, denominator, ratio, median_country_ratio``:
        ``ratio`` is the pooled sum(numerator) / sum(denominator) x ``per``;
        ``median_country_ratio`` the median of the countries' own ratios (less driven
        by the largest countries). Countries whose denominator is 0 do not enter.
    """
    c = counts[["iso3", "year", numerator, denominator]].dropna()
    c = c[c[denominator] > 0]
    if years is not None:
        c = c[c["year"].isin(list(years))]
    c = c.assign(_r=per * c[numerator] / c[denominator])
    g = c.groupby("year", sort=True)
    out = g.agg(
        n_countries=("iso3", "nunique"),
        numerator=(numerator, "sum"),
        denominator=(denominator, "sum"),
        median_country_ratio=("_r", "median"),
    )
    out["ratio"] = per * out["numerator"] / out["denominator"]
    out = out.reset_index()
    return out[["year", "n_countries", "numerator", "denominator", "ratio", "median_country_ratio"]]


def matched_rows(counts: pd.DataFrame, numerator: str, denominator: str, year: int) -> pd.DataFrame:
    """Country rows of one year that enter a matched ratio (see :func:`matched_ratio`).

    Parameters
    ----------
    counts : DataFrame
        Wide table from :func:`justice_counts`.
    numerator, denominator : str
        Column names (e.g. ``"convicted"`` and ``"victims"``).
    year : int
        Year.

    Returns
    -------
    DataFrame
        The rows of ``year`` with both columns reported and a denominator above 0.
    """
    c = counts[counts["year"] == year].dropna(subset=[numerator, denominator])
    return c[c[denominator] > 0]


def ratio_influence(
    counts: pd.DataFrame, numerator: str, denominator: str, year: int, *, per: float = 100.0
) -> pd.DataFrame:
    """Leave-one-country-out effect of each matched country on the pooled ratio of a year.

    Parameters
    ----------
    counts : DataFrame
        Wide table from :func:`justice_counts`.
    numerator, denominator : str
        Column names.
    year : int
        Year.
    per : float
        Scale of the ratio (100: per 100).

    Returns
    -------
    DataFrame
        The columns of :func:`tiptrends.methods.diagnostics.influence` (``iso3, estimate_all,
        estimate_without, effect, abs_effect``; estimates are pooled ratios) followed by
        ``country`` and the two counts, one row per matched country (:func:`matched_rows`),
        sorted by descending absolute effect.
    """
    m = matched_rows(counts, numerator, denominator, year)

    def pooled(c: pd.DataFrame) -> float:
        return float(per * c[numerator].sum() / c[denominator].sum())

    return diagnostics.influence(pooled, m).join(
        m.set_index("iso3")[["country", numerator, denominator]], on="iso3"
    )


def ratio_alternatives(
    frames: Mapping[str, pd.DataFrame],
    year: int,
    numerator: str = CONVICTED,
    denominator: str = VICTIMS,
    policies: Sequence[ag.Policy] = ("exclude", "impute", "lower", "upper"),
    *,
    per: float = 100.0,
) -> pd.DataFrame:
    """Matched ratio of one year under several data versions and suppression policies.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        Label (e.g. ``"with exclusions (main)"``) -> curated GLOTIP table.
    year : int
        Year.
    numerator, denominator : str
        Indicators (``vocab.INDICATORS``), e.g. convicted persons and detected victims.
    policies : sequence of str
        Suppression policies (:func:`tiptrends.methods.aggregate.apply_suppression_policy`).
    per : float
        Scale of the ratio.

    Returns
    -------
    DataFrame
        Index ``(data, suppressed)``: ``ratio`` (pooled), ``median_country_ratio`` and
        ``n_countries``, as in :func:`matched_ratio`; NaN where no country matches.
    """
    num, den = SHORT_NAMES.get(numerator, numerator), SHORT_NAMES.get(denominator, denominator)
    rows = []
    for label, frame in frames.items():
        for pol in policies:
            c = justice_counts(frame, [numerator, denominator], suppressed=pol)
            r = matched_ratio(c, num, den, per=per, years=[year])
            first = r.iloc[0] if len(r) else pd.Series(dtype=float)
            rows.append(
                {
                    "data": label,
                    "suppressed": pol,
                    "ratio": first.get("ratio", np.nan),
                    "median_country_ratio": first.get("median_country_ratio", np.nan),
                    "n_countries": first.get("n_countries", 0),
                }
            )
    return pd.DataFrame(rows).set_index(["data", "suppressed"])


def ratio_series(ratios: Mapping[str, pd.DataFrame], *, from_year: int = PLOT_FROM) -> pd.DataFrame:
    """Several :func:`matched_ratio` results stacked for one chart.

    Parameters
    ----------
    ratios : mapping of str to DataFrame
        Series label -> :func:`matched_ratio` (or any table with ``year`` and ``ratio``).
    from_year : int
        First year kept.

    Returns
    -------
    DataFrame
        ``year, ratio, series``.
    """
    frames = [
        r.loc[r["year"] >= from_year, ["year", "ratio"]].assign(series=k) for k, r in ratios.items()
    ]
    return pd.concat(frames, ignore_index=True)


def pooled_and_median(ratio: pd.DataFrame, *, from_year: int = PLOT_FROM) -> pd.DataFrame:
    """The pooled ratio and the median of the country ratios of :func:`matched_ratio`, stacked.

    Returns
    -------
    DataFrame
        ``year, ratio, series`` with series ``"Pooled"`` and ``"Median of countries"``.
    """
    median = ratio[["year", "median_country_ratio"]].rename(
        columns={"median_country_ratio": "ratio"}
    )
    return ratio_series({"Pooled": ratio, "Median of countries": median}, from_year=from_year)


def _side_by_side(
    tables: Mapping[str, pd.DataFrame], columns: Mapping[str, str], from_year: int
) -> pd.DataFrame:
    """Yearly tables joined by year, each column named ``"<label>: <name>"``.

    ``columns`` maps a column of every table (which has a ``year`` column) to its name.
    """
    parts = []
    for label, t in tables.items():
        part = t[t["year"] >= from_year].set_index("year")[list(columns)]
        part.columns = [f"{label}: {name}" for name in columns.values()]
        parts.append(part)
    return pd.concat(parts, axis=1)


def attrition_table(
    ratios: Mapping[str, pd.DataFrame], *, from_year: int = TABLE_FROM
) -> pd.DataFrame:
    """Matched ratios side by side per year: countries, pooled ratio and median country ratio.

    ``ratios`` maps a label to a :func:`matched_ratio` result; the columns are
    ``"<label>: countries"``, ``"<label>: pooled"`` and ``"<label>: median country"``,
    indexed by year from ``from_year``.
    """
    names = {
        "n_countries": "countries",
        "ratio": "pooled",
        "median_country_ratio": "median country",
    }
    return _side_by_side(ratios, names, from_year)


def conviction_changes(
    releases: Mapping[str, pd.DataFrame],
    *,
    bases: Iterable[int] = CHANGE_BASES,
    end: int = CHANGE_END,
    policies: Iterable[ag.Policy] = CHANGE_POLICIES,
) -> pd.DataFrame:
    """Change in convicted persons to ``end`` from each base year, on each country set.

    Parameters
    ----------
    releases : mapping of str to DataFrame
        Release label -> curated GLOTIP table (exclusions applied as wanted).
    bases : iterable of int
        Base years.
    end : int
        End year.
    policies : iterable of str
        Suppression policies.

    Returns
    -------
    DataFrame
        One row per release x policy x window x country set: ``release, suppressed, window``
        (``"<base>-<end>"``), ``country_set`` (labels of :data:`COUNTRY_SET_LABELS`),
        ``total_y0, total_y1, n_countries`` (countries in the end year) and ``pct_change``
        (see :func:`tiptrends.methods.panels.panel_changes`).
    """
    bases, policies = list(bases), list(policies)
    frames = []
    for release, frame in releases.items():
        for policy in policies:
            counts = justice_counts(frame, [CONVICTED], suppressed=policy)
            for base in bases:
                ch = panels.panel_changes(counts, base, end, "convicted")
                frames.append(
                    pd.DataFrame(
                        {
                            "release": release,
                            "suppressed": policy,
                            "window": f"{base}-{end}",
                            "country_set": ch.index.map(COUNTRY_SET_LABELS),
                            "total_y0": ch["total_y0"].to_numpy(),
                            "total_y1": ch["total_y1"].to_numpy(),
                            "n_countries": ch["n_y1"].to_numpy(),
                            "pct_change": ch["pct_change"].to_numpy(),
                        }
                    )
                )
    return pd.concat(frames, ignore_index=True)


def change_table(changes: pd.DataFrame) -> pd.DataFrame:
    """(window, release, policy) x country set table of :func:`conviction_changes` (%)."""
    table = changes.pivot_table(
        index=["window", "release", "suppressed"],
        columns="country_set",
        values="pct_change",
        sort=False,
    )
    table.columns.name = None
    return table


def change_row(
    changes: pd.DataFrame,
    release: str,
    window: str,
    country_set: str = TREND_SET,
    suppressed: ag.Policy = "exclude",
) -> pd.Series:
    """One row of :func:`conviction_changes` (``total_y0, total_y1, n_countries, pct_change``).

    Raises
    ------
    KeyError
        If no row matches.
    """
    keys = ["release", "suppressed", "window", "country_set"]
    indexed = changes.set_index(keys)
    return indexed.loc[(release, suppressed, window, country_set)]


def sex_of_persons(
    df: pd.DataFrame,
    indicator: str = CONVICTED,
    *,
    suppressed: ag.Policy = "exclude",
) -> pd.DataFrame:
    """Shares of female, male and other-sex persons per year (pooled over countries).

    Denominator: persons of known sex (female + male + other); a country-year enters when
    it reports at least one of the three (absent ones are zero).

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    indicator : str
        E.g. ``vocab.CONVICTED``.
    suppressed : str
        Suppression policy.

    Returns
    -------
    DataFrame
        ``year, female_pct, male_pct, other_pct, n_countries, n_persons``.
    """
    rows = df[
        ~df["is_aggregate"].astype(bool)
        & (df["indicator"] == indicator)
        & (df["dimension"] == DIM_TOTAL)
        & (df["category"] == TOTAL)
        & (df["age"] == TOTAL)
        & df["sex"].isin([FEMALE, MALE, OTHER_SEX])
    ]
    rows = ag.apply_suppression_policy(rows, suppressed)
    cells = rows.groupby(["iso3", "year", "sex"])["value"].sum(min_count=1).unstack("sex")
    cells = cells.reindex(columns=[FEMALE, MALE, OTHER_SEX])
    cells = cells[cells.notna().any(axis=1)].fillna(0.0)
    cells = cells[cells.sum(axis=1) > 0].reset_index()
    g = cells.groupby("year", sort=True)
    out = g[[FEMALE, MALE, OTHER_SEX]].sum()
    n = out.sum(axis=1)
    res = pd.DataFrame(
        {
            "female_pct": 100 * out[FEMALE] / n,
            "male_pct": 100 * out[MALE] / n,
            "other_pct": 100 * out[OTHER_SEX] / n,
            "n_countries": g["iso3"].nunique(),
            "n_persons": n,
        }
    )
    return res.reset_index()


def sex_table(shares: Mapping[str, pd.DataFrame], *, from_year: int = TABLE_FROM) -> pd.DataFrame:
    """Women's share (%) and the number of countries per year for several groups of persons.

    ``shares`` maps a label to a :func:`sex_of_persons` result; the columns are
    ``"<label>: women (%)"`` and ``"<label>: countries"``, indexed by year from ``from_year``.
    """
    return _side_by_side(shares, {"female_pct": "women (%)", "n_countries": "countries"}, from_year)


# --------------------------------------------------------------------------- CTDC
def ctdc_exploitation_type(ctdc: pd.DataFrame) -> pd.Series:
    """Victim's exploitation type from the two CTDC flags.

    Returns
    -------
    Series
        "Sexual exploitation", "Forced labour", "Both" or "Not recorded" (neither flag;
        in the condensed file an empty flag cannot be told apart from "no").
    """
    sx = ctdc["is_sexual_exploit"].astype(bool)
    fl = ctdc["is_forced_labour"].astype(bool)
    out = np.select(
        [sx & fl, sx, fl], ["Both", "Sexual exploitation", "Forced labour"], default="Not recorded"
    )
    return pd.Series(out, index=ctdc.index, name="exploitation")


def _groups(ctdc: pd.DataFrame, by: str | None) -> list[tuple[str, pd.DataFrame]]:
    if by is None:
        return [("All records", ctdc)]
    key = ctdc_exploitation_type(ctdc) if by == "exploitation" else ctdc[by]
    key = key.astype(object).where(key.notna(), "Not recorded")
    return [(str(k), g) for k, g in ctdc.groupby(key, sort=True)]


def ctdc_mentions(
    ctdc: pd.DataFrame,
    column: str,
    *,
    by: str | None = None,
    min_records: int = 30,
) -> pd.DataFrame:
    """How often each code of a (possibly ";"-joined) CTDC column is mentioned.

    Parameters
    ----------
    ctdc : DataFrame
        Output of :func:`tiptrends.io.data.load_ctdc`.
    column : str
        E.g. ``"ip_relation"`` or ``"ip_gender"``.
    by : str, optional
        Grouping column (e.g. ``"majority_status"``), or ``"exploitation"`` for
        :func:`ctdc_exploitation_type`; missing values form the group "Not recorded".
    min_records : int
        Groups with fewer records with a known value get NaN shares (too few to read).

    Returns
    -------
    DataFrame
        ``group, code, n_mentions, n_known, n_records, share_known_pct, share_all_pct``:
        ``share_known_pct`` = records mentioning the code / records with the column
        filled; ``share_all_pct`` = / all records. A record naming several codes counts
        for each, so shares of a group can add up to more than 100.
    """
    rows = []
    for gname, g in _groups(ctdc, by):
        vals = g[column].dropna().astype(str)
        parts = vals.str.split(";").explode()
        mentions = parts.groupby(parts.index).agg(lambda s: sorted(set(s))).explode()
        counts = mentions.value_counts()
        n_known, n_all = len(vals), len(g)
        for code, n in counts.sort_index().items():
            ok = n_known >= min_records
            rows.append(
                {
                    "group": gname,
                    "code": code,
                    "n_mentions": int(n),
                    "n_known": n_known,
                    "n_records": n_all,
                    "share_known_pct": 100 * n / n_known if ok else np.nan,
                    "share_all_pct": 100 * n / n_all if ok else np.nan,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "group",
            "code",
            "n_mentions",
            "n_known",
            "n_records",
            "share_known_pct",
            "share_all_pct",
        ],
    )


def ctdc_perpetrator_sex(
    ctdc: pd.DataFrame, *, by: str | None = None, min_records: int = 30
) -> pd.DataFrame:
    """Sex composition of the perpetrators linked to each record.

    Parameters
    ----------
    ctdc : DataFrame
        Output of :func:`tiptrends.io.data.load_ctdc`.
    by : str, optional
        Grouping (see :func:`ctdc_mentions`).
    min_records : int
        Minimum records with known perpetrator sex for a group's shares to be shown.

    Returns
    -------
    DataFrame
        ``group, male_only_pct, female_only_pct, female_and_male_pct, n_known, n_records,
        unknown_pct`` (the first three over records with known perpetrator sex; the last
        over all records).
    """
    rows = []
    for gname, g in _groups(ctdc, by):
        s = g["ip_gender"].dropna().astype(str).str.split(";").map(frozenset)
        n_known, n_all = len(s), len(g)
        ok = n_known >= min_records and n_known > 0

        def pct(x: int, n: int = n_known, ok: bool = ok) -> float:
            return 100 * x / n if ok else np.nan

        rows.append(
            {
                "group": gname,
                "male_only_pct": pct(int((s == frozenset({"Male"})).sum())),
                "female_only_pct": pct(int((s == frozenset({"Female"})).sum())),
                "female_and_male_pct": pct(int((s == frozenset({"Female", "Male"})).sum())),
                "n_known": n_known,
                "n_records": n_all,
                "unknown_pct": 100 * (n_all - n_known) / n_all if n_all else np.nan,
            }
        )
    return pd.DataFrame(rows)


def ctdc_role_shares(
    ctdc: pd.DataFrame, *, by: str | None = None, min_records: int = 30
) -> pd.DataFrame:
    """Share of records whose perpetrator carries each role flag.

    The flags only mark positives (an empty cell may be "no" or "not recorded"), so the
    shares are over all records of the group and are lower bounds of the true shares.

    Returns
    -------
    DataFrame
        ``group, role, n_flagged, n_records, share_pct``.
    """
    rows = []
    for gname, g in _groups(ctdc, by):
        n = len(g)
        for col, label in CTDC_ROLE_FLAGS.items():
            k = int(g[col].astype(bool).sum())
            rows.append(
                {
                    "group": gname,
                    "role": label,
                    "n_flagged": k,
                    "n_records": n,
                    "share_pct": 100 * k / n if n >= min_records else np.nan,
                }
            )
    return pd.DataFrame(rows)


def role_table(ctdc: pd.DataFrame, *, min_records: int = 30) -> pd.DataFrame:
    """Role shares (%) by exploitation type and over all records (:func:`ctdc_role_shares`)."""
    kw = {"min_records": min_records}
    by_type = ctdc_role_shares(ctdc, by="exploitation", **kw)
    by_type = by_type.pivot(index="role", columns="group", values="share_pct")
    overall = ctdc_role_shares(ctdc, **kw).set_index("role")["share_pct"].rename("all records")
    table = by_type.join(overall)
    table.columns.name = None
    return table


def relation_table(
    ctdc: pd.DataFrame,
    groups: Sequence[str] = ("Adult", "Minor"),
    labels: Mapping[str, str] = RELATION_LABELS,
    *,
    min_records: int = 30,
) -> pd.DataFrame:
    """Relation of perpetrator to victim (% of records with a known relation) by victim group.

    Parameters
    ----------
    ctdc : DataFrame
        Output of :func:`tiptrends.io.data.load_ctdc`.
    groups : sequence of str
        Values of ``majority_status`` shown (columns).
    labels : mapping of str to str
        Relation codes shown (rows, in this order) and their labels.
    min_records : int
        Groups with fewer records with a known relation get NaN shares.

    Returns
    -------
    DataFrame
        Relation label x group: ``share_known_pct`` of :func:`ctdc_mentions`.
    """
    mentions = ctdc_mentions(ctdc, "ip_relation", by="majority_status", min_records=min_records)
    table = mentions.pivot(index="code", columns="group", values="share_known_pct")
    table = table.reindex(index=list(labels), columns=list(groups)).rename(index=dict(labels))
    table.index.name = "relation"
    table.columns.name = None
    return table


# --------------------------------------------------------------------------- chapter results
CHANGE_KEY = "convictions_change_2017_2020_pct"
PER100_KEY = "convictions_per_100_victims_2022"
FILLED_KEY = "convictions_change_2017_2020_filled_share_pct"
"""Registered figures chapter 05 records (:mod:`tiptrends.methods.figures`)."""

SWITCHES: dict[str, dict[str, object]] = {
    **BASIS_SWITCHES,
    **{f"{kind} countries": {"panel": kind} for kind in ("matched", "open", "balanced")},
}
"""Columns of chapter 05's rule-switch table (:func:`tiptrends.methods.figures.switch_table`)."""

SWITCH_LABELS = {
    **BASIS_SWITCH_LABELS,
    "matched countries": "Matched set",
    "open countries": "Open panel",
    "balanced countries": "Balanced panel",
}
"""Plain names of the rule-switch table's columns (:data:`SWITCHES` labels -> words)."""

DPA_REASON = "Plain sum of all reporters (open panel); matches dpa's rounded figure."


@dataclass
class JusticeResults:
    """Chapter 05's results: tables, figure data, what to record and the glued values.

    ``glue`` maps a format kind of :func:`tiptrends.report.prose.format_value` to glue names
    and values; ``reasons`` maps a recorded key to (reason for the gap, why the current
    release differs); ``comparisons`` are unrecorded rows ``(key, value, published id,
    reason)`` for :func:`tiptrends.report.reporting.compare`.
    """

    release: str
    stages: pd.DataFrame
    chain: pd.DataFrame
    per_victim: pd.DataFrame
    ratio_alternatives: pd.DataFrame
    attrition: pd.DataFrame
    attrition_table: pd.DataFrame
    changes: pd.DataFrame
    switches: pd.DataFrame
    women: pd.DataFrame
    sex_table: pd.DataFrame
    roles: pd.DataFrame
    perpetrator_sex: pd.DataFrame
    relations: pd.DataFrame
    reasons: dict[str, tuple[str, str]]
    comparisons: list[tuple[str, float, str, str]]
    glue: dict[str, dict[str, object]] = field(default_factory=dict)


def _release(name: str) -> str:
    return str(figures.glotip(name)["release"].iloc[0])


def per_100(value: float) -> str:
    """A ratio per 100 as prose shows it: one decimal, the precision of the recorded ratio.

    Examples
    --------
    >>> per_100(6.0349)
    '6.0'
    """
    return f"{value:.{figures.figure(PER100_KEY).precision}f}"


def _ratios(jc: pd.DataFrame, g: dict) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Convictions per victim (current release) and the attrition ratios; their glue."""
    per_victim = matched_ratio(jc, "convicted", "victims")
    top = ratio_influence(jc, "convicted", "victims", LATEST_YEAR).iloc[0]
    attrition = {
        "Convicted per 100 prosecuted": matched_ratio(jc, "convicted", "prosecuted"),
        "Prosecuted per 100 in formal contact": matched_ratio(jc, "prosecuted", "formal_contact"),
    }
    latest = attrition["Convicted per 100 prosecuted"].set_index("year").loc[LATEST_YEAR]
    # ratios per 100 at the recorded figure's precision (one decimal), as text
    g["text"] |= {
        name: per_100(value)
        for name, value in (
            ("per100", figures.value(PER100_KEY, "current")),
            (
                "per100_median",
                per_victim.set_index("year").loc[LATEST_YEAR, "median_country_ratio"],
            ),
            ("top_without", top["estimate_without"]),
        )
    }
    g["count"] |= {
        "n_matched": len(matched_rows(jc, "convicted", "victims", LATEST_YEAR)),
        "top_victims": top["victims"],
        "top_convicted": top["convicted"],
        "conv_per_pros": latest["ratio"],
        "att_n": latest["n_countries"],
        "att_median": latest["median_country_ratio"],
    }
    g["text"]["top_country"] = top["country"]
    return per_victim, attrition


def _changes(bases, g: dict) -> tuple[pd.DataFrame, panels.TrendChange]:
    """Changes in convictions to 2020 on both releases and every country set; their glue."""
    earlier, current = _release(settings.EARLIER_RELEASE), _release(settings.CURRENT_RELEASE)
    changes = conviction_changes({earlier: bases.earlier, current: bases.current_release})
    window = f"{CHANGE_BASES[0]}-{CHANGE_END}"
    rows = {
        "ch_17": change_row(changes, earlier, window),
        "ch_19": change_row(changes, earlier, f"{CHANGE_BASES[1]}-{CHANGE_END}"),
        "unm_17": change_row(changes, earlier, window, COUNTRY_SET_LABELS["open"]),
    }
    for name, row in rows.items():
        g["change_pct"][name] = row["pct_change"]
        g["count"] |= {
            f"{name}_{k}": row[v]
            for k, v in (("n", "n_countries"), ("y0", "total_y0"), ("y1", "total_y1"))
        }
    m_19 = change_row(
        changes, earlier, f"{CHANGE_BASES[1]}-{CHANGE_END}", COUNTRY_SET_LABELS["matched"]
    )
    panel_values = [
        figures.value(CHANGE_KEY, panel=p) for p in ("trend", "matched", "open", "balanced")
    ]
    g["change_pct"] |= {
        "ch_17": figures.value(CHANGE_KEY),
        "m_17": figures.value(CHANGE_KEY, panel="matched"),
        "m_19": m_19["pct_change"],
        "cur_17": figures.value(CHANGE_KEY, "current"),
        "sw_min": min(panel_values),
        "sw_max": max(panel_values),
    }
    filled = panels.trend_change(
        panels.measure_counts(bases.earlier, "convictions"), *settings.CONVICTIONS_WINDOW, "value"
    )
    g["count"]["filled_17"] = filled.n_filled_y1
    g["pct"]["filled_17_share"] = 100 * filled.filled_share_y1
    return changes, filled


def _sex(bases, g: dict) -> dict[str, pd.DataFrame]:
    """Women among convicted and prosecuted persons (current release; 2023 release for 2020)."""
    earlier = _release(settings.EARLIER_RELEASE)
    shares = {
        "Convicted": sex_of_persons(bases.current_release, CONVICTED),
        "Prosecuted": sex_of_persons(bases.current_release, PROSECUTED),
        f"Convicted, release {earlier}": sex_of_persons(bases.earlier, CONVICTED),
    }
    fem_2022 = shares["Convicted"].set_index("year").loc[LATEST_YEAR]
    fem_2020 = shares[f"Convicted, release {earlier}"].set_index("year").loc[CHANGE_END]
    g["pct"] |= {"fem_2022": fem_2022["female_pct"], "fem_2020_old": fem_2020["female_pct"]}
    g["count"]["fem_2022_n"] = fem_2022["n_countries"]
    return shares


def _ctdc(ctdc: pd.DataFrame, g: dict) -> tuple[pd.DataFrame, ...]:
    """CTDC role, perpetrator-sex and relation tables; their glue and the published context."""
    roles = role_table(ctdc)
    sex = ctdc_perpetrator_sex(ctdc)
    g["count"]["n_ctdc"] = len(ctdc)
    g["pct"] |= {
        "ctdc_male": sex["male_only_pct"].iloc[0],
        "ctdc_female": sex["female_only_pct"].iloc[0],
        "ctdc_both": sex["female_and_male_pct"].iloc[0],
        "ctdc_recruiter": roles.loc["recruiter or broker", "all records"],
    }
    organised = published.published_row(ORGANISED_CRIME_ID)
    g["text"] |= {f"oc_{f}": str(organised[f]) for f in ("indicator", "scope", "year")}
    g["text"]["oc_citation"] = published.citation(ORGANISED_CRIME_ID)
    g["pct"]["oc_value"] = organised["value"]
    by_type = ctdc_perpetrator_sex(ctdc, by="exploitation").rename(columns=PERPETRATOR_SEX_COLUMNS)
    relations = relation_table(ctdc).rename(columns=lambda grp: f"{grp} victims")
    return roles, by_type, relations


def _published_rows(
    bases, changes: pd.DataFrame, filled: panels.TrendChange, sex: dict, g: dict
) -> tuple[dict[str, tuple[str, str]], list[tuple[str, float, str, str]]]:
    """Reasons of the recorded figures and the unrecorded comparison rows; published glue."""
    earlier, current = _release(settings.EARLIER_RELEASE), _release(settings.CURRENT_RELEASE)
    window, window_19 = f"{CHANGE_BASES[0]}-{CHANGE_END}", f"{CHANGE_BASES[1]}-{CHANGE_END}"
    ch_17, ch_19 = change_row(changes, earlier, window), change_row(changes, earlier, window_19)
    unm = change_row(changes, earlier, window, COUNTRY_SET_LABELS["open"])
    imp_19 = change_row(changes, earlier, window_19, suppressed="impute")
    balanced = change_row(changes, earlier, window, COUNTRY_SET_LABELS["balanced"])["pct_change"]
    m_17 = figures.value(CHANGE_KEY, panel="matched")
    ratio_n = g["count"]["n_matched"]
    reasons = {
        CHANGE_KEY: (
            f"Miss. Trend panel of release {earlier} ({int(ch_17['n_countries'])} countries "
            f"reporting convictions in 2017-2020; {filled.n_filled_y1} carry an earlier value into "
            f"2020, {100 * filled.filled_share_y1:.0f}% of its 2020 total); matched endpoints "
            f"{m_17:+.1f}%, balanced panel {balanced:+.1f}%. UNODC's panel is not published.",
            f"The current release ({current}) holds convictions for 2017-2020 that differ country "
            "by country from the earlier release's.",
        ),
        FILLED_KEY: (
            f"Part of the trend panel's {CHANGE_END} convictions carried from an earlier year, "
            f"release {earlier}: the change rests on it.",
            "The same share in the current release.",
        ),
        PER100_KEY: (
            f"Pooled over the countries reporting convictions and victims in {LATEST_YEAR} on the "
            "reproduction (Pakistan's restated victims out); no published counterpart.",
            f"Pooled over the {ratio_n} countries reporting both in the re-analysis, Pakistan's "
            "restated victims in the denominator.",
        ),
    }
    fem_2020 = sex[f"Convicted, release {earlier}"].set_index("year").loc[CHANGE_END]
    fem_2022 = sex["Convicted"].set_index("year").loc[LATEST_YEAR]
    offenders = published.published_row("glotip2024_offenders_female_share_2022_pct")
    comparisons = [
        (
            "convictions_change_2019_2020_pct",
            ch_19["pct_change"],
            "glotip2022_convictions_change_2019_2020_pct",
            f'Trend panel ({int(ch_19["n_countries"])} countries); with "<5" imputed '
            f"{imp_19['pct_change']:+.1f}% ({int(imp_19['n_countries'])} countries). Not recorded.",
        ),
        (
            "convictions_total_2017_all_reporters",
            unm["total_y0"],
            "glotip2022_convictions_total_2017_alt_dpa",
            DPA_REASON,
        ),
        (
            "convictions_total_2020_all_reporters",
            unm["total_y1"],
            "glotip2022_convictions_total_2020_alt_dpa",
            DPA_REASON,
        ),
        (
            "convicted_female_share_2020_pct",
            fem_2020["female_pct"],
            "glotip2022_convicted_female_share_2020_pct",
            f"Pooled over {int(fem_2020['n_countries'])} countries, release {earlier}; single "
            "secondary source. Not recorded.",
        ),
        (
            "convicted_female_share_2022_pct",
            fem_2022["female_pct"],
            "glotip2024_offenders_female_share_2022_pct",
            f"Published range {offenders['value_low']:.0f}-{offenders['value_high']:.0f}% covers "
            "investigated, prosecuted and convicted persons; ours is convicted only "
            f"({int(fem_2022['n_countries'])} countries). Not recorded.",
        ),
    ]
    pub = {key: published.published_value(fid) for key, _, fid, _ in comparisons[:3]}
    pub_17 = published.published_value(str(figures.figure(CHANGE_KEY).published_id))
    g["change_pct"] |= {"pub_17": pub_17, "pub_19": pub["convictions_change_2019_2020_pct"]}
    g["pp"]["gap_17"] = figures.value(CHANGE_KEY) - pub_17
    g["count"] |= {
        "pub_total_17": pub["convictions_total_2017_all_reporters"],
        "pub_total_20": pub["convictions_total_2020_all_reporters"],
    }
    return reasons, comparisons


def _rounded(table: pd.DataFrame) -> pd.DataFrame:
    """A switch table as text with one decimal (its columns mix numbers and "no effect")."""
    return table.map(lambda v: f"{v:.1f}" if isinstance(v, float) else v)


def results() -> JusticeResults:
    """Everything chapter 05 shows, from the figure registry and the cached data bases."""
    bases = figures.data_bases()
    g: dict[str, dict[str, object]] = {
        k: {} for k in ("count", "ratio", "pct", "pp", "change_pct", "text")
    }
    g["text"] |= {
        "release": _release(settings.CURRENT_RELEASE),
        "release_2023": _release(settings.EARLIER_RELEASE),
    }
    g["count"] |= {
        "n_exclusions": len(exclusions.load_exclusions()),
        "excl_rows": bases.exclusions["rows_dropped"].sum(),
    }
    jc = justice_counts(bases.current_release)
    totals = totals_by_year(jc, [*STAGES, "victims"])
    stages = totals[totals["indicator"].isin(STAGES)]
    per_victim, attrition = _ratios(jc, g)
    changes, filled = _changes(bases, g)
    sex = _sex(bases, g)
    roles, by_type, relations = _ctdc(data.load_ctdc(), g)
    reasons, comparisons = _published_rows(bases, changes, filled, sex, g)
    women = ratio_series(
        {k: sex[k].rename(columns={"female_pct": "ratio"}) for k in ("Convicted", "Prosecuted")},
        from_year=0,
    )
    alternatives = ratio_alternatives(
        {
            "with exclusions (main)": bases.current_release,
            "without exclusions": figures.glotip(settings.CURRENT_RELEASE),
        },
        LATEST_YEAR,
        CONVICTED,
        VICTIMS,
    )
    return JusticeResults(
        g["text"]["release"],
        stages.assign(stage=stages["indicator"].map(STAGE_LABELS)),
        chain_table(totals, range(TABLE_FROM, LATEST_YEAR + 1)),
        pooled_and_median(per_victim),
        alternatives.reset_index().rename(columns=RATIO_ALTERNATIVE_COLUMNS),
        ratio_series(attrition),
        attrition_table(attrition),
        change_table(changes).reset_index().rename(columns=CHANGE_INDEX_LABELS),
        _rounded(figures.switch_table((CHANGE_KEY, PER100_KEY), SWITCHES)).rename(
            columns=SWITCH_LABELS
        ),
        women,
        sex_table(sex),
        roles,
        by_type,
        relations,
        reasons,
        comparisons,
        g,
    )
