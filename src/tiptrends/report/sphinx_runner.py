"""The Sphinx process of the book build: imports first, then waits for its arguments.

``python -m tiptrends.report.sphinx_runner`` imports Sphinx, MyST-NB and the theme (about
1 s of CPU on the 2-CPU benchmark machine) and warms up (:func:`warm_up`) while it reads one
line of JSON from standard input, the ``sphinx-build`` arguments, and runs the build
with them. Standard input closed without a line:
it exits without building.

:func:`tiptrends.report.book.build_book` starts it when it builds, or takes one started earlier
(:func:`tiptrends.report.book.start_sphinx`): ``tiptrends profile`` starts it while the profile
notebook executes, so that the imports are done by the time the page is built.

The process leads its own process group (Sphinx's parallel readers and writers join it) and
does not outlive its parent: when the parent dies, even by ``kill -9``, the system sends it
SIGTERM (:func:`tiptrends.report.processes.die_with_parent`) and it kills its whole group.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from typing import Any

from tiptrends.report._myst_nb_lazy import defer_executors
from tiptrends.report.processes import die_with_parent
from tiptrends.report.startup import skip_slow_optional_imports, tune_gc


def _stop_group(signum: int, frame: Any) -> None:
    """SIGTERM: stop this process and, when it leads its group, every process of the group."""
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(128 + signum)


def _import_sphinx() -> None:
    """The book's extension, the theme and Sphinx's command (about 1 s of CPU).

    MyST-NB's notebook executors are left unimported until used (the book executes nothing:
    :mod:`tiptrends.report._myst_nb_lazy`).
    """
    defer_executors()
    import myst_nb.sphinx_ext  # noqa: F401
    import sphinx.cmd.build  # noqa: F401
    import sphinx_book_theme  # noqa: F401


#: Selectors the theme's navigation applies to every page written (pydata-sphinx-theme).
THEME_SELECTORS = (
    "li",
    "li.toctree-l1 > details",
    ".toc-h1",
    ".toc-h2",
    "details > a.reference",
    "details > p.caption",
)

#: Languages of the code the book's pages highlight (notebook cells, outputs, tracebacks).
HIGHLIGHTED = ("ipython3", "python", "default", "myst-ansi", "ipythontb", "none")


def warm_up() -> None:
    """Do ahead what every build does first, once per process, with no build's state.

    Sphinx imports its built-in extensions and the book's when it starts; the first page
    written compiles the regular expressions of the theme's selectors (soupsieve) and of
    the code lexers (pygments; Sphinx keeps the lexers it made). An incremental build of
    one changed page spent about a third of its time so (0.3 s of 1.3 s on the 2-CPU
    machine). Only module-level caches fill; nothing of the book is read.
    """
    import importlib

    import soupsieve
    from sphinx.application import builtin_extensions
    from sphinx.highlighting import PygmentsBridge

    from tiptrends.report import book_conf

    for name in (*builtin_extensions, *book_conf.extensions):
        with contextlib.suppress(Exception):  # a build reports a missing extension itself
            importlib.import_module(name)
    for selector in THEME_SELECTORS:
        soupsieve.compile(selector)
    bridge = PygmentsBridge("html")
    for language in HIGHLIGHTED:
        with contextlib.suppress(Exception):
            bridge.highlight_block(
                "import pandas as pd\nx = 1  # a note\nprint(f'{x}')\n", language
            )


def _import_meanwhile() -> None:
    _import_sphinx()
    with contextlib.suppress(Exception):  # a speed-up only
        warm_up()


def main() -> int:
    """Import Sphinx and the extensions, then build with the arguments read from stdin.

    The imports and :func:`warm_up` run in a thread while this one waits for the arguments;
    what they made is then left out of every later garbage collection (:func:`gc.freeze`:
    modules, classes and functions live as long as the process anyway).
    """
    import gc
    import threading

    tune_gc()  # a build makes millions of short-lived objects (nodes, tokens)
    signal.signal(signal.SIGTERM, _stop_group)
    die_with_parent(signal.SIGTERM)
    skip_slow_optional_imports()
    importing = threading.Thread(target=_import_meanwhile, daemon=True)
    importing.start()
    line = sys.stdin.readline()
    if not line.strip():  # closed: nothing to build (the imports need not finish)
        sys.stdout.flush()
        os._exit(0)
    importing.join()
    _import_sphinx()  # done (or, if that thread failed, done here with the error shown)
    from sphinx.cmd.build import build_main

    gc.freeze()

    argv = json.loads(line)
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        print("sphinx_runner: expected a JSON list of strings on stdin", file=sys.stderr)
        return 2
    return build_main(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
