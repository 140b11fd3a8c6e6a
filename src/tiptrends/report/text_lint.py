"""Text lint of the built book: what a reader should not see on a page.

Each rule reads the visible article of a built HTML page (outside collapsed code toggles) and
names what it found, so a failure says the page, the rule and the offending text:

* raw Python output (a plain-text cell output: dict, quoted string or bare number);
* code names as table headers (``per_100_victims``) and True/False table cells;
* "-0.0", doubled words ("victims victims"), "at most 0";
* a count that disagrees with its noun ("1 are", "1 countries", "3 country");
* more decimals than a number can carry ("2.00-fold", "49.60 million", "14.06 ... ones");
* machine paths, module paths and snake_case code names in prose, questionnaire codes
  (``Q6.1``);
* on chapter pages, "Key findings" as the first section; on place profiles, no command lines.

``python -m tiptrends.report.text_lint [page.html ...]`` lints the given pages, or every page
for readers of ``_build/html`` (the API reference is left out: docstrings show code on purpose),
prints one line per finding and exits 1 when there is any. ``tests/test_text_lint.py`` runs it
on the built site.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["Finding", "lint_html", "lint_page", "lintable_pages", "main"]

#: Page names (stems) whose subject is files and commands: paths and code names are allowed.
HOW_TO_PAGES = frozenset({"downloads", "data_sources", "render_any_place", "search"})
#: Pages that are not for reading (Sphinx's indexes).
SKIPPED_PAGES = frozenset({"genindex", "py-modindex", "search"})
#: Folders of the site that are not linted.
SKIPPED_FOLDERS = frozenset({"reference", "_static", "_sources", "_figures", "downloads",
                             "figures", "explorer"})

#: Count nouns whose number must agree with the count before them.
_NOUNS = {
    "country": "countries", "victim": "victims", "figure": "figures", "year": "years",
    "region": "regions", "place": "places", "release": "releases", "exclusion": "exclusions",
    "specification": "specifications", "entry": "entries", "row": "rows", "claim": "claims",
    "change": "changes", "method": "methods", "series": "series", "person": "persons",
    "trafficker": "traffickers", "conviction": "convictions", "flow": "flows",
}
_SINGULAR = "|".join(n for n, p in _NOUNS.items() if n != p)
_PLURAL = "|".join(p for n, p in _NOUNS.items() if n != p)
# A count: an integer that is not a year (years are four digits without a separator).
_COUNT = r"(?<![\w.,\-–/])(?:[02-9]|[1-9]\d{1,2}|\d{1,3}(?:,\d{3})+)(?![\d.,]\d)"

#: Prose rules: name -> pattern that must not occur in the visible prose of a page.
PROSE_RULES: dict[str, re.Pattern[str]] = {
    "negative zero": re.compile(r"(?<![\w.,])[-−–]0(?:\.0+)?(?![\d.,]?\d)(?!\s*[-–]\s*\d)"),
    "doubled word": re.compile(r"\b([A-Za-z]{2,})\s+\1\b", re.IGNORECASE),
    "at most 0": re.compile(r"\bat most [-−]?0(?:\.0+)?(?![.,]?\d)"),
    "count agreement": re.compile(
        rf"(?<![\w.,\-–/])1 (?:{_PLURAL}|are|were)\b"
        rf"|{_COUNT} (?:{_SINGULAR})(?=[.,;:)]|\s(?:is|was|has|with|in|of|and)\b)"
    ),
    "excess decimals": re.compile(
        r"\b\d+\.\d*0-fold\b|\b\d+\.\d*0 (?:million|billion|thousand)\b"
        r"|\b\d+\.\d+ (?!million|billion|thousand)(?:[a-z]+ ){0,2}"
        r"(?:ones|countries|persons|people|specifications)\b"
    ),
    "questionnaire code": re.compile(r"\bQ\d+(?:\.\d+)+\w*"),
    "raw dict or list": re.compile(r"\{'[^']+': |\[\('[^']+', "),
}
#: Rules for pages that are not about files and commands.
READER_RULES: dict[str, re.Pattern[str]] = {
    "machine path": re.compile(
        r"/work/|/home/|/tmp/|\b_build/|\bsrc/tiptrends|\.venv\b|site-packages"
        r"|\b[\w/]+\.py\b|\btiptrends\.[a-z_]+\.[a-z_]+"
    ),
    "code name": re.compile(
        r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?!\.(?:xlsx|csv|json|parquet|zip|txt|pdf))"
    ),
}
#: Profile pages tell readers what the place shows, not how to run the command.
COMMAND_LINE = re.compile(r"\btiptrends (?:profile|render|data)\b|\bmake (?:report|profile)\b")
#: A table header that is a code name: snake_case or camelCase, no spaces.
CODE_HEADER = re.compile(r"^(?:[A-Za-z][a-z0-9]*_[A-Za-z0-9_]*|[a-z]+[A-Z]\w*)$")


@dataclass(frozen=True)
class Finding:
    """One problem on one page."""

    page: str
    rule: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.page}: {self.rule}: {self.excerpt}"


#: Tags that end one piece of text and start another (a rule never matches across them).
_BLOCKS = frozenset({"p", "li", "ul", "ol", "dl", "dt", "dd", "div", "section", "h1", "h2", "h3",
                     "h4", "h5", "h6", "table", "tr", "td", "th", "caption", "figcaption",
                     "figure", "blockquote", "details", "summary", "pre", "nav"})


@dataclass
class _Article:
    """What the lint reads from one page's article: (kind, text) pieces in page order.

    Kinds: ``"prose"``, ``"header"`` (a table header cell), ``"cell"`` (a table data cell),
    ``"raw"`` (a plain-text cell output), ``"h2"`` (a section title).
    """

    pieces: list[tuple[str, str]] = field(default_factory=list)

    def of(self, kind: str) -> list[str]:
        return [text for k, text in self.pieces if k == kind and text]


class _Reader(HTMLParser):
    """Split the visible article (outside code toggles) into pieces of text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.article = _Article()
        self._stack: list[tuple[str, frozenset[str]]] = []
        self._buffer: list[str] = []

    def _inside(self, *, tag: str | None = None, cls: str | None = None) -> bool:
        return any((tag is None or t == tag) and (cls is None or cls in c) for t, c in self._stack)

    def _kind(self) -> str:
        for tag, classes in reversed(self._stack):
            if tag == "div" and "output" in classes and ({"text_plain", "stream"} & classes):
                return "raw"
            if tag in ("th", "td", "h2"):
                return {"th": "header", "td": "cell", "h2": "h2"}[tag]
        return "prose"

    def _flush(self) -> None:
        text = " ".join(" ".join(self._buffer).split()).rstrip("#").strip()
        self._buffer = []
        if text and self._inside(tag="article"):
            self.article.pieces.append((self._kind(), text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()
        if tag in ("img", "br", "hr", "meta", "link", "input", "source", "wbr", "col"):
            return
        self._stack.append((tag, frozenset((dict(attrs).get("class") or "").split())))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS or tag in ("article",):
            self._flush()
        while self._stack:
            t, _ = self._stack.pop()
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._inside(tag="article") or self._inside(tag="details"):
            return
        if self._inside(tag="script") or self._inside(tag="style"):
            return
        if self._inside(cls="cell_input") or self._inside(cls="headerlink"):
            return
        if self._inside(tag="pre") and self._kind() != "raw":
            return
        self._buffer.append(data)


def _read(html: str) -> _Article:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.article


def _excerpt(text: str, match: re.Match[str], width: int = 40) -> str:
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    return ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")


def page_kind(name: str) -> str:
    """``"chapter"``, ``"profile"``, ``"how-to"`` or ``"page"`` for a page's stem and folder.

    Examples
    --------
    >>> page_kind("02_forced_labour"), page_kind("profiles/nga"), page_kind("downloads")
    ('chapter', 'profile', 'how-to')
    """
    folder, _, stem = name.rpartition("/")
    if stem in HOW_TO_PAGES:
        return "how-to"
    if folder == "profiles":
        return "profile"
    if stem[:2].isdigit():
        return "chapter"
    return "page"


def lint_html(html: str, name: str) -> list[Finding]:
    """Every finding on one page's HTML; ``name`` is its path in the site without ``.html``."""
    kind = page_kind(name)
    article = _read(html)
    found: list[Finding] = []
    rules = dict(PROSE_RULES)
    if kind != "how-to":
        rules.update(READER_RULES)
    prose = article.of("prose")
    for rule, pattern in rules.items():
        for text in prose:
            found += [Finding(name, rule, _excerpt(text, m)) for m in pattern.finditer(text)]
    for output in article.of("raw"):
        found.append(Finding(name, "raw output", output[:80]))
    for header in article.of("header"):
        if CODE_HEADER.match(header):
            found.append(Finding(name, "code name as table header", header))
    cells = article.of("cell")
    for cell in cells:
        if cell in ("True", "False"):
            found.append(Finding(name, "True/False cell", cell))
        elif kind != "how-to" and CODE_HEADER.match(cell):
            found.append(Finding(name, "code name in a table", cell))
        elif PROSE_RULES["negative zero"].fullmatch(cell.rstrip("%").strip()):
            found.append(Finding(name, "negative zero", cell))
    titles = article.of("h2")
    if kind == "chapter" and (not titles or titles[0] != "Key findings"):
        found.append(Finding(name, "findings not first",
                             f"first section: {titles[0] if titles else '(none)'}"))
    if kind == "profile":
        for text in prose:
            found += [Finding(name, "command line on a profile", _excerpt(text, m))
                      for m in COMMAND_LINE.finditer(text)]
    return found


def lint_page(path: Path, site: Path | None = None) -> list[Finding]:
    """Findings of one built page (named relative to ``site`` when given)."""
    name = path.with_suffix("").name
    if site is not None:
        name = path.relative_to(site).with_suffix("").as_posix()
    elif path.parent.name == "profiles":
        name = f"profiles/{name}"
    return lint_html(path.read_text(encoding="utf-8"), name)


def lintable_pages(site: Path) -> list[Path]:
    """The pages for readers of a built site: chapters, generated pages, place profiles."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site)
        if relative.parts[0] in SKIPPED_FOLDERS or path.stem in SKIPPED_PAGES:
            continue
        pages.append(path)
    return pages


def lint_site(site: Path) -> list[Finding]:
    """Every finding on every page for readers of ``site``."""
    return [f for page in lintable_pages(site) for f in lint_page(page, site)]


def main(argv: Sequence[str] | None = None) -> int:
    """Lint the given pages (default: the built site); print findings; 1 if any."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        found: Iterable[Finding] = [f for a in args for f in lint_page(Path(a))]
    else:
        from tiptrends import paths

        site = paths.build_dir() / "html"
        if not site.is_dir():
            print(f"tiptrends: error: no built site at {site}: run `tiptrends render`",
                  file=sys.stderr)
            return 2
        found = lint_site(site)
    found = list(found)
    for finding in found:
        print(finding)
    print(f"{len(found)} finding{'s' if len(found) != 1 else ''}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
