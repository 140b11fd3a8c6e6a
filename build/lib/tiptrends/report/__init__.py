"""Layer 4, ``tiptrends.report``: how results are shown and published.

style      the house style: colours per form of exploitation, figure helpers (including
           flow diagrams), ``save_figure`` with source note and alt text
results    the registry of recorded headline numbers (``record``)
reporting  published-vs-reproduced tables
render     parallel, cached execution of the notebooks and the static site

May import: ``tiptrends.io``, ``tiptrends.methods`` and the leaves; never a chapter module
(``analyses``): figure helpers take tables, not chapter logic.
"""
