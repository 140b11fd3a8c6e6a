"""Tables for people: formats, cut tables with their full version as a download."""

from __future__ import annotations

import pandas as pd
import pytest

from tiptrends.report.tables import people_table


def test_counts_shares_missing_and_cut_tables(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(tmp_path))
    df = pd.DataFrame(
        {
            "country": [f"Country {i}" for i in range(20)],
            "victims": [24033.0 + i for i in range(19)] + [None],
            "share": [12.345] * 20,
        }
    )
    html = people_table(df, max_rows=15, download="t_victims").to_html()
    assert "24,033" in html and "24033.0" not in html
    assert "12.3" in html and "12.345" not in html
    assert "first 15 of 20 rows" in html
    assert '<a href="figures/t_victims.csv">full table (20 rows, CSV)</a>' in html
    full = pd.read_csv(tmp_path / "figures" / "t_victims.csv")
    assert len(full) == 20 and full["country"].iloc[-1] == "Country 19"
    assert "Country 19" not in html, "the table on the page is cut"
    shown = people_table(df.tail(3)).to_html()
    assert ">-<" in shown, "missing values as '-'"


def test_download_name_must_be_a_file_stem(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="plain file stem"):
        people_table(pd.DataFrame({"a": [1]}), download="../x")


def test_web_addresses_are_links_and_long_texts_keep_a_line_length() -> None:
    df = pd.DataFrame(
        {
            "figure": ["Victims"],
            "reason for the gap": ["The report's data leave out the restated series " * 2],
            "source": ["Reuters, Trafficking rises, GLOTIP 2024. https://example.org/a?b=1&c=2"],
        }
    )
    page = people_table(df).to_html()
    assert '<a href="https://example.org/a?b=1&amp;c=2">Reuters, Trafficking rises' in page
    assert "min-width: 16em" in page
