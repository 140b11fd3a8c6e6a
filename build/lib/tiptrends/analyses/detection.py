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

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from tiptrends.methods.aggregate import (
    TOTAL_COLUMN,
    Policy,
    country_year_counts,
    rate_per_100k,
    scaled_ratio,
)

#: GSI columns carried into the joined table.
GSI_COLUMNS = (
    "population",
    "prevalence_per_1000",
    "number_in_modern_slavery",
    "gov_response_total",
    "region",
)


def join_gsi(
    counts: pd.DataFrame, gsi: pd.DataFrame, years: Iterable[int] | None = None
) -> pd.DataFrame:
    """Join UNODC country totals with the Walk Free GSI by ISO3 and compute both measures.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table with ``iso3, country, region, subregion, year`` and ``"Total"``.
    gsi : DataFrame
        Walk Free GSI table with ``iso3`` and :data:`GSI_COLUMNS`.
    years : iterable of int, optional
        Years to keep (default all).

    Returns
    -------
    DataFrame
        One row per country-year of ``counts`` with a non-missing total:
        ``iso3, country, region, subregion, year, victims`` and, from the GSI (NaN where
        the country is not in it), ``population, prevalence_per_1000,
        number_in_modern_slavery, gov_response_total, gsi_region``, plus
        ``rate_per_100k`` and ``per_1000_estimated``.

    Raises
    ------
    ValueError
        If ``gsi`` has an ISO3 code twice.
    """
    g = gsi[gsi["iso3"].notna()]
    if g["iso3"].duplicated().any():
        dup = sorted(g.loc[g["iso3"].duplicated(), "iso3"])
        raise ValueError(f"GSI table has duplicate ISO3 codes {dup}")
    g = g.set_index("iso3")[list(GSI_COLUMNS)].rename(columns={"region": "gsi_region"})
    g = g.astype({"population": float, "number_in_modern_slavery": float})
    c = counts[counts[TOTAL_COLUMN].notna()]
    if years is not None:
        c = c[c["year"].isin(list(years))]
    out = c[["iso3", "country", "region", "subregion", "year"]].copy()
    out["victims"] = c[TOTAL_COLUMN].astype(float)
    out = out.join(g, on="iso3")
    out["rate_per_100k"] = rate_per_100k(out["victims"], out["population"])
    out["per_1000_estimated"] = per_1000_estimated(out["victims"], out["number_in_modern_slavery"])
    return out.reset_index(drop=True)


def per_1000_estimated(
    victims: pd.Series | float, estimated: pd.Series | float
) -> pd.Series | float:
    """Detected victims per 1,000 people estimated in modern slavery (NaN where no estimate)."""
    return scaled_ratio(victims, estimated, 1e3)


@dataclass(frozen=True)
class PooledRatio:
    """A ratio of sums over the countries that have both the numerator and the denominator.

    Attributes
    ----------
    value : float
        Sum of numerators / sum of denominators x ``scale``.
    numerator, denominator : float
        The two sums.
    n_countries : int
        Countries that entered.
    no_estimate : list of str
        ISO3 codes with detected victims but no denominator (not in the GSI, or no estimate).
    no_victims : list of str
        ISO3 codes with a denominator but no detected-victims total that year.
    """

    value: float
    numerator: float
    denominator: float
    n_countries: int
    no_estimate: list[str] = field(default_factory=list)
    no_victims: list[str] = field(default_factory=list)


def pooled_ratio(
    joined: pd.DataFrame,
    gsi: pd.DataFrame,
    year: int,
    denominator: str = "number_in_modern_slavery",
    scale: float = 1e3,
) -> PooledRatio:
    """Pooled detected victims per ``scale`` units of a GSI column, one year.

    Parameters
    ----------
    joined : DataFrame
        Output of :func:`join_gsi`.
    gsi : DataFrame
        The GSI table (to list the countries with a denominator but no detected total).
    year : int
        Year of the detected victims.
    denominator : str
        GSI column: ``"number_in_modern_slavery"`` (per 1,000 estimated, ``scale=1e3``) or
        ``"population"`` (per 100,000, ``scale=1e5``).
    scale : float
        Multiplier.

    Returns
    -------
    PooledRatio
    """
    j = joined[joined["year"] == year]
    den = j[denominator].astype(float)
    ok = j["victims"].notna() & den.notna() & (den > 0)
    num_sum = float(j.loc[ok, "victims"].sum())
    den_sum = float(den[ok].sum())
    g = gsi[gsi["iso3"].notna()]
    has_den = set(g.loc[g[denominator].notna() & (g[denominator].astype(float) > 0), "iso3"])
    return PooledRatio(
        value=num_sum / den_sum * scale if den_sum > 0 else float("nan"),
        numerator=num_sum,
        denominator=den_sum,
        n_countries=int(ok.sum()),
        no_estimate=sorted(j.loc[~ok, "iso3"]),
        no_victims=sorted(has_den - set(j["iso3"])),
    )


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
    rho, p = stats.spearmanr(xy["x"], xy["y"])
    ts = stats.theilslopes(xy["y"], xy["x"], alpha=0.95)
    return Association(
        n=len(xy),
        spearman_rho=float(rho),
        spearman_p=float(p),
        slope=float(ts.slope),
        intercept=float(ts.intercept),
        slope_low=float(ts.low_slope),
        slope_high=float(ts.high_slope),
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
    years = list(years)
    j = join_gsi(country_year_counts(glotip, suppressed=suppressed), gsi, years)
    out: dict[str, float] = {}
    for yr in years:
        jy = j[j["year"] == yr]
        out[f"median per 100k, {yr}"] = float(jy["rate_per_100k"].median())
        out[f"world per 1,000 estimated, {yr}"] = pooled_ratio(j, gsi, yr).value
        out[f"countries, {yr}"] = int(jy["rate_per_100k"].notna().sum())
    return out
