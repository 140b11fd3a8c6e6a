"""The Makefile works in a folder whose name has spaces (paths quoted, the mirror found)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RAW_MIRROR, copy_checkout, missing_input, seed_curated, seed_derived


@pytest.fixture
def spaced_checkout(tmp_path: Path) -> Path:
    if shutil.which("make") is None or shutil.which("git") is None:
        missing_input("make or git not installed")
    if not RAW_MIRROR.is_dir():
        missing_input(f"raw mirror not available at {RAW_MIRROR}")
    parent = tmp_path / "folder with spaces"
    project = parent / "my project"
    project.mkdir(parents=True)
    copy_checkout(project)
    # the layout the Makefile looks for: ../shared/data/raw beside the project
    (parent / "shared" / "data").mkdir(parents=True)
    (parent / "shared" / "data" / "raw").symlink_to(RAW_MIRROR, target_is_directory=True)
    return project


def _env(project: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TIPTRENDS_DATA_MIRROR", "TIPTRENDS_BUILD_DIR", "MAKEFLAGS", "MFLAGS")
    }
    # the copy's own package, working on the copy's data (never on this checkout's)
    env.update(PYTHONPATH=str(project / "src"), TIPTRENDS_ROOT=str(project))
    return env


@pytest.mark.xdist_group("long")
def test_make_data_in_a_folder_with_spaces(spaced_checkout: Path, derived_products: Path) -> None:
    project = spaced_checkout
    # the derived products of this checkout: the copy's build reuses them (stamps name their
    # inputs relative to the project), so the grid is not computed again
    seeded = seed_derived(derived_products, project / "data" / "curated")
    # the curated tables too, but one: make data builds that one from its raw file in the
    # folder with spaces and only checks the others (each is built from raw in test_wheel)
    from_raw = "tip_tiers_kelley_heiss"
    kept = [n for n in seed_curated(project / "data" / "curated") if n != from_raw]
    for suffix in (".parquet", ".json"):
        (project / "data" / "curated" / f"{from_raw}{suffix}").unlink()
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "tiptrends").exists():
        missing_input(f"no tiptrends command beside {sys.executable}")
    # never let `make` install into the environment running the tests: dry run first
    dry = subprocess.run(
        ["make", "-n", "data", f"BIN={bin_dir}"],
        cwd=project,
        env=_env(project),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dry.returncode == 0, dry.stderr
    assert "pip install" not in dry.stdout and "-m venv" not in dry.stdout, dry.stdout
    out = subprocess.run(
        ["make", "data", f"BIN={bin_dir}"],
        cwd=project,
        env=_env(project),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    fetched = [line for line in out.stdout.splitlines() if " verified  from " in line]
    assert len(fetched) == 7 and all("from mirror" in line for line in fetched), out.stdout
    # the package's bytecode is written (kernels need not compile it at each start)
    assert list((project / "src" / "tiptrends" / "io" / "__pycache__").glob("data.*.pyc"))
    assert str(project / "data" / "raw") in out.stdout  # the copy's raw cache, path with spaces
    built = sorted(p.name for p in (project / "data" / "curated").glob("*.parquet"))
    assert len(built) == 7
    states = {  # the lines of `tiptrends data build` for the curated tables
        line.split()[0]: line.split()[1]
        for line in out.stdout.splitlines()
        if " rows " in line and line.rstrip().endswith(".parquet")
    }
    assert states[from_raw] == "built" and len(kept) == 6
    assert {name: states[name] for name in kept} == dict.fromkeys(kept, "up"), out.stdout
    derived = {line.split()[0]: line.split()[1] for line in out.stdout.splitlines() if line.strip()}
    assert seeded and {name: derived.get(name) for name in seeded} == dict.fromkeys(
        seeded, "current"
    ), out.stdout


def test_setup_quotes_the_kernel_prefix(spaced_checkout: Path) -> None:
    out = subprocess.run(
        ["make", "-n", "-B", "setup"],
        cwd=spaced_checkout,
        env=_env(spaced_checkout),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    install = next(line for line in out.stdout.splitlines() if "ipykernel install" in line)
    assert f'--prefix "{spaced_checkout}/.venv"' in install


def _dry_run(project: Path, *args: str) -> str:
    out = subprocess.run(
        ["make", "-n", *args],
        cwd=project,
        env=_env(project),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_setup_installs_the_lock_and_never_rewrites_it(spaced_checkout: Path) -> None:
    """``make setup`` syncs uv.lock (``--locked``) or pip-installs its export; only ``make lock``
    runs the resolver."""
    uv_route = _dry_run(spaced_checkout, "-B", "setup")
    assert "sync --locked --extra dev" in uv_route
    # bytecode written at install: kernels and commands do not compile the packages at start
    assert "--compile-bytecode" in uv_route
    assert f'UV_PROJECT_ENVIRONMENT="{spaced_checkout}/.venv"' in uv_route
    assert "uv lock" not in uv_route and '" lock' not in uv_route
    assert 'pip install --quiet -e ".[dev]"' not in uv_route  # no fresh resolution
    pip_route = _dry_run(spaced_checkout, "-B", "setup", "INSTALLER=pip")
    assert "pip install --quiet -r requirements.lock.txt" in pip_route
    assert "--no-deps -e ." in pip_route
    # the stamp is out of date when the lock changes, so a new lock is installed
    stamp = next(
        line
        for line in (spaced_checkout / "Makefile").read_text().splitlines()
        if line.startswith("$(STAMP):")
    )
    assert "uv.lock" in stamp and "requirements.lock.txt" in stamp
    lock = _dry_run(spaced_checkout, "lock")
    assert '" lock ' in lock and "export" in lock and "--output-file requirements.lock.txt" in lock
    assert "--upgrade" not in lock and "--upgrade" in _dry_run(spaced_checkout, "lock", "UPGRADE=1")
