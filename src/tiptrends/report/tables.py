"""Tables formatted for people: thousands separators, one decimal for shares, "-" for missing.

Chapters show tables through :func:`people_table`, which returns a pandas ``Styler``: counts
as integers with separators, shares and percentages with one decimal, missing values as "-",
the index hidden unless it carries names, and long tables cut to ``max_rows`` with a note of
how many rows are left out (the full table goes to a download). A table that says it reads
better as cards (``frame.attrs["tiptrends_cards"]``, see :func:`card_table`) comes back as
:class:`CardTable`: one card per row, its long texts at full width, stacking on a phone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

MISSING = "-"


def _is_count(series: pd.Series) -> bool:
    values = pd.to_numeric(series, errors="coerce").dropna()
    return (
        pd.api.types.is_numeric_dtype(series)
        and not pd.api.types.is_bool_dtype(series)
        and len(values) > 0
        and bool(np.all(np.isclose(values, values.round())))
    )


def _is_year(name: object) -> bool:
    return "year" in str(name).lower()


def _mixed(decimals: int) -> Callable[[float], str]:
    """Whole numbers of 100 or more as counts, everything else with ``decimals``."""

    def fmt(value: float) -> str:
        whole = float(value).is_integer() and abs(value) >= 100
        return f"{value:,.0f}" if whole else f"{value:,.{decimals}f}"

    return fmt


def column_formats(
    df: pd.DataFrame,
    *,
    counts: Iterable[str] = (),
    decimals: int = 1,
) -> dict[str, str | Callable[[float], str]]:
    """Format per column: years plain, counts as integers, other numbers with ``decimals``.

    A numeric column whose values are all whole numbers is a count (thousands separators,
    no decimals); a column whose name contains "year" holds years (no separator); ``counts``
    forces more columns to be counts. A column that mixes counts and shares (a
    published-vs-reproduced column, say) shows its whole values of 100 or more as counts.

    Examples
    --------
    >>> f = column_formats(pd.DataFrame({"n": [1.0, 2.0], "share": [0.25, 12.0], "year": [2021, 2022]}))
    >>> f["n"], f["share"], f["year"]
    ('{:,.0f}', '{:,.1f}', '{:.0f}')
    >>> column_formats(pd.DataFrame({"value": [73067.0, 25.65]}))["value"](73067.0)
    '73,067'
    """
    forced = set(counts)
    formats: dict[str, str | Callable[[float], str]] = {}
    for column in df.columns:
        series = df[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if _is_year(column) and _is_count(series):
            formats[column] = "{:.0f}"
        elif column in forced or _is_count(series):
            formats[column] = "{:,.0f}"
        else:
            values = pd.to_numeric(series, errors="coerce").dropna()
            has_counts = bool(((values == values.round()) & (values.abs() >= 100)).any())
            formats[column] = _mixed(decimals) if has_counts else f"{{:,.{decimals}f}}"
    return formats


def _index_label(value: object) -> object:
    """Index labels: "-" for missing, years and other whole numbers without decimals."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return MISSING
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return value


CARDS_ATTR = "tiptrends_cards"
"""Key of ``DataFrame.attrs`` holding a card layout (the keyword arguments of :func:`card_table`)."""


@dataclass(frozen=True)
class CardTable:
    """Rows shown as cards: a title, a row of labelled values, full-width notes.

    Made by :func:`card_table`; displays as HTML in a notebook and in the book
    (``_repr_html_``), as plain text elsewhere.
    """

    frame: pd.DataFrame
    title: str
    values: Sequence[tuple[str, Sequence[str]]]
    notes: Sequence[str] = ()
    links: Mapping[str, str] = field(default_factory=dict)
    caption: str | None = None
    formats: Mapping[str, Callable[[pd.Series], str]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    hidden: Sequence[str] = ()

    def _label(self, column: str) -> str:
        return html.escape(self.labels.get(column, str(column)))

    def _extra(self) -> list[str]:
        """Columns the layout does not place (a chapter's own additions): shown as values."""
        placed = {self.title, *self.notes, *self.hidden, *self.links.values()}
        placed |= {c for c, _ in self.values} | {d for _, ds in self.values for d in ds}
        return [c for c in self.frame.columns if c not in placed]

    def format(self, *args: Any, **kwargs: Any) -> CardTable:
        """Accept a ``Styler.format`` call and return the cards unchanged (they are escaped
        and formatted already), so code written for a ``Styler`` keeps working."""
        return self

    def _cell(self, row: pd.Series, column: str) -> str:
        if column in self.formats:  # the formatter returns HTML (escaped by it)
            return self.formats[column](row)
        value = row.get(column)
        if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
            return ""
        if isinstance(value, float | np.floating):
            text = f"{value:,.0f}" if value.is_integer() and abs(value) >= 100 else f"{value:,.1f}"
        else:
            text = html.escape(str(value))
        url = row.get(self.links[column]) if column in self.links else None
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            text = f'<a href="{html.escape(url, quote=True)}">{text}</a>'
        return text

    def to_html(self) -> str:
        """The cards as one HTML block (class ``tt-cards``)."""
        parts = ['<div class="tt-cards">']
        if self.caption:
            parts.append(f'<p class="tt-cards-caption">{self.caption}</p>')
        for _, row in self.frame.iterrows():
            parts.append('<section class="tt-card">')
            parts.append(f'<p class="tt-card-title">{self._cell(row, self.title)}</p>')
            parts.append('<dl class="tt-card-values">')
            for column, details in [*self.values, *((c, ()) for c in self._extra())]:
                extra = "".join(
                    f'<span class="tt-card-detail">{cell}</span>'
                    for cell in (self._cell(row, d) for d in details)
                    if cell
                )
                parts.append(
                    f"<div><dt>{self._label(column)}</dt>"
                    f'<dd><span class="tt-card-value">{self._cell(row, column) or MISSING}</span>'
                    f"{extra}</dd></div>"
                )
            parts.append("</dl>")
            for column in self.notes:
                cell = self._cell(row, column)
                if cell:
                    parts.append(
                        f'<p class="tt-card-note"><strong>{self._label(column)}:</strong> {cell}</p>'
                    )
            parts.append("</section>")
        parts.append("</div>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        lines = []
        for _, row in self.frame.iterrows():
            lines.append(str(row.get(self.title, "")))
            for column, details in self.values:
                more = "; ".join(str(row[d]) for d in details if str(row.get(d, "") or ""))
                lines.append(
                    f"  {column}: {row.get(column, MISSING)}" + (f" ({more})" if more else "")
                )
            lines += [f"  {c}: {row[c]}" for c in self.notes if str(row.get(c, "") or "")]
        return "\n".join(lines)


def card_table(
    frame: pd.DataFrame,
    *,
    title: str,
    values: Sequence[tuple[str, Sequence[str]]],
    notes: Sequence[str] = (),
    links: Mapping[str, str] | None = None,
    caption: str | None = None,
    formats: Mapping[str, Callable[[pd.Series], str]] | None = None,
    labels: Mapping[str, str] | None = None,
    hidden: Sequence[str] = (),
) -> CardTable:
    """Show each row of ``frame`` as a card (for tables too wide to read as columns).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per card; cells already formatted as text (with their units).
    title : str
        Column shown as the card's heading.
    values : sequence of (column, detail columns)
        Labelled values side by side (stacked on a phone); each with smaller lines under it.
    notes : sequence of str
        Columns shown at full width under the values, each headed by its column name.
    links : mapping, optional
        Column -> column holding the URL that the cell links to.
    caption : str, optional
        HTML shown above the cards.
    formats : mapping, optional
        Column -> function of the row returning the cell's HTML (e.g. a value with its unit).
    labels : mapping, optional
        Column -> the name a reader sees.
    hidden : sequence of str
        Columns not shown (read by ``formats``). Any other column the layout does not place
        is shown as one more labelled value.
    """
    missing = {title, *(c for c, _ in values), *(d for _, ds in values for d in ds), *notes}
    missing -= set(frame.columns)
    if missing:
        raise ValueError(f"card_table: no columns {sorted(missing)}")
    return CardTable(
        frame,
        title,
        tuple(values),
        tuple(notes),
        dict(links or {}),
        caption,
        dict(formats or {}),
        dict(labels or {}),
        tuple(hidden),
    )


def people_table(
    df: pd.DataFrame | pd.Series,
    *,
    max_rows: int = 15,
    counts: Iterable[str] = (),
    decimals: int = 1,
    caption: str | None = None,
    hide_index: bool | None = None,
    download: str | None = None,
) -> Styler | CardTable:
    """A table ready to show to a reader.

    Parameters
    ----------
    df
        The table (a Series becomes one column).
    max_rows
        Rows shown; the rest is summarised in the caption ("first 15 of 48 rows").
    counts
        Columns to show as integers even when they hold non-whole values.
    decimals
        Decimals for non-count numbers (shares, percentages).
    caption
        Shown above the table.
    hide_index
        Hide the index; by default hidden when it is a plain ``RangeIndex``.
    download
        File stem: the *whole* table is written to ``<figures dir>/<download>.csv`` and the
        caption links it ("full table, CSV"), so a cut table never hides data. The book offers
        the figures folder at ``figures/``.

    Returns
    -------
    Styler or CardTable
        A :class:`CardTable` (every row, no cut) when the frame carries a card layout in
        ``attrs["tiptrends_cards"]`` (:func:`tiptrends.report.reporting.bases_table` does).
    """
    frame = df.to_frame() if isinstance(df, pd.Series) else df
    n = len(frame)
    link = None
    if download is not None:
        link = _write_download(frame, download)
    layout = frame.attrs.get(CARDS_ATTR)
    if layout and _has_layout_columns(frame, layout):
        text = "; ".join(html.escape(t) if t == caption else t for t in (caption, link) if t)
        return card_table(frame, **layout, caption=text or None)
    shown = frame.head(max_rows)
    note = f"first {max_rows} of {n:,} rows" if n > max_rows else None
    text = "; ".join(t for t in (caption, note, link) if t)
    formats: dict[str, str | Callable[[Any], str]] = {
        **column_formats(shown, counts=counts, decimals=decimals),
        **{c: link_urls for c in _url_columns(shown)},
    }
    styler = shown.style.format(formats, na_rep=MISSING, escape="html")
    wide = _long_text_columns(shown)
    if wide:  # long texts (reasons, sources) keep a readable line length; the table scrolls
        styler = styler.set_table_styles(
            {c: [{"selector": "td", "props": "min-width: 16em;"}] for c in wide}, overwrite=False
        )
    styler = styler.format_index(_index_label, na_rep=MISSING, escape="html")
    if hide_index is None:
        hide_index = isinstance(shown.index, pd.RangeIndex)
    if hide_index:
        styler = styler.hide(axis="index")
    if text:
        styler = styler.set_caption(text)
    return styler


def _has_layout_columns(frame: pd.DataFrame, layout: Mapping[str, Any]) -> bool:
    """True when the columns a card layout places are all there (not renamed or dropped)."""
    needed = {layout["title"], *layout.get("notes", ()), *layout.get("hidden", ())}
    for column, details in layout["values"]:
        needed |= {column, *details}
    return needed <= set(frame.columns)


_URL_RE = re.compile(r"https?://[^\s<>\"']+")


def _url_columns(frame: pd.DataFrame) -> list[Any]:
    """Text columns with a web address in some cell."""
    return [
        c
        for c in frame.columns
        if frame[c].dtype == object
        and frame[c].map(lambda v: isinstance(v, str) and bool(_URL_RE.search(v))).any()
    ]


def _long_text_columns(frame: pd.DataFrame, length: int = 60) -> list[Any]:
    """Text columns whose longest cell has more than ``length`` characters."""
    return [
        c
        for c in frame.columns
        if frame[c].dtype == object
        and frame[c].map(lambda v: len(v) if isinstance(v, str) else 0).max() > length
    ]


def link_urls(value: Any) -> str:
    """A cell (already HTML-escaped) whose web address becomes a link.

    A citation ending with its address ("Publisher, Title. https://...") links the text
    before the address; any other address links itself.

    Examples
    --------
    >>> link_urls("UNODC, GLOTIP 2024. https://unodc.org/x")
    '<a href="https://unodc.org/x">UNODC, GLOTIP 2024.</a>'
    """
    text = str(value)
    match = _URL_RE.search(text)
    if match is None:
        return text
    before, url = text[: match.start()].strip(), match.group(0).rstrip(".,;)")
    if before and text[match.end() :].strip(" .") == "":
        return f'<a href="{url}">{before}</a>'
    return _URL_RE.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', text)


def _write_download(frame: pd.DataFrame, name: str) -> str:
    """Write the whole table as CSV beside the figures; return the caption's link."""

    from tiptrends import paths
    from tiptrends.report.results import write_bytes_atomic

    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", name):
        raise ValueError(f"people_table: download name {name!r} is not a plain file stem")
    index = not isinstance(frame.index, pd.RangeIndex)
    write_bytes_atomic(
        paths.figures_dir() / f"{name}.csv", frame.to_csv(index=index).encode("utf-8")
    )
    return f'<a href="figures/{html.escape(name)}.csv">full table ({len(frame):,} rows, CSV)</a>'
