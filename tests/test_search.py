"""The book's search: US spellings find the British-English chapters; chapters rank above the API."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.test_site_browser import WIDE, browser, site  # noqa: F401  (fixtures)
from tiptrends.report.search_terms import us_spellings


def test_us_spellings_of_british_words() -> None:
    assert us_spellings(["labour", "criminalisation", "organised", "programme"]) == [
        "criminalization", "labor", "organized", "program"]
    assert us_spellings(["otherwise", "revised", "raise", "labor", "victims"]) == []


def _hits(browser, site: Path, query: str) -> list[str]:  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.set_window_size(WIDE, 900)
    browser.get((site / "search.html").as_uri() + "?q=" + query.replace(" ", "+"))
    deadline, hits, before = time.time() + 20, [], -1
    # results arrive in batches: wait until the list stops growing
    while time.time() < deadline and (not hits or len(hits) != before):
        before = len(hits)
        time.sleep(0.5)
        hits = [a.get_attribute("href") or ""
                for a in browser.find_elements(By.CSS_SELECTOR, "#search-results li > a")]
    return hits


@pytest.mark.notebooks
@pytest.mark.xdist_group("render")
@pytest.mark.parametrize("query", ["forced labor", "forced labour"])
def test_both_spellings_find_the_forced_labour_chapter_before_the_api(
    site, browser, query: str  # noqa: F811
) -> None:
    hits = _hits(browser, site, query)
    chapter = [i for i, h in enumerate(hits) if "02_forced_labour" in h]
    assert chapter, hits[:10]
    reference = [i for i, h in enumerate(hits) if "/reference/" in h]
    assert not reference or chapter[0] < reference[0], hits[:10]
