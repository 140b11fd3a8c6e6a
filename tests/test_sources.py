"""Manifest, fetching and checksum verification."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.conftest import RAW_MIRROR, missing_input, raw_file
from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io import sources

SHARED_README = RAW_MIRROR.parent / "README.md"


def test_manifest_lists_every_mirror_file_with_citation() -> None:
    manifest = sources.load_manifest()
    assert len(manifest) == 7
    for source in manifest.values():
        assert source.citation and source.licence and source.publisher
        assert source.url.startswith("https://") and source.homepage.startswith("https://")
        assert len(source.sha256) == 64
    if RAW_MIRROR.exists():
        on_disk = {str(p.relative_to(RAW_MIRROR)) for p in RAW_MIRROR.rglob("*") if p.is_file()}
        assert on_disk == {s.file for s in manifest.values()}


def test_manifest_checksums_agree_with_mirror_readme() -> None:
    if not SHARED_README.exists():
        missing_input(f"mirror README not available at {SHARED_README}")
    text = SHARED_README.read_text()
    for source in sources.load_manifest().values():
        assert source.sha256 in text, source.id


def test_fetch_copies_from_mirror_and_then_uses_cache(scratch_root: Path, monkeypatch) -> None:
    raw_file("ctdc/CTDC_VPsynthetic_condensed.csv")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(RAW_MIRROR))
    path, origin = sources.fetch("ctdc_vp", allow_download=False)
    assert origin == "mirror" and path.exists()
    assert path.is_relative_to(scratch_root)
    assert sources.sha256_of(path) == sources.get_source("ctdc_vp").sha256
    monkeypatch.delenv("TIPTRENDS_DATA_MIRROR")
    again, origin = sources.fetch("ctdc_vp", allow_download=False)
    assert again == path and origin == "mirror"  # origin remembered from the first fetch
    assert sources.verify("ctdc_vp") == "verified"


def test_missing_file_without_mirror_or_network(scratch_root: Path) -> None:
    with pytest.raises(DataError, match=r"CTDC_VPsynthetic_condensed\.csv: raw file missing"):
        sources.fetch("ctdc_vp", allow_download=False)


def test_download_failure_is_one_line_error(scratch_root: Path) -> None:
    manifest = scratch_root / "data" / "sources.toml"
    text = manifest.read_text().replace(
        'https://www.ctdatacollaborative.org/"\nurl_note',
        'http://127.0.0.1:9/CTDC_VPsynthetic_condensed.csv"\nurl_note',
    )
    manifest.write_text(text)
    with pytest.raises(DataError) as err:
        sources.fetch("ctdc_vp")
    assert "download from http://127.0.0.1:9" in str(err.value)
    assert "\n" not in str(err.value)


def test_checksum_mismatch_names_both_hashes(scratch_root: Path, monkeypatch) -> None:
    real = raw_file("ctdc/CTDC_VPsynthetic_condensed.csv")
    mirror = scratch_root.parent / "mirror"
    (mirror / "ctdc").mkdir(parents=True)
    tampered = mirror / "ctdc" / "CTDC_VPsynthetic_condensed.csv"
    tampered.write_bytes(real.read_bytes() + b"\n")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(mirror))
    expected = sources.get_source("ctdc_vp").sha256
    with pytest.raises(DataError, match="checksum mismatch") as err:
        sources.fetch("ctdc_vp", allow_download=False)
    assert expected in str(err.value) and sources.sha256_of(tampered) in str(err.value)
    assert not (paths.raw_dir() / "ctdc" / "CTDC_VPsynthetic_condensed.csv").exists()


def test_tampered_cache_is_refused(scratch_root: Path) -> None:
    cached = paths.raw_dir() / "ctdc" / "CTDC_VPsynthetic_condensed.csv"
    cached.parent.mkdir(parents=True)
    cached.write_text("a newer release\n")
    with pytest.raises(DataError, match="checksum mismatch"):
        sources.fetch("ctdc_vp", allow_download=False)
    assert sources.verify("ctdc_vp") == "MISMATCH"


def test_manifest_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        sources.load_manifest(tmp_path / "none.toml")
    bad = tmp_path / "sources.toml"
    bad.write_text("[sources.x]\ntitle = 'x'\n")
    with pytest.raises(DataError, match="lacks"):
        sources.load_manifest(bad)
    bad.write_text("not toml = = =")
    with pytest.raises(DataError, match="not valid TOML"):
        sources.load_manifest(bad)


def test_manifest_is_plain_toml() -> None:
    with open(paths.manifest_path(), "rb") as fh:
        doc = tomllib.load(fh)
    assert set(doc) == {"sources"}
    assert all(entry["file"].count("/") == 1 for entry in doc["sources"].values())


def test_a_killed_copy_leaves_nothing_behind(scratch_root: Path, monkeypatch) -> None:
    raw_file("ctdc/CTDC_VPsynthetic_condensed.csv")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(RAW_MIRROR))
    folder = paths.raw_dir() / "ctdc"
    folder.mkdir(parents=True)
    older = folder / ".part-x7k2q9"  # left by a copy killed before temporaries had pids
    older.write_bytes(b"half a file")
    sources.fetch("ctdc_vp", allow_download=False)
    assert sorted(p.name for p in folder.iterdir()) == ["CTDC_VPsynthetic_condensed.csv"]
