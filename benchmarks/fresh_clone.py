"""Time `make report` as a new user runs it: fresh clone, install from the lock, data, render.

Clones the repository (its committed HEAD) into a temporary folder and runs there, each step
timed separately (the steps of ``make report``, in its order):

* install    ``make setup`` (uv from the lock; the uv package cache is the user's, as on a
  machine that installed before)
* data       ``make data`` (fetch from the mirror, curated tables, derived tables)
* profiles   ``tiptrends profile --all-default --no-site``
* chapters   ``tiptrends render --no-book`` (the chapters' kernels, in parallel)
* explorer   ``tiptrends explorer`` when the command exists
* book       ``tiptrends render`` (every notebook cached: Sphinx only)

then prints each step's seconds and share of the whole, the kernel seconds of each chapter with
its first code cell separately (from the cell timing nbclient records in the executed
notebooks), and the warm figures: a render with nothing changed (twice in a row), and a
render after one chapter's cell was edited (book included). The machine's load average is
printed with them: on two CPUs that others use, the figures are only comparable at equal load.

Usage: ``python benchmarks/fresh_clone.py [--repo PATH] [--jobs N] [--keep] [--patch DIFF]``. The raw files
come from ``TIPTRENDS_DATA_MIRROR`` (default ``../shared/data/raw`` beside the repository).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> float:
    """Run ``cmd``; return its wall seconds (exit on failure, showing the log's tail)."""
    started = time.perf_counter()
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        code = subprocess.call(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    if code != 0:
        tail = "\n".join(log.read_text().splitlines()[-30:])
        sys.exit(f"{' '.join(cmd)} failed ({code}) after {seconds:.1f} s:\n{tail}")
    return seconds


def _stamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def kernel_times(executed: Path) -> list[tuple[str, float, float]]:
    """(notebook, kernel seconds of its code cells, seconds of its first code cell)."""
    rows = []
    for path in sorted(executed.glob("*.ipynb")):
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        timing = [c.get("metadata", {}).get("execution", {}) for c in cells]
        timing = [t for t in timing if "iopub.execute_input" in t and "shell.execute_reply" in t]
        if not timing:
            continue
        start = _stamp(timing[0]["iopub.execute_input"])
        end = _stamp(timing[-1]["shell.execute_reply"])
        first = _stamp(timing[0]["shell.execute_reply"]) - start
        rows.append((path.stem, (end - start).total_seconds(), first.total_seconds()))
    return rows


def file_states(repo: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime in ns) of every file a render reads or writes, by path.

    ``_build`` less the published site and Sphinx's output (too many files, rewritten by
    every build), ``notebooks/`` and ``data/`` less the raw files.
    """
    skip = ("_build/html", "_build/.sphinx/html", "_build/.sphinx/doctrees", "data/raw")
    states = {}
    for top in ("_build", "notebooks", "data"):
        for f in (repo / top).rglob("*"):
            rel = f.relative_to(repo).as_posix()
            if f.is_file() and not rel.startswith(skip):
                st = f.stat()
                states[rel] = (st.st_size, st.st_mtime_ns)
    return states


def changed_files(before: dict, after: dict) -> list[str]:
    """Paths written, added or removed between two :func:`file_states`."""
    return sorted(
        f"{path} ({'new' if path not in before else 'removed' if path not in after else 'rewritten'})"
        for path in set(before) | set(after)
        if before.get(path) != after.get(path)
    )


def has_command(tiptrends: Path, name: str, cwd: Path, env: dict[str, str]) -> bool:
    out = subprocess.run([str(tiptrends), "--help"], cwd=cwd, env=env, capture_output=True)
    return name in out.stdout.decode()


def edit_one_chapter(repo: Path) -> str:
    """Add a comment line to the last code cell of the last chapter; return its name."""
    nb_path = sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))[-1]
    nb = json.loads(nb_path.read_text())
    cell = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    src = cell["source"]
    cell["source"] = (src if isinstance(src, str) else "".join(src)) + "\n# benchmark edit\n"
    nb_path.write_text(json.dumps(nb, indent=1) + "\n")
    return nb_path.name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="repository to clone")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true", help="keep the clone")
    parser.add_argument(
        "--patch", type=Path, help="a diff applied to the clone first (`git apply`), to time it"
    )
    args = parser.parse_args()

    mirror = os.environ.get("TIPTRENDS_DATA_MIRROR") or str(args.repo.parent / "shared/data/raw")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "TIPTRENDS_"))}
    env["TIPTRENDS_DATA_MIRROR"] = str(Path(mirror).resolve())
    work = Path(tempfile.mkdtemp(prefix="tiptrends-fresh-"))
    repo = work / "tiptrends"
    log = work / "benchmark.log"
    subprocess.run(["git", "clone", "--quiet", str(args.repo), str(repo)], check=True)
    if args.patch:
        subprocess.run(["git", "apply", str(args.patch.resolve())], cwd=repo, check=True)
    bin_ = repo / ".venv" / "bin"
    tip = bin_ / "tiptrends"
    jobs = ["--jobs", str(args.jobs)]
    steps: dict[str, float] = {}
    try:
        steps["install"] = run(["make", "setup"], repo, env, log)
        steps["data"] = run(["make", "data"], repo, env, log)
        steps["profiles"] = run(
            [str(tip), "profile", "--all-default", "--no-site", *jobs], repo, env, log
        )
        steps["chapters"] = run([str(tip), "render", "--no-book", *jobs], repo, env, log)
        if has_command(tip, "explorer", repo, env):
            steps["explorer"] = run([str(tip), "explorer"], repo, env, log)
        steps["book"] = run([str(tip), "render", *jobs], repo, env, log)
        before = file_states(repo)
        warm = run([str(tip), "render", *jobs], repo, env, log)
        left_over = changed_files(before, file_states(repo))
        warm_again = run([str(tip), "render", *jobs], repo, env, log)
        edited = edit_one_chapter(repo)
        one = run([str(tip), "render", *jobs], repo, env, log)
        kernels = kernel_times(repo / "_build" / "executed")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    total = sum(steps.values())
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"make report from a fresh clone; {os.cpu_count()} CPUs; jobs={args.jobs}; load {load}")
    for name, seconds in steps.items():
        print(f"  {name:<10} {seconds:7.1f} s  {100 * seconds / total:5.1f} %")
    print(f"  {'total':<10} {total:7.1f} s  (target <= 240 s)")
    print("chapter kernels (first code cell separately)")
    for stem, seconds, first in kernels:
        print(f"  {stem:<40} {seconds:6.1f} s   first cell {first:5.1f} s")
    if kernels:
        all_s = sum(k[1] for k in kernels)
        slowest = max(kernels, key=lambda k: k[1])
        first_max = max(kernels, key=lambda k: k[2])
        print(
            f"  all {all_s:.1f} s (target <= 80); slowest {slowest[0]} {slowest[1]:.1f} s "
            f"(<= 12); largest first cell {first_max[0]} {first_max[2]:.1f} s (<= 2)"
        )
    # the second figure shows whether the first warm render still had work left over
    print(f"warm render: {warm:.2f} s, again {warm_again:.2f} s (target < 2 s)")
    if left_over:  # what the first warm render wrote: work the full render left over
        print(f"  files the first warm render wrote ({len(left_over)}):")
        for line in left_over[:40]:
            print(f"    {line}")
    print(f"one chapter edited ({edited}), book included: {one:.1f} s (target <= 10 s)")
    cells = next((k[1] for k in kernels if f"{k[0]}.ipynb" == edited), None)
    if cells is not None:  # the render's own part: kernel start, staging, Sphinx, publishing
        print(f"  its cells {cells:.1f} s; the rest of the render {one - cells:.1f} s")
    if args.keep:
        print(f"clone kept in {repo}; log {log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
