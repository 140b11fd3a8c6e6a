"""Layer 2, ``tiptrends.methods``: general methods with no chapter knowledge.

What lives here
---------------
aggregate      suppression of ``"<5"`` counts, country-year counts, shares, the method
               registry (``METHODS``, ``method_arguments``, ``region_population``)
headline       one function per headline quantity (``children_share_pct``,
               ``form_share_pct``, ``form_change_pct``) and sex-and-age / form counts
panels         country sets for changes (open, matched, balanced, interpolated)
models         trend GLMs with cluster-robust errors, country bootstrap
decomposition  shift-share decomposition of a change in a share
diagnostics    data-quality diagnostics (influence, consistency of breakdowns)
sensitivity    a figure re-evaluated under every ``"<5"`` policy and exclusion

May import: ``tiptrends.io`` and the leaves. Never imports ``analyses`` or ``report``.
A new function that would serve two chapters goes here, not in a chapter module.
"""
