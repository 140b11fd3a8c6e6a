"""TIPTRENDS_TEST_FORCE_RENDER=1 under pytest -n 2: the collection is rendered (forced) once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CODE = """
import sys, time
from pathlib import Path
from tests.render_once import render_once
build, log, worker = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
def fake(forced):
    time.sleep(0.5)
    with open(log, "a") as fh:
        fh.write(("forced" if forced else "cached") + "\\n")
render_once(build, "run-1", worker, True, fake)
"""


def _workers(tmp_path: Path, n: int) -> list[str]:
    root = Path(__file__).resolve().parents[1]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CODE, str(tmp_path / "b"), str(tmp_path / "log"), f"gw{i}"],
            cwd=root,
        )
        for i in range(n)
    ]
    assert [p.wait(timeout=60) for p in procs] == [0] * n
    return (tmp_path / "log").read_text().split()


def test_forced_render_happens_once_per_run(tmp_path) -> None:
    assert sorted(_workers(tmp_path, 2)) == ["cached", "forced"]
    (tmp_path / "log").unlink()
    # a later run (new id) forces again
    code = CODE.replace('"run-1"', '"run-2"')
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "b"), str(tmp_path / "log"), "gw0"],
        cwd=root,
        check=True,
    )
    assert (tmp_path / "log").read_text().split() == ["forced"]
