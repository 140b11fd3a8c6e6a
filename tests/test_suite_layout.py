"""The suite's layout on two workers: every test that reads the session render is in its group.

With ``pytest -n 2 --dist loadgroup`` the worker that renders runs the tests of the render's
group; a test reading the render from outside it would leave the other worker waiting, idle,
on the render's lock (minutes on a cold build).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests import conftest


class _Item(SimpleNamespace):
    """A collected test as the grouping hook sees it: its fixtures and its marks."""

    def iter_markers(self, name: str):
        return (m for m in self.marks if m.name == name)

    def add_marker(self, marker) -> None:
        self.marks.append(marker.mark)


def _groups(item: _Item) -> list[str]:
    return [m.args[0] for m in item.iter_markers("xdist_group")]


def test_tests_reading_the_render_join_its_group_and_others_stay_free() -> None:
    reads = _Item(fixturenames=["tmp_path", "site_render"], marks=[])
    grouped = _Item(fixturenames=["site_render"], marks=[pytest.mark.xdist_group("other").mark])
    free = _Item(fixturenames=["tmp_path"], marks=[])
    conftest.pytest_collection_modifyitems(None, [reads, grouped, free])
    assert _groups(reads) == [conftest.RENDER_GROUP]
    assert _groups(grouped) == ["other"]  # an explicit group is kept
    assert _groups(free) == []


def test_grouped_tests_name_their_group_in_their_reports() -> None:
    """``benchmarks/suite.py`` reads each test's group from its reports' user properties."""
    reads = _Item(fixturenames=["site_render"], marks=[], user_properties=[])
    long = _Item(fixturenames=[], marks=[pytest.mark.xdist_group("long").mark], user_properties=[])
    free = _Item(fixturenames=["tmp_path"], marks=[], user_properties=[])
    conftest.pytest_collection_modifyitems(None, [reads, long, free])
    conftest.pytest_collection_modifyitems(None, [reads, long, free])  # not twice
    assert reads.user_properties == [("xdist_group", conftest.RENDER_GROUP)]
    assert long.user_properties == [("xdist_group", "long")]
    assert free.user_properties == []


def test_this_collections_grouped_tests_carry_their_group(request) -> None:
    for item in request.session.items:
        marks = {m.args[0] for m in item.iter_markers("xdist_group")}
        named = {value for key, value in item.user_properties if key == "xdist_group"}
        assert named == ({"_".join(sorted(marks))} if marks else set()), item.nodeid


def test_every_collected_test_reading_the_render_is_in_a_group(request) -> None:
    """Over this run's collection (the whole suite under ``make test``)."""
    outside = [
        item.nodeid
        for item in request.session.items
        if "site_render" in getattr(item, "fixturenames", ())
        and not any(item.iter_markers("xdist_group"))
    ]
    assert not outside, outside


def test_the_long_group_starts_beside_the_render(request) -> None:
    """The long tests are the second largest group (handed to the worker that does not render
    first) and smaller than the render's (which the other worker takes first)."""
    sizes: dict[str, int] = {}
    for item in request.session.items:
        for mark in item.iter_markers("xdist_group"):
            sizes[mark.args[0]] = sizes.get(mark.args[0], 0) + 1
    if conftest.RENDER_GROUP not in sizes or conftest.LONG_GROUP not in sizes:
        pytest.skip("this run collects only part of the suite")
    assert 1 < sizes[conftest.LONG_GROUP] < sizes[conftest.RENDER_GROUP], sizes
    others = [n for g, n in sizes.items() if g not in (conftest.RENDER_GROUP, conftest.LONG_GROUP)]
    assert all(n < sizes[conftest.LONG_GROUP] for n in others), sizes


def test_the_scheduler_reads_each_tests_group_from_the_workers_files() -> None:
    """pytest 9.2 keeps pytest-xdist 3.8 from appending ``@group`` to node ids: the groups come
    from the workers' files; a suffix, where pytest-xdist can add one, still counts."""
    scheduling = conftest._group_scheduling()
    scheduler = object.__new__(scheduling)  # no controller here: only the grouping is tested
    scheduler.groups = {"tests/test_a.py::test_x": "render"}
    assert scheduler._split_scope("tests/test_a.py::test_x") == "render"
    assert scheduler._split_scope("tests/test_a.py::test_y") == "tests/test_a.py::test_y"
    assert scheduler._split_scope("tests/test_a.py::test_z@long") == "long"
