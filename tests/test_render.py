"""Tests of the renderer: execution, cache, failures, the book (throwaway notebooks in tmp_path).

Each kernel takes ~1-2 s and each book build ~5-10 s, so the end-to-end tests are few and
check many things each; the cache key is tested through :func:`render.plan_render`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tiptrends import paths
from tiptrends.report import book, nbclean, render


def write_nb(path: Path, cells: list) -> Path:
    nbformat.write(new_notebook(cells=cells), path)
    return path


def good_a(nb_dir: Path) -> Path:
    return write_nb(
        nb_dir / "01_a.ipynb",
        [
            new_markdown_cell(
                "# Counting things\n\nA *first* notebook that [counts](02_b.html).\n\nMore."
            ),
            new_code_cell(
                "import os\nimport matplotlib\n"
                f"assert os.getcwd() == {str(nb_dir)!r}, os.getcwd()\n"
                "assert matplotlib.get_backend().lower() == 'agg'"
            ),
            new_code_cell(
                "import matplotlib.pyplot as plt\n"
                "from tiptrends.report.results import record\n"
                "from tiptrends.report.style import save_figure, source_note, use_house_style\n"
                "use_house_style()\n"
                "record('a_total', 3, published=3, unit='victims')\n"
                "fig, ax = plt.subplots()\nax.plot([1, 2], [3, 4])\nsource_note(ax, 'UNODC')\n"
                "save_figure(fig, 'a_line', 'A line rising from 3 to 4')"
            ),
            new_markdown_cell("## Findings\n\nThe line rises."),
        ],
    )


def good_b(nb_dir: Path, value: float = 25.0) -> Path:
    return write_nb(
        nb_dir / "02_b.ipynb",
        [
            new_markdown_cell("# Second notebook"),
            new_markdown_cell("Shares of things."),
            new_code_cell(
                f"from tiptrends.report.results import record\nrecord('b_share_pct', {value})"
            ),
            new_code_cell(  # like a cached curated build on first use
                "from tiptrends import paths\n"
                "target = paths.curated_dir() / 'built_on_first_use.parquet'\n"
                "if not target.exists():\n"
                "    target.parent.mkdir(parents=True, exist_ok=True)\n"
                "    target.write_bytes(b'table')"
            ),
            new_code_cell(
                "import matplotlib.pyplot as plt\n"
                "from tiptrends.report.style import save_figure, source_note\n"
                "fig, ax = plt.subplots()\nax.bar(['x'], [1])\nsource_note(ax, 'UNODC')\n"
                "save_figure(fig, 'b_bar', 'One bar')"
            ),
        ],
    )


def quick_a(nb_dir: Path) -> Path:
    """``01_a`` for tests that only need a first chapter that runs: good_a's title and its
    number, no figure (a kernel without the ~0.7 s of imports of the house style)."""
    return write_nb(
        nb_dir / "01_a.ipynb",
        [
            new_markdown_cell("# Counting things\n\nA *first* notebook."),
            new_code_cell("from tiptrends.report.results import record\nrecord('a_total', 3)"),
        ],
    )


def broken_b(nb_dir: Path) -> Path:
    return write_nb(
        nb_dir / "02_b.ipynb",
        [
            new_markdown_cell("# Second notebook"),
            new_code_cell("from tiptrends.report.results import record\nrecord('b_partial', 1)"),
            new_code_cell("raise ValueError('boom')\nx = 1"),
            new_code_cell("record('b_share_pct', 25.0)"),
        ],
    )


@pytest.fixture
def collection(scratch_root: Path, tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """Two notebooks in a scratch project; package hash pinned (colleagues edit src/)."""
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    good_a(nb_dir)
    good_b(nb_dir)
    monkeypatch.setattr(render, "package_fingerprint", lambda: "pinned")
    return nb_dir, tmp_path / "_build"


def _no_kernel(*args, **kwargs):
    raise AssertionError("a kernel was requested although everything is cached")


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def test_render_cold_warm_changed_and_failing(collection, monkeypatch, capsys) -> None:
    """One collection through a render's life: cold, warm, a notebook edited, the data changed,
    then a notebook that fails (loudly, leaving none of its old outputs)."""
    nb_dir, build = collection
    # one worker: the pool of two is exercised by tests/test_profile_commands.py
    report = render.render(notebooks_dir=nb_dir, build_dir=build, jobs=1)
    assert report.exit_code == 0, [str(o.failure) for o in report.outcomes] + report.problems
    assert report.status() == {"01_a.ipynb": "ok", "02_b.ipynb": "ok"}
    assert not [p for p in report.problems if p.startswith("sphinx")], report.problems

    results = json.loads((build / "results.json").read_text())
    assert results["a_total"]["value"] == 3 and results["a_total"]["notebook"] == "01_a.ipynb"
    assert results["b_share_pct"] == {
        "value": 25.0,
        "notebook": "02_b.ipynb",
        "published": None,
        "source": None,
        "unit": None,
        "note": None,
        "basis": None,
        "year": None,
    }
    assert (build / "executed" / "01_a.ipynb").exists()
    for suffix in ("png", "svg"):
        assert (build / "figures" / f"a_line.{suffix}").exists()
    assert json.loads((build / "figures" / "alt_text.json").read_text()) == {
        "a_line": "A line rising from 3 to 4",
        "b_bar": "One bar",
    }
    page = _text(build / "html" / "01_a.html")
    assert 'alt="A line rising from 3 to 4"' in page
    assert "failed in the last build" not in page
    # code hidden behind a toggle; the setup cell (the first code cell) is not on the page
    assert "a_total" in page, "code behind the toggle is on the page"
    assert re.search(r"<details[^>]*hide[^>]*above-input", page), "code cell not hidden"
    assert "matplotlib.get_backend" not in page, "setup cell shown"
    assert re.search(r'<a class="reference internal" href="02_b.html"', page), "chapter link"
    index = _text(build / "html" / "index.html")
    assert index.index("Counting things") < index.index("Second notebook"), "sorted by name"
    assert 'href="01_a.html"' in index and 'href="02_b.html"' in index
    assert "cdn" not in index.lower() and "require.js" not in index
    assert (build / "html" / "search.html").exists()

    # warm (although 02_b built a curated table): nothing executes, no kernel, no Sphinx
    with monkeypatch.context() as m:
        m.setattr(render, "ensure_kernel", _no_kernel)
        warm = render.render(notebooks_dir=nb_dir, build_dir=build)
    assert warm.exit_code == 0
    assert warm.status() == {"01_a.ipynb": "cached", "02_b.ipynb": "cached"}
    assert warm.book_seconds is None, "the book was rebuilt although nothing changed"
    assert json.loads((build / "results.json").read_text()) == results

    # change one notebook: only it runs again, and the book is rebuilt
    good_b(nb_dir, value=30.0)
    changed = render.render(notebooks_dir=nb_dir, build_dir=build)
    assert changed.status() == {"01_a.ipynb": "cached", "02_b.ipynb": "ok"}
    assert changed.outcomes[1].reason == "notebook changed"
    assert changed.book_seconds is not None
    assert json.loads((build / "results.json").read_text())["b_share_pct"]["value"] == 30.0

    # a change in the curated data re-executes everything
    (paths.curated_dir() / "glotip.parquet").write_bytes(b"new data")
    again = render.render(notebooks_dir=nb_dir, build_dir=build, jobs=1, book=False)
    assert set(again.status().values()) == {"ok"}
    assert {o.reason for o in again.outcomes} == {"data changed"}

    # a notebook that fails: one error line, its page says so, none of its outputs is left
    assert "b_share_pct" in json.loads((build / "results.json").read_text())
    assert (build / "figures" / "b_bar.png").exists()
    assert (build / "html" / "figures" / "b_bar.png").exists(), "the site offers the figure"
    broken_b(nb_dir)
    capsys.readouterr()
    code = render.render(notebooks_dir=nb_dir, build_dir=build).exit_code
    out, err = capsys.readouterr()
    assert code == 1
    assert (
        "tiptrends: error: 02_b.ipynb: cell 2 `raise ValueError('boom')`: ValueError: boom" in err
    )
    assert "[cached] 01_a.ipynb" in out and "[FAILED] 02_b.ipynb" in out

    page = _text(build / "html" / "02_b.html")
    assert "This chapter failed in the last build" in page and "ValueError: boom" in page
    assert "failed in the last build" not in _text(build / "html" / "01_a.html")
    results = json.loads((build / "results.json").read_text())
    assert set(results) == {"a_total"}, "no result of the failed notebook (old or partial)"
    assert not (build / "cache" / "02_b.json").exists()
    for suffix in ("png", "svg"):
        assert not (build / "figures" / f"b_bar.{suffix}").exists(), "old figure left behind"
    assert not (build / "html" / "figures" / "b_bar.png").exists(), "old figure still offered"
    assert "b_bar" not in json.loads((build / "figures" / "alt_text.json").read_text())
    assert (build / "figures" / "a_line.png").exists()
    index = _text(build / "html" / "index.html")
    assert "These chapters failed in the last build" in index

    # a failed notebook is not cached: it runs (and fails) again
    report = render.render(notebooks_dir=nb_dir, build_dir=build, book=False)
    assert report.status() == {"01_a.ipynb": "cached", "02_b.ipynb": "FAILED"}
    failure = report.outcomes[1].failure
    assert (failure.cell, failure.ename, failure.evalue) == (2, "ValueError", "boom")


def test_concurrent_renders_end_consistent(collection, tmp_path) -> None:
    nb_dir, build = collection
    code = (
        "import sys\nfrom tiptrends.report import render\n"
        "render.package_fingerprint = lambda: 'pinned'\n"
        f"sys.exit(render.render(notebooks_dir={str(nb_dir)!r}, build_dir={str(build)!r},"
        " jobs=1, book=False).exit_code)"  # one worker: the test is about the lock
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    combined = "".join(o for o, _ in outs)
    assert combined.count("[ok] ") == 2, "the lock serialises: the second render is all cached"
    results = json.loads((build / "results.json").read_text())
    assert set(results) == {"a_total", "b_share_pct"}
    for stem in ("01_a", "02_b"):
        assert json.loads((build / "cache" / f"{stem}.json").read_text())["status"] == "ok"
    assert not list(build.rglob("*.tmp")), "no temporary files left behind"
    assert not (build / ".work").exists()


def test_unknown_notebook_is_an_error(collection, capsys) -> None:
    nb_dir, build = collection
    assert render.render(["99_nope"], notebooks_dir=nb_dir, build_dir=build).exit_code == 2
    assert "99_nope" in capsys.readouterr().err


def test_import_is_light() -> None:
    code = (
        "import sys, tiptrends.report.render, tiptrends.report.book\n"
        "heavy = {'nbclient', 'nbconvert', 'jupyter_client', 'matplotlib', 'pandas', 'zmq',"
        " 'sphinx', 'myst_nb'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- cache key


def _pretend_rendered(nb_dir: Path, build: Path) -> None:
    """Write cache entries and executed copies as a successful render would."""
    nbs = render.collection(nb_dir)
    for plan in render.plan_render(nbs, nb_dir, build, collection=nbs):
        (build / "cache").mkdir(parents=True, exist_ok=True)
        (build / "executed").mkdir(parents=True, exist_ok=True)
        (build / "executed" / plan.notebook.name).write_text("{}")
        entry = {"status": "ok", "parts": plan.parts, "results": {}}
        (build / "cache" / f"{plan.notebook.stem}.json").write_text(json.dumps(entry))


def _to_run(nb_dir: Path, build: Path) -> dict[str, str]:
    nbs = render.collection(nb_dir)
    plans = render.plan_render(nbs, nb_dir, build, collection=nbs)
    return {p.notebook.stem: p.reason for p in plans if p.reason}


def test_cache_key_covers_every_input(scratch_root, tmp_path, monkeypatch) -> None:
    """Change each kind of input: exactly the notebooks that can read it run again."""
    pkg = tmp_path / "pkg"
    (pkg / "report" / "templates").mkdir(parents=True)
    (pkg / "m.py").write_text("A = 1\n")
    monkeypatch.setattr(paths, "PACKAGE_DIR", pkg)
    monkeypatch.setattr(render, "versions_fingerprint", lambda: "v1")
    nb_dir, build = tmp_path / "nbs", tmp_path / "_build"
    nb_dir.mkdir()
    good_a(nb_dir)
    good_b(nb_dir)
    (nb_dir / "lookup.csv").write_text("a,b\n1,2\n")
    (nb_dir / "conf.py").write_text("project = 'x'\n")
    (nb_dir / "index.md").write_text("# Book\n")
    curated = paths.curated_dir()
    curated.mkdir(parents=True)
    (curated / "t.parquet").write_bytes(b"0123456789")
    (paths.raw_dir() / "unodc").mkdir(parents=True)
    _pretend_rendered(nb_dir, build)
    assert _to_run(nb_dir, build) == {}

    both = {"01_a", "02_b"}
    changes = {
        "notebook edit": (lambda: good_b(nb_dir, value=1.0), {"02_b"}),
        "new mapping file": (lambda: (paths.mappings_dir() / "new.csv").write_text("x\n"), both),
        "new file anywhere in data/": (
            lambda: (paths.data_dir() / "notes.txt").write_text("n"),
            both,
        ),
        "published figures edited": (
            lambda: (paths.published_dir() / "figures.csv").write_text("figure_id\n"),
            both,
        ),
        "new raw file (pinned by the manifest)": (
            lambda: (paths.raw_dir() / "unodc" / "x.xlsx").write_bytes(b"x"),
            set(),
        ),
        "other file in notebooks/": (
            lambda: (nb_dir / "lookup.csv").write_text("a,b\n1,3\n"),
            both,
        ),
        "new helper in notebooks/": (lambda: (nb_dir / "helpers.py").write_text("X = 1\n"), both),
        "book page": (lambda: (nb_dir / "index.md").write_text("# Book, edited\n"), set()),
        "book configuration": (lambda: (nb_dir / "conf.py").write_text("project = 'y'\n"), set()),
        "package source": (lambda: (pkg / "m.py").write_text("A = 2\n"), both),
        "package template": (
            lambda: (pkg / "report" / "templates" / "new.css").write_text("p{}"),
            both,
        ),
        "installed packages": (
            lambda: monkeypatch.setattr(render, "versions_fingerprint", lambda: "v2"),
            both,
        ),
        "python cache files": (
            lambda: (
                (pkg / "__pycache__").mkdir() or (pkg / "__pycache__" / "m.pyc").write_bytes(b"1")
            ),
            set(),
        ),
    }
    for what, (change, expected) in changes.items():
        change()
        assert set(_to_run(nb_dir, build)) == expected, what
        _pretend_rendered(nb_dir, build)

    # curated table changed in content only (same size, same modification time)
    table = curated / "t.parquet"
    stat = table.stat()
    table.write_bytes(b"9876543210")
    os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _to_run(nb_dir, build) == {"01_a": "data changed", "02_b": "data changed"}


def test_notebook_fingerprint_ignores_outputs(tmp_path) -> None:
    nb = good_b(tmp_path)
    fp = render.notebook_fingerprint(nb)
    data = nbformat.read(nb, as_version=4)
    data.cells[2].outputs = [new_output("stream", text="hi")]
    nbformat.write(data, nb)
    assert render.notebook_fingerprint(nb) == fp, "outputs do not count"
    good_b(tmp_path, value=1.0)
    assert render.notebook_fingerprint(nb) != fp


def test_notebook_summary() -> None:
    cells = [
        {"cell_type": "code", "source": "# not a title"},
        {
            "cell_type": "markdown",
            "source": "Preface.\n\n# The **title**\n## Sub\n\nFirst para\ncontinued.\n\nSecond.",
        },
    ]
    assert render.notebook_summary(cells) == ("The **title**", "First para continued.")


# --------------------------------------------------------------------------- hygiene


def test_strip_and_check(tmp_path) -> None:
    setup = new_code_cell("import pandas as pd")
    cell = new_code_cell("1 + 1", execution_count=3)
    cell.outputs = [new_output("execute_result", data={"text/plain": "2"}, execution_count=3)]
    cell.metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00"}
    shown = new_code_cell("x = 2")
    shown.metadata["tags"] = ["show-input"]
    nb = new_notebook(cells=[new_markdown_cell("# T"), setup, cell, shown])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "dirty.ipynb"
    nbformat.write(nb, path)

    problems = nbclean.check_notebook_clean(path)
    assert len(problems) == 6 and all(p.startswith("dirty.ipynb: ") for p in problems), problems
    assert "dirty.ipynb: code cell 1 lacks the tag 'remove-cell'" in problems
    assert "dirty.ipynb: code cell 2 lacks the tag 'hide-input'" in problems
    assert nbclean.strip_collection([path], check=True) == 1
    assert nbclean.strip_notebook(path) is True
    assert nbclean.check_notebook_clean(path) == []
    assert nbclean.strip_collection([path], check=True) == 0
    clean = nbformat.read(path, as_version=4)
    assert clean.metadata.kernelspec == nbclean.KERNELSPEC
    assert clean.cells[2].source == "1 + 1"
    assert [c.metadata.get("tags") for c in clean.cells[1:]] == [
        ["remove-cell"],
        ["hide-input"],
        ["show-input"],
    ]
    assert nbclean.strip_notebook(path) is False, "idempotent"


def test_cell_tags_respect_an_authors_choice() -> None:
    cells = [
        {"cell_type": "markdown", "source": "# T", "metadata": {}},
        {"cell_type": "code", "source": "import x", "metadata": {"tags": ["hide-input"]}},
        {"cell_type": "code", "source": "y", "metadata": {"tags": ["remove-input"]}},
        {"cell_type": "code", "source": "z", "metadata": {"tags": ["other"]}},
    ]
    assert book.cell_tag_problems(cells) == [(1, "remove-cell"), (3, "hide-input")]
    assert book.apply_cell_tags(cells) is True
    assert cells[1]["metadata"]["tags"] == ["remove-cell"], "hide-input replaced"
    assert cells[3]["metadata"]["tags"] == ["other", "hide-input"]
    assert book.cell_tag_problems(cells) == []


COLLECTION = (
    sorted(paths.notebooks_dir().rglob("*.ipynb")) if paths.notebooks_dir().is_dir() else []
)


@pytest.mark.parametrize("path", COLLECTION, ids=lambda p: p.name)
def test_collection_notebooks_are_clean(path: Path) -> None:
    assert nbclean.check_notebook_clean(path) == [], "run `make strip` (tiptrends strip)"


def test_every_chapter_is_in_the_table_of_contents() -> None:
    nb_dir = paths.notebooks_dir()
    stems = [p.stem for p in render.collection(nb_dir)]
    assert book.missing_from_toc(nb_dir, stems) == []
    listed = book.toctree_entries(nb_dir / "index.md")
    pages = {p.relative_to(nb_dir).with_suffix("").as_posix() for p in nb_dir.rglob("*.md")}
    assert set(listed) <= set(stems) | pages, "a toctree entry names no notebook or page"
    assert listed.index("00_data_and_coverage") < listed.index("11_press_release_claims")


def test_parameters_injected_as_papermill_does(tmp_path) -> None:
    """Profiles run through the render's executor with their parameters injected."""
    defaults = new_code_cell('code = "NGA"\nregion = None')
    defaults.metadata["tags"] = ["parameters", "remove-cell"]
    path = write_nb(
        tmp_path / "profile.ipynb",
        [new_markdown_cell("# Place"), defaults, new_code_cell("print(code, region)")],
    )
    nb, failure = render.execute_notebook(path, parameters={"code": "DEU", "region": None})
    assert failure is None, str(failure)
    assert nb.cells[2].metadata.tags == ["injected-parameters"]
    assert nb.cells[2].source == "# Parameters\ncode = 'DEU'\nregion = None"
    assert nb.cells[3].outputs[0].text == "DEU None\n"
    assert render.inject_parameters(nb, {"code": "FRA"}).cells[2].source.endswith("'FRA'")
    assert len(nb.cells) == 4, "an injected cell is replaced, not added again"
    assert nbformat.read(path, as_version=4).cells[1].source == defaults.source, "file unchanged"
