"""The data-vintage rule: flagged restatements, report basis and its validation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.tables import curated_row
from tiptrends.analyses.coverage import forced_labour_lead
from tiptrends.io import exclusions as X
from tiptrends.methods import vintage as V
from tiptrends.vocab import CONVICTED, DIM_FORM, SEXUAL

PLACE = {
    "AAA": ("Aland", "Asia", "Southern Asia"),
    "BBB": ("Bland", "Europe", "Eastern Europe"),
    "CCC": ("Cland", "Africa", "Northern Africa"),
    "DDD": ("Dland", "Europe", "Western Europe"),
}


def _table(series: dict[str, dict[int, float | str]], release: str, extra=()) -> pd.DataFrame:
    rows = [
        curated_row(iso3, year, value, place=PLACE[iso3])
        for iso3, s in series.items()
        for year, value in s.items()
    ]
    rows += list(extra)
    out = pd.DataFrame(rows)
    out["release"] = release
    return out


@pytest.fixture
def releases() -> tuple[pd.DataFrame, pd.DataFrame]:
    earlier = _table(
        {
            "AAA": {2018: 10.0, 2019: "<5", 2020: 22.0},  # restated up by > 10x and > 1,000
            "BBB": {2019: 2000.0, 2020: 2000.0, 2021: 2000.0},  # restated down 2021
            "CCC": {2019: 100.0, 2020: 150.0},  # restated 10x but by < 1,000 victims
            "DDD": {2019: 5000.0, 2020: 5000.0},  # revised +100%: ordinary
        },
        "old",
        extra=[curated_row("AAA", 2020, 7.0, indicator=CONVICTED, place=PLACE["AAA"])],
    )
    current = _table(
        {
            "AAA": {2018: 10.0, 2019: 3000.0, 2020: 2000.0, 2021: 2500.0, 2022: 2600.0},
            "BBB": {2019: 2000.0, 2020: 2000.0, 2021: 150.0, 2022: 140.0},
            "CCC": {2019: 1000.0, 2020: 1000.0},
            "DDD": {2019: 10000.0, 2020: 5000.0, 2022: 4000.0},
        },
        "new",
        extra=[
            curated_row("AAA", 2020, 9.0, indicator=CONVICTED, place=PLACE["AAA"]),
            curated_row("AAA", 2021, 2000.0, DIM_FORM, SEXUAL, place=PLACE["AAA"]),
        ],
    )
    return current, earlier


def test_flags_both_directions_and_continuations(releases) -> None:
    current, earlier = releases
    f = V.flagged_restatements(current, earlier)
    got = list(zip(f["iso3"], f["year"], f["direction"], f["rule"], strict=True))
    assert got == [
        ("AAA", 2019, "up", "restatement"),
        ("AAA", 2020, "up", "restatement"),
        ("AAA", 2021, "up", "continuation"),
        ("AAA", 2022, "up", "continuation"),
        ("BBB", 2021, "down", "restatement"),
        ("BBB", 2022, "down", "continuation"),
    ]
    aaa19 = f.iloc[0]
    # "<5" is read as 4 against a larger value: the certain ratio and difference
    assert aaa19["ratio"] == pytest.approx(3000 / 4)
    assert aaa19["difference"] == pytest.approx(2996)
    assert math.isnan(aaa19["value_earlier"]) and aaa19["value_current"] == 3000
    assert f.iloc[4]["ratio"] == pytest.approx(2000 / 150)
    assert list(f.columns) == list(V.FLAG_COLUMNS)


def test_continuation_reach(releases) -> None:
    current, earlier = releases
    f = V.flagged_restatements(current, earlier, continuation="covered")
    # the earlier release ends in 2021: 2022 values could not have been restated
    assert list(zip(f["iso3"], f["year"], strict=True)) == [
        ("AAA", 2019),
        ("AAA", 2020),
        ("AAA", 2021),
        ("BBB", 2021),
    ]
    basis = V.report_basis(current, earlier, continuation="covered")
    assert ((basis["iso3"] == "AAA") & (basis["year"] == 2022)).any()
    with pytest.raises(ValueError, match="continuation"):
        V.flagged_restatements(current, earlier, continuation="none")  # type: ignore[arg-type]


def test_thresholds_are_both_required(releases) -> None:
    current, earlier = releases
    # CCC: 10x but only 900 more victims; with a lower minimum it is flagged
    low = V.flagged_restatements(current, earlier, min_victims=800)
    assert ("CCC", 2019) in set(zip(low["iso3"], low["year"], strict=True))
    # DDD doubles 2019: never an order of magnitude; a ratio of 2 flags it
    loose = V.flagged_restatements(current, earlier, ratio=2)
    assert ("DDD", 2019) in set(zip(loose["iso3"], loose["year"], strict=True))
    # ... but DDD's 2022 is no continuation: 2020 confirms the series first
    assert ("DDD", 2022) not in set(zip(loose["iso3"], loose["year"], strict=True))
    strict = V.flagged_restatements(current, earlier, ratio=1000)
    assert set(strict["iso3"]) == set()  # AAA 2019 ratio 750 < 1000


def test_suppressed_cells_cannot_create_a_flag() -> None:
    # "<5" -> 1,004: the ratio is >= 251 whatever the cell, the difference only >= 1,000
    earlier = _table({"AAA": {2019: "<5"}}, "old")
    current = _table({"AAA": {2019: 1003.0}}, "new")
    assert V.flagged_restatements(current, earlier).empty
    current = _table({"AAA": {2019: 1004.0}}, "new")
    assert len(V.flagged_restatements(current, earlier)) == 1


def test_added_series_listed_for_review_only(releases) -> None:
    current, earlier = releases
    f = V.flagged_restatements(current, earlier, with_added=True)
    added = f[f["rule"] == "added"]
    # DDD 2022 is not 'added': the earlier release covers no 2022 at all
    assert added.empty
    current2 = pd.concat([current, _table({"CCC": {2021: 1200.0}}, "new")], ignore_index=True)
    f2 = V.flagged_restatements(current2, earlier, with_added=True)
    assert f2.loc[f2["rule"] == "added", ["iso3", "year"]].values.tolist() == [["CCC", 2021]]
    basis = V.report_basis(current2, earlier)
    assert ((basis["iso3"] == "CCC") & (basis["year"] == 2021)).any()


def test_report_basis_switches(releases) -> None:
    current, earlier = releases
    keep = V.report_basis(current, earlier, replace="keep")
    assert keep is current
    drop = V.report_basis(current, earlier)
    keys = set(zip(drop["iso3"], drop["year"], drop["indicator"], strict=True))
    assert ("AAA", 2019, CONVICTED) not in keys  # never in the table
    assert ("AAA", 2020, CONVICTED) in keys  # other indicators untouched
    victims = drop[drop["indicator"] != CONVICTED]
    assert sorted(set(zip(victims["iso3"], victims["year"], strict=True))) == [
        ("AAA", 2018),
        ("BBB", 2019),
        ("BBB", 2020),
        ("CCC", 2019),
        ("CCC", 2020),
        ("DDD", 2019),
        ("DDD", 2020),
        ("DDD", 2022),
    ]
    # the form row of a flagged country-year goes with its total
    assert not ((drop["iso3"] == "AAA") & (drop["year"] == 2021)).any()
    back = V.report_basis(current, earlier, replace="earlier")
    aaa = back[(back["iso3"] == "AAA") & (back["indicator"] != CONVICTED)]
    assert aaa.set_index("year")["release"].to_dict() == {2018: "new", 2019: "old", 2020: "old"}
    assert aaa.set_index("year")["value"].loc[2020] == 22.0
    assert len(current) - len(drop) == 7  # six flagged totals and the AAA 2021 form row
    with pytest.raises(ValueError, match="replace"):
        V.report_basis(current, earlier, replace="newest")  # type: ignore[arg-type]


def test_bad_arguments(releases) -> None:
    current, earlier = releases
    with pytest.raises(ValueError, match="ratio"):
        V.flagged_restatements(current, earlier, ratio=1.0)
    with pytest.raises(ValueError, match="min_victims"):
        V.flagged_restatements(current, earlier, min_victims=-1)
    with pytest.raises(ValueError, match="curated"):
        V.flagged_restatements(current.drop(columns="suppressed"), earlier)


def test_threshold_sensitivity_table(releases) -> None:
    current, earlier = releases
    t = V.threshold_sensitivity(current, earlier, ratios=(2, 10), min_victims=(500, 1000))
    assert len(t) == 4
    row = t[(t["ratio"] == 10) & (t["min_victims"] == 1000)].iloc[0]
    assert row["same_as_default"] and row["n_flagged"] == 6
    assert not t[(t["ratio"] == 2) & (t["min_victims"] == 500)].iloc[0]["same_as_default"]


# ------------------------------------------------------------------ real data


@pytest.fixture(scope="module")
def real(glotip_2025, glotip_2023):
    entries = X.load_exclusions()
    current, _ = X.apply_exclusions(glotip_2025, entries)
    earlier, _ = X.apply_exclusions(glotip_2023, entries)
    return current, earlier


def test_real_flagged_list_is_pakistan_and_threshold_free(real) -> None:
    current, earlier = real
    f = V.flagged_restatements(current, earlier)
    assert list(zip(f["iso3"], f["year"], f["rule"], strict=True)) == [
        ("PAK", 2019, "restatement"),
        ("PAK", 2020, "restatement"),
        ("PAK", 2021, "continuation"),
        ("PAK", 2022, "continuation"),
    ]
    assert f["value_current"].tolist() == [32022.0, 20045.0, 21253.0, 26539.0]
    sens = V.threshold_sensitivity(
        current, earlier, ratios=(10, 20, 50), min_victims=(500, 2000, 5000)
    )
    assert sens["same_as_default"].all()


@pytest.mark.parametrize("exclusions", [False, True])
def test_real_validation_identities(exclusions, glotip_2025, glotip_2023) -> None:
    # the reproduction applies no exclusion (False); True is the exclusions switch
    current, earlier, _, _ = V.processed(
        glotip_2025, glotip_2023, exclusions=exclusions, vintage=False
    )
    v = V.vintage_validation(current, earlier, form_lead=forced_labour_lead)
    v = v.set_index(["statement", "data"])
    ok = v["consistent"]
    # the published identities the rule never used hold on the report basis ...
    for statement in ("four_year_total", "victims_2021_over"):
        assert ok[(statement, "report_basis")]
        assert not ok[(statement, "current")]  # ... and fail on the current release
    assert ok[("forced_labour_main_form_2022_two_stage", "report_basis")]
    # the published 2022 total contradicts the rule: it fits the current release, whose
    # Pakistan 2022 (26,539) the report basis removes as a continuation
    assert ok[("victims_total_2022", "current")]
    assert not ok[("victims_total_2022", "report_basis")]
    covered = V.vintage_validation(
        current, earlier, continuation="covered", form_lead=forced_labour_lead
    )
    covered = covered.set_index(["statement", "data"])["consistent"]
    assert covered[("victims_total_2022", "report_basis")]
    assert covered[("four_year_total", "report_basis")]
    assert not ok[("glotip2022_total_2019", "current")]
    # forced labour's lead over sexual exploitation grows under every method
    for m in ("pooled", "mean", "two_stage"):
        key = f"forced_labour_main_form_2022_{m}"
        assert v.loc[(key, "report_basis"), "value"] > v.loc[(key, "current"), "value"]


def test_data_bases_switches(glotip_2025, glotip_2023):
    from tiptrends.methods.vintage import data_bases

    b = data_bases(glotip_2025, glotip_2023)
    flagged = set(zip(b.flags["iso3"], b.flags["year"], strict=True))
    # without the collection's exclusions the rule flags both directions of restatement
    pak = {("PAK", y) for y in range(2019, 2023)}
    down = {("NPL", 2020), ("NPL", 2021), ("UKR", 2020), ("UKR", 2021), ("UKR", 2022)}
    assert flagged == pak | down
    basis = b.report_basis[b.report_basis["indicator"] == "Detected trafficking victims"]
    keys = set(zip(basis["iso3"], basis["year"], strict=True))
    assert not keys & flagged  # dropped in both directions, never reverted to 2023
    assert set(b.report_basis["release"]) == set(glotip_2025["release"])
    off = data_bases(glotip_2025, glotip_2023, vintage=False)
    assert off.flags.empty and len(off.report_basis) == len(glotip_2025)
    with_ex = data_bases(glotip_2025, glotip_2023, exclusions=True)
    assert set(zip(with_ex.flags["iso3"], with_ex.flags["year"], strict=True)) == pak
    assert len(with_ex.report_basis) < len(b.report_basis)
    repaired = data_bases(glotip_2025, glotip_2023, repair=True)
    assert len(set(repaired.current_release["release"])) == 2  # whole series from 2023
    assert repaired.exclusions["series_replaced"].any()
