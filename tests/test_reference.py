"""The API reference: pages current with the package and the chapters, built without warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tiptrends import paths
from tiptrends.report import reference


def test_pages_are_current() -> None:
    stale = reference.write_pages(check=True)
    assert not stale, f"run `python -m tiptrends.report.reference`: {[p.name for p in stale]}"


def test_every_public_module_has_a_section_and_its_users() -> None:
    usage = reference.chapter_usage()
    text = "".join(
        (paths.notebooks_dir() / "reference" / f"{stem}.md").read_text()
        for stem, *_ in reference.PAGES
    )
    for module in reference.package_modules():
        if (paths.PACKAGE_DIR / Path(*module.split(".")[1:]) / "__init__.py").exists():
            continue
        assert f".. automodule:: {module}\n" in text, module
    assert "profiles/place_profile" in usage["tiptrends.analyses.places"]
    assert "02_forced_labour" in usage["tiptrends.analyses.forms"]


def test_usage_is_read_from_imports(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("from tiptrends.methods import panels\n%matplotlib inline")
        ]
    )
    nbformat.write(nb, tmp_path / "99_x.ipynb")
    known = reference.package_modules()
    assert reference.notebook_imports(tmp_path / "99_x.ipynb", known) == {
        "tiptrends.methods.panels"
    }


@pytest.mark.xdist_group("render")
def test_reference_builds_without_sphinx_warnings(site_render) -> None:
    """The test run's render builds the reference pages into the book (autodoc + napoleon)."""
    sphinx = [p for p in site_render.problems if p.startswith("sphinx")]
    assert not sphinx, "\n".join(sphinx)
    page = (paths.build_dir() / "html" / "reference" / "methods.html").read_text()
    assert "shares_by_year" in page and "Used by" in page
