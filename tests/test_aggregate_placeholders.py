"""A breakdown made only of "<5" placeholder rows is not a reported breakdown."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.tables import META, curated_row
from tiptrends.methods import aggregate
from tiptrends.vocab import DIM_FORM, FORCED_LABOUR, SEXUAL


def _table() -> pd.DataFrame:
    place = META
    return pd.DataFrame(
        [
            # AAA: a large total and a lone "<5" form row (placeholder)
            curated_row("AAA", 2019, 32_022.0, place=place["AAA"]),
            curated_row("AAA", 2019, "<5", dimension=DIM_FORM, category=SEXUAL, place=place["AAA"]),
            # BBB: a real breakdown with one suppressed cell
            curated_row("BBB", 2019, 20.0, place=place["BBB"]),
            curated_row("BBB", 2019, 17.0, dimension=DIM_FORM, category=SEXUAL, place=place["BBB"]),
            curated_row(
                "BBB", 2019, "<5", dimension=DIM_FORM, category=FORCED_LABOUR, place=place["BBB"]
            ),
        ]
    )


def test_placeholder_breakdowns_do_not_count_under_any_policy() -> None:
    for policy in ("exclude", "impute", "lower", "upper"):
        counts = aggregate.country_year_counts(_table(), dimension=DIM_FORM, suppressed=policy)
        aaa = counts.set_index("iso3").loc["AAA"]
        assert np.isnan(aaa[SEXUAL]) and aaa["Total"] == 32_022
        bbb = counts.set_index("iso3").loc["BBB"]
        assert bbb[SEXUAL] == 17
    upper = aggregate.country_year_counts(_table(), dimension=DIM_FORM, suppressed="upper")
    assert upper.set_index("iso3").loc["BBB", FORCED_LABOUR] == 4


def test_the_rule_can_be_switched_off() -> None:
    counts = aggregate.country_year_counts(
        _table(), dimension=DIM_FORM, suppressed="impute", require_published=False
    )
    assert counts.set_index("iso3").loc["AAA", SEXUAL] == 2.5


def test_placeholder_country_does_not_enter_a_share() -> None:
    counts = aggregate.country_year_counts(_table(), dimension=DIM_FORM, suppressed="upper")
    share = aggregate.aggregate_share(counts, [FORCED_LABOUR], known=[SEXUAL, FORCED_LABOUR])
    assert share.n_countries == 1
    assert share.share == 4 / 21
