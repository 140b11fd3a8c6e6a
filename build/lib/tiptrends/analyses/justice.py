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

import numpy as np
import pandas as pd

from tiptrends.methods import aggregate as ag
from tiptrends.methods import diagnostics
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


def ratio_in_year(
    counts: pd.DataFrame, numerator: str, denominator: str, year: int, *, per: float = 100.0
) -> float:
    """Pooled matched-country ratio of one year (see :func:`matched_ratio`); NaN if none."""
    r = matched_ratio(counts, numerator, denominator, per=per, years=[year])
    return float(r["ratio"].iloc[0]) if len(r) else float("nan")


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
