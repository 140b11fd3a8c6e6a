"""Curated tables: built on first use, atomically, rebuilt only when inputs change; loaders validate."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import RAW_MIRROR, raw_file
from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io import atomic, curate, data, sources


@pytest.fixture
def mirrored(scratch_root: Path, monkeypatch) -> Path:
    raw_file("unodc/data_glotip_2023-05-30.xlsx")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(RAW_MIRROR))
    return scratch_root


def test_loader_builds_on_first_use(mirrored: Path) -> None:
    assert not curate.curated_path("glotip_2023").exists()
    table = data.load_glotip("2023", validate="full")
    assert len(table) == 46_556
    stamp = curate.read_stamp("glotip_2023")
    assert stamp["rows"] == 46_556 and stamp["origin"] == "mirror"


def test_rebuild_only_when_reader_version_changes(small_mirrored: Path, monkeypatch) -> None:
    curate.build(SMALL)
    assert curate.build(SMALL)[1] == "up to date"
    stamp = json.loads(curate.stamp_path(SMALL).read_text())
    stamp["reader_version"] = "0-old"
    curate.stamp_path(SMALL).write_text(json.dumps(stamp))
    assert not curate.is_current(SMALL)
    assert curate.build(SMALL)[1] == "rebuilt (changed: reader)"


def test_failed_write_leaves_no_partial_file(small_mirrored: Path, monkeypatch) -> None:
    def broken(self, path, **kwargs):
        Path(path).write_bytes(b"half a parquet file")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError):
        curate.build(SMALL)
    assert list(paths.curated_dir().glob("*")) == []


def test_loader_rejects_a_curated_table_that_fails_its_schema(mirrored: Path) -> None:
    curate.build("glotip_2023")
    table = pd.read_parquet(curate.curated_path("glotip_2023"))
    table.loc[0, "sex"] = "Females"
    target = curate.curated_path("glotip_2023")
    table.to_parquet(target, index=False)
    # a table written by a faulty reader: its stamp matches it, only the schema can tell
    stamp = curate.read_stamp("glotip_2023")
    stamp.update(curated_sha256=sources.sha256_of(target), curated_bytes=target.stat().st_size)
    curate.stamp_path("glotip_2023").write_text(json.dumps(stamp))
    with pytest.raises(DataError, match=r"glotip_2023\.parquet: fails its schema"):
        data.load_glotip("2023", validate="full")


def test_unknown_release() -> None:
    with pytest.raises(ValueError, match="unknown GLOTIP release"):
        data.load_glotip("2019")


# --------------------------------------------------------------------------- stamps and faults
SMALL = "tip_tiers_kelley_heiss"  # the quickest source to build (0.1 s)


@pytest.fixture
def small_mirrored(scratch_root: Path, monkeypatch) -> Path:
    raw_file("tip_tiers/heiss_kelley_tip_tiers_orig.csv")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(RAW_MIRROR))
    return scratch_root


def test_stamp_records_the_curated_file_itself(small_mirrored: Path) -> None:
    target, status = curate.build(SMALL)
    assert status == "built"
    stamp = curate.read_stamp(SMALL)
    assert stamp["curated_bytes"] == target.stat().st_size
    assert stamp["curated_sha256"] == sources.sha256_of(target)
    assert curate.status(SMALL) == curate.CURRENT


@pytest.mark.parametrize("damage", ["garbage", "flipped byte", "truncated", "deleted stamp"])
def test_a_damaged_curated_table_is_never_taken_as_current(small_mirrored: Path, damage) -> None:
    target, _ = curate.build(SMALL)
    good = target.read_bytes()
    if damage == "garbage":
        target.write_bytes(b"\x00garbage" * 100)
    elif damage == "flipped byte":  # same size: only the checksum can tell
        middle = len(good) // 2
        target.write_bytes(good[:middle] + bytes([good[middle] ^ 0xFF]) + good[middle + 1 :])
    elif damage == "truncated":
        target.write_bytes(good[: len(good) // 2])
    else:
        curate.stamp_path(SMALL).unlink()
    expected = curate.NOT_BUILT if damage == "deleted stamp" else curate.DAMAGED
    assert curate.status(SMALL) == expected
    assert not curate.is_current(SMALL)
    row = data.info().set_index("source").loc[SMALL]
    assert row["curated"] == expected and pd.isna(row["rows"])
    path, status = curate.build(SMALL)
    assert status == ("built" if damage == "deleted stamp" else "rebuilt (was DAMAGED)")
    assert path.read_bytes() == good and curate.status(SMALL) == curate.CURRENT


def test_loader_rebuilds_a_damaged_table(small_mirrored: Path) -> None:
    target, _ = curate.build(SMALL)
    rows = len(pd.read_parquet(target))
    target.write_bytes(b"PAR1 not really")
    assert len(data.load_tip_tiers("kelley_heiss")) == rows
    assert curate.status(SMALL) == curate.CURRENT


@pytest.mark.parametrize("key", ["curated_sha256", "schema_checked"])
def test_a_stamp_without_the_file_checksum_or_schema_check_is_stale(
    small_mirrored: Path, key: str
) -> None:
    curate.build(SMALL)
    stamp = curate.read_stamp(SMALL)
    del stamp[key]
    curate.stamp_path(SMALL).write_text(json.dumps(stamp))
    assert curate.status(SMALL) == curate.STALE
    assert curate.build(SMALL)[1] == "rebuilt (changed: stamp format)"


def test_temporaries_of_a_killed_build_are_removed(small_mirrored: Path) -> None:
    folder = paths.curated_dir()
    folder.mkdir(parents=True)
    dead = folder / f".{SMALL}.parquet.{_dead_pid()}.k2j3x.tmp"
    legacy = folder / f".{SMALL}.parquet.k2j3x9ab.tmp"  # no process id: an older writer's
    running = folder / f".{SMALL}.parquet.{os.getpid()}.abcd.tmp"  # a write in progress
    for leftover in (dead, legacy, running):
        leftover.write_bytes(b"half a table")
    curate.build(SMALL)
    assert not dead.exists() and not legacy.exists()
    assert running.exists()
    running.unlink()
    assert sorted(p.name for p in folder.iterdir()) == [f"{SMALL}.json", f"{SMALL}.parquet"]


def _dead_pid() -> int:
    """A process id that is not running (a child that has exited and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_curated_files_get_the_permissions_of_the_build(small_mirrored: Path) -> None:
    target, _ = curate.build(SMALL)
    expected = 0o644 & ~atomic._UMASK
    assert stat.S_IMODE(target.stat().st_mode) == expected
    assert stat.S_IMODE(curate.stamp_path(SMALL).stat().st_mode) == expected


def test_atomic_write_failure_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "table.bin"
    atomic.write_bytes_atomic(target, b"old")

    def fails(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic.write_atomic(target, fails)
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["table.bin"]
    atomic.write_json_atomic(tmp_path / "x.json", {"b": 1, "a": [1.5]})
    assert (tmp_path / "x.json").read_text() == '{\n "a": [\n  1.5\n ],\n "b": 1\n}\n'


def test_one_atomic_writer_for_the_whole_package() -> None:
    from tiptrends.report import results

    assert results.write_bytes_atomic is atomic.write_bytes_atomic
    assert results.write_json_atomic is atomic.write_json_atomic
    package = paths.PACKAGE_DIR
    offenders = [
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if p.name != "atomic.py" and ("mkstemp" in p.read_text() or "os.replace" in p.read_text())
    ]
    assert offenders == []


# --------------------------------------------------------------------------- missing inputs in CI
DATA_DEPENDENT_TESTS = [
    "tests/test_justice.py::test_real_ctdc_summaries",  # curated table (session fixture)
    "tests/test_models.py::test_real_models_smoke",  # curated GLOTIP table
    "tests/test_sources.py::test_fetch_copies_from_mirror_and_then_uses_cache",  # raw file
    "tests/test_readers_other.py::test_gsi_real_file",  # raw file
]


#: Runs the tests named on its command line twice in one interpreter, as on a workstation and
#: then as in CI (``CI=true``), printing each run's closing line after a marker (one process:
#: the interpreter, pytest and the test modules are started and imported once).
_TWICE = """
import os, sys, pytest
args = ["-q", "-p", "no:cacheprovider", "-n", "0", *sys.argv[1:]]
pytest.main(args)
print("@@ workstation done", flush=True)
os.environ["CI"] = "true"
pytest.main(args)
"""


def _tally(summary: str) -> dict[str, int]:
    tally = {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", summary)}
    # a failure inside a fixture is reported as an error: both mean "did not pass"
    return {
        "skipped": tally.get("skipped", 0),
        "passed": tally.get("passed", 0),
        "failed": tally.get("failed", 0) + tally.get("errors", tally.get("error", 0)),
    }


def _run_without_data(tmp_path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Run some data-dependent tests with no raw or curated data, first as on a workstation
    and then as in CI; return pytest's two tallies."""
    empty = tmp_path / "empty mirror"
    empty.mkdir(exist_ok=True)
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "TIPTRENDS_REQUIRE_DATA")}
    clean.update(
        TIPTRENDS_ROOT=str(tmp_path / "no project"),
        TIPTRENDS_DATA_MIRROR=str(empty),
        # any download attempt fails at once instead of reaching the network
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
    )
    (tmp_path / "no project" / "data").mkdir(parents=True, exist_ok=True)
    (tmp_path / "no project" / "data" / "sources.toml").write_text(
        paths.manifest_path().read_text()
    )
    out = subprocess.run(
        [sys.executable, "-c", _TWICE, *DATA_DEPENDENT_TESTS],
        capture_output=True,
        text=True,
        env=clean,
        cwd=Path(__file__).resolve().parents[1],
        timeout=300,
    )
    workstation, ci = out.stdout.split("@@ workstation done", 1)
    return _tally(workstation.strip().splitlines()[-1]), _tally(ci.strip().splitlines()[-1])


def test_missing_data_skips_on_a_workstation_and_fails_in_ci(tmp_path: Path) -> None:
    n = len(DATA_DEPENDENT_TESTS)
    workstation, ci = _run_without_data(tmp_path)
    assert workstation == {"skipped": n, "passed": 0, "failed": 0}
    assert ci == {"skipped": 0, "passed": 0, "failed": n}


@pytest.mark.parametrize(
    ("variable", "value", "outcome"),
    [
        ("CI", "true", pytest.fail.Exception),
        ("TIPTRENDS_REQUIRE_DATA", "1", pytest.fail.Exception),
        ("CI", "false", pytest.skip.Exception),
    ],
)
def test_the_switches_that_make_a_missing_input_fail(monkeypatch, variable, value, outcome):
    from tests import conftest

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TIPTRENDS_REQUIRE_DATA", raising=False)
    monkeypatch.setenv(variable, value)
    monkeypatch.setattr(conftest, "_REQUIRE_DATA_OPTION", False)
    with pytest.raises(outcome, match="no such file"):
        conftest.missing_input("no such file")
    monkeypatch.delenv(variable)
    monkeypatch.setattr(conftest, "_REQUIRE_DATA_OPTION", True)  # pytest --require-data
    with pytest.raises(pytest.fail.Exception):
        conftest.missing_input("no such file")


def test_the_build_checks_every_row_against_the_curated_schema(
    small_mirrored: Path, monkeypatch
) -> None:
    """The ISO3 columns the build adds are checked at build, before anything is written."""
    real = curate.build_table

    def lower_case_code(raw: Path, reader: str, **kwargs) -> pd.DataFrame:
        table = real(raw, reader, **kwargs)
        table.loc[len(table) // 2, "iso3"] = "deu"  # a middle row: a sample would miss it
        return table

    monkeypatch.setattr(curate, "build_table", lower_case_code)
    with pytest.raises(DataError, match=r"heiss_kelley_tip_tiers_orig\.csv: .*iso3"):
        curate.build(SMALL)
    assert curate.read_stamp(SMALL) is None and not curate.curated_path(SMALL).exists()


def test_a_quick_load_relies_on_the_builds_check_of_the_same_schema(
    small_mirrored: Path, monkeypatch
) -> None:
    target, _ = curate.build(SMALL)
    stamp = curate.read_stamp(SMALL)
    assert stamp["schema_checked"] == curate.schema_code("tip_kelley_heiss")
    # a bad value recorded as checked by the build: a quick load does not look again ...
    table = pd.read_parquet(target)
    table.loc[0, "tier_raw"] = "Tier 9"
    table.to_parquet(target, index=False)
    stamp.update(curated_sha256=sources.sha256_of(target), curated_bytes=target.stat().st_size)
    curate.stamp_path(SMALL).write_text(json.dumps(stamp))

    def no_schema(reader: str):
        raise AssertionError("a quick load checked a table its build had checked")

    with monkeypatch.context() as m:
        m.setattr(curate, "curated_schema", no_schema)
        assert len(data.load_tip_tiers("kelley_heiss")) == len(table)
    # ... a full load does, and so does a quick one once the schema's code has changed
    with pytest.raises(DataError, match="fails its schema"):
        data.load_tip_tiers("kelley_heiss", validate="full")
    monkeypatch.setattr(curate, "schema_code", lambda reader: "another schema")
    assert not curate.schema_checked(SMALL)
    with pytest.raises(DataError, match="fails its schema"):
        data.load_tip_tiers("kelley_heiss")


def test_loading_a_checked_table_imports_no_pandera() -> None:
    """A kernel reading the curated tables pays neither pandera's import nor a check."""
    code = (
        "import sys\n"
        "from tiptrends.io import curate, data\n"
        "if not curate.schema_checked('glotip_2025'):\n"
        "    sys.exit('glotip_2025 was built before the stamp recorded its check')\n"
        "data.load_glotip('2025')\n"
        "print('pandera' in sys.modules)\n"
    )
    raw_file("unodc/data_glotip_2025-04-14.xlsx")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"


def test_a_current_table_is_checked_again_when_the_schema_code_changes(
    small_mirrored: Path, monkeypatch
) -> None:
    target, _ = curate.build(SMALL)
    monkeypatch.setattr(curate, "schema_code", lambda reader: "edited schema")
    assert not curate.schema_checked(SMALL)
    assert curate.build(SMALL)[1] == "up to date"  # not rebuilt: checked again and recorded
    assert curate.read_stamp(SMALL)["schema_checked"] == "edited schema"
    table = pd.read_parquet(target)
    table.loc[len(table) // 2, "tier_raw"] = "Tier 9"
    table.to_parquet(target, index=False)
    stamp = curate.read_stamp(SMALL)
    stamp.update(curated_sha256=sources.sha256_of(target), curated_bytes=target.stat().st_size)
    stamp["schema_checked"] = "older schema"
    curate.stamp_path(SMALL).write_text(json.dumps(stamp))
    with pytest.raises(DataError, match=r"tip_tiers_kelley_heiss\.parquet: .*tier_raw"):
        curate.build(SMALL)
