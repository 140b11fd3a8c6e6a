"""The landing page and the Headline numbers page: findings first, a chart before the first
table, findings linking to chapter sections that exist, one row per figure with both bases.

The first tests run on made-up results (no data needed); the others read the built book. That
the chart is in the first screen is checked in a browser, with the landing page's screenshots
(``tests/test_site_browser.py``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.browser import site_fixture  # noqa: F401  (the fixture "site")
from tests.site import internal_target, read_page
from tiptrends.methods import figures
from tiptrends.report import landing, site_pages

CHAPTERS = {
    s: site_pages.Chapter(s, t)
    for s, t in (
        ("01_detected_victims", "Detected victims"),
        ("02_forced_labour", "Forced labour"),
    )
}
S = figures.CURRENT_SUFFIX


def _rec(value: float, published: float | None = None, nb: str = "02_forced_labour") -> dict:
    return {
        "value": value,
        "published": published,
        "unit": "percent",
        "notebook": f"{nb}.ipynb",
        "source": "KOK e.V., Bericht, GLOTIP 2024. https://example.org/kok",
    }


RESULTS = {
    landing.FL: _rec(34.1, 42.0),
    landing.FL + S: _rec(25.7, 42.0),
    landing.SE: _rec(33.1, 36.0),
    landing.SE + S: _rec(56.2, 36.0),
    "unregistered_share_2022_pct": _rec(12.0),
}


# --------------------------------------------------------------------------- without the data
def test_answer_names_the_main_form_on_current_data() -> None:
    text = landing.answer(RESULTS)
    assert "sexual exploitation, not forced labour, is the main form" in text
    assert "56.2% against 25.7%" in text
    flipped = {**RESULTS, landing.FL + S: _rec(60.0, 42.0)}
    assert "forced labour is the main form" in landing.answer(flipped)
    assert landing.answer({}) == ""
    assert len(re.sub(r"\*", "", text).split()) <= 40


def test_findings_state_both_bases_and_link_a_section() -> None:
    found = landing.findings(RESULTS)
    assert len(found) == 1
    assert "25.7%" in found[0] and "34.1%" in found[0] and "42%" in found[0]
    assert "re-analysis" in found[0] and "reproduction" in found[0]
    stem, anchor = landing.SECTIONS["forms"]
    assert found[0].endswith(f"[details]({stem}.ipynb#{anchor})")


def test_one_row_per_figure_with_both_bases() -> None:
    rows = site_pages.figure_rows(RESULTS, CHAPTERS)
    labels = [r["Figure"] for r in rows]
    assert len(labels) == len(set(labels)) == 3
    fl = next(r for r in rows if r["_key"] == landing.FL)
    assert fl["Figure"] == figures.FIGURES[landing.FL].label
    assert (fl[site_pages.REPRODUCTION], fl[site_pages.REANALYSIS]) == ("34.1%", "25.7%")
    assert fl["Gap"] == "-7.9 points"
    assert fl["Published"].startswith("42%, ")
    assert not any(r["Figure"].endswith("current release") for r in rows)
    only = site_pages.figure_rows(RESULTS, CHAPTERS, only_published=True)
    assert [r["_key"] for r in only] == [landing.FL, landing.SE]


def test_gap_is_in_the_figures_unit() -> None:
    from tiptrends.methods import verdicts

    persons = verdicts.Published(69_627, unit="persons")
    assert site_pages.gap_in_unit(72_136, persons, "persons") == "+2,509 persons"
    assert site_pages.gap_in_unit(41.3, verdicts.Published(31.0, unit="percent change"), "%") == (
        "+10.3 points"
    )
    assert site_pages.format_published(25.0, "percent change") == "+25%"
    assert site_pages.format_published(42.0, "%") == "42%"


def test_secondary_sources_say_reported_by() -> None:
    row = {"publisher": "KOK e.V.", "source_title": "X", "url": "https://e.org", "edition": "E 1"}
    assert site_pages.source_markdown({**row, "primary_or_secondary": "secondary"}) == (
        "reported by [KOK e.V.](https://e.org)"
    )
    primary = site_pages.source_markdown({**row, "primary_or_secondary": "primary"})
    assert primary == "primary: [KOK e.V., E 1](https://e.org)"
    noted = {**row, "primary_or_secondary": "primary", "note": "Reported by Dawn: https://d.pk."}
    assert site_pages.source_markdown(noted) == (
        "primary: [KOK e.V., E 1](https://e.org); reported by [Dawn](https://d.pk)"
    )


# --------------------------------------------------------------------------- the built book
class _Order(HTMLParser):
    """Positions (in reading order) of the first table, the key-findings heading, the
    finding items' links and the images of the article."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, dict[str, str | None]]] = []
        self.findings: list[list[str]] = []
        self._in_findings = False
        self._li = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.events.append((tag, a))
        if tag == "section" and a.get("id") == "key-findings":
            self._in_findings = True
        elif tag == "section" and self._in_findings:
            self._in_findings = False
        if self._in_findings and tag == "li":
            self.findings.append([])
        if self._in_findings and tag == "a" and self.findings and a.get("href"):
            self.findings[-1].append(str(a["href"]))


@pytest.mark.notebooks
@pytest.mark.xdist_group("render")
def test_landing_page_opens_with_findings_and_a_chart(site: Path) -> None:
    page = site / "index.html"
    parser = _Order()
    parser.feed(page.read_text(encoding="utf-8"))
    tags = [t for t, _ in parser.events]
    ids = [a.get("id") for _, a in parser.events]
    assert "key-findings" in ids, "no Key findings section"
    first_table = tags.index("table") if "table" in tags else len(tags)
    assert ids.index("key-findings") < first_table, "a table comes before the findings"
    images = [
        (i, a)
        for i, (t, a) in enumerate(parser.events)
        if t == "img" and str(a.get("src", "")).startswith("data:image/png")
    ]
    assert images and images[0][0] < first_table, "no chart before the first table"
    assert len(str(images[0][1].get("alt") or "")) > 40, "the chart has no alt text"
    assert 4 <= len(parser.findings) <= 6, f"{len(parser.findings)} findings"
    for links in parser.findings:
        chapter_links = [h for h in links if re.match(r"^\d\d_[a-z_]+\.html#.+", h)]
        assert chapter_links, f"a finding links no chapter section: {links}"
        target, anchor = internal_target(site, page, chapter_links[-1]) or (None, "")
        assert target is not None and target.exists(), chapter_links[-1]
        assert anchor in read_page(target).ids, f"no section {anchor} in {target.name}"


@pytest.mark.notebooks
@pytest.mark.xdist_group("render")
def test_headline_page_has_one_row_per_figure_and_both_bases(site: Path) -> None:
    from tests.test_site_consistency import read_tables

    html = (site / "headline_numbers.html").read_text(encoding="utf-8")
    tables = read_tables(html)[0]
    assert tables, "no table on the Headline numbers page"
    rows = [row for table in tables for row in table]
    for row in rows:
        assert site_pages.REPRODUCTION in row and site_pages.REANALYSIS in row
    labels = [row.get("Figure", "") for row in rows]
    assert len(labels) == len(set(labels)), "a figure has more than one row"
    assert not [x for x in labels if x.endswith("current release")]
    for key, fig in figures.FIGURES.items():
        if fig.published_id:
            assert labels.count(fig.label) <= 1, key


def test_a_value_two_published_figures_share_describes_neither() -> None:
    """The UNODC press release gives 38% for the children's share and for the rise in girls:
    a number set against it must not be labelled by whichever row comes first."""
    from tiptrends.io import published

    table = published.load_published()
    table = table[table["value"].notna()]
    cite = table["publisher"] + ", " + table["source_title"] + ", " + table["edition"]
    keys = list(zip(table["value"].round(6), cite + ". " + table["url"], strict=True))
    seen: dict[tuple[float, str], set[str]] = {}
    for key, indicator in zip(keys, table["indicator"], strict=True):
        seen.setdefault(key, set()).add(str(indicator))
    shared = [k for k, names in seen.items() if len(names) > 1]
    assert shared, "no shared (value, citation) pair: the test would not test anything"
    indicators = site_pages.published_indicators()
    assert not [k for k in shared if k in indicators]
    assert len(indicators) >= len(seen) - len(shared)
