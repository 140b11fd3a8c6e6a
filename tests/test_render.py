"""Tests of the notebook renderer (throwaway notebooks in tmp_path; each kernel takes ~1-2 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tiptrends import paths
from tiptrends.report import render


def write_nb(path: Path, cells: list) -> Path:
    nbformat.write(new_notebook(cells=cells), path)
    return path


def good_a(nb_dir: Path) -> Path:
    return write_nb(
        nb_dir / "01_a.ipynb",
        [
            new_markdown_cell(
                "# Counting things\n\nA *first* notebook that [counts](x.md).\n\nMore."
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


def test_render_cold_warm_and_changed(collection, monkeypatch) -> None:
    nb_dir, build = collection
    report = render.render(notebooks_dir=nb_dir, build_dir=build, jobs=2)
    assert report.exit_code == 0, [str(o.failure) for o in report.outcomes]
    assert report.status() == {"01_a.ipynb": "ok", "02_b.ipynb": "ok"}

    results = json.loads((build / "results.json").read_text())
    assert results["a_total"]["value"] == 3 and results["a_total"]["notebook"] == "01_a.ipynb"
    assert results["b_share_pct"] == {
        "value": 25.0,
        "notebook": "02_b.ipynb",
        "published": None,
        "source": None,
        "unit": None,
        "note": None,
    }
    assert (build / "executed" / "01_a.ipynb").exists()
    assert (build / "figures" / "a_line.png").exists() and (
        build / "figures" / "a_line.svg"
    ).exists()
    page = (build / "html" / "01_a.html").read_text()
    assert 'alt="A line rising from 3 to 4"' in page
    assert 'class="tt-failed"' not in page
    index = (build / "html" / "index.html").read_text()
    assert index.index("Counting things") < index.index("Second notebook"), "sorted by name"
    assert "A first notebook that counts." in index and "Shares of things." in index
    assert 'href="01_a.html"' in index and 'alt="First figure of Counting things"' in index
    assert "United Nations Office on Drugs and Crime" in index, "data sources from sources.toml"

    # warm (although 02_b built a curated table): nothing executes, no kernel is requested
    with monkeypatch.context() as m:
        m.setattr(render, "ensure_kernel", _no_kernel)
        warm = render.render(notebooks_dir=nb_dir, build_dir=build)
    assert warm.exit_code == 0
    assert warm.status() == {"01_a.ipynb": "cached", "02_b.ipynb": "cached"}
    assert json.loads((build / "results.json").read_text()) == results

    # change one notebook: only it runs again
    good_b(nb_dir, value=30.0)
    changed = render.render(notebooks_dir=nb_dir, build_dir=build)
    assert changed.status() == {"01_a.ipynb": "cached", "02_b.ipynb": "ok"}
    assert changed.outcomes[1].reason == "notebook changed"
    assert json.loads((build / "results.json").read_text())["b_share_pct"]["value"] == 30.0

    # a change in the curated data re-executes everything
    (paths.curated_dir() / "glotip.parquet").write_bytes(b"new data")
    again = render.render(notebooks_dir=nb_dir, build_dir=build)
    assert set(again.status().values()) == {"ok"}
    assert {o.reason for o in again.outcomes} == {"curated data changed"}


def test_failing_notebook_fails_loudly(collection, capsys) -> None:
    nb_dir, build = collection
    assert render.render(notebooks_dir=nb_dir, build_dir=build).exit_code == 0
    assert "b_share_pct" in json.loads((build / "results.json").read_text())

    broken_b(nb_dir)
    capsys.readouterr()
    code = render.render_collection(notebooks_dir=nb_dir, build_dir=build)
    out, err = capsys.readouterr()
    assert code != 0
    assert "FAILED 02_b.ipynb: cell 2 `raise ValueError('boom')`: ValueError: boom" in err
    assert "[cached] 01_a.ipynb" in out and "[FAILED] 02_b.ipynb" in out

    page = (build / "html" / "02_b.html").read_text()
    assert 'class="tt-failed"' in page and "ValueError: boom" in page, "stale page replaced"
    assert 'class="tt-failed"' not in (build / "html" / "01_a.html").read_text()
    results = json.loads((build / "results.json").read_text())
    assert set(results) == {"a_total"}, "no result of the failed notebook (old or partial)"
    assert not (build / "cache" / "02_b.json").exists()
    index = (build / "html" / "index.html").read_text()
    assert '<span class="status failed">FAILED</span>' in index
    assert '<span class="status ok">ok</span>' in index

    # a failed notebook is not cached: it runs (and fails) again
    report = render.render(notebooks_dir=nb_dir, build_dir=build)
    assert report.status() == {"01_a.ipynb": "cached", "02_b.ipynb": "FAILED"}
    failure = report.outcomes[1].failure
    assert (failure.cell, failure.ename, failure.evalue) == (2, "ValueError", "boom")


def test_concurrent_renders_end_consistent(collection, tmp_path) -> None:
    nb_dir, build = collection
    code = (
        "import sys\nfrom tiptrends.report.render import render_collection\n"
        f"sys.exit(render_collection(notebooks_dir={str(nb_dir)!r}, build_dir={str(build)!r}))"
    )
    env = dict(os.environ)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    combined = "".join(o for o, _ in outs)
    executed = combined.count("[ok] ")
    # the lock serialises the renders: the second one finds everything cached
    # (unless a colleague edited src/tiptrends meanwhile, which invalidates the cache)
    assert executed == 2 or "tiptrends source changed" in combined, combined
    results = json.loads((build / "results.json").read_text())
    assert set(results) == {"a_total", "b_share_pct"}
    for stem in ("01_a", "02_b"):
        assert json.loads((build / "cache" / f"{stem}.json").read_text())["status"] == "ok"
        assert (build / "html" / f"{stem}.html").stat().st_size > 0
    assert not list(build.rglob("*.tmp")), "no temporary files left behind"


def test_unknown_notebook_is_an_error(collection, capsys) -> None:
    nb_dir, build = collection
    assert render.render_collection(["99_nope"], notebooks_dir=nb_dir, build_dir=build) == 2
    assert "99_nope" in capsys.readouterr().err


def test_import_is_light() -> None:
    code = (
        "import sys, tiptrends.report.render\n"
        "heavy = {'nbclient', 'nbconvert', 'jupyter_client', 'matplotlib', 'pandas', 'zmq'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_fingerprints_follow_their_inputs(scratch_root, tmp_path, monkeypatch) -> None:
    before = render.data_fingerprint()
    paths.curated_dir().mkdir(parents=True)
    (paths.curated_dir() / "t.parquet").write_bytes(b"x")
    assert render.data_fingerprint() != before

    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "m.py").write_text("A = 1\n")
    monkeypatch.setattr(paths, "PACKAGE_DIR", pkg)
    first = render.package_fingerprint()
    (pkg / "m.py").write_text("A = 2\n")
    assert render.package_fingerprint() != first
    second = render.package_fingerprint()
    paths.mappings_dir().mkdir(parents=True, exist_ok=True)
    (paths.mappings_dir() / "new.csv").write_text("a,b\n")
    assert render.package_fingerprint() != second

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


def test_strip_and_check(tmp_path) -> None:
    cell = new_code_cell("1 + 1", execution_count=3)
    cell.outputs = [new_output("execute_result", data={"text/plain": "2"}, execution_count=3)]
    cell.metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00"}
    nb = new_notebook(cells=[new_markdown_cell("# T"), cell])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "dirty.ipynb"
    nbformat.write(nb, path)

    problems = render.check_notebook_clean(path)
    assert len(problems) == 4 and all(p.startswith("dirty.ipynb: ") for p in problems)
    assert render.strip_notebook(path) is True
    assert render.check_notebook_clean(path) == []
    clean = nbformat.read(path, as_version=4)
    assert clean.metadata.kernelspec == render.KERNELSPEC
    assert clean.cells[1].source == "1 + 1"
    assert render.strip_notebook(path) is False, "idempotent"


COLLECTION = (
    sorted(paths.notebooks_dir().rglob("*.ipynb")) if paths.notebooks_dir().is_dir() else []
)


@pytest.mark.parametrize("path", COLLECTION, ids=lambda p: p.name)
def test_collection_notebooks_are_clean(path: Path) -> None:
    assert render.check_notebook_clean(path) == [], "run `make strip` (tiptrends strip)"
