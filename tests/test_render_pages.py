"""Generated pages of the book: values for people, descriptions, verdicts, claims, downloads."""

from __future__ import annotations

from tiptrends.report import site_pages
from tiptrends.report.site_pages import Chapter

CHAPTERS = {
    "01_detected_victims": Chapter("01_detected_victims", "Detected victims"),
    "11_press_release_claims": Chapter("11_press_release_claims", "Claims"),
}


def test_format_result_for_people() -> None:
    assert site_pages.format_result(24033.0, "persons") == "24,033 persons"
    assert site_pages.format_result(156.0, "countries") == "156 countries"
    assert site_pages.format_result(38.14, "percent") == "38.1%"
    assert site_pages.format_result(25.0, "percent change") == "+25.0%"
    assert site_pages.format_result(-3.3889, "percentage points") == "-3.4 points"
    assert site_pages.format_result(0.4321, None, "tier_rho") == "0.43"
    assert site_pages.format_result(12.5, None, "x_pct") == "12.5%"
    assert site_pages.format_result(float("nan"), "%") == "-"
    assert (
        site_pages.format_result(1.2345, "per 100 detected victims")
        == "1.2 per 100 detected victims"
    )


def test_verdicts_and_tolerances() -> None:
    rec = {"value": 38.6, "published": 38.0, "unit": "%"}
    assert site_pages.verdict(rec) == "reproduced"
    assert site_pages.verdict({**rec, "value": 40.5}) == "not reproduced (+2.5 points)"
    assert site_pages.verdict({"value": 74785, "published": 74785, "unit": "persons"}) == (
        "reproduced"
    )
    assert site_pages.verdict({"value": 69000, "published": 74785, "unit": "persons"}) == (
        "not reproduced (-8%)"
    )
    assert site_pages.verdict({"value": 1, "published": None}) == "no published figure"


def test_headline_verdict_is_the_claims_verdict() -> None:
    """The old table called 55,261 against "over 50,000" "differs (+11%)" while the claims
    ledger called it "consistent"; both now read the published figure's kind."""
    from tiptrends.io.published import citation

    rec = {
        "value": 55_261.0,
        "published": 50_000.0,
        "unit": "persons",
        "source": citation("pr2025_victims_total_2021"),
    }
    assert site_pages.verdict(rec, "some_unregistered_key") == "consistent (+11%)"
    assert site_pages.verdict(rec, "victims_total_2021_pooled_all") == "consistent (+11%)"
    eu = {"value": 41.6, "published": 37.0, "unit": "%"}
    assert site_pages.verdict(eu, "eu_forced_labour_share_2022_pct").startswith("not comparable")


def test_registered_figures_are_described_by_their_label() -> None:
    from tiptrends.methods import figures

    rec = {"value": 41.6, "published": 37.0, "note": "Share of cases in the EU (record)"}
    label = figures.FIGURES["eu_forced_labour_share_2022_pct"].label
    assert site_pages.describe("eu_forced_labour_share_2022_pct", rec, {}) == label
    assert site_pages.describe("eu_forced_labour_share_2022_pct_current_release", rec, {}) == (
        label + ", current release"
    )


def test_description_is_never_the_raw_key_when_a_better_one_exists() -> None:
    indicators = {
        (38.0, "UNODC, Report, GLOTIP 2024. https://x"): "Children among detected victims"
    }
    rec = {
        "value": 37.2,
        "published": 38.0,
        "source": "UNODC, Report, GLOTIP 2024. https://x",
        "note": "Miss. Pooled over 89 countries.",
    }
    assert site_pages.describe("unregistered_share_2022_pct", rec, indicators) == (
        "Children among detected victims"
    )
    noted = {"value": 3, "note": "countries publishing a victims total for 2022 ('<5' included)"}
    assert site_pages.describe("k", noted, {}) == "Countries publishing a victims total for 2022"
    assert (
        site_pages.describe("unregistered_total_2022", {"value": 1}, {})
        == "Unregistered total 2022"
    )
    other = {"value": 0.4, "note": "as tier_detection_rate_rho_du, Kelley-Heiss coding"}
    assert (
        site_pages.describe("k", other, {}) == "As tier detection rate rho du, Kelley-Heiss coding"
    )
    assert site_pages.describe("k", {"value": 1, "description": "Own words"}, {}) == "Own words"


def test_headline_rows_link_chapter_and_citation() -> None:
    results = {
        "victims_total_2022": {
            "value": 74785.0,
            "published": 74785.0,
            "unit": "persons",
            "notebook": "01_detected_victims.ipynb",
            "source": "EFE, Victims up, GLOTIP 2024. https://example.org/efe",
            "note": "Plain sum of every 2022 country total",
        },
        "countries_reporting_total_2022": {
            "value": 100,
            "published": None,
            "unit": "countries",
            "notebook": "01_detected_victims.ipynb",
            "note": "countries publishing a victims total for 2022",
        },
    }
    rows = site_pages.headline_rows(results, CHAPTERS)
    assert [r["Our value"] for r in rows] == ["100 countries", "74,785 persons"]
    published = rows[1]
    assert published["Published"] == "74,785 persons ([source](https://example.org/efe))"
    assert "reproduced" in published["Verdict"]
    assert published["Chapter"] == "[1. Detected victims](01_detected_victims.ipynb)"
    assert "no published figure" in rows[0]["Verdict"]
    only = site_pages.headline_rows(results, CHAPTERS, only_published=True)
    assert len(only) == 1
    table = site_pages.markdown_table(rows, site_pages.HEADLINE_COLUMNS)
    assert "victims_total_2022" not in table and "countries_reporting" not in table


def test_stacked_table_labels_every_cell_with_its_column() -> None:
    rows = [{"What": "Victims <2022>", "Our value": "74,785"}]
    table = site_pages.markdown_table(rows, ("What", "Our value"), stack=True)
    lines = table.splitlines()
    assert lines[:2] == [":::{table}", ":class: tt-stack"] and lines[-1] == ":::"
    body = lines[-2]
    assert body == (
        '| <span class="tt-cell-label">What</span> Victims <2022> '
        '| <span class="tt-cell-label">Our value</span> 74,785 |'
    )
    assert site_pages.markdown_table([], ("What",), stack=True) == ""


def test_landing_lists_claims_with_verdicts_and_links() -> None:
    claims = [
        {
            "claim": "Over 50,000 victims were detected in 2021.",
            "verdict": "consistent",
            "shown": "73,000 detected victims in 110 countries",
            "chapters": ["01_detected_victims"],
        },
        {
            "claim": "Organised crime is behind three cases in four.",
            "verdict": "not testable with these data",
            "shown": "no case data",
            "chapters": [],
        },
    ]
    text = site_pages.landing_markdown({}, CHAPTERS, list(reversed(claims)), claims_source="X")
    assert "The press release made 2 quantitative claims" in text
    assert "*The release:* X." in text
    assert "1 not testable with these data, 1 consistent" in text
    assert text.index("Over 50,000") < text.index("Organised crime"), "testable claims first"
    assert "[1. Detected victims](01_detected_victims.ipynb)" in text
    assert 'class="tt-verdict untested"' in text
    fallback = site_pages.landing_markdown({}, CHAPTERS, None)
    assert "(11_press_release_claims.ipynb)" in fallback


def test_downloads_and_sources() -> None:
    text = site_pages.downloads_markdown([("downloads/results.json", "numbers", 2_345)])
    assert '<a href="downloads/results.json" download>results.json</a>' in text
    assert "(2 kB)" in text
    sources = site_pages.sources_markdown()
    assert "United Nations Office on Drugs and Crime" in sources and "Cite as" in sources


def test_record_page_data(tmp_path, monkeypatch) -> None:
    import json

    import pytest

    from tiptrends.report import book

    assert book.record_page_data("places", ["A"]) == ["A"]
    target = tmp_path / "page_data.json"
    assert not target.exists(), "nothing written outside a render"
    monkeypatch.setenv(book.PAGE_DATA_FILE_ENV, str(target))
    book.record_page_data("places", ["A", "B"])
    assert json.loads(target.read_text()) == {"places": ["A", "B"]}
    with pytest.raises(ValueError, match="snake_case"):
        book.record_page_data("Bad name", 1)
    with pytest.raises(TypeError):
        book.record_page_data("not_json", object())


def test_places_part_lists_the_rendered_profiles() -> None:
    assert "No place profile" in site_pages.places_markdown(CHAPTERS)
    text = site_pages.places_markdown(
        CHAPTERS,
        [Chapter("profiles/nga", "Nigeria"), Chapter("profiles/eu27", "EU-27")],
        intro="profiles/render_any_place",
    )
    assert text.startswith("```{toctree}")
    assert "profiles/render_any_place\nEU-27 <profiles/eu27>\nNigeria <profiles/nga>" in text
