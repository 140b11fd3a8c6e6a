"""Tests of what keeps renders fast: a warm render touches nothing, an edit rebuilds its page.

Throwaway notebooks of :mod:`tests.test_render` in a scratch project (kernels and Sphinx run
for real, so the end-to-end test is one and checks several things).
"""

from __future__ import annotations

import json
import re
from importlib.metadata import distributions
from pathlib import Path

from nbformat.v4 import new_code_cell, new_markdown_cell

from tests import test_render
from tests.test_render import _no_kernel, write_nb
from tiptrends import paths
from tiptrends.report import book, render

#: Two notebooks in a scratch project, package hash pinned (the render tests' own fixture).
collection = test_render.collection


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def _forbidden(what: str):
    def fail(*args, **kwargs):
        raise AssertionError(f"{what} although nothing changed")

    return fail


def test_warm_render_touches_nothing_and_an_edit_rebuilds_its_page(collection, monkeypatch):
    """Cold (the explorer's data built beside the workers), warm (nothing written: the site's
    figures drawn while staging included), one chapter edited (only its page rebuilt)."""
    nb_dir, build = collection
    events: list[str] = []
    real_start, real_execute, real_build = (
        render.start_sphinx,
        render.execute_plans,
        book.build_book,
    )

    def start(*args, **kwargs):
        events.append("sphinx started")
        return real_start(*args, **kwargs)

    spans: dict[str, list[tuple[float, float]]] = {"workers": [], "builder": []}

    def execute(*args, **kwargs):
        started = time.perf_counter()
        out = real_execute(*args, **kwargs)
        spans["workers"].append((started, time.perf_counter()))
        events.append("notebooks executed")
        return out

    def build_book(*args, **kwargs):
        events.append("book with early sphinx" if kwargs.get("sphinx") else "book")
        return real_build(*args, **kwargs)

    import threading
    import time

    from tiptrends.report import explorer, style

    # (thread, started by a kernel's start of execution) when the book's preparation starts;
    # render._RUNNING cannot tell: the explorer's kernel, run beside, sets it too
    prepared: list[tuple[str, bool]] = []
    real_prepare = render._prepare_book

    def prepare(build_dir):
        import inspect

        on_start = any(frame.function == "on_notebook_start" for frame in inspect.stack())
        prepared.append((threading.current_thread().name, on_start))
        return real_prepare(build_dir)

    # the landing page draws its chart while the book is staged, once per set of results,
    # into _build/figures: the warm render below keeps it and finds the book current
    from tiptrends.report import site_pages

    (name,) = book.SITE_FIGURES
    real_landing = site_pages.landing_markdown
    drawn: list[str] = []

    def landing_markdown(*args, **kwargs):
        if not drawn:  # drawn once, then served from its cache (as the landing chart)
            folder = build / "figures"
            (folder / f"{name}.png").write_bytes(b"\x89PNG chart")
            (folder / f"{name}.csv").write_text("year,share\n2022,42\n")
            style._record_alt(folder, name, "Line chart of the shares by form.")
            drawn.append(name)
        return real_landing(*args, **kwargs)

    # a stale explorer's data are built beside the workers, not after them
    builder = nb_dir / explorer.BUILDER_NOTEBOOK
    builder.parent.mkdir(parents=True)
    parameters = new_code_cell("output = None", metadata={"tags": ["parameters"]})
    writes = new_code_cell(
        "import pathlib\nout = pathlib.Path(output)\n"
        "out.parent.mkdir(parents=True, exist_ok=True)\nout.write_text('{}')"
    )
    write_nb(builder, [new_markdown_cell("# Explorer data"), parameters, writes])
    # 02_b builds a curated table on first use, which would change the data, and so the
    # explorer's key, during the execution (the book build would rebuild it): built already
    first_use = paths.curated_dir() / "built_on_first_use.parquet"
    first_use.parent.mkdir(parents=True, exist_ok=True)
    first_use.write_bytes(b"table")
    threads: list[bool] = []
    real_write = explorer.write_explorer

    def write(*args, **kwargs):
        def builds(*a, **k):  # only when the builder really runs
            threads.append(threading.current_thread() is threading.main_thread())
            started = time.perf_counter()
            try:
                return kwargs["execute"](*a, **k)
            finally:
                spans["builder"].append((started, time.perf_counter()))

        return real_write(*args, **{**kwargs, "execute": builds})

    monkeypatch.setattr(render, "start_sphinx", start, raising=False)
    monkeypatch.setattr(render, "execute_plans", execute)
    monkeypatch.setattr(book, "build_book", build_book)
    monkeypatch.setattr(render, "_prepare_book", prepare)
    monkeypatch.setattr(site_pages, "landing_markdown", landing_markdown)
    monkeypatch.setattr(explorer, "write_explorer", write)
    # one worker (the pool of two: tests/test_profile_commands.py)
    cold = render.render(notebooks_dir=nb_dir, build_dir=build, jobs=1)
    assert cold.exit_code == 0, [str(o.failure) for o in cold.outcomes] + cold.problems
    # Sphinx's imports overlap the execution, and the book build uses that process
    assert events == ["sphinx started", "notebooks executed", "book with early sphinx"], events
    # two notebooks, one worker: they run from this process, one after another, and the
    # book's preparation starts once the first one's kernel is ready
    assert prepared == [("MainThread", True)], prepared
    assert drawn and (build / "book" / "_extra" / "figures" / f"{name}.png").exists()
    kept = {f.name: _stat(f) for f in (build / "figures").iterdir() if f.is_file()}
    # the explorer's data: built once, in a thread, while the workers ran; the book build
    # found them current
    assert threads == [False], threads
    (built_from, built_to), (ran_from, ran_to) = spans["builder"][0], spans["workers"][0]
    assert built_from < ran_to and ran_from < built_to, spans
    assert json.loads((build / explorer.EXPLORER_JSON).read_text()) == {}

    site = build / "html"
    watched = [
        build / "results.json",
        build / "figures" / "alt_text.json",
        site / "index.html",
        site / "01_a.html",
        site / "02_b.html",
    ]
    before = {f: _stat(f) for f in watched}
    staged_before = {f: _stat(f) for f in (build / "book").rglob("*") if f.is_file()}

    # warm: no kernel, no staging, no Sphinx process; no file of the build is written again
    with monkeypatch.context() as m:
        m.setattr(render, "ensure_kernel", _no_kernel)
        m.setattr(book, "stage_book", _forbidden("the book was staged"))
        m.setattr(render, "start_sphinx", _forbidden("Sphinx was started"), raising=False)
        m.setattr(book, "start_sphinx", _forbidden("Sphinx was started"))
        warm = render.render(notebooks_dir=nb_dir, build_dir=build)
    assert warm.exit_code == 0, warm.problems
    assert set(warm.status().values()) == {"cached"}
    assert threads == [False], "the explorer's data were built again"
    assert warm.book_seconds is None
    assert {f: _stat(f) for f in watched} == before, "a warm render rewrote a file"
    assert {f: _stat(f) for f in (build / "book").rglob("*") if f.is_file()} == staged_before
    assert {f.name: _stat(f) for f in (build / "figures").iterdir() if f.is_file()} == kept
    alt = json.loads((build / "figures" / "alt_text.json").read_text())
    assert alt[name] == "Line chart of the shares by form."

    # one chapter's prose edited: it runs again and its page is rebuilt, the other is not
    cells = [new_markdown_cell("# Second notebook"), new_markdown_cell("Edited prose, 4711.")]
    alone = f"import os\nprint(os.environ.get({render.ALONE_ENV!r}))"  # what save_figure reads
    write_nb(nb_dir / "02_b.ipynb", cells + [new_code_cell(alone)])
    staged: list[str] = []
    real_notebook = book.chapter_notebook

    def chapter_notebook(state, *args, **kwargs):
        staged.append(state.stem)
        return real_notebook(state, *args, **kwargs)

    monkeypatch.setattr(book, "chapter_notebook", chapter_notebook)
    edited = render.render(notebooks_dir=nb_dir, build_dir=build, jobs=2)
    assert staged == ["02_b"], f"staged again: {staged}"
    assert edited.exit_code == 0, edited.problems
    assert edited.status() == {"01_a.ipynb": "cached", "02_b.ipynb": "ok"}
    assert edited.book_seconds is not None
    assert "Edited prose, 4711." in (site / "02_b.html").read_text(encoding="utf-8")
    assert _stat(site / "01_a.html")[1] == before[site / "01_a.html"][1], "01_a.html rewritten"
    # one notebook, run in this process: the book's preparation starts once its kernel is
    # ready (not while this process starts it), and the kernel knows it runs alone (its
    # figures' SVGs are drawn beside the PNGs)
    assert prepared[1:] == [("MainThread", True)], prepared
    executed = json.loads((build / "executed" / "02_b.ipynb").read_text())
    assert "".join(executed["cells"][-1]["outputs"][0]["text"]).strip() == "1"


def test_distributions_read_from_folder_names_equal_the_metadata() -> None:
    """The dist-info folder names give every installed distribution's name and version."""

    def normalised(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    from_metadata = sorted(
        {f"{normalised(d.metadata['Name'] or '')}=={d.version}" for d in distributions()}
    )
    with render._one_read_per_file():  # a fresh listing, not one kept by an earlier plan
        assert render._distributions() == from_metadata


def test_json_written_only_when_it_changes(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    assert render.write_json_if_changed(target, {"b": 1, "a": [1.5, "x"]})
    first = _stat(target)
    assert not render.write_json_if_changed(target, {"a": [1.5, "x"], "b": 1})
    assert _stat(target) == first
    assert json.loads(target.read_text()) == {"a": [1.5, "x"], "b": 1}
    assert render.write_json_if_changed(target, {"a": 2})
    assert json.loads(target.read_text()) == {"a": 2}


def test_site_figures_name_the_landing_chart() -> None:
    from tiptrends.report import landing

    assert book.SITE_FIGURES == {landing.CHART_NAME}
