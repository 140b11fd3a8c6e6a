"""The Sphinx process of the book build: imports first, then waits for its arguments.

``python -m tiptrends.report.sphinx_runner`` imports Sphinx, MyST-NB and the theme (about
1.2 s on the 2-CPU benchmark machine), then reads one line of JSON from standard input, the
``sphinx-build`` arguments, and runs the build with them. Standard input closed without a line:
it exits without building.

:func:`tiptrends.report.book.build_book` starts it when it builds, or takes one started earlier
(:func:`tiptrends.report.book.start_sphinx`): ``tiptrends profile`` starts it while the profile
notebook executes, so that the imports are done by the time the page is built.

The process leads its own process group (Sphinx's parallel readers and writers join it) and
does not outlive its parent: when the parent dies, even by ``kill -9``, the system sends it
SIGTERM (:func:`tiptrends.report.processes.die_with_parent`) and it kills its whole group.
"""

from __future__ import annotations

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


def main() -> int:
    """Import Sphinx and the extensions, then build with the arguments read from stdin."""
    signal.signal(signal.SIGTERM, _stop_group)
    die_with_parent(signal.SIGTERM)
    skip_slow_optional_imports()
    import myst_nb.sphinx_ext  # noqa: F401  (the book's extension and the theme: imported now)
    import sphinx_book_theme  # noqa: F401
    from sphinx.cmd.build import build_main

    line = sys.stdin.readline()
    if not line.strip():
        return 0
    argv = json.loads(line)
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        print("sphinx_runner: expected a JSON list of strings on stdin", file=sys.stderr)
        return 2
    return build_main(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
