"""The real collection: a render right after the full render executes nothing, builds no page.

``tests/test_render_speed.py`` checks this on two throwaway notebooks; here it is the book
itself, right after the session render (chapters, test profiles, the explorer's data, the
API reference, the downloads): the second render must find every notebook, the explorer's
JSON and the staged book current, start no kernel and no Sphinx, and leave every page of
the site and every staged file as they were.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tiptrends import paths
from tiptrends.report import book, explorer, render


def _forbidden(what: str):
    def fail(*args, **kwargs):
        raise AssertionError(f"{what} by the render right after a full render")

    return fail


def _files(folder: Path) -> dict[Path, tuple[int, int]]:
    """(size, mtime in ns) of every file under ``folder``."""
    return {
        f: (f.stat().st_size, f.stat().st_mtime_ns) for f in folder.rglob("*") if f.is_file()
    }


@pytest.mark.notebooks
def test_render_after_the_full_render_executes_nothing_and_builds_no_page(
    site_render, monkeypatch
) -> None:
    assert site_render.exit_code == 0, site_render.problems
    build = paths.build_dir()
    site, staged = _files(build / "html"), _files(build / "book")
    assert any(p.name == "index.html" for p in site) and staged
    monkeypatch.setattr(render, "execute_plans", _forbidden("a notebook was executed"))
    monkeypatch.setattr(render, "execute_notebook", _forbidden("the explorer's data were built"))
    monkeypatch.setattr(explorer, "write_bytes_atomic", _forbidden("the explorer was written"))
    monkeypatch.setattr(book, "stage_book", _forbidden("the book was staged"))
    monkeypatch.setattr(book, "build_book", _forbidden("the book was built"))
    monkeypatch.setattr(book, "start_sphinx", _forbidden("Sphinx was started"))
    lines: list[str] = []
    again = render.render(jobs=2, echo=lines.append)
    assert again.exit_code == 0, again.problems
    assert set(again.status().values()) == {render.CACHED}, lines
    assert again.book_seconds is None
    assert _files(build / "html") == site, "a page of the site was written again"
    assert _files(build / "book") == staged, "a staged file was written again"
