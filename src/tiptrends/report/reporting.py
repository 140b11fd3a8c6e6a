"""Published-vs-reproduced tables and recording of headline numbers against published figures.

Every notebook that reproduces a published figure shows a table with the published value and
its citation (from ``data/published/figures.csv``), our value, the gap and the reason for the gap,
and records the number with :func:`record_against` so that ``_build/results.json`` carries both.

>>> row = compare("victims_total_2022", 69_000, "glotip2024_victims_total_2022",
...               reason="...")                                     # doctest: +SKIP
>>> comparison_table([row])                                         # doctest: +SKIP
"""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass

import pandas as pd

from tiptrends.io import published as _published
from tiptrends.methods import figures
from tiptrends.report.results import record
from tiptrends.report.tables import CARDS_ATTR, link_urls


@dataclass(frozen=True)
class Comparison:
    """One published figure set against our reproduction."""

    key: str
    figure_id: str
    indicator: str
    published: float
    published_low: float | None
    published_high: float | None
    reproduced: float
    unit: str
    citation: str
    reason: str
    year: str = ""

    @property
    def gap(self) -> float:
        """Reproduced minus published (in the unit of the figure)."""
        return self.reproduced - self.published

    @property
    def relative_gap_pct(self) -> float:
        """Gap as a percentage of the published value (NaN when published is 0)."""
        return 100 * self.gap / self.published if self.published else math.nan

    @property
    def within_published_range(self) -> bool:
        """True when the published figure is a range (or 'about') and ours falls inside it."""
        low = self.published_low if self.published_low is not None else self.published
        high = self.published_high if self.published_high is not None else self.published
        return low <= self.reproduced <= high


def _optional(value: object) -> float | None:
    return (
        None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
    )


def compare(key: str, reproduced: float, figure_id: str, *, reason: str) -> Comparison:
    """Set a reproduced number against a published figure.

    Parameters
    ----------
    key
        The results key (as passed to :func:`tiptrends.report.results.record`).
    reproduced
        Our value, in the unit of the published figure (percent as 0-100).
    figure_id
        Id of the published figure in ``data/published/figures.csv``.
    reason
        Plain-words explanation of the gap (or of why there is none).
    """
    row = _published.published_row(figure_id)
    return Comparison(
        key=key,
        figure_id=figure_id,
        indicator=str(row["indicator"]),
        published=float(row["value"]),
        published_low=_optional(row.get("value_low")),
        published_high=_optional(row.get("value_high")),
        reproduced=float(reproduced),
        unit=str(row["unit"]),
        citation=_published.citation(figure_id),
        reason=reason,
        year=str(row.get("year", "") or ""),
    )


def record_against(
    key: str, reproduced: float, figure_id: str, *, reason: str, unit: str | None = None
) -> Comparison:
    """Record a headline number with its published counterpart and return the comparison."""
    comparison = compare(key, reproduced, figure_id, reason=reason)
    record(
        key,
        reproduced,
        published=comparison.published,
        source=comparison.citation,
        unit=unit or comparison.unit,
        note=reason,
    )
    return comparison


def comparison_table(rows: list[Comparison]) -> pd.DataFrame:
    """Published vs reproduced, one row per figure, ready to display in a notebook.

    Columns: figure, published, reproduced, gap, gap (% of published), unit, reason, source,
    year (of the published figure). Shown with :func:`tiptrends.report.tables.people_table`, the table becomes one card per
    figure: values and gaps with their units, the source linked, the reason at full width
    (a chapter's renamed or added columns are kept: renamed, it stays a table).
    """
    table = pd.DataFrame(
        {
            "figure": [r.indicator for r in rows],
            "published": [r.published for r in rows],
            "reproduced": [round(r.reproduced, 1) for r in rows],
            "gap": [round(r.gap, 1) for r in rows],
            "gap (% of published)": [round(r.relative_gap_pct, 1) for r in rows],
            "unit": [r.unit for r in rows],
            "reason for the gap": [r.reason for r in rows],
            "source": [r.citation for r in rows],
            "year": [r.year for r in rows],
        },
        index=pd.Index([r.key for r in rows], name="key"),
    )
    table.attrs[CARDS_ATTR] = {
        "title": "figure",
        "values": [("published", ["source"]), ("reproduced", ["gap"])],
        "notes": ["reason for the gap"],
        "hidden": ["unit", "gap (% of published)", "year"],
        "labels": {
            "published": "Published",
            "reproduced": "Reproduced",
            "reason for the gap": "Reason for the gap",
        },
        "formats": {
            "figure": lambda row: html.escape(_with_year(str(row["figure"]), row["year"])),
            "published": lambda row: _row_value(row, "published"),
            "reproduced": lambda row: _row_value(row, "reproduced"),
            "gap": _row_gap,
            "source": lambda row: link_urls(html.escape(str(row["source"]))),
        },
    }
    return table


def _row_decimals(row: pd.Series) -> int:
    return 0 if row["unit"] in _COUNT_UNITS else 1


def _row_value(row: pd.Series, column: str) -> str:
    """A comparison-table value with its unit (HTML-escaped)."""
    return html.escape(format_value(row[column], str(row["unit"]), _row_decimals(row)))


def _row_gap(row: pd.Series) -> str:
    """The gap with its unit and, for counts, its size relative to the published figure."""
    unit = str(row["unit"])
    text = "gap to published: " + format_gap(row["gap"], unit, _row_decimals(row))
    relative = row.get("gap (% of published)")
    if unit not in _PERCENT_UNITS and relative is not None and not pd.isna(relative):
        if round(float(relative), 1) != 0:
            text += f" ({float(relative):+.1f}% of published)"
    return html.escape(text)


def as_records(rows: list[Comparison]) -> list[dict]:
    """Comparisons as plain dictionaries (for JSON or further processing)."""
    return [asdict(r) | {"gap": r.gap} for r in rows]


@dataclass(frozen=True)
class BasisComparison:
    """A published figure beside its reproduction on the report basis and the current release."""

    basis: Comparison
    current_release: float
    difference: str

    @property
    def key(self) -> str:
        return self.basis.key


CURRENT_SUFFIX = "_current_release"
"""Suffix of the key under which the current release's value of a headline is recorded."""


def record_bases(
    key: str,
    report_basis: float,
    current_release: float,
    figure_id: str,
    *,
    reason: str,
    difference: str,
    unit: str | None = None,
) -> BasisComparison:
    """Record a headline on both data bases, each with its published counterpart.

    The report-basis value (what the report could have seen, see
    :func:`tiptrends.methods.vintage.data_bases`) is recorded under ``key``; the current
    release's value under ``key + "_current_release"``.

    Parameters
    ----------
    key : str
        Results key of the reproduction.
    report_basis, current_release : float
        The figure computed on each basis, in the unit of the published figure.
    figure_id : str
        Id in ``data/published/figures.csv``.
    reason : str
        Why the report-basis figure differs from the published one (or why it does not).
    difference : str
        Why the current release differs from the report basis.
    unit : str, optional
        Unit to record (default the published figure's).
    """
    comparison = record_against(key, report_basis, figure_id, reason=reason, unit=unit)
    record(
        key + CURRENT_SUFFIX,
        current_release,
        published=comparison.published,
        source=comparison.citation,
        unit=unit or comparison.unit,
        note=difference,
    )
    return BasisComparison(comparison, float(current_release), difference)


def record_figure(key: str, *, reason: str, difference: str) -> BasisComparison:
    """Record registered figure ``key`` on both data bases, from the figure registry.

    The values are :func:`tiptrends.methods.figures.value` of the report basis and of the
    current release, so what a chapter records is what every other page reads.

    Parameters
    ----------
    key : str
        A key of :data:`tiptrends.methods.figures.FIGURES` with a published counterpart.
    reason, difference : str
        As for :func:`record_bases`.
    """
    fig = figures.figure(key)
    if fig.published_id is None:
        raise ValueError(f"figure {key!r} has no published counterpart to record against")
    return record_bases(
        key,
        figures.value(key, "report"),
        figures.value(key, "current"),
        fig.published_id,
        reason=reason,
        difference=difference,
    )


#: Column labels of the two data bases, the same on every page of the book.
REPRODUCTION = "Reproduction (report's data)"
REANALYSIS = "Re-analysis (current data)"

_PERCENT_UNITS = ("percent", "percent change", "%")
_COUNT_UNITS = ("persons", "count", "countries", "victims")


def _decimals(row: BasisComparison) -> int:
    """Decimals shown: the registered figure's precision, else 1 (0 for whole counts)."""
    registered = figures.FIGURES.get(row.key)
    if registered is not None:
        return registered.precision
    if row.basis.unit in _COUNT_UNITS:
        return 0
    return 1


def format_value(value: float, unit: str, decimals: int) -> str:
    """A value with its unit: ``"25.7%"``, ``"69,627 persons"``, ``"49.6 million persons"``.

    Examples
    --------
    >>> format_value(25.66, "percent", 1), format_value(69627, "persons", 0)
    ('25.7%', '69,627 persons')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    number = f"{value:,.{decimals}f}"
    if number.lstrip("-").strip("0.,") == "":  # no "-0.0"
        number = number.lstrip("-")
    if unit in _PERCENT_UNITS:
        return f"{number}%"
    if unit in ("count", "one in N", "ratio"):
        return f"one in {number}" if unit == "one in N" else number
    return f"{number} {unit}"


def format_gap(gap: float, unit: str, decimals: int) -> str:
    """A gap with its own unit: percentage points for shares, persons for counts.

    Examples
    --------
    >>> format_gap(-13.27, "percent", 1), format_gap(5501, "persons", 0), format_gap(0.01, "percent", 1)
    ('-13.3 percentage points', '+5,501 persons', 'none')
    """
    if gap is None or (isinstance(gap, float) and math.isnan(gap)):
        return "-"
    if round(gap, decimals) == 0:
        return "none"
    number = f"{gap:+,.{decimals}f}"
    if unit in _PERCENT_UNITS:
        return f"{number} percentage points"
    if unit in ("count", "ratio"):
        return number
    return f"{number} {unit}"


def _with_year(label: str, year: object) -> str:
    """The label with its year when the label does not say it (``"..., 2022"``)."""
    text = str(year).strip()
    if text.replace(".0", "").isdigit():
        text = str(int(float(text)))
    if not text or text.lower() == "nan":
        return label
    return label if text in label else f"{label}, {text}"


def bases_table(rows: list[BasisComparison]) -> pd.DataFrame:
    """Published figure, reproduction and re-analysis side by side, with both explanations.

    One row per figure, every cell text with its unit (a gap in percentage points is never in
    one column with a gap in persons unlabelled). The published source is linked and marked
    as the primary document or as the outlet that reported it. Shown with
    :func:`tiptrends.report.tables.people_table`, the table becomes one card per figure
    (the reasons at full width, the cards stacking on a phone).

    Columns: Figure, Published, Source, Source link, Reproduction (report's data), Gap
    (reproduction), Re-analysis (current data), Gap (re-analysis), Reason for the gap, Why
    the current data differ.
    """
    records = []
    for r in rows:
        c = r.basis
        d = _decimals(r)
        published = format_value(c.published, c.unit, d)
        if c.published_low is not None and c.published_high is not None:
            low = format_value(c.published_low, c.unit, d)
            published += f" (range {low} to {format_value(c.published_high, c.unit, d)})"
        source = _published.published_row(c.figure_id)
        kind = str(source.get("primary_or_secondary", ""))
        outlet = f"{source['publisher']}, {source['source_title']}"
        records.append(
            {
                "Figure": _with_year(c.indicator, source.get("year")),
                "Published": published,
                "Source": ("primary: " if kind == "primary" else "reported by ") + outlet,
                "Source link": str(source.get("url", "")),
                REPRODUCTION: format_value(c.reproduced, c.unit, d),
                "Gap (reproduction)": "gap to published: " + format_gap(c.gap, c.unit, d),
                REANALYSIS: format_value(r.current_release, c.unit, d),
                "Gap (re-analysis)": "gap to published: "
                + format_gap(r.current_release - c.published, c.unit, d),
                "Reason for the gap": c.reason,
                "Why the current data differ": r.difference,
            }
        )
    table = pd.DataFrame(records, columns=BASES_COLUMNS)
    table.attrs[CARDS_ATTR] = {
        "title": "Figure",
        "values": [
            ("Published", ["Source"]),
            (REPRODUCTION, ["Gap (reproduction)"]),
            (REANALYSIS, ["Gap (re-analysis)"]),
        ],
        "notes": ["Reason for the gap", "Why the current data differ"],
        "links": {"Source": "Source link"},
    }
    return table


BASES_COLUMNS = [
    "Figure",
    "Published",
    "Source",
    "Source link",
    REPRODUCTION,
    "Gap (reproduction)",
    REANALYSIS,
    "Gap (re-analysis)",
    "Reason for the gap",
    "Why the current data differ",
]
"""Columns of :func:`bases_table`."""
