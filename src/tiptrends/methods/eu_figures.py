"""EU member-state rows and the published Eurostat / European Commission series.

Used by every chapter that compares the UNODC data for the EU with the figures Eurostat and
the European Commission publish (held as headline figures in ``data/published/figures.csv``,
rows ``eurostat_*`` and ``ec*_``): :func:`eu_subset` keeps the member states' rows,
:func:`published_annual` reads one published annual series from the figure ids, and
:func:`eurostat_form_shares` turns Eurostat's published counts by form into shares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from tiptrends.io.countries import EU27
from tiptrends.vocab import FORCED_LABOUR, FORMS, OTHER_FORMS, SEXUAL

#: Eurostat form keys (figure_id fragments) -> UNODC form labels.
EUROSTAT_FORMS: dict[str, str] = {
    "sexual_exploitation": SEXUAL,
    "forced_labour": FORCED_LABOUR,
    "other_forms": OTHER_FORMS,
}


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
