"""Figures of the European Union: detected victims, persons convicted and the children's
share of the member states (registered on import).

Each figure reads the option ``countries``: the current 27 member states
(:data:`tiptrends.io.countries.EU27`, every year) unless a caller passes another set, as a
place profile does for its own countries, so that chapter 06 and every profile read one
function. Totals are plain sums of the totals the countries published; a ``"<5"`` total adds
nothing (policy ``suppressed``), and the number of countries that published one goes with
every sum.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from tiptrends import settings
from tiptrends.io.countries import EU27
from tiptrends.methods import aggregate
from tiptrends.methods.eu_figures import eu_subset
from tiptrends.methods.figures.core import Figure, Inputs, Options, figure, register
from tiptrends.vocab import CONVICTED, VICTIMS

YEAR = settings.LATEST_YEAR

TOTAL_OPTIONS = frozenset({"suppressed", "countries"})
"""Options every total reads."""


def totals_by_year(
    glotip: pd.DataFrame,
    indicator: str = VICTIMS,
    countries: Iterable[str] = EU27,
    suppressed: str = "exclude",
) -> pd.DataFrame:
    """Sum of the country totals of ``indicator`` per year over ``countries``.

    Parameters
    ----------
    glotip : DataFrame
        Curated GLOTIP table of a data basis.
    indicator : str
        Detected victims (default) or persons convicted, prosecuted, ...
    countries : iterable of str
        ISO3 codes (default the EU-27).
    suppressed : str
        Policy for ``"<5"`` totals (:func:`tiptrends.methods.aggregate.apply_suppression_policy`).

    Returns
    -------
    DataFrame
        Index ``year``: ``total`` and ``n_countries`` (countries with a published total).
    """
    counts = aggregate.country_year_counts(glotip, indicator, suppressed=suppressed)  # type: ignore[arg-type]
    return aggregate.aggregate_total(eu_subset(counts, countries)).set_index("year")


def total(indicator: str, year: int, column: str = "total"):
    """``compute`` of a total (``column="total"``) or of its number of countries."""

    def compute(inputs: Inputs, o: Options) -> float:
        sums = totals_by_year(inputs.rows(year), indicator, o.countries or EU27, o.suppressed)
        return float(sums[column].get(year, float("nan")))

    return compute


def children_share(inputs: Inputs, o: Options) -> float:
    """The children's share of :mod:`~tiptrends.methods.figures.children` on the member states."""
    return figure("children_share_2022_pct").compute(
        inputs, o.replace(countries=o.countries or EU27)
    )


SUM = "Plain sum over the member states with a published total; '<5' totals add nothing."

for _year, _published in (
    (YEAR - 1, "eurostat_victims_total_2021"),
    (YEAR, "eurostat_victims_total_2022"),
):
    register(
        Figure(
            f"eu_victims_{_year}",
            f"Detected victims, EU-27, {_year}",
            "persons",
            (_year,),
            total(VICTIMS, _year),
            TOTAL_OPTIONS,
            _published,
            precision=0,
            note=SUM,
        )
    )
register(
    Figure(
        f"eu_reporting_states_{YEAR}",
        f"Member states with a published total of detected victims, {YEAR}",
        "member states",
        (YEAR,),
        total(VICTIMS, YEAR, "n_countries"),
        TOTAL_OPTIONS,
        precision=0,
        note="Member states whose total is a number (not '<5', not missing, not excluded).",
    )
)
register(
    Figure(
        f"eu_convicted_{YEAR}",
        f"Persons convicted of trafficking, EU-27, {YEAR}",
        "persons",
        (YEAR,),
        total(CONVICTED, YEAR),
        TOTAL_OPTIONS,
        "eurostat_convicted_2022",
        precision=0,
        note="Plain sum over every member state with a published total of persons convicted.",
    )
)
register(
    Figure(
        f"eu_convicting_states_{YEAR}",
        f"Member states with a published total of persons convicted, {YEAR}",
        "member states",
        (YEAR,),
        total(CONVICTED, YEAR, "n_countries"),
        TOTAL_OPTIONS,
        precision=0,
        note="Member states whose total of persons convicted is a number.",
    )
)
register(
    Figure(
        "eu_children_share_2022_pct",
        "Children's share of detected victims, EU-27, 2022",
        "%",
        (YEAR,),
        children_share,
        frozenset(
            {"suppressed", "method", "denominator", "countries", "population", "form_fallback"}
        ),
        "ec5_children_share_2021_2022_pct",
        note="The children's share (girls + boys among victims of known sex and age) of the "
        "member states; the Commission's figure pools 2021-2022 registered victims.",
    )
)
