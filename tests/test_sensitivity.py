"""``sensitivity.spread``: the range of each figure across every scenario, wherever the base sits."""

from __future__ import annotations

import pandas as pd
import pytest

from tiptrends.methods import sensitivity


def test_spread_is_max_minus_min_whatever_the_column_order() -> None:
    # the first column (the project's rule) lies inside the range, as in the book's tables
    table = pd.DataFrame(
        {"rule": [40.0, 10.0, 5.0], "lower": [31.0, 12.0, 5.0], "upper": [43.0, 8.0, 5.0]},
        index=pd.Index(["forced labour", "children", "flat"], name="figure"),
    )
    got = sensitivity.spread(table)
    assert got.name == "range"
    assert got.to_dict() == pytest.approx({"forced labour": 12.0, "children": 4.0, "flat": 0.0})
    # the same table with its columns in any order gives the same ranges
    for order in (["lower", "rule", "upper"], ["upper", "lower", "rule"]):
        assert sensitivity.spread(table[order]).to_dict() == pytest.approx(got.to_dict())


def test_spread_of_a_rule_switch_table() -> None:
    switches = sensitivity.rule_switches(
        {"x": lambda scale=1.0: 10.0 * scale},
        {"rule": {}, "down": {"scale": 0.5}, "up": {"scale": 2.0}},
    )
    assert sensitivity.spread(switches).loc["x"] == pytest.approx(20.0 - 5.0)
