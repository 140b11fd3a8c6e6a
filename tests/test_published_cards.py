"""Published vs reproduced shown as cards: plain labels, linked sources, gaps with their units."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.browser import browser_fixture, visit  # noqa: F401  (the fixture "browser")
from tiptrends.report import reporting
from tiptrends.report.tables import CardTable, people_table

CSS = Path(__file__).parents[1] / "src/tiptrends/report/templates/book/tiptrends.css"


def _rows() -> list[reporting.BasisComparison]:
    persons = reporting.compare(
        "victims_total_2022", 48589.0, "glotip2024_victims_total_2022", reason="Report's data"
    )
    share = reporting.compare(
        "forced_labour_share_2022_pct",
        25.66,
        "glotip2024_forced_labour_share_2022_pct",
        reason="Known forms only",
    )
    return [
        reporting.BasisComparison(persons, 75128.0, "Pakistan's restated series"),
        reporting.BasisComparison(share, 25.71, "Restatements kept"),
    ]


def test_columns_say_which_data_and_gaps_carry_their_unit() -> None:
    table = reporting.bases_table(_rows())
    assert reporting.REPRODUCTION == "Reproduction (report's data)"
    assert reporting.REANALYSIS == "Re-analysis (current data)"
    assert {reporting.REPRODUCTION, reporting.REANALYSIS} <= set(table.columns)
    assert not any("basis" in c or "release" in c for c in table.columns)
    persons, share = table.to_dict("records")
    assert persons["Gap (reproduction)"].endswith("-21,038 persons")
    assert persons["Gap (re-analysis)"].endswith("+5,501 persons")
    assert share["Gap (reproduction)"].endswith("percentage points")
    assert share[reporting.REPRODUCTION].endswith("%")
    assert persons["Figure"].endswith("2022"), "the label says its year"


def test_people_table_shows_cards_with_links_and_full_width_reasons() -> None:
    cards = people_table(reporting.bases_table(_rows()))
    assert isinstance(cards, CardTable)
    page = cards._repr_html_()
    assert page.count('<section class="tt-card">') == 2
    assert re.search(r'<a href="https?://[^"]+">(primary: |reported by )', page), "linked source"
    assert '<p class="tt-card-note"><strong>Reason for the gap:</strong> Report' in page
    assert "<dt>Reproduction (report&#x27;s data)</dt>" in page
    assert "report basis" not in page and "current release" not in page
    assert "Reproduction (report's data): 48,589 persons" in repr(cards)


def test_no_minus_zero_and_no_zero_gap_sign() -> None:
    assert reporting.format_value(-0.04, "percent", 1) == "0.0%"
    assert reporting.format_gap(-0.04, "percent", 1) == "none"
    assert reporting.format_gap(-13.27, "percent change", 1) == "-13.3 percentage points"


# The shared browser runs the render group's tests: this test joins them (it needs no render)
# so that a run starts one Chromium.
@pytest.mark.xdist_group("render")
@pytest.mark.skipif(not shutil.which("chromedriver"), reason="needs chromium-driver")
def test_cards_sit_side_by_side_at_1280_and_stack_at_390(tmp_path, browser) -> None:
    page = tmp_path / "cards.html"
    body = people_table(reporting.bases_table(_rows())).to_html()
    page.write_text(
        f"<html><head><style>{CSS.read_text()}</style></head>"
        f'<body><article class="bd-article">{body}</article></body></html>'
    )
    lefts = {}
    for width in (1280, 390):
        visit(browser, page, width)
        lefts[width] = browser.execute_script(
            "return Array.from(document.querySelector('.tt-card-values').children)"
            ".map(e => Math.round(e.getBoundingClientRect().left))"
        )
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth > window.innerWidth"
        )
        assert not overflow, f"the cards overflow at {width} px"
    assert len(set(lefts[1280])) == 3, "published, reproduction, re-analysis side by side"
    assert len(set(lefts[390])) == 1, "stacked on a phone"


def test_single_basis_comparisons_are_cards_too_and_chapter_code_keeps_working() -> None:
    row = reporting.compare(
        "victims_total_2022", 48589.0, "glotip2024_victims_total_2022", reason="Why <not>"
    )
    table = reporting.comparison_table([row]).reset_index(drop=True)
    cards = people_table(table).format(escape="html", subset=["reason for the gap"])
    page = cards.to_html()
    assert "gap to published: -21,038 persons (-30.2% of published)" in page
    assert re.search(r'<dd><span class="tt-card-value">69,627 persons</span>.*<a href="https', page)
    assert "Why &lt;not&gt;" in page
    renamed = table.rename(columns={"figure": "label"})
    assert not isinstance(people_table(renamed), CardTable), "a renamed table stays a table"
