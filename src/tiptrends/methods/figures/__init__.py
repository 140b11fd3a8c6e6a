"""The one registry of headline figures: every page reads a figure from here.

A headline figure (the forced-labour share of 2022, the 2019-2022 change in detected victims,
the children's share, ...) is computed by exactly one function, registered here as a
:class:`Figure` with its results key, a reader's label, its year(s), unit and published
counterpart. Chapters, sensitivity and rule-switch tables, the claims ledger, the vintage
validation, the profiles and the landing page all call :func:`value` (or :func:`evaluate` on
a table of their own, :func:`grid` for a table of options), so the same quantity has the same
value everywhere.

Every rule the chapters vary is an option (:class:`Options`): the ``"<5"`` policy, the
aggregation method, the denominator, the trend panel, the form fallback, the regional
grouping, a country set and the population weights. A figure declares which options it reads
(:attr:`Figure.reads`); asking a figure for an option it does not read is allowed (the answer
is the same) and :func:`reads_option` says so, so a switch table can print "no effect" instead
of silently showing an unchanged number.

The data bases
--------------
``basis="report"`` (alias ``"reproduction"``, the main key): what the report did. The
current release as the report would have processed it, that is *without* the collection's
exclusions, and without the country-years the vintage rule flags as restated after the
report, dropped in both directions of restatement
(:func:`tiptrends.methods.vintage.data_bases`); a GLOTIP 2022 figure reads the earlier
release, processed the same way. Every change, and every level the report pairs with a
change, is on the pre-specified trend panel. Recorded under the figure's key.

``basis="current"`` (alias ``"reanalysis"``): the current release with the collection's
exclusions and no vintage rule, what a researcher should cite today; recorded under
``key + "_current_release"``.

Each rule is a public switch of :func:`value`: ``exclusions=True`` on the reproduction
shows what the exclusions change, ``vintage=True`` on the re-analysis what the vintage rule
changes, and ``repair=True`` lets the exclusion entries with ``repair_from`` replace a whole
country series by the earlier release's instead of dropping the excluded years. No basis
holds a country series with values of two releases.

Examples
--------
>>> from tiptrends.methods import figures
>>> fig = figures.FIGURES["forced_labour_share_2022_pct"]
>>> fig.unit, fig.years
('%', (2022,))
>>> round(figures.value("forced_labour_share_2022_pct", basis="current"), 1)   # doctest: +SKIP
25.7
>>> figures.value("forced_labour_share_2022_pct", method="mean")               # doctest: +SKIP
"""

from __future__ import annotations

# The area modules register their figures on import.
from tiptrends.methods.figures import children, detection, eu, flows, forms, justice, victims
from tiptrends.methods.figures.core import (
    BASES,
    BASIS_ALIASES,
    BASIS_RULES,
    CURRENT_SUFFIX,
    FIGURES,
    NO_EFFECT,
    OPTION_NAMES,
    Basis,
    Figure,
    Inputs,
    Options,
    basis_difference,
    basis_name,
    data_bases,
    evaluate,
    figure,
    glotip,
    grid,
    gsi_population,
    policy_functions,
    processed_tables,
    reads_option,
    recorded,
    register,
    switch_table,
    table,
    value,
    values,
)

__all__ = [
    "BASES",
    "basis_difference",
    "BASIS_ALIASES",
    "BASIS_RULES",
    "CURRENT_SUFFIX",
    "FIGURES",
    "NO_EFFECT",
    "OPTION_NAMES",
    "Basis",
    "Figure",
    "Inputs",
    "Options",
    "basis_name",
    "children",
    "data_bases",
    "detection",
    "eu",
    "evaluate",
    "figure",
    "flows",
    "forms",
    "glotip",
    "grid",
    "gsi_population",
    "justice",
    "policy_functions",
    "processed_tables",
    "reads_option",
    "recorded",
    "register",
    "switch_table",
    "table",
    "value",
    "values",
    "victims",
]
