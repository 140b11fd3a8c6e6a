"""The vintage rule's flags computed on arrays equal the country-year walk they replaced."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tables import curated_row
from tiptrends.io import exclusions as X
from tiptrends.methods import vintage as V

PLACE = ("Aland", "Asia", "Southern Asia")


def _walk(
    current: pd.DataFrame,
    earlier: pd.DataFrame,
    ratio: float = V.DEFAULT_RATIO,
    min_victims: float = V.DEFAULT_MIN_VICTIMS,
    continuation: str = "all",
) -> list[tuple]:
    """Rules 1 and 2 walked country-year by country-year, as the rule states them."""
    cur = V._total_bounds(current, V.VICTIMS)
    old = V._total_bounds(earlier, V.VICTIMS)
    last_year = int(old.index.get_level_values("year").max())
    rows = []
    for iso3, g in cur.groupby(level="iso3", sort=True):
        run = ""
        for year in sorted(g.index.get_level_values("year")):
            if (iso3, year) in old.index:
                c, e = cur.loc[(iso3, year)], old.loc[(iso3, year)]
                if c["lo"] / e["hi"] >= ratio and c["lo"] - e["hi"] >= min_victims:
                    run = "up"
                elif e["lo"] / c["hi"] >= ratio and e["lo"] - c["hi"] >= min_victims:
                    run = "down"
                else:
                    run = ""
                if run:
                    rows.append((iso3, int(year), run, "restatement"))
            elif run and (continuation == "all" or year <= last_year):
                rows.append((iso3, int(year), run, "continuation"))
    return rows


def _listed(flags: pd.DataFrame) -> list[tuple]:
    cols = ["iso3", "year", "direction", "rule"]
    return [tuple(r) for r in flags[cols].itertuples(index=False, name=None)]


def test_runs_by_hand() -> None:
    # AAA: restated up in 2019 and continued through 2020-2022 (absent from the earlier
    # release) until 2023, where the releases agree; BBB: 2020 agrees (no flag), down in
    # 2021, continued in 2022; CCC: up in 2019 and continued in 2024, a year after the
    # earlier release's last (2023), which only continuation="all" reaches; DDD, only in
    # the current release, continues no other country's run
    earlier = pd.DataFrame(
        [curated_row("AAA", y, 10.0, place=PLACE) for y in (2019, 2023)]
        + [curated_row("BBB", y, 5000.0, place=PLACE) for y in (2020, 2021)]
        + [curated_row("CCC", 2019, 10.0, place=PLACE)]
    )
    current = pd.DataFrame(
        [
            curated_row("AAA", y, v, place=PLACE)
            for y, v in ((2019, 3000.0), (2020, 3000.0), (2021, 1.0), (2022, 2.0), (2023, 10.0))
        ]
        + [curated_row("BBB", y, v, place=PLACE) for y, v in ((2020, 5000.0), (2021, 4.0))]
        + [curated_row("BBB", 2022, 3.0, place=PLACE)]
        + [curated_row("CCC", y, v, place=PLACE) for y, v in ((2019, 3000.0), (2024, 5.0))]
        + [curated_row("DDD", 2022, 7.0, place=PLACE)]
    )
    earlier["release"], current["release"] = "old", "new"
    flags = V.flagged_restatements(current, earlier)
    runs = [
        ("AAA", 2019, "up", "restatement"),
        ("AAA", 2020, "up", "continuation"),
        ("AAA", 2021, "up", "continuation"),
        ("AAA", 2022, "up", "continuation"),
        ("BBB", 2021, "down", "restatement"),
        ("BBB", 2022, "down", "continuation"),
        ("CCC", 2019, "up", "restatement"),
    ]
    assert _listed(flags) == [*runs, ("CCC", 2024, "up", "continuation")]
    assert flags["ratio"].iloc[0] == 3000.0 / 10.0 and flags["ratio"].iloc[1:4].isna().all()
    assert _listed(V.flagged_restatements(current, earlier, continuation="covered")) == runs
    assert _listed(flags) == _walk(current, earlier)


@pytest.fixture(scope="module")
def real(glotip_2025, glotip_2023):
    entries = X.load_exclusions()
    return {
        "as published": (glotip_2025, glotip_2023),
        "exclusions": (
            X.apply_exclusions(glotip_2025, entries)[0],
            X.apply_exclusions(glotip_2023, entries)[0],
        ),
    }


@pytest.mark.parametrize("tables", ["as published", "exclusions"])
@pytest.mark.parametrize(
    ("ratio", "min_victims"), [(10.0, 1000.0), (2.0, 50.0), (1.5, 0.0), (5.0, 500.0)]
)
@pytest.mark.parametrize("continuation", ["all", "covered"])
def test_real_flags_equal_the_walk(real, tables, ratio, min_victims, continuation) -> None:
    current, earlier = real[tables]
    flags = V.flagged_restatements(
        current, earlier, ratio=ratio, min_victims=min_victims, continuation=continuation
    )
    assert len(flags) > 0
    assert _listed(flags) == _walk(current, earlier, ratio, min_victims, continuation)
    assert flags["year"].dtype == "int64"


def test_threshold_grid_equals_one_call_per_pair(real) -> None:
    current, earlier = real["as published"]
    ratios, mins = (5.0, 10.0, 20.0), (500.0, 1000.0, 2000.0)
    grid = V.threshold_sensitivity(current, earlier, ratios, mins).set_index(
        ["ratio", "min_victims"]
    )
    for r in ratios:
        for m in mins:
            f = V.flagged_restatements(current, earlier, ratio=r, min_victims=m)
            items = ", ".join(f"{i} {y}" for i, y in zip(f["iso3"], f["year"], strict=True))
            assert grid.loc[(r, m), "flagged"] == items
            assert grid.loc[(r, m), "n_flagged"] == len(f)
    with pytest.raises(ValueError, match="ratio must exceed 1"):
        V.threshold_sensitivity(current, earlier, ratios=(1.0,))
