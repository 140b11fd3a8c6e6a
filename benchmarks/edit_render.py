"""Time ``tiptrends render`` after one chapter's edit, and split it (issue 19's edit target).

Usage::

    python benchmarks/edit_render.py [--repo DIR] [--runs 3] [--jobs 2]

As the last step of ``benchmarks/fresh_clone.py``: a comment line is appended to the last code
cell of the last chapter, then ``tiptrends render`` runs in a new process (the book
included). Each run edits the notebook anew; the notebook is put back as it was at the end.
``DIR`` (default this checkout) must have been rendered before (a warm build).

Prints, per run, the wall and CPU seconds (the render and every process it started) and the
load average, split into

* before the cells: process start, planning, the kernel's start (to the first cell's input);
* the cells (nbclient's timing in the executed notebook);
* the book (staging and Sphinx, from the render's own line);
* the rest (the kernel's stop, promotion, the explorer check, publishing, exit).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 10.0


def _stamp(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def edit(nb_path: Path) -> None:
    """Append a comment line to the notebook's last code cell (as fresh_clone.py does)."""
    nb = json.loads(nb_path.read_text())
    cell = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    src = cell["source"]
    cell["source"] = (src if isinstance(src, str) else "".join(src)) + (
        f"\n# benchmark edit {time.time()}\n"
    )
    nb_path.write_text(json.dumps(nb, indent=1) + "\n")


def cell_span(executed: Path) -> tuple[float, float]:
    """(first code cell's input, last code cell's reply) as Unix times."""
    cells = [c for c in json.loads(executed.read_text())["cells"] if c["cell_type"] == "code"]
    timing = [c.get("metadata", {}).get("execution", {}) for c in cells]
    timing = [t for t in timing if "iopub.execute_input" in t and "shell.execute_reply" in t]
    return _stamp(timing[0]["iopub.execute_input"]), _stamp(timing[-1]["shell.execute_reply"])


def one_run(repo: Path, nb_path: Path, jobs: int) -> dict[str, float]:
    """Edit, render, and return the measured parts."""
    edit(nb_path)
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "tiptrends"), "render", "--jobs", str(jobs)],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"render failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr}")
    first, last = cell_span(repo / "_build" / "executed" / f"{nb_path.stem}.ipynb")
    found = re.search(r"\[book\] built in ([\d.]+) s", proc.stdout)
    book = float(found.group(1)) if found else 0.0
    cells = last - first
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "load": load,
        "before": first - started,
        "cells": cells,
        "book": book,
        "rest": wall - (first - started) - cells - book,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="a rendered checkout")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    repo = args.repo.resolve()
    nb_path = sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))[-1]
    original = nb_path.read_bytes()
    runs = []
    try:
        for _ in range(args.runs):
            runs.append(one_run(repo, nb_path, args.jobs))
    finally:
        nb_path.write_bytes(original)
    print(f"one chapter edited ({nb_path.name}), book included; {os.cpu_count()} CPUs")
    for r in runs:
        print(
            f"  {r['wall']:5.1f} s wall  {r['cpu']:5.1f} s CPU  load {r['load']:4.1f}  = before the"
            f" cells {r['before']:4.1f} + cells {r['cells']:4.1f} + book {r['book']:4.1f} +"
            f" rest {r['rest']:4.1f}"
        )
    walls = sorted(r["wall"] for r in runs)
    median = walls[len(walls) // 2]
    verdict = "met" if median <= TARGET else "NOT met"
    print(f"  median {median:.1f} s (target <= {TARGET:.0f} s: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
