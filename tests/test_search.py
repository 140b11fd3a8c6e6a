"""The book's search: US spellings find the British-English chapters; chapters rank above the API."""

from __future__ import annotations

import pytest

from tests.browser import browser_fixture, search_hits, site_fixture  # noqa: F401  (fixtures)
from tiptrends.report.search_terms import us_spellings


def test_us_spellings_of_british_words() -> None:
    assert us_spellings(["labour", "criminalisation", "organised", "programme"]) == [
        "criminalization",
        "labor",
        "organized",
        "program",
    ]
    assert us_spellings(["otherwise", "revised", "raise", "labor", "victims"]) == []


@pytest.mark.notebooks
@pytest.mark.xdist_group("render")
@pytest.mark.parametrize("query", ["forced labor", "forced labour"])
def test_both_spellings_find_the_forced_labour_chapter_before_the_api(
    site, browser, query: str
) -> None:
    # every result, read when Sphinx has shown them all (tests.browser.search_hits)
    hits = search_hits(browser, site, query)
    chapter = [i for i, h in enumerate(hits) if "02_forced_labour" in h]
    assert chapter, hits[:10]
    reference = [i for i, h in enumerate(hits) if "/reference/" in h]
    assert not reference or chapter[0] < reference[0], hits[:10]
