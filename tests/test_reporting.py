"""Published-vs-reproduced comparisons and recording against published figures."""

from __future__ import annotations

import json

import pytest

from tiptrends.io import published
from tiptrends.report import reporting
from tiptrends.report.results import NOTEBOOK_ENV, RESULTS_FILE_ENV


def test_compare_uses_the_published_table() -> None:
    row = reporting.compare(
        "victims_total_2022", 69_000.0, "glotip2024_victims_total_2022", reason="test"
    )
    assert row.published == published.published_value("glotip2024_victims_total_2022") == 69_627
    assert row.gap == pytest.approx(-627)
    assert row.relative_gap_pct == pytest.approx(-627 / 69_627 * 100)
    assert "http" in row.citation
    assert not row.within_published_range


def test_range_figures() -> None:
    figure = "glotip2024_sexual_exploitation_share_2022_pct"
    prow = published.published_row(figure)
    low, high = prow["value_low"], prow["value_high"]
    inside = reporting.compare("x_pct", (low + high) / 2, figure, reason="inside")
    outside = reporting.compare("x_pct", high + 5, figure, reason="outside")
    assert inside.within_published_range and not outside.within_published_range


def test_unknown_figure_is_an_error() -> None:
    with pytest.raises(Exception, match="no_such_figure"):
        reporting.compare("k", 1.0, "no_such_figure", reason="")


def test_table_and_record_against(tmp_path, monkeypatch) -> None:
    results = tmp_path / "nb.json"
    monkeypatch.setenv(RESULTS_FILE_ENV, str(results))
    monkeypatch.setenv(NOTEBOOK_ENV, "01_detected_victims.ipynb")
    a = reporting.record_against(
        "victims_change_2019_2022_pct",
        12.5,
        "glotip2024_victims_change_2019_2022_pct",
        reason="matched set",
    )
    table = reporting.comparison_table([a])
    assert list(table.index) == ["victims_change_2019_2022_pct"]
    assert table.loc["victims_change_2019_2022_pct", "gap"] == pytest.approx(12.5 - a.published)
    stored = json.loads(results.read_text())["victims_change_2019_2022_pct"]
    assert stored["value"] == 12.5 and stored["published"] == a.published
    assert stored["source"] == a.citation
    assert reporting.as_records([a])[0]["gap"] == pytest.approx(a.gap)


def test_record_bases_records_both_keys(tmp_path, monkeypatch):
    import json

    from tiptrends.report import reporting, results

    out = tmp_path / "results.json"
    monkeypatch.setenv(results.RESULTS_FILE_ENV, str(out))
    monkeypatch.setenv(results.NOTEBOOK_ENV, "x.ipynb")
    row = reporting.record_bases(
        "victims_total_2022",
        48589.0,
        75128.0,
        "glotip2024_victims_total_2022",
        reason="report basis reason",
        difference="Pakistan's restated series",
    )
    assert row.basis.reproduced == 48589.0 and row.current_release == 75128.0
    table = reporting.bases_table([row])
    assert table.loc[0, reporting.REPRODUCTION] == "48,589 persons"
    assert table.loc[0, reporting.REANALYSIS] == "75,128 persons"
    assert "victims_total_2022" not in " ".join(map(str, table.columns))
    data = json.loads(out.read_text())
    assert data["victims_total_2022"]["value"] == 48589.0
    assert data["victims_total_2022_current_release"]["value"] == 75128.0
    assert data["victims_total_2022_current_release"]["note"] == "Pakistan's restated series"
