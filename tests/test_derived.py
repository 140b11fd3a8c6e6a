"""The store of derived data products (tiptrends.io.derived)."""

from __future__ import annotations

import dataclasses
import json
import os

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


def test_a_prose_edit_keeps_the_grid_current_and_a_code_edit_rebuilds_it(store, monkeypatch):
    """The stamp covers what a module executes, not its docstrings, comments or layout."""
    from tiptrends.methods import multiverse

    module = "tiptrends.methods.figures.victims"
    assert module in derived.code_modules(multiverse.PRODUCT_CODE)  # the grid reads it
    copy = store.parent / "victims.py"
    source = derived._module_file(module).read_text(encoding="utf-8")
    copy.write_text(source, encoding="utf-8")
    real = derived._module_file
    monkeypatch.setattr(derived, "_module_file", lambda m: copy if m == module else real(m))
    kw = {"inputs": [store], "code": list(multiverse.PRODUCT_CODE)}
    calls = []

    def builder():
        calls.append(1)
        return _pair()

    derived.load_or_build("grid", builder, **kw)
    prose = source.replace('"""Figures of detected victims', '"""Figures of the detected victims')
    prose = prose.replace("\n\n\n", "\n\n\n# a comment, and a blank line\n\n", 1)
    prose = prose.replace("(the precision the collection", "(the precision  the\n    collection")
    assert prose.count("\n") > source.count("\n")
    copy.write_text(prose, encoding="utf-8")
    assert derived.status("grid", **kw) == ("current", [])
    derived.load_or_build("grid", builder, **kw)
    assert calls == [1]
    behaviour = prose.replace('"value", panel=o.panel), 1)', '"value", panel=o.panel), 2)')
    assert behaviour != prose  # changes computed (the rounding of a change)
    copy.write_text(behaviour, encoding="utf-8")
    assert derived.status("grid", **kw) == ("stale", ["code"])
    derived.load_or_build("grid", builder, **kw)
    assert calls == [1, 1]


def test_code_text_drops_only_lone_strings():
    base = "X = 1\n\n\ndef f(a):\n    if a:\n        return 'yes'\n    return X\n"
    documented = (
        '"""Module."""\nX = 1\n"""What X is."""\n\n\ndef f(a):\n    """Doc."""\n'
        "    if a:\n        'a lone string'\n        return 'yes'  # comment\n    return X\n"
    )
    assert derived.code_text(documented) == derived.code_text(base)
    for changed in (base.replace("'yes'", "'no'"), base.replace("X = 1", "X = 2")):
        assert derived.code_text(changed) != derived.code_text(base)


def test_module_reading_is_kept_on_disk_and_keyed_by_content(store, monkeypatch):
    """A new process reads the modules' imports and code digests from the cache file; an edit
    is seen even when the file keeps its size and modification time."""
    module = "tiptrends.methods.figures.victims"
    copy = store.parent / "victims.py"
    source = derived._module_file(module).read_text(encoding="utf-8")
    copy.write_text(source, encoding="utf-8")
    real = derived._module_file
    monkeypatch.setattr(derived, "_module_file", lambda m: copy if m == module else real(m))
    cache = store.parent / "code-cache.json"
    monkeypatch.setattr(derived, "code_cache_path", lambda: cache)
    monkeypatch.setattr(derived, "_code_cache", None)  # as in a new process
    first = derived.code_digest([module])
    assert cache.is_file()

    def no_parsing(*args):
        raise AssertionError("a cached module was parsed again")

    monkeypatch.setattr(derived, "_code_cache", None)
    with monkeypatch.context() as m:
        m.setattr(derived, "_read_module", no_parsing)
        assert derived.code_digest([module]) == first

    stat = copy.stat()
    edited = source.replace("), 1)", "), 2)", 1)
    assert edited != source and len(edited) == len(source)
    copy.write_text(edited, encoding="utf-8")
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time
    monkeypatch.setattr(derived, "_code_cache", None)
    assert derived.code_digest([module]) != first
