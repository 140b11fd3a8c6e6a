"""The Sphinx process of the book build: imports first, then waits for its arguments.

``python -m tiptrends.report.sphinx_runner`` imports Sphinx, MyST-NB and the theme (about
1.2 s on the 2-CPU benchmark machine), then reads one line of JSON from standard input, the
``sphinx-build`` arguments, and runs the build with them. Standard input closed without a line:
it exits without building.

:func:`tiptrends.report.book.build_book` starts it when it builds, or takes one started earlier
(:func:`tiptrends.report.book.start_sphinx`): ``tiptrends profile`` starts it while the profile
notebook executes, so that the imports are done by the time the page is built.
"""

from __future__ import annotations

import json
import sys

from tiptrends.report.startup import skip_slow_optional_imports


def main() -> int:
    """Import Sphinx and the extensions, then build with the arguments read from stdin."""
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
