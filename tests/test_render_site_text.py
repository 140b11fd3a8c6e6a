"""No page of the book shows what a reader should not see (the built HTML, grepped).

One test per page and rule, so a failure names the page: code shown outside its toggle, raw
result keys, NaN / <NA>, counts written as floats (``24033.0``), Python object reprs
(``PosixPath``, ``dtype:``), machine paths, explanations cut off with "...".

A failure on a chapter page comes from that notebook's content (its outputs), a failure on
``index``, ``headline_numbers``, ``downloads`` or ``data_sources`` from the generated pages
(:mod:`tiptrends.report.site_pages`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.site import read_page, site_pages
from tiptrends import paths

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("render")]

#: Text rules: name -> pattern that must not occur in a page's visible text.
RULES = {
    "NaN": re.compile(r"\bNaN\b"),
    "<NA>": re.compile(r"<NA>"),
    "count written as a float": re.compile(
        r"(?<![\d.,])\d{1,3}(?:,\d{3})+\.0\b|(?<![\d.,])\d{4,}\.0\b"
    ),
    "PosixPath": re.compile(r"PosixPath"),
    "machine path": re.compile(r"/work/|/home/|/tmp/|/root/"),
    "dtype line": re.compile(r"\bdtype: "),
    "truncated with ...": re.compile(r"\w(?:\.\.\.|…)(?:\s|$)"),
    "scientific notation": re.compile(r"\b\d\.\d+e[+-]\d+\b"),
}


@pytest.fixture(scope="module")
def built(site_render) -> list[Path]:
    """Every page for readers, rendered first (a fresh checkout has no site at collection).

    The API reference pages are left out: docstrings name ``NaN`` and show code on purpose.
    """
    pages = [p for p in site_pages(paths.build_dir() / "html") if p.parent.name != "reference"]
    assert pages, "the book has no pages"
    return pages


def _origin(page: Path) -> str:
    return "notebook content" if page.stem[:2].isdigit() else "generated page"


@pytest.mark.parametrize("rule", sorted(RULES))
def test_page_text_is_for_people(built: list[Path], rule: str) -> None:
    problems = []
    for page in built:
        text = read_page(page).text
        hits = sorted({m.group(0) for m in RULES[rule].finditer(text)})
        if hits:
            context = [
                text[max(0, m.start() - 60) : m.end() + 20] for m in RULES[rule].finditer(text)
            ]
            problems.append(f"{page.name} ({_origin(page)}): {rule}: {hits[:5]} in {context[:3]}")
    assert not problems, "\n".join(problems)


def test_no_code_outside_toggles(built: list[Path]) -> None:
    shown = {p.name: read_page(p).shown_code for p in built}
    bad = {name: n for name, n in shown.items() if n}
    assert not bad, f"code cells shown outside a toggle: {bad}"


def test_no_raw_result_keys(built: list[Path]) -> None:
    results = json.loads((paths.build_dir() / "results.json").read_text(encoding="utf-8"))
    problems = []
    for page in built:
        text = read_page(page).text
        keys = sorted(k for k in results if "_" in k and re.search(rf"\b{re.escape(k)}\b", text))
        if keys:
            problems.append(f"{page.name} ({_origin(page)}): raw result keys {keys[:8]}")
    assert not problems, "\n".join(problems)
