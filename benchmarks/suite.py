"""Time `make test` cold: the whole suite in a fresh copy of the project (prints; not a test).

    python benchmarks/suite.py [--repo PATH] [--jobs N] [--worktree] [--reuse-data] [--keep]

Clones the repository (its committed HEAD; ``--worktree``: the files git tracks, as they are
in the working tree) into a temporary folder with no ``_build``, so the session render executes
every chapter and profile and builds the book, then runs there, each step timed:

* data   ``make data`` (raw files from the mirror, curated tables, derived tables);
  ``--reuse-data`` copies the repository's ``data/curated`` first (then it only checks them)
* test   ``make test`` (its ``data`` step is then current), the README's test command

The project's environment is used (``BIN=<repo>/.venv/bin``, the clone's ``src`` first on
``PYTHONPATH``, so the clone's code is what runs, in the kernels too); ``make setup`` is not
timed (``benchmarks/fresh_clone.py`` times it). Prints the wall seconds of each step, the
session render's seconds and share of the suite (``tests/conftest.py`` writes them), each
worker's busy seconds and how long it sat idle at the end, when each xdist group ended, the
15 test files and the 20 tests that took longest (setup, call and teardown together; the first
test of the render's group carries the render).

The machine may be shared: each step's CPU seconds (``make`` and every process it waited for:
workers, kernels, Sphinx, subprocesses) are printed beside its wall seconds, and the load
average is sampled every 10 s while the suite runs. Compare CPU seconds across runs made under
different loads.

Target (issue 22, 2 CPUs): ``make test`` cold <= 5 min. The machine is shared: the load
average before and after is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Recorded by a plugin in the pytest controller: one JSON line per test phase (worker, phase,
#: seconds, CPU seconds, clock time when the report arrived). The workers load it too, to
#: measure each phase's CPU seconds: their own and those of the processes they waited for
#: (kernels, Sphinx, subprocesses).
PLUGIN = """
import json, os, resource, time

import pytest

_OUT = os.environ["TIPTRENDS_SUITE_REPORTS"]
_STARTED = {}


def _cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def pytest_configure(config):
    # the tests' own pytest runs (subprocesses of the workers) must not load this plugin; the
    # controller keeps the option for the workers it starts
    if os.environ.get("PYTEST_XDIST_WORKER"):
        os.environ.pop("PYTEST_ADDOPTS", None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    _STARTED[item.nodeid] = _cpu()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    _STARTED[item.nodeid] = _cpu()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    _STARTED[item.nodeid] = _cpu()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    started = _STARTED.pop(item.nodeid, None)
    if started is not None:
        report.user_properties = [*report.user_properties, ("cpu_seconds", _cpu() - started)]


def pytest_runtest_logreport(report):
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the controller records every worker's reports
        return
    node = getattr(report, "node", None)  # the xdist worker that ran it (controller side)
    worker = node.gateway.id if node is not None else "main"
    properties = dict(getattr(report, "user_properties", ()))
    line = {"nodeid": report.nodeid, "when": report.when, "worker": worker,
            "seconds": report.duration, "cpu": properties.get("cpu_seconds"),
            "at": time.time(), "outcome": report.outcome,
            "group": properties.get("xdist_group")}
    with open(_OUT, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\\n")
"""


def load() -> str:
    """The load averages (1, 5, 15 min) as text."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def children_cpu() -> float:
    """CPU seconds (user + system) of the processes this one has waited for, and theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> tuple[float, float, int]:
    """Run ``cmd`` with its output in ``log``; return its wall and CPU seconds, exit status."""
    started, cpu = time.perf_counter(), children_cpu()
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        code = subprocess.call(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    return time.perf_counter() - started, children_cpu() - cpu, code


class LoadSampler(threading.Thread):
    """Samples the 1-minute load average every ``every`` seconds until stopped."""

    def __init__(self, every: float = 10.0) -> None:
        super().__init__(daemon=True)
        self.every, self.samples, self._stop_event = every, [], threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> str:
        """Stop sampling; the samples' mean and maximum as text."""
        self._stop_event.set()
        if not self.samples:
            return "no sample"
        mean = sum(self.samples) / len(self.samples)
        return f"mean {mean:.2f}, max {max(self.samples):.2f} ({len(self.samples)} samples)"


def copy_worktree(repo: Path, target: Path) -> None:
    """Copy the files git tracks, from the working tree, and make the copy a git checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    for name in filter(None, listed.split("\0")):
        if (repo / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(repo / name, target / name)
    git = ["git", "-c", "user.name=benchmark", "-c", "user.email=benchmark@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-qm", "working tree"], cwd=target, check=True)


def summarise(reports: Path, started: float, ended: float) -> tuple[dict, dict, dict, dict]:
    """Per test: seconds of all its phases; per worker: busy seconds and last report time; per
    xdist group: its worker and when its last test ended (seconds after ``started``); per test:
    CPU seconds of all its phases (the worker's and its waited-for processes')."""
    tests: dict[str, float] = defaultdict(float)
    cpu: dict[str, float] = defaultdict(float)
    workers: dict[str, dict[str, float]] = defaultdict(lambda: {"busy": 0.0, "last": started})
    groups: dict[str, dict] = {}
    for line in reports.read_text().splitlines() if reports.exists() else []:
        r = json.loads(line)
        tests[r["nodeid"]] += r["seconds"]
        cpu[r["nodeid"]] += r.get("cpu") or 0.0
        w = workers[r["worker"]]
        w["busy"] += r["seconds"]
        w["last"] = max(w["last"], r["at"])
        if r.get("group"):
            g = groups.setdefault(r["group"], {"worker": r["worker"], "end": 0.0, "tests": set()})
            g["end"] = max(g["end"], r["at"] - started)
            g["tests"].add(r["nodeid"])
    for w in workers.values():
        w["idle_at_end"] = max(0.0, ended - w["last"])
    return dict(tests), dict(workers), groups, dict(cpu)


def by_file(tests: dict[str, float]) -> dict[str, float]:
    """Seconds per test file."""
    files: dict[str, float] = defaultdict(float)
    for nodeid, seconds in tests.items():
        files[nodeid.split("::", 1)[0]] += seconds
    return dict(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="repository to copy")
    parser.add_argument(
        "--jobs", type=int, default=None, help="pytest workers (make's TEST_JOBS; default: make's)"
    )
    parser.add_argument(
        "--worktree", action="store_true", help="copy the working tree, not the last commit"
    )
    parser.add_argument(
        "--reuse-data", action="store_true", help="copy the repository's curated tables first"
    )
    parser.add_argument("--keep", action="store_true", help="keep the copy and the logs")
    args = parser.parse_args()

    repo_root = args.repo.resolve()
    bin_dir = repo_root / ".venv" / "bin"
    mirror = os.environ.get("TIPTRENDS_DATA_MIRROR") or str(repo_root.parent / "shared/data/raw")
    work = Path(tempfile.mkdtemp(prefix="tiptrends-suite-"))
    repo = work / "tiptrends"
    log, reports, render_timing = work / "suite.log", work / "reports.jsonl", work / "render.jsonl"
    (work / "plugin").mkdir()
    (work / "plugin" / "suite_timing_plugin.py").write_text(PLUGIN)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "TIPTRENDS_"))}
    env.update(
        CI="true",  # a missing input fails its test, as in CI
        TIPTRENDS_DATA_MIRROR=str(Path(mirror).resolve()),
        PYTHONPATH=f"{repo / 'src'}:{work / 'plugin'}",
        PYTEST_ADDOPTS="-p suite_timing_plugin",
        TIPTRENDS_SUITE_REPORTS=str(reports),
        TIPTRENDS_TEST_RENDER_TIMING=str(render_timing),
    )
    for var in ("MAKEFLAGS", "MFLAGS", "PYTEST_XDIST_WORKER"):
        env.pop(var, None)
    make = ["make", f"BIN={bin_dir}"] + ([f"TEST_JOBS={args.jobs}"] if args.jobs else [])
    steps: dict[str, float] = {}
    cpu: dict[str, float] = {}
    before = load()
    sampler = LoadSampler()
    try:
        if args.worktree:
            repo.mkdir()
            copy_worktree(repo_root, repo)
        else:
            subprocess.run(["git", "clone", "--quiet", str(repo_root), str(repo)], check=True)
        shared = repo_root.parent / "shared"  # the reference texts beside the project
        if shared.is_dir():
            (work / "shared").symlink_to(shared, target_is_directory=True)
        if args.reuse_data and (repo_root / "data" / "curated").is_dir():
            shutil.copytree(repo_root / "data" / "curated", repo / "data" / "curated")
        steps["data"], cpu["data"], code = run([*make, "data"], repo, env, log)
        if code != 0:
            sys.exit(f"make data failed ({code}); see {log}")
        started = time.time()
        sampler.start()
        steps["test"], cpu["test"], code = run([*make, "test"], repo, env, log)
        during = sampler.stop()
        ended = time.time()
        tests, workers, groups, tests_cpu = summarise(reports, started, ended)
        renders = (
            [json.loads(x) for x in render_timing.read_text().splitlines()]
            if (render_timing.exists())
            else []
        )
        summary = [
            line
            for line in log.read_text().splitlines()
            if " in " in line and (" passed" in line or " failed" in line)
        ]
        tail = summary[-1:]
        failed = [
            line for line in log.read_text().splitlines() if line.startswith(("FAILED", "ERROR"))
        ]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    n_workers = args.jobs or os.cpu_count() or 2  # the Makefile's TEST_JOBS
    print(f"make test cold in a fresh copy; {os.cpu_count()} CPUs; {n_workers} pytest workers")
    print(f"load average before: {before}; during make test (1 min): {during}; after: {load()}")
    total = sum(steps.values())
    for name, seconds in steps.items():
        print(
            f"  make {name:<6} {seconds:7.1f} s  {100 * seconds / total:5.1f} %"
            f"   CPU {cpu[name]:7.1f} s"
        )
    print(f"  total     {total:7.1f} s")
    print(f"  make test: {steps['test']:.1f} s = {steps['test'] / 60:.1f} min (target <= 5 min)")
    print(f"  pytest: {tail[0] if tail else '(no summary)'} (exit {code})")
    for line in failed:  # the failing tests by name (pytest's short summary)
        print(f"    {line}")
    for r in renders:
        print(
            f"  session render ({r['worker']}): {r['seconds']:.1f} s, "
            f"{100 * r['seconds'] / steps['test']:.1f} % of make test"
        )
    for name, g in sorted(groups.items(), key=lambda kv: kv[1]["end"]):
        print(
            f"  group {name!r} ({len(g['tests'])} tests, {g['worker']}): "
            f"ended {g['end']:.1f} s after the start"
        )
    for name, w in sorted(workers.items()):
        print(f"  worker {name}: busy {w['busy']:.1f} s, idle at the end {w['idle_at_end']:.1f} s")
    print(
        f"  CPU of the tests (workers and their processes): {sum(tests_cpu.values()):.1f} s; "
        f"the rest of make test's CPU (start-up, collection): "
        f"{cpu['test'] - sum(tests_cpu.values()):.1f} s"
    )
    files_cpu = by_file(tests_cpu)
    print("15 slowest test files (all their tests): wall, CPU")
    for path, seconds in sorted(by_file(tests).items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {seconds:7.1f} s  {files_cpu.get(path, 0.0):7.1f} s  {path}")
    print("20 slowest tests (setup + call + teardown): wall, CPU")
    for nodeid, seconds in sorted(tests.items(), key=lambda kv: -kv[1])[:20]:
        print(f"  {seconds:7.1f} s  {tests_cpu.get(nodeid, 0.0):7.1f} s  {nodeid}")
    print("20 tests with most CPU: CPU, wall")
    for nodeid, seconds in sorted(tests_cpu.items(), key=lambda kv: -kv[1])[:20]:
        print(f"  {seconds:7.1f} s  {tests[nodeid]:7.1f} s  {nodeid}")
    if args.keep:
        print(f"copy kept in {repo}; log {log}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
