"""Exceptions raised by tiptrends.

Every data problem raises :class:`DataError` with a one-line message that names the
file and the problem; the CLI prints that line and exits non-zero.
"""

from __future__ import annotations

from pathlib import Path


class DataError(Exception):
    """A raw or curated data file is missing, corrupt or not what the reader expects."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        where = f"{Path(path).name}: " if path is not None else ""
        super().__init__(f"{where}{problem}")
