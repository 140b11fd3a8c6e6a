"""Reproduced headline figures against the published ones, read from ``_build/results.json``.

Each target states its tolerance (absolute, in the unit of the figure: percentage points for
``_pct`` shares and changes, persons for counts) and whether the data reproduce the figure
("reproduced": |ours - published| <= tolerance; "at_least": a published "over N" holds) or not
("miss": the notebook must report both
numbers and a reason; the test asserts the miss is reported, and fails if the gap closes so that
the classification gets revisited). The justification of each tolerance is in the notebook that
records the key and summarised in the ``why`` column here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from tiptrends import paths
from tiptrends.io import published


@dataclass(frozen=True)
class Target:
    key: str
    figure_id: str
    tolerance: float
    expect: str  # "reproduced", "at_least" (published "over N") or "miss"
    why: str


TARGETS = [
    # --- reproduced: the gap is inside a tolerance the notebook justifies -------------------
    Target(
        "victims_change_2020_2022_pct",
        "glotip2024_victims_change_2020_2022_pct",
        5.0,
        "reproduced",
        "balanced panel 2019-2022 with exclusions gives +46 vs +43; panel "
        "choices move it by a few points (01_detected_victims)",
    ),
    Target(
        "children_share_2020_pct",
        "glotip2022_children_share_2020_pct",
        2.5,
        "reproduced",
        "2023 release, known sex and age, pooled: 36.7 vs 35; exclusions and '<5' bounds "
        "span 34.9-37.3 (04_child_victims)",
    ),
    Target(
        "convictions_change_2017_2020_pct",
        "glotip2022_convictions_change_2017_2020_pct",
        4.0,
        "miss",
        "trend panel of the 2023 release: -7.6 vs 'about -44'; 48 of its 95 countries carry "
        "an earlier value into 2020; matched endpoints -41, balanced -43 (05_traffickers_and_justice)",
    ),
    Target(
        "victims_total_2022_pooled_all",
        "glotip2024_victims_total_2022_alt_efe",
        500.0,
        "reproduced",
        "plain sum of 2022 totals (75,128) against the alternative published "
        "total 74,785: within 0.5% (01_detected_victims)",
    ),
    Target(
        "foreign_victims_change_2019_2020_pct",
        "glotip2022_foreign_victims_change_2019_2020_pct",
        2.0,
        "reproduced",
        "2023 release, matched panel of 47 countries (09_cross_border_flows)",
    ),
    # --- lower bounds ("over N") ------------------------------------------------------------
    Target(
        "victims_total_2021_pooled_all",
        "pr2025_victims_total_2021",
        0.0,
        "at_least",
        "plain sum of 2021 totals against 'over 50,000' (11_press_release_claims)",
    ),
    # --- misses: both numbers and the reason are reported in the notebook --------------------
    Target(
        "victims_total_2022",
        "glotip2024_victims_total_2022",
        1000.0,
        "miss",
        "victims of known sex and age give 73,067 vs 69,627; no definition reaches the "
        "published total, likely revisions after the report (01_detected_victims)",
    ),
    Target(
        "victims_change_2019_2022_pct",
        "glotip2024_victims_change_2019_2022_pct",
        5.0,
        "miss",
        "Pakistan's new 32,022 victims in 2019 and countries without 2022 totals; "
        "+36% without Pakistan (01_detected_victims)",
    ),
    Target(
        "forced_labour_share_2022_pct",
        "glotip2024_forced_labour_share_2022_pct",
        3.0,
        "miss",
        "report basis (Pakistan 2019-2022 left out): 35.3; the USA's breakdown weighs most; "
        "two-stage regional 40.0 (02_forced_labour)",
    ),
    Target(
        "sexual_exploitation_share_2022_pct",
        "glotip2024_sexual_exploitation_share_2022_pct",
        3.0,
        "reproduced",
        "report basis: 38.1, 0.1 above the published 36-38% range; the current release, with "
        "Pakistan's 22,575 victims of sexual exploitation, gives 56.2 (02_forced_labour)",
    ),
    Target(
        "forced_labour_change_2019_2022_pct",
        "glotip2024_forced_labour_change_2019_2022_pct",
        5.0,
        "miss",
        "trend panel of the report basis: +34.7; matched set +58.7, current release +41.0; "
        "UNODC's constant panel is not published (02_forced_labour)",
    ),
    Target(
        "eu_forced_labour_share_2022_pct",
        "pr2025_forced_labour_share_eu_pct",
        3.0,
        "miss",
        "the 37% is Eurostat's EU figure for 2024; Eurostat's 2022 counts give 41.1, close "
        "to ours (02_forced_labour)",
    ),
    Target(
        "other_forms_share_2022_pct",
        "glotip2024_other_forms_share_2022_pct",
        3.0,
        "miss",
        "the data's 'other forms' include forced criminality and mixed forms, the published "
        "8% does not; report basis 26.6, current release 18.2 (03_forced_criminality)",
    ),
    Target(
        "children_share_2022_pct",
        "glotip2024_children_share_2022_pct",
        3.0,
        "miss",
        "Pakistan is 36% of victims of known sex and age, 75% of them adult women; 33% "
        "without Pakistan (04_child_victims)",
    ),
    Target(
        "women_share_2022_pct",
        "glotip2024_women_share_2022_pct",
        3.0,
        "miss",
        "Pakistan's adult women (04_child_victims)",
    ),
    Target(
        "men_share_2022_pct",
        "glotip2024_men_share_2022_pct",
        3.0,
        "miss",
        "Pakistan's adult women shift the whole profile (04_child_victims)",
    ),
    Target(
        "girls_share_2022_pct",
        "glotip2024_girls_share_2022_pct",
        3.0,
        "miss",
        "as above (04_child_victims)",
    ),
    Target(
        "boys_share_2022_pct",
        "glotip2024_boys_share_2022_pct",
        3.0,
        "miss",
        "as above (04_child_victims)",
    ),
    Target(
        "children_change_2019_2022_pct",
        "glotip2024_children_change_2019_2022_pct",
        5.0,
        "miss",
        "Pakistan's child victims fall from 6,937 to 2,457; +50% without Pakistan "
        "(04_child_victims)",
    ),
    Target(
        "eu_victims_2022",
        "eurostat_victims_total_2022",
        300.0,
        "miss",
        "UNODC detected vs Eurostat registered victims; Czechia missing, Germany's 2022 "
        "total published as '<5' (06_european_union)",
    ),
    Target(
        "eu_children_share_2022_pct",
        "ec5_children_share_2021_2022_pct",
        1.0,
        "miss",
        "the Commission's 19% covers 2021-2022; pooling UNODC 2021-2022 gives 18.7 "
        "(06_european_union)",
    ),
]


@pytest.fixture(scope="module")
def results(site_render) -> dict:
    return json.loads((paths.build_dir() / "results.json").read_text())


def test_every_target_names_a_published_figure() -> None:
    for target in TARGETS:
        assert published.published_value(target.figure_id) is not None
        assert target.expect in ("reproduced", "at_least", "miss")
        assert target.tolerance >= 0 and target.why


@pytest.mark.reproduction
@pytest.mark.xdist_group("render")
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.key)
def test_reproduction(results: dict, target: Target) -> None:
    assert target.key in results, f"{target.key} not recorded by any notebook"
    entry = results[target.key]
    expected = published.published_value(target.figure_id)
    assert entry["published"] == pytest.approx(expected), "recorded against a different figure"
    assert entry["source"], "no citation recorded"
    gap = entry["value"] - expected
    if target.expect == "reproduced":
        assert abs(gap) <= target.tolerance, (
            f"{target.key}: {entry['value']:.2f} vs published {expected:g} "
            f"(gap {gap:+.2f}, tolerance {target.tolerance:g})"
        )
    elif target.expect == "at_least":
        low = published.published_row(target.figure_id)["value_low"]
        assert entry["value"] >= low, f"{target.key}: {entry['value']} is not over {low:g}"
    else:
        assert entry.get("note"), f"{target.key}: a miss must carry its reason"
        assert abs(gap) > target.tolerance, (
            f"{target.key} now reproduces the published figure (gap {gap:+.2f}): "
            "reclassify it as reproduced"
        )
