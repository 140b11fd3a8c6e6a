"""Builders of small hand-made tables shaped like the curated GLOTIP table and its counts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tiptrends.vocab import DIM_TOTAL, TOTAL, VICTIMS

#: Made-up countries shared by several test files: iso3 -> (country, region, subregion).
META = {
    "AAA": ("Aland", "Europe", "Northern Europe"),
    "BBB": ("Bland", "Africa", "Sub-Saharan Africa"),
    "CCC": ("Cland", "Africa", "Northern Africa"),
}


def curated_row(
    iso3: str,
    year: int,
    value: float | str | None,
    dimension: str = DIM_TOTAL,
    category: str = TOTAL,
    sex: str = TOTAL,
    age: str = TOTAL,
    indicator: str = VICTIMS,
    is_aggregate: bool = False,
    *,
    place: tuple[str | None, str, str],
) -> dict:
    """One row of the curated table; ``value`` None or a string (``"<5"``) is suppressed.

    ``place`` is ``(country, region, subregion)``.
    """
    country, region, subregion = place
    suppressed = value is None or isinstance(value, str)
    return {
        "iso3": iso3,
        "country": country,
        "region": region,
        "subregion": subregion,
        "is_aggregate": is_aggregate,
        "indicator": indicator,
        "dimension": dimension,
        "category": category,
        "sex": sex,
        "age": age,
        "year": year,
        "value": np.nan if suppressed else float(value),
        "suppressed": suppressed,
    }


def counts_table(data: dict[str, dict[int, float]]) -> pd.DataFrame:
    """Wide country-year counts (column ``Total``) from ``{iso3: {year: value}}``."""
    rows = [
        {"iso3": iso3, "country": iso3, "region": "R", "subregion": "S", "year": y, "Total": v}
        for iso3, series in data.items()
        for y, v in series.items()
    ]
    return pd.DataFrame(rows)
