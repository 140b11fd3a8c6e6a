"""tiptrends: reproduce and extend the UNODC GLOTIP trend analyses of detected human trafficking.

The package is layered; imports go downward only (``tests/test_layers.py`` enforces it):

=================  ===========================================================================
``tiptrends.io``        raw files -> checked tables: manifest and fetch, readers, curated
                        tables and their loaders, countries, citizenship, published figures,
                        exclusions
``tiptrends.methods``   general methods with no chapter knowledge: suppression and counts,
                        shares and methods, headline helpers, panels, models, decomposition,
                        diagnostics, sensitivity tables
``tiptrends.analyses``  one module per chapter (coverage, forms, profiles, justice, eu,
                        detection, flows, claims); imports ``io`` and ``methods`` only
``tiptrends.report``    house style and figures, results registry, published-vs-reproduced
                        tables, rendering of the site
=================  ===========================================================================

Leaves at the top: ``paths`` (every path), ``vocab`` (the vocabulary of the data),
``errors`` (the project's exceptions); ``cli`` is the command line over all layers.

Where a new function goes: reads a file -> ``io``; useful to two chapters -> ``methods``;
one chapter's table or figure -> that chapter's module in ``analyses``; how a result looks
-> ``report``.

For convenience ``from tiptrends import data, style, vocab`` keeps working: the most used
modules are reachable from the top-level package.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Short names for the modules researchers use most, resolved on first access.
_SHORTCUTS = {
    "data": "tiptrends.io.data",
    "published": "tiptrends.io.published",
    "exclusions": "tiptrends.io.exclusions",
    "aggregate": "tiptrends.methods.aggregate",
    "style": "tiptrends.report.style",
    "results": "tiptrends.report.results",
}


def __getattr__(name: str) -> Any:
    if name in _SHORTCUTS:
        return importlib.import_module(_SHORTCUTS[name])
    raise AttributeError(f"module 'tiptrends' has no attribute {name!r}")
