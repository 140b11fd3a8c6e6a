"""MyST-NB without its notebook executors until one is used (the book never executes).

``myst_nb.core.execute`` imports its three executing clients when it is imported: the cache
client imports ``jupyter_cache`` and with it SQLAlchemy, the direct one ``jupyter_cache`` too,
the inline one ``nbclient`` and ``jupyter_client``. The book is built with
``nb_execution_mode = "off"`` (:mod:`tiptrends.report.book_conf`), which uses none of them, yet
every Sphinx process paid for the imports (about 0.4 s of CPU of a 1.7 s build of a small
book).

:func:`defer_executors` imports ``myst_nb.core.execute`` with a stand-in for each of those
three modules: a class of the same name that imports the real module and builds the real
client when it is called. Nothing changes for a build that executes (``auto``, ``force``,
``cache``, ``inline``): it imports the module then. A MyST-NB whose ``execute`` package wants
more from these modules than the classes fails to import with the stand-ins; it is then
imported as it is, with its executors (``tests/test_book_sphinx_speed.py`` fails, so that an
upgrade that ends the saving is noticed).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

#: The package whose import pulls in the executors.
PACKAGE = "myst_nb.core.execute"

#: Each deferred module and the class that ``myst_nb.core.execute`` takes from it.
DEFERRED = {
    f"{PACKAGE}.cache": "NotebookClientCache",
    f"{PACKAGE}.direct": "NotebookClientDirect",
    f"{PACKAGE}.inline": "NotebookClientInline",
}


def _real_class(module: str, name: str) -> type:
    """The class ``name`` of the real ``module`` (imported now if it was not)."""
    return getattr(importlib.import_module(module), name)


def _stand_in(module: str, name: str) -> type:
    """A class named ``name`` whose call builds an instance of the real class."""

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        return _real_class(module, name)(*args, **kwargs)

    doc = f"Stand-in for :class:`{module}.{name}`: calling it imports the module, builds one."
    return type(name, (), {"__new__": __new__, "__doc__": doc, "__module__": __name__})


def defer_executors() -> bool:
    """Import ``myst_nb.core.execute`` with its executing clients deferred (see the module).

    Returns
    -------
    bool
        True when it was imported so now; False when it already was (nothing is changed),
        when MyST-NB is absent, or when it needed the real modules (then imported as it is).
    """
    if PACKAGE in sys.modules:
        return False
    stubs: dict[str, types.ModuleType] = {}
    for module, name in DEFERRED.items():
        if module in sys.modules:  # one of them already imported: nothing to save
            return False
        stub = types.ModuleType(module, "Stand-in while myst_nb.core.execute is imported.")
        setattr(stub, name, _stand_in(module, name))
        stubs[module] = stub
    sys.modules.update(stubs)
    try:
        importlib.import_module(PACKAGE)
    except ImportError:
        return False  # absent, or a MyST-NB that needs more of them: imported later as it is
    finally:
        # only the package keeps the stand-in classes; the modules' names are free again, so
        # that a later import (the stand-ins' own) loads the real modules
        for module, stub in stubs.items():
            if sys.modules.get(module) is stub:
                del sys.modules[module]
    return True
