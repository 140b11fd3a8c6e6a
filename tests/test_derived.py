"""The store of derived data products (tiptrends.io.derived)."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from tiptrends.errors import DataError
from tiptrends.io import derived


@dataclasses.dataclass(frozen=True)
class Pair:
    first: pd.DataFrame
    second: pd.DataFrame


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(derived, "derived_dir", lambda: tmp_path / "derived")
    source = tmp_path / "input.csv"
    source.write_text("a\n1\n")
    return source


def _pair() -> Pair:
    first = pd.DataFrame({"iso3": ["AAA", "BBB"], "value": [1.5, float("nan")]}, index=[3, 7])
    return Pair(first, pd.DataFrame({"year": [2022], "flag": [True]}))


def test_built_once_then_read(store):
    calls = []

    def builder():
        calls.append(1)
        return _pair()

    kw = {"inputs": [store], "code": ["tiptrends.io.derived"]}
    a = derived.load_or_build("pair", builder, **kw)
    b = derived.load_or_build("pair", builder, **kw)
    assert len(calls) == 1 and isinstance(b, Pair)
    pd.testing.assert_frame_equal(a.first, b.first, check_exact=True)  # index kept too
    assert derived.status("pair", **kw) == ("current", [])


def test_stale_when_an_input_changes_and_damaged_when_a_file_does(store):
    kw = {"inputs": [store], "code": ["tiptrends.io.derived"]}
    derived.load_or_build("pair", _pair, **kw)
    store.write_text("a\n2\n")
    state, changed = derived.status("pair", **kw)
    assert state == "stale" and changed == [derived._input_key(store)]
    derived.load_or_build("pair", _pair, **kw)  # rebuilt
    derived.table_path("pair", "first").write_bytes(b"not parquet")
    assert derived.status("pair", **kw)[0] == "DAMAGED"
    assert derived.load_or_build("pair", _pair, **kw).first.shape == (2, 2)
    assert derived.status("pair", **kw)[0] == "current"


def test_stale_when_code_changes(store, monkeypatch):
    kw = {"inputs": [store], "code": ["tiptrends.io.derived"]}
    derived.load_or_build("pair", _pair, **kw)
    stamp = json.loads(derived.stamp_path("pair").read_text())
    assert "tiptrends.io.atomic" in stamp["modules"]  # imported modules are part of the code
    monkeypatch.setattr(derived, "STAMP_VERSION", derived.STAMP_VERSION + 1)
    assert derived.status("pair", **kw) == ("stale", ["code"])


def test_a_table_parquet_cannot_hold_exactly_is_refused(store):
    odd = pd.DataFrame({"x": [1, 2]})
    odd.attrs["unstorable"] = {1, 2}  # a set does not survive the round trip
    with pytest.raises((DataError, TypeError, ValueError)):
        derived.build("odd", lambda: odd, inputs=[store])
    assert derived.read_stamp("odd") is None  # no stamp: never read as current
