"""Curated tables: built on first use, atomically, rebuilt only when inputs change; loaders validate."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import RAW_MIRROR, raw_file
from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io import curate, data


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


def test_rebuild_only_when_reader_version_changes(mirrored: Path, monkeypatch) -> None:
    curate.build("glotip_2023")
    assert curate.build("glotip_2023")[1] == "up to date"
    stamp = json.loads(curate.stamp_path("glotip_2023").read_text())
    stamp["reader_version"] = "0-old"
    curate.stamp_path("glotip_2023").write_text(json.dumps(stamp))
    assert not curate.is_current("glotip_2023")
    assert curate.build("glotip_2023")[1] == "built"


def test_failed_write_leaves_no_partial_file(mirrored: Path, monkeypatch) -> None:
    def broken(self, path, **kwargs):
        Path(path).write_bytes(b"half a parquet file")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError):
        curate.build("glotip_2023")
    assert list(paths.curated_dir().glob("*")) == []


def test_loader_rejects_a_curated_table_that_fails_its_schema(mirrored: Path) -> None:
    curate.build("glotip_2023")
    table = pd.read_parquet(curate.curated_path("glotip_2023"))
    table.loc[0, "sex"] = "Females"
    table.to_parquet(curate.curated_path("glotip_2023"), index=False)
    with pytest.raises(DataError, match=r"glotip_2023\.parquet: fails its schema"):
        data.load_glotip("2023", validate="full")


def test_unknown_release() -> None:
    with pytest.raises(ValueError, match="unknown GLOTIP release"):
        data.load_glotip("2019")
