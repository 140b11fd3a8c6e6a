"""The command line: help on every subcommand, one-line errors, non-zero exits, no partial files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import RAW_MIRROR, raw_file, seed_curated
from tests.test_unodc_reader import BREAKERS, _small_rows, _write
from tiptrends import paths
from tiptrends.cli import build_parser, main
from tiptrends.io import curate, sources


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["data"],
        ["data", "fetch"],
        ["data", "build"],
        ["data", "info"],
        ["data", "add-release"],
        ["render"],
        ["strip"],
        ["published"],
    ],
)
def test_help_on_every_subcommand(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args([*argv, "--help"])
    assert exit_.value.code == 0
    assert "usage: tiptrends" in capsys.readouterr().out


def test_python_dash_m() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tiptrends", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "data" in out.stdout and "render" in out.stdout


def _install_bad_raw(root: Path, source_id: str, content: bytes) -> Path:
    """Put a malformed raw file in the scratch raw cache and pin its checksum in the manifest."""
    source = sources.get_source(source_id)
    target = paths.raw_dir() / source.file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    manifest = root / "data" / "sources.toml"
    manifest.write_text(manifest.read_text().replace(source.sha256, sources.sha256_of(target)))
    return target


def _assert_clean_failure(capsys, argv: list[str], *fragments: str) -> None:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tiptrends: error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]
    leftovers = list(paths.curated_dir().glob("*")) if paths.curated_dir().exists() else []
    assert leftovers == [], leftovers


def test_missing_raw_file_exits_2(scratch_root: Path, capsys) -> None:
    _assert_clean_failure(
        capsys,
        ["data", "fetch", "ctdc_vp", "--no-download"],
        "CTDC_VPsynthetic_condensed.csv",
        "raw file missing",
    )


def test_checksum_mismatch_exits_2(scratch_root: Path, capsys) -> None:
    cached = paths.raw_dir() / "ctdc" / "CTDC_VPsynthetic_condensed.csv"
    cached.parent.mkdir(parents=True)
    cached.write_text("changed upstream\n")
    _assert_clean_failure(
        capsys,
        ["data", "build", "ctdc_vp", "--no-download"],
        "checksum mismatch",
        sources.get_source("ctdc_vp").sha256,
    )


def test_corrupt_workbook_build_leaves_nothing(scratch_root: Path, capsys) -> None:
    real = raw_file("unodc/data_glotip_2025-04-14.xlsx").read_bytes()
    _install_bad_raw(scratch_root, "glotip_2025", real[: len(real) // 3])
    _assert_clean_failure(
        capsys,
        ["data", "build", "glotip_2025"],
        "data_glotip_2025-04-14.xlsx",
        "not a readable xlsx workbook",
    )


def test_debug_shows_traceback(scratch_root: Path) -> None:
    from tiptrends.errors import DataError

    with pytest.raises(DataError):
        main(["--debug", "data", "fetch", "ctdc_vp", "--no-download"])


def test_info_build_and_rebuild(scratch_root: Path, monkeypatch, capsys) -> None:
    raw_file("unodc/data_glotip_2023-05-30.xlsx")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(RAW_MIRROR))
    assert main(["data", "build", "glotip_2023"]) == 0
    assert "built" in capsys.readouterr().out
    assert main(["data", "build", "glotip_2023"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["data", "info"]) == 0
    out = capsys.readouterr().out
    assert "glotip_2023" in out and "verified" in out and "mirror" in out and "46556" in out
    assert curate.is_current("glotip_2023")


@pytest.mark.parametrize(("name", "break_rows", "message"), BREAKERS, ids=[b[0] for b in BREAKERS])
def test_every_malformed_workbook_fails_cleanly_from_the_cli(
    scratch_root: Path, capsys, tmp_path: Path, name: str, break_rows, message: str
) -> None:
    small = _write(tmp_path / f"{name}.xlsx", break_rows(_small_rows()))
    _install_bad_raw(scratch_root, "glotip_2025", small.read_bytes())
    _assert_clean_failure(
        capsys, ["data", "build", "glotip_2025"], "data_glotip_2025-04-14.xlsx", message
    )


# --------------------------------------------------------------------------- faults planted on purpose
def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tiptrends: error: "), err
    return lines[0]


def test_info_on_a_garbage_curated_table(scratch_root: Path, monkeypatch, capsys) -> None:
    raw_file("tip_tiers/heiss_kelley_tip_tiers_orig.csv")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(RAW_MIRROR))
    assert main(["data", "build", "tip_tiers_kelley_heiss"]) == 0
    target = curate.curated_path("tip_tiers_kelley_heiss")
    good = target.read_bytes()
    target.write_bytes(b"garbage written over the table")
    capsys.readouterr()
    assert main(["data", "info"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    row = next(line for line in captured.out.splitlines() if "tip_tiers_kelley_heiss" in line)
    assert "DAMAGED" in row
    assert main(["data", "info", "--strict"]) == 2
    assert "tip_tiers_kelley_heiss" in _one_error_line(capsys)
    assert main(["data", "build", "tip_tiers_kelley_heiss"]) == 0
    assert "rebuilt (was DAMAGED)" in capsys.readouterr().out
    assert target.read_bytes() == good
    assert main(["data", "build", "tip_tiers_kelley_heiss"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_mirror_checksum_mismatch_says_the_bad_copy_is_in_the_mirror(
    scratch_root: Path, monkeypatch, capsys
) -> None:
    mirror = scratch_root.parent / "mirror"
    (mirror / "ctdc").mkdir(parents=True)
    (mirror / "ctdc" / "CTDC_VPsynthetic_condensed.csv").write_text("a different release\n")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(mirror))
    assert main(["data", "fetch", "ctdc_vp", "--no-download"]) == 2
    line = _one_error_line(capsys)
    assert "checksum mismatch" in line and f"in the mirror {mirror / 'ctdc'}" in line
    assert "replace it" in line and "unset TIPTRENDS_DATA_MIRROR" in line
    assert not paths.raw_dir().exists() or not any(paths.raw_dir().rglob("*.csv"))


def test_a_mirror_folder_that_does_not_exist_is_named(
    scratch_root: Path, monkeypatch, capsys
) -> None:
    missing = scratch_root.parent / "no such mirror"
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(missing))
    assert main(["data", "fetch", "ctdc_vp"]) == 2
    line = _one_error_line(capsys)
    assert f"mirror folder {missing}" in line and "does not exist" in line


def test_no_download_does_not_suggest_a_variable_that_is_set(
    scratch_root: Path, monkeypatch, capsys
) -> None:
    mirror = scratch_root.parent / "empty mirror"
    mirror.mkdir()
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(mirror))
    assert main(["data", "fetch", "ctdc_vp", "--no-download"]) == 2
    line = _one_error_line(capsys)
    assert f"not in the mirror {mirror}" in line and "downloads disabled" in line
    assert "set TIPTRENDS_DATA_MIRROR" not in line
    monkeypatch.delenv("TIPTRENDS_DATA_MIRROR")
    assert main(["data", "fetch", "ctdc_vp", "--no-download"]) == 2
    assert "TIPTRENDS_DATA_MIRROR is not set" in _one_error_line(capsys)


def test_an_empty_file_is_called_empty(scratch_root: Path, capsys) -> None:
    cached = paths.raw_dir() / "ctdc" / "CTDC_VPsynthetic_condensed.csv"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"")
    assert main(["data", "fetch", "ctdc_vp", "--no-download"]) == 2
    assert "file is empty (0 bytes" in _one_error_line(capsys)
    # an empty file pinned in the manifest reaches the reader, which says the same
    _install_bad_raw(scratch_root, "glotip_2025", b"")
    _assert_clean_failure(capsys, ["data", "build", "glotip_2025"], "file is empty (0 bytes)")
    _install_bad_raw(scratch_root, "ctdc_vp", b"")
    _assert_clean_failure(capsys, ["data", "build", "ctdc_vp"], "file is empty (0 bytes)")


@pytest.fixture
def notebooks(scratch_root: Path, monkeypatch) -> Path:
    """A scratch collection of two (empty) notebooks and a build folder beside it."""
    folder = scratch_root / "notebooks"
    folder.mkdir()
    for name in ("00_first", "01_second"):
        (folder / f"{name}.ipynb").write_text("{}")
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(scratch_root / "_build"))
    return folder


def test_unknown_notebook_lists_the_valid_ones(notebooks: Path, capsys) -> None:
    assert main(["render", "00_first", "02_missing"]) == 2
    line = _one_error_line(capsys)
    assert "'02_missing'" in line and "00_first, 01_second" in line and "'00_first'" not in line
    assert not (notebooks.parent / "_build").exists()


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_whole_number(jobs: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["render", "--jobs", jobs])
    assert exit_.value.code == 2
    assert "--jobs/-j: must be a whole number >= 1" in capsys.readouterr().err


def _make_unwritable(folder: Path) -> None:
    """Make ``folder`` unwritable even for root (immutable), or skip when that is impossible."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        folder.chmod(0o555)
    else:
        subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    try:
        (folder / "probe").touch()
    except OSError:
        return
    (folder / "probe").unlink()
    pytest.skip("cannot make a folder unwritable here (neither chmod nor chattr works)")


def _make_writable(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def test_unwritable_build_folder_is_one_line_with_its_own_code(notebooks: Path, capsys) -> None:
    build = notebooks.parent / "_build"
    _make_unwritable(build)
    try:
        code = main(["render", "00_first"])
    finally:
        _make_writable(build)
    assert code == 3
    line = _one_error_line(capsys)
    assert f"cannot write to {build}" in line
    assert list(build.iterdir()) == []


def test_build_folder_through_a_file_is_one_line(notebooks: Path, monkeypatch, capsys) -> None:
    blocker = notebooks.parent / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(blocker / "_build"))
    assert main(["render"]) == 3
    assert "Not a directory" in _one_error_line(capsys)


def test_an_unwritable_curated_folder_is_one_line(scratch_root: Path, monkeypatch, capsys) -> None:
    raw_file("tip_tiers/heiss_kelley_tip_tiers_orig.csv")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(RAW_MIRROR))
    curated = paths.curated_dir()
    _make_unwritable(curated)
    try:
        code = main(["data", "build", "tip_tiers_kelley_heiss"])
    finally:
        _make_writable(curated)
    assert code == 3
    assert str(curated) in _one_error_line(capsys)
    assert list(curated.iterdir()) == []


def test_readme_documents_every_exit_status() -> None:
    import re

    from tiptrends import cli

    readme = (paths.project_root() / "README.md").read_text()
    section = readme.split("## When something goes wrong", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", section, flags=re.M)}
    defined = {value for name, value in vars(cli).items() if name.startswith("EXIT_")}
    assert documented == defined


# --------------------------------------------------------------------------- adding a release
def _modified_release(source: Path, target: Path, *, date: str, edits: dict[str, str]) -> Path:
    """Copy a GLOTIP workbook with a new release date (cell A2) and shared strings edited.

    Every cell holding the text ``old`` (a count, as UNODC stores them) holds ``new`` in the
    copy, so the revisions between the two files are known in advance.
    """
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                text = content.decode("utf-8")
                assert text.count(">14/04/2025</t>") == 1
                text = text.replace(">14/04/2025</t>", f">{date}</t>")
                for old, new in edits.items():
                    assert text.count(f">{old}</t>") == 1
                    text = text.replace(f">{old}</t>", f">{new}</t>")
                content = text.encode("utf-8")
            zout.writestr(item, content)
    return target


@pytest.mark.xdist_group("long")
def test_add_release_checks_pins_builds_and_compares(
    scratch_root: Path, monkeypatch, capsys, tmp_path: Path
) -> None:
    import stat

    from tiptrends.io import data, releases
    from tiptrends.methods.aggregate import country_year_counts

    real = raw_file("unodc/data_glotip_2025-04-14.xlsx")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(RAW_MIRROR))
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(scratch_root / "_build"))
    # the release it is compared with is current, as in a checkout after `make data` (its
    # curated table is not built from the raw file again here)
    seed_curated(paths.curated_dir())
    stamp_2025 = (paths.curated_dir() / "glotip_2025.json").read_text()
    new = _modified_release(
        real, tmp_path / "data_glotip.xlsx", date="30/06/2026", edits={"100": "1000"}
    )
    manifest_before = paths.manifest_path().read_text()
    from tiptrends.io.readers import unodc

    reads: list[Path] = []
    read_glotip = unodc.read_glotip

    def counted(path):
        reads.append(Path(path))
        return read_glotip(path)

    monkeypatch.setattr(unodc, "read_glotip", counted)
    assert main(["data", "add-release", str(new)]) == 0
    out = capsys.readouterr().out
    # the workbook is read once: checked, then built from the table the check read
    assert reads == [new], reads

    # pinned: manifest entry with the file's checksum, read-only raw copy, curated table
    source = sources.get_source("glotip_2026")
    assert source.sha256 == sources.sha256_of(new) and source.release == "2026-06-30"
    assert source.file == "unodc/data_glotip_2026-06-30.xlsx" and source.period == "2003-2022"
    assert "release of 30 June 2026" in source.citation
    assert paths.manifest_path().read_text().startswith(manifest_before.rstrip("\n"))
    assert sources.verify("glotip_2026") == "verified"
    assert stat.S_IMODE(source.raw_path.stat().st_mode) == 0o444
    assert curate.is_current("glotip_2026")
    # loadable by name with no code change
    assert releases.release_names()["latest"] == "glotip_2026"
    assert data.load_glotip("2026")["release"].iloc[0] == "2026-06-30"
    assert len(data.load_glotip("latest")) == len(data.load_glotip("2025"))

    # the revisions are exactly the country-year totals of 100 in the 2025 release
    old = country_year_counts(data.load_glotip("2025"))
    hundreds = old[old["Total"] == 100]
    assert len(hundreds) > 0
    n = len(hundreds)
    assert f"({n} revised, {n} large" in out and "0 dropped, 0 added" in out
    first = hundreds.iloc[0]
    assert f"{first['iso3']} {first['year']}        100 ->     1,000  (+900, +900%)  large" in out
    table = pd.read_csv(scratch_root / "_build" / "revisions" / "glotip_2025_to_glotip_2026.csv")
    revised = table[table["abs_revision"].fillna(0) != 0]
    assert sorted(zip(revised["iso3"], revised["year"], strict=True)) == sorted(
        zip(hundreds["iso3"], hundreds["year"], strict=True)
    )
    assert (revised["total_new"] == 1000).all()
    assert (paths.curated_dir() / "glotip_2025.json").read_text() == stamp_2025  # not rebuilt

    # adding it again, or another file under the same id, is refused in one line (a file
    # pinned already by its checksum, before it is read)
    reads.clear()
    assert main(["data", "add-release", str(new)]) == 2
    assert "already in data/sources.toml as 'glotip_2026'" in _one_error_line(capsys)
    assert reads == []
    other = _modified_release(real, tmp_path / "other.xlsx", date="01/07/2026", edits={})
    assert main(["data", "add-release", str(other)]) == 2
    assert "choose another with --id" in _one_error_line(capsys)


def test_add_release_refuses_a_bad_file_and_writes_nothing(
    scratch_root: Path, capsys, tmp_path: Path
) -> None:
    small = _write(tmp_path / "data_glotip.xlsx", BREAKERS[0][1](_small_rows()))
    manifest_before = paths.manifest_path().read_text()
    assert main(["data", "add-release", str(small)]) == 2
    assert "header row moved" in _one_error_line(capsys)
    assert paths.manifest_path().read_text() == manifest_before
    assert not paths.raw_dir().exists() and not paths.curated_dir().exists()
    assert main(["data", "add-release", str(tmp_path / "none.xlsx")]) == 2
    assert "file not found" in _one_error_line(capsys)
