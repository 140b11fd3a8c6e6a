"""Results registry: headline numbers of the notebooks, gathered into ``_build/results.json``.

A notebook calls :func:`record` for each headline number it reports::

    share = record("sexual_exploitation_share_2022_pct", 38.7, published=38.7,
                   source="GLOTIP 2024, fig. 12", unit="%")

Outside a render, :func:`record` only checks and returns the value. Under
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
import tempfile
from pathlib import Path
from typing import Any

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
    """
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ValueError(f"result key {key!r} must be snake_case (a-z, 0-9, single '_')")
    plain = _number(value, f"result {key!r}")
    plain_published = None if published is None else _number(published, f"published {key!r}")
    target = os.environ.get(RESULTS_FILE_ENV)
    if not target:
        return value
    entry = {
        "value": plain,
        "notebook": os.environ.get(NOTEBOOK_ENV),
        "published": plain_published,
        "source": source,
        "unit": unit,
        "note": note,
    }
    path = Path(target)
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        table = {}
    table[key] = entry
    write_json_atomic(path, table)
    return value


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace``.

    Readers never see a partly written file; the file gets mode 0644 (less the umask).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON (sorted keys) to ``path`` atomically."""
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"))


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()
