"""Time `tiptrends profile`: one place page into the site, cold and warm (prints; not a test).

    python benchmarks/profile.py [CODE ...] [--runs N]

Each run is the whole command as a user types it: a new process loads the data, resolves the
place, executes the notebook in a fresh kernel and rebuilds the site with the
page (Sphinx, incremental). It runs on a copy of the project's ``_build`` (so the site the
page joins exists; run ``make report`` first) and leaves ``_build`` untouched; one untimed
run first lets Sphinx read the copied site once. The first run of a place is reported as
cold; the place's cache entry is then removed before each "warm" run, so that it executes the
notebook again (its page exists, the files are in the OS cache). A last run with the entry in
place is reported as "cached" (nothing to execute). Goal: a page in under 10 s warm on 2 CPUs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tiptrends import paths

GOAL_SECONDS = 10.0


def run(argv: list[str], build: Path) -> tuple[float, str]:
    """Seconds of ``tiptrends profile <argv>`` with ``build`` as its build folder, and the
    name of the page it wrote (the profile's name in the cache)."""
    env = {**os.environ, "TIPTRENDS_BUILD_DIR": str(build)}
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "tiptrends", "profile", *argv],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if out.returncode != 0 or "page: " not in out.stdout:
        sys.exit(f"tiptrends profile {' '.join(argv)} did not write a page:\n{out.stderr[-800:]}")
    page = out.stdout.split("page: ", 1)[1].split()[0]
    return seconds, Path(page).stem


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codes", nargs="*", default=["NGA", "--region=EU27"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    source = paths.build_dir()
    if not (source / "html" / "index.html").exists():
        sys.exit(f"no site in {source}: run `make report` first")
    print(f"tiptrends profile; {os.cpu_count()} CPUs; {args.runs} warm runs per place")
    with tempfile.TemporaryDirectory() as tmp:
        build = Path(tmp) / "_build"
        shutil.copytree(source, build, symlinks=True)
        # Sphinx reads every page again once in a new folder: one untimed run settles that
        prepare, _ = run(["USA"], build)
        print(
            f"  (untimed: first profile in the copied build, Sphinx re-reading it: {prepare:.1f} s)"
        )
        for code in args.codes:
            argv = [code] if not code.startswith("--") else code.split("=", 1)
            cold, slug = run(argv, build)
            warm = []
            for _ in range(args.runs):  # executed again: its cache entry removed
                (build / "cache" / "profiles" / f"{slug}.json").unlink(missing_ok=True)
                warm.append(run(argv, build)[0])
            cached, _ = run(argv, build)
            median = statistics.median(warm)
            verdict = "met" if median < GOAL_SECONDS else "MISSED"
            print(
                f"  {' '.join(argv):<16} cold {cold:5.1f} s   warm median {median:5.1f} s "
                f"(min {min(warm):.1f}, max {max(warm):.1f})   cached {cached:4.1f} s   "
                f"goal < {GOAL_SECONDS:.0f} s: {verdict}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
