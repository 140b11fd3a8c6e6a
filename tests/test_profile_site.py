"""A profile joins the site without a full render; the processes behind it start fast and clean.

``book.add_profiles_to_site`` on a small book in a temporary build (real Sphinx), the Sphinx
process started ahead (``book.start_sphinx``), the skipped optional import
(``report.startup``), the kernels' private sockets (``render.local_kernel_config``) and the
figures of profiles kept by the render's pruning (``book.profile_figure_stems``).
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from tiptrends.report import book, render

#: A 1x1 PNG (the figure output of the fake profile).
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def _profile(build: Path, slug: str, name: str) -> Path:
    """An executed profile: a title, a setup cell and one figure of the house style."""
    nb = nbformat.v4.new_notebook()
    figure = nbformat.v4.new_output(
        "display_data",
        data={"image/png": PNG, "text/plain": "<Figure>"},
        metadata={
            "image/png": {"alt": f"Bars for {name}", "tiptrends_figure": f"profile_{slug}_victims"}
        },
    )
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# Place profile: {name}\n\nDetected victims over time."),
        nbformat.v4.new_code_cell("setup()"),  # the first code cell: removed from the page
        nbformat.v4.new_code_cell("plot()", outputs=[figure]),
    ]
    target = build / "executed" / "profiles" / f"{slug}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    figures = build / "figures"
    figures.mkdir(exist_ok=True)
    for suffix in (".png", ".svg"):
        (figures / f"profile_{slug}_victims{suffix}").write_bytes(b"figure")
    return target


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    """A build folder with a staged book (index, Places page) and its site."""
    build = tmp_path / "_build"
    src = build / "book"
    (src / "_static").mkdir(parents=True)
    (src / "conf.py").write_text("from tiptrends.report.book_conf import *  # noqa: F403\n")
    (src / "index.md").write_text(
        "# Book\n\n```{toctree}\n:maxdepth: 1\n\nplaces\n```\n", encoding="utf-8"
    )
    (src / "places.md").write_text(
        "# Places\n\n```{include} _generated/places.md\n```\n", encoding="utf-8"
    )
    (src / "_generated").mkdir()
    (src / "_generated" / "places.md").write_text("No place profile yet.\n")
    result = book.build_book(src, build, jobs=1, say=lambda _: None)
    assert result.ok, result.error
    return build


@pytest.mark.notebooks
def test_a_profile_joins_the_site_and_leaves_it(small_site: Path) -> None:
    build = small_site
    _profile(build, "nga", "Nigeria")
    result = book.add_profiles_to_site(build, jobs=1, say=lambda _: None)
    assert result is not None and result.ok and result.built, result
    page = build / "html" / "profiles" / "nga.html"
    assert "Place profile: Nigeria" in page.read_text(encoding="utf-8")
    places = (build / "html" / "places.html").read_text(encoding="utf-8")
    assert "profiles/nga.html" in places
    # the figure's downloads sit where the page links them
    assert 'href="../figures/profile_nga_victims.svg"' in page.read_text(encoding="utf-8")
    assert (build / "html" / "figures" / "profile_nga_victims.svg").exists()
    # nothing changed: Sphinx does not run
    again = book.add_profiles_to_site(build, jobs=1, say=lambda _: None)
    assert again is not None and again.ok and not again.built
    # a new place is listed on every page (all pages rewritten), a removed one disappears
    _profile(build, "deu", "Germany")
    (build / "executed" / "profiles" / "nga.ipynb").unlink()
    third = book.add_profiles_to_site(build, jobs=1, say=lambda _: None)
    assert third is not None and third.ok
    assert (build / "html" / "profiles" / "deu.html").exists()
    assert not page.exists()
    index = (build / "html" / "index.html").read_text(encoding="utf-8")
    assert "profiles/deu.html" in index and "profiles/nga.html" not in index


def test_no_site_yet_means_no_build(tmp_path: Path) -> None:
    _profile(tmp_path, "nga", "Nigeria")
    sphinx = book.start_sphinx(tmp_path)
    assert book.add_profiles_to_site(tmp_path, sphinx=sphinx) is None
    assert sphinx.proc.poll() == 0  # stopped without building
    assert not (tmp_path / "html").exists()


def test_profile_figures_are_known_to_the_pruning(tmp_path: Path) -> None:
    _profile(tmp_path, "nga", "Nigeria")
    _profile(tmp_path, "eu27", "European Union")
    assert book.profile_figure_stems(tmp_path) == {"profile_nga_victims", "profile_eu27_victims"}


def test_sphinx_process_builds_with_the_arguments_it_is_given(tmp_path: Path) -> None:
    sphinx = book.start_sphinx(tmp_path)
    code = sphinx.run(["-b", "html", "-q", str(tmp_path / "missing"), str(tmp_path / "out")], 120)
    assert code != 0  # Sphinx's own error for a missing source folder
    assert "missing" in (tmp_path / "logs" / "sphinx.log").read_text()


def test_project_processes_import_nbformat_without_rfc3987_syntax() -> None:
    """The skip keeps notebook validation working and leaves the slow package unimported."""
    code = (
        "import sys\n"
        "from tiptrends.report.startup import skip_slow_optional_imports\n"
        "skip_slow_optional_imports()\n"
        "import nbformat\n"
        "nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')]))\n"
        "print(sys.modules.get('rfc3987_syntax', 'absent'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() in ("None", "absent")


def test_kernels_listen_on_private_sockets_removed_afterwards(
    tmp_path: Path, monkeypatch, request
) -> None:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import json, ipykernel.connect as c\n"
                "info = json.loads(c.get_connection_info())\n"
                "print(info['transport'], info['ip'])"
            )
        ]
    )
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    # a temporary folder of its own: the other worker's kernels make theirs in /tmp meanwhile
    # (short: the kernel's socket path must fit in a Unix socket address)
    private = Path(tempfile.mkdtemp(prefix="tt-tmp-"))
    request.addfinalizer(lambda: shutil.rmtree(private, ignore_errors=True))
    monkeypatch.setenv("TMPDIR", str(private))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    before = set(os.listdir(os.environ.get("TMPDIR", "/tmp")))
    executed, failure = render.execute_notebook(path, cwd=tmp_path, timeout=120)
    assert failure is None
    transport, ip = executed.cells[0].outputs[0]["text"].split()
    assert transport == "ipc" and Path(ip).parent.name.startswith("tiptrends-kernel-")
    assert not Path(ip).parent.exists()  # the socket folder is gone
    assert not list(tmp_path.glob("kernel-ipc*"))  # nothing in the working directory
    leftovers = set(os.listdir(os.environ.get("TMPDIR", "/tmp"))) - before
    assert not [f for f in leftovers if f.startswith("tiptrends-kernel-")]


def test_places_part_lists_regions_first_then_countries_by_name() -> None:
    from tiptrends.report.site_pages import Chapter, places_markdown

    profiles = [
        Chapter("profiles/rou", "Romania: place profile"),
        Chapter("profiles/region-south-asia", "South Asia: place profile"),
        Chapter("profiles/arg", "Argentina: place profile"),
        Chapter("profiles/eu27", "EU-27: place profile"),
        Chapter(
            "profiles/region-central-america-and-the-caribbean", "Central America: place profile"
        ),
    ]
    text = places_markdown({}, profiles, intro="profiles/render_any_place")
    stems = [line.rsplit("<", 1)[-1].rstrip(">") for line in text.splitlines() if "<" in line]
    assert stems == [
        "profiles/region-central-america-and-the-caribbean",
        "profiles/eu27",
        "profiles/region-south-asia",
        "profiles/arg",
        "profiles/rou",
    ]
    assert text.index("profiles/render_any_place") < text.index("Central America")
