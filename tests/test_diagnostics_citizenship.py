"""Citizenship breakdowns set against the country total (known answers and the real data)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tables import META, curated_row
from tiptrends.methods import diagnostics
from tiptrends.vocab import CONVICTED, DIM_CITIZENSHIP, VICTIMS


def row(iso3: str, year: int, value, **kw) -> dict:
    return curated_row(iso3, year, value, place=META[iso3], **kw)


def test_breakdown_above_total_is_flagged_with_its_largest_category() -> None:
    df = pd.DataFrame(
        [
            row("AAA", 2020, 10.0),
            row("AAA", 2020, 6.0, dimension=DIM_CITIZENSHIP, category="Nationals"),
            row("AAA", 2020, 10.0, dimension=DIM_CITIZENSHIP, category="TOTAL"),
            # consistent: 3 + "<5" (counted 1) <= 5
            row("BBB", 2020, 5.0),
            row("BBB", 2020, 3.0, dimension=DIM_CITIZENSHIP, category="Nationals"),
            row("BBB", 2020, "<5", dimension=DIM_CITIZENSHIP, category="Romania"),
        ]
    )
    out = diagnostics.citizenship_consistency(df, indicators=[VICTIMS])
    assert list(out["iso3"]) == ["AAA"]
    first = out.iloc[0]
    assert first["breakdown_sum"] == 16 and first["total"] == 10 and first["excess"] == 6
    assert first["largest_category"] == "TOTAL" and first["largest_value"] == 10
    assert first["rel_excess"] == pytest.approx(0.6)


def test_suppressed_total_counts_as_four() -> None:
    df = pd.DataFrame(
        [
            row("CCC", 2021, "<5"),
            row("CCC", 2021, 4.0, dimension=DIM_CITIZENSHIP, category="Nationals"),
        ]
    )
    assert diagnostics.citizenship_consistency(df, indicators=[VICTIMS]).empty


def test_real_data_finds_questionnaire_codes(glotip_2025) -> None:
    out = diagnostics.citizenship_consistency(glotip_2025)
    convicted = out[
        (out["indicator"] == CONVICTED) & (out["iso3"] == "PAK") & (out["year"] == 2020)
    ]
    assert len(convicted) == 1
    assert convicted["largest_category"].iloc[0].startswith("Q6.1_")
    bolivia = out[(out["indicator"] == VICTIMS) & (out["iso3"] == "BOL")]
    flagged = bolivia.set_index("year")["largest_category"]
    assert flagged.loc[2021] == "TOTAL" and flagged.loc[2022] == "TOTAL"


def test_citizenship_based_exclusions_are_backed_by_the_check(glotip_2025) -> None:
    from tiptrends.io import exclusions

    out = diagnostics.citizenship_consistency(glotip_2025, indicators=[VICTIMS])
    flagged = set(zip(out["iso3"], out["year"], strict=True))
    entries = [
        e
        for e in exclusions.load_exclusions()
        if "citizenship_consistency" in e.diagnostic
        and (e.releases is None or "2025-04-14" in e.releases)
    ]
    assert entries, "no exclusion relies on the citizenship check"
    for e in entries:
        for year in e.years or ():
            assert (e.iso3, year) in flagged, (e.iso3, year)
