"""An incremental book build of a page or two runs in one Sphinx process; a set cap
(``TIPTRENDS_SPHINX_JOBS``) limits the processes of any build."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tiptrends.report import book


def _touch(path: Path, ns: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text("x")
    os.utime(path, ns=(ns, ns))


def _staged(tmp_path: Path) -> tuple[Path, Path, int]:
    src, doctrees = tmp_path / "book", tmp_path / ".sphinx" / "doctrees"
    then = time.time_ns()  # after the package's modules were written
    for name in ("index.md", "01_a.ipynb", "02_b.ipynb", "03_c.ipynb", "_extra/data.csv"):
        _touch(src / name, then)
    _touch(doctrees / "environment.pickle", then + 10**9)
    return src, doctrees, then + 2 * 10**9


def test_pages_staged_since_the_last_build_are_counted(tmp_path) -> None:
    src, doctrees, later = _staged(tmp_path)
    assert book.few_pages_changed(src, doctrees)  # nothing changed
    _touch(src / "02_b.ipynb", later)
    _touch(src / "_extra" / "data.csv", later)  # a download, not a page
    assert book.few_pages_changed(src, doctrees)
    _touch(src / "01_a.ipynb", later)
    _touch(src / "03_c.ipynb", later)
    assert not book.few_pages_changed(src, doctrees)  # three pages
    (doctrees / "environment.pickle").unlink()
    assert not book.few_pages_changed(src, doctrees)  # no build to update


class _Sphinx:
    """Stands in for the Sphinx process: records the arguments, writes a page."""

    def __init__(self) -> None:
        self.argv: list[str] = []

    def run(self, argv, timeout) -> int:
        self.argv = list(argv)
        out = Path(argv[-1])
        out.mkdir(parents=True, exist_ok=True)
        (out / "index.html").write_text("<html></html>")
        return 0


def test_one_changed_page_is_built_by_one_process(tmp_path) -> None:
    build = tmp_path / "_build"
    src, doctrees, later = _staged(build)
    _touch(src / "02_b.ipynb", later)
    one = _Sphinx()
    assert book.build_book(src, build, jobs=2, sphinx=one).ok
    assert one.argv[one.argv.index("-j") + 1] == "1"
    # every page written again (the navigation changed): the processes asked for
    _touch(src / "03_c.ipynb", later + 10**9)
    every = _Sphinx()
    assert book.build_book(src, build, jobs=2, write_all=True, sphinx=every).ok
    assert every.argv[every.argv.index("-j") + 1] == "2"


def test_the_cap_limits_the_processes_of_every_build(tmp_path, monkeypatch) -> None:
    build = tmp_path / "_build"
    src, doctrees, later = _staged(build)
    _touch(src / "03_c.ipynb", later)
    for cap, expected in (("1", "1"), ("3", "2"), ("0", "2"), ("two", "2")):
        monkeypatch.setenv(book.SPHINX_JOBS_ENV, cap)
        _touch(src / "02_b.ipynb", later := later + 10**9)  # changed: built again
        capped = _Sphinx()
        assert book.build_book(src, build, jobs=2, write_all=True, sphinx=capped).ok
        assert capped.argv[capped.argv.index("-j") + 1] == expected, cap
