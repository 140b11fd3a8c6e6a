"""The codebook of the book's downloads: what each column of each offered file means.

``data/codebook.csv`` holds one row per (table, column): its type and a plain description.
A table name may be a pattern (``glotip_*`` covers every GLOTIP release). The downloads page
shows it beside the files and offers it as ``downloads/codebook.csv``; :func:`undocumented`
lists the columns of an offered table that the codebook does not describe (a test keeps it
empty, so a new column cannot reach readers without a description).
"""

from __future__ import annotations

import csv
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tiptrends import paths
from tiptrends.errors import DataError

__all__ = ["CodebookEntry", "codebook_path", "describe_table", "load_codebook", "undocumented"]

_FIELDS = ("table", "column", "type", "description")


@dataclass(frozen=True)
class CodebookEntry:
    """One column of one download."""

    table: str
    column: str
    type: str
    description: str


def codebook_path() -> Path:
    """Return ``data/codebook.csv``."""
    return paths.data_dir() / "codebook.csv"


def load_codebook(path: Path | None = None) -> list[CodebookEntry]:
    """Read the codebook; a malformed, duplicate or empty entry is a one-line :class:`DataError`."""
    path = path or codebook_path()
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if tuple(reader.fieldnames or ()) != _FIELDS:
                raise DataError(path, f"columns must be {', '.join(_FIELDS)}, got {reader.fieldnames}")
            rows = list(reader)
    except FileNotFoundError:
        raise DataError(path, "codebook not found") from None
    except csv.Error as exc:
        raise DataError(path, f"not a valid CSV file ({exc})") from None
    entries: list[CodebookEntry] = []
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(rows, start=2):
        if None in row or any(not (row.get(f) or "").strip() for f in _FIELDS):
            raise DataError(path, f"line {line}: every field must be filled, got {dict(row)}")
        key = (row["table"], row["column"])
        if key in seen:
            raise DataError(path, f"line {line}: {key[0]}.{key[1]} is described twice")
        seen.add(key)
        entries.append(CodebookEntry(*(row[f].strip() for f in _FIELDS)))
    return entries


def describe_table(table: str, entries: Iterable[CodebookEntry] | None = None) -> list[CodebookEntry]:
    """The codebook entries of one table (its name matched against the patterns), in file order.

    Examples
    --------
    >>> rows = [CodebookEntry("glotip_*", "year", "integer", "Year detected"),
    ...         CodebookEntry("gsi_2023", "population", "integer", "Population")]
    >>> [e.column for e in describe_table("glotip_2023", rows)]
    ['year']
    """
    entries = load_codebook() if entries is None else entries
    return [e for e in entries if fnmatch.fnmatchcase(table, e.table)]


def undocumented(table: str, columns: Iterable[str],
                 entries: Iterable[CodebookEntry] | None = None) -> list[str]:
    """Columns of ``table`` without a codebook entry.

    Examples
    --------
    >>> rows = [CodebookEntry("glotip_*", "year", "integer", "Year detected")]
    >>> undocumented("glotip_2025", ["year", "value"], rows)
    ['value']
    """
    described = {e.column for e in describe_table(table, entries)}
    return [c for c in columns if c not in described]
