"""Sphinx extension: the book's build without repeated work, the same pages.

The API reference documents every function with its parameter types, and each type is a
cross-reference (``pandas.DataFrame``, ``Path``, ``str``...). Sphinx's Python domain resolves
each one by scanning every documented object for a name ending in it (a "fuzzy" search), the
same search thousands of times: about a quarter of the book's build from scratch.

Once every document has been read (``env-updated``), the documented objects no longer change,
so the answer to a search does not either: this extension remembers each answer of
:meth:`sphinx.domains.python.PythonDomain.find_obj` from then on, for the rest of the build.
Before that (while documents are read and objects still added) every search runs as usual.

The theme's templates are compiled again by every build (half a second when one page changed):
their compiled code is kept beside the doctrees with Jinja's own bytecode cache, which
recompiles a template whose source (or Jinja or Python version) changed.

Autodoc analyses the source of every documented module (:class:`sphinx.pycode.ModuleAnalyzer`):
the comments of its attributes (``#:``) and the order of its definitions, from the syntax tree,
and the lines of each class and function, by tokenizing the whole module again. Only
``literalinclude :pyobject:`` and ``sphinx.ext.viewcode`` read those lines
(:meth:`~sphinx.pycode.ModuleAnalyzer.find_tags`), and the book uses neither: they are found
when first asked for, not with every analysis (about a tenth of the API reference's reading).

The search index stems every word of every page with the English Snowball stemmer; Sphinx
remembers the stems within a page only, and most words recur from page to page. The stem of
a word depends on the word alone: each is computed once per process (about a twentieth of the
book's build).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.domains.python import PythonDomain
from sphinx.pycode import ModuleAnalyzer
from sphinx.pycode.parser import DefinitionFinder, Parser, filter_whitespace
from sphinx.search.en import SearchEnglish

_ORIGINAL = PythonDomain.find_obj
_STEM = SearchEnglish.stem

#: English stems by word, for every build of this process (a pure function of the word).
_STEMS: dict[str, str] = {}

#: The remembered answers, by Python domain (its ``id``): filled only between ``env-updated``
#: and the end of the build, emptied when documents are read again. Kept here, not on the
#: domain, so that it is never pickled with the environment.
_MEMO: dict[int, dict[tuple[Any, ...], tuple[tuple[str, Any], ...]]] = {}


def _find_obj(
    self: PythonDomain,
    env: Any,
    modname: str,
    classname: str,
    name: str,
    type: str | None,  # Sphinx's parameter name
    searchmode: int = 0,
) -> list[tuple[str, Any]]:
    """:meth:`PythonDomain.find_obj`, remembered once the objects are complete."""
    memo = _MEMO.get(id(self))
    if memo is None:
        return _ORIGINAL(self, env, modname, classname, name, type, searchmode)
    key = (modname, classname, name, type, searchmode)
    found = memo.get(key)
    if found is None:
        found = memo[key] = tuple(_ORIGINAL(self, env, modname, classname, name, type, searchmode))
    return list(found)  # a new list each time, as Sphinx's own


def _objects_complete(app: Any, env: Any) -> None:
    """Every document is read: remember the Python domain's answers from now on."""
    _MEMO.clear()
    _MEMO[id(env.get_domain("py"))] = {}


def _reading(app: Any, env: Any, docnames: Any) -> None:
    """Documents are read again (objects change): forget every answer."""
    _MEMO.clear()


def _template_cache(app: Any) -> None:
    """Keep the compiled templates of an HTML build in ``<doctrees>/jinja``."""
    from jinja2 import FileSystemBytecodeCache

    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None:  # not an HTML builder
        return
    folder = Path(app.doctreedir) / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _parse(self: Parser) -> None:
    """:meth:`Parser.parse` without the definitions' lines (see :func:`_find_tags`)."""
    self.parse_comments()


def _find_tags(self: ModuleAnalyzer) -> dict[str, tuple[str, int, int]]:
    """:meth:`ModuleAnalyzer.find_tags`: the definitions' lines, found on first use."""
    self.analyze()
    if not getattr(self, "_tiptrends_tags", False):
        finder = DefinitionFinder(filter_whitespace(self.code).splitlines(True))
        finder.parse()
        self.tags = finder.definitions
        self._tiptrends_tags = True
    return self.tags


def _stem(self: SearchEnglish, word: str) -> str:
    """:meth:`SearchEnglish.stem`, computed once per word."""
    stem = _STEMS.get(word)
    if stem is None:
        stem = _STEMS[word] = _STEM(self, word)
    return stem


def setup(app: Any) -> dict[str, Any]:
    """Register the remembered search, the template cache, the lazy definition lines and the
    remembered stems (output unchanged)."""
    PythonDomain.find_obj = _find_obj  # type: ignore[method-assign]
    SearchEnglish.stem = _stem  # type: ignore[method-assign]
    Parser.parse = _parse  # type: ignore[method-assign]
    ModuleAnalyzer.find_tags = _find_tags  # type: ignore[method-assign]
    app.connect("env-before-read-docs", _reading)
    app.connect("env-updated", _objects_complete)
    app.connect("builder-inited", _template_cache)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
