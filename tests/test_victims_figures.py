"""Figures of detected victims and chapter 10's readings of other figures: one path each.

Each test pins a value that a chapter used to compute by a second path with another result:
the 2022 victims of known sex and age (chapter 01 without the form fallback, 46,532, against
the base of chapter 04's profile, 61,199), the children's change in chapter 10's check of the
trend panel (no form fallback, 37.6% against 41.7%) and the forced-labour lead of the vintage
validation (its own share code, as a fraction).
"""

from __future__ import annotations

import pytest

from tiptrends.analyses import coverage
from tiptrends.methods import figures, headline, vintage
from tiptrends.methods.figures import victims


@pytest.fixture(scope="module")
def data(glotip_2025, glotip_2023) -> None:
    """The releases are built (the registry loads them itself)."""


@pytest.mark.parametrize("basis", figures.BASES)
def test_known_sex_age_is_the_profile_base(data, basis: str) -> None:
    table = figures.table(basis)  # type: ignore[arg-type]
    profile = headline.children_share_by_year(table, [2022])  # chapter 04's profile
    base = float(profile["n_victims"].iloc[0])
    assert figures.value("victims_known_sex_age_2022", basis) == base  # type: ignore[arg-type]
    defs = coverage.total_definitions(table, 2022)  # chapter 01's definitions table
    assert defs.loc["known_sex_age", "value"] == base
    without = figures.value("victims_known_sex_age_2022", basis, form_fallback=False)  # type: ignore[arg-type]
    assert without < base  # the United Kingdom's 2022 split is published only by form


def test_known_sex_age_counts_the_form_cells_of_a_country_without_a_split(data) -> None:
    table = figures.table("report")
    uk = victims.known_sex_age(table, 2022).get("GBR")
    assert uk is not None and uk > 10_000
    assert "GBR" not in victims.known_sex_age(table, 2022, form_fallback=False).index


@pytest.mark.parametrize("basis", figures.BASES)
def test_chapter_10_reads_the_children_change_from_the_registry(data, basis: str) -> None:
    t = coverage.changes_against_published(basis).set_index("measure")  # type: ignore[arg-type]
    for kind in coverage.PANEL_SET_LABELS:
        assert t.loc["children", kind] == figures.value(
            "children_change_2019_2022_pct",
            basis,  # type: ignore[arg-type]
            panel=kind,
        )
    victims_rows = t.loc["victims"].set_index("y0")
    assert victims_rows.loc[2019, "trend"] == figures.value("victims_change_2019_2022_pct", basis)  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["pooled", "mean", "two_stage"])
def test_vintage_validation_reads_the_registered_shares(data, method: str) -> None:
    # the releases as published, as chapter 10 passes them (the reproduction's own reading)
    v = vintage.vintage_validation(
        figures.glotip("2025"), figures.glotip("2023"), form_lead=coverage.forced_labour_lead
    ).set_index(["statement", "data"])
    # the validation reads the releases as published: the reproduction, and the current
    # release without the collection's exclusions
    for data_name, basis, kw in (
        ("report_basis", "report", {}),
        ("current", "current", {"exclusions": False}),
    ):
        lead = figures.value(
            "forced_labour_share_2022_pct", basis, method=method, **kw
        ) - figures.value("sexual_exploitation_share_2022_pct", basis, method=method, **kw)
        got = v.loc[(f"forced_labour_main_form_2022_{method}", data_name), "value"]
        assert got == pytest.approx(lead, rel=1e-12)
    assert not hasattr(vintage, "_form_shares")  # no second share implementation


def test_coverage_module_has_no_figure_functions() -> None:
    for name in ("headline_figures", "victims_known_sex_age", "victims_plain_total"):
        assert not hasattr(coverage, name), name


def test_changes_are_reported_to_one_decimal(data) -> None:
    for key in ("victims_change_2019_2022_pct", "victims_change_2020_2022_pct"):
        v = figures.value(key, panel="matched")
        assert v == round(v, 1)
