"""The built book in a real browser: headless Debian Chromium driven by Selenium.

Checks every page from ``file://`` (so: offline, nothing from a CDN): no console error, no
horizontal overflow at 390 px, the code toggle opens, search finds a chapter, internal links
resolve, images carry alt text, the landing page's chart is in the first screen. Writes
screenshots of the landing page at 1280 and 390 px to ``_build/screenshots/``. One Chromium
serves every browser test of the run (:mod:`tests.browser`); it needs ``chromium`` and
``chromium-driver`` (``make browser`` installs them; ``make test`` and ``.ci/run`` do it when
they are missing).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import (
    NARROW,
    WIDE,
    browser_fixture,  # noqa: F401  (the fixture "browser")
    resize,
    search_hits,
    settle,
    site_fixture,  # noqa: F401  (the fixture "site")
    tour,
    visit,
)
from tests.site import internal_target, read_page, site_pages
from tiptrends import paths

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("render")]


def test_every_page_loads_without_console_errors_and_fits_390_px(site, browser) -> None:
    problems = tour(browser, site_pages(site), NARROW)
    assert not problems, "\n".join(problems)


#: What a script of the book could do only after the page's load event: log an error in the
#: second frame after the load, throw an exception from a task queued by a frame callback, make
#: the page wider than a phone in the second frame.
LATE = (
    "addEventListener('load', () => requestAnimationFrame(() => "
    "requestAnimationFrame(() => console.error('late error'))));"
    "addEventListener('load', () => requestAnimationFrame(() => "
    "setTimeout(() => { throw new Error('late exception'); })));"
    "addEventListener('load', () => requestAnimationFrame(() => "
    "requestAnimationFrame(() => { const d = document.createElement('div'); "
    "d.style.width = '600px'; d.textContent = 'wide'; document.body.append(d); })));"
)


def test_the_tour_catches_late_errors_and_late_overflow(site, browser, tmp_path) -> None:
    """The tour reads a page after the work its scripts leave for later (tests.browser.settle):
    the planted late errors and late overflow are reported; the real page copied is clean."""
    copy = tmp_path / "html"
    copy.mkdir()
    for shared in ("_static", "searchindex.js"):
        (copy / shared).symlink_to(site / shared)
    real = (site / "glossary.html").read_text(encoding="utf-8")
    (copy / "glossary.html").write_text(real, encoding="utf-8")
    planted = real.replace("</body>", f"<script>{LATE}</script></body>")
    (copy / "late.html").write_text(planted, encoding="utf-8")
    problems = tour(browser, [copy / "glossary.html", copy / "late.html"], NARROW)
    assert len(problems) == 2 and all(p.startswith("late.html: ") for p in problems), problems
    console, width = problems
    assert "late error" in console and "late exception" in console, console
    assert width.endswith(" px wide at 390 px"), width


def test_profiles_and_api_reference_are_pages_of_the_site(site, site_render) -> None:
    """The test profiles sit in the "Places" part; the API reference is built from docstrings."""
    from tests.conftest import TEST_PROFILES

    places = read_page(site / "places.html")
    for _, slug in TEST_PROFILES:
        page = site / "profiles" / f"{slug}.html"
        assert page.exists(), page
        assert f"profiles/{slug}.html" in places.links
        text = read_page(page).text
        assert "Detected victims over time" in text and ": place profile" in text
    methods = read_page(site / "reference" / "methods.html").text
    assert "shares_by_year" in methods and "Used by" in methods
    assert "reference/index.html" in read_page(site / "index.html").links
    sphinx = [p for p in site_render.problems if p.startswith("sphinx:")]
    assert not sphinx, "\n".join(sphinx)


def test_generated_tables_stack_on_a_phone(site, browser) -> None:
    """At 390 px the claims and headline tables are blocks with labels, not sideways scrolls."""
    for name in ("index.html", "headline_numbers.html"):
        visit(browser, site / name, NARROW)
        tables = browser.execute_script(
            "return [...document.querySelectorAll('table.tt-stack')].map(t => "
            "[t.scrollWidth, t.clientWidth, getComputedStyle(t.querySelector('tr')).display, "
            "getComputedStyle(t.querySelector('.tt-cell-label')).display])"
        )
        assert tables, f"{name}: no stacked table"
        for scroll, client, row, label in tables:
            assert scroll <= client + 1 and row == "block" and label == "inline", name
        # the stacking is the CSS's media query alone: the same page widened is a table again
        resize(browser, WIDE)
        label = settle(
            browser, "getComputedStyle(document.querySelector('.tt-cell-label')).display"
        )
        assert label == "none", name


def test_code_toggle_opens(site, browser) -> None:
    from selenium.webdriver.common.by import By

    chapter = next(p for p in site_pages(site) if p.stem[:2].isdigit())
    visit(browser, chapter, WIDE)
    toggles = browser.find_elements(By.CSS_SELECTOR, "details.hide.above-input")
    assert toggles, f"{chapter.name}: no code toggle"
    toggle = toggles[0]
    code = toggle.find_element(By.CSS_SELECTOR, ".cell_input")
    assert not code.is_displayed(), "code shown before the toggle is opened"
    browser.execute_script("arguments[0].scrollIntoView()", toggle)
    toggle.find_element(By.TAG_NAME, "summary").click()
    # the click opens the <details> at once; the code is shown from the next layout on
    settle(browser)
    assert code.is_displayed(), "the toggle does not show the code"


def test_search_finds_a_chapter(site, browser) -> None:
    # the same search as test_search's "forced labour" case: the page is opened once a run
    hits = search_hits(browser, site, "forced labour")
    assert any("02_forced_labour" in h for h in hits), hits[:10]


def test_every_internal_link_resolves_and_every_image_has_alt_text(site) -> None:
    pages = {p: read_page(p) for p in site_pages(site)}
    broken, no_alt = [], []
    for page, parsed in pages.items():
        for href in parsed.links:
            target = internal_target(site, page, href)
            if target is None:
                continue
            path, anchor = target
            if not path.exists():
                broken.append(f"{page.name}: {href}")
            elif anchor and path.suffix == ".html":
                ids = pages[path].ids if path in pages else read_page(path).ids
                if anchor not in ids:
                    broken.append(f"{page.name}: {href} (no #{anchor})")
        for img in parsed.images:
            src = str(img.get("src"))
            if not (img.get("alt") or "").strip() or Path(src).name == img.get("alt"):
                no_alt.append(f"{page.name}: {src[:60]}")
            elif not src.startswith("data:") and not (page.parent / src).exists():
                broken.append(f"{page.name}: image {src}")
    assert not broken, "\n".join(broken[:40])
    assert not no_alt, "images without alt text:\n" + "\n".join(no_alt[:40])


def test_landing_chart_in_first_screen_and_screenshots(site, browser) -> None:
    """The landing page's chart starts in the first screen at 1280 px (and is there at 390 px);
    screenshots of the page at both widths, as tall as the page (up to 2,400 px)."""
    out = paths.build_dir() / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    visit(browser, site / "index.html", WIDE)
    for width in (WIDE, NARROW):
        resize(browser, width)  # the page loaded once: its layout is the CSS's, at each width
        top, inner, height = settle(
            browser,
            "const i = document.querySelector('figure.tt-landing-chart img');"
            "[i ? i.getBoundingClientRect().top + window.scrollY : null,"
            " window.innerHeight, document.documentElement.scrollHeight]",
        )
        assert top is not None, "no headline chart"
        if width == WIDE:
            assert top < inner, f"the chart starts at {top:.0f} px, below the first screen"
        resize(browser, width, min(int(height), 2400))
        settle(browser)  # the page laid out again at the new height
        target = out / f"landing_{width}.png"
        assert browser.save_screenshot(str(target)), target
        assert target.stat().st_size > 10_000
