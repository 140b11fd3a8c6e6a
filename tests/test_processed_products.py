"""The registry's processed releases are data products: stored, listed by the data build and
read back equal to :func:`tiptrends.methods.vintage.processed` computed afresh."""

from __future__ import annotations

import pandas as pd
import pytest

from tiptrends import settings
from tiptrends.io import derived
from tiptrends.methods import derived_tables, figures, vintage
from tiptrends.methods.figures import core


def test_every_processed_rule_set_is_a_product_built_before_the_data_bases() -> None:
    names = list(derived_tables.products())
    processed = [n for n in names if n.startswith("processed_")]
    assert len(processed) == len(derived_tables.PROCESSED_SWITCHES) == 6
    first_bases = min(i for i, n in enumerate(names) if n.startswith("data_bases_"))
    assert max(names.index(n) for n in processed) < first_bases
    assert set(processed) <= set(derived_tables.product_status())


@pytest.mark.parametrize(("exclusions", "vintage_rule"), [(False, True), (True, False)])
def test_stored_tables_equal_a_fresh_computation(exclusions: bool, vintage_rule: bool) -> None:
    stored = figures.processed_tables(exclusions=exclusions, vintage=vintage_rule)
    name = f"processed_{settings.CURRENT_RELEASE}_{settings.EARLIER_RELEASE}"
    name += f"-exclusions={exclusions}-repair=False-vintage={vintage_rule}"
    assert name == derived_tables.release_product(
        "processed", exclusions=exclusions, vintage=vintage_rule, repair=False
    )
    assert derived.read_stamp(name) is not None, "the product is written on first use"
    fresh = vintage.processed(
        core.glotip(settings.CURRENT_RELEASE),
        core.glotip(settings.EARLIER_RELEASE),
        exclusions=exclusions,
        vintage=vintage_rule,
        repair=False,
    )
    assert list(stored) == list(core.PROCESSED_PARTS)
    for part, table in zip(core.PROCESSED_PARTS, fresh, strict=True):
        pd.testing.assert_frame_equal(stored[part], table, check_exact=True)
