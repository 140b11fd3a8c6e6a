"""The book's Sphinx extension (searches answered once, templates kept compiled): same pages.

A tiny Sphinx project whose cross-references need the "fuzzy" search (a dotted name that
only the end of a documented object's name matches) is built with and without the extension,
and then again in the same process after the documented object was renamed: an answer
remembered from the first build would point at the old name.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

MODULE = '''"""A module."""


class {name}:
    """A thing."""


def use(x: {name}) -> {name}:
    """Use a thing.

    Parameters
    ----------
    x : {name}
        The thing.
    """
    return x
'''

PAGE = """Page
====

See :py:obj:`.{name}` and :py:obj:`.use` (one role: one kind of search).

.. automodule:: speedmod_{tag}
   :members:
"""


def _project(root: Path, tag: str, name: str, memo: bool) -> Path:
    src = root / "src"
    src.mkdir(parents=True, exist_ok=True)
    extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]
    if memo:
        extensions.append("tiptrends.report._sphinx_speed")
    (src / "conf.py").write_text(f"extensions = {extensions!r}\nautodoc_typehints = 'description'\n")
    (src / "index.rst").write_text(PAGE.format(name=name, tag=tag))
    (root / f"speedmod_{tag}.py").write_text(MODULE.format(name=name))
    return src


def _build(root: Path, src: Path, *extra: str) -> str:
    out = root / "html"
    argv = ["-b", "html", "-q", *extra, "-d", str(root / "doctrees"), str(src), str(out)]
    code = build_main(argv)
    assert code == 0
    return (out / "index.html").read_text(encoding="utf-8")


def _links(html: str) -> list[str]:
    """The targets of the page's cross-references, in order (not the headings' own anchors)."""
    import re

    return re.findall(r'class="reference internal" href="(#speedmod_[^"]+)"', html)


@pytest.fixture
def importable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path / "with"))
    monkeypatch.syspath_prepend(str(tmp_path / "without"))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("speedmod_")]:
        del sys.modules[name]


def test_same_links_with_and_without_and_after_a_rename(importable: Path) -> None:
    with_memo = _project(importable / "with", "w", "Thing", memo=True)
    without = _project(importable / "without", "o", "Thing", memo=False)
    page = _build(importable / "with", with_memo)
    plain = _build(importable / "without", without)
    assert page == plain.replace("speedmod_o", "speedmod_w"), "the page differs"
    assert list((importable / "with" / "doctrees" / "jinja").glob("*.cache")), "no templates kept"
    again = _build(importable / "with", with_memo, "-a")  # every page written again
    assert again == page, "written with the kept templates, the page differs"
    links = _links(page)
    assert links[:2] == ["#speedmod_w.Thing", "#speedmod_w.use"], links

    # renamed, rebuilt incrementally in this process: no answer kept from the first build
    _project(importable / "with", "w", "Other", memo=True)
    del sys.modules["speedmod_w"]
    renamed = _links(_build(importable / "with", with_memo))
    assert "#speedmod_w.Other" in renamed and "#speedmod_w.Thing" not in renamed


CODE = '''"""A module."""

#: The answer.
ANSWER = 42


@staticmethod
def decorated(x):
    """Decorated."""

    def inner():
        return x

    return inner


class Thing:
    """A thing."""

    #: Its size.
    size = 1

    def grow(self) -> None:
        """Grow."""
'''


def test_module_analysis_finds_the_definitions_lines_only_when_asked(monkeypatch) -> None:
    from sphinx.pycode import ModuleAnalyzer
    from sphinx.pycode.parser import DefinitionFinder, Parser

    from tiptrends.report import _sphinx_speed

    plain = Parser(CODE)  # both halves of the analysis, whatever a build patched before
    plain.parse_comments()
    plain.parse_definition()
    runs: list[int] = []
    real_parse = DefinitionFinder.parse

    def counted(self) -> None:
        runs.append(1)
        real_parse(self)

    monkeypatch.setattr(DefinitionFinder, "parse", counted)
    monkeypatch.setattr(Parser, "parse", _sphinx_speed._parse)
    monkeypatch.setattr(ModuleAnalyzer, "find_tags", _sphinx_speed._find_tags)
    analyzer = ModuleAnalyzer.for_string(CODE, "speedmod_tags")
    analyzer.analyze()  # what autodoc asks for: comments, annotations, definition order
    assert not runs, "the definitions' lines were found although nobody asked"
    assert analyzer.attr_docs == {k: [*v.splitlines(), ""] for k, v in plain.comments.items()}
    assert analyzer.tagorder == plain.deforders
    assert analyzer.find_tags() == plain.definitions  # literalinclude :pyobject:, viewcode
    assert analyzer.find_tags() == plain.definitions and len(runs) == 1


def test_literalinclude_of_an_object_same_with_and_without(importable: Path) -> None:
    pages = []
    for tag, memo in (("l", True), ("m", False)):
        root = importable / ("with" if memo else "without")
        src = _project(root, tag, "Thing", memo=memo)
        (src / "index.rst").write_text(
            "Page\n====\n\n"
            f".. literalinclude:: ../speedmod_{tag}.py\n   :pyobject: use\n"
        )
        pages.append(_build(root, src))
    assert '<span class="nf">use</span>' in pages[0] and pages[0] == pages[1]


def test_book_process_builds_the_same_page_twice(tmp_path: Path) -> None:
    """A set printed in the API reference comes out in one order in every Sphinx process."""
    from tiptrends.report import book

    words = ", ".join(repr(f"option_{i}") for i in range(12))
    (tmp_path / "speedmod_seed.py").write_text(  # a set inside a value (Sphinx sorts bare sets)
        '"""A module."""\n\nfrom dataclasses import dataclass\n\n\n@dataclass\n'
        'class Figure:\n    """A figure."""\n\n    reads: frozenset\n\n\n'
        f"#: The figure.\nFIGURE = Figure(frozenset({{{words}}}))\n"
    )
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nextensions = ['sphinx.ext.autodoc']\n"
    )
    (src / "index.rst").write_text("Page\n====\n\n.. automodule:: speedmod_seed\n   :members:\n")
    pages = []
    for run in ("a", "b"):
        out = tmp_path / run
        argv = ["-b", "html", "-q", "-d", str(out / "doctrees"), str(src), str(out / "html")]
        assert book.SphinxProcess(tmp_path / f"{run}.log").run(argv, 120) == 0
        pages.append((out / "html" / "index.html").read_text(encoding="utf-8"))
    assert "option_11" in pages[0] and pages[0] == pages[1]
