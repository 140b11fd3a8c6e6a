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
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.domains.python import PythonDomain

_ORIGINAL = PythonDomain.find_obj

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


def setup(app: Any) -> dict[str, Any]:
    """Register the remembered search and the template cache (output unchanged)."""
    PythonDomain.find_obj = _find_obj  # type: ignore[method-assign]
    app.connect("env-before-read-docs", _reading)
    app.connect("env-updated", _objects_complete)
    app.connect("builder-inited", _template_cache)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
