"""Tests of the results registry."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from tiptrends.report import results


@pytest.fixture
def no_render(monkeypatch):
    monkeypatch.delenv(results.RESULTS_FILE_ENV, raising=False)
    monkeypatch.delenv(results.NOTEBOOK_ENV, raising=False)


def test_record_outside_render_returns_value_and_writes_nothing(tmp_path, monkeypatch, no_render):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(tmp_path / "_build"))
    assert results.record("victims_total", 75128) == 75128
    value = np.float64(38.5)
    assert results.record("share_pct", value) is value
    assert list(tmp_path.iterdir()) == []


def test_record_under_render_writes_json(tmp_path, monkeypatch):
    target = tmp_path / "cache" / "nb.results.json"
    monkeypatch.setenv(results.RESULTS_FILE_ENV, str(target))
    monkeypatch.setenv(results.NOTEBOOK_ENV, "01_x.ipynb")
    results.record(
        "victims_2022_total", np.int64(75128), published=69627, source="GLOTIP 2024", unit="victims"
    )
    results.record("sexual_share_pct", np.float32(38.5), unit="%", note="countries with data")
    results.record("victims_2022_total", 75000)  # updates the key
    table = json.loads(target.read_text())
    assert table["victims_2022_total"] == {
        "value": 75000,
        "notebook": "01_x.ipynb",
        "published": None,
        "source": None,
        "unit": None,
        "note": None,
        "basis": None,
        "year": "2022",
    }
    assert table["sexual_share_pct"]["value"] == 38.5
    assert table["sexual_share_pct"]["unit"] == "percent"
    assert isinstance(table["sexual_share_pct"]["value"], float)
    assert [p.name for p in target.parent.iterdir()] == [target.name], "no temp files left"


@pytest.mark.parametrize(
    "bad", [math.nan, math.inf, -math.inf, np.float64("nan"), "3", None, True, np.array([1.0, 2.0])]
)
def test_record_rejects_non_finite_or_non_numbers(bad, no_render):
    with pytest.raises(ValueError):
        results.record("x_total", bad)


def test_record_rejects_non_finite_published(no_render):
    with pytest.raises(ValueError):
        results.record("x_total", 1, published=math.nan)


@pytest.mark.parametrize("key", ["VictimsTotal", "victims total", "_x", "x__y", "x_", "1x", ""])
def test_record_requires_snake_case_keys(key, no_render):
    with pytest.raises(ValueError, match="snake_case"):
        results.record(key, 1)
