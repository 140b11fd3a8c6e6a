"""The book's Sphinx extension (searches answered once, templates kept compiled, stems
remembered) and its process (MyST-NB's executors not imported): same pages.

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
from sphinx.search.en import SearchEnglish

# imported before a test puts its not yet created folders on sys.path (an import then would
# remember them as folders without modules)
from tiptrends.report import _sphinx_speed

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

See :py:obj:`.{name}` and :py:obj:`.use` (one role: one kind of search). Counting detected
victims, detections counted.

.. automodule:: speedmod_{tag}
   :members:
"""


def _project(root: Path, tag: str, name: str, memo: bool) -> Path:
    src = root / "src"
    src.mkdir(parents=True, exist_ok=True)
    extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]
    if memo:
        extensions.append("tiptrends.report._sphinx_speed")
    (src / "conf.py").write_text(
        f"extensions = {extensions!r}\nautodoc_typehints = 'description'\n"
    )
    (src / "index.rst").write_text(PAGE.format(name=name, tag=tag))
    (root / f"speedmod_{tag}.py").write_text(MODULE.format(name=name))
    return src


def _build(root: Path, src: Path, *extra: str) -> str:
    out = root / "html"
    argv = ["-b", "html", "-q", *extra, "-d", str(root / "doctrees"), str(src), str(out)]
    code = build_main(argv)
    assert code == 0
    return (out / "index.html").read_text(encoding="utf-8")


def _search_index(root: Path) -> str:
    return (root / "html" / "searchindex.js").read_text(encoding="utf-8")


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


def test_same_links_with_and_without_and_after_a_rename(
    importable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_memo = _project(importable / "with", "w", "Thing", memo=True)
    without = _project(importable / "without", "o", "Thing", memo=False)
    # the extension's patches last for the process: the plain build runs first, with Sphinx's
    # own stemming whatever an earlier build in this process set
    monkeypatch.setattr(SearchEnglish, "stem", _sphinx_speed._STEM)
    plain = _build(importable / "without", without)
    page = _build(importable / "with", with_memo)
    assert page == plain.replace("speedmod_o", "speedmod_w"), "the page differs"
    index = _search_index(importable / "with")
    assert '"detect"' in index and '"victim"' in index, "words not stemmed"  # the page's stems
    assert index == _search_index(importable / "without").replace("speedmod_o", "speedmod_w")
    assert list((importable / "with" / "doctrees" / "jinja").glob("*.cache")), "no templates kept"
    again = _build(importable / "with", with_memo, "-a")  # every page written again
    assert again == page, "written with the kept templates, the page differs"
    assert _search_index(importable / "with") == index, "stems remembered: the index differs"
    assert _sphinx_speed._STEMS.get("victims") == "victim", "the stems were not remembered"
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
            f"Page\n====\n\n.. literalinclude:: ../speedmod_{tag}.py\n   :pyobject: use\n"
        )
        pages.append(_build(root, src))
    assert '<span class="nf">use</span>' in pages[0] and pages[0] == pages[1]


#: Written by the test project's ``conf.py`` when its build ends: the modules of MyST-NB's
#: executors that the Sphinx process imported, and its garbage collector's settings.
PROCESS_STATE = """
def _process_state(app, exception):
    import gc
    import json
    import sys
    from pathlib import Path

    roots = ("jupyter_cache", "sqlalchemy", "nbclient", "jupyter_client")
    seen = [m for m in sys.modules if m.split(".")[0] in roots or m.startswith("{package}.")]
    seen = [m for m in seen if sys.modules[m] is not None and m != "{package}.base"]
    state = {{"executors": sorted(seen), "threshold": gc.get_threshold()}}
    state["frozen"] = gc.get_freeze_count()
    Path(app.outdir, "process.json").write_text(json.dumps(state))


def setup(app):
    app.connect("build-finished", _process_state)
"""


def test_book_process_builds_the_same_page_twice(tmp_path: Path) -> None:
    """A set printed in the API reference comes out in one order in every Sphinx process,
    which imports none of MyST-NB's notebook executors (the book executes nothing) and
    collects garbage less often, the imported modules left out."""
    import json

    from tiptrends.report import _myst_nb_lazy, book, startup

    words = ", ".join(repr(f"option_{i}") for i in range(12))
    (tmp_path / "speedmod_seed.py").write_text(  # a set inside a value (Sphinx sorts bare sets)
        '"""A module."""\n\nfrom dataclasses import dataclass\n\n\n@dataclass\n'
        'class Figure:\n    """A figure."""\n\n    reads: frozenset\n\n\n'
        f"#: The figure.\nFIGURE = Figure(frozenset({{{words}}}))\n"
    )
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\n"
        "extensions = ['myst_nb', 'sphinx.ext.autodoc']\nnb_execution_mode = 'off'\n"
        + PROCESS_STATE.format(package=_myst_nb_lazy.PACKAGE)
    )
    (src / "index.rst").write_text("Page\n====\n\n.. automodule:: speedmod_seed\n   :members:\n")
    pages = []
    for run in ("a", "b"):
        out = tmp_path / run
        argv = ["-b", "html", "-q", "-d", str(out / "doctrees"), str(src), str(out / "html")]
        assert book.SphinxProcess(tmp_path / f"{run}.log").run(argv, 120) == 0
        pages.append((out / "html" / "index.html").read_text(encoding="utf-8"))
    assert "option_11" in pages[0] and pages[0] == pages[1]
    for run in ("a", "b"):
        state = json.loads((tmp_path / run / "html" / "process.json").read_text())
        assert state["executors"] == []  # jupyter-cache, SQLAlchemy, nbclient: 0.4 CPU-s
        assert tuple(state["threshold"]) == startup.GC_THRESHOLD
        assert state["frozen"] > 10_000, "the imported modules are collected with the rest"


def test_myst_nb_execute_takes_only_the_deferred_classes_from_its_executors() -> None:
    """The installed MyST-NB imports from the deferred modules exactly the stand-ins' classes.

    Read from its source (importing it would import the executors): a MyST-NB whose
    ``execute`` package takes more from them would be imported with its executors.
    """
    import ast
    import importlib.util

    from tiptrends.report._myst_nb_lazy import DEFERRED, PACKAGE

    spec = importlib.util.find_spec("myst_nb")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)), *PACKAGE.split(".")[1:])
    taken: dict[str, list[str]] = {}
    for node in ast.walk(ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            taken.setdefault(f"{PACKAGE}.{node.module}", []).extend(a.name for a in node.names)
    assert {m: taken.get(m) for m in DEFERRED} == {m: [c] for m, c in DEFERRED.items()}
    for module, name in DEFERRED.items():
        tree = ast.parse((folder / f"{module.rsplit('.', 1)[1]}.py").read_text(encoding="utf-8"))
        assert name in {n.name for n in tree.body if isinstance(n, ast.ClassDef)}, module


FAKE_PACKAGE = """
from .base import Base
from .slow import Slow{extra}

def client(mode):
    return Slow(mode) if mode == "slow" else Base()
"""


@pytest.mark.parametrize("extra", ["", ", HELPER"])
def test_deferred_module_imported_when_its_class_is_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    """A fake package stands in for ``myst_nb.core.execute``: its slow module is imported
    when its class is called (and then the class is the real one), or, if the package takes
    more from that module than the class, with the package as usual."""
    import importlib

    from tiptrends.report import _myst_nb_lazy

    name = f"fakeexec_{'more' if extra else 'class'}"
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text(FAKE_PACKAGE.format(extra=extra))
    (package / "base.py").write_text("class Base:\n    pass\n")
    (package / "slow.py").write_text(
        "HELPER = 1\n\nclass Slow:\n    def __init__(self, mode):\n        self.mode = mode\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(_myst_nb_lazy, "PACKAGE", name)
    monkeypatch.setattr(_myst_nb_lazy, "DEFERRED", {f"{name}.slow": "Slow"})
    try:
        deferred = _myst_nb_lazy.defer_executors()
        fake = importlib.import_module(name)
        assert deferred is not bool(extra)
        assert (f"{name}.slow" in sys.modules) is bool(extra), "imported before it was needed"
        assert isinstance(fake.client("fast"), fake.Base)
        made = fake.client("slow")
        real = sys.modules[f"{name}.slow"]
        assert type(made) is real.Slow and made.mode == "slow"
        assert _myst_nb_lazy.defer_executors() is False  # imported: left alone
    finally:
        for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module]


def test_package_has_no_type_comments() -> None:
    """The book turns off autodoc's search for type comments (``autodoc_use_type_comments``):
    the same pages only while no function of the package declares its types so."""
    import re

    from tiptrends.report import book_conf

    assert book_conf.autodoc_use_type_comments is False
    comment = re.compile(r"#\s*type:(?!\s*ignore\b)")
    package = Path(book_conf.__file__).resolve().parents[1]
    found = [
        f"{path.relative_to(package)}:{n}"
        for path in sorted(package.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if comment.search(line)
    ]
    assert not found, f"type comments (autodoc would need autodoc_use_type_comments): {found}"
