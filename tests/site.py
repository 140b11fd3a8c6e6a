"""Reading the built book for tests: pages, links, images, visible text."""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path


class Page(HTMLParser):
    """Links, images, ids, code cells and the article's visible text of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.ids: set[str] = set()
        self.text_parts: list[str] = []
        self.shown_code: int = 0  # code cell sources not inside a collapsed toggle
        self._stack: list[tuple[str, set[str]]] = []
        self._skip = 0
        self._article = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag not in ("img", "br", "hr", "meta", "link", "input", "source", "wbr"):
            self._stack.append((tag, classes))
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        if tag == "img":
            self.images.append(a)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "article" and "bd-article" in classes:
            self._article += 1
        if "cell_input" in classes and not any(t == "details" for t, _ in self._stack[:-1]):
            self.shown_code += 1

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            t, classes = self._stack.pop()
            if t in ("script", "style"):
                self._skip -= 1
            if t == "article" and "bd-article" in classes:
                self._article -= 1
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._article and not self._skip:
            inside_toggle = any(t == "details" for t, _ in self._stack)
            if not inside_toggle:
                self.text_parts.append(data)

    @functools.cached_property
    def text(self) -> str:
        """Visible article text (outside code toggles), whitespace collapsed."""
        return " ".join(" ".join(self.text_parts).split())


def read_page(path: Path) -> Page:
    """The parsed page (shared: do not change it). Parsed once per version of the file: the
    site tests read the same pages for each of their rules."""
    st = path.stat()
    return _parsed(str(path.resolve()), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=512)
def _parsed(path: str, size: int, mtime_ns: int) -> Page:
    page = Page()
    page.feed(Path(path).read_text(encoding="utf-8"))
    page.close()
    return page


#: Folders of the book with pages of their own: place profiles and the API reference.
PAGE_FOLDERS = ("profiles", "reference")


def site_pages(site: Path) -> list[Path]:
    """The book's pages, those in :data:`PAGE_FOLDERS` included (not Sphinx's index)."""
    pages = [p for p in site.glob("*.html") if p.stem not in ("genindex",)]
    for folder in PAGE_FOLDERS:
        pages += site.glob(f"{folder}/*.html")
    return sorted(pages)


def internal_target(site: Path, page: Path, href: str) -> tuple[Path, str] | None:
    """(file, anchor) a relative link points to; None for external links."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", href) or href.startswith("//"):
        return None
    path, _, anchor = href.partition("#")
    path = path.split("?", 1)[0]
    target = page if not path else (page.parent / path).resolve()
    return target, anchor
