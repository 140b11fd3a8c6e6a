"""Faults during a render: a full disk while promoting, a notebook that is not JSON, kill -9.

Each case ends with one ``tiptrends: error:`` line (or none), the README's exit status, and
nothing good lost: the previous cache entry, executed copy, figures and results survive a
failed write; a killed render leaves no process behind and the next render proceeds.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.test_render import good_b, quick_a
from tiptrends.cli import main
from tiptrends.report import render


@pytest.fixture
def project(scratch_root: Path, monkeypatch) -> tuple[Path, Path]:
    """Two notebooks in a scratch project's ``notebooks/``, its ``_build``; package hash pinned."""
    nb_dir = scratch_root / "notebooks"
    nb_dir.mkdir()
    quick_a(nb_dir)  # only has to run; 02_b draws the figure whose promotion fails
    good_b(nb_dir)
    build = scratch_root / "_build"
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(build))
    monkeypatch.setattr(render, "package_fingerprint", lambda: "pinned")
    return nb_dir, build


def _snapshot(build: Path, stem: str) -> dict[str, bytes]:
    """The bytes of a notebook's cache entry, executed copy, figures and of results.json."""
    files = [build / "cache" / f"{stem}.json", build / "executed" / f"{stem}.ipynb"]
    files += sorted((build / "figures").glob("b_bar.*")) + [build / "results.json"]
    return {str(f.relative_to(build)): f.read_bytes() for f in files}


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def test_a_full_disk_while_promoting_keeps_the_previous_outputs(
    project, monkeypatch, capsys
) -> None:
    """A full disk while writing the cache entry, then while moving a figure into place."""
    nb_dir, build = project
    assert main(["render", "--no-book", "--jobs", "1"]) == 0
    before = _snapshot(build, "02_b")
    assert len(before) >= 5  # entry, executed copy, the figure files, results
    good_b(nb_dir, value=30.0)  # 02_b runs again; its new outputs cannot all be written

    real_json, real_move = render.write_json_atomic, os.replace
    real_bytes = render.write_bytes_atomic
    # each render that fails leaves the build as it was (checked below), so the second
    # case starts from the same state as the first
    for failing in ("cache entry", "figure"):

        def full_json(path, data, *args, failing=failing, **kwargs):
            if failing == "cache entry" and "02_b" in Path(path).name and "cache" in str(path):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_json(path, data, *args, **kwargs)

        def full_replace(src, dst, *args, failing=failing, **kwargs):
            if failing == "figure" and Path(dst).name == "b_bar.svg":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_move(src, dst, *args, **kwargs)

        def full_bytes(path, data, *args, failing=failing, **kwargs):  # how figures were copied
            if failing == "figure" and Path(path).name == "b_bar.svg":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_bytes(path, data, *args, **kwargs)

        capsys.readouterr()
        with monkeypatch.context() as full:  # only these writers: the project stays the scratch one
            full.setattr(render, "write_json_atomic", full_json)
            full.setattr(render.os, "replace", full_replace)
            full.setattr(render, "write_bytes_atomic", full_bytes)
            code = main(["render", "--no-book"])
        err = capsys.readouterr().err

        assert code == 3, (failing, err)
        lines = _error_lines(err)
        assert len(lines) == 1 and lines[0].startswith("tiptrends: error: "), (failing, err)
        named = "cache/02_b.json" if failing == "cache entry" else "figures/b_bar.svg"
        assert named in lines[0] and "No space left on device" in lines[0], lines[0]
        assert "before the first cell" not in err
        assert _snapshot(build, "02_b") == before, f"{failing}: the previous outputs were changed"
        assert not (build / "cache" / "02_b.failed.json").exists(), failing
        assert not [f for f in build.rglob(".*") if f.suffix in (".new", ".old", ".tmp")], failing
    # the disk has room again: the next render promotes the new outputs
    assert main(["render", "--no-book"]) == 0
    assert json.loads((build / "results.json").read_text())["b_share_pct"]["value"] == 30.0


@pytest.mark.notebooks
def test_a_notebook_that_is_not_json_fails_alone(project, capsys) -> None:
    nb_dir, build = project
    (nb_dir / "02_b.ipynb").write_text('{"cells": [}', encoding="utf-8")
    report = render.render(jobs=2)
    err = capsys.readouterr().err
    assert report.exit_code == 1
    assert report.status() == {"01_a.ipynb": "ok", "02_b.ipynb": "FAILED"}
    lines = [line for line in _error_lines(err) if not line.startswith("tiptrends: warning")]
    assert len(lines) == 1, err
    assert (
        lines[0].startswith("tiptrends: error: 02_b.ipynb: ") and "not a valid notebook" in lines[0]
    )
    assert "Traceback" not in err
    # the rest of the book is built; the broken chapter's page says it failed
    assert "Counting things" in (build / "html" / "01_a.html").read_text(encoding="utf-8")
    page = (build / "html" / "02_b.html").read_text(encoding="utf-8")
    assert "failed in the last build" in page
    assert "a_total" in json.loads((build / "results.json").read_text())


def test_strip_skips_a_notebook_that_is_not_json(tmp_path: Path, capsys) -> None:
    good = nbformat.v4.new_notebook(
        cells=[new_markdown_cell("# A"), new_code_cell("1", execution_count=3)]
    )
    nbformat.write(good, tmp_path / "good.ipynb")
    (tmp_path / "bad.ipynb").write_text("{not json", encoding="utf-8")
    code = main(["strip", str(tmp_path / "bad.ipynb"), str(tmp_path / "good.ipynb")])
    err = capsys.readouterr().err
    assert code == 1
    lines = _error_lines(err)
    assert len(lines) == 1 and lines[0].startswith("tiptrends: error: "), err
    assert "bad.ipynb" in lines[0] and "not a valid notebook" in lines[0]
    stripped = json.loads((tmp_path / "good.ipynb").read_text())
    assert stripped["cells"][1]["execution_count"] is None, "the good notebook was not stripped"
    assert main(["strip", "--check", str(tmp_path / "good.ipynb")]) == 0


# --------------------------------------------------------------------------- kill -9


def _write(path: Path, code: str) -> None:
    nbformat.write(
        new_notebook(cells=[new_markdown_cell(f"# {path.stem}"), new_code_cell(code)]), path
    )


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _render_process(nb_dir: Path, build: Path, book: bool) -> subprocess.Popen:
    code = (
        "import sys\nfrom tiptrends.report import render\n"
        "render.package_fingerprint = lambda: 'pinned'\n"
        f"sys.exit(render.render(notebooks_dir={str(nb_dir)!r}, build_dir={str(build)!r},"
        f" jobs=2, book={book}).exit_code)"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _cmdline(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:  # gone, or a zombie
        return ""


def _running(procs: list[psutil.Process]) -> list[str]:
    alive = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(_cmdline(p)[:120] or str(p.pid))
        except psutil.Error:
            continue
    return alive


def _sphinx(root: psutil.Process) -> list[psutil.Process]:
    with_sphinx = []
    for p in root.children(recursive=True):
        if "sphinx_runner" in _cmdline(p):
            with_sphinx.append(p)
    return with_sphinx


def _group(pgid: int) -> list[psutil.Process]:
    found = []
    for p in psutil.process_iter():
        try:
            if os.getpgid(p.pid) == pgid:
                found.append(p)
        except (ProcessLookupError, psutil.Error):
            continue
    return found


@pytest.mark.notebooks
def test_kill_9_of_a_render_leaves_no_process_and_the_next_render_proceeds(
    scratch_root, tmp_path
) -> None:
    nb_dir, build = tmp_path / "nbs", tmp_path / "_build"
    nb_dir.mkdir()
    marker = tmp_path / "slow.pid"
    _write(nb_dir / "01_fast.ipynb", "from tiptrends.report.results import record\nrecord('f', 1)")
    _write(
        nb_dir / "02_slow.ipynb",
        f"import os, time\nopen({str(marker)!r}, 'w').write(str(os.getpid()))\ntime.sleep(300)",
    )
    proc = _render_process(nb_dir, build, book=False)
    try:
        _wait_for(lambda: marker.exists() and marker.read_text(), 180, "the slow kernel")
        descendants = psutil.Process(proc.pid).children(recursive=True)
        kernel = psutil.Process(int(marker.read_text()))
        assert kernel in descendants or kernel.is_running()
        descendants.append(kernel)
        roles = " ".join(_cmdline(p) for p in descendants)
        assert "multiprocessing" in roles  # workers (and the resource tracker) are there
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        _wait_for(lambda: not _running(descendants), 15, "every child of the killed render")
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not _running(descendants)

    _write(nb_dir / "02_slow.ipynb", "x = 1")
    again = _render_process(nb_dir, build, book=False)
    assert again.wait(240) == 0
    assert json.loads((build / "cache" / "02_slow.json").read_text())["status"] == "ok"
    assert not list((build / ".processes").glob("*.json")), "registered processes not cleared"


@pytest.mark.notebooks
def test_kill_9_during_the_book_build_stops_sphinx(scratch_root, tmp_path) -> None:
    nb_dir, build = tmp_path / "nbs", tmp_path / "_build"
    nb_dir.mkdir()
    quick_a(nb_dir)  # only has to run: the test is about Sphinx
    slow = tmp_path / "slow-sphinx"  # while it exists, Sphinx takes a minute to read conf.py
    slow.write_text("")
    (nb_dir / "conf.py").write_text(
        "import os, time\nfrom tiptrends.report.book_conf import *  # noqa: F403\n"
        f"if os.path.exists({str(slow)!r}):\n    time.sleep(60)\n"
    )
    proc = _render_process(nb_dir, build, book=True)
    group = None
    try:
        root = psutil.Process(proc.pid)
        # the render starts Sphinx before the notebooks run (it imports while it waits): the
        # kill comes once the build has begun, while Sphinx reads the slow conf.py
        _wait_for(lambda: (build / ".sphinx" / "building").exists(), 240, "the book build")
        _wait_for(lambda: _sphinx(root), 60, "the Sphinx process")
        group = os.getpgid(_sphinx(root)[0].pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        _wait_for(lambda: not _running(_group(group)), 15, "Sphinx's process group")
    finally:
        if proc.poll() is None:
            proc.kill()
        if group is not None:  # whatever the outcome, this test leaves no Sphinx behind
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
    slow.unlink()
    again = _render_process(nb_dir, build, book=True)
    assert again.wait(240) == 0
    assert (build / "html" / "01_a.html").exists()


def test_the_next_holder_of_the_lock_stops_a_killed_runs_processes(tmp_path: Path) -> None:
    from tiptrends.report import processes

    build = tmp_path / "_build"
    stale = subprocess.Popen(["sleep", "300"], start_new_session=True)
    try:
        processes.register(build, stale.pid, group=True, role="sphinx")
        said: list[str] = []
        with processes.build_lock(build, said.append):
            pass
        assert stale.wait(10) is not None
        assert said == [f"stopped sphinx {stale.pid} left running by a killed run"]
        assert not list((build / processes.REGISTRY).glob("*.json"))
    finally:
        if stale.poll() is None:
            stale.kill()
