"""The two data bases: the reproduction (what the report did) and the re-analysis (what to
cite today), each a documented option of ``figures.value``.

- split: the reproduction has no collection exclusion and the vintage rule; the re-analysis
  has the exclusions and no vintage rule; each rule is a public switch of ``value``;
- no splice: no country series of any basis holds values of two releases;
- one panel: the 2022 headline total is the level of the trend panel its change is
  measured on, from one count per country (total, else sex x age, else forms).
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from tiptrends.io import exclusions as X
from tiptrends.methods import figures, panels
from tiptrends.methods.figures import victims
from tiptrends.vocab import VICTIMS


@pytest.fixture(scope="module")
def data(glotip_2025, glotip_2023) -> None:
    """The releases are built (the registry loads them itself)."""


def _mixed_series(table: pd.DataFrame) -> list[tuple[str, str]]:
    n = table.groupby(["iso3", "indicator"])["release"].nunique()
    return [tuple(k) for k in n[n > 1].index]  # type: ignore[misc]


def test_mixed_series_check_catches_a_splice() -> None:
    t = pd.DataFrame(
        {
            "iso3": ["AAA", "AAA", "BBB"],
            "indicator": [VICTIMS] * 3,
            "release": ["old", "new", "new"],
        }
    )
    assert _mixed_series(t) == [("AAA", VICTIMS)]


@pytest.mark.parametrize(
    ("basis", "exclusions", "vintage", "repair"),
    list(itertools.product(("report", "current"), (None, True, False), (None,), (False, True))),
)
def test_no_series_mixes_two_releases(data, basis, exclusions, vintage, repair) -> None:
    t = figures.table(basis, exclusions=exclusions, vintage=vintage, repair=repair)
    assert _mixed_series(t) == []


def test_repair_replaces_whole_series(data, glotip_2023) -> None:
    t = figures.table("current", repair=True)
    npl = t[(t["iso3"] == "NPL") & (t["indicator"] == VICTIMS)]
    assert set(npl["release"]) == {glotip_2023["release"].iloc[0]}
    assert 2022 not in set(npl["year"])  # the earlier release has no 2022: dropped, not spliced


def test_reproduction_has_no_exclusions_and_the_vintage_rule(data, glotip_2025) -> None:
    rep, cur = figures.table("report"), figures.table("current")
    entries = X.load_exclusions()
    # Germany 2022 (excluded, "<5" total beside 1,500 victims by form) is in the reproduction
    de = rep[(rep["iso3"] == "DEU") & (rep["year"] == 2022) & (rep["indicator"] == VICTIMS)]
    assert not de.empty
    assert cur[(cur["iso3"] == "DEU") & (cur["year"] == 2022) & (cur["indicator"] == VICTIMS)].empty
    # the vintage rule: Pakistan 2019-2022 out of the reproduction, in the re-analysis
    for t, present in ((rep, False), (cur, True)):
        pak = t[(t["iso3"] == "PAK") & (t["year"] >= 2019) & (t["indicator"] == VICTIMS)]
        assert pak.empty is not present
    # both directions of restatement are dropped by one rule, none reverted to the 2023 release
    flags = figures.data_bases().flags
    assert {"up", "down"} <= set(flags["direction"])
    assert set(rep["release"]) == {glotip_2025["release"].iloc[0]}
    kept, _ = X.apply_exclusions(glotip_2025, entries)
    assert len(cur) == len(kept)


def test_switches_move_one_basis_onto_the_other(data) -> None:
    for key in ("victims_change_2019_2022_pct", "forced_labour_change_2019_2022_pct"):
        assert figures.value(key, exclusions=True) == figures.value(key, "current", vintage=True)
        assert figures.value(key, "reproduction") == figures.value(key)
        assert figures.value(key, "reanalysis") == figures.value(key, "current")
    with pytest.raises(ValueError):
        figures.value("victims_change_2019_2022_pct", "vintage")


@pytest.mark.parametrize("basis", figures.BASES)
def test_level_and_change_are_on_one_panel(data, basis) -> None:
    o = figures.Options()
    counts = victims.victim_counts(figures.table(basis), o)
    tr = panels.trend_change(counts, 2019, 2022, "value")
    assert figures.value("victims_total_2022", basis) == tr.total_y1
    assert figures.value("victims_change_2019_2022_pct", basis) == round(tr.pct_change, 1)
    share = figures.value("victims_total_2022_filled_share_pct", basis)
    assert share == pytest.approx(100 * tr.filled_share_y1)
    # the plain sum is shown beside it and differs (the panel carries ends)
    assert figures.value("victims_total_2022_fallback_sum", basis) < tr.total_y1


def test_fallback_total_is_one_rule_and_stops_the_uk_carry(data) -> None:
    counts = panels.fallback_totals(figures.table("report"))
    uk = counts[(counts["iso3"] == "GBR") & (counts["year"] == 2022)]
    assert len(uk) == 1 and uk["source"].iloc[0] != "total" and uk["value"].iloc[0] > 10_000
    # a country-year with a total row always takes it
    plain = panels.fallback_totals(figures.table("report"), fallback=False)
    both = counts.merge(plain, on=["iso3", "year"], suffixes=("", "_plain"))
    assert (both["value"] == both["value_plain"]).all() and (both["source"] == "total").all()
    # on the trend panel the UK's 2022 is observed, not carried from 2021
    panel = panels.country_set(counts, range(2019, 2023), "trend", "value").values
    gbr = panel[(panel["iso3"] == "GBR") & (panel["year"] == 2022)]
    assert not bool(gbr["interpolated"].iloc[0])
