"""The docstring examples run as doctests (on the curated tables built by ``make data``).

The functions researchers reach for first carry a worked example: loading the data, shares,
changes and the trend panel, exclusions, the sensitivity table, the GLM trend, the figure
helpers and the results registry. Each must have one, and each must pass.
"""

from __future__ import annotations

import doctest
import importlib

import matplotlib
import pytest

matplotlib.use("Agg")

MODULES = (
    "tiptrends.io.data",
    "tiptrends.io.exclusions",
    "tiptrends.methods.aggregate",
    "tiptrends.methods.panels",
    "tiptrends.methods.sensitivity",
    "tiptrends.methods.models",
    "tiptrends.report.style",
    "tiptrends.report.results",
    "tiptrends.report.prose",
    "tiptrends.report.tables",
    "tiptrends.report.nbclean",
    "tiptrends.report.reference",
    "tiptrends.report.startup",
)

#: The dozen functions with a worked example.
FIRST_REACH = (
    "tiptrends.io.data.load_glotip",
    "tiptrends.io.exclusions.apply_exclusions",
    "tiptrends.methods.aggregate.shares_by_year",
    "tiptrends.methods.panels.country_set",
    "tiptrends.methods.panels.pct_change",
    "tiptrends.methods.sensitivity.sensitivity_table",
    "tiptrends.methods.models.share_trend_glm",
    "tiptrends.report.style.plot_shares_over_time",
    "tiptrends.report.style.save_figure",
    "tiptrends.report.results.record",
    "tiptrends.report.prose.format_value",
    "tiptrends.report.nbclean.normalise",
)


@pytest.mark.parametrize("name", FIRST_REACH)
def test_first_reach_functions_have_an_example(name: str) -> None:
    module, _, attr = name.rpartition(".")
    doc = getattr(importlib.import_module(module), attr).__doc__ or ""
    assert "Examples\n    --------\n" in doc and ">>> " in doc, name


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_pass(module: str, glotip_2025, capsys) -> None:
    mod = importlib.import_module(module)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    with matplotlib.rc_context():  # examples may apply the house style: keep it to them
        result = doctest.testmod(mod, optionflags=flags, report=True)
    report = capsys.readouterr().out
    assert result.attempted > 0, f"{module} has no docstring example"
    assert result.failed == 0, report[-3000:]
