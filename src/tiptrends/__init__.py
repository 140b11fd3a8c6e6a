"""tiptrends: reproduce and extend the UNODC GLOTIP trend analyses of detected human trafficking.

Modules
-------
paths       every path, built from the package location
sources     the raw-source manifest, fetching and checksum verification
readers     one reader per raw file (UNODC, Walk Free, CTDC, TIP codings)
data        curated tables: build (atomic, cached) and load (schema-checked)
countries   ISO3 codes, EU-27, UN M49 and GLOTIP regional groupings
citizenship curated mapping of UNODC citizenship categories
published   published headline figures with citations
aggregate, panels, diagnostics, exclusions, models, decomposition   the analysis toolkit
style, results, render   house style, results registry, HTML rendering
"""

from __future__ import annotations

__version__ = "0.1.0"
