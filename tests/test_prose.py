"""Prose helpers: values formatted for people and glued under their names."""

from __future__ import annotations

import math

import pytest

from tiptrends.report import prose


def test_format_value_kinds() -> None:
    assert prose.format_value(73067.4, "count", "victims") == "73,067 victims"
    assert prose.format_value(25.66, "pct") == "25.7%"
    assert prose.format_value(46.24, "change_pct") == "+46.2%"
    assert prose.format_value(-5.66, "pp") == "-5.7 percentage points"
    assert prose.format_value(0.8612, "ratio") == "0.86"
    assert prose.format_value("Pakistan", "text") == "Pakistan"
    assert prose.format_value(None) == "-"
    assert prose.format_value(math.nan, "ratio") == "-"


def test_glue_numbers_formats_each_entry_with_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    glued: list[tuple[str, str]] = []
    monkeypatch.setattr(prose, "glue_text", lambda name, text: glued.append((name, text)) or text)
    texts = prose.glue_numbers({"2021": 1234.0, "2022": 56789, "gap": math.nan}, prefix="victims_")
    assert texts == {"victims_2021": "1,234", "victims_2022": "56,789", "victims_gap": "-"}
    assert glued == list(texts.items())


def test_glue_numbers_kind_and_unit_apply_to_all() -> None:
    assert prose.glue_numbers({"a": 1.26, "b": -0.44}, "pp") == {
        "a": "+1.3 percentage points",
        "b": "-0.4 percentage points",
    }
    assert prose.glue_numbers({"x": 2.5}, "ratio", unit="points") == {"x": "2.50 points"}
    assert prose.glue_numbers({}, "pct") == {}


def test_glue_numbers_text_kind_keeps_text() -> None:
    assert prose.glue_numbers({"name": "United Kingdom", "n": 3}, "text") == {
        "name": "United Kingdom",
        "n": "3",
    }


def test_glue_numbers_unknown_kind_fails() -> None:
    with pytest.raises(KeyError):
        prose.glue_numbers({"a": 1.0}, "percent")  # type: ignore[arg-type]
