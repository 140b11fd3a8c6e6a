"""The built book in a real browser: headless Debian Chromium driven by Selenium.

Checks every page from ``file://`` (so: offline, nothing from a CDN): no console error, no
horizontal overflow at 390 px, the code toggle opens, search finds a chapter, internal links
resolve, images carry alt text. Writes screenshots of the landing page at 1280 and 390 px to
``_build/screenshots/``. Needs ``chromium`` and ``chromium-driver`` (``make browser`` installs
them; ``make test`` and ``.ci/run`` do it when they are missing).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.site import internal_target, read_page, site_pages
from tiptrends import paths

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("render")]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
NARROW, WIDE = 390, 1280


@pytest.fixture(scope="module")
def site(site_render) -> Path:
    html = paths.build_dir() / "html"
    assert (html / "index.html").exists(), "the book was not built"
    return html


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        pytest.fail(
            "headless Chromium is needed: apt-get install -y chromium chromium-driver "
            "(make browser)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _open(driver, page: Path, width: int) -> None:
    driver.set_window_size(width, 900)
    driver.get(page.as_uri())
    driver.get_log("browser")  # drop messages of the previous page


def test_every_page_loads_without_console_errors_and_fits_390_px(site, browser) -> None:
    problems = []
    for page in site_pages(site):
        browser.set_window_size(NARROW, 900)
        browser.get(page.as_uri())
        time.sleep(0.2)
        errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        if errors:
            problems.append(f"{page.name}: console: {errors[:3]}")
        width = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if width[0] > width[1] + 1:
            problems.append(f"{page.name}: {width[0]} px wide at {width[1]} px")
    assert not problems, "\n".join(problems)


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
        _open(browser, site / name, NARROW)
        tables = browser.execute_script(
            "return [...document.querySelectorAll('table.tt-stack')].map(t => "
            "[t.scrollWidth, t.clientWidth, getComputedStyle(t.querySelector('tr')).display, "
            "getComputedStyle(t.querySelector('.tt-cell-label')).display])"
        )
        assert tables, f"{name}: no stacked table"
        for scroll, client, row, label in tables:
            assert scroll <= client + 1 and row == "block" and label == "inline", name
        _open(browser, site / name, WIDE)
        label = browser.execute_script(
            "return getComputedStyle(document.querySelector('.tt-cell-label')).display"
        )
        assert label == "none", name


def test_code_toggle_opens(site, browser) -> None:
    from selenium.webdriver.common.by import By

    chapter = next(p for p in site_pages(site) if p.stem[:2].isdigit())
    _open(browser, chapter, WIDE)
    toggles = browser.find_elements(By.CSS_SELECTOR, "details.hide.above-input")
    assert toggles, f"{chapter.name}: no code toggle"
    toggle = toggles[0]
    code = toggle.find_element(By.CSS_SELECTOR, ".cell_input")
    assert not code.is_displayed(), "code shown before the toggle is opened"
    browser.execute_script("arguments[0].scrollIntoView()", toggle)
    toggle.find_element(By.TAG_NAME, "summary").click()
    time.sleep(0.2)
    assert code.is_displayed(), "the toggle does not show the code"


def test_search_finds_a_chapter(site, browser) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(WIDE, 900)
    browser.get((site / "search.html").as_uri() + "?q=forced+labour")
    deadline = time.time() + 20
    hits: list[str] = []
    while time.time() < deadline and not hits:
        time.sleep(0.3)
        hits = [
            a.get_attribute("href") or ""
            for a in browser.find_elements(By.CSS_SELECTOR, "#search-results a")
        ]
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


def test_screenshots_of_the_landing_page(site, browser) -> None:
    out = paths.build_dir() / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for width in (WIDE, NARROW):
        _open(browser, site / "index.html", width)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(width, min(int(height), 2400))
        time.sleep(0.3)
        target = out / f"landing_{width}.png"
        assert browser.save_screenshot(str(target)), target
        assert target.stat().st_size > 10_000
