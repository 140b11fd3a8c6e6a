"""The published-figures table: schema, citations, ids notebooks rely on, transcription."""

from __future__ import annotations

import csv
import math
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import missing_input
from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io import published, remembered
from tiptrends.io.published import (
    COLUMNS,
    UNITS,
    citation,
    load_published,
    published_row,
    published_table,
    published_value,
)

REFERENCE_MD = Path(
    os.environ.get("TIPTRENDS_REFERENCE_MD")
    or paths.project_root().parent / "shared" / "reference" / "published_figures.md"
)

#: Figure ids the notebooks use; renaming one of these breaks a notebook.
KEY_IDS = [
    "glotip2024_victims_total_2022",
    "glotip2024_victims_total_2022_alt_efe",
    "glotip2024_victims_change_2019_2022_pct",
    "glotip2024_victims_change_2020_2022_pct",
    "glotip2022_victims_change_2019_2020_pct",
    "glotip2024_forced_labour_share_2022_pct",
    "glotip2024_sexual_exploitation_share_2022_pct",
    "glotip2024_forced_labour_change_2019_2022_pct",
    "glotip2024_children_change_2019_2022_pct",
    "glotip2024_girls_change_2019_2022_pct",
    "glotip2024_children_share_2022_pct",
    "glotip2022_children_share_2020_pct",
    "glotip2024_women_share_2022_pct",
    "glotip2024_men_share_2022_pct",
    "glotip2024_girls_share_2022_pct",
    "glotip2024_boys_share_2022_pct",
    "glotip2024_women_girls_share_2022_pct",
    "glotip2020_children_share_2018_pct",
    "glotip2022_convictions_change_2017_2020_pct",
    "glotip2022_convictions_change_2019_2020_pct",
    "glotip2022_forced_criminality_share_2016_pct",
    "glotip2022_forced_criminality_share_2018_pct",
    "glotip2022_forced_criminality_share_2020_pct",
    "glotip2024_forced_criminality_share_2022_pct",
    "glotip2024_organised_crime_share_pct",
    "eurostat_forced_labour_share_2024_pct",
    "eurostat_victims_total_2022",
    "eurostat_victims_total_2023",
    "gems2022_forced_labour_2021",
    "gems2022_children_forced_labour_2021",
    "globalchain2025_potential_victims",
    "globalchain2025_arrests",
    "globalchain2025_suspects_identified",
    "pr2025_legislation_countries",
    "pr2025_victims_total_2021",
]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_published()


def test_real_table_passes_schema(table: pd.DataFrame) -> None:
    assert tuple(table.columns) == COLUMNS
    assert len(table) >= 300
    assert table["figure_id"].is_unique
    assert set(table["unit"]) <= set(UNITS)


def test_every_row_has_a_citation(table: pd.DataFrame) -> None:
    for col in ("source_title", "url", "publisher", "edition"):
        assert table[col].notna().all() and (table[col].str.strip() != "").all(), col
    assert table["url"].str.match(r"https?://").all()
    for fid, url, pub in table[["figure_id", "url", "publisher"]].itertuples(index=False):
        text = citation(fid)
        assert text.startswith(pub + ", ") and text.endswith(". " + url)


@pytest.mark.parametrize("figure_id", KEY_IDS)
def test_key_figure_ids_exist(table: pd.DataFrame, figure_id: str) -> None:
    assert figure_id in set(table["figure_id"])
    assert math.isfinite(published_value(figure_id))


def test_ranges_and_bounds(table: pd.DataFrame) -> None:
    row = published_row("glotip2024_sexual_exploitation_share_2022_pct")
    assert (row["value_low"], row["value_high"], row["qualifier"]) == (36, 38, "range")
    assert published_row("pr2025_legislation_countries")["value_low"] == 180
    assert published_value("glotip2022_convictions_change_2017_2020_pct") < 0


def test_published_table_order_and_difference() -> None:
    ids = ["glotip2024_children_share_2022_pct", "glotip2024_victims_total_2022"]
    out = published_table(ids, reproduced={"glotip2024_victims_total_2022": 70000.0})
    assert list(out.index) == ids
    assert out.loc["glotip2024_victims_total_2022", "difference"] == 70000.0 - 69627.0
    assert math.isnan(out.loc["glotip2024_children_share_2022_pct", "reproduced"])
    assert out["citation"].str.contains("http").all()


def test_unknown_id_raises_key_error_with_suggestion() -> None:
    with pytest.raises(KeyError, match="glotip2024_victims_total_2022"):
        published_value("glotip2024_victims_totl_2022")
    with pytest.raises(KeyError, match="no_such_figure"):
        published_table(["glotip2024_victims_total_2022", "no_such_figure"])


# --- malformed copies -------------------------------------------------------------


def _rows() -> list[dict[str, str]]:
    with published.default_path().open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _missing_url(rows):
    rows[3]["url"] = ""
    return rows, "url"


def _bad_url(rows):
    rows[3]["url"] = "www.example.org/no-scheme"
    return rows, "url"


def _duplicate_id(rows):
    rows[5]["figure_id"] = rows[4]["figure_id"]
    return rows, "figure_id"


def _bad_unit(rows):
    rows[2]["unit"] = "percents"
    return rows, "unit"


def _missing_publisher(rows):
    rows[7]["publisher"] = ""
    return rows, "publisher"


def _non_numeric_value(rows):
    rows[1]["value"] = "69,627"
    return rows, "value"


def _value_outside_bounds(rows):
    rows[0].update(value="50", value_low="60", value_high="70", qualifier="range")
    return rows, "value_low <= value <= value_high"


def _range_without_bounds(rows):
    rows[0].update(qualifier="range", value_low="", value_high="")
    return rows, "qualifier"


def _bad_source_kind(rows):
    rows[0]["primary_or_secondary"] = "tertiary"
    return rows, "primary_or_secondary"


def _extra_column(rows):
    for r in rows:
        r["exact_quote"] = "x"
    return rows, "exact_quote"


@pytest.mark.parametrize(
    "corrupt",
    [
        _missing_url,
        _bad_url,
        _duplicate_id,
        _bad_unit,
        _missing_publisher,
        _non_numeric_value,
        _value_outside_bounds,
        _range_without_bounds,
        _bad_source_kind,
        _extra_column,
    ],
)
def test_malformed_copy_raises_data_error_naming_file(tmp_path: Path, corrupt) -> None:
    rows, expected = corrupt(_rows())
    path = _write(tmp_path / "figures_broken.csv", rows)
    with pytest.raises(DataError) as info:
        load_published(path)
    message = str(info.value)
    assert message.startswith("figures_broken.csv: ")
    assert expected in message
    assert "\n" not in message


def test_missing_file_raises_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"^absent\.csv: .*not found"):
        load_published(tmp_path / "absent.csv")


def test_default_path_follows_project_root(scratch_root: Path) -> None:
    assert published.default_path() == scratch_root / "data" / "published" / "figures.csv"
    assert published_value("glotip2024_victims_total_2022") == 69627


# --- the schema check remembered ----------------------------------------------------


def _fresh_load(path: Path | None = None) -> pd.DataFrame:
    """:func:`load_published` as a new process would (the per-process memo emptied)."""
    published._load_cached.cache_clear()
    return load_published(path)


def test_a_table_checked_once_loads_the_same_without_the_check(scratch_root, monkeypatch):
    """The first load checks the table with pandera and remembers it; a later load of the
    same bytes converts the numbers' columns only, to the same frame, dtypes included."""
    marker = remembered.marker_path(published.CHECK_NAME)
    assert not marker.exists()
    checked = _fresh_load()
    assert marker.is_file()

    def no_check():
        raise AssertionError("the schema check ran again on a table it passed")

    monkeypatch.setattr(published, "schema", no_check)
    quick = _fresh_load()
    pd.testing.assert_frame_equal(quick, checked)
    assert quick["value"].dtype == "float64" and quick["value_low"].isna().any()


def test_a_table_edited_after_its_check_is_checked_again(scratch_root, tmp_path):
    """The memo is keyed by the table's bytes: an edit (or another file) is checked."""
    _fresh_load()
    assert remembered.marker_path(published.CHECK_NAME).is_file()
    rows, expected = _bad_unit(_rows())
    _write(published.default_path(), rows)
    with pytest.raises(DataError, match=expected):
        _fresh_load()
    rows, expected = _bad_url(_rows())
    with pytest.raises(DataError, match=expected):
        _fresh_load(_write(tmp_path / "other.csv", rows))


def test_the_check_key_covers_the_schema_code_and_the_packages(monkeypatch) -> None:
    content = published.default_path().read_bytes()
    key = published.check_key(content)
    assert published.check_key(content + b"\n") != key
    from importlib import metadata

    real = metadata.version
    monkeypatch.setattr(
        metadata, "version", lambda name: "0.0" if name == "pandera" else real(name)
    )
    assert published.check_key(content) != key


def test_an_unwritable_store_still_loads(scratch_root, monkeypatch) -> None:
    """Where the marker cannot be written (a read-only installation) every load checks."""
    (scratch_root / "data" / "curated").mkdir(parents=True)
    (scratch_root / "data" / "curated" / "derived").write_text("a file, not a folder")
    assert _fresh_load()["figure_id"].is_unique
    assert _fresh_load()["figure_id"].is_unique


# --- transcription against the reference markdown ----------------------------------


def _reference_rows() -> dict[str, list[str]]:
    """Markdown table rows of the reference, keyed by their first cell."""
    if not REFERENCE_MD.is_file():
        missing_input(f"reference markdown not available at {REFERENCE_MD}")
    rows = {}
    for line in REFERENCE_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.setdefault(cells[0], cells)
    return rows


def _numbers(cell: str) -> list[float]:
    """Signed numbers in a markdown cell ('−27% (South Asia −56%)' -> [-27, -56])."""
    found = re.findall(r"([+\-−]?)(\d[\d,]*(?:\.\d+)?)", cell)
    return [float(n.replace(",", "")) * (-1 if s in ("-", "−") else 1) for s, n in found]


@pytest.mark.parametrize(
    ("quantity", "figure_id"),
    [
        ("Total detected victims (global)", "glotip2024_victims_total_2022"),
        ("⚠ Total detected victims (alternative figure)", "glotip2024_victims_total_2022_alt_efe"),
        ("Change in detected victims, 2019→2022", "glotip2024_victims_change_2019_2022_pct"),
        ("⚠ Forced-labour share of detected victims", "glotip2024_forced_labour_share_2022_pct"),
        ("Change in convictions", "glotip2022_convictions_change_2019_2020_pct"),
        ("Change in convictions since 2017", "glotip2022_convictions_change_2017_2020_pct"),
        ("Share of children among detected victims", "glotip2024_children_share_2022_pct"),
    ],
)
def test_transcription_matches_reference(quantity: str, figure_id: str) -> None:
    cells = _reference_rows()[quantity]
    assert _numbers(cells[1])[0] == published_value(figure_id)


def test_age_sex_profile_matches_reference() -> None:
    cells = _reference_rows()["Age/sex profile"]
    expected = _numbers(cells[1])
    got = [
        published_value(f"glotip2024_{g}_share_2022_pct") for g in ("women", "men", "girls", "boys")
    ]
    assert got == expected


def test_no_verbatim_quotes_copied(table: pd.DataFrame) -> None:
    """Notes are our own words: no quoted passage of the reference appears in the table."""
    rows = _reference_rows()
    quotes = []
    for cells in rows.values():
        for piece in re.findall(r'"([^"]+)"', cells[-1]):
            quotes += [p.strip() for p in piece.split("…") if len(p.strip()) >= 40]
    assert quotes
    text = " ".join(table[["indicator", "note"]].fillna("").to_numpy().ravel())
    assert not [q for q in quotes if q in text]
