"""Chapters 00, 01 and 10 as built: the statements corrected under issue 18 read true.

Each test reads the visible text of a built page (outside toggles and the folded "Question,
data and method" block) and checks a statement against the numbers computed now, so a page
that keeps an old sentence or a number that no longer follows from the data fails.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from tests.site import read_page
from tiptrends import paths
from tiptrends.analyses import coverage as C
from tiptrends.io.published import published_value
from tiptrends.methods import figures

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("render")]


@cache
def page_text(stem: str) -> str:
    """Visible article text of one built chapter page."""
    return read_page(paths.build_dir() / "html" / f"{stem}.html").text


@pytest.fixture(scope="module")
def built(site_render) -> None:
    """The book, rendered first (a fresh checkout has no site at collection)."""


def _total(key: str, basis: figures.Basis = "report") -> str:
    return f"{figures.value(key, basis):,.0f}"


# --- chapter 01 ------------------------------------------------------------------------------


def check_01(text: str) -> list[str]:
    """Problems with chapter 01's corrected statements in ``text`` (empty: none)."""
    problems = []
    bases = figures.data_bases()
    dropped = f"{bases.exclusions['victims_dropped'].sum():,.0f}"
    if f"the exclusions remove {dropped} victims" not in text:
        problems.append(f"the victims the exclusions remove ({dropped}) are not stated")
    if not bases.exclusions["repaired_total"].notna().any() and "repairs add" in text:
        problems.append("repairs stated where none are made")
    stale = (
        "the only 2022 exclusion",
        "seems to have held Pakistan",
        "balanced, with exclusions (headline)",
        "the matched set without it",
        "which lies between the two",
    )
    problems += [f"stale statement: {s!r}" for s in stale if s in text]
    published = published_value(figures.figure("victims_total_2022").published_id or "")
    levels = [figures.value("victims_total_2022", b) for b in figures.BASES]
    position = C.position_phrase(published, levels)
    if f"{published:,.0f} lies {position}" not in text:
        problems.append(f"the published 2022 total does not lie {position} of the panel levels")
    level = _total("victims_total_2022")
    filled = f"{figures.value('victims_total_2022_filled_share_pct'):.1f}%"
    plain = _total("victims_total_2022_fallback_sum")
    for what, number in (("level", level), ("carried share", filled), ("plain sum", plain)):
        if number not in text:
            problems.append(f"the 2022 trend-panel {what} ({number}) is not shown")
    if "chosen after the first comparison" not in text:
        problems.append("the 2022 total is not labelled as chosen after the first comparison")
    if "Pakistan's 2022 total" in text and "Only the larger published total" not in text:
        problems.append("Pakistan's 2022 total is said to be needed by the headline total")
    return problems


def test_chapter_01_statements_are_true(built) -> None:
    assert check_01(page_text("01_detected_victims")) == []


def test_chapter_01_check_fails_on_the_old_sentences() -> None:
    old = (
        "The exclusions remove 2,418 victims; the only 2022 exclusion (Germany). The report's "
        "2022 total seems to have held Pakistan's. balanced, with exclusions (headline)."
    )
    assert len(check_01(old)) >= 5


# --- chapter 10 ------------------------------------------------------------------------------


def check_10(text: str) -> list[str]:
    """Problems with chapter 10's corrected statements in ``text`` (empty: none)."""
    problems = []
    stale = (
        "fixed before any published figure was compared",
        "three changes are little evidence",
        "also flags Nepal 2020-2021 and Ukraine 2020-2022",
        "On the first three changes the trend panel is the closest set",
        "report basis",
    )
    problems += [f"stale statement: {s!r}" for s in stale if s in text]
    bases = figures.data_bases()
    flagged = C.excluded_flags_sentence(bases.flags, bases.exclusions)
    if flagged not in text:
        problems.append(f"the exclusion overlap is not stated as computed: {flagged!r}")
    if "convictions 2017-2020" not in text or "all four GLOTIP 2022 changes" not in text:
        problems.append("the trend panel is not validated on all four GLOTIP 2022 changes")
    published = published_value(figures.figure("victims_total_2022").published_id or "")
    for number in (
        f"{published:,.0f}",
        _total("victims_total_2022"),
        _total("victims_total_2022_fallback_sum"),
        f"{figures.value('victims_total_2022_filled_share_pct'):.1f}%",
    ):
        if number not in text:
            problems.append(f"the 2022 total's panel level, plain sum or share misses {number}")
    if "chosen after" not in text:
        problems.append("the 2022 total is not labelled as chosen after the first comparison")
    return problems


def test_chapter_10_statements_are_true(built) -> None:
    assert check_10(page_text("10_revisions_between_releases")) == []


def test_chapter_10_check_fails_on_the_old_sentences() -> None:
    old = (
        "The panel was fixed before any published figure was compared with it; three changes "
        "are little evidence. The rule also flags Nepal 2020-2021 and Ukraine 2020-2022."
    )
    assert len(check_10(old)) >= 5


# --- every page of the three chapters --------------------------------------------------------

BANNED = re.compile(r"report basis|-0\.0(?!\d)|\b([A-Za-z]+) \1\b|at most 0\b")


@pytest.mark.parametrize(
    "stem", ["00_data_and_coverage", "01_detected_victims", "10_revisions_between_releases"]
)
def test_pages_use_the_books_words(built, stem: str) -> None:
    text = page_text(stem)
    assert [m.group(0) for m in BANNED.finditer(text)] == []
    assert "Key findings" in text
