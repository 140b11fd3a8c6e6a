"""The API reference: pages current with the package and the chapters, built without warnings."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tiptrends import paths
from tiptrends.report import reference

#: Extensions and settings the book's conf.py needs for the reference (autodoc + napoleon).
REFERENCE_CONF = """
extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
nb_execution_mode = "off"
myst_enable_extensions = ["colon_fence", "deflist"]
napoleon_google_docstring = False
napoleon_use_ivar = True
autodoc_typehints = "description"
"""


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
    assert "02_forced_labour" in usage["tiptrends.methods.aggregate"]


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


@pytest.mark.notebooks
def test_reference_builds_without_sphinx_warnings(tmp_path: Path) -> None:
    source = tmp_path / "book"
    shutil.copytree(paths.notebooks_dir() / "reference", source / "reference")
    (source / "conf.py").write_text(REFERENCE_CONF)
    stems = [p.stem for p in sorted(paths.notebooks_dir().glob("[0-9]*.ipynb"))]
    for stem in stems:  # link targets of "used by"
        (source / f"{stem}.md").write_text(f"# {stem}\n")
    (source / "index.md").write_text(
        "# Book\n\n```{toctree}\n" + "\n".join([*stems, "reference/index"]) + "\n```\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(source), str(tmp_path / "html")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stderr.strip() == "", out.stderr[-3000:]
    page = (tmp_path / "html" / "reference" / "methods.html").read_text()
    assert "shares_by_year" in page and "Used by" in page
