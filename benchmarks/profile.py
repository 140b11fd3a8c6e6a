"""Time `tiptrends profile`: one place page, cold and warm (prints figures; not a test).

    python benchmarks/profile.py [CODE ...] [--runs N]

Each run is the whole command as a user types it (a new process: load the data, resolve the
place, execute the notebook with papermill in a fresh kernel, write the page). "Warm" means
the curated tables are built and the files are in the OS cache; the first run is reported
separately as cold. Goal: a page in under 10 s warm on 2 CPUs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

GOAL_SECONDS = 10.0


def run(argv: list[str], build: str) -> float:
    env = {**os.environ, "TIPTRENDS_BUILD_DIR": build}
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tiptrends", "profile", *argv],
        check=True,
        env=env,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codes", nargs="*", default=["NGA", "--region=EU27"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"tiptrends profile; {os.cpu_count()} CPUs; {args.runs} warm runs per place")
    with tempfile.TemporaryDirectory() as build:
        for code in args.codes:
            argv = [code] if not code.startswith("--") else code.split("=", 1)
            cold = run(argv, build)
            warm = [run(argv, build) for _ in range(args.runs)]
            median = statistics.median(warm)
            verdict = "met" if median < GOAL_SECONDS else "MISSED"
            print(
                f"  {' '.join(argv):<16} cold {cold:5.1f} s   warm median {median:5.1f} s "
                f"(min {min(warm):.1f}, max {max(warm):.1f})   goal < {GOAL_SECONDS:.0f} s: {verdict}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
