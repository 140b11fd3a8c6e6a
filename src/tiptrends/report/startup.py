"""Process start-up settings of the project's own commands (``tiptrends ...`` and the book build).

``jsonschema`` (imported by ``nbformat``, hence by papermill, nbclient and MyST-NB) checks the
``iri`` string format with the optional ``rfc3987-syntax`` package when it is installed
(JupyterLab's ``jupyter_events`` installs it). Importing that package compiles 38 lark grammars:
1.6 s on the 2-CPU benchmark machine, paid by every ``tiptrends profile`` and again by every
Sphinx run. Notebook JSON never uses the ``iri`` format, so the project's commands do without the
package: jsonschema then skips that one format check, as it does when the package is absent.

``hypothesis`` (installed with the test extras) is imported by pandera's data-synthesis
strategies whenever a schema check runs, and brings trio and pytest with it: 0.9 s in every
kernel that loads a curated table. Nothing the project runs synthesises data, so its commands
and kernels do without it too, as in an installation without the test extras.

Only the processes the project starts do without it: the ``tiptrends`` command, the Sphinx
build of the book, the git filter, and the kernels the command starts (it sets
:data:`SKIP_ENV`, which kernels inherit, and :mod:`tiptrends.report.prose` calls
:func:`skip_if_asked` when a kernel imports it). Importing ``tiptrends`` in a researcher's own
kernel or program changes nothing.

The same processes (not the git filter) also collect garbage less often
(:data:`GC_THRESHOLD`, :func:`tune_gc`).
"""

from __future__ import annotations

import os
import sys

#: Set to ``1`` by the ``tiptrends`` command for the processes (kernels) it starts.
SKIP_ENV = "TIPTRENDS_SKIP_SLOW_IMPORTS"

#: Set to ``1`` by ``tiptrends render`` in the kernel of a notebook it executes alone (no other
#: notebook beside it): a CPU is then free, and :func:`tiptrends.report.style.save_figure` draws
#: a figure's SVG beside its PNG.
ALONE_ENV = "TIPTRENDS_ALONE"

#: Thresholds of Python's garbage collector in the processes the project starts (the command,
#: its render workers and kernels, the Sphinx build; :func:`tune_gc`): the youngest objects are
#: collected after 50,000 allocations, not 700. Data frames, plots and document trees make
#: millions of short-lived objects; with the default thresholds, collecting them cost 4-9% of
#: a chapter's CPU time and a sixth of the book build's, for the same peak memory (the full
#: book: 365 MB either way).
GC_THRESHOLD = (50_000, 20, 20)

#: Optional packages whose import costs about a second and that nothing the project runs uses
#: (a format check notebook files never need; pandera's data synthesis).
SLOW_OPTIONAL_IMPORTS = ("rfc3987_syntax", "hypothesis")

#: Modules that import one of those packages when they need it, and fail without it: while one
#: of them is loaded the package is left alone. Hypothesis's pytest plugin imports it around
#: every test: a test that runs the ``tiptrends`` command in the test process (the session
#: render queues its profiles so) would otherwise break every later test of the session.
LATER_USERS: dict[str, tuple[str, ...]] = {"hypothesis": ("_hypothesis_pytestplugin",)}


def skip_slow_optional_imports() -> list[str]:
    """Make the packages of :data:`SLOW_OPTIONAL_IMPORTS` look absent to later imports.

    A module that is already imported is left alone (skipping it then would save nothing and
    could break the module that imported it), and so is one that a loaded module imports
    when it needs it (:data:`LATER_USERS`).

    Returns
    -------
    list of str
        The packages that will now look absent.

    Examples
    --------
    >>> import sys
    >>> skipped = skip_slow_optional_imports()
    >>> all(sys.modules[name] is None for name in skipped)
    True
    """
    skipped = []
    for name in SLOW_OPTIONAL_IMPORTS:
        needed = any(user in sys.modules for user in LATER_USERS.get(name, ()))
        if name not in sys.modules and not needed:
            sys.modules[name] = None  # the import system then raises ModuleNotFoundError
            skipped.append(name)
    return skipped


def skip_if_asked() -> list[str]:
    """:func:`skip_slow_optional_imports` when :data:`SKIP_ENV` is ``1``; else nothing.

    Examples
    --------
    >>> import os
    >>> os.environ.pop(SKIP_ENV, None) and None
    >>> skip_if_asked()
    []
    """
    if os.environ.get(SKIP_ENV) == "1":
        tune_gc()
        return skip_slow_optional_imports()
    return []


def skip_here_and_in_children() -> list[str]:
    """Skip the slow imports in this process and in the processes it starts (and collect
    garbage as :func:`tune_gc` says here; the kernels do when they import
    :mod:`tiptrends.report.prose`)."""
    os.environ[SKIP_ENV] = "1"
    tune_gc()
    return skip_slow_optional_imports()


def tune_gc() -> None:
    """Collect garbage less often in this process (:data:`GC_THRESHOLD`).

    Examples
    --------
    >>> import gc
    >>> before = gc.get_threshold()
    >>> tune_gc()
    >>> gc.get_threshold() == GC_THRESHOLD
    True
    >>> gc.set_threshold(*before)
    """
    import gc

    gc.set_threshold(*GC_THRESHOLD)
