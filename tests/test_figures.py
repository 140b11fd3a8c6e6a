"""The figure registry (``tiptrends.methods.figures``): one function per headline figure.

Every registered figure, on both data bases, must equal the reviewed value of the book
(``tests/golden/results.json``, which ``tests/test_golden.py`` ties to the rendered
``_build/results.json``): a chapter that recorded a figure through a second path with another
value would fail here or there.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.test_golden import read_golden, same
from tiptrends.io import published
from tiptrends.methods import figures

KEYS = sorted(figures.FIGURES)
ANALYSES = Path(figures.__file__).resolve().parents[2] / "analyses"


@pytest.fixture(scope="module")
def golden(glotip_2025, glotip_2023) -> dict[str, float]:
    return read_golden()


def test_registry_is_large_enough() -> None:
    assert len(figures.FIGURES) >= 20, sorted(figures.FIGURES)


@pytest.mark.parametrize("basis", figures.BASES)
@pytest.mark.parametrize("key", KEYS)
def test_value_equals_the_recorded_value(golden, key: str, basis: str) -> None:
    recorded = figures.recorded(golden, key, basis)  # type: ignore[arg-type]
    assert recorded is not None, f"{key} ({basis}) is registered but not recorded by the book"
    ours = figures.value(key, basis)  # type: ignore[arg-type]
    assert same(ours, recorded), f"{key} ({basis}): registry {ours!r}, book {recorded!r}"


@pytest.mark.parametrize("key", KEYS)
def test_figure_metadata(key: str) -> None:
    fig = figures.FIGURES[key]
    assert fig.key == key
    assert fig.label and fig.label[0].isupper() and "_" not in fig.label, fig.label
    assert fig.unit
    assert all(1990 < y < 2030 for y in fig.years)
    if fig.published_id is not None:
        assert math.isfinite(published.published_value(fig.published_id))


def test_unknown_option_is_an_error() -> None:
    with pytest.raises(TypeError, match="unknown figure option"):
        figures.Options().replace(panle="matched")
    with pytest.raises(TypeError, match="unknown figure option"):
        figures.grid("forced_labour_share_2022_pct", methd=["pooled"])


def test_a_figure_cannot_read_an_unknown_option() -> None:
    with pytest.raises(ValueError, match="unknown options"):
        figures.Figure("x", "X", "%", (2022,), lambda i, o: 0.0, frozenset({"nope"}))


def test_a_key_is_registered_once() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        figures.register(figures.FIGURES[KEYS[0]])


def test_evaluate_on_a_hand_made_table() -> None:
    """Two countries, 2022: A 30 forced labour of 100 with known form, B 10 of 50."""
    rows = []
    for iso3, fl, se in (("AAA", 30.0, 70.0), ("BBB", 10.0, 40.0)):
        for form, v in (("Forced labour", fl), ("Sexual exploitation", se)):
            rows.append(_row(iso3, "by form of exploitation", form, v))
        rows.append(_row(iso3, "Total", "Total", fl + se))
    t = pd.DataFrame(rows)
    # pooled: 40 / 150; mean of country shares: (0.3 + 0.2) / 2
    assert figures.evaluate("forced_labour_share_2022_pct", t) == pytest.approx(100 * 40 / 150)
    assert figures.evaluate("forced_labour_share_2022_pct", t, method="mean") == pytest.approx(25)
    assert figures.evaluate("forced_labour_share_2022_pct", t, countries=["BBB"]) == pytest.approx(
        20
    )


def _row(iso3: str, dimension: str, category: str, value: float) -> dict[str, object]:
    return {
        "iso3": iso3,
        "country": iso3.title(),
        "region": "Europe",
        "subregion": "Northern Europe",
        "indicator": "Detected trafficking victims",
        "dimension": dimension,
        "category": category,
        "sex": "Total",
        "age": "Total",
        "year": 2022,
        "value": value,
        "suppressed": False,
        "is_aggregate": False,
        "release": "test",
    }


def test_grid_leaves_out_options_the_figure_does_not_read(glotip_2025, glotip_2023) -> None:
    g = figures.grid(
        "forced_labour_share_2022_pct", method=["pooled", "mean"], panel=["trend", "matched"]
    )
    assert list(g.columns) == ["method", "value"]
    assert g.attrs["no_effect"] == ["panel"]
    assert g.set_index("method").loc["pooled", "value"] == figures.value(
        "forced_labour_share_2022_pct"
    )


def test_switch_table_says_no_effect(glotip_2025, glotip_2023) -> None:
    t = figures.switch_table(
        ["forced_labour_share_2022_pct", "forced_labour_change_2019_2022_pct"],
        {"main": {}, "matched countries": {"panel": "matched"}, "current": {"basis": "current"}},
        labels=False,
    )
    assert t.loc["forced_labour_share_2022_pct", "matched countries"] == figures.NO_EFFECT
    assert t.loc["forced_labour_change_2019_2022_pct", "matched countries"] == figures.value(
        "forced_labour_change_2019_2022_pct", panel="matched"
    )
    assert t.loc["forced_labour_share_2022_pct", "current"] == figures.value(
        "forced_labour_share_2022_pct", "current"
    )


def test_no_per_chapter_figure_registries() -> None:
    """A headline figure is registered in methods.figures only, not in a chapter module."""
    pattern = re.compile(
        r"^(?:[A-Z_]*FIGURES\b|def (?:\w*_)?(?:sensitivity|rule|headline)_figures\b)", re.M
    )
    found = {
        p.name: pattern.findall(p.read_text())
        for p in ANALYSES.glob("*.py")
        if pattern.search(p.read_text())
    }
    assert not found, found
