"""Reproduced headline figures against the published ones, read from ``_build/results.json``.

Each target states its tolerance (absolute, in the unit of the figure: percentage points for
``_pct`` shares and changes, persons for counts) and whether the data reproduce the figure
("reproduced": |ours - published| <= tolerance) or not ("miss": the notebook must report both
numbers and a reason; the test asserts the miss is reported, and fails if the gap closes so that
the classification gets revisited). The justification of each tolerance is in the notebook that
records the key and summarised in the ``why`` column here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from tiptrends import paths, published


@dataclass(frozen=True)
class Target:
    key: str
    figure_id: str
    tolerance: float
    expect: str  # "reproduced" or "miss"
    why: str


TARGETS = [
    # filled in from the notebooks' reports; see each notebook's "Published vs reproduced" table
]


@pytest.fixture(scope="module")
def results(site_render) -> dict:
    return json.loads((paths.build_dir() / "results.json").read_text())


def test_every_target_names_a_published_figure() -> None:
    for target in TARGETS:
        assert published.published_value(target.figure_id) is not None
        assert target.expect in ("reproduced", "miss")
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
    else:
        assert entry.get("note"), f"{target.key}: a miss must carry its reason"
        assert abs(gap) > target.tolerance, (
            f"{target.key} now reproduces the published figure (gap {gap:+.2f}): "
            "reclassify it as reproduced"
        )
