"""The built book's figures: one colour per series across the book, every figure linked to
its SVG under a stable anchor, text at least 9 px as displayed at 1280 px.

The checks read the build (``_build/figures/`` and ``_build/html/``); the functions take
the folders so that they can be run on any build (``python -m tests.test_figures_legible_site``
prints what they find).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from tests.site import read_page, site_pages
from tiptrends import paths
from tiptrends.report import style

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("render")]

_FIGURE_RE = re.compile(
    r'<div class="tt-figure-block" id="(?P<id>figure-[a-z0-9-]+)">'
    r'<a class="tt-figure-link" href="(?P<svg>[^"]+\.svg)"[^>]*><img [^>]*alt="[^"]+"'
)


def series_conflicts(figures: Path) -> dict[str, dict[str, list[str]]]:
    """Series labels drawn in two colours among the saved figures of a build."""
    index = style.saved_series_colours(figures)
    assert index, f"no figure in {figures} records its series colours"
    return style.colour_conflicts(index)


def small_text(figures: Path, stems: set[str] | None = None) -> dict[str, float]:
    """Figures whose smallest text is under :data:`style.MIN_TEXT_PX` as displayed."""
    found = {}
    for svg in sorted(figures.glob("*.svg")):
        if stems is not None and svg.stem not in stems:
            continue
        text = svg.read_text(encoding="utf-8")
        width = re.search(r'<svg[^>]*width="([\d.]+)pt"', text)
        sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", text)]
        if width and sizes:
            shown = min(sizes) * style.PAGE_WIDTH_PX / max(float(width.group(1)), 72 * 7.0)
            if shown < style.MIN_TEXT_PX:
                found[svg.stem] = round(shown, 1)
    return found


def unlinked_figures(site: Path) -> dict[str, int]:
    """Pages with figure images that lack the SVG link or the anchor (page -> how many)."""
    found = {}
    for page in site_pages(site):
        html = page.read_text(encoding="utf-8")
        images = html.count('class="tt-figure"')
        linked = len(_FIGURE_RE.findall(html))
        if images != linked:
            found[str(page.relative_to(site))] = images - linked
    return found


def shown_figures(site: Path) -> set[str]:
    """Stems of the figures the book's pages show."""
    stems = set()
    for page in site_pages(site):
        stems |= set(re.findall(r'data-figure="([^"]+)"', page.read_text(encoding="utf-8")))
    return stems


@pytest.fixture(scope="module")
def build(site_render) -> Path:
    return paths.build_dir()


def test_no_series_label_has_two_colours(build) -> None:
    assert series_conflicts(build / "figures") == {}


def test_every_figure_links_its_svg_under_an_anchor(build) -> None:
    site = build / "html"
    assert unlinked_figures(site) == {}
    for page in site_pages(site):
        for href in re.findall(r'class="tt-figure-link" href="([^"]+)"', page.read_text()):
            assert (page.parent / href).resolve().exists(), f"{page.name}: {href}"
    assert read_page  # the pages parse (shared helper)


def test_figure_text_is_legible_as_displayed(build) -> None:
    shown = shown_figures(build / "html")
    assert len(shown) >= 20, "the pages name the figures they show"
    assert small_text(build / "figures", shown) == {}


if __name__ == "__main__":  # report on the current build without rendering
    out = paths.build_dir()
    print("colour conflicts:", json.dumps(series_conflicts(out / "figures"), indent=1))
    print("figures without SVG link or anchor:", unlinked_figures(out / "html"))
    print("text under 9 px:", small_text(out / "figures", shown_figures(out / "html")))
    sys.exit(0)
