"""Tests for tiptrends.io.citizenship (curated mapping of UNODC citizenship categories)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import once_per_run, raw_file
from tiptrends import vocab
from tiptrends.errors import DataError
from tiptrends.io import citizenship as Z

RELEASES = ("unodc/data_glotip_2025-04-14.xlsx", "unodc/data_glotip_2023-05-30.xlsx")


def raw_sheet(run_folder: Path, release: str) -> pd.DataFrame:
    """The release's sheet as text (``pd.read_excel``), read once per test run."""
    return once_per_run(
        run_folder,
        f"raw-sheet-{Path(release).stem}",
        lambda: pd.read_excel(raw_file(release), engine="calamine", header=2, dtype=str),
    )


@pytest.fixture(scope="module", params=RELEASES)
def citizenship_rows(request, run_folder: Path) -> pd.DataFrame:
    df = raw_sheet(run_folder, request.param)
    return df[df["Dimension"] == vocab.DIM_CITIZENSHIP].reset_index(drop=True)


def test_table_is_valid_and_covers_every_category(citizenship_rows):
    table = Z.load_citizenship_map()
    cats = set(citizenship_rows["Category"].dropna())
    assert len(cats) > 300
    assert cats <= set(table["category"])


def test_both_releases_together_are_the_table(run_folder: Path):
    table = Z.load_citizenship_map()
    seen: set[str] = set()
    for rel in RELEASES:
        df = raw_sheet(run_folder, rel)
        seen |= set(df.loc[df["Dimension"] == vocab.DIM_CITIZENSHIP, "Category"].dropna())
    # no stale rows: every curated category occurs in a release
    assert set(table["category"]) == seen


@pytest.mark.parametrize(
    ("category", "group", "iso3"),
    [
        ("Germans", "country", "DEU"),
        ("Romanian", "country", "ROU"),
        ("Nigerians", "country", "NGA"),
        ("Swedesh", "country", "SWE"),
        ("chiness", "country", "CHN"),
        ("97 albanian", "country", "ALB"),
        ("T\u00c3\u00bcrkiye", "country", "TUR"),
        ("Congolese (DRC)", "country", "COD"),
        ("Kosovo under UNSCR 1244", "country", "XKX"),
        ("Ciudadanos de su pa\ufffds", "nationals", ""),
        ("Nationals", "nationals", ""),
        ("Unknown", "unknown", ""),
        ("Sin determinar", "unknown", ""),
        ("M49 Region: Africa", "region", ""),
        ("EU-28 others", "region", ""),
        ("Former Czechoslovakia", "region", ""),
        ("Stateless", "other", ""),
        ("Q6.1_10s_2019", "other", ""),
        ("TOTAL", "other", ""),
    ],
)
def test_spot_checks(category, group, iso3):
    row = Z.load_citizenship_map().set_index("category").loc[category]
    assert (row["group"], row["iso3"]) == (group, iso3)


def test_abroad_not_in_releases_is_rejected():
    # "Abroad" does not occur in either release, so it is (correctly) not in the table
    df = pd.DataFrame({"category": ["Abroad", "Germans"]})
    with pytest.raises(
        DataError, match=r"citizenship\.csv: 1 unmapped citizenship categories: 'Abroad'"
    ):
        Z.map_citizenship(df)


def test_map_citizenship_adds_columns_and_keeps_rows():
    df = pd.DataFrame({"category": ["Germans", "Nationals", None, "Africa"], "iso3": ["DEU"] * 4})
    out = Z.map_citizenship(df)
    assert len(out) == 4 and list(df.columns) == ["category", "iso3"]
    assert out["citizenship_group"].tolist() == ["country", "nationals", "unknown", "region"]
    assert (
        out["citizenship_iso3"].iloc[0] == "DEU" and out["citizenship_iso3"].iloc[1:].isna().all()
    )
    assert Z.classify_domestic(out).tolist() == ["domestic", "domestic", "unknown", "foreign"]
    other = pd.DataFrame({"category": ["Germans"], "iso3": ["FRA"]})
    assert Z.classify_domestic(other).tolist() == ["foreign"]


def _corrupt(scratch_root, edit) -> None:
    path = scratch_root / "data" / "mappings" / Z.CITIZENSHIP_FILE
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(table)
    table.to_csv(path, index=False)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.loc.__setitem__((t["category"] == "Nationals", "group"), "citizens"),
        lambda t: t.loc.__setitem__((t["category"] == "Nationals", "iso3"), "DEU"),
        lambda t: t.loc.__setitem__((t["category"] == "Germans", "iso3"), ""),
        lambda t: t.loc.__setitem__((t["category"] == "Germans", "iso3"), "deu"),
        lambda t: t.loc.__setitem__((t["category"] == "Germans", "iso3"), "ZZZ"),
        lambda t: t.loc.__setitem__((t["category"] == "Romanian", "category"), "Germans"),
    ],
    ids=[
        "bad-group",
        "iso3-on-nationals",
        "country-without-iso3",
        "lowercase",
        "unknown-code",
        "dup",
    ],
)
def test_schema_rejects_corrupted_table(scratch_root, edit):
    _corrupt(scratch_root, edit)
    with pytest.raises(DataError, match=r"citizenship\.csv: invalid citizenship mapping"):
        Z.load_citizenship_map()


def test_a_mapping_checked_once_loads_the_same_without_the_check(scratch_root, monkeypatch):
    """The first load checks the mapping and remembers it; a later load of the same bytes
    returns the same frame without the check (no pandera, no country list)."""
    from tiptrends.io import remembered

    assert not remembered.marker_path(Z.CHECK_NAME).exists()
    checked = Z.load_citizenship_map()
    assert remembered.marker_path(Z.CHECK_NAME).is_file()

    def no_check():
        raise AssertionError("the schema check ran again on a mapping it passed")

    monkeypatch.setattr(Z, "_schema", no_check)
    pd.testing.assert_frame_equal(Z.load_citizenship_map(), checked)


def test_a_mapping_edited_after_its_check_is_checked_again(scratch_root):
    Z.load_citizenship_map()
    _corrupt(scratch_root, lambda t: t.loc.__setitem__((t["category"] == "Germans", "iso3"), "ZZZ"))
    with pytest.raises(DataError, match=r"citizenship\.csv: invalid citizenship mapping"):
        Z.load_citizenship_map()


def test_missing_table_raises(scratch_root):
    (scratch_root / "data" / "mappings" / Z.CITIZENSHIP_FILE).unlink()
    with pytest.raises(DataError, match="citizenship.csv"):
        Z.load_citizenship_map()


def test_mapped_share_on_real_data(citizenship_rows):
    # Threshold 0.9: what cannot be mapped is legitimately unmappable ("Unknown", missing
    # categories, regional residuals); at the time of curation the shares were 0.917
    # (2025 release) and 0.960 (2023 release). A drop below 0.9 means categories were
    # mis-grouped or that new unknown-type rows dominate, and needs review.
    result = Z.mapped_share(citizenship_rows, category_column="Category")
    assert result["share"] > 0.9
    assert result["total"] == pytest.approx(sum(result["by_group"].values()))
    assert result["by_group"]["country"] > result["by_group"]["nationals"] > 0


def test_suggest_mapping_drafts():
    draft = Z.suggest_mapping(["Germans", "Swedesh", "USA", "Nationals", "Atlantisians"])
    assert draft["iso3"].tolist()[:3] == ["DEU", "SWE", "USA"]
    assert draft["group"].tolist()[3:] == ["nationals", "other"]


def test_placeholders_name_no_origin_while_countries_and_regions_do():
    rows = pd.DataFrame(
        {
            "iso3": ["ARG", "ARG", "NGA", "DEU", "NGA", "ARG"],
            "category": [
                "(especifique otras nacionalidades)",
                "OTROS",
                "Benin",
                "Africa others",
                "Nationals",
                "Bolivia",
            ],
        }
    )
    key = Z.origin_key(Z.map_citizenship(rows))
    assert key.isna().tolist() == [True, True, False, False, True, False]
    assert key.iloc[2] == "BEN" and key.iloc[5] == "BOL"
    assert key.iloc[3] == "Africa"  # a region is an origin, named by its region
    # the placeholders still count as foreign victims in the shares
    assert Z.classify_domestic(Z.map_citizenship(rows)).iloc[:2].tolist() == ["foreign", "foreign"]
