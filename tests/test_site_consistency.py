"""One value per quantity: every page of the built site that states a quantity states the same.

The book once said +41.7% and +37.6% for the same change in child victims, 7,346 and 7,103
for the EU's 2021 total, "consistent" and "differs (+11%)" for the 2021 victims claim,
"reproduced" and "differs (+4.6 points)" for the EU forced-labour claim. Here a *quantity*
is found on a page by the rows of its tables (a row label and a value column) and by
sentences of its prose (a pattern with a group ``v``); its statements are normalised (a
number, or a verdict's word) and must agree across the site. Registered figures
(:data:`tiptrends.methods.figures.FIGURES`) are also checked against :func:`figures.value`
wherever a table row carries their label.

The page-reading functions are unit-tested on small HTML snippets (the old inconsistent
values fail, the fixed ones pass); :func:`test_the_built_site_states_one_value_per_quantity`
reads the site of the test render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

Table = list[dict[str, str]]


class _Tables(HTMLParser):
    """Tables of a page: rows as {column header: cell text}; the phone labels of stacked
    tables (``tt-cell-label``) and the article's prose text kept apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.prose: list[str] = []
        self._header: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False
        self._skip = 0
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("script", "style") or "tt-cell-label" in classes:
            self._skip += 1
            self._skip_tag = tag
        elif tag == "table":
            self._depth += 1
            self.tables.append([])
            self._header = []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag in ("script", "style", "span"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            # Sphinx writes typographic apostrophes ("report’s"); read them as typed
            self._row.append(" ".join(" ".join(self._cell).split()).replace("\u2019", "'"))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._in_head or not self._header:
                self._header = self._row if not self._header else self._header
            else:
                names = self._header if len(self._header) == len(self._row) else ["", *self._header]
                self.tables[-1].append(dict(zip(names, self._row, strict=False)))
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif not self._depth:
            self.prose.append(data)


def read_tables(html: str) -> tuple[list[Table], str]:
    """The tables of a page (rows as {header: text}; the first column under its header or
    ``""``) and its prose outside tables, whitespace collapsed."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables, " ".join(" ".join(parser.prose).split())


def normalise(text: str) -> str:
    """A statement reduced to what must agree: a number (``+41.7%`` -> ``41.7``,
    ``2,131 persons`` -> ``2131``) or a verdict's word (``differs (+11%)`` -> ``differs``)."""
    text = text.strip()
    number = re.match(r"^[+]?(-?[\d,]*\.?\d+)\s*(%|persons|points)?", text)
    if number:
        return f"{float(number.group(1).replace(',', '')):g}"
    return text.split(" (")[0].strip().lower()


#: Value columns of tables: a headline table's, a rule-switch table's main column, a ledger's.
REPRODUCTION, REANALYSIS = "Reproduction (report's data)", "Re-analysis (current data)"
VALUE_COLUMNS = ("Our value", "all rules (main)", REPRODUCTION, "Verdict", "Verdict (report basis)")
#: Columns that state a verdict (a claims ledger's, a headline table's), the reproduction's first.
VERDICT_COLUMNS = ("Verdict (reproduction)", "Verdict", "Verdict (report basis)")


@dataclass(frozen=True)
class Quantity:
    """One quantity and how pages state it.

    Attributes
    ----------
    name : str
    rows : tuple of str
        Patterns of a table row's label (first column or "What" / "Claim" cell).
    prose : tuple of str
        Patterns of a sentence, the value in group ``v``.
    published : str, optional
        Pattern of a headline row's "Published" cell: such a row states this quantity's
        verdict (rows with no verdict, "not comparable", are left out).
    """

    name: str
    rows: tuple[str, ...] = ()
    prose: tuple[str, ...] = ()
    published: str | None = None
    pages: tuple[str, ...] = field(default=())
    verdict: bool = False


def _label(row: dict[str, str]) -> str:
    for col in ("What", "Claim", "", "figure", "Figure"):
        if row.get(col):
            return row[col]
    return next(iter(row.values()), "")


def statements(html: str, q: Quantity) -> list[str]:
    """Every statement of ``q`` on one page, normalised."""
    tables, prose = read_tables(html)
    found = []
    for table in tables:
        for row in table:
            label = _label(row)
            by_label = any(re.search(p, label) for p in q.rows)
            by_published = q.published and re.search(q.published, row.get("Published", ""))
            if not (by_label or by_published) or label.endswith("current release"):
                continue
            for col in VALUE_COLUMNS if by_label and not q.verdict else VERDICT_COLUMNS:
                if row.get(col) and not row[col].startswith("not comparable"):
                    found.append(normalise(row[col]))
                    break
    for pattern in q.prose:
        found += [normalise(m.group("v")) for m in re.finditer(pattern, prose)]
    return found


def disagreements(pages: dict[str, str], quantities: list[Quantity]) -> list[str]:
    """Quantities stated with more than one value across ``pages`` (name -> HTML)."""
    problems = []
    for q in quantities:
        said = {name: statements(html, q) for name, html in pages.items()}
        values = {v for vs in said.values() for v in vs}
        if len(values) > 1:
            where = {name: sorted(set(vs)) for name, vs in said.items() if vs}
            problems.append(f"{q.name}: {where}")
    return problems


def label_pattern(label: str) -> str:
    """A row-label pattern matching exactly ``label``."""
    return rf"^{re.escape(label)}$"


QUANTITIES = [
    Quantity(
        "children's change 2019-2022, report basis",
        rows=(
            r"^Change in detected child victims, 2019 to 2022$",
            r"^Change in detected child victims$",
        ),
        prose=(
            r"[Cc]hild victims on the trend panel (?:is|changed by) (?P<v>[+-]?\d+\.\d%)"
            r"(?: from 2019 to 2022)? on the report basis",
        ),
    ),
    Quantity(
        "EU-27 detected victims 2021",
        rows=(r"^Detected victims, EU-27, 2021$",),
        prose=(r"(?P<v>\d{1,3},\d{3}) on the report basis, where Finland",),
    ),
    Quantity(
        "EU-27 persons convicted 2022",
        rows=(r"^Persons convicted of trafficking, EU-27, 2022$",),
        prose=(r"(?P<v>\d{1,3},\d{3}) persons? convicted in (?:the EU-27 )?in 2022",),
    ),
    Quantity(
        "victims of known sex and age 2022",
        rows=(
            r"^Detected victims of known sex and age, 2022",
            r"^victims of known sex and age, 2022$",
        ),
        prose=(r"Victims of known sex and age: (?P<v>\d{1,3},\d{3}) on the report basis",),
    ),
    Quantity(
        "victims 2021 claim: verdict",
        rows=(r"more than fifty thousand victims",),
        published=r"^(?:over )?50,000 persons",
        verdict=True,
    ),
    Quantity(
        "EU forced-labour claim: verdict",
        rows=(r"^In the EU, a little over a third",),
        published=r"^37(?:\.0)?%",
        verdict=True,
    ),
]


# --------------------------------------------------------------------------- the functions
def _headline(what: str, value: str, published: str, verdict: str) -> str:
    cells = "".join(
        f'<td><span class="tt-cell-label">{c}</span> {v}</td>'
        for c, v in (
            ("What", what),
            ("Our value", value),
            ("Published", published),
            ("Verdict", verdict),
        )
    )
    return (
        '<table class="tt-stack"><thead><tr><th>What</th><th>Our value</th><th>Published</th>'
        f"<th>Verdict</th></tr></thead><tbody><tr>{cells}</tr></tbody></table>"
    )


def _claims(claim: str, verdict: str, column: str = "Verdict") -> str:
    return (
        f"<table><thead><tr><th>Claim</th><th>{column}</th></tr></thead>"
        f"<tbody><tr><td>{claim}</td><td>{verdict}</td></tr></tbody></table>"
    )


CHILD = "Change in detected child victims, 2019 to 2022"
VICTIMS_CLAIM = "UNODC data count more than fifty thousand victims detected worldwide in 2021."
EU_CLAIM = "In the EU, a little over a third of cases are forced labour."


def test_reader_finds_cells_and_drops_phone_labels() -> None:
    tables, prose = read_tables("<p>Intro</p>" + _headline(CHILD, "41.7%", "31.0% ( source )", "x"))
    assert tables == [
        [{"What": CHILD, "Our value": "41.7%", "Published": "31.0% ( source )", "Verdict": "x"}]
    ]
    assert prose == "Intro"
    index_table = (
        "<table><thead><tr><th></th><th>all rules (main)</th></tr></thead>"
        "<tbody><tr><th>victims of known sex and age, 2022</th><td>46,532</td></tr></tbody></table>"
    )
    assert read_tables(index_table)[0] == [
        [{"": "victims of known sex and age, 2022", "all rules (main)": "46,532"}]
    ]
    assert [normalise(t) for t in ("+41.7%", "2,131 persons", "differs (+11%)", "consistent")] == [
        "41.7",
        "2131",
        "differs",
        "consistent",
    ]


@pytest.mark.parametrize(
    ("pages", "fails"),
    [
        (  # the old book: +41.7% in chapter 4, 37.6% on the headline page
            {
                "04": "<p>Child victims on the trend panel changed by +41.7% from 2019 to 2022 on "
                "the report basis (published +31.0%).</p>",
                "headline": _headline(CHILD, "37.6%", "31.0%", "differs"),
            },
            True,
        ),
        (
            {
                "04": "<p>The rise in child victims on the trend panel is +41.7% on the report basis.</p>",
                "headline": _headline(CHILD, "41.7%", "31.0%", "not reproduced (+10.7 points)"),
            },
            False,
        ),
        (  # the old landing page: the claim "consistent", the headline row "differs (+11%)"
            {
                "index": _claims(VICTIMS_CLAIM, "consistent")
                + _headline(
                    "Detected victims, global (UNODC data)",
                    "55,261 persons",
                    "50,000 persons ( source )",
                    "differs (+11%)",
                ),
                "11": _claims(VICTIMS_CLAIM, "consistent", "Verdict (report basis)"),
            },
            True,
        ),
        (
            {
                "index": _claims(VICTIMS_CLAIM, "consistent")
                + _headline(
                    "Detected victims, plain sum of country totals, 2021",
                    "55,261 persons",
                    "50,000 persons ( source )",
                    "consistent (+11%)",
                )
                + _headline(
                    "Detected victims, plain sum of country totals, 2021, current release",
                    "76,514 persons",
                    "50,000 persons ( source )",
                    "consistent (+53%)",
                ),
                "11": _claims(VICTIMS_CLAIM, "consistent", "Verdict (report basis)"),
            },
            False,
        ),
        (  # the old landing page: the EU claim "reproduced", its published figure "differs"
            {
                "index": _claims(EU_CLAIM, "reproduced")
                + _headline(
                    "Share of cases in the EU that are forced labour (highest on record)",
                    "41.6%",
                    "37.0% ( source )",
                    "differs (+4.6 points)",
                ),
            },
            True,
        ),
        (
            {
                "index": _claims(EU_CLAIM, "reproduced")
                + _headline(
                    "Forced-labour share of detected victims, EU-27, 2022",
                    "41.6%",
                    "37.0% ( source )",
                    "not comparable (published for 2024)",
                ),
            },
            False,
        ),
        (  # EU 2021 total: 7,346 in chapter 6, 7,103 on a profile's table
            {
                "06": "<p>and 7,346 on the report basis, where Finland’s total is repaired</p>",
                "profile": _headline(
                    "Detected victims, EU-27, 2021", "7,103 persons", "-", "no published figure"
                ),
            },
            True,
        ),
        (  # convictions: 2,131 on one page, 1,971 on another; sex and age: 46,532 vs 61,199
            {
                "a": _headline(
                    "Persons convicted of trafficking, EU-27, 2022", "2,131 persons", "2,097", "x"
                )
                + _headline(
                    "Detected victims of known sex and age, 2022", "46,532 persons", "-", "x"
                ),
                "b": "<p>1,971 persons convicted in the EU-27 in 2022. Victims of known sex and age: "
                "61,199 on the report basis.</p>",
            },
            True,
        ),
    ],
)
def test_disagreements_on_snippets(pages: dict[str, str], fails: bool) -> None:
    assert bool(disagreements(pages, QUANTITIES)) is fails


def test_a_registered_figure_must_show_its_registry_value() -> None:
    html = _headline("Label A", "41.7%", "31.0%", "x") + _headline(
        "Label A, current release", "11.8%", "-", "x"
    )
    assert registered_mismatches({"index": html}, {"Label A": ("41.7", "11.8")}) == []
    assert registered_mismatches({"index": html}, {"Label A": ("37.6", "11.8")}) == [
        "index: Label A: 41.7 (registry 37.6)"
    ]


def _figure_row(label: str, reproduction: str, reanalysis: str) -> str:
    cells = "".join(
        f'<td><span class="tt-cell-label">{c}</span> {v}</td>'
        for c, v in (("Figure", label), (REPRODUCTION, reproduction), (REANALYSIS, reanalysis))
    )
    return (
        f'<table class="tt-stack"><thead><tr><th>Figure</th><th>{REPRODUCTION}</th>'
        f"<th>{REANALYSIS}</th></tr></thead><tbody><tr>{cells}</tr></tbody></table>"
    )


def test_a_figure_row_must_show_both_registry_values() -> None:
    html = _figure_row("Label A", "41.7%", "11.8%")
    assert registered_mismatches({"h": html}, {"Label A": ("41.7", "11.8")}) == []
    assert registered_mismatches({"h": html}, {"Label A": ("41.7", "12.0")}) == [
        "h: Label A: 11.8 (registry 12.0)"
    ]
    assert statements(html, Quantity("a", rows=(r"^Label A$",))) == ["41.7"]
    cite = _claims("Label A", "12.0%", column="Value to cite").replace("Claim", "Figure")
    assert registered_mismatches({"i": cite}, {"Label A": ("41.7", "11.8")}) == [
        "i: Label A: 12 (registry 11.8)"
    ]


def registered_mismatches(pages: dict[str, str], expected: dict[str, tuple[str, str]]) -> list[str]:
    """Rows carrying a registered label (or label + ", current release") whose value is not
    the registry's (``expected``: label -> normalised report-basis and current values); a
    row with both bases side by side is checked in each column."""
    problems = []
    for name, html in pages.items():
        for table in read_tables(html)[0]:
            for row in table:
                label = _label(row)
                base = label.removesuffix(", current release")
                if base not in expected:
                    continue
                checks = [
                    (REPRODUCTION, expected[base][0]),
                    (REANALYSIS, expected[base][1]),
                    ("Value to cite", expected[base][1]),
                ]
                if not any(row.get(col) for col, _ in checks):
                    want = expected[base][label != base]
                    col = next((c for c in ("Our value", "all rules (main)") if row.get(c)), None)
                    checks = [(col, want)] if col else []
                for col, want in checks:
                    if row.get(col) and row[col] != "-" and normalise(row[col]) != want:
                        problems.append(f"{name}: {label}: {normalise(row[col])} (registry {want})")
    return problems


# --------------------------------------------------------------------------- the site
@pytest.mark.notebooks
@pytest.mark.xdist_group("render")
def test_the_built_site_states_one_value_per_quantity(site_render) -> None:
    import json

    from tests.site import site_pages
    from tiptrends import paths
    from tiptrends.methods import figures
    from tiptrends.report.site_pages import format_result

    site = paths.build_dir() / "html"
    pages = {
        str(p.relative_to(site)): p.read_text(encoding="utf-8")
        for p in site_pages(site)
        if p.parent.name != "reference"
    }
    assert pages, "the book has no pages"
    problems = disagreements(pages, QUANTITIES)
    results = json.loads((paths.build_dir() / "results.json").read_text(encoding="utf-8"))
    expected = {}
    for key, fig in figures.FIGURES.items():
        if key in results:
            unit = results[key].get("unit")
            expected[fig.label] = tuple(
                normalise(format_result(figures.value(key, basis), unit, key))
                for basis in figures.BASES
            )
    problems += registered_mismatches(
        {k: v for k, v in pages.items() if Path(k).stem in ("index", "headline_numbers")}, expected
    )
    assert not problems, "\n".join(problems)
