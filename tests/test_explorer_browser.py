"""The place explorer (explorer.html) in headless Chromium, from ``file://``.

Three places are picked (one with the keyboard); the numbers the page shows equal those of the
profile functions and of the figure registry; the charts are drawn with their descriptions,
without a console error, and the page fits 390 px. Screenshots at 1280 and 390 px go to
``_build/screenshots/``. Browser, waits and site from :mod:`tests.browser`.
"""

from __future__ import annotations

import json

import pytest

from tests.browser import (
    NARROW,
    WIDE,
    browser_fixture,  # noqa: F401  (the fixture "browser")
    console_errors,
    page_width,
    resize,
    settle,
    site_fixture,  # noqa: F401  (the fixture "site")
    visit,
    wait_for,
)
from tiptrends import paths
from tiptrends.analyses import places
from tiptrends.methods import figures
from tiptrends.report import explorer

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("render")]

#: Places picked: a country, a GLOTIP region, the EU-27.
PICKED = ("NGA", "glotip-western-and-southern-europe", "eu27")


@pytest.fixture(scope="module")
def data(site) -> dict:
    path = paths.build_dir() / explorer.EXPLORER_JSON
    assert path.exists(), "the render wrote no explorer JSON"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdata():
    return places.load_profile_data()


# True when the place ``{pid}`` is shown: the select names it (the explorer sets it
# and then draws the place's text and numbers at once) and every chart shown has its SVG (Vega
# draws it later, from a promise).
_SHOWN = (
    "document.getElementById('tt-place').value === {pid} && "
    "[...document.querySelectorAll('figure.tt-chart')].filter(f => !f.hidden)"
    ".every(f => f.querySelector('svg'))"
)


def _open_explorer(driver, site, width: int, pid: str = "") -> None:
    """The explorer at ``width`` (on ``pid``, given as the URL's fragment), its charts drawn.

    Opening another place of an explorer already open only changes the fragment: the page
    shows it from its ``hashchange`` handler, without loading again.
    """
    visit(driver, (site / "explorer.html").as_uri() + (f"#{pid}" if pid else ""), width)
    _place_drawn(driver, pid or "world")


def _place_drawn(driver, pid: str) -> None:
    wait_for(driver, _SHOWN.format(pid=json.dumps(pid)))


def _shown(driver) -> dict[str, list[str]]:
    return driver.execute_script(
        "const out = {}; document.querySelectorAll('dd[data-tt]').forEach(d => "
        "{ out[d.dataset.tt] = [d.dataset.year, d.textContent]; }); return out;"
    )


def _expected(pdata, place) -> dict[str, list[str]]:
    """What the page should show, from the profile functions and the registry."""
    out = {}
    by_year = places.victims_by_year(places.victim_status(pdata, place))
    year = places.latest_year(places.victim_status(pdata, place))
    out["victims"] = [str(year), f"{by_year.loc[year, 'victims']:,.0f}"]
    forms = places.form_shares(pdata, place)
    last = forms["year"].max()
    for row in forms[forms["year"] == last].itertuples():
        out[f"form:{row.category}"] = [str(last), f"{row.share_pct:.1f} %"]
    children = figures.value("children_share_2022_pct", "current", countries=place.members)
    out["sex_age:children"] = ["2022", f"{children:.1f} %"]
    justice = places.convictions_per_victim(pdata, place)["per_100_victims"].dropna()
    out["convictions"] = [str(justice.index.max()), f"{justice.iloc[-1]:.1f}"]
    return out


def test_three_places_show_the_profiles_numbers(site, browser, data, pdata) -> None:
    every = {explorer.place_id(p): p for p, _ in explorer.places_to_explore(places, pdata)}
    listed = {p["id"] for p in data["places"]}
    assert listed == set(every)
    assert sum(p["kind"] == "country" for p in data["places"]) >= 180
    _open_explorer(browser, site, WIDE)
    options = browser.execute_script(
        "return [...document.querySelectorAll('#tt-place option')].map(o => o.value)"
    )
    assert set(options) == listed
    for pid in PICKED:
        browser.execute_script(
            "const s = document.getElementById('tt-place'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('change'));",
            pid,
        )
        _place_drawn(browser, pid)
        shown = _shown(browser)
        expected = _expected(pdata, every[pid])
        assert shown == expected, pid
        assert browser.execute_script("return location.hash") == f"#{pid}"
        labels = browser.execute_script(
            "return [...document.querySelectorAll('figure.tt-chart')].filter(f => !f.hidden)"
            ".map(f => [f.getAttribute('aria-label'), f.querySelector('.vega-embed')"
            ".getAttribute('aria-label'), !!f.querySelector('svg')])"
        )
        assert len(labels) >= 3, labels  # victims, forms, sex and age (convictions: NGA...)
        assert all(a == b and len(a) > 40 and svg for a, b, svg in labels), labels
        # the page's load and this place's drawing (Vega's promises) logged no error
        assert not console_errors(browser), pid


def test_a_place_is_picked_with_the_keyboard(site, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open_explorer(browser, site, WIDE, "world")
    select = browser.find_element(By.ID, "tt-place")
    select.send_keys("Nigeria")  # type-ahead of a native select
    # the change handler sets the fragment, then shows the place, in one task
    wait_for(browser, "location.hash === '#NGA'")
    assert browser.find_element(By.ID, "tt-place-name").text == "Nigeria"
    select.send_keys(Keys.ARROW_DOWN)
    wait_for(browser, "location.hash !== '#NGA'")
    _place_drawn(
        browser, browser.execute_script("return decodeURIComponent(location.hash.slice(1))")
    )
    assert browser.find_element(By.ID, "tt-place-name").text != "Nigeria"
    assert not console_errors(browser)


def test_fits_390_px_and_screenshots(site, browser) -> None:
    out = paths.build_dir() / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for pid in PICKED:
        _open_explorer(browser, site, NARROW, pid)
        browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        settle(browser)  # the opened tables and lists laid out
        wide, window = page_width(browser)
        assert wide <= window + 1, f"{pid}: {wide} px wide at {window} px"
        assert not console_errors(browser), pid
    for width in (WIDE, NARROW):
        _open_explorer(browser, site, width, "eu27")
        height = browser.execute_script("return document.documentElement.scrollHeight")
        resize(browser, width, min(int(height), 4000))
        # Vega draws the charts again for the new window size, from a frame callback
        settle(browser)
        _place_drawn(browser, "eu27")
        target = out / f"explorer_{width}.png"
        assert browser.save_screenshot(str(target)), target
        assert target.stat().st_size > 10_000


def test_the_place_line_reads_as_a_sentence(site, browser, data) -> None:
    """The line under the place's name: 'All 198 countries ...', 'The European Union ...'."""
    from selenium.webdriver.common.by import By

    members = {p["id"]: len(p["members"]) for p in data["places"]}
    expected = {
        "world": f"All {members['world']} countries in the data.",
        "eu27": "The European Union (27 current member states",
        "NGA": "A country or territory of ",
        "glotip-western-and-southern-europe": "A GLOTIP region (",
    }
    for pid, start in expected.items():
        _open_explorer(browser, site, WIDE, pid)
        line = browser.find_element(By.CSS_SELECTOR, "#tt-place-about p").text
        assert line.startswith(start), (pid, line)
        assert not line.startswith("A all"), line
