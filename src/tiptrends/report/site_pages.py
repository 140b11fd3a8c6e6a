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


def verdict_html(text: str, css: str | None = None) -> str:
    """A verdict as a small coloured label (colours in ``_static/tiptrends.css``)."""
    css = css or CLAIM_CLASSES.get(text.split(" (")[0], "untested")
    return f'<span class="tt-verdict {html.escape(css)}">{html.escape(text)}</span>'


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
    text = note.strip()
    for sep in (". ", "; ", " ("):
        if sep in text:
            text = text.split(sep, 1)[0]
    text = text.rstrip(".")
    return text[:1].upper() + text[1:]


def _humanised_key(key: str) -> str:
    words = key.replace("_pct", "").replace("_pp", "").split("_")
    text = " ".join(words)
    return text[:1].upper() + text[1:]


@functools.cache
def published_ids() -> dict[tuple[float, str], str]:
    """``{(value, citation): figure_id}`` of every row of ``data/published/figures.csv``."""
    from tiptrends.io import published

    try:
        table = published.load_published()
    except Exception:  # no table (scratch projects): plain values
        return {}
    out: dict[tuple[float, str], str] = {}
    for row in table.itertuples(index=False):
        if isinstance(row.value, int | float) and math.isfinite(row.value):
            cite = f"{row.publisher}, {row.source_title}, {row.edition}. {row.url}"
            out.setdefault((round(float(row.value), 6), cite), str(row.figure_id))
    return out


def published_indicators() -> dict[tuple[float, str], str]:
    """``{(value, citation): indicator}`` of every row of ``data/published/figures.csv``."""
    from tiptrends.io import published

    try:
        table = published.load_published()
    except Exception:  # no table (scratch projects): descriptions fall back to the notes
        return {}
    out: dict[tuple[float, str], str] = {}
    for row in table.itertuples(index=False):
        value = row.value
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        cite = f"{row.publisher}, {row.source_title}, {row.edition}. {row.url}"
        out.setdefault((round(float(value), 6), cite), str(row.indicator))
    return out


def describe(
    key: str, record: Mapping[str, Any], indicators: Mapping[tuple[float, str], str]
) -> str:
    """A description of a recorded number for people (never the raw key when avoidable).

    In order: a registered figure's label (its current-release value says so); the record's
    own ``description``; the indicator of the published figure it is set against (when it is
    not an alternative reading); the first clause of its note; the key in words.
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
    if note:
        # a note that names another result ("as tier_rate_du, ...") names it in words
        first = re.sub(
            r"\b[a-z0-9]+(?:_[a-z0-9]+){2,}\b",
            lambda m: _humanised_key(m.group(0)).lower(),
            _first_clause(note),
        )
        if len(first) >= 12 and not re.match(r"^(miss|close|match|not like)", first.lower()):
            return first
    return _humanised_key(key)


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
    """The generated part of the landing page: claims, headline numbers, failures.

    ``headline_page``: link to the "Headline numbers" page (``headline_numbers.md``).
    """
    out: list[str] = []
    failed = [chapters[s] for s in failed if s in chapters]
    if failed:
        links = ", ".join(c.link(_short_title(c)) for c in failed)
        out.append(
            ":::{error}\nThese chapters failed in the last build and their numbers are left out "
            f"of this page: {links}.\n:::\n"
        )
    claims_chapter = next((c for c in chapters.values() if "claim" in c.stem), None)
    out.append("## The press release's claims, checked\n")
    if claims:
        counts: dict[str, int] = {}
        for c in claims:
            counts[str(c.get("verdict"))] = counts.get(str(c.get("verdict")), 0) + 1
        summary = ", ".join(f"{n} {v}" for v, n in counts.items())
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
    rows = headline_rows(results, chapters, only_published=True)
    out.append("## Headline numbers\n")
    tally: dict[str, int] = {}
    for row in rows:
        tally[row["_verdict"]] = tally.get(row["_verdict"], 0) + 1
    counts = ", ".join(
        f"{tally[v]} {v}" for v in (*verdicts.VERDICTS, verdicts.NOT_COMPARABLE) if tally.get(v)
    )
    out.append(
        f"{len(rows)} published figures set against what the public data give"
        f"{': ' + counts if counts else ''}. The chapters explain every gap."
        + (
            " All recorded numbers, with those that have no published counterpart, are on "
            "the [Headline numbers](headline_numbers.md) page.\n"
            if headline_page
            else "\n"
        )
    )
    out.append(
        markdown_table(rows, HEADLINE_COLUMNS, stack=True) or "No headline numbers were recorded.\n"
    )
    return "\n".join(out)


def headline_markdown(
    results: Mapping[str, Mapping[str, Any]], chapters: Mapping[str, Chapter]
) -> str:
    """Every recorded number (the "Headline numbers" page)."""
    rows = headline_rows(results, chapters)
    if not rows:
        return "No numbers were recorded in this build.\n"
    return f"{len(rows)} numbers.\n\n" + markdown_table(rows, HEADLINE_COLUMNS, stack=True)


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
        out.append(
            f"{heading}\n: {src.get('publisher', '')}. Release {src.get('release', '')}"
            f"{', data ' + str(src['period']) if src.get('period') else ''}. "
            f"Licence: {src.get('licence', '')}.\n\n  *Cite as:* {src.get('citation', '')}\n"
        )
    return "\n".join(out)


def downloads_markdown(files: Sequence[tuple[str, str, int]]) -> str:
    """Download list: ``(relative URL, description, size in bytes)`` per file."""
    if not files:
        return "Nothing to download in this build.\n"
    lines = []
    for url, what, size in files:
        name = url.rsplit("/", 1)[-1]
        lines.append(
            f'* <a href="{html.escape(url)}" download>{html.escape(name)}</a>: '
            f"{html.escape(what)} ({_size(size)})"
        )
    return "\n".join(lines) + "\n"


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.0f} kB"
    return f"{size} bytes"
