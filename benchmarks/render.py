"""Benchmark ``tiptrends render`` against serial ``jupyter nbconvert --execute``.

Usage::

    python benchmarks/render.py [--notebooks DIR | --generated] [--jobs 2]

Uses DIR, else ``notebooks/`` when it holds notebooks (unless ``--generated``), else a set of four
small notebooks (pandas + a saved figure + a recorded result each). The notebooks (with the
book's pages) are copied to a temporary directory and everything is written there;
``_build/`` is not touched. Measures

1. serial: ``jupyter nbconvert --to html --execute`` on each notebook, one after another;
2. cold: ``tiptrends render`` (``render(jobs=N, force=True)``) in a fresh Python
   process: parallel execution *and* the Sphinx book build;
3. warm: the same render again, with nothing changed (cache hits only, no Sphinx);
4. one edited notebook: a Markdown cell added to the last notebook; only it runs again,
   then the book is rebuilt incrementally.

Goals: cold <= 0.5 x serial on 2 CPUs; warm < 2 s; the edited render close to that notebook's
own execution time plus the book build.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tiptrends import paths
from tiptrends.report.render import ensure_kernel

CELL = """\
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from tiptrends.report.results import record
from tiptrends.report.style import save_figure, source_note, use_house_style

use_house_style()
rng = np.random.default_rng({i})
df = pd.DataFrame({{"year": range(2003, 2023), "v": rng.normal(100, 10, 20).cumsum()}})
record("bench_{i}_total", float(df["v"].iloc[-1]))
fig, ax = plt.subplots()
ax.plot(df["year"], df["v"])
ax.set_xlabel("Year")
ax.set_ylabel("Victims (count)")
source_note(ax, "synthetic")
save_figure(fig, "bench_{i}", "Synthetic rising series {i}")
"""


def generate(directory: Path, n: int = 4) -> Path:
    """Write ``n`` small notebooks to ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        nb = new_notebook(
            cells=[
                new_markdown_cell(f"# Benchmark {i}\n\nSynthetic."),
                new_code_cell(CELL.format(i=i)),
            ]
        )
        nb.metadata["kernelspec"] = {
            "name": "tiptrends",
            "display_name": "Python (tiptrends)",
            "language": "python",
        }
        nbformat.write(nb, directory / f"{i:02d}_bench.ipynb")
    return directory


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(
            f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}"
        )
    return seconds, proc.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, help="directory of notebooks to render")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--generated",
        action="store_true",
        help="use 4 generated notebooks even if notebooks/ has some",
    )
    args = parser.parse_args(argv)

    ensure_kernel("tiptrends")
    with tempfile.TemporaryDirectory(prefix="tiptrends-bench-") as tmp:
        tmp_path = Path(tmp)
        if args.notebooks:
            nb_dir = args.notebooks.resolve()
        elif not args.generated and sorted(paths.notebooks_dir().glob("*.ipynb")):
            nb_dir = paths.notebooks_dir()
        else:
            nb_dir = generate(tmp_path / "notebooks")
        copy = tmp_path / "notebooks"
        if nb_dir != copy:
            shutil.copytree(nb_dir, copy, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            nb_dir = copy
        notebooks = sorted(nb_dir.glob("*.ipynb"))
        print(f"{len(notebooks)} notebooks in {nb_dir}; {os.cpu_count()} CPUs; jobs={args.jobs}")
        env = dict(
            os.environ, TIPTRENDS_BUILD_DIR=str(tmp_path / "_build_nbconvert"), MPLBACKEND="Agg"
        )

        jupyter = str(Path(sys.executable).parent / "jupyter")
        serial = 0.0
        for nb in notebooks:
            s, _ = timed(
                [
                    jupyter,
                    "nbconvert",
                    "--to",
                    "html",
                    "--execute",
                    "--ExecutePreprocessor.kernel_name=tiptrends",
                    "--output-dir",
                    str(tmp_path / "nbconvert"),
                    str(nb),
                ],
                env,
            )
            print(f"  nbconvert {nb.name:<30} {s:6.2f} s")
            serial += s

        build = tmp_path / "_build"
        code = (
            "import sys\nfrom tiptrends.report.render import render\n"
            f"sys.exit(render(jobs={args.jobs}, force=FORCE, "
            f"notebooks_dir={str(nb_dir)!r}, build_dir={str(build)!r}).exit_code)"
        )
        cold, out = timed([sys.executable, "-c", code.replace("FORCE", "True")], env)
        book = _book_seconds(out)
        warm, out = timed([sys.executable, "-c", code.replace("FORCE", "False")], env)
        if out.count("[cached]") != len(notebooks):
            print("warning: warm render did not hit the cache for every notebook\n" + out)

        edited = notebooks[-1]
        own = json.loads((build / "cache" / f"{edited.stem}.json").read_text())["seconds"]
        nb = nbformat.read(edited, as_version=4)
        nb.cells.append(new_markdown_cell("Edited for the benchmark."))
        nbformat.write(nb, edited)
        edit, out = timed([sys.executable, "-c", code.replace("FORCE", "False")], env)
        ran = out.count("[ok] ")
        edit_book = _book_seconds(out)

    print()
    print(f"serial nbconvert --execute : {serial:7.2f} s")
    print(
        f"cold render (jobs={args.jobs})     : {cold:7.2f} s   ratio {cold / serial:.2f}  "
        f"(goal <= 0.50) {'OK' if cold <= 0.5 * serial else 'MISSED'}   "
        f"(book build {book:.1f} s included)"
    )
    print(
        f"warm render                : {warm:7.2f} s   (goal < 2 s) "
        f"{'OK' if warm < 2 else 'MISSED'}"
    )
    print(
        f"one notebook edited        : {edit:7.2f} s   ({ran} executed: {edited.name}, "
        f"{own:.1f} s alone; book rebuilt in {edit_book:.1f} s)"
    )
    return 0


def _book_seconds(output: str) -> float:
    """Seconds of the Sphinx build reported by the render ("[book] built in 9.1 s")."""
    match = re.search(r"\[book\] built in ([\d.]+) s", output)
    return float(match.group(1)) if match else 0.0


if __name__ == "__main__":
    raise SystemExit(main())
