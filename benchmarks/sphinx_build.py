"""CPU seconds of one Sphinx build of a staged book, from scratch (prints; not a test).

    python benchmarks/sphinx_build.py [--src FOLDER] [--jobs N] [--runs N] [--code SRC] [--keep DIR]
    python benchmarks/sphinx_build.py --diff SITE_A SITE_B

Builds the staged book ``--src`` (default ``_build/book``, the full one that ``tiptrends
render`` staged; a toy one is staged by ``tiptrends render`` of a two-notebook collection) the
way ``tiptrends render`` does, in a :mod:`tiptrends.report.sphinx_runner` process given the
``sphinx-build`` arguments (``-j N``), into a temporary copy: nothing of ``_build`` is written.
Each run starts without doctrees. Prints, per run, the CPU seconds (user + system) of that
process and of the processes it waited for (Sphinx's parallel readers and writers), the wall
seconds and the load average. The machine may be shared: compare CPU seconds.

``--code SRC`` runs the Sphinx process with another ``src`` folder first on ``PYTHONPATH``
(for example a ``git archive`` of an earlier commit's ``src``): the same book built by
two versions of the package, to compare their CPU seconds and pages (``--keep``).

``--diff A B`` compares two sites kept so (every file; the pages and the search index with
the digests of the static files' links set aside) and prints the files that differ.

Measured on the 2-CPU development machine, shared (load average 4-7), CPU seconds per build
from scratch, three versions of the package run with ``--code`` (``git archive`` of ``src``),
runs interleaved: A, before (ccddf20); B, MyST-NB's executors deferred, the search index's
stems remembered across pages, autodoc's search for type comments off (a9e6191); C, B and
the Sphinx process's garbage collection made rarer (f46ed27):

==============================  ===================  ===================  =========================
book                            A                    B                    C
==============================  ===================  ===================  =========================
toy (2 notebooks, 3 pages) -j1  1.63, 1.58, 1.81     1.33, 1.35, 1.41     1.03, 1.15, 1.21
full (53 pages: 13 chapters,    31.49, 30.29         28.39, 27.67,        22.97, 24.55,
27 profiles, API) -j 1                               26.24, 25.05,        24.16, 22.29
                                                     26.78, 26.11
full, -j 2                      33.46, 34.80, 31.20  31.96, 32.42, 31.83  26.81, 24.59
==============================  ===================  ===================  =========================

The pages were the same (``--diff``): A and B differ in ``.buildinfo`` only (the
configuration's hash), B and C only by the new constant's entry in the API reference. A
second Sphinx process (``-j 2``) costs 2-5 CPU-s more than one on the full book (means: A 2.3,
B 5.4, C 2.2); the render gives the book its jobs (the CPUs), ``TIPTRENDS_SPHINX_JOBS`` caps
them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_once(src: Path, out: Path, jobs: int, code: Path | None) -> tuple[float, float, int]:
    """Build ``src`` into ``out`` from scratch; (CPU seconds, wall seconds, exit status)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    argv = ["-b", "html", "-q", "-j", str(jobs), "-d", str(out / "doctrees"), "-w",
            str(out / "warnings.log"), str(src), str(out / "html")]  # fmt: skip
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1", PYTHONHASHSEED="0")
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(":")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(out / "sphinx.log", "wb") as log:
        proc = subprocess.run(
            [sys.executable, "-m", "tiptrends.report.sphinx_runner"],
            input=(json.dumps(argv) + "\n").encode(),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            check=False,
        )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, proc.returncode


#: Parts of a page that differ between any two builds of the same source: the cache-busting
#: digests of the static files' links (``?v=...``, ``?digest=...``).
VOLATILE = re.compile(r"\?(v|digest)=[0-9a-f]+")


def compare(a: Path, b: Path) -> list[str]:
    """The files of two built sites that differ (``searchindex.js`` and every page, volatile
    parts aside; other files by their bytes), and those that only one of them has."""
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    differ = [f"only in {a}: {p}" for p in sorted(files_a - files_b)]
    differ += [f"only in {b}: {p}" for p in sorted(files_b - files_a)]
    for rel in sorted(files_a & files_b):
        x, y = (a / rel).read_bytes(), (b / rel).read_bytes()
        if rel.suffix in {".html", ".js"}:
            x, y = (VOLATILE.sub("", t.decode(errors="replace")).encode() for t in (x, y))
        if x != y:
            differ.append(f"differs: {rel}")
    return differ


def main(argv: list[str] | None = None) -> int:
    """Build the book ``--runs`` times and print each run's CPU and wall seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "_build" / "book")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--code", type=Path, default=None, help="a src folder to run instead")
    parser.add_argument("--keep", type=Path, default=None, help="leave the last build here")
    parser.add_argument(
        "--diff", type=Path, nargs=2, metavar=("A", "B"), help="only compare two built sites"
    )
    args = parser.parse_args(argv)
    if args.diff:
        differ = compare(*args.diff)
        print("\n".join(differ) or "the same (volatile digests aside)")
        return 1 if differ else 0
    if not (args.src / "conf.py").is_file():
        print(f"no staged book at {args.src} (run tiptrends render first)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="sphinx-bench-") as tmp:
        src = Path(tmp) / "book"
        shutil.copytree(args.src, src, symlinks=True)  # Sphinx writes nothing into its source
        out = Path(tmp) / "out"
        print(f"{args.src}: -j {args.jobs}, {args.runs} runs, code {args.code or 'this checkout'}")
        for run in range(1, args.runs + 1):
            load = os.getloadavg()[0]
            cpu, wall, code = build_once(src, out, args.jobs, args.code)
            status = "ok" if code == 0 else f"FAILED (exit {code}, see the log)"
            print(f"  run {run}: {cpu:6.2f} CPU-s  {wall:6.2f} s wall  load {load:.2f}  {status}")
            if code != 0:
                print((out / "sphinx.log").read_text(errors="replace")[-2000:], file=sys.stderr)
                return 1
        if args.keep is not None:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(out / "html", args.keep, symlinks=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
