"""Ctrl-C during a render: workers and kernels stop, nothing partial, exit code 130."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _write(path: Path, code: str) -> None:
    nbformat.write(
        new_notebook(cells=[new_markdown_cell(f"# {path.stem}"), new_code_cell(code)]), path
    )


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigint_stops_workers_and_leaves_nothing_partial(scratch_root, tmp_path) -> None:
    nb_dir, build = tmp_path / "nbs", tmp_path / "_build"
    nb_dir.mkdir()
    marker = tmp_path / "slow.pid"
    _write(
        nb_dir / "01_fast.ipynb",
        "from tiptrends.report.results import record\nrecord('fast_total', 1)",
    )
    _write(
        nb_dir / "02_slow.ipynb",
        "import os, time\nfrom tiptrends.report.results import record\n"
        "record('slow_partial', 1)\n"
        f"open({str(marker)!r}, 'w').write(str(os.getpid()))\ntime.sleep(300)",
    )
    code = (  # Ctrl-C handled as in a terminal, also when pytest was started with it ignored
        "import signal, sys\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from tiptrends.report import render\n"
        "render.package_fingerprint = lambda: 'pinned'\n"
        f"sys.exit(render.render(notebooks_dir={str(nb_dir)!r}, build_dir={str(build)!r},"
        " jobs=2).exit_code)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(
            lambda: (
                marker.exists()
                and marker.read_text()
                and (build / "cache" / "01_fast.json").exists()
            ),
            180,
            "the fast notebook to finish and the slow one to start",
        )
        kernel_pid = int(marker.read_text())
        workers = psutil.Process(proc.pid).children(recursive=True)
        assert any(p.pid == kernel_pid for p in workers) or psutil.pid_exists(kernel_pid)
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        stopped = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert stopped < 10, f"took {stopped:.1f} s to stop"
    assert [line for line in err.splitlines() if line.strip()] == ["interrupted"], err

    # no worker, no kernel left behind: gone at once, or within the half second they had
    def alive() -> list[psutil.Process]:
        running = []
        for p in workers:
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    running.append(p)
            except psutil.NoSuchProcess:
                continue
        return running

    def kernel_gone() -> bool:
        try:
            return psutil.Process(kernel_pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    deadline = time.monotonic() + 0.5
    while (alive() or not kernel_gone()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(), [p.cmdline() for p in alive()]
    assert kernel_gone()

    # the finished notebook is complete in the cache; the interrupted one left no trace
    entry = json.loads((build / "cache" / "01_fast.json").read_text())
    assert entry["status"] == "ok" and set(entry["results"]) == {"fast_total"}
    assert (build / "executed" / "01_fast.ipynb").exists()
    assert not (build / "cache" / "02_slow.json").exists()
    assert not (build / "cache" / "02_slow.failed.json").exists()
    assert not (build / "executed" / "02_slow.ipynb").exists()
    assert not (build / ".work").exists()
    assert not (build / "html").exists(), "no site from an interrupted render"
    assert not (build / "results.json").exists()
    assert not list(build.rglob("*.tmp"))
