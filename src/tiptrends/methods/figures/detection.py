"""Figures of the detection gap: the median detection rate and detected victims per 1,000
people estimated in modern slavery (registered on import).

*Detected victims* are a country's total of detected trafficking victims in a year; the
*population* and the *estimated number in modern slavery* (2021) are Walk Free's (Global
Slavery Index 2023; population from UN WPP 2019, 2020 figures). The *detection rate* is
detected victims per 100,000 population, the *detection ratio* detected victims per 1,000
people estimated in modern slavery (an order of magnitude, not a coverage rate).

The detection gap has no published counterpart to reproduce: its figures are on the current
release (the vintage rule off) on both data bases, as chapter 07 states them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from tiptrends.methods.aggregate import (
    TOTAL_COLUMN,
    Policy,
    country_year_counts,
    rate_per_100k,
    scaled_ratio,
)
from tiptrends.methods.figures.core import Figure, Options, register

YEAR = 2021
"""Year of the Walk Free estimates, and of the detection figures set against them."""


@functools.cache
def gsi() -> pd.DataFrame:
    """The Walk Free GSI 2023 table (:func:`tiptrends.io.data.load_gsi`), loaded once."""
    from tiptrends.io import data

    return data.load_gsi()


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


def joined_year(
    glotip: pd.DataFrame,
    year: int,
    suppressed: Policy = "exclude",
    countries: Iterable[str] | None = None,
    gsi_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`join_gsi` of the country totals of one year (optionally of some countries;
    ``gsi_table`` default: Walk Free's, :func:`gsi`)."""
    counts = country_year_counts(glotip[glotip["year"] == year], suppressed=suppressed)
    if countries is not None:
        counts = counts[counts["iso3"].isin(list(countries))]
    return join_gsi(counts, gsi() if gsi_table is None else gsi_table, [year])


def median_rate(glotip: pd.DataFrame, year: int, **kw: object) -> float:
    """Median country detection rate (detected victims per 100,000 population) in ``year``."""
    return float(joined_year(glotip, year, **kw)["rate_per_100k"].median())  # type: ignore[arg-type]


def world_ratio(glotip: pd.DataFrame, year: int, **kw: object) -> PooledRatio:
    """Detected victims per 1,000 estimated in modern slavery, pooled over countries with both."""
    table_ = kw.get("gsi_table")
    g = gsi() if table_ is None else table_
    return pooled_ratio(joined_year(glotip, year, **kw), g, year)  # type: ignore[arg-type, arg-type]


def _options(o: Options) -> dict[str, object]:
    return {"suppressed": o.suppressed, "countries": o.countries}


register(
    Figure(
        "detection_rate_per_100k_2021_median",
        "Median country's detected victims per 100,000 population, 2021",
        "victims per 100,000 population",
        (YEAR,),
        lambda inputs, o: median_rate(inputs.table, YEAR, **_options(o)),
        frozenset({"suppressed", "countries"}),
        precision=2,
        note="Countries with a published total and a Walk Free population; current release.",
        report_data="current",
    )
)
register(
    Figure(
        "detected_per_1000_estimated_world",
        "Detected victims per 1,000 people estimated in modern slavery, 2021",
        "detected victims per 1,000 people estimated in modern slavery",
        (YEAR,),
        lambda inputs, o: world_ratio(inputs.table, YEAR, **_options(o)).value,
        frozenset({"suppressed", "countries"}),
        precision=2,
        note="Pooled over the countries with a 2021 total and a Walk Free estimate; current "
        "release.",
        report_data="current",
    )
)
