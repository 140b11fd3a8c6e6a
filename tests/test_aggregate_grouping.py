"""Two-stage shares over a grouping column added after extraction (known answer)."""

from __future__ import annotations

import pandas as pd
import pytest

from tiptrends.methods import aggregate


def _counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC"],
            "country": ["A", "B", "C"],
            "region": ["R", "R", "R"],
            "subregion": ["S", "S", "S"],
            "year": [2022, 2022, 2022],
            "FL": [1.0, 3.0, 0.0],
            "SX": [1.0, 1.0, 4.0],
            "Total": [2.0, 4.0, 4.0],
            "group": ["G1", "G2", "G2"],
        }
    )


def test_two_stage_over_an_added_grouping_column() -> None:
    result = aggregate.aggregate_share(
        _counts(), ["FL"], method="two_stage", region_column="group", known=["FL", "SX"]
    )
    # G1: 1/2 = 0.5; G2 pooled: 3/8 = 0.375; equal weights across groups -> 0.4375
    assert result.share == pytest.approx(0.4375)
    assert result.n_countries == 3


def test_share_inputs_carries_requested_columns() -> None:
    units = aggregate.share_inputs(_counts(), ["FL"], "known", ["FL", "SX"], carry=["group"])
    assert list(units["group"]) == ["G1", "G2", "G2"]
    assert "group" not in aggregate.share_inputs(_counts(), ["FL"], "known", ["FL", "SX"]).columns
