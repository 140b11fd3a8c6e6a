"""The second golden file: reading glued values and profile tables, and ``--update`` writing both files."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tests import book_golden as B
from tests import test_golden as G

PREFIX = "application/papermill.record/"


def _glue(name: str, data: dict[str, str]) -> dict:
    return new_output(
        "display_data",
        data={PREFIX + k: v for k, v in data.items()},
        metadata={"scrapbook": {"name": name, "mime_prefix": PREFIX}},
    )


def _notebook() -> nbformat.NotebookNode:
    table = pd.DataFrame(
        {"Nigeria": [46.9, 2.7], "region": [57.7, 5.1]},
        index=pd.Index(["forced labour, %", "convicted per 100"], name="measure"),
    )
    cell = new_code_cell("glue")
    cell.outputs = [
        _glue("share", {"text/markdown": "42.1%", "text/plain": "42.1"}),
        _glue("count", {"text/plain": "1,234"}),
        new_output("display_data", data={"text/plain": "not glued"}),
        new_output(
            "execute_result",
            data={"text/html": table.style.set_caption("Place and comparison group").to_html()},
            execution_count=1,
        ),
        new_output(
            "execute_result",
            data={"text/html": table.style.set_caption("What the status means").to_html()},
            execution_count=2,
        ),
    ]
    return new_notebook(cells=[cell])


def test_glued_values_are_read_as_shown() -> None:
    nb = json.loads(nbformat.writes(_notebook()))
    assert B.notebook_glue(nb) == {"share": "42.1%", "count": "1,234"}


def test_profile_headline_tables_are_read_row_by_row() -> None:
    nb = json.loads(nbformat.writes(_notebook()))
    got = B.profile_values(nb, "nga")
    assert got == {
        "profile nga glue share": "42.1%",
        "profile nga glue count": "1,234",
        "profile nga Place and comparison group forced labour, %": (
            "Nigeria: 46.900000 | region: 57.700000"
        ),
        "profile nga Place and comparison group convicted per 100": (
            "Nigeria: 2.700000 | region: 5.100000"
        ),
    }  # the legend ("What the status means") is not a headline table


def test_region_values_name_every_grouping() -> None:
    regions = B.region_values()
    assert regions["region GLOTIP South Asia"].split() == sorted(
        regions["region GLOTIP South Asia"].split()
    )
    assert "IRN" in regions["region M49-subregion Southern Asia"].split()
    assert len(regions["region EU27"].split()) == 27


def test_text_differences_one_line_per_change() -> None:
    assert B.text_differences({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "9", "d": "4"}) == [
        "changed  b: '2' -> '9'",
        "removed  c (was '3')",
        "added    d = '4'",
    ]


def test_update_writes_both_golden_files(tmp_path: Path, monkeypatch, capsys) -> None:
    build = tmp_path / "_build"
    (build / "executed").mkdir(parents=True)
    nbformat.write(_notebook(), build / "executed" / "01_x.ipynb")
    (build / "results.json").write_text(json.dumps({"x_total": {"value": 3.0}}))
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(build))
    monkeypatch.setattr(G, "GOLDEN", tmp_path / "golden" / "results.json")
    monkeypatch.setattr(G, "GLUED", tmp_path / "golden" / "glued.json")
    monkeypatch.setattr(B, "region_values", lambda: {"region EU27": "AUT BEL"})

    assert G.main(["--no-render"]) == 0  # without --update nothing is written
    assert not (tmp_path / "golden").exists()
    capsys.readouterr()
    assert G.main(["--no-render", "--update"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "added    x_total = 3.0" in out
    assert "added    glue 01_x share = '42.1%'" in out and "added    region EU27 = 'AUT BEL'" in out
    assert G.read_golden(G.GOLDEN) == {"x_total": 3.0}
    assert G.read_glued(G.GLUED)["glue 01_x count"] == "1,234"

    nb = _notebook()
    nb.cells[0].outputs[0]["data"][PREFIX + "text/markdown"] = "41.9%"
    nbformat.write(nb, build / "executed" / "01_x.ipynb")
    assert G.main(["--no-render", "--update"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "changed  glue 01_x share: '42.1%' -> '41.9%'" in out
    assert "no differences (1 keys)" in out  # results.json unchanged, not rewritten
    assert G.read_glued(G.GLUED)["glue 01_x share"] == "41.9%"


@pytest.mark.parametrize(
    "key", ["glue 01_detected_victims victims_dropped", "region GLOTIP South Asia"]
)
def test_glued_golden_pins_what_the_planted_bugs_change(key) -> None:
    # victims_dropped (chapter 01) and South Asia's members move with two of issue 22's bugs
    assert key in G.read_glued()
