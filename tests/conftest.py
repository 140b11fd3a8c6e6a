"""Shared fixtures: the raw mirror, scratch project roots and small malformed raw files.

Missing inputs. A test that needs a raw file, a curated table or a reference text calls
:func:`missing_input` when it is absent (catching only the project's data errors, never any
exception). On a workstation that skips the test; in CI (``CI=true``, set by CI services and
by ``.ci/run``), with ``TIPTRENDS_REQUIRE_DATA=1`` or with ``pytest --require-data`` it fails:
there, a missing input must not turn tests into silent skips.

Two workers (``make test``: ``pytest -n 2 --dist loadgroup``). One renders the collection once
(:func:`site_render`: chapters and test profiles in one pool, then the book) and runs every
test that reads the render (the ``render`` group, given to such tests automatically); the other
starts with the ``long`` group (fresh venvs, the wheel, scratch builds seeded with this
checkout's derived products, :func:`derived_products`); both then share the short tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import pytest

from tiptrends import paths
from tiptrends.report.startup import tune_gc

# The test processes do without rfc3987-syntax, as the project's own commands do (see
# tiptrends.report.startup): jsonschema, imported with nbformat, compiles its 38 lark grammars
# at import (about 1 s per pytest process and per pytest run inside a test) for a string
# format that notebook files never use. Hypothesis, the other package the commands skip, is
# left alone: the property tests use it.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None

# The test processes collect garbage as the project's own processes do (tiptrends.report.
# startup.GC_THRESHOLD): with Python's thresholds collection cost about 6% of the CPU time of the
# data-heavy tests. What collection imports lives for the whole run and is frozen then
# (pytest_collection_finish), left out of every later collection.
tune_gc()

T = TypeVar("T")

#: Environment switch that makes a missing input fail its test.
REQUIRE_DATA_ENV = "TIPTRENDS_REQUIRE_DATA"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-data",
        action="store_true",
        default=False,
        help="fail (do not skip) tests whose raw or curated data or reference text is missing; "
        "implied by CI=true or TIPTRENDS_REQUIRE_DATA=1",
    )


_REQUIRE_DATA_OPTION = False


def pytest_configure(config: pytest.Config) -> None:
    global _REQUIRE_DATA_OPTION
    _REQUIRE_DATA_OPTION = bool(config.getoption("--require-data", default=False))
    if _loadgroup_controller(config):  # before the workers start: they inherit the folder
        import tempfile

        os.environ[GROUPS_DIR_ENV] = tempfile.mkdtemp(prefix="tiptrends-xdist-groups-")


def pytest_collection_finish(session: pytest.Session) -> None:
    import gc

    gc.freeze()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _loadgroup_controller(config) and os.environ.get(GROUPS_DIR_ENV):
        shutil.rmtree(os.environ.pop(GROUPS_DIR_ENV), ignore_errors=True)


def _loadgroup_controller(config: pytest.Config) -> bool:
    """True in the pytest-xdist controller of a ``--dist loadgroup`` run."""
    return not hasattr(config, "workerinput") and (
        config.getoption("dist", default=None) == "loadgroup"
        and bool(config.getoption("numprocesses", default=None))
    )


#: The pytest-xdist group of every test that reads the session render (``site_render``).
RENDER_GROUP = "render"
#: The group of the long tests that need no render (fresh venvs, the wheel, scratch builds).
#: ``--dist loadgroup`` hands out the largest groups first: the render's to one worker, this one
#: to the other, so they run side by side and the short tests fill both workers at the end.
LONG_GROUP = "long"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put every test that needs the session render in the render's xdist group.

    With ``--dist loadgroup`` one worker renders and then runs these tests, while the other
    runs everything else. A test reading the render from outside the group would make the
    other worker wait, idle, on the render's lock for minutes. ``tryfirst``: the marks must be
    in place before pytest-xdist names the groups.
    """
    for item in items:
        if "site_render" in getattr(item, "fixturenames", ()) and not any(
            item.iter_markers("xdist_group")
        ):
            item.add_marker(pytest.mark.xdist_group(RENDER_GROUP))
    _tell_the_scheduler(config, items)


#: Folder in which each xdist worker writes the group of every grouped test (set by the
#: controller for its workers; see :class:`GroupScheduling`).
GROUPS_DIR_ENV = "TIPTRENDS_TEST_XDIST_GROUPS"


def _group_of(item: pytest.Item) -> str | None:
    """The xdist group of ``item`` (its ``xdist_group`` marks' names joined), or None."""
    names = {
        str(m.args[0] if m.args else m.kwargs.get("name", "default"))
        for m in item.iter_markers("xdist_group")
    }
    return "_".join(sorted(names)) if names else None


def _tell_the_scheduler(config: pytest.Config | None, items: list[pytest.Item]) -> None:
    """In an xdist worker, write ``{nodeid: group}`` of the grouped tests for the controller.

    Each grouped test also carries its group in its reports (``user_properties``), where
    ``benchmarks/suite.py`` reads when each group ended.
    """
    for item in items:
        group, props = _group_of(item), getattr(item, "user_properties", None)
        if group is not None and props is not None and ("xdist_group", group) not in props:
            props.append(("xdist_group", group))
    folder = os.environ.get(GROUPS_DIR_ENV)
    worker = getattr(config, "workerinput", {}).get("workerid") if config is not None else None
    if not folder or not worker:
        return
    import json

    groups = {}
    for item in items:
        group = _group_of(item)
        if group is not None:
            groups[item.nodeid] = group
    Path(folder, f"{worker}.json").write_text(json.dumps(groups), encoding="utf-8")


def _group_scheduling():
    """pytest-xdist's loadgroup scheduler, reading the groups the workers wrote.

    pytest-xdist 3.8 passes a test's group to its scheduler by appending ``@group`` to the
    node id, which pytest 9.2's structured node ids no longer allow (pytest-xdist issue
    1386): every test became a group of its own, the render's tests were spread over both
    workers and each waited for the render. The workers now write the groups to a file.
    """
    from xdist.scheduler import LoadGroupScheduling

    class GroupScheduling(LoadGroupScheduling):
        groups: dict[str, str] = {}

        def schedule(self) -> None:
            import json

            if not self.groups:
                found: dict[str, str] = {}
                for f in sorted(Path(os.environ[GROUPS_DIR_ENV]).glob("*.json")):
                    found.update(json.loads(f.read_text(encoding="utf-8")))
                self.groups = found
            super().schedule()

        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)  # a suffix, where pytest-xdist could add it
            return scope if scope != nodeid else self.groups.get(nodeid, nodeid)

    return GroupScheduling


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadgroup``: the scheduler that reads the groups from the workers' files."""
    if config.getvalue("dist") != "loadgroup" or not os.environ.get(GROUPS_DIR_ENV):
        return None
    return _group_scheduling()(config, log)


def inputs_required() -> bool:
    """True in CI, with ``TIPTRENDS_REQUIRE_DATA=1`` or ``--require-data``."""
    ci = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
    switch = os.environ.get(REQUIRE_DATA_ENV, "").strip().lower() in ("true", "1", "yes")
    return ci or switch or _REQUIRE_DATA_OPTION


def missing_input(reason: str) -> NoReturn:
    """Skip the calling test because an input is missing, or fail it where inputs are required."""
    if inputs_required():
        pytest.fail(f"missing input (required in CI): {reason}", pytrace=False)
    pytest.skip(reason)


RAW_MIRROR = Path(
    os.environ.get("TIPTRENDS_DATA_MIRROR")
    or paths.project_root().parent / "shared" / "data" / "raw"
)


def raw_file(relative: str) -> Path:
    """Path of a file in the raw mirror; :func:`missing_input` when the mirror lacks it."""
    path = RAW_MIRROR / relative
    if not path.is_file():
        missing_input(f"raw mirror file {relative} not available at {RAW_MIRROR}")
    return path


def copy_checkout(target: Path) -> None:
    """Copy the files git tracks (the checkout as cloned) to ``target``."""
    root = paths.project_root()
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    for name in filter(None, listed.split("\0")):
        if (root / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, target / name)


@pytest.fixture(autouse=True)
def _own_rcparams():
    """Keep each test's matplotlib settings (the house style included) to that test.

    Tests run in random order: a style one test applies must not decide what another sees.
    """
    import matplotlib

    with matplotlib.rc_context():
        yield


@pytest.fixture
def house_style():
    """The house style applied for the test (inside its own settings, :func:`_own_rcparams`),
    and every figure closed after it."""
    import matplotlib.pyplot as plt

    from tiptrends.report import style

    style.use_house_style()
    yield
    plt.close("all")


@pytest.fixture
def scratch_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project root with the real manifest and mappings, and no raw cache.

    ``TIPTRENDS_ROOT`` points at it and no mirror is set, so tests control every input.
    """
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    real = paths.data_dir()
    shutil.copy(real / "sources.toml", root / "data" / "sources.toml")
    for folder in ("mappings", "published"):
        if (real / folder).exists():
            shutil.copytree(real / folder, root / "data" / folder)
    monkeypatch.setenv("TIPTRENDS_ROOT", str(root))
    monkeypatch.delenv("TIPTRENDS_DATA_MIRROR", raising=False)
    return root


#: Per-cell timeout for notebook execution in tests (seconds).
CELL_TIMEOUT = 600


#: Place profiles in the test build's book: (``tiptrends profile`` arguments, page name). A large
#: African reporter, a country with an excluded year, and a region.
TEST_PROFILES = ((["NGA"], "nga"), (["DEU"], "deu"), (["--region", "EU27"], "eu27"))


def render_test_profiles(build: Path | None = None) -> None:
    """Queue :data:`TEST_PROFILES` for the next render (``tiptrends profile --queue``).

    The render then executes them beside the chapters, in its pool and cache, and puts them
    into the book (its "Places" part), where the site tests read them. ``build`` is the
    project's build folder (the one the command writes; any other is refused).
    """
    from tiptrends.cli import main

    if build is not None and Path(build).resolve() != paths.build_dir().resolve():
        raise ValueError(f"profiles are queued in {paths.build_dir()}, not {build}")
    for argv, _ in TEST_PROFILES:
        if main(["profile", *argv, "--queue"]) != 0:
            raise RuntimeError(f"tiptrends profile {' '.join(argv)} --queue failed")


#: Environment variable naming a file to which the session render appends its timing (one JSON
#: line: worker, start, seconds); ``benchmarks/suite.py`` sets it.
RENDER_TIMING_ENV = "TIPTRENDS_TEST_RENDER_TIMING"


def _note_render_time(worker: str, started: float, seconds: float) -> None:
    """Append the session render's timing to the file named by :data:`RENDER_TIMING_ENV`."""
    target = os.environ.get(RENDER_TIMING_ENV)
    if not target:
        return
    import json

    line = json.dumps({"worker": worker, "start": started, "seconds": round(seconds, 3)})
    with open(target, "a", encoding="utf-8") as out:
        out.write(line + "\n")


@pytest.fixture(scope="session")
def site_render(worker_id: str, testrun_uid: str):
    """Render the whole collection once per test run (cached, like ``make report``).

    Every notebook of ``notebooks/`` goes through the renderer's executor (fresh kernel named
    "tiptrends", per-cell timeout, working directory ``notebooks/``) unless its cache entry is
    current: the cache key covers the notebook, the package source, the data and the
    installed package versions. ``TIPTRENDS_TEST_FORCE_RENDER=1`` ignores the cache once per
    test run: with pytest-xdist the first worker to get here forces the render and leaves a
    marker for this run; the others wait on the lock and then find everything cached.
    """
    import time

    from tests.render_once import render_once
    from tiptrends.report import book, render

    force = os.environ.get("TIPTRENDS_TEST_FORCE_RENDER") == "1"
    build = paths.build_dir()

    def profiles_and_chapters(forced: bool):
        render_test_profiles(build)
        # one Sphinx process for the book (the same pages as two, benchmarks/sphinx_build.py):
        # the other pytest worker keeps the second CPU busy, and a second Sphinx process
        # costs about 4 CPU-s more
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(book.SPHINX_JOBS_ENV, "1")
            return render.render(jobs=os.cpu_count() or 2, force=forced, timeout=CELL_TIMEOUT)

    started, clock = time.time(), time.perf_counter()
    report = render_once(build, testrun_uid, worker_id, force, profiles_and_chapters)
    _note_render_time(worker_id, started, time.perf_counter() - clock)
    return report


# --------------------------------------------------------------------------- shared by workers
@pytest.fixture(scope="session")
def run_folder(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder of this test run shared by its xdist workers (each run has its own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


def once_per_run(folder: Path, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per test run, whichever worker asks first; the others read its result.

    The result is pickled into ``folder`` (:func:`run_folder`) under a file lock; pickle keeps a
    DataFrame exactly (values, dtypes, index, ``attrs``). For slow, pure reads of fixed inputs
    (a raw workbook) that tests on both workers use.
    """
    import pickle

    from filelock import FileLock

    stored = folder / f"once-{name}.pickle"
    with FileLock(str(folder / f"once-{name}.lock")):
        if stored.is_file():
            return pickle.loads(stored.read_bytes())
        value = compute()
        stored.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value


# --------------------------------------------------------------------------- curated tables
def _curated(what: str, load):
    """Load a curated table once; :func:`missing_input` when it cannot be built here.

    Only the project's data error (raw file absent, checksum mismatch) counts as a missing
    input; any other exception is a bug and fails the test.
    """
    from tiptrends.errors import DataError

    try:
        return load()
    except DataError as exc:
        missing_input(f"curated {what} unavailable (cannot be built from the raw files): {exc}")


@pytest.fixture(scope="session")
def derived_products() -> Path:
    """The project's derived data products (``data/curated/derived/``), current.

    ``make test`` builds them first (``make data``); run alone, the first test to ask builds
    them here, once (a file lock keeps the two workers from building them twice). Tests that
    build the data in a copy of the checkout seed the copy with them (:func:`seed_derived`):
    its ``tiptrends data build`` then finds them current instead of computing the
    specification grid again (minutes, three times a run).
    """
    from filelock import FileLock

    from tiptrends.io import derived
    from tiptrends.methods import derived_tables, figures

    folder = derived.derived_dir()
    folder.mkdir(parents=True, exist_ok=True)
    build = paths.build_dir()
    build.mkdir(parents=True, exist_ok=True)
    # the lock lives in _build: every file under data/ is an input of the grid
    with FileLock(str(build / ".test-derived.lock")):
        status = derived_tables.product_status()
        if any(state != "current" for state, _ in status.values()):
            for load in derived_tables.products(figures.data_bases).values():
                _curated("derived products", load)
    return folder


def seed_derived(products: Path, curated: Path) -> list[str]:
    """Copy the derived products that ``tiptrends data build`` builds (stamps and tables) into
    ``curated/derived``; their names.

    A stamp names its inputs relative to the project root, so a copy of the checkout with the
    same curated tables, configuration and code finds them current. Products stored on first
    use (a rule set a chapter or a test asked for) are not copied: the build neither builds
    nor reports them, and whether one is in the store depends on which tests ran before.
    """
    from tiptrends.methods import derived_tables

    target = curated / "derived"
    target.mkdir(parents=True, exist_ok=True)
    for name in derived_tables.products():
        # a product is its stamp, <name>.json, and its tables, <name>.<table>.parquet
        for f in [products / f"{name}.json", *products.glob(f"{name}.*.parquet")]:
            if f.is_file():
                shutil.copy2(f, target / f.name)
    return sorted(f.stem for f in target.glob("*.json"))


#: This checkout's curated tables (fixed before any test points ``TIPTRENDS_ROOT`` elsewhere).
CHECKOUT_CURATED = paths.curated_dir()


def seed_curated(curated: Path, source: Path = CHECKOUT_CURATED) -> list[str]:
    """Copy the curated tables (tables and stamps) of ``source`` into ``curated``; their names.

    A copy of the checkout with the same raw checksums, reader versions and mappings finds
    them current, so its ``tiptrends data build`` only checks them. Building them from the raw
    files in a fresh environment is tested where that is the point (``tests/test_wheel.py``,
    ``tests/test_makefile.py``).
    """
    curated.mkdir(parents=True, exist_ok=True)
    names = []
    for table in sorted(source.glob("*.parquet")):
        stamp = table.with_suffix(".json")
        if stamp.is_file():
            shutil.copy2(table, curated / table.name)
            shutil.copy2(stamp, curated / stamp.name)
            names.append(table.stem)
    return names


@pytest.fixture(scope="session")
def glotip_2025():
    """The curated UNODC GLOTIP table, release 2025 (shared by the session: do not modify)."""
    from tiptrends.io import data

    return _curated("GLOTIP 2025", lambda: data.load_glotip(release="2025"))


@pytest.fixture(scope="session")
def glotip_2023():
    """The curated UNODC GLOTIP table, release 2023 (shared by the session: do not modify)."""
    from tiptrends.io import data

    return _curated("GLOTIP 2023", lambda: data.load_glotip(release="2023"))


@pytest.fixture(scope="session")
def gsi():
    """The curated Walk Free GSI 2023 table (shared by the session: do not modify)."""
    from tiptrends.io import data

    return _curated("Walk Free GSI 2023", data.load_gsi)


@pytest.fixture(scope="session")
def ctdc_curated():
    """The curated CTDC victim-perpetrator table (shared by the session: do not modify)."""
    from tiptrends.io import data

    return _curated("CTDC", data.load_ctdc)
