"""Every notebook executes (through the renderer's executor), is stored clean and well-formed.

In the style of statsmodels' ``examples/tests/test_notebooks.py``: one parametrised test per
notebook, a named kernel and an explicit per-cell timeout (``tests.conftest.CELL_TIMEOUT``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tiptrends import paths
from tiptrends.report import nbclean, render

NOTEBOOKS = sorted(p.name for p in paths.notebooks_dir().glob("*.ipynb"))
TEMPLATE = paths.notebooks_dir() / "templates" / "new_analysis.ipynb"
ALL_NOTEBOOK_PATHS = [paths.notebooks_dir() / n for n in NOTEBOOKS] + [TEMPLATE]

#: Keys each notebook must record (issue texts of the Notebooks I and II issues).
EXPECTED_KEYS = {
    "00_data_and_coverage.ipynb": ["countries_reporting_total_2022", "suppressed_cells_share_pct"],
    "01_detected_victims.ipynb": [
        "victims_total_2022_pooled_all",
        "victims_total_2022",
        "victims_change_2019_2022_pct",
        "victims_change_2020_2022_pct",
    ],
    "02_forced_labour.ipynb": [
        "forced_labour_share_2022_pct",
        "sexual_exploitation_share_2022_pct",
        "forced_labour_change_2019_2022_pct",
        "eu_forced_labour_share_2022_pct",
    ],
    "03_forced_criminality.ipynb": ["other_forms_share_2022_pct"],
    "04_child_victims.ipynb": [
        "children_share_2022_pct",
        "children_share_2020_pct",
        "women_share_2022_pct",
        "men_share_2022_pct",
        "girls_share_2022_pct",
        "boys_share_2022_pct",
        "children_change_2019_2022_pct",
    ],
    "05_traffickers_and_justice.ipynb": [
        "convictions_change_2017_2020_pct",
        "convictions_per_100_victims_2022",
    ],
    "06_european_union.ipynb": ["eu_victims_2022", "eu_children_share_2022_pct"],
    "07_detection_gap.ipynb": [
        "detected_per_1000_estimated_world",
        "detection_rate_per_100k_2021_median",
    ],
    "08_composition_and_uncertainty.ipynb": [
        "forced_labour_share_change_within_pct_points",
        "forced_labour_share_change_composition_pct_points",
    ],
    "09_cross_border_flows.ipynb": [
        "domestic_victims_share_2022_pct",
        "citizenship_mapped_share_pct",
    ],
    "10_revisions_between_releases.ipynb": [],
    "11_press_release_claims.ipynb": ["victims_total_2021_pooled_all"],
    "12_specification_curve.ipynb": ["multiverse_specifications"],
}


def test_the_collection_is_complete() -> None:
    assert sorted(EXPECTED_KEYS) == NOTEBOOKS
    assert TEMPLATE.exists()


@pytest.mark.notebooks
@pytest.mark.xdist_group("render")
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_executes(site_render, notebook: str) -> None:
    outcome = next(o for o in site_render.outcomes if o.notebook == notebook)
    assert outcome.status in (render.OK, render.CACHED), str(outcome.failure or outcome.reason)
    page = paths.build_dir() / "html" / f"{Path(notebook).stem}.html"
    assert page.exists()
    assert 'tt-failed" role="alert"' not in page.read_text(encoding="utf-8")
    results = json.loads((paths.build_dir() / "results.json").read_text())
    recorded = {k for k, v in results.items() if v["notebook"] == notebook}
    missing = set(EXPECTED_KEYS.get(notebook, [])) - recorded
    assert not missing, f"{notebook} does not record {sorted(missing)}"
    executed = nbformat.read(paths.build_dir() / "executed" / notebook, as_version=4)
    images = [
        o["data"]
        for c in executed.cells
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    assert images, f"{notebook} shows no figure"
    assert all('alt="' in d.get("text/html", "") for d in images), "a figure without alt text"


@pytest.mark.parametrize("path", ALL_NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_notebook_stored_clean(path: Path) -> None:
    assert nbclean.check_notebook_clean(path) == []


@pytest.mark.parametrize("path", ALL_NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_notebook_reads_like_a_chapter(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.lstrip().startswith("# ")
    lines = [
        line.strip()
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
    ]
    sections = [line[3:].strip().lower() for line in lines if line.startswith("## ")]
    # findings first, then the rest; caveats at the end
    assert sections[:1] == ["key findings"], f"{path.name}: first section is {sections[:1]}"
    assert "caveats" in sections[-1], f"{path.name}: last section is {sections[-1:]}"
    # question, data and method are folded under the findings (### inside <details>)
    folded = [line[4:].strip().lower() for line in lines if line.startswith("### ")]
    for required in ("question", "data", "method"):
        assert any(required in h for h in folded + sections), (
            f"{path.name}: no '{required.title()}' section"
        )
    assert any(line.startswith("<details") for line in lines), f"{path.name}: nothing folded"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "sys.path" not in code
    assert "import tiptrends" in code or "from tiptrends" in code


def test_notebooks_are_ruff_clean() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(paths.notebooks_dir())],
        capture_output=True,
        text=True,
        cwd=paths.project_root(),
    )
    assert out.returncode == 0, out.stdout + out.stderr
