"""The UNODC GLOTIP reader on the real releases and on malformed files made here."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import once_per_run, raw_file
from tiptrends import vocab
from tiptrends.errors import DataError
from tiptrends.io.readers.unodc import HEADER_ROW, SCHEMA, SHEET, read_glotip

RELEASE_2025 = "unodc/data_glotip_2025-04-14.xlsx"
RELEASE_2023 = "unodc/data_glotip_2023-05-30.xlsx"


@pytest.fixture(scope="module")
def glotip_2025(run_folder: Path):
    # read once per run: this module's tests may run on both workers
    return once_per_run(run_folder, "read_glotip_2025", lambda: read_glotip(raw_file(RELEASE_2025)))


@pytest.fixture(scope="module")
def glotip_2023(run_folder: Path):
    return once_per_run(run_folder, "read_glotip_2023", lambda: read_glotip(raw_file(RELEASE_2023)))


def test_2025_release_keeps_every_row(glotip_2025) -> None:
    df = glotip_2025
    assert len(df) == 58_769
    assert df["suppressed"].sum() == 29_558
    assert (df["release"] == "2025-04-14").all()
    assert df["year"].between(2003, 2022).all()
    assert not df["is_aggregate"].any()
    assert set(df["dimension"]) == set(vocab.DIMENSIONS)
    assert list(df.columns) == list(SCHEMA.columns)
    # the only rows without an ISO3 code are the territory of Sark
    assert set(df.loc[df["iso3"].isna(), "country"]) == {"Sark"}


def test_2025_parses_thousands_separators_and_totals(glotip_2025) -> None:
    df = glotip_2025
    with_sep = df[df["raw_value"].str.contains(",")]
    assert len(with_sep) > 0
    assert np.allclose(with_sep["value"], with_sep["raw_value"].str.replace(",", "").astype(float))
    totals = df[
        (df["indicator"] == vocab.VICTIMS)
        & (df["dimension"] == vocab.DIM_TOTAL)
        & (df["sex"] == vocab.TOTAL)
        & (df["age"] == vocab.TOTAL)
        & (df["year"] == 2022)
    ]
    assert totals["iso3"].nunique() == len(totals) == 112
    assert totals["value"].sum() == 75_128


def test_2023_release_flags_aggregate_rows(glotip_2023) -> None:
    df = glotip_2023
    assert len(df) == 46_556
    assert (df["release"] == "2023-05-30").all()
    aggregates = df[df["is_aggregate"]]
    assert {"SAM", "SAF", "CAR", "CAS", "EEU", "MCA", "MCN"} <= set(aggregates["iso3"])
    assert aggregates["country"].isna().all()
    assert df.loc[~df["is_aggregate"], "country"].notna().all()
    assert df["year"].max() == 2021


def test_other_forms_subrows_are_flagged_not_dropped(glotip_2025) -> None:
    dup = glotip_2025[glotip_2025["duplicate_key"]]
    assert len(dup) > 0
    assert (dup["category"] == vocab.OTHER_FORMS).any()
    headline = dup[
        (dup["dimension"] == vocab.DIM_TOTAL)
        & (dup["sex"] == vocab.TOTAL)
        & (dup["age"] == vocab.TOTAL)
    ]
    assert headline.empty


# ---------------------------------------------------------------------------------------------
# Malformed files: a small workbook made from the first rows of the real release, then broken.


@functools.cache
def _real_head(n: int) -> tuple[tuple[object, ...], ...]:
    """The first ``n`` data rows of the real release and the rows above them, read once per
    process: reading the whole sheet takes about a second, and some twenty tests (here, in
    tests/test_cli.py and tests/test_config_validation.py) make a small copy from it."""
    sheet = CalamineWorkbook.from_path(str(raw_file(RELEASE_2025))).get_sheet_by_name(SHEET)
    return tuple(tuple(r) for r in sheet.to_python()[: HEADER_ROW + n])


def _small_rows(n: int = 60) -> list[list[object]]:
    """Rows of a small copy of the real release (fresh lists, free to break)."""
    return [list(r) for r in _real_head(n)]


def _write(path: Path, rows: list[list[object]], sheet: str = SHEET) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_small_rows_read_the_real_sheet_once_and_come_fresh(monkeypatch) -> None:
    opened: list[str] = []
    real_open = CalamineWorkbook.from_path

    def counting_open(path: str) -> CalamineWorkbook:
        opened.append(path)
        return real_open(path)

    monkeypatch.setattr(CalamineWorkbook, "from_path", counting_open)
    _real_head.cache_clear()
    first = _small_rows(7)
    assert len(first) == HEADER_ROW + 7 and first[1][0] == "14/04/2025"  # the release date
    expected = [list(r) for r in first]
    first[3][7] = "Females"  # a breaker edits its copy
    first.append(["extra"])
    assert _small_rows(7) == expected and _small_rows(7) is not _small_rows(7)
    assert len(opened) == 1 and opened[0] == str(raw_file(RELEASE_2025))


def test_small_copy_reads(tmp_path: Path) -> None:
    df = read_glotip(_write(tmp_path / "small.xlsx", _small_rows()))
    assert len(df) == 60


#: (name, how to break the rows of a small copy, expected message), also used by tests/test_cli.py
BREAKERS = [
    (
        "moved_header",
        lambda r: [r[0], r[1], [""] * 13] + r[2:],
        "header row moved: expected on row 3, found on row 4",
    ),
    (
        "renamed_column",
        lambda r: r[:2] + [[("Value" if c == "txtVALUE" else c) for c in r[2]]] + r[3:],
        "missing column(s) txtVALUE (unexpected: Value)",
    ),
    (
        "unknown_sex",
        lambda r: r[:3] + [r[3][:7] + ["Females"] + r[3][8:]] + r[4:],
        "unknown sex value 'Females' on row 4",
    ),
    (
        "unknown_form",
        lambda r: r[:3] + [r[3][:5] + ["by form of exploitation", "Begging"] + r[3][7:]] + r[4:],
        "unknown form of exploitation 'Begging' on row 4",
    ),
    (
        "non_numeric",
        lambda r: r[:3] + [r[3][:11] + ["n/a"] + r[3][12:]] + r[4:],
        "non-numeric value 'n/a' on row 4",
    ),
    (
        "negative",
        lambda r: r[:3] + [r[3][:11] + ["-12"] + r[3][12:]] + r[4:],
        "negative count '-12' on row 4",
    ),
    (
        "no_release_date",
        lambda r: [r[0], ["released soon"] + r[1][1:]] + r[2:],
        "release date expected in cell A2",
    ),
    (
        "bad_year",
        lambda r: r[:3] + [r[3][:9] + ["20x0"] + r[3][10:]] + r[4:],
        "invalid year '20x0' on row 4",
    ),
]


@pytest.mark.parametrize(("name", "break_rows", "message"), BREAKERS)
def test_malformed_workbooks(tmp_path: Path, name: str, break_rows, message: str) -> None:
    path = _write(tmp_path / f"{name}.xlsx", break_rows(_small_rows()))
    with pytest.raises(DataError) as err:
        read_glotip(path)
    text = str(err.value)
    assert text.startswith(f"{name}.xlsx: ") and message in text and "\n" not in text


def duplicate_total(rows: list[list[object]]) -> list[list[object]]:
    """Append a copy of the first country-year total row."""
    total = next(
        r for r in rows[HEADER_ROW:] if r[5] == "Total" and r[7] == "Total" and r[8] == "Total"
    )
    return [*rows, list(total)]


BREAKERS.append(("dups", duplicate_total, "duplicate rows for the total of"))
BREAKERS.append(
    (
        "unknown_age",
        lambda r: r[:3] + [r[3][:8] + ["Elderly"] + r[3][9:]] + r[4:],
        "unknown age value 'Elderly' on row 4",
    )
)


def test_duplicate_total_rows(tmp_path: Path) -> None:
    path = _write(tmp_path / "dups.xlsx", duplicate_total(_small_rows()))
    with pytest.raises(
        DataError, match=r"^dups\.xlsx: duplicate rows for the total of '.+', [A-Z]{3} \d{4}"
    ):
        read_glotip(path)


def test_truncated_and_corrupt_files(tmp_path: Path) -> None:
    real = raw_file(RELEASE_2025).read_bytes()
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(real[: len(real) // 2])
    with pytest.raises(DataError, match=r"^truncated\.xlsx: not a readable xlsx workbook"):
        read_glotip(truncated)
    text = tmp_path / "text.xlsx"
    text.write_text("Iso3_code,Country\nAFG,Afghanistan\n")
    with pytest.raises(DataError, match=r"^text\.xlsx: not a readable xlsx workbook"):
        read_glotip(text)
    with pytest.raises(DataError, match=r"^absent\.xlsx: file not found"):
        read_glotip(tmp_path / "absent.xlsx")


def test_wrong_sheet(tmp_path: Path) -> None:
    path = _write(tmp_path / "sheet.xlsx", _small_rows(), sheet="Sheet1")
    with pytest.raises(DataError, match="sheet 'data_glotip_1' not found"):
        read_glotip(path)


def test_an_empty_workbook_is_called_empty(tmp_path: Path) -> None:
    empty = tmp_path / "data_glotip.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match=r"^data_glotip\.xlsx: file is empty \(0 bytes\)$"):
        read_glotip(empty)
