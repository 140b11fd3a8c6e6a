"""Results registry: headline numbers of the notebooks, gathered into ``_build/results.json``.

A notebook calls :func:`record` for each headline number it reports::

    share = record("sexual_exploitation_share_2022_pct", 38.7, published=38.7,
                   source="GLOTIP 2024, fig. 12", unit="%")

Outside a render, :func:`record` checks and returns the value and says (once, as a warning)
that nothing was written. Under
``tiptrends render`` the renderer sets ``TIPTRENDS_RESULTS_FILE`` (a per-notebook
JSON file) and ``TIPTRENDS_NOTEBOOK`` for the kernel; :func:`record` updates that
file atomically and the renderer merges all of them into ``_build/results.json`` as
``{key: {"value", "notebook", "published", "source", "unit", "note", "basis", "year"}}``.

``basis`` is ``"reproduction"`` (the data the report could see, processed as the report
would), ``"re-analysis"`` (the current release with the collection's quality rules; keys
ending in ``_current_release``) or null for a number with one basis only; ``year`` is the year
or period the number describes (``"2022"``, ``"2019-2022"``) or null. Both are inferred when
not given: from the figure registry for a registered figure, else from the key. ``unit`` has
one spelling per unit (:data:`UNIT_SPELLINGS`).

Conventions: keys are snake_case; keys ending in ``_pct`` hold percentages on the
0-100 scale (25.0 means 25 %, never 0.25); values are finite numbers.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
import warnings
from pathlib import Path
from typing import Any

# re-exported: report modules write their files with these
from tiptrends.io.atomic import write_bytes_atomic, write_json_atomic

__all__ = [
    "NOTEBOOK_ENV",
    "RESULTS_FILE_ENV",
    "record",
    "write_bytes_atomic",
    "write_json_atomic",
]

RESULTS_FILE_ENV = "TIPTRENDS_RESULTS_FILE"
NOTEBOOK_ENV = "TIPTRENDS_NOTEBOOK"

_KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")

CURRENT_SUFFIX = "_current_release"
"""Key suffix of a number's re-analysis (the current release)."""
REPRODUCTION, REANALYSIS = "reproduction", "re-analysis"
"""The two data bases, as ``results.json`` names them."""

#: Unit spellings -> the one spelling results.json uses.
UNIT_SPELLINGS = {
    "%": "percent",
    "pct": "percent",
    "per cent": "percent",
    "pp": "percentage points",
    "percentage point": "percentage points",
    "victims": "persons",
    "people": "persons",
}


def canonical_unit(unit: str | None) -> str | None:
    """The one spelling of a unit.

    Examples
    --------
    >>> canonical_unit("%"), canonical_unit("victims"), canonical_unit("countries")
    ('percent', 'persons', 'countries')
    """
    return None if unit is None else UNIT_SPELLINGS.get(unit.strip(), unit.strip())


def period_of(key: str, years: tuple[int, ...] | None = None) -> str | None:
    """The year or period a number describes: its figure's years, else the years in its key.

    Examples
    --------
    >>> period_of("victims_change_2019_2022_pct"), period_of("fl_share_2022_pct")
    ('2019-2022', '2022')
    >>> period_of("n_countries"), period_of("x", (2017, 2020))
    (None, '2017-2020')
    """
    found = sorted(set(years or ())) or sorted(
        {int(y) for y in re.findall(r"(?<![0-9])(19[89][0-9]|20[0-4][0-9])(?![0-9])", key)}
    )
    if not found:
        return None
    return str(found[0]) if len(found) == 1 else f"{found[0]}-{found[-1]}"


def _registered(base: str) -> tuple[int, ...] | None:
    """The years of registered figure ``base``, or None when it is not registered."""
    from tiptrends.methods import figures

    fig = figures.FIGURES.get(base)
    return None if fig is None else tuple(fig.years)


def _number(value: Any, what: str) -> int | float:
    """Return ``value`` as a plain finite int or float (numpy scalars converted)."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        try:
            value = value.item()  # numpy scalar or one-element array
        except ValueError as exc:
            raise ValueError(f"{what} must be a single number: {exc}") from None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{what} must be a number, not {type(value).__name__}: {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what} must be finite, got {value!r}")
    return value


def record(
    key: str,
    value: Any,
    *,
    published: Any = None,
    source: str | None = None,
    unit: str | None = None,
    note: str | None = None,
    basis: str | None = None,
    year: str | None = None,
) -> Any:
    """Record a headline number and return ``value`` unchanged.

    Parameters
    ----------
    key : str
        snake_case name, unique in the collection (e.g. ``"victims_2022_total"``).
        Keys ending in ``_pct`` hold percentages on the 0-100 scale.
    value : int or float (or numpy scalar)
        The number; must be finite.
    published : int or float, optional
        The corresponding published figure, if any.
    source : str, optional
        Citation of the published figure (report, page, table).
    unit : str, optional
        Unit, e.g. ``"victims"`` or ``"%"``.
    note : str, optional
        Anything a reader of the number must know.
    basis : {"reproduction", "re-analysis"}, optional
        Data basis; inferred when omitted (module docstring).
    year : str, optional
        Year or period the number describes; inferred when omitted (:func:`period_of`).

    Returns
    -------
    The ``value`` passed in.

    Raises
    ------
    ValueError
        If the key is not snake_case or a value is not a finite number.

    Examples
    --------
    Outside ``tiptrends render`` the number is checked and returned, and a warning says that
    nothing was written:

    >>> record("example_forced_labour_share_2022_pct", 25.7, published=42, unit="%")
    25.7
    >>> record("Forced labour", 25.7)
    Traceback (most recent call last):
    ...
    ValueError: result key 'Forced labour' must be snake_case (a-z, 0-9, single '_')
    """
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ValueError(f"result key {key!r} must be snake_case (a-z, 0-9, single '_')")
    plain = _number(value, f"result {key!r}")
    plain_published = None if published is None else _number(published, f"published {key!r}")
    if basis not in (None, REPRODUCTION, REANALYSIS):
        raise ValueError(f"result {key!r}: basis must be {REPRODUCTION!r} or {REANALYSIS!r}")
    target = os.environ.get(RESULTS_FILE_ENV)
    if not target:
        _say_not_recorded(key)
        return value
    base = key.removesuffix(CURRENT_SUFFIX)
    years = _registered(base)
    if basis is None:
        basis = REANALYSIS if key != base else (REPRODUCTION if years is not None else None)
    entry = {
        "value": plain,
        "notebook": os.environ.get(NOTEBOOK_ENV),
        "published": plain_published,
        "source": source,
        "unit": canonical_unit(unit),
        "note": note,
        "basis": basis,
        "year": year if year is not None else period_of(base, years),
    }
    set_json_entry(Path(target), key, entry)
    if key != base:
        _mark_reproduction(Path(target), base)
    return value


def _mark_reproduction(path: Path, base: str) -> None:
    """A number recorded with a re-analysis twin is the reproduction of the pair."""
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    entry = table.get(base)
    if isinstance(entry, dict) and entry.get("basis") is None:
        set_json_entry(path, base, {**entry, "basis": REPRODUCTION})


def set_json_entry(path: Path, name: str, entry: Any) -> None:
    """Set ``name`` to ``entry`` in the JSON object stored at ``path`` (created if absent).

    The per-notebook files of a render (results, page data) are updated this way, atomically.
    """
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        table = {}
    table[name] = entry
    write_json_atomic(path, table)


_told: set[str] = set()


def _say_not_recorded(key: str) -> None:
    """Tell once per process that numbers are recorded only under ``tiptrends render``."""
    if _told:
        return
    _told.add(key)
    warnings.warn(
        f"record({key!r}): checked, not written; headline numbers are gathered into "
        "_build/results.json only when `tiptrends render` runs the notebook",
        stacklevel=3,
    )
