"""Many places pooled at once equal each place pooled alone (the explorer's path).

``tiptrends.analyses.places.stack_places`` copies each place's rows under a coded year, so
that one call of a per-year function pools every place; the explorer computes its sections
for all places this way. Here the stacking is checked by hand on a small table, and the
many-place tables of real places are compared with the single-place functions of the
profiles, place by place: a country, one whose convictions are only ``"<5"`` (no country-year
with both counts: its ``"<5"`` years still get a row), the EU-27, a GLOTIP region, the world.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from tiptrends.analyses import places

#: Montenegro publishes convictions only as "<5" in the years it also publishes victims.
ONLY_SUPPRESSED = "MNE"


def test_stack_places_copies_each_places_rows_in_order_under_coded_years() -> None:
    table = pd.DataFrame(
        {"iso3": ["B", "A", None, "C", "A"], "year": [2020, 2020, 2020, 2021, 2021], "n": range(5)}
    )
    stacked = places.stack_places(table, [("A",), ("A", "B"), ("Z",)])
    # place 0: A's rows; place 1: B then A, in the table's order; place 2: none
    assert stacked["n"].tolist() == [1, 4, 0, 1, 4]
    assert stacked["year"].tolist() == [2020, 2021, 12020, 12020, 12021]
    back = places.unstack_places(stacked)
    assert back.columns.tolist() == ["place", "iso3", "year", "n"]
    assert back["place"].tolist() == [0, 0, 1, 1, 1]
    assert back["year"].tolist() == [2020, 2021, 2020, 2020, 2021]
    summed = places.unstack_places(stacked.groupby("year")["n"].sum())  # year as the index
    assert summed.values.tolist() == [[0, 2020, 1], [0, 2021, 4], [1, 2020, 1], [1, 2021, 4]]


def test_unstack_places_keeps_the_types_of_an_empty_table() -> None:
    # a place without a form breakdown: the same empty table as the single-place function's
    empty = pd.DataFrame({"year": pd.Series(dtype=object), "share": pd.Series(dtype=float)})
    out = places.unstack_places(empty)
    assert out.columns.tolist() == ["place", "year", "share"] and out.empty
    assert out["year"].dtype == object and out["share"].dtype == float


@pytest.fixture(scope="module")
def pdata(glotip_2025, glotip_2023):
    return places.load_profile_data()


@pytest.fixture(scope="module")
def chosen(pdata) -> list:
    return [
        places.resolve_place("NGA", None, pdata.glotip),
        places.resolve_place(ONLY_SUPPRESSED, None, pdata.glotip),
        places.resolve_place(None, "EU27", pdata.glotip),
        places.resolve_place(None, "Western and Southern Europe", pdata.glotip),
        places.resolve_place(None, "World", pdata.glotip),
    ]


def _place(table: pd.DataFrame, k: int) -> pd.DataFrame:
    return table[table["place"] == k].drop(columns="place").reset_index(drop=True)


def test_form_shares_of_many_places_equal_each_place_alone(pdata, chosen) -> None:
    many = places.form_shares_by_place(pdata, chosen)
    assert set(many["place"]) == set(range(len(chosen)))
    for k, place in enumerate(chosen):
        assert_frame_equal(_place(many, k), places.form_shares(pdata, place), check_dtype=False)


def test_convictions_of_many_places_equal_each_place_alone(pdata, chosen) -> None:
    many = places.convictions_by_place(pdata, chosen)
    for k, place in enumerate(chosen):
        alone = places.convictions_per_victim(pdata, place).reset_index()
        assert_frame_equal(_place(many, k), alone, check_dtype=False)
    # the country without a country-year of both counts keeps its "<5" years
    mne = _place(many, 1)
    assert mne["per_100_victims"].isna().all() and (mne["suppressed"] > 0).any()


def test_victims_by_year_of_many_places_equal_each_place_alone(pdata, chosen) -> None:
    groups = [p.members for p in chosen]
    everyone = tuple(sorted({iso for g in groups for iso in g}))
    world = places.Place("world", "World", "World", everyone, "World", ())
    status = places.victim_status(pdata, world)
    many = places.unstack_places(places.victims_by_year(places.stack_places(status, groups)))
    for k, place in enumerate(chosen):
        alone = places.victims_by_year(places.victim_status(pdata, place)).reset_index()
        assert_frame_equal(_place(many, k), alone, check_dtype=False)


def test_excluded_countries_of_many_places_equal_each_place_alone(pdata, chosen) -> None:
    groups = [p.members for p in chosen]
    for rows in ("form", "sex_age", "total"):
        many = places.unstack_places(places._excluded_by_year(pdata, groups, rows))
        for k, place in enumerate(chosen):
            alone = places.excluded_countries(pdata, place, rows)
            mine = _place(many, k).set_index("year")["iso3"]
            assert_series_equal(mine, alone, check_dtype=False, check_index_type=False)


def test_country_places_resolve_each_country_as_resolve_place(pdata) -> None:
    found = places.country_places(pdata.glotip)
    assert len(found) == places._data_countries(pdata.glotip)["iso3"].nunique()
    for place, note in found[:: max(1, len(found) // 25)] + [
        f for f in found if f[0].code in ("NGA", "MNE")
    ]:
        if note:
            with pytest.raises(places.PlaceError) as err:
                places.resolve_place(place.code, None, pdata.glotip)
            assert str(err.value) == note
        else:
            alone = places.resolve_place(place.code, None, pdata.glotip)
            assert (alone.kind, alone.name, alone.members, alone.comparison) == (
                place.kind,
                place.name,
                place.members,
                place.comparison,
            )
