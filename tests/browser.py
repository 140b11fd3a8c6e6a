"""One headless Chromium for the browser tests, and waits on conditions instead of sleeps.

The browser tests (``test_site_browser``, ``test_explorer_browser``, ``test_search``,
``test_landing``, ``test_published_cards``) share one Chromium per test process: it starts on
first use and quits at the end of the session. They all run on the session render's
pytest-xdist worker (the ``render`` group), so a run starts one browser. Each test sets the
window size it needs (:func:`visit`, :func:`resize`); the size is changed only when it differs.

Nothing here sleeps for a fixed time: a test waits for the page's load event (``driver.get``),
then for two animation frames (:func:`settle`) or for a condition it names (:func:`wait_for`).

Needs Debian's ``chromium`` and ``chromium-driver`` (``make browser`` installs them).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from tiptrends import paths

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
#: Window widths of the tests: a phone and a laptop.
NARROW, WIDE = 390, 1280
#: Window height unless a test needs another (a screenshot of the whole page).
HEIGHT = 900

#: The driver of this test process (started by the first test that asks; see
#: :func:`browser_fixture`), its window size and the search results read.
_DRIVER: dict[str, Any] = {}

# Resolves (calls the WebDriver's callback, the script's last argument) after two animation
# frames and a task: see settle(). ``arguments[0]``, when given, is an expression evaluated
# then, whose value the script returns.
_SETTLE = """
const done = arguments[arguments.length - 1];
const then = arguments.length > 1 ? arguments[0] : null;
requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
  try { done(then === null ? null : (0, eval)(then)); }
  catch (e) { done({settle_error: String(e)}); }
}, 0)));
"""

# Polls the expression ``arguments[0]`` in the page every 10 ms until it is truthy, and returns
# its value; ``null`` after ``arguments[1]`` ms. The exceptions the expression raises while the
# page is not ready yet (an element not there) count as "not yet".
_WAIT = """
const [expr, ms, done] = arguments;
const until = Date.now() + ms;
const poll = () => {
  let got = null;
  try { got = (0, eval)(expr); } catch (e) { got = null; }
  if (got) done(got);
  else if (Date.now() > until) done(null);
  else setTimeout(poll, 10);
};
poll();
"""


def start_driver():
    """A new headless Chromium WebDriver that records the console (``get_log("browser")``)."""
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
    options.add_argument(f"--window-size={WIDE},{HEIGHT}")
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    return driver


@pytest.fixture(scope="session", name="browser")
def browser_fixture(request: pytest.FixtureRequest):
    """The test process's headless Chromium (one per process, whichever module asks first).

    A module uses it by importing ``browser_fixture``. pytest keeps an imported fixture per
    module, so the driver itself is kept here and shared: the first module to ask starts it,
    and it quits when the session ends.
    """
    if "driver" not in _DRIVER:
        driver = start_driver()
        _DRIVER["driver"] = driver
        _DRIVER["size"] = (WIDE, HEIGHT)

        def quit_driver() -> None:
            _DRIVER.clear()
            driver.quit()

        request.session.config.add_cleanup(quit_driver)
    return _DRIVER["driver"]


@pytest.fixture(scope="session", name="site")
def site_fixture(site_render) -> Path:
    """The book built by the session render (``_build/html``); imported as ``site_fixture``."""
    html = paths.build_dir() / "html"
    assert (html / "index.html").exists(), "the book was not built"
    return html


def resize(driver, width: int, height: int = HEIGHT) -> None:
    """Set the window to ``width`` x ``height``, unless it has that size already.

    Resizing makes Chromium lay the page out again: a tour of many pages at one width sets it
    once.
    """
    if _DRIVER.get("driver") is not driver or _DRIVER.get("size") != (width, height):
        driver.set_window_size(width, height)
        if _DRIVER.get("driver") is driver:
            _DRIVER["size"] = (width, height)


def settle(driver, expression: str | None = None) -> Any:
    """Wait for two animation frames and one task; the value of ``expression`` (JavaScript)
    evaluated then.

    What a page's scripts do after its load event runs in frame callbacks (animation frames,
    and the resize and intersection observers the themes use for the sticky header and the
    contents' scroll-spy, which run in a frame's rendering step), in promise callbacks and in
    tasks queued by those. The first frame runs what was queued during the load, the second
    what that queued, and the task after it what was queued with ``setTimeout(0)``. A console
    error or a width change from such work (a late error) has happened when this returns.
    """
    got = driver.execute_async_script(_SETTLE, *([expression] if expression else []))
    if isinstance(got, dict) and set(got) == {"settle_error"}:
        raise AssertionError(f"{expression}: {got['settle_error']}")
    return got


def wait_for(driver, expression: str, timeout: float = 20.0) -> Any:
    """Wait until the JavaScript ``expression`` is truthy in the page; its value.

    Polled inside the page every 10 ms (one WebDriver call, no sleep in the test); fails the
    test, naming the expression, after ``timeout`` seconds.
    """
    driver.set_script_timeout(timeout + 10)
    got = driver.execute_async_script(_WAIT, expression, int(timeout * 1000))
    if not got:
        raise AssertionError(f"timed out after {timeout:g} s waiting for: {expression}")
    return got


def visit(driver, url: str | Path, width: int = WIDE, height: int = HEIGHT) -> None:
    """Open ``url`` (a page's path or a URL) at ``width``, after its load event and
    :func:`settle`; the console then holds only this page's messages."""
    drop_console(driver)
    resize(driver, width, height)
    driver.get(url.as_uri() if isinstance(url, Path) else url)
    settle(driver)


def drop_console(driver) -> None:
    """Forget the console messages so far (those of the pages opened before)."""
    driver.get_log("browser")


def console_errors(driver) -> list[str]:
    """The SEVERE console messages since the last read (uncaught errors, ``console.error``,
    files that failed to load)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


# the document's width and the window's, read when the page has settled
_WIDTHS = "[document.documentElement.scrollWidth, window.innerWidth]"


def page_width(driver) -> tuple[int, int]:
    """(the document's width, the window's) in CSS pixels."""
    wide, window = driver.execute_script(f"return {_WIDTHS}")
    return int(wide), int(window)


def tour(driver, pages: Iterable[Path], width: int = NARROW) -> list[str]:
    """Open every page at ``width``; one line per problem: a SEVERE console message, or a page
    wider than the window (by more than a pixel of rounding).

    The window is resized once. Each page is read when it has settled (:func:`settle`): its
    load event has fired, so every script of the page has run, and the work those scripts left
    for the next frames is done too; its console messages are read then.
    """
    resize(driver, width)
    drop_console(driver)
    problems = []
    for page in pages:
        driver.get(page.as_uri())
        wide, window = settle(driver, _WIDTHS)
        errors = console_errors(driver)
        if errors:
            problems.append(f"{page.name}: console: {errors[:3]}")
        if wide > window + 1:
            problems.append(f"{page.name}: {wide} px wide at {window} px")
    return problems


def search_hits(driver, site: Path, query: str) -> list[str]:
    """The links (URLs) of Sphinx's search page for ``query``, in the order shown (best first).

    Sphinx shows the results one by one (a task each) and writes its summary line ("Search
    finished, found ...", or that nothing matched) after the last: the list is read then. The
    result of a query is kept for the session (the built book does not change under it).
    """
    cache: dict[tuple[str, str], list[str]] = _DRIVER.setdefault("searches", {})
    key = (str(site), query)
    if key not in cache:
        visit(driver, (site / "search.html").as_uri() + "?q=" + query.replace(" ", "+"))
        wait_for(
            driver,
            "document.querySelector('#search-results p.search-summary').textContent.trim()",
        )
        cache[key] = driver.execute_script(
            "return [...document.querySelectorAll('#search-results li > a')].map(a => a.href)"
        )
        # Sphinx keeps the query's words for the next page to highlight: the next test's page
        # is opened as a reader opens it, not from this search
        driver.execute_script("localStorage.removeItem('sphinx_highlight_terms')")
    return list(cache[key])
