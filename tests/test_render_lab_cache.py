"""A notebook run in JupyterLab (or by nbconvert) leaves the next render warm (issue 23).

Outside a render, ``save_figure`` used to write ``./figures/``: for a notebook's kernel that
is ``notebooks/figures/``, whose files were part of every notebook's cache key, so one run in
JupyterLab re-executed the whole collection at the next ``tiptrends render``. These tests run
a notebook the way JupyterLab does and then render, and check that ``--explain`` names the
input that changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tiptrends import paths
from tiptrends.cli import main
from tiptrends.report import nbclean, render

#: Variables a render sets for its kernels; JupyterLab's kernels have none of them.
RENDER_ENV = (
    "TIPTRENDS_BUILD_DIR",
    "TIPTRENDS_RESULTS_FILE",
    "TIPTRENDS_PAGE_DATA_FILE",
    "TIPTRENDS_NOTEBOOK",
    "MPLBACKEND",
)


def _write(path: Path, cells: list) -> Path:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(nbclean.KERNELSPEC)
    nbformat.write(nb, path)
    return path


def _figure_notebook(nb_dir: Path) -> Path:
    """Reads an input of notebooks/, saves a figure, records a number."""
    return _write(
        nb_dir / "01_a.ipynb",
        [
            new_markdown_cell("# A figure"),
            new_code_cell(
                "import matplotlib.pyplot as plt\n"
                "from tiptrends.report.results import record\n"
                "from tiptrends.report.style import save_figure, source_note, use_house_style"
            ),
            new_code_cell(
                "rows = open('lookup.csv').read().splitlines()\n"
                "use_house_style()\n"
                "fig, ax = plt.subplots()\nax.plot([1, 2], [3, len(rows)])\n"
                "source_note(ax, 'UNODC')\n"
                "path = save_figure(fig, 'a_line', 'A line rising from 3 to 4')\n"
                "record('a_total', len(rows))\nprint(path)"
            ),
        ],
    )


def _number_notebook(nb_dir: Path, value: float = 25.0) -> Path:
    return _write(
        nb_dir / "02_b.ipynb",
        [
            new_markdown_cell("# A number"),
            new_code_cell(f"from tiptrends.report.results import record\nrecord('b_pct', {value})"),
        ],
    )


@pytest.fixture
def lab_project(scratch_root: Path, monkeypatch) -> tuple[Path, Path]:
    """Two notebooks in ``notebooks/`` of a scratch project, rendered once (no book, one
    worker)."""
    for var in RENDER_ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(render, "package_fingerprint", lambda: "pinned")  # colleagues edit src/
    nb_dir, build = paths.notebooks_dir(), paths.build_dir()
    nb_dir.mkdir()
    (nb_dir / "lookup.csv").write_text("a\nb\n")
    _figure_notebook(nb_dir)
    _number_notebook(nb_dir)
    first = render.render(notebooks_dir=nb_dir, build_dir=build, jobs=1, book=False)
    assert first.exit_code == 0, [str(o.failure) for o in first.outcomes]
    return nb_dir, build


def _run_as_jupyterlab(notebook: Path) -> None:
    """Execute ``notebook`` as JupyterLab does, and save it with its outputs as Lab does.

    The kernel's working directory is the notebook's folder and its environment has none of
    the render's variables; Lab keeps a checkpoint in ``.ipynb_checkpoints/`` and saves through
    the project's pre-save hook. A researcher also exports the page with nbconvert.
    """
    from nbclient import NotebookClient

    nb_dir = notebook.parent
    nb = nbformat.read(notebook, as_version=4)
    env = {k: v for k, v in os.environ.items() if k not in RENDER_ENV}
    with render.local_kernel_config() as sockets:
        client = NotebookClient(
            nb,
            timeout=120,
            kernel_name="tiptrends",
            resources={"metadata": {"path": str(nb_dir)}},
            config=sockets,
        )
        client.execute(env=env)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    checkpoints = nb_dir / ".ipynb_checkpoints"
    checkpoints.mkdir(exist_ok=True)
    (checkpoints / f"{notebook.stem}-checkpoint.ipynb").write_text(notebook.read_text())
    nbformat.write(nbclean.normalise_metadata(nb), notebook)
    (nb_dir / f"{notebook.stem}.html").write_text("<html>exported by nbconvert</html>")


def _no_kernel(*args, **kwargs):
    raise AssertionError("a kernel was requested although every notebook should be cached")


def test_a_jupyterlab_run_leaves_the_render_warm_and_explain_names_what_changed(
    lab_project, monkeypatch, capsys
) -> None:
    """A run in JupyterLab leaves the render warm; then, from that state, ``--explain``
    names each input that changed and the render says the same."""
    nb_dir, build = lab_project
    _run_as_jupyterlab(nb_dir / "01_a.ipynb")

    # the figure went where no cache key looks, and the README says where that is
    scratch = paths.scratch_dir() / "figures"
    assert (scratch / "a_line.png").exists() and (scratch / "a_line.svg").exists()
    assert not (nb_dir / "figures").exists(), "a figure written into notebooks/"
    saved = nbformat.read(nb_dir / "01_a.ipynb", as_version=4)
    assert any(c.get("outputs") for c in saved.cells), "Lab saves the notebook with outputs"

    capsys.readouterr()
    with monkeypatch.context() as m:
        m.setattr(render, "ensure_kernel", _no_kernel)
        warm = render.render(notebooks_dir=nb_dir, build_dir=build, book=False)
    assert warm.exit_code == 0
    assert warm.status() == {"01_a.ipynb": "cached", "02_b.ipynb": "cached"}
    assert "[re-run]" not in capsys.readouterr().out
    assert json.loads((build / "results.json").read_text())["a_total"]["value"] == 2

    assert main(["render", "--explain"]) == 0
    assert capsys.readouterr().out.splitlines() == ["01_a.ipynb: cached", "02_b.ipynb: cached"]

    # what Lab and nbconvert left in notebooks/ (checkpoints, the export) stays no input below
    (nb_dir / "lookup.csv").write_text("a\nb\nc\n")  # an input of notebooks/ edited
    (paths.mappings_dir() / "new_names.csv").write_text("name,iso3\n")  # a new data file
    _number_notebook(nb_dir, value=30.0)  # a notebook edited
    (nb_dir / "figures").mkdir()  # figures of an older version of save_figure: not inputs
    (nb_dir / "figures" / "old.png").write_bytes(b"png")
    real = render._distributions()  # an installed package upgraded
    monkeypatch.setattr(render, "_distributions", lambda: sorted([*real, "fakepkg==2.0"]))

    capsys.readouterr()
    assert main(["render", "--explain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    shared = "data/mappings/new_names.csv (new), installed packages: fakepkg (none) -> 2.0"
    assert lines == [
        f"01_a.ipynb: re-run, changed: {shared}, notebooks/lookup.csv",
        f"02_b.ipynb: re-run, changed: its own cells, {shared}, notebooks/lookup.csv",
    ]
    assert not list(build.glob(".work")), "--explain executes nothing"

    # the render says the same (shortened) before it executes, and the next one is warm
    report = render.render(notebooks_dir=nb_dir, build_dir=build, jobs=1, book=False)
    assert report.status() == {"01_a.ipynb": "ok", "02_b.ipynb": "ok"}
    out = capsys.readouterr().out
    assert "[re-run] 02_b.ipynb: changed: its own cells, data/mappings/new_names.csv (new), " in out
    assert "and 1 more" in out
    assert main(["render", "--explain"]) == 0
    assert capsys.readouterr().out.splitlines() == ["01_a.ipynb: cached", "02_b.ipynb: cached"]
    (nb_dir / "lookup.csv").unlink()
    assert main(["render", "--explain", "01_a"]) == 0
    assert capsys.readouterr().out.strip() == (
        "01_a.ipynb: re-run, changed: notebooks/lookup.csv (removed)"
    )


def test_outputs_in_notebooks_are_not_inputs(tmp_path: Path) -> None:
    """What editors, nbconvert and old figure saves leave in notebooks/ is not hashed."""
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    nbs = [_figure_notebook(nb_dir), _number_notebook(nb_dir)]
    (nb_dir / "lookup.csv").write_text("a\n")
    (nb_dir / "helpers.py").write_text("X = 1\n")
    before = render.notebooks_folder_inputs(nb_dir, nbs)
    assert set(before) == {"lookup.csv", "helpers.py"}
    outputs = [
        "figures/a_line.png",
        "_build/x.txt",
        ".ipynb_checkpoints/01_a-checkpoint.ipynb",
        ".virtual_documents/01_a.ipynb",
        "__pycache__/helpers.cpython-311.pyc",
        "01_a.html",
        "01_a.py",
        "02_b.nbconvert.ipynb",
        "01_a_files/01_a_3_0.png",
        ".~01_a.ipynb",
    ]
    for rel in outputs:
        (nb_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (nb_dir / rel).write_text("output")
    assert render.notebooks_folder_inputs(nb_dir, render.collection(nb_dir)) == before
    assert [p.name for p in render.collection(nb_dir)] == ["01_a.ipynb", "02_b.ipynb"]
    (nb_dir / "data_files").mkdir()  # an input folder of the author's (no notebook's stem)
    (nb_dir / "data_files" / "x.csv").write_text("1\n")
    assert "data_files/x.csv" in render.notebooks_folder_inputs(nb_dir, nbs)


def test_combined_hash_is_the_one_of_earlier_versions(tmp_path: Path) -> None:
    """Per-file digests combine to the folder hash cache entries already hold (no cold render)."""
    import hashlib

    (tmp_path / "a").mkdir()
    for rel in ("a/b.txt", "a.txt", "a-b", "z/y/x"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    h = hashlib.sha256()  # the algorithm of hash_folder before per-file digests were kept
    for f in sorted(tmp_path.rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(tmp_path)).encode() + b"\0")
            h.update(hashlib.sha256(f.read_bytes()).digest())
    assert render.hash_folder(tmp_path) == h.hexdigest()
