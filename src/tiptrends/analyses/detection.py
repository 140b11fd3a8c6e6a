"""Detection gap: detected victims (UNODC) against population and estimated modern slavery.

Definitions used throughout:

* *Detected victims* are a country's total of detected trafficking victims in a year
  (UNODC GLOTIP, indicator "Detected trafficking victims", sex Total, age Total), taken
  from a wide counts table (:func:`tiptrends.methods.aggregate.country_year_counts`).
* *Population* and the *estimated number of people in modern slavery* are those of the
  Walk Free Global Slavery Index 2023 (:func:`tiptrends.io.data.load_gsi`). The population is
  the one Walk Free used (UN World Population Prospects 2019); the estimates refer to 2021.
* The *detection rate* is detected victims per 100,000 population; the *detection ratio*
  is detected victims per 1,000 people estimated to be in modern slavery. Modern slavery
  (forced labour plus forced marriage) and trafficking are different concepts, so the
  ratio is an order of magnitude, not a coverage rate.

Countries are joined by ISO3 code; the GSI table carries codes matched from its names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tiptrends import settings
from tiptrends.methods import figures
from tiptrends.methods.aggregate import TOTAL_COLUMN, Policy, country_year_counts, rate_per_100k
from tiptrends.methods.figures.detection import (  # noqa: F401  (the chapter's join and ratios)
    GSI_COLUMNS,
    YEAR,
    PooledRatio,
    join_gsi,
    joined_year,
    median_rate,
    per_1000_estimated,
    pooled_ratio,
    world_ratio,
)
from tiptrends.methods.models import spearman, theil_sen


def region_summary(joined: pd.DataFrame, by: str = "gsi_region") -> pd.DataFrame:
    """Detection rate and ratio per region and year.

    Sums are taken over the countries that have both terms of each measure, so the rate
    and the ratio of a region may rest on different country sets (``n_rate`` / ``n_ratio``).

    Parameters
    ----------
    joined : DataFrame
        Output of :func:`join_gsi`.
    by : str
        Grouping column (``"gsi_region"``, ``"region"``, ``"subregion"``, ...).

    Returns
    -------
    DataFrame
        ``by, year, n_rate, victims, population, rate_per_100k, median_rate_per_100k,
        n_ratio, estimated, per_1000_estimated, median_per_1000_estimated``.
    """
    rows = []
    for (grp, year), t in joined.groupby([by, "year"], sort=True):
        r = t[t["population"].notna() & (t["population"] > 0)]
        e = t[t["number_in_modern_slavery"].notna() & (t["number_in_modern_slavery"] > 0)]
        rows.append(
            {
                by: grp,
                "year": int(year),
                "n_rate": len(r),
                "victims": float(r["victims"].sum()),
                "population": float(r["population"].sum()),
                "rate_per_100k": rate_per_100k(r["victims"].sum(), r["population"].sum())
                if len(r)
                else np.nan,
                "median_rate_per_100k": float(r["rate_per_100k"].median()) if len(r) else np.nan,
                "n_ratio": len(e),
                "estimated": float(e["number_in_modern_slavery"].sum()),
                "per_1000_estimated": per_1000_estimated(
                    e["victims"].sum(), e["number_in_modern_slavery"].sum()
                )
                if len(e)
                else np.nan,
                "median_per_1000_estimated": float(e["per_1000_estimated"].median())
                if len(e)
                else np.nan,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Association:
    """Rank correlation and a robust line between two country-level variables.

    Attributes
    ----------
    n : int
        Countries with both values.
    spearman_rho, spearman_p : float
        Spearman rank correlation and its two-sided p-value.
    slope, intercept : float
        Theil-Sen line ``y = intercept + slope * x`` (median of pairwise slopes).
    slope_low, slope_high : float
        95% confidence interval of the Theil-Sen slope.
    """

    n: int
    spearman_rho: float
    spearman_p: float
    slope: float
    intercept: float
    slope_low: float
    slope_high: float


def association(x: pd.Series, y: pd.Series) -> Association:
    """Spearman correlation and Theil-Sen line of ``y`` on ``x`` (pairs with both finite).

    Parameters
    ----------
    x, y : Series
        Aligned on their index.

    Returns
    -------
    Association

    Raises
    ------
    ValueError
        With fewer than 3 complete pairs.
    """
    xy = pd.concat([x.rename("x"), y.rename("y")], axis=1).replace([np.inf, -np.inf], np.nan)
    xy = xy.dropna()
    if len(xy) < 3:
        raise ValueError(f"association needs at least 3 complete pairs, got {len(xy)}")
    rho, p = spearman(xy["x"], xy["y"])
    slope, intercept, low, high = theil_sen(xy["y"], xy["x"], alpha=0.95)
    return Association(
        n=len(xy),
        spearman_rho=float(rho),
        spearman_p=float(p),
        slope=slope,
        intercept=intercept,
        slope_low=low,
        slope_high=high,
    )


def headline_measures(
    glotip: pd.DataFrame,
    gsi: pd.DataFrame,
    years: Iterable[int],
    suppressed: Policy = "exclude",
) -> dict[str, float]:
    """The detection gap's headline figures for one version of the data.

    Parameters
    ----------
    glotip : DataFrame
        Curated GLOTIP table (with or without exclusions).
    gsi : DataFrame
        Walk Free GSI table (:func:`tiptrends.io.data.load_gsi`).
    years : iterable of int
        Years of the detected victims.
    suppressed : str
        Suppression policy for ``"<5"`` totals
        (:func:`tiptrends.methods.aggregate.apply_suppression_policy`).

    Returns
    -------
    dict
        Per year: ``"median per 100k, <year>"`` (median country detection rate),
        ``"world per 1,000 estimated, <year>"`` (:func:`pooled_ratio` value) and
        ``"countries, <year>"`` (countries with a rate).
    """
    out: dict[str, float] = {}
    for yr in years:
        kw = {"suppressed": suppressed, "gsi_table": gsi}
        rates = joined_year(glotip, yr, **kw)["rate_per_100k"]  # type: ignore[arg-type]
        out[f"median per 100k, {yr}"] = median_rate(glotip, yr, **kw)
        out[f"world per 1,000 estimated, {yr}"] = world_ratio(glotip, yr, **kw).value
        out[f"countries, {yr}"] = int(rates.notna().sum())
    return out


# --------------------------------------------------------------------------- chapter tables
YEARS = (YEAR, settings.LATEST_YEAR)
"""Years of detected victims set against the GSI 2023 (its estimates refer to 2021)."""

BASE_YEAR = YEAR
"""Year of the GSI estimates: the year of the country figures and rankings."""

TOP_N = 20
"""Countries shown in the rankings."""

GEMS_CONTEXT_IDS = (
    "gems2022_modern_slavery_2021",
    "gems2022_forced_labour_2021",
    "gems2022_forced_marriage_2021",
    "gems2022_children_forced_labour_2021",
    "gems2022_forced_cse_2021",
    "gems2022_forced_labour_per_1000_2021",
    "gems2022_modern_slavery_one_in_n_2021",
)
"""Published Global Estimates of Modern Slavery 2022 figures shown as context."""

SUPPRESSION_ALTERNATIVE = "impute"
"""Policy of the alternative for ``"<5"`` totals (2.5 each)."""

REGION_COLUMNS = {
    "gsi_region": "Walk Free region",
    "region": "UNODC region",
    "year": "Year",
    "n_rate": "Countries (rate)",
    "victims": "Detected victims",
    "population": "Population",
    "rate_per_100k": "Per 100,000",
    "median_rate_per_100k": "Median country per 100,000",
    "n_ratio": "Countries (ratio)",
    "estimated": "Estimated in modern slavery",
    "per_1000_estimated": "Per 1,000 estimated",
    "median_per_1000_estimated": "Median country per 1,000 estimated",
}
"""Readable names of the region-summary columns."""


def region_table(joined: pd.DataFrame, by: str) -> pd.DataFrame:
    """:func:`region_summary` for people: readable columns, years as text."""
    return region_summary(joined, by).astype({"year": str}).rename(columns=REGION_COLUMNS)


def world_gap(
    counts: pd.DataFrame, years: Iterable[int], modern_slavery: float, forced_labour: float
) -> pd.DataFrame:
    """Detected victims worldwide against the global estimates (people, not millions).

    Parameters
    ----------
    counts : DataFrame
        Wide counts table (:func:`tiptrends.methods.aggregate.country_year_counts`).
    years : iterable of int
    modern_slavery, forced_labour : float
        Global estimates of people in modern slavery and in forced labour.

    Returns
    -------
    DataFrame
        Index year: ``Detected victims`` (sum of country totals), ``Countries``, ``per 1,000 in
        modern slavery`` and ``per 1,000 in forced labour``.
    """
    years = list(years)
    rows = counts[counts["year"].isin(years) & counts[TOTAL_COLUMN].notna()]
    out = rows.groupby("year").agg(detected=(TOTAL_COLUMN, "sum"), countries=("iso3", "nunique"))
    out = out.rename(columns={"detected": "Detected victims", "countries": "Countries"})
    out["per 1,000 in modern slavery"] = 1e3 * out["Detected victims"] / modern_slavery
    out["per 1,000 in forced labour"] = 1e3 * out["Detected victims"] / forced_labour
    return out


def rate_spread(joined: pd.DataFrame, year: int) -> dict[str, float]:
    """Spread of country detection rates (per 100,000) in one year.

    Returns
    -------
    dict
        ``countries``, ``median``, ``p10``, ``p90``, ``lowest``, ``highest``.
    """
    rates = joined.loc[joined["year"] == year, "rate_per_100k"].dropna()
    return {
        "countries": len(rates),
        "median": float(rates.median()),
        "p10": float(rates.quantile(0.1)),
        "p90": float(rates.quantile(0.9)),
        "lowest": float(rates.min()),
        "highest": float(rates.max()),
    }


def country_names(iso3: Iterable[str], gsi: pd.DataFrame) -> list[str]:
    """Country names of the GSI table for ISO3 codes (the code where the GSI has none)."""
    names = gsi.dropna(subset=["iso3"]).set_index("iso3")["country"]
    return [str(names.get(code, code)) for code in iso3]


def response_associations(joined: pd.DataFrame, year: int) -> tuple[Association, Association]:
    """Government-response score against log10 detection ratio and log10 detection rate.

    Zero ratios or rates have no logarithm and are left out.

    Returns
    -------
    (Association, Association)
        With the ratio per 1,000 estimated, and with the rate per 100,000.
    """
    j = joined[joined["year"] == year]
    ratio = j["per_1000_estimated"].where(j["per_1000_estimated"] > 0)
    rate = j["rate_per_100k"].where(j["rate_per_100k"] > 0)
    score = j["gov_response_total"]
    return association(score, np.log10(ratio)), association(score, np.log10(rate))


def measures_under_choices(
    glotip: pd.DataFrame,
    raw: pd.DataFrame,
    gsi: pd.DataFrame,
    years: Iterable[int],
    other_bases: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """:func:`headline_measures` under the main choices and the alternatives (rows).

    Parameters
    ----------
    glotip : DataFrame
        The main data (exclusions applied).
    raw : DataFrame
        The same data without exclusions.
    gsi : DataFrame
        Walk Free GSI table.
    years : iterable of int
    other_bases : mapping, optional
        Label -> another version of the data (e.g. the reproduction), one row each after the
        built-in alternatives.
    """
    years = list(years)
    rows = {
        'main: exclusions, "<5" left out': headline_measures(glotip, gsi, years),
        "no exclusions": headline_measures(raw, gsi, years),
        'exclusions, "<5" = 2.5': headline_measures(
            glotip, gsi, years, suppressed=SUPPRESSION_ALTERNATIVE
        ),
    }
    for label, table in (other_bases or {}).items():
        rows[label] = headline_measures(table, gsi, years)
    return pd.DataFrame(rows).T.rename_axis("Choices")


def prevalence_association(joined: pd.DataFrame, year: int) -> Association:
    """Log10 estimated prevalence against log10 detection rate (zeros left out)."""
    j = joined[joined["year"] == year]
    prevalence = j["prevalence_per_1000"].where(j["prevalence_per_1000"] > 0)
    rate = j["rate_per_100k"].where(j["rate_per_100k"] > 0)
    return association(np.log10(prevalence), np.log10(rate))


def excluded_totals(report: pd.DataFrame, year: int) -> list[str]:
    """Countries whose whole figures of ``year`` the collection's exclusions drop.

    An entry repaired from the earlier release (``repaired_total`` set) keeps the country's
    total, so it is not listed.

    Parameters
    ----------
    report : DataFrame
        The report of :func:`tiptrends.io.exclusions.apply_exclusions` (``iso3``, ``years``
        as text, ``scope`` and, with repairs, ``repaired_total``).
    year : int
    """
    hit = report["years"].astype(str).str.contains(str(year)) & (report["scope"] == "all")
    if "repaired_total" in report.columns:
        hit &= report["repaired_total"].isna()
    return sorted(report.loc[hit, "iso3"])


# --------------------------------------------------------------------------- the chapter
RECORDED = ("detection_rate_per_100k_2021_median", "detected_per_1000_estimated_world")
"""The chapter's registered figures (current release on both data bases)."""


@dataclass
class Results:
    """Everything chapter 07 shows: tables, the joined country table, associations, numbers."""

    release: str
    gems: pd.DataFrame
    world_gap: pd.DataFrame
    joined: pd.DataFrame
    base: pd.DataFrame
    regions: dict[str, pd.DataFrame]
    prevalence: Association
    response: Association
    response_rate: Association
    choices: pd.DataFrame
    notes: dict[str, str] = field(default_factory=dict)
    glue: dict[str, dict[str, object]] = field(default_factory=dict)


GEMS_INDICATORS = {
    "People in modern slavery, 'one in N' of world population": (
        "World population per person in modern slavery"
    ),
}
"""Published indicator names reworded for the chapter's table (no quoted placeholders)."""

GEMS_UNITS = {"one in N": "persons"}
"""Published units reworded for the chapter's table."""


def results() -> Results:
    """Chapter 07 on the re-analysis (the current release, the collection's exclusions applied)."""
    from tiptrends.io import published
    from tiptrends.methods.figures.detection import gsi as load_gsi

    raw, bases, gsi = figures.glotip(settings.CURRENT_RELEASE), figures.data_bases(), load_gsi()
    glotip = bases.current_release
    excluded = {year: excluded_totals(bases.exclusions, year) for year in YEARS}
    joined = join_gsi(country_year_counts(glotip), gsi, YEARS)
    ms, fl = (
        published.published_value(f"gems2022_{k}_2021") * 1e6
        for k in ("modern_slavery", "forced_labour")
    )
    spread = rate_spread(joined, BASE_YEAR)
    ratio = {year: pooled_ratio(joined, gsi, year) for year in YEARS}
    r21, value = ratio[BASE_YEAR], figures.value
    gems = published.published_table(list(GEMS_CONTEXT_IDS))
    others = {
        "reproduction (as published, vintage rule on)": bases.report_basis,
    }
    choices = measures_under_choices(glotip, raw, gsi, YEARS, others)
    on_report = choices.loc["reproduction (as published, vintage rule on)"]
    walk_free = region_summary(joined, "gsi_region")
    walk_free = walk_free[walk_free["year"] == BASE_YEAR].set_index("gsi_region")[
        "per_1000_estimated"
    ]
    a, a_rate = response_associations(joined, BASE_YEAR)
    a_prev = prevalence_association(joined, BASE_YEAR)
    notes = {
        RECORDED[
            0
        ]: f"Median across the {spread['countries']} countries with a published 2021 UNODC total "
        'and a Walk Free population (WPP 2019, 2020 figures); "<5" totals left out; re-analysis, '
        "collection exclusions applied (an excluded country-year is dropped).",
        RECORDED[
            1
        ]: f"2021 UNODC detected victims / Walk Free 2021 estimated number in modern slavery, "
        f"summed over the {r21.n_countries} countries with both; excluded: countries without an estimate "
        f'({", ".join(r21.no_estimate)}), the {len(r21.no_victims)} without a 2021 total, "<5" totals, '
        f"and the collection's exclusions of 2021 totals ({', '.join(excluded[BASE_YEAR])}); "
        "re-analysis (Pakistan's restated total counted).",
    }
    glue = {
        "text": {
            "dg_release": str(raw["release"].iloc[0]),
            "dg_excluded": ", ".join(
                country_names(sorted({c for v in excluded.values() for c in v}), gsi)
            ),
            "dg_no_estimate": ", ".join(country_names(r21.no_estimate, gsi)),
            "dg_resp_p": f"{a.spearman_p:.1g}",
            # millions and fold changes with one decimal, as the published estimates give them
            "dg_ms_millions": f"{ms / 1e6:.1f}",
            "dg_fl_millions": f"{fl / 1e6:.1f}",
            "dg_ratio_estimated_millions": f"{r21.denominator / 1e6:.1f}",
            **{
                f"dg_resp_{k}": f"{10 ** (10 * s):.1f}"
                for k, s in (
                    ("fold", a.slope),
                    ("fold_low", a.slope_low),
                    ("fold_high", a.slope_high),
                )
            },
            "dg_region_low_name": walk_free.idxmin(),
            "dg_region_high_name": walk_free.idxmax(),
        },
        "count": {
            "dg_gsi_countries": len(gsi),
            "dg_gsi_estimates": gsi["number_in_modern_slavery"].notna().sum(),
            "dg_gsi_scores": gsi["gov_response_total"].notna().sum(),
            "dg_rate_countries": spread["countries"],
            "dg_ratio_victims": r21.numerator,
            "dg_ratio_countries": r21.n_countries,
            "dg_no_estimate_n": len(r21.no_estimate),
            "dg_no_victims_n": len(r21.no_victims),
            "dg_resp_n": a.n,
            "dg_resp_rate_n": a_rate.n,
            "dg_ratio_2022_countries": ratio[2022].n_countries,
            "dg_one_in": 1e3 / value(RECORDED[1]),
        },
        "ratio": {
            **{f"dg_rate_{k}": v for k, v in spread.items() if k != "countries"},
            "dg_rate_median": value(RECORDED[0]),
            "dg_ratio_2021": value(RECORDED[1]),
            "dg_ratio_2022": ratio[2022].value,
            "dg_region_low": walk_free.min(),
            "dg_region_high": walk_free.max(),
            "dg_prev_rho": a_prev.spearman_rho,
            "dg_resp_rho": a.spearman_rho,
            "dg_resp_rate_rho": a_rate.spearman_rho,
            "dg_ratio_2021_basis": on_report[f"world per 1,000 estimated, {BASE_YEAR}"],
            "dg_median_2021_basis": on_report[f"median per 100k, {BASE_YEAR}"],
        },
    }
    return Results(
        release=str(raw["release"].iloc[0]),
        gems=gems[["indicator", "year", "value", "unit", "citation"]]
        .replace({"indicator": GEMS_INDICATORS, "unit": GEMS_UNITS})
        .rename(columns=str.capitalize),
        world_gap=world_gap(country_year_counts(glotip), YEARS, ms, fl).rename_axis("Year"),
        joined=joined,
        base=joined[joined["year"] == BASE_YEAR].set_index("country"),
        regions={by: region_table(joined, by) for by in ("gsi_region", "region")},
        prevalence=a_prev,
        response=a,
        response_rate=a_rate,
        choices=choices,
        notes=notes,
        glue=glue,
    )
