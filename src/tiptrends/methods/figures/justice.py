"""Figures of criminal justice: the change in convictions 2017-2020 and convictions per 100
detected victims (registered on import)."""

from __future__ import annotations

import pandas as pd

from tiptrends import settings
from tiptrends.methods import aggregate, panels
from tiptrends.methods.figures.core import Figure, Inputs, Options, register
from tiptrends.vocab import CONVICTED, TOTAL, VICTIMS

YEAR = settings.LATEST_YEAR
Y0, Y1 = settings.CONVICTIONS_WINDOW


def _restrict(counts: pd.DataFrame, o: Options) -> pd.DataFrame:
    return counts if o.countries is None else counts[counts["iso3"].isin(o.countries)]


def convictions(inputs: Inputs, o: Options) -> pd.DataFrame:
    """Persons convicted per country-year (:func:`tiptrends.methods.panels.measure_counts`),
    once per basis and options it reads (do not modify)."""
    return _restrict(
        inputs.memo(
            ("measure_counts", "convictions", o.suppressed),
            lambda: panels.measure_counts(inputs.table, "convictions", suppressed=o.suppressed),  # type: ignore[arg-type]
        ),
        o,
    )


def convictions_change(inputs: Inputs, o: Options) -> float:
    """Change (%) in persons convicted, 2017 to 2020, on ``o.panel``.

    A GLOTIP 2022 figure: its reproduction is the 2023 release, the data that report was
    written from.
    """
    return panels.change_pct(convictions(inputs, o), Y0, Y1, "value", panel=o.panel)


def convictions_filled_share(inputs: Inputs, o: Options) -> float:
    """Share (%) of the 2020 trend-panel total of convictions carried or interpolated from
    an earlier year (countries without a 2020 value)."""
    return float(100 * panels.trend_change(convictions(inputs, o), Y0, Y1, "value").filled_share_y1)


def convictions_per_100_victims(inputs: Inputs, o: Options, year: int = YEAR) -> float:
    """Persons convicted per 100 detected victims in ``year``, pooled over the countries
    reporting both (a detected-victims total above 0)."""
    t = inputs.rows(year)
    kw = {"suppressed": o.suppressed}
    both = pd.merge(
        aggregate.country_year_counts(t, CONVICTED, **kw)[["iso3", TOTAL]],
        aggregate.country_year_counts(t, VICTIMS, **kw)[["iso3", TOTAL]],
        on="iso3",
        suffixes=("_convicted", "_victims"),
    ).dropna()
    both = _restrict(both[both[f"{TOTAL}_victims"] > 0], o)
    if both.empty:
        return float("nan")
    return float(100 * both[f"{TOTAL}_convicted"].sum() / both[f"{TOTAL}_victims"].sum())


register(
    Figure(
        "convictions_change_2017_2020_pct",
        f"Change in persons convicted of trafficking, {Y0} to {Y1}",
        "%",
        (Y0, Y1),
        convictions_change,
        frozenset({"suppressed", "panel", "countries"}),
        "glotip2022_convictions_change_2017_2020_pct",
        note="On the trend panel of the window; reproduction: the 2023 release (GLOTIP 2022).",
        report_data="earlier",
    )
)
register(
    Figure(
        "convictions_change_2017_2020_filled_share_pct",
        f"Share of the {Y1} convictions on the trend panel carried from an earlier year",
        "%",
        (Y0, Y1),
        convictions_filled_share,
        frozenset({"suppressed", "countries"}),
        None,
        note=f"Part of the trend panel's {Y1} total from countries without a {Y1} value.",
        report_data="earlier",
    )
)
register(
    Figure(
        "convictions_per_100_victims_2022",
        f"Persons convicted per 100 detected victims, {YEAR}",
        "per 100 detected victims",
        (YEAR,),
        convictions_per_100_victims,
        frozenset({"suppressed", "countries"}),
        None,
        precision=1,
        note="Pooled over the countries reporting both convictions and detected victims.",
    )
)
