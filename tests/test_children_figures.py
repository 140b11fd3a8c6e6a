"""Chapter 04's figures have one path: the registry, chapter 10's validation table and the
chapter's figure agree (issue 17's inconsistencies of the children's area)."""

from __future__ import annotations

import pytest

from tests.test_golden import read_golden, same
from tiptrends.analyses import profiles
from tiptrends.methods import figures, panels


@pytest.fixture(scope="module")
def golden(glotip_2025, glotip_2023) -> dict[str, float]:
    return read_golden()


def test_children_change_has_one_path(golden) -> None:
    """Chapter 10's table (panels.changes_against_published, measure "children") read 37.6%
    on the report basis while chapter 04 recorded 41.7%: both now read the same counts."""
    for basis in figures.BASES:
        table = figures.table(basis)
        check = panels.changes_against_published(table, panels.GLOTIP2024_CHANGES)
        trend = check.set_index("measure").loc["children", "trend"]
        assert same(trend, figures.value(profiles.CHANGE_KEY, basis)), basis
    assert same(figures.value(profiles.CHANGE_KEY), figures.recorded(golden, profiles.CHANGE_KEY))


def test_profile_figure_draws_the_basis_the_text_reads(golden) -> None:
    """Figure 4.2 drew the current release (women 50.8%) beside text and recorded values of
    the report basis (women 40.3%): it now draws the recorded report-basis values."""
    drawn = profiles.profile_vs_published().set_index("label")["reproduced"]
    for group, key in profiles.SHARE_KEYS.items():
        assert same(drawn[group.capitalize()], figures.recorded(golden, key)), group


def test_chapter_has_no_figure_registry() -> None:
    for name in ("headline_figures", "children_share", "children_change", "profile_bounds"):
        assert not hasattr(profiles, name), name
    assert set(profiles.RECORDED) <= set(figures.FIGURES)
