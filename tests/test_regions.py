"""GLOTIP region memberships: the M49 default and the country-level exceptions."""

from __future__ import annotations

import pandas as pd

from tiptrends.io import countries as C

#: GLOTIP 2024's South Asia: M49 Southern Asia without Iran (grouped with the Middle East).
SOUTH_ASIA = {"AFG", "BGD", "BTN", "IND", "LKA", "MDV", "NPL", "PAK"}


def test_iran_is_in_the_middle_east_not_south_asia() -> None:
    assert C.glotip_region("Southern Asia", "IRN") == C.NORTH_AFRICA_MIDDLE_EAST
    assert C.glotip_region("Southern Asia", "PAK") == C.SOUTH_ASIA
    table = C.country_table().set_index("iso3")
    assert table.loc["IRN", "un_subregion"] == "Southern Asia"  # M49 says South Asia
    assert table.loc["IRN", "glotip_region"] == C.NORTH_AFRICA_MIDDLE_EAST


def test_south_asia_has_its_eight_members() -> None:
    table = C.country_table()
    members = set(table.loc[table["glotip_region"] == C.SOUTH_ASIA, "iso3"])
    assert members == SOUTH_ASIA


def test_add_glotip_region_applies_the_overrides() -> None:
    df = pd.DataFrame(
        {"iso3": ["IRN", "IND", "TUR"], "subregion": ["Southern Asia"] * 2 + ["Western Asia"]}
    )
    got = C.add_glotip_region(df)["glotip_region"].tolist()
    assert got == [C.NORTH_AFRICA_MIDDLE_EAST, C.SOUTH_ASIA, C.WEST_SOUTH_EUROPE]


def test_every_country_has_one_glotip_region() -> None:
    table = C.country_table()
    assert table["glotip_region"].notna().all()
    assert set(table["glotip_region"]) == set(C.GLOTIP_REGIONS)
