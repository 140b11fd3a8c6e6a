"""The EU-27 profile and chapter 06 state the same EU totals: one registered figure.

Before, the profile dropped Finland's 2021 total (its exclusion is repaired from the 2023
release, which the profile did not pass) and summed convictions only over member states with
a victim total, so it showed 7,103 victims for 2021 and 1,971 persons convicted in 2022 (13
member states) where the chapter showed 7,346 and 2,131 (14).
"""

from __future__ import annotations

import pytest

from tiptrends.analyses import places
from tiptrends.io.countries import EU27
from tiptrends.methods import figures


@pytest.fixture(scope="module")
def eu_profile(glotip_2025, glotip_2023):
    pdata = places.load_profile_data()
    return pdata, places.resolve_place(region="EU27", glotip=pdata.glotip)


@pytest.mark.parametrize("year", [2021, 2022])
def test_eu_profile_totals_are_the_registered_figure(eu_profile, year: int) -> None:
    pdata, place = eu_profile
    by_year = places.victims_by_year(places.victim_status(pdata, place))
    # a profile states today's data: the re-analysis of the chapter's figure
    chapter = figures.value(f"eu_victims_{year}", "current")
    assert by_year.loc[year, "victims"] == chapter
    assert figures.value(f"eu_victims_{year}", "current", countries=place.members) == chapter
    assert figures.evaluate(f"eu_victims_{year}", pdata.glotip, countries=EU27) == chapter


def test_eu_profile_convictions_are_the_registered_figure(eu_profile) -> None:
    pdata, place = eu_profile
    justice = places.convictions_per_victim(pdata, place)
    assert justice.loc[2022, "convicted"] == figures.value("eu_convicted_2022", "current")
    assert justice.loc[2022, "countries convicting"] == figures.value(
        "eu_convicting_states_2022", "current"
    )
    assert figures.value("eu_convicted_2022", countries=place.members) == figures.value(
        "eu_convicted_2022"
    )


def test_a_region_profile_reads_the_same_function(eu_profile) -> None:
    pdata, _ = eu_profile
    region = places.resolve_place(region="Sub-Saharan Africa", glotip=pdata.glotip)
    by_year = places.victims_by_year(places.victim_status(pdata, region))
    assert by_year.loc[2022, "victims"] == figures.value(
        "eu_victims_2022", "current", countries=region.members
    )
