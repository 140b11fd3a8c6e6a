"""Computed numbers glued into the chapters' prose (MyST-NB ``glue``).

A notebook computes a value in a code cell and glues it under a name; the Markdown around it
cites the name with the ``{glue:md}`` role, so the wording lives in Markdown and the number in
code::

    glue_number("victims_2022", total, unit="victims")      # code cell
    Authorities detected {glue:md}`victims_2022` in 2022.    # Markdown cell

Values are formatted here, once, for people: thousands separators, one decimal for shares,
a sign for changes, "-" for a missing value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from tiptrends.report.startup import skip_if_asked

# in a kernel of `tiptrends render` or `tiptrends profile`, before the first glue imports
# MyST-NB (and with it nbformat and jsonschema); elsewhere this does nothing
skip_if_asked()

Kind = Literal["count", "pct", "change_pct", "pp", "ratio", "text"]

#: How each kind of number is written in prose.
FORMATS: dict[str, str] = {
    "count": "{:,.0f}",
    "pct": "{:.1f}%",
    "change_pct": "{:+.1f}%",
    "pp": "{:+.1f} percentage points",
    "ratio": "{:.2f}",
}


def format_value(value: object, kind: Kind = "count", unit: str = "") -> str:
    """Format ``value`` for prose.

    Parameters
    ----------
    value
        A number (or text when ``kind="text"``); ``None`` and NaN become "-".
    kind
        ``"count"`` (``73,067``), ``"pct"`` (``25.7%``), ``"change_pct"`` (``+46.2%``),
        ``"pp"`` (``-5.7 percentage points``), ``"ratio"`` (``0.86``) or ``"text"``.
    unit
        Appended after a space (``"victims"``), for counts and ratios.

    Examples
    --------
    >>> format_value(73067.0, "count", "victims")
    '73,067 victims'
    >>> format_value(25.6547, "pct")
    '25.7%'
    >>> format_value(float("nan"), "pct")
    '-'
    """
    if kind == "text":
        return str(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = FORMATS[kind].format(float(value))
    return f"{text} {unit}" if unit else text


class _Markdown:
    """A display object whose only representation is Markdown (what ``{glue:md}`` reads)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def glue_text(name: str, text: str) -> str:
    """Glue ``text`` under ``name`` for the ``{glue:md}`name``` role; return the text."""
    try:
        from myst_nb import glue
    except ImportError:  # outside the book build the prose simply shows the name
        return text
    glue(name, _Markdown(text), display=False)
    return text


def glue_number(name: str, value: object, kind: Kind = "count", unit: str = "") -> str:
    """Format a number with :func:`format_value` and glue it under ``name``.

    Returns the formatted text, so a notebook can also show it.
    """
    return glue_text(name, format_value(value, kind, unit))


def glue_numbers(
    values: Mapping[str, object], kind: Kind = "count", unit: str = "", prefix: str = ""
) -> dict[str, str]:
    """Glue several values of the same kind at once, each under ``prefix + name``.

    Equivalent to calling :func:`glue_number` once per entry of ``values``, in order.

    Parameters
    ----------
    values
        Glue name (without ``prefix``) -> value.
    kind, unit
        As for :func:`format_value`; the same for every entry.
    prefix
        Put in front of every name (``"eu_"`` turns ``"fl_2022"`` into ``"eu_fl_2022"``).

    Returns
    -------
    dict
        Full glue name -> formatted text.

    Examples
    --------
    >>> glue_numbers({"low": 12.34, "high": float("nan")}, "pct", prefix="share_")
    {'share_low': '12.3%', 'share_high': '-'}
    >>> glue_numbers({"n": 1234}, unit="victims")
    {'n': '1,234 victims'}
    """
    return {
        prefix + name: glue_number(prefix + name, value, kind, unit)
        for name, value in values.items()
    }
