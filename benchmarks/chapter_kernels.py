"""Seconds each chapter spends computing its results, one process (prints; not a test).

    python benchmarks/chapter_kernels.py [CHAPTER ...] [--separate] [--profile CHAPTER] [--cells]

Each chapter's notebook calls one results function of its analyses module (chapter 02:
``forms.forced_labour_results()``, ...). This times each of them in one Python process, in
chapter order, after an untimed warm-up that builds what every chapter reads (the figure
registry's data bases), so a chapter's seconds are its own work, not the shared loading. A
later chapter may still profit from the memo of an earlier one (the counts of the shared
data bases); ``--separate`` times every chapter in a process of its own instead (the
warm-up is then repeated, untimed, in each; closer to a chapter kernel, slower to run).
``--profile 08`` prints the 30 largest cumulative costs of one chapter (cProfile).
``--cells`` runs each chapter's notebook instead, code cell after code cell, in a process of
its own set up as a render's kernel (one BLAS thread, Agg, the slow optional imports skipped,
figures written to a temporary build folder): CPU seconds of all its cells, of its first cell
(the imports), and of ``style.save_figure`` (fitting, rule checks, PNG and SVG), the closest
to a kernel's own work without a kernel (no display round trips).

Targets (issue 19, 2 CPUs): every chapter's results in well under its 12 s kernel budget;
chapter 08 <= 12 s. The machine is shared: the load average is printed with the figures, and
the process's CPU seconds beside the wall-clock seconds (under load, the fairer comparison).

Measured with ``--cells`` on two copies of the tree, each with its own data products, runs
alternated (7 December 2026, load 4-5.6 from other work; CPU seconds, two runs each). Before
the layout memo of ``save_figure`` and the vectorised vintage rule: all chapters 94.3 and
86.8 s, ``save_figure`` 38.2 and 35.1 s, chapter 10 9.0 and 7.7 s, chapter 02 10.6 and
7.9 s. After: all chapters 73.5 and 73.0 s, ``save_figure`` 24.9 and 25.2 s, chapter 10 5.2
and 5.7 s, chapter 02 7.2 and 6.8 s; the slowest, chapter 09, 6.8 and 8.3 s.
"""

from __future__ import annotations

import argparse
import importlib
import json
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


NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run_cells(chapter: str) -> dict[str, float]:
    """Execute the code cells of chapter ``chapter``'s notebook in this process.

    Returns
    -------
    dict
        CPU seconds: ``total`` (every cell), ``first`` (the first cell, with the imports of
        the house style this function makes before it) and ``save_figure``, and the number
        of ``figures`` saved.
    """
    imports = time.process_time()
    from tiptrends.report import startup, style

    startup.skip_slow_optional_imports()
    saving = {"seconds": 0.0, "figures": 0}
    save = style.save_figure

    def timed(*args: object, **kwargs: object) -> Path:
        started = time.process_time()
        try:
            return save(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            saving["seconds"] += time.process_time() - started
            saving["figures"] += 1

    style.save_figure = timed  # before the notebook imports it by name
    path = next(NOTEBOOKS.glob(f"{chapter}_*.ipynb"))
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    namespace: dict[str, object] = {"__name__": "__main__"}
    os.chdir(NOTEBOOKS)
    seconds = [time.process_time() - imports]
    for cell in cells:
        code = compile("".join(cell["source"]), f"{path.stem}[{len(seconds)}]", "exec")
        started = time.process_time()
        exec(code, namespace)
        seconds.append(time.process_time() - started)
    return {
        "total": sum(seconds),
        "first": sum(seconds[:2]),
        "save_figure": saving["seconds"],
        "figures": saving["figures"],
    }


def cells(chapters: list[str]) -> None:
    """Print :func:`run_cells` of each chapter, each in a fresh process set up as a kernel."""
    import tempfile
    import warnings

    warnings.simplefilter("ignore")
    print(f"chapter notebooks, code cells in one process each; CPU seconds; load {load()}")
    print(f"  {'':21} {'all cells':>10} {'first cell':>11} {'save_figure':>12}")
    sums = dict.fromkeys(("total", "first", "save_figure"), 0.0)
    with tempfile.TemporaryDirectory() as build:
        env = dict(os.environ, MPLBACKEND="Agg", TIPTRENDS_BUILD_DIR=build)
        env |= {"TIPTRENDS_SKIP_SLOW_IMPORTS": "1", "PYTHONWARNINGS": "ignore"}
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")
        for chapter in chapters:
            out = subprocess.run(
                [sys.executable, __file__, chapter, "--run-cells"],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            t = json.loads(out.stdout.strip().splitlines()[-1])
            for key in sums:
                sums[key] += t[key]
            name = next(NOTEBOOKS.glob(f"{chapter}_*.ipynb")).stem[:21]
            print(
                f"  {name:21} {t['total']:8.1f} s {t['first']:9.1f} s {t['save_figure']:8.1f} s"
                f" ({t['figures']} figures)"
            )
    print(
        f"  {'all chapters':21} {sums['total']:8.1f} s {sums['first']:9.1f} s"
        f" {sums['save_figure']:8.1f} s (load {load()})"
    )


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
    parser.add_argument("--cells", action="store_true", help="run the notebooks' code cells")
    parser.add_argument("--quiet-header", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--run-cells", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    unknown = sorted(set(args.chapters) - set(CHAPTERS))
    if unknown:
        parser.error(f"unknown chapter(s) {unknown}; choose from {list(CHAPTERS)}")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if args.run_cells:
        print(json.dumps(run_cells(args.chapters[0])))
        return 0
    if args.cells:
        cells(args.chapters)
        return 0
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
