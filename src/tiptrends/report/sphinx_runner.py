"""The Sphinx process of the book build: imports first, then waits for its arguments.

``python -m tiptrends.report.sphinx_runner`` imports Sphinx, MyST-NB and the theme (about
1.2 s on the 2-CPU benchmark machine, at a lower priority, :func:`lower_priority`) while it
reads one line of JSON from standard input, the ``sphinx-build`` arguments, and runs the build
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

from tiptrends.report.processes import die_with_parent
from tiptrends.report.startup import skip_slow_optional_imports


def _stop_group(signum: int, frame: Any) -> None:
    """SIGTERM: stop this process and, when it leads its group, every process of the group."""
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(128 + signum)


#: Niceness added to work done ahead of need (a kernel's cells come first).
BACKGROUND_NICENESS = 10


def lower_priority(increment: int = BACKGROUND_NICENESS) -> None:
    """Lower the scheduling priority of the calling thread only (on Linux niceness is a
    thread's own, set by its thread id); elsewhere, or when refused, nothing changes."""
    import threading

    if sys.platform != "linux":  # elsewhere a thread id given as a process id is another's
        return
    with contextlib.suppress(AttributeError, OSError):
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + increment)


def _import_sphinx() -> None:
    """The book's extension, the theme and Sphinx's command (about 1.2 s of CPU)."""
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
            bridge.highlight_block("import pandas as pd\nx = 1  # a note\nprint(f'{x}')\n", language)


def _import_meanwhile() -> None:
    lower_priority()  # ahead of need: while a kernel runs, its cells come first
    _import_sphinx()
    with contextlib.suppress(Exception):  # a speed-up only
        warm_up()


def main() -> int:
    """Import Sphinx and the extensions, then build with the arguments read from stdin.

    The imports run in a thread of lower priority (on Linux) while this one waits for the
    arguments; the build runs at the process's own priority.
    """
    import threading

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

    argv = json.loads(line)
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        print("sphinx_runner: expected a JSON list of strings on stdin", file=sys.stderr)
        return 2
    return build_main(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
