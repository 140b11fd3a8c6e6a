"""What the book says, as flat ``key -> text`` pairs for the second golden file.

``tests/golden/results.json`` pins the recorded numbers; much of what a reader sees reaches the
book only as glued prose, as region memberships or in the place profiles' tables. These are
read here from what the render wrote, as the text the page shows:

* ``glue <page> <name>``: every value glued by a chapter (MyST-NB glue outputs carry
  ``metadata.scrapbook.name``), as its ``text/markdown`` (else ``text/plain``) form;
* ``region <grouping> <name>``: the ISO3 members of each GLOTIP region, M49 region and
  sub-region, and the EU-27 (``tiptrends.io.countries``), space-separated and sorted;
* ``profile <slug> <table> <row>``: each row of the headline tables of the test build's
  place profiles (``tests.conftest.TEST_PROFILES``), ``column: value`` pairs, and
  ``profile <slug> glue <name>`` for their glued values.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

#: Tables of a place profile pinned, by the start of their caption (the legend, the flags and
#: the revisions tables are lists of notes rather than headline numbers).
PROFILE_TABLES = (
    "Detected victims per year",
    "Shares by form",
    "Shares by sex and age",
    "Persons convicted per 100",
    "Detected victims by citizenship",
    "Foreign citizenships most often detected",
    "Walk Free estimate",
    "Place and comparison group",
)


def _text(value: Any) -> str:
    """A notebook output field (string or list of lines) as one string."""
    return "".join(value) if isinstance(value, list) else str(value)


def notebook_glue(notebook: dict[str, Any]) -> dict[str, str]:
    """Name -> shown text of every glued value of an executed notebook (JSON)."""
    out: dict[str, str] = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            scrap = output.get("metadata", {}).get("scrapbook")
            if not scrap or "name" not in scrap:
                continue
            prefix = scrap.get("mime_prefix", "")
            data = output.get("data", {})
            for mime in ("text/markdown", "text/plain"):
                if prefix + mime in data:
                    out[scrap["name"]] = " ".join(_text(data[prefix + mime]).split())
                    break
    return out


class _Tables(HTMLParser):
    """Caption and rows (cell texts, ``th`` and ``td``) of each ``<table>`` of an HTML output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, Any]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._caption: list[str] | None = None
        self._head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "body": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "thead":
            self._head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None and self.tables:
            self.tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "thead":
            self._head = False
        elif tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1]["head" if self._head else "body"].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def html_tables(html: str) -> list[dict[str, Any]]:
    """``{"caption", "head", "body"}`` of each table of ``html`` (rows as lists of cell texts)."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def table_rows(table: dict[str, Any]) -> dict[str, str]:
    """Row label -> ``column: value`` pairs of a parsed table (labels made unique by ``#n``)."""
    columns = table["head"][0] if table["head"] else []
    rows: dict[str, str] = {}
    for cells in table["body"]:
        if not cells:
            continue
        label = cells[0] or "-"
        names = columns[1:] if len(columns) == len(cells) else [""] * (len(cells) - 1)
        shown = " | ".join(f"{n}: {v}" if n else v for n, v in zip(names, cells[1:], strict=True))
        key, n = label, 1
        while key in rows:
            n += 1
            key = f"{label} #{n}"
        rows[key] = shown
    return rows


def profile_values(notebook: dict[str, Any], slug: str) -> dict[str, str]:
    """``profile <slug> ...`` keys: the headline tables' rows and the glued values."""
    out = {f"profile {slug} glue {k}": v for k, v in notebook_glue(notebook).items()}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if not html:
                continue
            for table in html_tables(_text(html)):
                title = table["caption"].split(";")[0].split(",")[0].strip()
                if not any(table["caption"].startswith(t) for t in PROFILE_TABLES):
                    continue
                for row, shown in table_rows(table).items():
                    out[f"profile {slug} {title} {row}"] = shown
    return out


def region_values() -> dict[str, str]:
    """``region <grouping> <name>`` -> the sorted ISO3 codes of its members."""
    from tiptrends.io import countries

    table = countries.country_table()
    out: dict[str, str] = {}
    for grouping, column in (
        ("GLOTIP", "glotip_region"),
        ("M49", "un_region"),
        ("M49-subregion", "un_subregion"),
    ):
        for name, members in table.groupby(column)["iso3"]:
            out[f"region {grouping} {name}"] = " ".join(sorted(members))
    out["region EU27"] = " ".join(sorted(countries.EU27))
    return out


def book_values(build: Path, profiles: tuple[str, ...]) -> dict[str, str]:
    """Every glued value of the chapters in ``build/executed``, regions and ``profiles``' tables."""
    out: dict[str, str] = {}
    for path in sorted((build / "executed").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for name, shown in notebook_glue(notebook).items():
            out[f"glue {path.stem} {name}"] = shown
    for slug in profiles:
        path = build / "executed" / "profiles" / f"{slug}.ipynb"
        if path.exists():
            out.update(profile_values(json.loads(path.read_text(encoding="utf-8")), slug))
    out.update(region_values())
    return dict(sorted(out.items()))


def text_differences(golden: dict[str, str], current: dict[str, str]) -> list[str]:
    """One line per added, removed or changed key (sorted by key); empty when they agree."""
    lines = []
    for key in sorted(set(golden) | set(current)):
        if key not in golden:
            lines.append(f"added    {key} = {current[key]!r}")
        elif key not in current:
            lines.append(f"removed  {key} (was {golden[key]!r})")
        elif golden[key] != current[key]:
            lines.append(f"changed  {key}: {golden[key]!r} -> {current[key]!r}")
    return lines
