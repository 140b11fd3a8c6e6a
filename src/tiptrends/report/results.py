"""Results registry: headline numbers of the notebooks, gathered into ``_build/results.json``.

A notebook calls :func:`record` for each headline number it reports::

    share = record("sexual_exploitation_share_2022_pct", 38.7, published=38.7,
                   source="GLOTIP 2024, fig. 12", unit="%")

Outside a render, :func:`record` checks and returns the value and says (once, as a warning)
that nothing was written. Under
``tiptrends render`` the renderer sets ``TIPTRENDS_RESULTS_FILE`` (a per-notebook
JSON file) and ``TIPTRENDS_NOTEBOOK`` for the kernel; :func:`record` updates that
file atomically and the renderer merges all of them into ``_build/results.json`` as
``{key: {"value", "notebook", "published", "source", "unit", "note"}}``.

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
    target = os.environ.get(RESULTS_FILE_ENV)
    if not target:
        _say_not_recorded(key)
        return value
    entry = {
        "value": plain,
        "notebook": os.environ.get(NOTEBOOK_ENV),
        "published": plain_published,
        "source": source,
        "unit": unit,
        "note": note,
    }
    set_json_entry(Path(target), key, entry)
    return value


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
