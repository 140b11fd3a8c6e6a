"""Generated pages of the book: landing summary, headline numbers, claims, downloads, sources.

The renderer writes these Markdown fragments into the book's staging folder
(``_build/book/_generated/``); the hand-written pages of ``notebooks/`` (``index.md``,
``headline_numbers.md``, ...) include them. Everything here turns the records of
``_build/results.json`` into text for people: a description instead of the key, values with
thousands separators and one decimal for shares, the published figure with a link to its
citation, a verdict in words and a link to the chapter.

A registered figure (:data:`tiptrends.methods.figures.FIGURES`) is described by its label and
judged by :func:`tiptrends.methods.verdicts.verdict` against its published counterpart, the
rule the claims ledger uses: the same figure has the same label and verdict on every page.
"""

from __future__ import annotations

import functools
import html
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiptrends import paths
from tiptrends.methods import figures, verdicts
from tiptrends.report.prose import format_value

NO_FIGURE = "no published figure"
"""Verdict of a number without a published counterpart."""

#: Verdicts (:mod:`tiptrends.methods.verdicts`) -> CSS class.
CLAIM_CLASSES = {
    verdicts.REPRODUCED: "reproduced",
    verdicts.CONSISTENT: "consistent",
    verdicts.NOT_TESTABLE: "untested",
    verdicts.CONTRADICTED: "contradicted",
    verdicts.NOT_COMPARABLE: "untested",
    NO_FIGURE: "untested",
}
#: Claims on the landing page: testable verdicts first.
CLAIM_ORDER = ("reproduced", "consistent", "not reproduced", "contradicted")


# --------------------------------------------------------------------------- values


def value_kind(unit: str | None, key: str = "") -> tuple[str, str]:
    """Return (``prose.format_value`` kind, unit text) for a recorded unit.

    Examples
    --------
    >>> value_kind("percent")
    ('pct', '')
    >>> value_kind("percentage points")
    ('pp', '')
    >>> value_kind("persons")
    ('count_or_rate', 'persons')
    """
    u = (unit or "").strip()
    low = u.lower()
    if low in ("%", "percent", "pct"):
        return "pct", ""
    if low in ("percent change", "% change"):
        return "change_pct", ""
    if low in ("percentage points", "pp", "points"):
        return "pp", ""
    if not u:
        if key.endswith("_pct"):
            return "pct", ""
        return "ratio", ""
    return "count_or_rate", u


def format_result(value: Any, unit: str | None, key: str = "") -> str:
    """A recorded value written for people: ``25.7%``, ``74,785 persons``, ``+4.2 points``.

    Whole numbers are written without decimals; other numbers with one decimal (two when
    below 1, as for correlations).

    Examples
    --------
    >>> format_result(74785.0, "persons")
    '74,785 persons'
    >>> format_result(25.6547, "%")
    '25.7%'
    >>> format_result(-3.39, "percentage points")
    '-3.4 points'
    >>> format_result(0.4321, None, "tier_rho")
    '0.43'
    >>> format_result(None, "%")
    '-'
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    kind, text = value_kind(unit, key)
    if kind == "pp":
        return format_value(value, "pp").replace("percentage points", "points")
    if kind in ("pct", "change_pct"):
        return format_value(value, kind)
    number = float(value)
    if number.is_integer() or abs(number) >= 1000:
        shown = f"{number:,.0f}"
    elif abs(number) < 1:
        shown = f"{number:.2f}"
    else:
        shown = f"{number:,.1f}"
    return f"{shown} {text}".strip()


def published_for(key: str, record: Mapping[str, Any]) -> verdicts.Published | None:
    """The published counterpart of a record, with its kind (None when it has none).

    A registered figure's is its ``published_id``; another record's is the row of
    ``data/published/figures.csv`` with its value and citation, else a plain value.
    """
    published = record.get("published")
    if not isinstance(published, int | float) or isinstance(published, bool):
        return None
    fig = figures.FIGURES.get(key.removesuffix(figures.CURRENT_SUFFIX))
    if fig is not None and fig.published_id:
        return verdicts.published_figure(fig.published_id)
    fid = published_ids().get((round(float(published), 6), str(record.get("source"))))
    if fid:
        return verdicts.published_figure(fid)
    return verdicts.Published(float(published), unit=str(record.get("unit") or ""))


def verdict(record: Mapping[str, Any], key: str = "") -> str:
    """The verdict of a record against its published figure, with the gap in brackets.

    :func:`tiptrends.methods.verdicts.verdict_text`: ``reproduced``, ``consistent (+11%)``,
    ``not reproduced (+4.6 points)``, ``not comparable (published for 2024)``, or
    :data:`NO_FIGURE`.
    """
    published, value = published_for(key, record), record.get("value")
    if published is None or not isinstance(value, int | float):
        return NO_FIGURE
    fig = figures.FIGURES.get(key.removesuffix(figures.CURRENT_SUFFIX))
    return verdicts.verdict_text(float(value), published, years=fig.years if fig else ())


def verdict_html(text: str, css: str | None = None, *, wrap: bool = False) -> str:
    """A verdict as a small coloured label (colours in ``_static/tiptrends.css``);
    ``wrap``: may break across lines (in a table with many columns)."""
    css = css or CLAIM_CLASSES.get(text.split(" (")[0], "untested")
    style = ' style="white-space:normal"' if wrap else ""
    return f'<span class="tt-verdict {html.escape(css)}"{style}>{html.escape(text)}</span>'


# --------------------------------------------------------------------------- descriptions

_URL_RE = re.compile(r"\s*(https?://\S+)\s*$")


def split_citation(source: str | None) -> tuple[str, str | None]:
    """Split ``"Publisher, Title, edition. URL"`` into (text, URL or None)."""
    if not source:
        return "", None
    match = _URL_RE.search(source)
    if not match:
        return source.strip(), None
    return source[: match.start()].rstrip(" ."), match.group(1)


def _first_clause(note: str) -> str:
    """The note's first clause, without bracketed asides: ``"share of victims (by
    citizenship) whose ...; rest"`` -> ``"Share of victims whose ..."``."""
    text = re.sub(r"\s*\([^()]*\)", "", note.strip())
    for sep in (". ", "; "):
        if sep in text:
            text = text.split(sep, 1)[0]
    text = text.rstrip(".")
    return text[:1].upper() + text[1:]


def _humanised_key(key: str) -> str:
    words = key.replace("_pct", "").replace("_pp", "").split("_")
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _by_value_and_citation(column: str) -> dict[tuple[float, str], str]:
    """``{(value, citation): row[column]}`` of ``data/published/figures.csv``, without the
    pairs that two rows share (the UNODC press release gives 38 % twice: the children's
    share and the rise in girls), so that a number is never described as the other."""
    from tiptrends.io import published

    try:
        table = published.load_published()
    except Exception:  # no table (scratch projects): plain values
        return {}
    out: dict[tuple[float, str], str] = {}
    shared: set[tuple[float, str]] = set()
    for row in table.itertuples(index=False):
        value = row.value
        if not isinstance(value, int | float) or not math.isfinite(value):
            continue
        cite = f"{row.publisher}, {row.source_title}, {row.edition}. {row.url}"
        key = (round(float(value), 6), cite)
        if key in out and out[key] != str(getattr(row, column)):
            shared.add(key)
        out.setdefault(key, str(getattr(row, column)))
    return {k: v for k, v in out.items() if k not in shared}


@functools.cache
def published_ids() -> dict[tuple[float, str], str]:
    """``{(value, citation): figure_id}`` of ``data/published/figures.csv`` (pairs shared by
    two figures left out)."""
    return _by_value_and_citation("figure_id")


def published_indicators() -> dict[tuple[float, str], str]:
    """``{(value, citation): indicator}`` of ``data/published/figures.csv`` (pairs shared by
    two indicators left out)."""
    return _by_value_and_citation("indicator")


_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_KEY_RE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+){2,}\b")


def _with_years(text: str, key: str) -> str:
    """``text`` with the years of ``key`` appended when it names none (``, 2019`` or
    ``, 2019 to 2022``)."""
    years = list(dict.fromkeys(_YEAR_RE.findall(key)))
    if not years or all(y in text for y in years):
        return text
    return f"{text}, {' to '.join(years[:2]) if len(years) > 1 else years[0]}"


_VARIANTS = r"(without|open|matched|balanced)(_|$)"


def _stem(key: str) -> str:
    return re.sub(r"_(pct|pp|pct_points)$", "", key.removesuffix(figures.CURRENT_SUFFIX))


def describe(
    key: str,
    record: Mapping[str, Any],
    indicators: Mapping[tuple[float, str], str],
    results: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """A description of a recorded number for people (never the raw key when avoidable).

    In order: a registered figure's label (its current-release value says so); the record's
    own ``description``; the indicator of the published figure it is set against (when it is
    not an alternative reading); a variant of another figure (its key extends a registered
    or recorded key, or its note starts "as <key>, ..."), described as that figure followed
    by the variant's note; the first clause of its note; the key in words. Years of the key
    that the description does not name are appended.
    """
    fig = figures.FIGURES.get(key.removesuffix(figures.CURRENT_SUFFIX))
    if fig is not None:
        return fig.label + (", current release" if key.endswith(figures.CURRENT_SUFFIX) else "")
    if record.get("description"):
        return str(record["description"])
    note = str(record.get("note") or "")
    alternative = note.lower().startswith("alternative")
    published, source = record.get("published"), record.get("source")
    if isinstance(published, int | float) and source and not alternative:
        indicator = indicators.get((round(float(published), 6), str(source)))
        if indicator:
            return indicator
    variant = _variant_of(key, note, results or {}, indicators)
    if variant:
        return variant
    if note:
        # a note that names another result ("as tier_rate_du, ...") names it in words
        first = _KEY_RE.sub(lambda m: _humanised_key(m.group(0)).lower(), _first_clause(note))
        if len(first) >= 12 and not re.match(
            r"^(miss|close|match\b|matches|not like)", first.lower()
        ):
            return _with_years(first, key)
    return _humanised_key(key)


def _variant_of(
    key: str,
    note: str,
    results: Mapping[str, Mapping[str, Any]],
    indicators: Mapping[tuple[float, str], str],
) -> str:
    """ "<other figure's description>, <this note's first clause>" for a variant of another
    figure, "" if ``key`` is none."""
    clause = _first_clause(note)
    named = re.match(r"^[Aa]s ([a-z0-9_]+),?\s*(.*)$", clause)
    if named and named.group(1) in results:
        other = named.group(1)
        base = describe(other, results[other], indicators, None)
        return f"{base}, {named.group(2)}" if named.group(2) else base
    stem = _stem(key)
    candidates = [k for k in (*figures.FIGURES, *results) if k != key and _stem(k) != stem]
    # a variant names what it leaves out or which country set it uses
    parents = [k for k in candidates if re.match(rf"{re.escape(_stem(k))}_{_VARIANTS}", stem)]
    if not parents or not clause:
        return ""
    parent = max(parents, key=lambda k: len(_stem(k)))
    record = results.get(parent, {})
    base = describe(parent, record, indicators, None)
    return f"{base}: {clause[:1].lower()}{clause[1:]}"


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Chapter:
    """A chapter of the book: file stem and title."""

    stem: str
    title: str

    def link(self, text: str | None = None) -> str:
        """Markdown link to the chapter (MyST resolves ``<stem>.ipynb`` to the page)."""
        label = (text or self.title or self.stem).replace("[", "(").replace("]", ")")
        return f"[{label}]({self.stem}.ipynb)"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _chapter_for(record: Mapping[str, Any], chapters: Mapping[str, Chapter]) -> str:
    stem = Path(str(record.get("notebook") or "")).stem
    chapter = chapters.get(stem)
    return chapter.link(_short_title(chapter)) if chapter else "-"


def _short_title(chapter: Chapter) -> str:
    """``"2. Forced labour"`` from ``02_forced_labour`` titled "Forced labour: share and ..."."""
    title = chapter.title.split(":", 1)[0].strip() or chapter.stem
    number = re.match(r"(\d+)", chapter.stem)
    return f"{int(number.group(1))}. {title}" if number else title


def headline_rows(
    results: Mapping[str, Mapping[str, Any]],
    chapters: Mapping[str, Chapter],
    *,
    only_published: bool = False,
) -> list[dict[str, str]]:
    """One row per recorded number: description, value, published figure, verdict, chapter
    (and ``_verdict``, the verdict's word, which no table shows).

    Rows follow the chapters' order, then the order in which each chapter recorded them
    (alphabetical within a chapter).
    """
    indicators = published_indicators()
    order = {stem: i for i, stem in enumerate(chapters)}
    keys = sorted(
        results,
        key=lambda k: (order.get(Path(str(results[k].get("notebook"))).stem, 999), k),
    )
    rows = []
    for key in keys:
        rec = results[key]
        if only_published and (
            not isinstance(rec.get("published"), int | float)
            or str(rec.get("note") or "").lower().startswith("alternative")
        ):
            continue
        unit = rec.get("unit")
        judged = verdict(rec, key)
        published_text = "-"
        if judged != NO_FIGURE:
            text, url = split_citation(rec.get("source"))
            shown = format_result(rec.get("published"), unit, key)
            published_text = f"{shown} ([source]({url}))" if url else f"{shown} ({text})"
        verdict_text = verdict_html(judged)
        rows.append(
            {
                "What": _cell(describe(key, rec, indicators)),
                "Our value": format_result(rec.get("value"), unit, key),
                "Published": _cell(published_text),
                "Verdict": verdict_text,
                "Chapter": _chapter_for(rec, chapters),
                "_verdict": judged.split(" (")[0],
            }
        )
    return rows


def markdown_table(
    rows: Sequence[Mapping[str, str]], columns: Sequence[str], *, stack: bool = False
) -> str:
    """A Markdown (MyST) pipe table.

    ``stack``: on a phone (the book's CSS, ``table.tt-stack``) each row becomes a block and
    each cell starts with its column's name, which is hidden on wider screens, so that a
    wide table reads without scrolling sideways.
    """
    if not rows:
        return ""
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        cells = [_cell(row.get(c, "")) for c in columns]
        if stack:
            cells = [
                f'<span class="tt-cell-label">{html.escape(c)}</span> {cell}'
                for c, cell in zip(columns, cells, strict=True)
            ]
        lines.append("| " + " | ".join(cells) + " |")
    table = "\n".join(lines) + "\n"
    return f":::{{table}}\n:class: tt-stack\n\n{table}:::\n" if stack else table


HEADLINE_COLUMNS = ("What", "Our value", "Published", "Verdict", "Chapter")

REPRODUCTION = "Reproduction (report's data)"
REANALYSIS = "Re-analysis (current data)"
FIGURE_COLUMNS = ("Figure", "Published", REPRODUCTION, REANALYSIS, "Verdict")
"""Columns of the table of figures with a published counterpart: the verdict is the
reproduction's, with its gap in the figure's unit in brackets; the label links its chapter."""


def published_source(key: str, record: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The row of ``data/published/figures.csv`` a record is set against (None if none)."""
    from tiptrends.io import published

    fig = figures.FIGURES.get(key.removesuffix(figures.CURRENT_SUFFIX))
    fid = fig.published_id if fig is not None else None
    if not fid and isinstance(record.get("published"), int | float):
        fid = published_ids().get((round(float(record["published"]), 6), str(record.get("source"))))
    if not fid:
        return None
    try:
        return published.published_row(fid).to_dict()
    except (KeyError, LookupError):
        return None


def source_markdown(row: Mapping[str, Any] | None, fallback: str | None = None) -> str:
    """The citation of a published figure: ``primary: [UNODC, GLOTIP 2024](url)`` or
    ``reported by [KOK e.V.](url)`` (a secondary outlet); the record's source if no row."""
    if row is None:
        text, url = split_citation(fallback)
        return f"[source]({url})" if url else text
    outlet = str(row.get("publisher") or "")
    edition = str(row.get("edition") or "")
    url = str(row.get("url") or "")
    if str(row.get("primary_or_secondary")) == "primary":
        # the publisher and the edition; the full title is in results.json
        name = f"{outlet}, {edition}" if edition and edition != outlet else outlet
        text = f"primary: [{name}]({url})" if url else f"primary: {name}"
        also = re.search(
            r"Reported by ([^:]+): (https?://\S+?)\.?(?:\s|$)", str(row.get("note") or "")
        )
        return text + (f"; reported by [{also.group(1)}]({also.group(2)})" if also else "")
    return f"reported by [{outlet}]({url})" if url else f"reported by {outlet}"


def gap_in_unit(value: float, published: verdicts.Published, unit: str | None) -> str:
    """Reproduction minus published, in the figure's unit: ``+6.1 points`` for shares and
    changes in per cent, ``+2,509 persons`` for counts ("-" for a "one in N")."""
    if published.kind == "one_in_n":
        return "-"
    gap = float(value) - published.value
    kind, text = value_kind(unit)
    if kind in ("pct", "change_pct", "pp"):
        shown = f"{gap:+.1f} points"
    elif kind == "ratio":
        shown = f"{gap:+.2f}"
    elif float(value).is_integer() and published.value == int(published.value):
        shown = f"{gap:+,.0f} {text}".strip()
    else:
        shown = f"{gap:+,.1f} {text}".strip()
    return shown.replace("+0.0 ", "0.0 ").replace("-0.0 ", "0.0 ")


def _unit(key: str, record: Mapping[str, Any]) -> str | None:
    """The unit a record is written in: its own ("percent change" keeps the sign), the
    registry's where the record only says "count" ("nationalities")."""
    unit = record.get("unit")
    fig = figures.FIGURES.get(key.removesuffix(figures.CURRENT_SUFFIX))
    if fig is not None and (not unit or unit == "count"):
        return fig.unit
    return unit


def format_published(value: float, unit: str | None, key: str = "") -> str:
    """A published figure as it was printed: a whole number keeps no decimals
    (``42%``, ``+25%``), others as :func:`format_result`."""
    kind, _ = value_kind(unit, key)
    if float(value).is_integer() and kind in ("pct", "change_pct"):
        return f"{value:+.0f}%" if kind == "change_pct" else f"{value:.0f}%"
    return format_result(value, unit, key)


def _base_keys(
    results: Mapping[str, Mapping[str, Any]], chapters: Mapping[str, Chapter]
) -> list[str]:
    order = {stem: i for i, stem in enumerate(chapters)}
    bases = dict.fromkeys(k.removesuffix(figures.CURRENT_SUFFIX) for k in results)

    def chapter_of(base: str) -> int:
        rec = results.get(base) or results.get(base + figures.CURRENT_SUFFIX) or {}
        return order.get(Path(str(rec.get("notebook"))).stem, 999)

    return sorted(bases, key=lambda b: (chapter_of(b), b))


def figure_rows(
    results: Mapping[str, Mapping[str, Any]],
    chapters: Mapping[str, Chapter],
    *,
    only_published: bool = False,
) -> list[dict[str, str]]:
    """One row per figure (its two bases side by side): :data:`FIGURE_COLUMNS`, plus
    ``_verdict`` (the verdict's word) and ``_key``, which no table shows.

    The verdict and the gap are the reproduction's: it asks whether the published figure
    can be rebuilt from the data the report could see. A number recorded on one basis only
    shows "-" in the other column.
    """
    indicators = published_indicators()
    rows = []
    for base in _base_keys(results, chapters):
        rep, cur = results.get(base), results.get(base + figures.CURRENT_SUFFIX)
        main = rep or cur or {}
        has_published = isinstance(main.get("published"), int | float) and not str(
            main.get("note") or ""
        ).lower().startswith("alternative")
        if only_published and not has_published:
            continue
        unit = _unit(base, main)
        judged = verdict(rep, base) if rep else NO_FIGURE
        published = published_for(base, main) if has_published else None
        published_text, gap = "-", "-"
        if published is not None:
            shown = format_published(float(main["published"]), unit, base)
            if published.kind == "bound" and published.qualifier in ("over", "under"):
                shown = f"{published.qualifier} {shown}"
            cite = source_markdown(published_source(base, main), main.get("source"))
            published_text = f"{shown}, {cite}" if cite else shown
            if rep and isinstance(rep.get("value"), int | float) and judged != NO_FIGURE:
                if not judged.startswith(verdicts.NOT_COMPARABLE):
                    gap = gap_in_unit(float(rep["value"]), published, unit)
        word = judged.split(" (")[0]
        shown_verdict = judged if word == verdicts.NOT_COMPARABLE else word
        if word not in (verdicts.NOT_COMPARABLE, verdicts.REPRODUCED) and gap != "-":
            shown_verdict = f"{word} ({gap})"
        rows.append(
            {
                "Figure": _cell(describe(base, main, indicators, results)),
                "Published": _cell(published_text),
                REPRODUCTION: format_result(rep.get("value"), unit, base) if rep else "-",
                REANALYSIS: format_result(cur.get("value"), unit, base) if cur else "-",
                "Gap": gap,
                "Verdict": verdict_html(shown_verdict, wrap=True),
                "Chapter": _chapter_for(main, chapters),
                "_verdict": word,
                "_key": base,
                "_stem": stem
                if (stem := Path(str(main.get("notebook") or "")).stem) in chapters
                else "",
            }
        )
    return rows


CITE_COLUMNS = ("Figure", "Value to cite", "Basis", "Year", "Chapter")


def cite_rows(
    results: Mapping[str, Mapping[str, Any]], chapters: Mapping[str, Chapter]
) -> list[dict[str, str]]:
    """One value to cite per headline (a registered figure with a published counterpart,
    not an alternative computation): the re-analysis, the value that holds on today's data."""
    rows = []
    for base in _base_keys(results, chapters):
        fig = figures.FIGURES.get(base)
        cur = results.get(base + figures.CURRENT_SUFFIX)
        if fig is None or not fig.published_id or cur is None:
            continue
        if str((results.get(base) or {}).get("note") or "").lower().startswith("alternative"):
            continue
        rows.append(
            {
                "Figure": _cell(fig.label),
                "Value to cite": format_result(cur.get("value"), _unit(base, cur), base),
                "Basis": "re-analysis (current data)",
                "Year": "-".join(str(y) for y in dict.fromkeys((fig.years[0], fig.years[-1]))),
                "Chapter": _chapter_for(cur, chapters),
            }
        )
    return rows


def claims_rows(
    claims: Sequence[Mapping[str, Any]], chapters: Mapping[str, Chapter]
) -> list[dict[str, str]]:
    """Rows of the claims table from the ledger recorded by the claims chapter."""
    rows = []
    order = {v: i for i, v in enumerate(CLAIM_ORDER)}
    for claim in sorted(claims, key=lambda c: order.get(str(c.get("verdict")), len(order))):
        verdict_text = str(claim.get("verdict", ""))
        see = []
        for stem in claim.get("chapters") or claim.get("notebooks") or ():
            chapter = chapters.get(Path(str(stem)).stem)
            if chapter:
                see.append(chapter.link(_short_title(chapter)))
        rows.append(
            {
                "Claim": _cell(str(claim.get("claim", ""))),
                "Verdict": verdict_html(verdict_text, CLAIM_CLASSES.get(verdict_text, "untested")),
                "What the data show": _cell(str(claim.get("shown", ""))),
                "Chapter": ", ".join(see) or "-",
            }
        )
    return rows


CLAIM_COLUMNS = ("Claim", "Verdict", "What the data show", "Chapter")


def landing_markdown(
    results: Mapping[str, Mapping[str, Any]],
    chapters: Mapping[str, Chapter],
    claims: Sequence[Mapping[str, Any]] | None,
    failed: Iterable[str] = (),
    *,
    headline_page: bool = True,
    claims_source: str = "",
) -> str:
    """The generated part of the landing page: the answer, the headline chart, key findings,
    where the numbers come from, the values to cite, the claims ledger (and failures).

    ``headline_page``: link to the "Headline numbers" page (``headline_numbers.md``).
    """
    from tiptrends.report import landing

    out: list[str] = []
    failed = [chapters[s] for s in failed if s in chapters]
    if failed:
        links = ", ".join(c.link(_short_title(c)) for c in failed)
        out.append(
            ":::{error}\nThese chapters failed in the last build and their numbers are left out "
            f"of this page: {links}.\n:::\n"
        )
    sentence = landing.answer(results)
    if sentence:
        out.append(sentence + "\n")
    chart = landing.chart_html(landing.chart_png(results))
    if chart:
        out.append(chart)
    matched = landing.matched_convictions(results)
    found = landing.findings(results, matched)
    if found:
        out.append("## Key findings\n")
        out.append("".join(f"* {f}\n" for f in found))
    rows = figure_rows(results, chapters, only_published=True)
    if rows:
        tally: dict[str, int] = {}
        for row in rows:
            tally[row["_verdict"]] = tally.get(row["_verdict"], 0) + 1
        counts = ", ".join(
            f"{tally[v]} {v}" for v in (*verdicts.VERDICTS, verdicts.NOT_COMPARABLE) if tally.get(v)
        )
        where = (
            " The [Headline numbers](headline_numbers.md) page lists them all."
            if headline_page
            else ""
        )
        out.append(
            "Every number here is computed from public data when the book is built; none is "
            "typed in. Each published figure is set against two computations: the "
            "{term}`reproduction` uses the data the report could see, the {term}`re-analysis` "
            f"today's data with the book's quality rules. Of {len(rows)} published figures, "
            f"the reproduction gives {counts}.{where}\n"
        )
    cite = cite_rows(results, chapters)
    if cite:
        out.append("## Values to cite\n")
        out.append(
            "One value per headline: the re-analysis, which holds on today's data. The "
            "chapters give the reproduction and the reasons for each gap.\n"
        )
        out.append(markdown_table(cite, CITE_COLUMNS, stack=True))
        note = landing.convictions_note(results, matched)
        if note:
            out.append(note + "\n")
    claims_chapter = next((c for c in chapters.values() if "claim" in c.stem), None)
    out.append("## The press release's claims, checked\n")
    if claims:
        tallied: dict[str, int] = {}
        for c in claims:
            tallied[str(c.get("verdict"))] = tallied.get(str(c.get("verdict")), 0) + 1
        summary = ", ".join(f"{n} {v}" for v, n in tallied.items())
        where = f" ({claims_chapter.link('the full ledger')})" if claims_chapter else ""
        out.append(
            f"The press release made {len(claims)} quantitative claims. Our verdicts: "
            f"{summary}{where}. A verdict judges a claim against these data: *not testable* "
            "is not *false*.\n"
        )
        out.append(markdown_table(claims_rows(claims, chapters), CLAIM_COLUMNS, stack=True))
        if claims_source:
            out.append(f"*The release:* {_cell(claims_source)}.\n")
    else:
        where = claims_chapter.link(_short_title(claims_chapter)) if claims_chapter else "-"
        out.append(
            f"The claims ledger was not recorded in this build; the chapter {where} holds it.\n"
        )
    return "\n".join(out)


def headline_markdown(
    results: Mapping[str, Mapping[str, Any]], chapters: Mapping[str, Chapter]
) -> str:
    """Every recorded figure, one row each with both bases (the "Headline numbers" page)."""
    from tiptrends.report import landing

    rows = figure_rows(results, chapters)
    if not rows:
        return "No numbers were recorded in this build.\n"
    published = [
        {**r, "Figure": f"[{r['Figure']}]({r['_stem']}.ipynb)" if r["_stem"] else r["Figure"]}
        for r in rows
        if r["Published"] != "-"
    ]
    others = [r for r in rows if r["Published"] == "-"]
    out = [
        f"{len(rows)} figures, {len(published)} of them with a published counterpart.\n",
        "## Figures with a published counterpart\n",
        markdown_table(published, FIGURE_COLUMNS, stack=True),
    ]
    note = landing.convictions_note(results, landing.matched_convictions(results))
    if note and any(r["_key"] == landing.CONVICTIONS for r in published):
        out.append(note + "\n")
    if others:
        columns = ("Figure", REPRODUCTION, REANALYSIS, "Chapter")
        out += [
            "## Other recorded figures\n",
            markdown_table(others, columns, stack=True),
        ]
    return "\n".join(out)


def places_markdown(
    chapters: Mapping[str, Chapter],
    profiles: Sequence[Chapter] = (),
    *,
    intro: str | None = None,
) -> str:
    """The "Places" part: a toctree of the place profiles (``_build/executed/profiles/``).

    ``intro`` names a page shown first (how to render any place). Profiles are listed by
    title, regions (the EU-27 and the regions) before countries.
    """

    def order(profile: Chapter) -> tuple[bool, str]:
        page = profile.stem.rsplit("/", 1)[-1]
        is_region = page == "eu27" or page.startswith("region-")
        return (not is_region, profile.title.casefold())

    ordered = sorted(profiles, key=order)
    entries = ([intro] if intro else []) + [f"{p.title} <{p.stem}>" for p in ordered]
    text = "" if profiles else "No place profile has been rendered yet (`tiptrends profile`).\n\n"
    if entries:
        text += "```{toctree}\n:maxdepth: 1\n\n" + "\n".join(entries) + "\n```\n"
    return text


def sources_markdown(manifest_path: Path | None = None) -> str:
    """The data sources of ``data/sources.toml``: publisher, release, licence, citation."""
    path = manifest_path or paths.manifest_path()
    try:
        manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "No data-source manifest (data/sources.toml) was found.\n"
    out = []
    for src in manifest.get("sources", {}).values():
        title = str(src.get("title", ""))
        home = src.get("homepage")
        heading = f"[{title}]({home})" if home else title
        offered = (
            "Not offered for download here (get it from the publisher)."
            if src.get("redistribute") is False
            else "Its curated table is offered on the downloads page."
        )
        out.append(
            f"{heading}\n: {src.get('publisher', '')}. Release {src.get('release', '')}"
            f"{', data ' + str(src['period']) if src.get('period') else ''}. "
            f"Licence: {src.get('licence', '')}. {offered}\n\n"
            f"  *Cite as:* {src.get('citation', '')}\n"
        )
    return "\n".join(out)


def downloads_markdown(files: Sequence[tuple[str, str, int]], citation: Path | None = None) -> str:
    """Download list: ``(relative URL, description, size in bytes)`` per file, then the
    codebook of every offered table and the "cite this book" block (from ``CITATION.cff``)."""
    if not files:
        return "Nothing to download in this build.\n"
    lines = []
    for url, what, size in files:
        name = url.rsplit("/", 1)[-1]
        lines.append(
            f'* <a href="{html.escape(url)}" download>{html.escape(name)}</a>: '
            f"{html.escape(what)} ({_size(size)})"
        )
    out = "\n".join(lines) + "\n"
    tables = dict.fromkeys(_table_of(url) for url, _, _ in files)
    book = codebook_html([t for t in tables if t])
    if book:
        out += (
            "\n## Codebook\n\nWhat each column means, for every file above "
            '(also as <a href="downloads/codebook.csv" download>codebook.csv</a>).\n\n' + book
        )
    cite = cite_markdown(citation)
    if cite:
        out += "\n## Cite this book\n\n" + cite
    return out


def _table_of(url: str) -> str | None:
    """The codebook table of a download URL (``curated/glotip_2025.csv`` -> ``glotip_2025``)."""
    name = url.rsplit("/", 1)[-1]
    if name in ("results.json", "claims.json"):
        return name
    if "/curated/" in url:
        return name.rsplit(".", 1)[0]
    return None


def codebook_html(tables: Sequence[str]) -> str:
    """One collapsed table of columns (name, type, meaning) per offered table."""
    from tiptrends.report import codebook

    if not codebook.codebook_path().is_file():
        return ""
    entries = codebook.load_codebook()
    out = []
    for table in tables:
        rows = codebook.describe_table(table, entries)
        if not rows:
            continue
        body = "".join(
            f"<tr><td><code>{html.escape(e.column)}</code></td><td>{html.escape(e.type)}</td>"
            f"<td>{html.escape(e.description)}</td></tr>"
            for e in rows
        )
        out.append(
            f'<details class="tt-codebook"><summary>{html.escape(table)} '
            f"({len(rows)} column{'s' if len(rows) != 1 else ''})</summary>\n"
            f"<table><thead><tr><th>Column</th><th>Type</th><th>Meaning</th></tr></thead>"
            f"<tbody>{body}</tbody></table>\n</details>\n"
        )
    return "\n".join(out)


def citation_fields(path: Path | None = None) -> dict[str, str]:
    """Title, version, date, authors and message of ``CITATION.cff`` (its flat fields)."""
    path = path or paths.project_root() / "CITATION.cff"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    fields = {}
    for key in ("title", "version", "date-released", "message", "license"):
        match = re.search(rf"^{re.escape(key)}:\s*\"?(.*?)\"?\s*$", text, re.MULTILINE)
        if match:
            fields[key] = match.group(1)
    fields["authors"] = ", ".join(re.findall(r"^\s+- name:\s*\"?(.*?)\"?\s*$", text, re.MULTILINE))
    return fields


def cite_markdown(path: Path | None = None) -> str:
    """The "cite this book" block: one line to paste, and where the machine-readable one is."""
    f = citation_fields(path)
    if not f.get("title"):
        return ""
    year = f.get("date-released", "")[:4]
    line = (
        f"{f.get('authors', '')} ({year}). *{f['title']}*. Version {f.get('version', '')}"
        f"{', ' + f['date-released'] if f.get('date-released') else ''}."
    )
    return (
        f"{f.get('message', '')}\n\n> {line}\n\n"
        "The same citation, machine-readable, is the file `CITATION.cff` of the project's "
        "repository (Citation File Format); reference managers and GitHub read it.\n"
    )


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.0f} kB"
    return f"{size} bytes"
