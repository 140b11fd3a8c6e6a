"""One verdict rule: a computed value against a published figure of a given kind.

Every page that sets a number against a published figure (a chapter's table, the claims
ledger, the landing page, "Headline numbers") calls :func:`verdict`, so the same figure
against the same published value gets the same word everywhere. The published figure's
*kind* decides the rule (:data:`RULES`): a value with a tolerance, an "over" / "under"
bound, a "one in N" share, or a record ("highest on record").

Examples
--------
>>> p = Published(50_000, kind="bound", qualifier="over", unit="persons")
>>> verdict(55_261, p), verdict(52_000, p), verdict(48_000, p)
('consistent', 'reproduced', 'not reproduced')
>>> verdict(41.6, Published(37.0, unit="percent")), gap_words(41.6, Published(37.0, unit="%"))
('not reproduced', '+4.6 points')
>>> verdict(40.0, Published(3, kind="one_in_n"))
'reproduced'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

REPRODUCED = "reproduced"
CONSISTENT = "consistent"
NOT_TESTABLE = "not testable with these data"
CONTRADICTED = "not reproduced"
VERDICTS = (REPRODUCED, CONSISTENT, NOT_TESTABLE, CONTRADICTED)
"""The verdicts of a value against a published figure."""

NOT_COMPARABLE = "not comparable"
"""A figure set against a published one of other years: no verdict."""

KINDS = ("value", "bound", "one_in_n", "record", "untestable")
"""Kinds of published figures (which rule applies)."""

BOUND_TOLERANCE = 0.1
"""An "over X" bound is tight (reproduced) when the value exceeds X by at most this fraction."""

RULES: dict[str, str] = {
    "value": "reproduced if |main - claim| <= tolerance (1 point for shares, 0.5 for changes in "
    "points, 2% for counts); consistent if the claim lies within tolerance of the range of the "
    "alternatives; else not reproduced",
    "bound": "'over X': reproduced if X <= main <= X + 10%; consistent if main > X + 10% or "
    "(main < X but some alternative >= X); else not reproduced ('under' mirrored)",
    "one_in_n": "'one in N' is the band 100/(N+0.5) to 100/(N-0.5) percent: reproduced if the "
    "main share is inside; consistent if an alternative is; else not reproduced",
    "record": "'highest on record': reproduced if the claimed period is the maximum of every "
    "reading; consistent if of at least one; else not reproduced",
    "untestable": "not testable with these data (no series here measures it)",
}

_PCT = {"%", "percent", "pct", "percent change", "% change"}
_POINTS = {"percentage points", "pp", "points"}


@dataclass(frozen=True)
class Published:
    """A published figure as a verdict reads it.

    Attributes
    ----------
    value : float
        The published number (N of "one in N").
    kind : str
        One of :data:`KINDS`.
    qualifier : str
        ``"over"`` / ``"under"`` for a bound.
    unit : str
        Unit of ``value`` (``"percent"``, ``"persons"``, ...).
    years : tuple of int
        First and last year the figure describes (empty: unknown).
    """

    value: float
    kind: str = "value"
    qualifier: str = ""
    unit: str = ""
    years: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")

    @property
    def tolerance(self) -> float:
        """Allowed gap: 1 point (shares), 0.5 (points), 2% (counts), 10% above a bound."""
        if self.kind == "bound":
            return BOUND_TOLERANCE * abs(self.value)
        unit = self.unit.strip().lower()
        if unit in _PCT:
            return 1.0
        if unit in _POINTS:
            return 0.5
        return max(abs(self.value) * 0.02, 0.5)


def year_span(text: object) -> tuple[int, ...]:
    """First and last year named in ``text`` (``"2019-2022"`` -> (2019, 2022)); () if none."""
    years = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", str(text or ""))]
    return (min(years), max(years)) if years else ()


def published_figure(figure_id: str) -> Published:
    """The row ``figure_id`` of ``data/published/figures.csv`` as a :class:`Published`."""
    from tiptrends.io import published

    return from_row(published.published_row(figure_id))


def from_row(row: Mapping[str, object] | pd.Series) -> Published:
    """A :class:`Published` from a row of the published-figures table."""
    unit, qualifier = str(row["unit"]), str(row["qualifier"])
    if unit == "one in N":
        kind = "one_in_n"
    elif qualifier in ("over", "under"):
        kind = "bound"
    else:
        kind = "value"
    return Published(float(row["value"]), kind, qualifier, unit, year_span(row["year"]))  # type: ignore[arg-type]


def _finite(values: Mapping[str, float] | None) -> list[float]:
    return [float(v) for v in (values or {}).values() if v is not None and math.isfinite(v)]


def one_in_n_band(n: float) -> tuple[float, float]:
    """Percent band that rounds to "one in ``n``": 100/(n+0.5) to 100/(n-0.5).

    >>> [round(x, 1) for x in one_in_n_band(3)]
    [28.6, 40.0]
    """
    if n <= 0.5:
        raise ValueError("n must be > 0.5")
    return 100.0 / (n + 0.5), 100.0 / (n - 0.5)


def verdict(
    value: float | None,
    published: Published,
    alternatives: Mapping[str, float] | None = None,
    *,
    years: tuple[int, ...] = (),
) -> str:
    """The verdict of ``value`` against ``published`` (rules in :data:`RULES`).

    Parameters
    ----------
    value : float or None
        Our main computation, in the published figure's unit (a share in percent for
        "one in N").
    published : Published
        The published figure and its kind.
    alternatives : mapping, optional
        Documented alternative computations (label -> value).
    years : tuple of int
        Years ``value`` describes; a published figure whose years do not span them gets
        :data:`NOT_COMPARABLE`.
    """
    if (
        years
        and published.years
        and not (published.years[0] <= min(years) and max(years) <= published.years[-1])
    ):
        return NOT_COMPARABLE
    main = math.nan if value is None else float(value)
    alts = _finite(alternatives)
    if published.kind == "untestable" or (not math.isfinite(main) and not alts):
        return NOT_TESTABLE
    if published.kind == "bound":
        sign = 1.0 if published.qualifier != "under" else -1.0

        def beyond(v: float) -> float:
            return sign * (v - published.value)

        if math.isfinite(main) and beyond(main) >= 0:
            return REPRODUCED if beyond(main) <= published.tolerance else CONSISTENT
        return CONSISTENT if any(beyond(v) >= 0 for v in alts) else CONTRADICTED
    if published.kind == "one_in_n":
        low, high = one_in_n_band(published.value)
        if math.isfinite(main) and low <= main <= high:
            return REPRODUCED
        return CONSISTENT if any(low <= v <= high for v in alts) else CONTRADICTED
    if published.kind == "record":
        raise ValueError("a record claim is judged by verdict_record")
    tol = published.tolerance
    if math.isfinite(main) and abs(main - published.value) <= tol:
        return REPRODUCED
    values = [v for v in [main, *alts] if math.isfinite(v)]
    if min(values) - tol <= published.value <= max(values) + tol:
        return CONSISTENT
    return CONTRADICTED


def gap_words(value: float, published: Published) -> str:
    """The gap written for people: ``+4.6 points`` (shares, changes), ``+11%`` (counts)."""
    gap = float(value) - published.value
    unit = published.unit.strip().lower()
    if unit in _PCT or unit in _POINTS or published.kind == "one_in_n":
        return f"{gap:+.1f} points" if published.kind != "one_in_n" else ""
    if published.value:
        return f"{100 * gap / published.value:+.0f}%"
    return f"{gap:+,.1f}"


def verdict_text(
    value: float | None,
    published: Published,
    alternatives: Mapping[str, float] | None = None,
    *,
    years: tuple[int, ...] = (),
) -> str:
    """:func:`verdict` with the gap in brackets where there is one: ``consistent (+11%)``."""
    word = verdict(value, published, alternatives, years=years)
    if word == NOT_COMPARABLE:
        span = "-".join(str(y) for y in dict.fromkeys(published.years))
        return f"{word} (published for {span})"
    if word in (REPRODUCED, NOT_TESTABLE) or value is None or not math.isfinite(value):
        return word
    gap = gap_words(value, published)
    return f"{word} ({gap})" if gap else word


def is_record(series: pd.Series, period: object) -> bool:
    """Whether ``series`` (indexed by period) takes its maximum at ``period`` (ties count).

    Raises
    ------
    KeyError
        If ``period`` is not in the series or its value is missing.
    """
    s = series.dropna()
    if period not in s.index:
        raise KeyError(f"period {period!r} not in the series (or missing)")
    return bool(s.loc[period] >= s.max())


def verdict_record(readings: Mapping[str, tuple[pd.Series, object]]) -> str:
    """Verdict for a "highest on record" claim (:data:`RULES` ``"record"``).

    ``readings``: label -> (series indexed by period, the period the claim refers to).
    """
    if not readings:
        return NOT_TESTABLE
    held = [is_record(s, p) for s, p in readings.values()]
    if all(held):
        return REPRODUCED
    return CONSISTENT if any(held) else CONTRADICTED
