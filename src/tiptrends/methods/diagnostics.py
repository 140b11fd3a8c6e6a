"""Diagnostics that flag implausible country series in the UNODC data.

Each function returns a table, one row per finding, that an exclusion entry in
``data/exclusions.toml`` can cite (see :mod:`tiptrends.io.exclusions`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from tiptrends.io.checks import require_counts, require_glotip
from tiptrends.methods.aggregate import SEX_AGE, TOTAL_COLUMN, _value_column, country_year_counts
from tiptrends.vocab import CONVICTED, DIM_CITIZENSHIP, DIM_FORM, FORMS, SEX_AGE_GROUPS, VICTIMS

MAD_SCALE = 1.4826
"""Scale making the median absolute deviation consistent with a normal SD."""


def consistency_checks(df: pd.DataFrame, indicator: str = VICTIMS) -> pd.DataFrame:
    """Breakdowns that do not fit the country's own total.

    Checks, per country-year:

    * ``form_sum_exceeds_total``: sum of the three forms (sex Total, age Total) > total;
    * ``sex_age_sum_exceeds_total``: women + men + girls + boys (+ other-sex children and
      adults) > total;
    * ``form_breakdown_without_total`` / ``sex_age_breakdown_without_total``: a breakdown is
      published while the total is not.

    To flag only certain inconsistencies, suppressed cells count 1 in a breakdown (the
    smallest a ``"<5"`` can be) and 4 in a total (the largest), so ``excess > 0`` holds for
    every possible value of the suppressed counts.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    indicator : str
        Indicator to check.

    Returns
    -------
    DataFrame
        ``iso3, country, year, check, breakdown_sum, total, excess, rel_excess`` sorted by
        descending ``excess`` (``excess`` NaN for the "without total" checks).
    """
    require_glotip(df, "consistency_checks: df")
    total = country_year_counts(df, indicator, suppressed="upper")[
        ["iso3", "country", "year", TOTAL_COLUMN]
    ]
    specs = [
        (
            "form",
            country_year_counts(df, indicator, DIM_FORM, suppressed="lower", with_total=False),
            list(FORMS),
        ),
        (
            "sex_age",
            country_year_counts(df, indicator, SEX_AGE, suppressed="lower", with_total=False),
            None,
        ),
    ]
    frames = []
    for name, bd, cats in specs:
        cats = cats or [c for c in bd.columns if c in SEX_AGE_GROUPS or c.startswith("other_")]
        bsum = bd[cats].sum(axis=1, min_count=1)
        t = bd[["iso3", "year"]].assign(breakdown_sum=bsum)
        t = t[t["breakdown_sum"].notna()].merge(total, on=["iso3", "year"], how="left")
        t = t.rename(columns={TOTAL_COLUMN: "total"})
        t["excess"] = t["breakdown_sum"] - t["total"]
        over = t[t["excess"] > 0].assign(check=f"{name}_sum_exceeds_total")
        missing = t[t["total"].isna()].assign(check=f"{name}_breakdown_without_total")
        frames += [over, missing]
    out = pd.concat(frames, ignore_index=True)
    out["rel_excess"] = out["excess"] / out["total"]
    cols = ["iso3", "country", "year", "check", "breakdown_sum", "total", "excess", "rel_excess"]
    if out["country"].isna().any():
        names = df.drop_duplicates("iso3").set_index("iso3")["country"]
        out["country"] = out["country"].fillna(out["iso3"].map(names))
    return (
        out[cols]
        .sort_values(["excess", "iso3", "year"], ascending=[False, True, True], na_position="last")
        .reset_index(drop=True)
    )


def citizenship_consistency(
    df: pd.DataFrame, indicators: Sequence[str] = (VICTIMS, CONVICTED), min_excess: float = 0.0
) -> pd.DataFrame:
    """Citizenship breakdowns whose sum exceeds the country's own total.

    The "by citizenship" dimension is free text; summing its categories per country-year
    (suppressed cells counted as 1, the total's suppressed cell as 4, as in
    :func:`consistency_checks`) and setting the sum against the total finds categories that
    are not citizenships at all: a category that repeats the total (Bolivia's "TOTAL") or
    questionnaire codes published with code digits as values (``"Q6.1_..."``). The curated
    citizenship mapping (``data/mappings/citizenship.csv``) marks such categories; this check
    shows their effect on the counts.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    indicators : sequence of str
        Indicators to check (victims and persons convicted carry citizenship breakdowns).
    min_excess : float
        Report only excesses larger than this.

    Returns
    -------
    DataFrame
        ``indicator, iso3, country, year, breakdown_sum, total, excess, rel_excess, largest_category,
        largest_value``, largest excess first.
    """
    require_glotip(df, "citizenship_consistency: df")
    frames = []
    for indicator in indicators:
        cells = country_year_counts(
            df, indicator, DIM_CITIZENSHIP, suppressed="lower", with_total=False, wide=False
        )
        if cells.empty:
            continue
        total = country_year_counts(df, indicator, suppressed="upper")[
            ["iso3", "year", TOTAL_COLUMN]
        ]
        sums = cells.groupby(["iso3", "year"], as_index=False).agg(
            country=("country", "first"), breakdown_sum=("count", "sum")
        )
        top = cells.sort_values("count", ascending=False).drop_duplicates(["iso3", "year"])
        top = top[["iso3", "year", "category", "count"]].rename(
            columns={"category": "largest_category", "count": "largest_value"}
        )
        t = sums.merge(total, on=["iso3", "year"], how="inner").rename(
            columns={TOTAL_COLUMN: "total"}
        )
        t = t.merge(top, on=["iso3", "year"], how="left").assign(indicator=indicator)
        t["excess"] = t["breakdown_sum"] - t["total"]
        frames.append(t[t["excess"] > min_excess])
    cols = [
        "indicator",
        "iso3",
        "country",
        "year",
        "breakdown_sum",
        "total",
        "excess",
        "rel_excess",
        "largest_category",
        "largest_value",
    ]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out["rel_excess"] = out["excess"] / out["total"]
    return out[cols].sort_values("excess", ascending=False).reset_index(drop=True)


def revisions(
    df_old: pd.DataFrame,
    df_new: pd.DataFrame,
    threshold: float = 0.25,
    min_abs: float = 50.0,
    indicator: str = VICTIMS,
) -> pd.DataFrame:
    """Revisions of country-year totals between two releases.

    Parameters
    ----------
    df_old, df_new : DataFrame
        Curated tables of the earlier and later release.
    threshold : float
        A revision is ``large`` if ``|rel_revision| > threshold`` and
        ``|abs_revision| >= min_abs``.
    min_abs : float
        Minimum absolute revision for ``large`` (ignores noise in small counts).
    indicator : str
        Indicator compared (country totals, sex Total, age Total).

    Returns
    -------
    DataFrame
        ``iso3, country, year, total_old, total_new, abs_revision, rel_revision, status,
        large``; ``status`` is ``"both"``, ``"only_old"`` (dropped) or ``"only_new"``
        (added). Suppressed totals count as missing. Sorted by descending absolute revision.
    """
    require_glotip(df_old, "revisions: df_old")
    require_glotip(df_new, "revisions: df_new")
    cols = ["iso3", "country", "year", TOTAL_COLUMN]
    old = country_year_counts(df_old, indicator)[cols].dropna(subset=[TOTAL_COLUMN])
    new = country_year_counts(df_new, indicator)[cols].dropna(subset=[TOTAL_COLUMN])
    m = old.merge(new, on=["iso3", "year"], how="outer", suffixes=("_old", "_new"))
    m["country"] = m["country_new"].fillna(m["country_old"])
    m = m.rename(columns={f"{TOTAL_COLUMN}_old": "total_old", f"{TOTAL_COLUMN}_new": "total_new"})
    m["abs_revision"] = m["total_new"] - m["total_old"]
    m["rel_revision"] = m["abs_revision"] / m["total_old"]
    m["status"] = np.select(
        [m["total_old"].notna() & m["total_new"].notna(), m["total_old"].notna()],
        ["both", "only_old"],
        default="only_new",
    )
    m["large"] = (m["rel_revision"].abs() > threshold) & (m["abs_revision"].abs() >= min_abs)
    out = m[
        [
            "iso3",
            "country",
            "year",
            "total_old",
            "total_new",
            "abs_revision",
            "rel_revision",
            "status",
            "large",
        ]
    ]
    order = out["abs_revision"].abs().fillna(-1)
    return out.loc[order.sort_values(ascending=False, kind="stable").index].reset_index(drop=True)


def jumps(
    counts: pd.DataFrame,
    z: float = 3.5,
    value: str | None = None,
    min_history: int = 4,
    min_count: float = 20.0,
    min_scale: float = 0.3,
) -> pd.DataFrame:
    """Year-on-year changes far outside a country's own history (robust z-scores).

    For each country, ``log_change`` is the change in log count between consecutive
    reports; its robust z-score is ``(log_change - median) / max(1.4826 * MAD, min_scale)``
    over that country's own changes (median and MAD resist the jump itself).

    Parameters
    ----------
    counts : DataFrame
        Wide counts table (``iso3``, ``year``, value column).
    z : float
        Flag ``|robust_z| > z``.
    value : str, optional
        Value column (default ``"Total"`` or the only category column).
    min_history : int
        Countries with fewer changes get NaN z-scores (too short to judge).
    min_count : float
        Flag only if the larger of the two counts is at least this (small counts jump).
    min_scale : float
        Floor of the robust scale, so flat histories do not flag tiny changes.

    Returns
    -------
    DataFrame
        ``iso3, year, prev_year, value, prev_value, log_change, robust_z, flag`` for every
        consecutive pair of reports; sorted by descending ``|robust_z|``.
    """
    require_counts(counts, "jumps: counts")
    col = _value_column(counts, value)
    obs = counts[["iso3", "year", col]].rename(columns={col: "value"})
    obs = obs[obs["value"].notna() & (obs["value"] > 0)].sort_values(["iso3", "year"])
    g = obs.groupby("iso3", sort=False)
    obs["prev_year"] = g["year"].shift()
    obs["prev_value"] = g["value"].shift()
    pairs = obs[obs["prev_value"].notna()].copy()
    pairs["prev_year"] = pairs["prev_year"].astype("int64")
    pairs["log_change"] = np.log(pairs["value"]) - np.log(pairs["prev_value"])
    gp = pairs.groupby("iso3")["log_change"]
    med = gp.transform("median")
    mad = (pairs["log_change"] - med).abs().groupby(pairs["iso3"]).transform("median")
    scale = np.maximum(MAD_SCALE * mad, min_scale)
    rz = (pairs["log_change"] - med) / scale
    rz[gp.transform("size") < min_history] = np.nan
    pairs["robust_z"] = rz
    big = np.maximum(pairs["value"], pairs["prev_value"]) >= min_count
    pairs["flag"] = (pairs["robust_z"].abs() > z) & big
    cols = ["iso3", "year", "prev_year", "value", "prev_value", "log_change", "robust_z", "flag"]
    order = pairs["robust_z"].abs().fillna(-1).sort_values(ascending=False, kind="stable")
    return pairs.loc[order.index, cols].reset_index(drop=True)


def influence(
    func: Callable[[pd.DataFrame], float], counts: pd.DataFrame, column: str = "iso3"
) -> pd.DataFrame:
    """Leave-one-country-out effect of each country on a headline figure.

    Parameters
    ----------
    func : callable
        ``func(counts) -> float``, the headline figure (e.g. a 2022 share or total).
    counts : DataFrame
        Table passed to ``func`` (rows of one country are dropped together).
    column : str
        Unit column (default ``iso3``).

    Returns
    -------
    DataFrame
        ``iso3, estimate_all, estimate_without, effect, abs_effect`` where ``effect =
        estimate_all - estimate_without`` (how much the country moves the figure), sorted
        by descending ``abs_effect``.
    """
    full = float(func(counts))
    rows = []
    for unit in pd.unique(counts[column]):
        without = float(func(counts[counts[column] != unit]))
        rows.append((unit, full, without, full - without))
    out = pd.DataFrame(rows, columns=[column, "estimate_all", "estimate_without", "effect"])
    out["abs_effect"] = out["effect"].abs()
    return out.sort_values(["abs_effect", column], ascending=[False, True]).reset_index(drop=True)
