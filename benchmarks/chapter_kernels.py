"""Seconds each chapter spends computing its results, one process (prints; not a test).

    python benchmarks/chapter_kernels.py [CHAPTER ...] [--separate] [--profile CHAPTER]

Each chapter's notebook calls one results function of its analyses module (chapter 02:
``forms.forced_labour_results()``, ...). This times each of them in one Python process, in
chapter order, after an untimed warm-up that builds what every chapter reads (the figure
registry's data bases), so a chapter's seconds are its own work, not the shared loading. A
later chapter may still profit from the memo of an earlier one (the counts of the shared
data bases); ``--separate`` times every chapter in a process of its own instead (the
warm-up is then repeated, untimed, in each; closer to a chapter kernel, slower to run).
``--profile 08`` prints the 30 largest cumulative costs of one chapter (cProfile).

Targets (issue 19, 2 CPUs): every chapter's results in well under its 12 s kernel budget;
chapter 08 <= 12 s. The machine is shared: the load average is printed with the figures, and
the process's CPU seconds beside the wall-clock seconds (under load, the fairer comparison).
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import time
from pathlib import Path

# benchmarks/profile.py would shadow the standard library's profile module (which cProfile
# imports) while this folder is the script's first entry of sys.path
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
import cProfile  # noqa: E402
import pstats  # noqa: E402

CHAPTERS: dict[str, tuple[str, str]] = {
    "00": ("coverage", "coverage_results"),
    "01": ("coverage", "victims_results"),
    "02": ("forms", "forced_labour_results"),
    "03": ("forms", "forced_criminality_results"),
    "04": ("profiles", "results"),
    "05": ("justice", "results"),
    "06": ("eu", "results"),
    "07": ("detection", "results"),
    "08": ("forms", "composition_results"),
    "09": ("flows", "results"),
    "10": ("coverage", "revision_results"),
    "11": ("claims", "results"),
    "12": ("multiverse", "results"),
}
"""Chapter number -> (analyses module, results function) its notebook calls."""


def warm_up() -> float:
    """Build the data bases every chapter reads; return the seconds it took."""
    started = time.perf_counter()
    from tiptrends.methods import figures

    figures.data_bases()
    return time.perf_counter() - started


def run(chapter: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one chapter's results function in this process."""
    module, name = CHAPTERS[chapter]
    func = getattr(importlib.import_module(f"tiptrends.analyses.{module}"), name)
    started, cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - started, time.process_time() - cpu


def load() -> str:
    """The load averages (1, 5, 15 min) of the machine, as text."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", default=list(CHAPTERS))
    parser.add_argument("--separate", action="store_true", help="one process per chapter")
    parser.add_argument("--profile", metavar="CHAPTER", help="cProfile one chapter")
    parser.add_argument("--quiet-header", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    unknown = sorted(set(args.chapters) - set(CHAPTERS))
    if unknown:
        parser.error(f"unknown chapter(s) {unknown}; choose from {list(CHAPTERS)}")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if args.profile:
        warm_up()
        profiler = cProfile.Profile()
        profiler.enable()
        seconds, _ = run(args.profile)
        profiler.disable()
        print(f"chapter {args.profile}: {seconds:.1f} s under cProfile (load {load()})")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return 0
    if not args.quiet_header:
        print(f"chapter results functions; {os.cpu_count()} CPUs; load {load()}")
    if args.separate:
        total = 0.0
        for chapter in args.chapters:
            out = subprocess.run(
                [sys.executable, __file__, chapter, "--quiet-header"],
                capture_output=True,
                text=True,
                check=True,
            )
            line = [x for x in out.stdout.splitlines() if x.startswith(f"  {chapter} ")][0]
            print(line)
            total += float(line.split()[-6])
        print(f"  all chapters {total:7.1f} s wall (one process each; load {load()})")
        return 0
    print(f"  (untimed warm-up: data bases {warm_up():.1f} s)")
    total = total_cpu = 0.0
    for chapter in args.chapters:
        module, name = CHAPTERS[chapter]
        seconds, cpu = run(chapter)
        total, total_cpu = total + seconds, total_cpu + cpu
        call = f"{module}.{name}()"
        print(f"  {chapter} {call:<36} {seconds:7.1f} s wall {cpu:7.1f} s CPU")
    print(f"  all chapters {total:7.1f} s wall {total_cpu:7.1f} s CPU (load {load()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
