"""The template notebook runs end to end, and ``tiptrends new`` copies it ready to run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from tiptrends import paths
from tiptrends.cli import main, new_analysis

TEMPLATE = paths.notebooks_dir() / "templates" / "new_analysis.ipynb"
KEY = "template_sexual_exploitation_share_2022_pct"


def test_template_shape() -> None:
    nb = nbformat.read(TEMPLATE, as_version=4)
    first = nb.cells[0].source
    lines = [line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()]
    assert first.startswith("# ")
    sections = [line for line in lines if line.startswith("## ")]
    assert sections[0] == "## Key findings" and sections[-1] == "## Caveats"
    for part in ("### Question", "### Data", "### Method choices"):
        assert part in lines
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert all(len(src.splitlines()) <= 15 for src in code)
    joined = "\n".join(code)
    assert joined.count("save_figure(") == 1 and joined.count("record_against(") == 1
    assert "print(" not in joined
    assert 'ANALYSIS = "template"' in joined
    assert nb.metadata["kernelspec"]["name"] == "tiptrends"


@pytest.mark.notebooks
@pytest.mark.xdist_group("long")
def test_template_runs_and_records_its_number(tmp_path: Path, monkeypatch) -> None:
    from tiptrends.report import render

    results = tmp_path / "results.json"
    monkeypatch.setenv("TIPTRENDS_RESULTS_FILE", str(results))
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(tmp_path))
    nb, failure = render.execute_notebook(TEMPLATE, cwd=paths.notebooks_dir(), timeout=300)
    assert failure is None, str(failure)
    recorded = json.loads(results.read_text())[KEY]
    assert recorded["published"] == 36 and 0 < recorded["value"] < 100
    assert "GLOTIP" in recorded["source"] or "Global Report" in recorded["source"]
    assert (tmp_path / "figures" / "template_sexual_share.png").exists()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors


@pytest.fixture
def scratch_notebooks(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    (folder / "templates").mkdir(parents=True)
    shutil.copy(TEMPLATE, folder / "templates" / TEMPLATE.name)
    return folder


def test_new_copies_the_template(scratch_notebooks: Path) -> None:
    target = new_analysis("12_nigeria_forms", notebooks_dir=scratch_notebooks)
    assert target == scratch_notebooks / "12_nigeria_forms.ipynb"
    nb = nbformat.read(target, as_version=4)
    template = nbformat.read(TEMPLATE, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "tiptrends"
    assert [c.metadata for c in nb.cells] == [c.metadata for c in template.cells]
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert 'ANALYSIS = "nigeria_forms"' in code and 'ANALYSIS = "template"' not in code
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    ids = {c.id for c in nb.cells}
    assert not ids & {c.id for c in template.cells} and len(ids) == len(nb.cells)


def test_new_refuses_to_overwrite_and_bad_names(scratch_notebooks: Path) -> None:
    new_analysis("12_x", notebooks_dir=scratch_notebooks)
    before = (scratch_notebooks / "12_x.ipynb").read_bytes()
    with pytest.raises(ValueError, match="exists already"):
        new_analysis("12_x", notebooks_dir=scratch_notebooks)
    assert (scratch_notebooks / "12_x.ipynb").read_bytes() == before
    for bad in ("My Analysis", "../escape", "", "x/y"):
        with pytest.raises(ValueError, match="not a plain name"):
            new_analysis(bad, notebooks_dir=scratch_notebooks)


def test_cli_new_error_is_one_line(capsys) -> None:
    assert main(["new", "Bad Name"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tiptrends new: ")
