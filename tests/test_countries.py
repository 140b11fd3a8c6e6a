"""Tests for tiptrends.io.countries (name matching, EU-27, M49 and GLOTIP regions)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.conftest import raw_file
from tiptrends.errors import DataError
from tiptrends.io import countries as C


def _gsi_names() -> pd.Series:
    path = raw_file("walkfree/2023-Global-Slavery-Index-Data.xlsx")
    df = pd.read_excel(path, sheet_name="GSI 2023 summary data", header=2, engine="calamine")
    return df["Country"].dropna().astype(str)


def _kelley_heiss() -> pd.DataFrame:
    return pd.read_csv(raw_file("tip_tiers/heiss_kelley_tip_tiers_orig.csv"))


def _tier_names() -> pd.Series:
    path = raw_file("tip_tiers/DU_HTC_TIP_Tier_Rankings_2008-2016.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, engine="calamine")
    return pd.concat([s["Country"] for s in sheets.values()]).dropna().astype(str)


def _directionality_names() -> pd.Series:
    path = raw_file("tip_tiers/DU_HTC_TIP_Directionality_Coding_2008-2016.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, engine="calamine")
    cols = []
    for sheet in sheets.values():
        for col in sheet.columns:
            if re.search("origin|transit|destination", str(col), re.IGNORECASE):
                cols.append(sheet[col])
    return pd.concat(cols).dropna().astype(str)


# Distinct raw names (as written, blanks included) without an ISO3 code, per file.
# Every one is listed in data/mappings/country_names.csv with its reason.
EXPECTED_UNMATCHED = {"gsi": 0, "kelley_heiss": 0, "du_tiers": 1, "du_directionality": 132}


@pytest.mark.parametrize(
    ("key", "loader"),
    [
        ("gsi", _gsi_names),
        ("kelley_heiss", lambda: _kelley_heiss()["countryname"]),
        ("du_tiers", _tier_names),
        ("du_directionality", _directionality_names),
    ],
)
def test_every_source_name_matched_or_explained(key, loader):
    names = pd.DataFrame({"country": sorted(set(loader()))})
    matched = C.attach_iso3(names)
    assert len(matched) == len(names)
    unmatched = C.unmatched_names(names)
    assert (unmatched["reason"].str.len() > 0).all()
    manual = set(C.load_country_names()["name"])
    # every unmatched name is an explicit decision in the curated table
    assert {C._clean(n) for n in unmatched["name"]} <= manual
    assert len(unmatched) == EXPECTED_UNMATCHED[key]
    assert matched["iso3"].dropna().isin(C.valid_iso3()).all()


def test_kelley_heiss_codes_win_and_kosovo_falls_back():
    df = _kelley_heiss()
    out = C.attach_iso3(df, name_column="countryname", code_column="iso")
    assert len(out) == len(df) and out["iso3"].notna().all()
    kos = out[df["iso"] == "KOS"]
    assert not kos.empty
    assert set(kos["iso3"]) == {"XKX"} and set(kos["iso3_match"]) == {"name"}
    assert (out.loc[df["iso"] == "AFG", "iso3_match"] == "code").all()


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Congo", "COG"),
        ("Democratic Republic of the Congo", "COD"),
        ("DRC", "COD"),
        ("Korea, North", "PRK"),
        ("Micronesia", "FSM"),
        ("Kosovo", "XKX"),
        ("Dominica Republic", "DOM"),
        ("  Nigeria ", "NGA"),
        ("Honduras`", "HND"),
    ],
)
def test_to_iso3_spot_checks(name, iso3):
    assert C.to_iso3([name]).loc[name] == iso3


@pytest.mark.parametrize(
    "name",
    ["Southern Africa", "Persian Gulf", "Netherlands Antilles", "Serbia and Montenegro", "Europe"],
)
def test_non_countries_and_historical_entities_stay_unmatched(name):
    assert pd.isna(C.to_iso3([name]).loc[name])
    reason = C.unmatched_names(pd.DataFrame({"country": [name]}))["reason"].iloc[0]
    assert "not recognised" not in reason


def test_to_iso3_keeps_input_index_and_nan_for_unknown():
    out = C.to_iso3(["France", "Atlantis", "France"])
    assert list(out.index) == ["France", "Atlantis", "France"]
    assert out.iloc[0] == "FRA" and pd.isna(out.iloc[1])


def test_attach_iso3_does_not_drop_rows_and_labels_method():
    df = pd.DataFrame(
        {"country": ["Germany", None, "Atlantis", "UAE"], "code": ["FRA", "", "X", None]}
    )
    out = C.attach_iso3(df, code_column="code")
    assert list(out["iso3_match"]) == ["code", "unmatched", "unmatched", "manual"]
    assert out["iso3"].iloc[0] == "FRA"
    assert list(df.columns) == ["country", "code"]  # input untouched


def test_eu27():
    assert len(C.EU27) == 27
    assert C.is_eu27("DEU") and not C.is_eu27("GBR")
    assert C.is_eu27(pd.Series(["HRV", "NOR"])).tolist() == [True, False]
    assert C.EU27 <= C.valid_iso3()


def test_country_table():
    table = C.country_table()
    assert table["iso3"].is_unique
    assert table.loc[table["eu27"], "iso3"].nunique() == 27
    assert set(table["un_subregion"]) <= set(C.M49_SUBREGION_TO_REGION)
    row = table.set_index("iso3").loc["BRA"]
    assert row["un_subregion"] == "Latin America and the Caribbean"
    assert row["un_region"] == "Americas" and row["glotip_region"] == C.SOUTH_AMERICA
    assert table["glotip_region"].isin(C.GLOTIP_REGIONS).all()


@pytest.mark.parametrize(
    ("subregion", "iso3", "expected"),
    [
        ("Latin America and the Caribbean", "MEX", C.CENTRAL_AMERICA_CARIBBEAN),
        ("Latin America and the Caribbean", "PER", C.SOUTH_AMERICA),
        ("Eastern Europe", "POL", C.CENTRAL_SE_EUROPE),
        ("Eastern Europe", "UKR", C.EAST_EUROPE_CENTRAL_ASIA),
        ("Southern Europe", "ITA", C.WEST_SOUTH_EUROPE),
        ("Southern Europe", "SRB", C.CENTRAL_SE_EUROPE),
        ("Western Asia", "GEO", C.EAST_EUROPE_CENTRAL_ASIA),
        ("Western Asia", "SAU", C.NORTH_AFRICA_MIDDLE_EAST),
        ("Northern America", "USA", C.NORTH_AMERICA),
        ("Melanesia", "FJI", C.EAST_ASIA_PACIFIC),
        ("Sub-Saharan Africa", None, C.SUB_SAHARAN_AFRICA),
        ("Nowhere", None, None),
    ],
)
def test_glotip_region(subregion, iso3, expected):
    assert C.glotip_region(subregion, iso3) == expected


def test_add_glotip_region_covers_unodc_subregions(run_folder):
    from tests.test_citizenship import raw_sheet  # the sheet as text, read once per run

    df = raw_sheet(run_folder, "unodc/data_glotip_2025-04-14.xlsx")[["Iso3_code", "Subregion"]]
    pairs = df.drop_duplicates().dropna()
    out = C.add_glotip_region(pairs, iso3_column="Iso3_code", subregion_column="Subregion")
    assert len(out) == len(pairs)
    assert out["glotip_region"].isin(C.GLOTIP_REGIONS).all()
    assert set(out["glotip_region"]) == set(C.GLOTIP_REGIONS)


def test_corrupt_manual_table_raises(tmp_path, monkeypatch):
    (tmp_path / "data" / "mappings").mkdir(parents=True)
    (tmp_path / "data" / "mappings" / C.COUNTRY_NAMES_FILE).write_text(
        "name,iso3,note\nFoo,ZZZ,bad code\n", encoding="utf-8"
    )
    monkeypatch.setenv("TIPTRENDS_ROOT", str(tmp_path))
    with pytest.raises(DataError, match="country_names.csv"):
        C.load_country_names()
