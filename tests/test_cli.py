"""The command line: help on every subcommand, one-line errors, non-zero exits, no partial files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RAW_MIRROR, raw_file
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
