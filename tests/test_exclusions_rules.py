"""The exclusion entries are exactly what the written rules give; repairs from an earlier release."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.tables import curated_row
from tiptrends.errors import DataError
from tiptrends.io import exclusions as X
from tiptrends.methods import exclusion_rules as R
from tiptrends.vocab import (
    ADULT,
    CHILD,
    DIM_CITIZENSHIP,
    DIM_FORM,
    FEMALE,
    FORCED_LABOUR,
    MALE,
    SEXUAL,
)

PLACE = {
    "AAA": ("Aland", "Europe", "Northern Europe"),
    "BBB": ("Bland", "Africa", "Northern Africa"),
    "CCC": ("Cland", "Asia", "Southern Asia"),
    "DDD": ("Dland", "Americas", "South America"),
}


def r(iso3, year, value, *args, **kw):
    return curated_row(iso3, year, value, *args, place=PLACE[iso3], **kw)


def _releases() -> tuple[pd.DataFrame, pd.DataFrame]:
    current = [
        # AAA: citizenship 300 vs total 100 and total revised 400 -> 100: all, repairable
        r("AAA", 2020, 100),
        r("AAA", 2020, 300, DIM_CITIZENSHIP, "Alanders"),
        r("AAA", 2020, 90, DIM_FORM, SEXUAL),
        # BBB: forms 400 vs total 200, no revision: form only
        r("BBB", 2020, 200),
        r("BBB", 2020, 250, DIM_FORM, SEXUAL),
        r("BBB", 2020, 150, DIM_FORM, FORCED_LABOUR),
        # CCC: sex x age 1,500 vs "<5": all (two rules); the earlier total 1,000 is exceeded
        r("CCC", 2020, "<5"),
        r("CCC", 2020, 900, sex=FEMALE, age=ADULT),
        r("CCC", 2020, 600, sex=MALE, age=CHILD),
        # DDD: forms exceed by 40% only: nothing
        r("DDD", 2020, 500),
        r("DDD", 2020, 700, DIM_FORM, SEXUAL),
    ]
    earlier = [r("AAA", 2020, 400), r("BBB", 2020, 200), r("CCC", 2020, 1000), r("DDD", 2020, 300)]
    cur, old = pd.DataFrame(current), pd.DataFrame(earlier)
    cur["release"], old["release"] = "new", "old"
    return cur, old


def test_derive_exclusions_on_hand_made_release() -> None:
    current, earlier = _releases()
    d = R.derive_exclusions(current, earlier, X.ExclusionRules(), other_is_earlier=True)
    got = d.set_index("iso3")
    assert list(got.index) == ["AAA", "BBB", "CCC"]
    assert got.loc["AAA", "scope"] == "all" and got.loc["AAA", "repair_from"] == "old"
    assert got.loc["AAA", "earlier_total"] == 400
    assert "citizenship" in got.loc["AAA", "criteria"]
    assert got.loc["BBB", "scope"] == "form" and got.loc["BBB", "repair_from"] is None
    assert got.loc["CCC", "scope"] == "all"
    assert "placeholder" in got.loc["CCC", "criteria"] and "sex x age" in got.loc["CCC", "criteria"]
    assert got.loc["CCC", "repair_from"] is None  # 1,500 > 1,000: the earlier total disagrees
    # a later release never repairs
    later = R.derive_exclusions(current, earlier, X.ExclusionRules(), other_is_earlier=False)
    assert later["repair_from"].isna().all()
    # looser thresholds flag DDD (forms +40%), stricter ones drop BBB
    loose = X.ExclusionRules(min_rel_excess=0.3)
    assert "DDD" in set(R.derive_exclusions(current, earlier, loose, other_is_earlier=True)["iso3"])
    strict = X.ExclusionRules(min_excess=300)
    assert "BBB" not in set(
        R.derive_exclusions(current, None, strict, other_is_earlier=True)["iso3"]
    )


def test_apply_exclusions_repairs_a_whole_series_from_earlier_release() -> None:
    current, earlier = _releases()
    # AAA also reports 2021 in the current release only, and 2019 in both
    current = pd.concat(
        [current, pd.DataFrame([r("AAA", 2021, 120), r("AAA", 2019, 110)]).assign(release="new")],
        ignore_index=True,
    )
    earlier = pd.concat(
        [earlier, pd.DataFrame([r("AAA", 2019, 380)]).assign(release="old")], ignore_index=True
    )
    entry = X.Exclusion(
        "AAA", (2020,), "r", "d", "v", scope="all", releases=("new",), repair_from="old"
    )
    kept, report = X.apply_exclusions(current, [entry], earlier=earlier)
    aaa = kept[kept["iso3"] == "AAA"]
    # the whole AAA series is the earlier release's: 2019 and 2020, no 2021, no breakdown
    # of the current release beside an earlier total
    assert set(aaa["release"]) == {"old"}
    assert sorted(zip(aaa["year"], aaa["value"], strict=True)) == [(2019, 380.0), (2020, 400.0)]
    assert report.loc[0, "repaired_total"] == 400 and bool(report.loc[0, "series_replaced"])
    assert report.loc[0, "rows_dropped"] == 5  # every AAA row of the current release
    assert report.loc[0, "victims_dropped"] == 100 + 120 + 110
    assert kept.index.is_unique
    # without the earlier release the entry drops the country-year only
    kept2, report2 = X.apply_exclusions(current, [entry])
    left = kept2[kept2["iso3"] == "AAA"]
    assert sorted(left["year"]) == [2019, 2021] and pd.isna(report2.loc[0, "repaired_total"])
    assert not bool(report2.loc[0, "series_replaced"])


def test_load_rules(tmp_path: Path) -> None:
    rules = X.load_rules()
    assert rules == X.ExclusionRules()  # the file states the documented defaults
    p = tmp_path / "x.toml"
    p.write_text("[rules]\nmin_rel_excess = 0.5\n")
    with pytest.raises(DataError, match="rules"):
        X.load_rules(p)
    p.write_text(
        "[rules]\nmin_rel_excess = 'half'\nmin_excess = 1\nrevision_rel = 1\n"
        "revision_min = 1\nplaceholder_total = 4\nplaceholder_breakdown = 1\n"
    )
    with pytest.raises(DataError, match="invalid"):
        X.load_rules(p)


@pytest.mark.parametrize(
    ("release", "other", "other_is_earlier"),
    [("2025-04-14", "2023", True), ("2023-05-30", "2025", False)],
)
def test_file_entries_are_the_rules_applied_exhaustively(
    release, other, other_is_earlier, glotip_2025, glotip_2023
) -> None:
    tables = {"2025": glotip_2025, "2023": glotip_2023}
    this = glotip_2025 if release.startswith("2025") else glotip_2023
    derived = R.derive_exclusions(
        this, tables[other], X.load_rules(), other_is_earlier=other_is_earlier
    )
    derived = derived[["iso3", "year", "scope", "repair_from"]].sort_values(
        ["iso3", "year", "scope"]
    )
    listed = R.entry_keys(X.load_exclusions(), release)
    pd.testing.assert_frame_equal(
        derived.reset_index(drop=True).astype(object),
        listed.reset_index(drop=True).astype(object),
    )


def test_australia_2020_is_excluded_and_repaired(glotip_2025, glotip_2023) -> None:
    entries = X.load_exclusions()
    kept, report = X.apply_exclusions(glotip_2025, entries, earlier=glotip_2023)
    aus = report[(report["iso3"] == "AUS") & (report["years"] == "2020")]
    assert aus["repaired_total"].tolist() == [193.0]
    repaired = report.dropna(subset=["repaired_total"])
    assert set(repaired["iso3"]) == {"AUS", "FIN", "MDA", "MDG", "NPL", "UKR"}
