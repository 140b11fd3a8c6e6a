"""Schema checks of small configuration tables, remembered between processes.

The published-figures table and the citizenship mapping are checked with pandera when a
process loads them. Importing pandera and running the checks costs about a quarter of a
second, which every kernel of a render would pay again. The result of a check depends only on the
table's bytes, the code that defines the schema and the versions of the packages that apply
it, so a passed check is remembered under a sha256 of all of these (:func:`check_key`), in a
marker file of the derived-product store (``data/curated/derived/``, read by no render or
book stamp). A process that finds the marker of the same key skips the check; any change of
the bytes, the code or a version makes the key differ, and the table is checked again. A
failed check is never remembered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path


def marker_path(name: str) -> Path:
    """The marker of table ``name``: ``<name>.checked.json`` in the derived-product store."""
    from tiptrends.io.derived import derived_dir

    return derived_dir() / f"{name}.checked.json"


def check_key(content: bytes, code: Iterable[Path], packages: Iterable[str]) -> str:
    """sha256 over a table's ``content``, the source files of the ``code`` defining its
    schema and the installed versions of ``packages``.

    Examples
    --------
    >>> key = check_key(b"a,b", [Path(__file__)], ["pandas"])
    >>> key == check_key(b"a,b", [Path(__file__)], ["pandas"])
    True
    >>> key == check_key(b"a,c", [Path(__file__)], ["pandas"])
    False
    """
    h = hashlib.sha256(content)
    for path in code:
        h.update(Path(path).read_bytes())
    for package in packages:
        h.update(f"\n{package} {metadata.version(package)}".encode())
    return h.hexdigest()


def passed_before(name: str, key: str) -> bool:
    """True when the marker of ``name`` records a passed check of ``key``."""
    try:
        return json.loads(marker_path(name).read_text(encoding="utf-8")).get("key") == key
    except (OSError, ValueError, AttributeError):
        return False


def remember_pass(name: str, key: str) -> None:
    """Record a passed check of ``key``; a store that cannot be written is left alone (every
    load then checks, as in a read-only installation)."""
    from tiptrends.io.atomic import write_text_atomic

    marker = marker_path(name)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(marker, json.dumps({"key": key}))
    except OSError:
        pass
