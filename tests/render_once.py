"""One forced render per test run, however many pytest-xdist workers ask for it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from filelock import FileLock


def render_once(
    build: Path, run_id: str, worker: str, force: bool, render: Callable[[bool], Any]
) -> Any:
    """Call ``render(force)``; with ``force``, only the first caller of this run forces.

    The callers of one run (the xdist workers, sharing ``run_id``) take a file lock in
    ``build``; the first leaves a marker naming the run, the others then render with the
    cache, which the forced render has just filled.
    """
    build.mkdir(parents=True, exist_ok=True)
    marker = build / f".forced-render-{run_id}"
    with FileLock(str(build / ".test-render.lock")):
        if force and marker.exists():
            force = False
        result = render(force)
        if force:
            for old in build.glob(".forced-render-*"):
                old.unlink(missing_ok=True)
            marker.write_text(worker)
    return result
