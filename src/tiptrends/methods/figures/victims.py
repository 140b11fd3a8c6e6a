"""Figures of detected victims: world totals, changes, and how much of the world the data cover.

The functions behind the figures are public so that a chapter's tables (several definitions
of the 2022 total, the coverage of each breakdown) take their rows from the same code:
:func:`country_totals`, :func:`known_sex_age`, :func:`victims_change`,
:func:`reporting_units` and :func:`window_coverage`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from tiptrends import settings
from tiptrends.methods import aggregate, headline, panels
from tiptrends.methods.figures import children  # noqa: F401  (registers the profile base)
from tiptrends.methods.figures.core import Figure, Inputs, Options, register
from tiptrends.vocab import (
    ADULT,
    CHILD,
    DIM_CITIZENSHIP,
    DIM_FORM,
    DIM_REPATRIATION,
    DIM_TOTAL,
    FEMALE,
    MALE,
    TOTAL,
)

YEAR, BASE, PANDEMIC = settings.LATEST_YEAR, settings.BASE_YEAR, settings.PANDEMIC_YEAR

BREAKDOWNS: tuple[str, ...] = ("total", "form", "sex_age", "citizenship", "repatriation")
"""Breakdown names, in display order."""


def _restrict(table: pd.DataFrame, countries: Iterable[str] | None) -> pd.DataFrame:
    return table if countries is None else table[table["iso3"].isin(list(countries))]


# ----------------------------------------------------------------------------- totals
def country_totals(table: pd.DataFrame, year: int, *, suppressed: str = "exclude") -> pd.Series:
    """Country totals of detected victims in ``year`` by ISO3 (countries with a number)."""
    c = aggregate.country_year_counts(table, suppressed=suppressed)  # type: ignore[arg-type]
    return c[c["year"] == year].set_index("iso3")[aggregate.TOTAL_COLUMN].dropna()


def known_sex_age(
    table: pd.DataFrame,
    year: int,
    *,
    suppressed: str = "exclude",
    form_fallback: bool = True,
    groups: Sequence[str] = tuple(aggregate.SEX_AGE_GROUPS),
) -> pd.Series:
    """Victims of known sex and age (women + men + girls + boys) in ``year`` by ISO3.

    The sex x age counts are :func:`tiptrends.methods.headline.sex_age_counts`, the counts
    behind every sex-and-age profile of the collection (form fallback on by default: the
    United Kingdom publishes its 2022 split only by form). ``groups`` adds other columns.
    """
    c = headline.sex_age_counts(table, suppressed=suppressed, form_fallback=form_fallback)  # type: ignore[arg-type]
    c = c[c["year"] == year].set_index("iso3")
    return c[list(groups)].sum(axis=1, min_count=1).dropna()


def victim_counts(table: pd.DataFrame, o: Options) -> pd.DataFrame:
    """Detected victims per country-year behind every victims change and panel level:
    :func:`tiptrends.methods.panels.fallback_totals` (total row, else sex x age cells, else
    forms; ``o.form_fallback=False``: the total row only)."""
    return panels.measure_counts(
        _restrict(table, o.countries),
        "victims",
        suppressed=o.suppressed,  # type: ignore[arg-type]
        form_fallback=o.form_fallback,
    )


def basis_victim_counts(inputs: Inputs, o: Options) -> pd.DataFrame:
    """:func:`victim_counts` of a figure's data, once per basis and options it reads
    (shared by every change and level of detected victims; do not modify)."""
    key = ("victim_counts", o.suppressed, o.form_fallback, o.countries)
    return inputs.memo(key, lambda: victim_counts(inputs.table, o))


def victims_change(inputs: Inputs, y0: int, y1: int, o: Options) -> float:
    """Change (%) in detected victims from ``y0`` to ``y1`` on ``o.panel``, to one decimal
    (the precision the collection reports changes at)."""
    counts = basis_victim_counts(inputs, o)
    return round(panels.change_pct(counts, y0, y1, "value", panel=o.panel), 1)


def panel_level(inputs: Inputs, o: Options, year: int = YEAR) -> panels.TrendChange:
    """The trend panel of the window ``BASE..year`` (the panel of the 2019-2022 change), whose
    end total is the level the report pairs with its change."""
    key = ("victims_panel", o.suppressed, o.form_fallback, o.countries, year)
    return inputs.memo(
        key, lambda: panels.trend_change(basis_victim_counts(inputs, o), BASE, year, "value")
    )


def _panel_total(inputs: Inputs, o: Options) -> float:
    return float(panel_level(inputs, o).total_y1)


def _panel_filled_share(inputs: Inputs, o: Options) -> float:
    return float(100 * panel_level(inputs, o).filled_share_y1)


def _fallback_sum(inputs: Inputs, o: Options) -> float:
    c = basis_victim_counts(inputs, o)
    return float(c.loc[c["year"] == YEAR, "value"].sum())


def _plain_total(year: int):
    def compute(inputs: Inputs, o: Options) -> float:
        t = _restrict(inputs.table, o.countries)
        return float(country_totals(t, year, suppressed=o.suppressed).sum())

    return compute


# ----------------------------------------------------------------------------- coverage
def breakdown_of(df: pd.DataFrame) -> pd.Series:
    """Name the breakdown (one of :data:`BREAKDOWNS`) each row belongs to.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP rows (columns dimension, category, sex, age).

    Returns
    -------
    Series
        Breakdown name per row; ``None`` for rows of no listed breakdown (e.g. the sex
        totals of the total, or the form split by sex and age).
    """
    dim, cat, sex, age = df["dimension"], df["category"], df["sex"], df["age"]
    both_total = (sex == TOTAL) & (age == TOTAL)
    conditions = [
        (dim == DIM_TOTAL) & (cat == TOTAL) & both_total,
        (dim == DIM_FORM) & both_total,
        (dim == DIM_TOTAL) & (cat == TOTAL) & sex.isin([FEMALE, MALE]) & age.isin([CHILD, ADULT]),
        dim == DIM_CITIZENSHIP,
        dim == DIM_REPATRIATION,
    ]
    out = np.select(conditions, list(BREAKDOWNS), default="")
    return pd.Series(out, index=df.index, dtype=object).replace("", None)


def reporting_units(df: pd.DataFrame) -> pd.DataFrame:
    """Country-years that report each indicator and breakdown.

    A country *reports* a breakdown in a year if at least one row of it is published,
    ``"<5"`` rows included; ``has_value`` asks for a row that is not ``"<5"``.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table. Aggregate (non-country) rows are ignored.

    Returns
    -------
    DataFrame
        One row per ``indicator, breakdown, iso3, year`` with at least one published row:
        ``n_rows``, ``n_suppressed`` and ``has_value`` (at least one row not ``"<5"``).
    """
    rows = df[~df["is_aggregate"].astype(bool)]
    rows = rows.assign(breakdown=breakdown_of(rows))
    rows = rows[rows["breakdown"].notna()]
    g = rows.groupby(["indicator", "breakdown", "iso3", "year"], sort=True)
    out = g.agg(n_rows=("value", "size"), n_suppressed=("suppressed", "sum")).reset_index()
    out["n_suppressed"] = out["n_suppressed"].astype("int64")
    out["has_value"] = out["n_rows"] > out["n_suppressed"]
    return out


def window_coverage(
    units: pd.DataFrame, population: pd.Series, years: tuple[int, int] = settings.TREND_WINDOW
) -> pd.Series:
    """Countries publishing anything over a window of years, and their share of population.

    Parameters
    ----------
    units : DataFrame
        Output of :func:`reporting_units` (every indicator).
    population : Series
        Population by ISO3; its sum is the denominator.
    years : tuple of int
        First and last year of the window.

    Returns
    -------
    Series
        ``countries with a number`` (at least one row not ``"<5"`` in the window, any
        indicator or breakdown), ``countries with any row`` ("<5" rows included), and
        ``population with a number (%)`` / ``population with any row (%)``.
    """
    window = units[units["year"].between(*years)]
    sets = {
        "with a number": sorted(set(window.loc[window["has_value"], "iso3"])),
        "with any row": sorted(set(window["iso3"])),
    }
    out: dict[str, float] = {}
    for label, iso in sets.items():
        out[f"countries {label}"] = len(iso)
    for label, iso in sets.items():
        share = population.reindex(iso).fillna(0).sum() / population.sum()
        out[f"population {label} (%)"] = 100 * share
    return pd.Series(out)


def _coverage(item: str):
    def compute(inputs: Inputs, o: Options) -> float:
        units = inputs.memo(
            ("reporting_units", o.countries),
            lambda: reporting_units(_restrict(inputs.table, o.countries)),
        )
        return float(window_coverage(units, inputs.population)[item])

    return compute


# ----------------------------------------------------------------------------- registry
def _change(y0: int):
    return lambda inputs, o: victims_change(inputs, y0, YEAR, o)


CHANGE_OPTIONS = frozenset({"suppressed", "panel", "countries", "form_fallback"})
TOTAL_OPTIONS = frozenset({"suppressed", "countries"})
LEVEL_OPTIONS = frozenset({"suppressed", "countries", "form_fallback"})
LEVEL_CHOICE = (
    "The level of the trend panel was chosen as the 2022 total after the plain sum had been "
    "compared with the published total."
)

# The 2022 headline total is the level of the panel its changes are measured on
register(
    Figure(
        "victims_total_2022",
        "Detected victims, 2022: level of the 2019-2022 trend panel (the headline total)",
        "persons",
        (YEAR,),
        _panel_total,
        LEVEL_OPTIONS,
        "glotip2024_victims_total_2022",
        precision=0,
        note="2022 end of the trend panel of the 2019-2022 change: countries' victims by one "
        "rule (total row, else sex x age cells, else forms), a country without a 2022 value "
        "carried from its latest year in the window. " + LEVEL_CHOICE,
    )
)
register(
    Figure(
        "victims_total_2022_filled_share_pct",
        "Share of the 2022 trend-panel level carried or interpolated",
        "%",
        (YEAR,),
        _panel_filled_share,
        LEVEL_OPTIONS,
        None,
        note="Part of the 2022 trend-panel level from countries without a 2022 value.",
    )
)
register(
    Figure(
        "victims_total_2022_fallback_sum",
        "Detected victims, plain sum of 2022 values (total, else sex x age, else forms)",
        "persons",
        (YEAR,),
        _fallback_sum,
        LEVEL_OPTIONS,
        None,
        precision=0,
        note="Sum over countries with a 2022 value by the fallback rule, nothing carried.",
    )
)
register(
    Figure(
        "victims_total_2022_pooled_all",
        "Detected victims, plain sum of country totals, 2022",
        "persons",
        (YEAR,),
        _plain_total(YEAR),
        TOTAL_OPTIONS,
        "glotip2024_victims_total_2022_alt_efe",
        precision=0,
        note='Sum of the published 2022 country totals ("<5" left out).',
    )
)
register(
    Figure(
        "victims_total_2021_pooled_all",
        "Detected victims, plain sum of country totals, 2021",
        "persons",
        (YEAR - 1,),
        _plain_total(YEAR - 1),
        TOTAL_OPTIONS,
        "pr2025_victims_total_2021",
        precision=0,
        note='Sum of the published 2021 country totals ("<5" left out).',
    )
)
register(
    Figure(
        "victims_change_2019_2022_pct",
        "Change in detected victims, 2019 to 2022",
        "%",
        (BASE, YEAR),
        _change(BASE),
        CHANGE_OPTIONS,
        "glotip2024_victims_change_2019_2022_pct",
        note="Victims by the fallback rule on the trend panel of the window, to one decimal.",
    )
)
register(
    Figure(
        "victims_change_2020_2022_pct",
        "Change in detected victims, 2020 to 2022",
        "%",
        (PANDEMIC, YEAR),
        _change(PANDEMIC),
        CHANGE_OPTIONS,
        "glotip2024_victims_change_2020_2022_pct",
        note="Victims by the fallback rule on the trend panel of the window, to one decimal.",
    )
)
register(
    Figure(
        "countries_with_data_2019_2022",
        "Countries with data on trafficking, 2019-2022",
        "countries",
        settings.TREND_WINDOW,
        _coverage("countries with a number"),
        frozenset({"countries"}),
        "glotip2024_countries_covered",
        precision=0,
        note='Countries with at least one number (not "<5") of any indicator in the window.',
    )
)
register(
    Figure(
        "population_coverage_2019_2022_pct",
        "Share of the world population living in countries with data, 2019-2022",
        "%",
        settings.TREND_WINDOW,
        _coverage("population with a number (%)"),
        frozenset({"countries"}),
        "glotip2024_population_coverage_pct",
        note="Population of those countries (Walk Free GSI 2023, 2020) over the world's.",
    )
)
