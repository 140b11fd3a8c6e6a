"""Tests for the Walk Free, CTDC and TIP-tier readers, on the real raw files and on malformed
copies built in ``tmp_path``.

Known values were read off the raw files by hand (calamine / a text editor); counts that can be
computed independently from the raw file (with the ``csv`` module or calamine) are.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from tests.conftest import missing_input
from tiptrends.errors import DataError
from tiptrends.io.readers import ctdc, tip, walkfree
from tiptrends.paths import project_root

RAW = Path(
    os.environ.get("TIPTRENDS_DATA_MIRROR") or project_root().parent / "shared" / "data" / "raw"
)
GSI = "walkfree/2023-Global-Slavery-Index-Data.xlsx"
CTDC = "ctdc/CTDC_VPsynthetic_condensed.csv"
KH = "tip_tiers/heiss_kelley_tip_tiers_orig.csv"
DU_TIERS = "tip_tiers/DU_HTC_TIP_Tier_Rankings_2008-2016.xlsx"
DU_FLOWS = "tip_tiers/DU_HTC_TIP_Directionality_Coding_2008-2016.xlsx"


# --------------------------------------------------------------------------- fixture builders
def raw(relative: str) -> Path:
    """Path of a raw file; :func:`tests.conftest.missing_input` when the mirror lacks it."""
    path = RAW / relative
    if not path.is_file():
        missing_input(f"raw file {relative} not available under {RAW}")
    return path


def sheets_of(path: Path, names: list[str] | None = None) -> dict[str, list[list[object]]]:
    """Sheets of a workbook (default all) as rows of cell values (row 0 is Excel row 1)."""
    wb = CalamineWorkbook.from_path(str(path))
    return {
        name: [list(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        for name in (names or wb.sheet_names)
    }


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write rows to an xlsx (empty strings become empty cells)."""
    wb = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([None if v == "" else v for v in row])
    wb.save(path)
    return path


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def assert_data_error(reader: Callable[[Path], pd.DataFrame], path: Path, *words: str) -> None:
    """The reader raises DataError whose one-line message names the file and the problem."""
    with pytest.raises(DataError) as info:
        reader(path)
    message = str(info.value)
    assert path.name in message
    assert "\n" not in message
    for word in words:
        assert word.lower() in message.lower(), message


def corrupt_copies(tmp_path: Path, source: Path) -> list[Path]:
    """A truncated copy of ``source`` and a text file renamed to .xlsx."""
    truncated = tmp_path / f"truncated_{source.name}"
    data = source.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    text = tmp_path / "not_really.xlsx"
    text.write_text("Country,Population\nAfghanistan,1\n", encoding="utf-8")
    return [truncated, text]


# --------------------------------------------------------------------------- Walk Free GSI
@pytest.fixture(scope="module")
def gsi() -> pd.DataFrame:
    return walkfree.read_gsi(raw(GSI))


@pytest.fixture(scope="module")
def gsi_rows() -> list[list[object]]:
    return sheets_of(raw(GSI), [walkfree.SHEET])[walkfree.SHEET]


def test_gsi_real_file(gsi: pd.DataFrame) -> None:
    assert len(gsi) == 180
    assert list(gsi.columns) == list(walkfree.SCHEMA.columns)
    assert gsi["country"].is_unique
    assert str(gsi["population"].dtype) == "Int64"
    assert str(gsi["number_in_modern_slavery"].dtype) == "Int64"
    assert gsi["prevalence_per_1000"].dtype == np.float64
    afg = gsi.set_index("country").loc["Afghanistan"]
    assert afg["population"] == 38_928_000
    assert afg["number_in_modern_slavery"] == 505_000
    assert afg["region"] == "Asia and the Pacific"
    assert afg["prevalence_per_1000"] == pytest.approx(12.9599723815918)
    assert pd.isna(afg["gov_response_total"])  # not assessed
    assert afg["source_row"] == 4  # header on row 3
    # Antigua and Barbuda has no prevalence estimate but a government response score.
    ant = gsi.set_index("country").loc["Antigua and Barbuda"]
    assert pd.isna(ant["number_in_modern_slavery"]) and ant["gov_response_total"] > 0
    assert gsi["number_in_modern_slavery"].isna().sum() == 20
    assert gsi["gov_response_total"].isna().sum() == 4
    # Negative government response scores are real (North Korea) and kept.
    assert gsi.set_index("country").loc["North Korea", "gov_response_total"] < 0
    # Walk Free's headline: 49.6 million people in modern slavery in 2021.
    assert gsi["number_in_modern_slavery"].sum() / 1e6 == pytest.approx(49.6, abs=0.05)


def test_gsi_fixture_roundtrip(tmp_path: Path, gsi: pd.DataFrame, gsi_rows: list) -> None:
    path = write_xlsx(tmp_path / "gsi.xlsx", {walkfree.SHEET: gsi_rows})
    pd.testing.assert_frame_equal(walkfree.read_gsi(path), gsi)


def test_gsi_header_found_when_shifted_within_search(tmp_path: Path, gsi_rows: list) -> None:
    rows = [[""] * 3, *gsi_rows]
    out = walkfree.read_gsi(write_xlsx(tmp_path / "gsi.xlsx", {walkfree.SHEET: rows}))
    assert len(out) == 180 and out["source_row"].iloc[0] == 5


def test_gsi_thousands_separators_parse(tmp_path: Path, gsi: pd.DataFrame, gsi_rows: list) -> None:
    rows = [list(r) for r in gsi_rows]
    rows[3][1] = "38,928,000"
    rows[3][4] = "505,000"
    out = walkfree.read_gsi(write_xlsx(tmp_path / "gsi.xlsx", {walkfree.SHEET: rows}))
    pd.testing.assert_frame_equal(out, gsi)


def test_gsi_missing_and_corrupt_files(tmp_path: Path) -> None:
    assert_data_error(walkfree.read_gsi, tmp_path / "absent.xlsx", "not found")
    for path in corrupt_copies(tmp_path, raw(GSI)):
        assert_data_error(walkfree.read_gsi, path, "not a readable xlsx")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("sheet", ("sheet", "not found")),
        ("header_moved", ("header row", "not found")),
        ("renamed_column", ("lacks column", "Population")),
        ("non_numeric", ("row 5", "not a number", "about 2.9m")),
        ("duplicate", ("duplicate country", "Albania")),
        ("negative", ("population", "greater_than_or_equal_to(0)")),
        ("region", ("unknown region", "Atlantis")),
        ("footnote", ("blank 'region'",)),
        ("fraction", ("not a whole number",)),
        ("extra_column", ("unexpected column", "Rank")),
    ],
)
def test_gsi_bad_input(tmp_path: Path, gsi_rows: list, change: str, words: tuple) -> None:
    rows = [list(r) for r in gsi_rows]
    sheet = walkfree.SHEET
    if change == "sheet":
        sheet = "Summary"
    elif change == "header_moved":
        rows = [[""]] * walkfree.HEADER_SEARCH_ROWS + rows
    elif change == "renamed_column":
        rows[2][1] = "Pop."
    elif change == "non_numeric":
        rows[4][1] = "about 2.9m"
    elif change == "duplicate":
        rows[5][0] = "Albania"
    elif change == "negative":
        rows[4][1] = -5
    elif change == "region":
        rows[4][2] = "Atlantis"
    elif change == "footnote":
        rows.append(["Note: estimates are rounded."])
    elif change == "fraction":
        rows[4][4] = 1234.5
    elif change == "extra_column":
        rows[2] = [*rows[2], "Rank"]
    path = write_xlsx(tmp_path / "gsi.xlsx", {sheet: rows})
    assert_data_error(walkfree.read_gsi, path, *words)


# --------------------------------------------------------------------------- CTDC
@pytest.fixture(scope="module")
def ctdc_df() -> pd.DataFrame:
    return ctdc.read_ctdc(raw(CTDC))


def test_ctdc_real_file(ctdc_df: pd.DataFrame) -> None:
    path = raw(CTDC)
    with path.open(newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    # 21,195 records: the file has 21,196 lines, the last without a newline.
    assert len(ctdc_df) == len(records) == 21_195
    assert list(ctdc_df.columns) == list(ctdc.SCHEMA.columns)
    assert ctdc_df["year_register"].dtype == ctdc.YEAR_DTYPE
    assert ctdc_df["is_forced_labour"].dtype == bool
    for raw_col, (col, allowed, _multi) in ctdc.COLUMNS.items():
        raw_values = pd.Series([r[raw_col] for r in records])
        if allowed == ctdc.FLAG:
            assert ctdc_df[col].sum() == (raw_values == "1").sum(), col
        else:
            got = ctdc_df[col].astype(object).fillna("").astype(str)
            assert got.value_counts().to_dict() == raw_values.value_counts().to_dict(), col
    first = ctdc_df.iloc[0]
    assert first["gender"] == "Female" and first["ip_gender"] == "Female;Male"
    assert pd.isna(first["year_register"]) and pd.isna(first["year_from"])
    bins = ctdc_df.dropna(subset=["year_register"])
    assert (bins["year_from"] <= bins["year_to"]).all()
    row = bins[bins["year_register"] == "2014-2018"].iloc[0]
    assert (row["year_from"], row["year_to"]) == (2014, 2018)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("missing_column", ("missing column", "IP_Gender")),
        ("extra_column", ("unexpected column", "victimId")),
        ("title_line", ("missing column", "line 1")),
        ("gender", ("line 3", "unknown gender code", "Unknown")),
        ("multi", ("line 4", "unknown IP_Relation code", "Neighbour")),
        ("year", ("unknown yearRegister code", "2023")),
        ("flag", ("unknown isForcedLabour code", "yes")),
        ("ragged", ("more fields than the header",)),
        ("empty", ("file is empty (0 bytes)",)),
    ],
)
def test_ctdc_bad_input(tmp_path: Path, change: str, words: tuple) -> None:
    lines = read_lines(raw(CTDC))[:40]
    header = lines[0].split(",")
    body = [line.split(",") for line in lines[1:]]
    if change == "missing_column":
        i = header.index("IP_Gender")
        header.pop(i)
        body = [r[:i] + r[i + 1 :] for r in body]
    elif change == "extra_column":
        header.append("victimId")
        body = [[*r, "7"] for r in body]
    elif change == "gender":
        body[1][header.index("gender")] = "Unknown"
    elif change == "multi":
        body[2][header.index("IP_Relation")] = "FriendAcquaintance;Neighbour"
    elif change == "year":
        body[0][header.index("yearRegister")] = "2023"
    elif change == "flag":
        body[0][header.index("isForcedLabour")] = "yes"
    elif change == "ragged":
        body[0] = [*body[0], "1", "2"]
    out = [",".join(header), *(",".join(r) for r in body)]
    if change == "title_line":
        out = ["CTDC synthetic data, condensed", *out]
    path = tmp_path / "ctdc.csv"
    if change == "empty":
        path.write_text("", encoding="utf-8")
    else:
        write_lines(path, out)
    assert_data_error(ctdc.read_ctdc, path, *words)


def test_ctdc_missing_and_binary_file(tmp_path: Path) -> None:
    assert_data_error(ctdc.read_ctdc, tmp_path / "ctdc.csv", "not found")
    binary = tmp_path / "ctdc.csv"
    binary.write_bytes(bytes(range(128, 256)) * 50)
    assert_data_error(ctdc.read_ctdc, binary, "not a readable csv")


# --------------------------------------------------------------------------- Kelley / Heiss
@pytest.fixture(scope="module")
def kh() -> pd.DataFrame:
    return tip.read_tip_kelley_heiss(raw(KH))


def test_kelley_heiss_real_file(kh: pd.DataFrame) -> None:
    with raw(KH).open(newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    assert len(kh) == len(records) == 3208
    assert list(kh.columns) == list(tip.SCHEMA_KELLEY_HEISS.columns)
    assert kh["tier"].dtype == tip.TIER_DTYPE
    assert kh["year"].dtype == np.int64 and str(kh["ccode"].dtype) == "Int64"
    assert (kh["year"].min(), kh["year"].max()) == (1999, 2015)
    raw_tiers = pd.Series([r["tier"].strip() for r in records])
    assert (kh["tier"] == "Tier 2 Watch List").sum() == (raw_tiers == "Watchlist").sum()
    assert kh["tier"].isna().sum() == (raw_tiers == "NA").sum()
    assert kh["tier"].notna().sum() > 0 and kh.loc[kh["year"] <= 2000, "tier"].isna().all()
    assert not kh["tier_raw"].dropna().str.endswith(" ").any()
    idx = kh.set_index(["iso", "year"])
    assert idx.loc[("AFG", 2002), "tier"] == "Tier 3"
    assert idx.loc[("AFG", 2002), "country"] == "Afghanistan"
    assert idx.loc[("ZWE", 2015), "tier"] == "Tier 3"
    assert pd.isna(idx.loc[("SRB", 2015), "ccode"])
    assert idx.loc[("AFG", 2002), "ccode"] == 700


def test_kelley_heiss_thousands_separator(tmp_path: Path) -> None:
    lines = read_lines(raw(KH))[:5]
    lines[1] = lines[1].replace(",700,", ',"1,700",')
    out = tip.read_tip_kelley_heiss(write_lines(tmp_path / "kh.csv", lines))
    assert out["ccode"].iloc[0] == 1700


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("tier", ("line 5", "unknown tier", "Tier 4")),
        ("duplicate", ("duplicate iso/year", "AFG", "2001")),
        ("year", ("line 3", "year is not a whole number", "2000s")),
        ("renamed", ("missing column", "tier")),
        ("iso", ("iso is not a 3-letter code",)),
    ],
)
def test_kelley_heiss_bad_input(tmp_path: Path, change: str, words: tuple) -> None:
    lines = read_lines(raw(KH))[:20]
    if change == "tier":
        lines[4] = lines[4].replace('"Tier 3"', '"Tier 4"')
    elif change == "duplicate":
        lines.append(lines[3])
    elif change == "year":
        lines[2] = lines[2].replace(",2000,", ",2000s,")
    elif change == "renamed":
        lines[0] = lines[0].replace('"tier"', '"tier_2015"')
    elif change == "iso":
        lines[2] = lines[2].replace('"AFG"', '"Afg"')
    assert_data_error(tip.read_tip_kelley_heiss, write_lines(tmp_path / "kh.csv", lines), *words)


def test_kelley_heiss_missing_and_binary_file(tmp_path: Path) -> None:
    assert_data_error(tip.read_tip_kelley_heiss, tmp_path / "kh.csv", "not found")
    binary = tmp_path / "kh.csv"
    binary.write_bytes(bytes(range(128, 256)) * 50)
    assert_data_error(tip.read_tip_kelley_heiss, binary, "not a readable csv")


# --------------------------------------------------------------------------- DU tiers
@pytest.fixture(scope="module")
def du_sheets() -> dict[str, list[list[object]]]:
    return sheets_of(raw(DU_TIERS))


@pytest.fixture(scope="module")
def du() -> pd.DataFrame:
    return tip.read_du_tiers(raw(DU_TIERS))


def test_du_tiers_real_file(du: pd.DataFrame, du_sheets: dict) -> None:
    stacked_rows = len(du_sheets[tip.DU_STACKED_SHEET]) - 1
    assert du["n_source_rows"].sum() == stacked_rows  # every stacked row accounted for
    assert list(du.columns) == list(tip.SCHEMA_DU_TIERS.columns)
    assert not du.duplicated(["country", "year"]).any()
    assert du["tier"].dtype == tip.TIER_DTYPE
    assert sorted(du["year"].unique()) == list(range(2008, 2017))
    per_year = du.groupby("year").size()
    for sheet, rows in du_sheets.items():
        if sheet != tip.DU_STACKED_SHEET:  # per-year sheets: exact repeats collapsed
            distinct = {(_t(r[1]), _t(r[2])) for r in rows[1:]}
            assert per_year[int(sheet)] == len(distinct), sheet
    assert len(du) == 1642
    idx = du.set_index(["country", "year"])
    assert idx.loc[("Albania", 2008), "tier"] == "Tier 2 Watch List"
    assert idx.loc[("Algeria", 2008), "tier"] == "Tier 3"
    assert idx.loc[("Yemen", 2016), "tier"] == "Special case"
    assert idx.loc[("Cabo Verde", 2016), "tier"] == "Tier 2 Watch List"  # "2 WL"
    assert idx.loc[("Italy", 2016), "tier"] == "Tier 1"  # year and tier stored as text
    assert pd.isna(idx.loc[("Puerto Rico", 2013), "tier"])  # "Under US narrative"
    assert not du["country"].str.endswith(" ").any()  # e.g. "Cambodia " stripped
    # Cambodia: every year but 2015, which the DU coding lacks
    assert sorted(du.loc[du["country"] == "Cambodia", "year"]) == [*range(2008, 2015), 2016]
    assert idx.loc[("Cyprus", 2012), "n_source_rows"] == 3


def _t(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _du_fixture(tmp_path: Path, du_sheets: dict, change: str) -> Path:
    sheets = {k: [list(r) for r in v] for k, v in du_sheets.items()}
    stacked = sheets[tip.DU_STACKED_SHEET]
    if change == "missing_sheet":
        del sheets[tip.DU_STACKED_SHEET]
    elif change == "unknown_tier":
        stacked[5][2] = "4"
    elif change == "conflict":
        stacked.insert(3, [2008.0, "Afghanistan", 3.0])
    elif change == "disagree":
        sheets["2011"][1][2] = "Special Case"
    elif change == "header_moved":
        stacked.insert(0, ["TIP tier rankings"])
    elif change == "year_text":
        stacked[7][0] = "two thousand eight"
    elif change == "wrong_year_in_sheet":
        sheets["2012"][1][0] = 2013.0
    elif change == "extra_sheet":
        sheets["Notes"] = [["x"]]
    return write_xlsx(tmp_path / "du_tiers.xlsx", sheets)


def test_du_tiers_fixture_roundtrip(tmp_path: Path, du: pd.DataFrame, du_sheets: dict) -> None:
    path = _du_fixture(tmp_path, du_sheets, "none")
    pd.testing.assert_frame_equal(tip.read_du_tiers(path), du)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("missing_sheet", ("sheet '2008'", "not found")),
        ("unknown_tier", ("row 6", "unknown tier", "'4'")),
        ("conflict", ("duplicate rows", "Afghanistan", "different tiers")),
        ("disagree", ("'2008' and '2011' disagree", "Afghanistan")),
        ("header_moved", ("header", "not found on row 1")),
        ("year_text", ("row 8", "not a whole number")),
        ("wrong_year_in_sheet", ("sheet '2012'", "is not 2012")),
        ("extra_sheet", ("unexpected sheet", "Notes")),
    ],
)
def test_du_tiers_bad_input(tmp_path: Path, du_sheets: dict, change: str, words: tuple) -> None:
    assert_data_error(tip.read_du_tiers, _du_fixture(tmp_path, du_sheets, change), *words)


def test_du_tiers_missing_and_corrupt(tmp_path: Path) -> None:
    assert_data_error(tip.read_du_tiers, tmp_path / "du.xlsx", "not found")
    for path in corrupt_copies(tmp_path, raw(DU_TIERS)):
        assert_data_error(tip.read_du_tiers, path, "not a readable xlsx")


# --------------------------------------------------------------------------- DU flows
@pytest.fixture(scope="module")
def flow_sheets() -> dict[str, list[list[object]]]:
    return sheets_of(raw(DU_FLOWS))


@pytest.fixture(scope="module")
def flows() -> pd.DataFrame:
    return tip.read_du_flows(raw(DU_FLOWS))


def test_du_flows_real_file(flows: pd.DataFrame, flow_sheets: dict) -> None:
    assert list(flows.columns) == list(tip.SCHEMA_DU_FLOWS.columns)
    assert "Sheet1" not in set(flows["source_sheet"])
    assert sorted(flows["year"].unique()) == list(range(2008, 2017))
    # Every row of each year sheet is kept unless it names no location at all.
    for sheet, rows in flow_sheets.items():
        if sheet == "Sheet1":
            continue
        placed = sum(any(_t(c) for c in (r + ["", "", ""])[1:4]) for r in rows[1:])
        assert (flows["source_sheet"] == sheet).sum() == placed, sheet
    assert len(flows) == 22_231
    first = flows.iloc[0]
    assert (first["year"], first["origin"], first["destination"]) == (
        2008,
        "Afghanistan",
        "Pakistan",
    )
    assert (first["trafficking_type"], first["trafficker"]) == ("1", "11")
    assert pd.isna(first["transit"]) and pd.isna(first["victim_profile"])
    by_row = flows.set_index(["source_sheet", "source_row"])
    # 2012 sheet: column A blank on many rows -> sheet year
    assert by_row.loc[("2012", 42), "year"] == 2012
    assert by_row.loc[("2012", 42), "origin"] == "sub-Saharan Africa"
    # 2013 row 2: "Afghanistan " stripped
    assert by_row.loc[("2013", 2), "origin"] == "Afghanistan"
    # the decimal 3.4 typed in 2016 is the list "3,4"
    idx = [i for i, r in enumerate(flow_sheets["2016"]) if r[4] == 3.4]
    assert len(idx) == 1 and by_row.loc[("2016", idx[0] + 1), "victim_profile"] == "3,4"
    codes = flows["victim_profile"].dropna().str.split(",").explode().astype(int)
    assert codes.between(1, 5).all()
    assert flows["flagged"].sum() > 0


def _flow_fixture(tmp_path: Path, flow_sheets: dict, change: str, n: int = 25) -> Path:
    sheets = {k: [list(r) for r in v[:n]] for k, v in flow_sheets.items()}
    if change == "unknown_code":
        sheets["2010"][3][4] = 9.0
    elif change == "code_text":
        sheets["2010"][3][5] = "sex"
    elif change == "missing_year_sheet":
        del sheets["2012"]
    elif change == "copy_differs":
        sheets["Sheet1"][4][1] = "Atlantis"
    elif change == "year_mismatch":
        sheets["2011"][5][0] = 2010.0
    elif change == "header_moved":
        sheets["2014"].insert(0, [""])
    elif change == "flag":
        sheets["2015"][2][10] = "maybe"
    elif change == "extra_sheet":
        sheets["pivot"] = [["a"]]
    elif change == "stray_column":
        sheets["2013"][2] = (sheets["2013"][2] + [""] * 12)[:11] + ["X"]
    return write_xlsx(tmp_path / "du_flows.xlsx", sheets)


def test_du_flows_fixture_roundtrip(tmp_path: Path, flow_sheets: dict, flows: pd.DataFrame) -> None:
    n = 300  # first rows of every sheet; the output must be the real output for those rows
    out = tip.read_du_flows(_flow_fixture(tmp_path, flow_sheets, "none", n=n))
    expected = flows[flows["source_row"] <= n].reset_index(drop=True)
    pd.testing.assert_frame_equal(out, expected)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("unknown_code", ("sheet '2010' row 4", "unknown victim_profile code", "9")),
        ("code_text", ("sheet '2010' row 4", "unknown trafficking_type code", "sex")),
        ("missing_year_sheet", ("sheet for year 2012 not found",)),
        ("copy_differs", ("'Sheet1' is not a copy of sheet '2016'",)),
        ("year_mismatch", ("sheet '2011' row 6", "differs from sheet year 2011")),
        ("header_moved", ("sheet '2014'", "header moved")),
        ("flag", ("sheet '2015' row 3", "unknown flagged value", "maybe")),
        ("extra_sheet", ("unexpected sheet", "pivot")),
        ("stray_column", ("sheet '2013' row 3", "unnamed column 12")),
    ],
)
def test_du_flows_bad_input(tmp_path: Path, flow_sheets: dict, change: str, words: tuple) -> None:
    assert_data_error(tip.read_du_flows, _flow_fixture(tmp_path, flow_sheets, change), *words)


def test_du_flows_missing_and_corrupt(tmp_path: Path) -> None:
    assert_data_error(tip.read_du_flows, tmp_path / "flows.xlsx", "not found")
    for path in corrupt_copies(tmp_path, raw(DU_FLOWS)):
        assert_data_error(tip.read_du_flows, path, "not a readable xlsx")


# --------------------------------------------------------------------------- contract
def test_module_contract() -> None:
    for module in (walkfree, ctdc, tip):
        assert isinstance(module.READER_VERSION, str) and module.READER_VERSION
        assert module.__doc__
        assert "source_row" in module.__doc__ or "source_line" in module.__doc__


@pytest.mark.parametrize(
    "reader",
    [
        walkfree.read_gsi,
        ctdc.read_ctdc,
        tip.read_tip_kelley_heiss,
        tip.read_du_tiers,
        tip.read_du_flows,
    ],
    ids=["gsi", "ctdc", "kelley_heiss", "du_tiers", "du_flows"],
)
def test_an_empty_file_is_called_empty(tmp_path: Path, reader) -> None:
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert_data_error(reader, empty, "file is empty (0 bytes)")
