"""Issue 22, "Nothing silently wrong": every configuration file is checked, every curated
table is stamped with every input it reads, and bad input ends in one line and exit 2.

Each case edits a scratch copy of the project (``scratch_root``) and runs the command line
or the library as a user would; the real files are only read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import RAW_MIRROR, missing_input, raw_file, seed_curated
from tests.test_cli import _make_unwritable, _make_writable, _one_error_line
from tiptrends import paths
from tiptrends.cli import main
from tiptrends.errors import DataError
from tiptrends.io import citizenship, countries, curate, exclusions, sources

REAL_DATA = paths.PACKAGE_DIR.parents[1] / "data"

ENTRY = """
[[exclusion]]
iso3 = "DEU"
years = [2022]
scope = "all"
reason = "r"
diagnostic = "d"
value = "v"
"""


@pytest.fixture
def project(scratch_root: Path) -> Path:
    """A scratch project with the real exclusions and the real current GLOTIP tables."""
    shutil.copy(REAL_DATA / "exclusions.toml", scratch_root / "data" / "exclusions.toml")
    curated = scratch_root / "data" / "curated"
    curated.mkdir()
    for sid in ("glotip_2025", "glotip_2023"):
        for suffix in (".parquet", ".json"):
            real = REAL_DATA / "curated" / f"{sid}{suffix}"
            if not real.is_file():
                missing_input(f"curated table {real} not built")
            shutil.copy(real, curated / real.name)
    assert curate.is_current("glotip_2025") and curate.is_current("glotip_2023")
    return scratch_root


def _check_fails(capsys, *fragments: str) -> str:
    """``tiptrends data check`` exits 2 with one line holding every fragment."""
    assert main(["data", "check"]) == 2
    line = _one_error_line(capsys)
    for fragment in fragments:
        assert fragment in line, line
    return line


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------------- exclusions.toml
def test_the_real_configuration_is_accepted(project: Path, capsys) -> None:
    assert main(["data", "check"]) == 0
    captured = capsys.readouterr()
    assert "configuration ok" in captured.out
    assert len(exclusions.load_exclusions()) == 51


def test_a_typo_in_default_releases_is_refused(project: Path, capsys) -> None:
    toml = project / "data" / "exclusions.toml"
    _edit(toml, 'default_releases = ["2025-04-14"]', 'default_releases = ["2025-4-14"]')
    with pytest.raises(DataError, match="default_releases: unknown release '2025-4-14'"):
        exclusions.load_exclusions()
    _check_fails(capsys, "exclusions.toml: default_releases: unknown release '2025-4-14'")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('iso3 = "DEU"', 'iso3 = "deu"', "entry 1 is invalid (deu): iso3 'deu' is not three"),
        ("years = [2022]", 'years = "2022"', "years must be a non-empty list of whole years"),
        ("years = [2022]", "years = [2022.7]", "got [2022.7]"),
        ('scope = "all"', 'scope = "everything"', "scope 'everything' is not one of"),
        ("years = [2022]", "year = [2022]", "unknown key(s) year"),
        ('value = "v"', 'value = "v"\nreleases = ["2024-01-01"]', "unknown release '2024-01-01'"),
        ('value = "v"', 'value = "v"\nrepair_from = "2025-04-14"', "only an earlier release"),
    ],
    ids=["lower-case", "years-string", "years-float", "scope", "unknown-key", "release", "repair"],
)
def test_a_malformed_entry_is_one_line(project: Path, capsys, old: str, new: str, message) -> None:
    toml = project / "data" / "exclusions.toml"
    toml.write_text('default_releases = ["2025-04-14"]\n' + ENTRY.replace(old, new, 1))
    with pytest.raises(DataError, match="exclusions.toml: exclusion entry 1 is invalid"):
        exclusions.load_exclusions()
    _check_fails(capsys, "exclusions.toml: exclusion entry 1 is invalid", message)


def test_a_duplicate_entry_is_refused(project: Path, capsys) -> None:
    toml = project / "data" / "exclusions.toml"
    toml.write_text(toml.read_text() + ENTRY)  # DEU 2022 "all" is the file's first entry
    _check_fails(capsys, "entry 52 is invalid (DEU 2022 (all)): it repeats rows of entry 1")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("DEU", "XYZ"), "(XYZ 2022 (all)): XYZ is not a known ISO3 code"),
        (("DEU", "ATA"), "(ATA 2022 (all)): matches no row of the 2025-04-14 release"),
        (("[2022]", "[2022, 1999]"), "year(s) 1999 match no row of the 2025-04-14 release"),
    ],
    ids=["unknown-code", "code-without-rows", "year-without-rows"],
)
def test_an_exclusion_that_drops_nothing_is_an_error(
    project: Path, capsys, edit: tuple[str, str], message: str
) -> None:
    toml = project / "data" / "exclusions.toml"
    toml.write_text('default_releases = ["2025-04-14"]\n' + ENTRY.replace(*edit))
    _check_fails(capsys, "exclusions.toml: exclusion entry 1", message)
    assert main(["data", "info", "--strict"]) == 2
    assert message in _one_error_line(capsys)


def test_a_toml_syntax_error_exits_2(project: Path, capsys) -> None:
    (project / "data" / "exclusions.toml").write_text("[[exclusion]\n")
    _check_fails(capsys, "exclusions.toml: not valid TOML")


# --------------------------------------------------------------------------- sources.toml
@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'reader = "ctdc"',
            'reader = "ctdc"\nsha265 = "x"',
            "source 'ctdc_vp': unknown key(s) sha265",
        ),
        ('reader = "ctdc"', 'reader = "csv"', "unknown reader 'csv'"),
        ('release = "2023-05-30"', "release = 2023-05-30", "release must be a string"),
        ('release = "2023-05-30"', 'release = "30 May 2023"', "must be its release date"),
        (
            'file = "ctdc/CTDC_VPsynthetic_condensed.csv"',
            'file = "walkfree/2023-Global-Slavery-Index-Data.xlsx"',
            "same file as source 'gsi_2023'",
        ),
    ],
    ids=["unknown-key", "reader", "type", "release-date", "duplicate-file"],
)
def test_a_malformed_manifest_is_one_line(
    scratch_root: Path, capsys, old: str, new: str, message: str
) -> None:
    _edit(scratch_root / "data" / "sources.toml", old, new)
    assert main(["data", "build", "ctdc_vp", "--no-download"]) == 2
    line = _one_error_line(capsys)
    assert "sources.toml: " in line and message in line, line


# --------------------------------------------------------------------------- mapping tables
def test_a_malformed_country_names_row_names_file_and_line(project: Path, capsys) -> None:
    csv = project / "data" / "mappings" / "country_names.csv"
    _edit(csv, "Burmuda,BMU,typo in DU directionality file", "Burmuda,BMU,typo, in DU file")
    _check_fails(capsys, "country_names.csv: malformed row at line 2: 4 fields, expected 3")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Burmuda,BMU,", "Burmuda,bmu,", "'Burmuda': iso3 'bmu' is not three upper-case letters"),
        ("Burmuda,BMU,", "Burmuda,XYZ,", "'Burmuda': 'XYZ' is not an ISO3 code known"),
        ("Burmuda,BMU,", "CAR,CAF,", "duplicate name 'CAR' at lines 2, 5"),
    ],
    ids=["lower-case", "unknown-code", "duplicate"],
)
def test_a_wrong_country_names_entry_is_one_line(
    project: Path, capsys, old: str, new: str, message: str
) -> None:
    _edit(project / "data" / "mappings" / "country_names.csv", old, new)
    _check_fails(capsys, "country_names.csv: ", message)


def test_a_malformed_citizenship_row_names_file_and_line(project: Path, capsys) -> None:
    csv = project / "data" / "mappings" / "citizenship.csv"
    _edit(csv, "0,other,,,unknown,manual,", "0,other,,,,unknown,manual,")
    _check_fails(capsys, "citizenship.csv: malformed row at line 4: 8 fields, expected 7")


def test_a_duplicate_citizenship_category_is_one_clear_line(project: Path, capsys) -> None:
    csv = project / "data" / "mappings" / "citizenship.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    csv.write_text("".join([*lines, lines[19]]), encoding="utf-8")  # Afghani again
    line = _check_fails(capsys, "citizenship.csv: ", "duplicate category 'Afghani' at lines 20,")
    assert "{" not in line and "failure_case" not in line


def test_a_citizenship_category_in_no_release_is_an_error(project: Path, capsys) -> None:
    csv = project / "data" / "mappings" / "citizenship.csv"
    csv.write_text(csv.read_text(encoding="utf-8") + "Atlantis,other,,,unknown,manual,test\n")
    _check_fails(capsys, "citizenship.csv: category 'Atlantis' (line 750) occurs in no GLOTIP")


def test_a_duplicate_published_figure_is_one_line(project: Path, capsys) -> None:
    csv = project / "data" / "published" / "figures.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    csv.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    _check_fails(capsys, "figures.csv: schema check failed: figure_id")


# --------------------------------------------------------------------------- stamps
def _build_du_tiers(scratch_root: Path, monkeypatch, capsys) -> None:
    raw_file("tip_tiers/DU_HTC_TIP_Tier_Rankings_2008-2016.xlsx")
    raw_file("tip_tiers/heiss_kelley_tip_tiers_orig.csv")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(RAW_MIRROR))
    assert main(["data", "build", "du_tip_tiers", "ctdc_vp"]) == 0
    capsys.readouterr()


def test_editing_a_mapping_rebuilds_exactly_the_tables_that_read_it(
    scratch_root: Path, monkeypatch, capsys
) -> None:
    raw_file("ctdc/CTDC_VPsynthetic_condensed.csv")
    _build_du_tiers(scratch_root, monkeypatch, capsys)
    name = "Cape (Cabo) Verde"
    table = pd.read_parquet(curate.curated_path("du_tip_tiers"))
    assert set(table.loc[table["country"] == name, "iso3"]) == {"CPV"}
    csv = scratch_root / "data" / "mappings" / "country_names.csv"
    _edit(csv, f"{name},CPV,", f"{name},CMR,")  # a valid edit

    assert curate.status("du_tip_tiers") == curate.STALE
    assert curate.stale_inputs("du_tip_tiers") == ["data/mappings/country_names.csv"]
    assert curate.status("ctdc_vp") == curate.CURRENT  # reads no mapping
    assert main(["data", "info", "--strict"]) == 2
    captured = capsys.readouterr()
    errors = captured.err.strip().splitlines()
    assert len(errors) == 1 and "du_tip_tiers" in errors[0].split("curated table not current")[1]
    row = next(line for line in captured.out.splitlines() if "du_tip_tiers" in line)
    assert "stale" in row

    assert main(["data", "build", "du_tip_tiers", "ctdc_vp"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "rebuilt (changed: data/mappings/country_names.csv)" in out[0]
    assert "up to date" in out[1]
    table = pd.read_parquet(curate.curated_path("du_tip_tiers"))
    assert set(table.loc[table["country"] == name, "iso3"]) == {"CMR"}
    assert curate.is_current("du_tip_tiers")


def test_a_duplicate_mapping_key_is_noticed_without_force(
    scratch_root: Path, monkeypatch, capsys
) -> None:
    raw_file("ctdc/CTDC_VPsynthetic_condensed.csv")
    _build_du_tiers(scratch_root, monkeypatch, capsys)
    csv = scratch_root / "data" / "mappings" / "country_names.csv"
    csv.write_text(csv.read_text(encoding="utf-8") + "CAR,CAF,again\n", encoding="utf-8")
    assert main(["data", "build", "du_tip_tiers"]) == 2
    assert "country_names.csv: duplicate name 'CAR'" in _one_error_line(capsys)


# --------------------------------------------------------------------------- add-release
def _small_release(tmp_path: Path, extra_column: bool = False) -> Path:
    from tests.test_unodc_reader import _small_rows, _write

    rows = _small_rows()
    rows[1] = ["30/06/2026", *rows[1][1:]]
    if extra_column:
        rows = rows[:2] + [[*r, "Comment" if i == 0 else "x"] for i, r in enumerate(rows[2:])]
    return _write(tmp_path / "data_glotip.xlsx", rows)


def test_add_release_refuses_an_extra_column(scratch_root: Path, capsys, tmp_path: Path) -> None:
    before = paths.manifest_path().read_text()
    assert main(["data", "add-release", str(_small_release(tmp_path, extra_column=True))]) == 2
    assert "unexpected column(s) Comment" in _one_error_line(capsys)
    assert paths.manifest_path().read_text() == before and not paths.raw_dir().exists()


def test_add_release_checks_it_can_write_before_it_pins(
    scratch_root: Path, monkeypatch, capsys, tmp_path: Path
) -> None:
    raw_file("unodc/data_glotip_2025-04-14.xlsx")
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(RAW_MIRROR))
    build = scratch_root / "_build"
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(build))
    seed_curated(paths.curated_dir())  # the release it is compared with, current
    new = _small_release(tmp_path)
    before = paths.manifest_path().read_text()
    _make_unwritable(build)
    try:
        code = main(["data", "add-release", str(new)])
    finally:
        _make_writable(build)
    assert code == 3
    assert f"cannot write to {build / 'revisions'}" in _one_error_line(capsys)
    assert paths.manifest_path().read_text() == before  # nothing pinned, copied or built
    assert not (paths.raw_dir() / "unodc" / "data_glotip_2026-06-30.xlsx").exists()
    assert main(["data", "add-release", str(new)]) == 0  # the retry is not refused
    assert sources.get_source("glotip_2026").release == "2026-06-30"


# --------------------------------------------------------------------------- fetch
def test_a_missing_mirror_is_bad_input_even_with_a_complete_cache(
    scratch_root: Path, monkeypatch, capsys
) -> None:
    real = raw_file("ctdc/CTDC_VPsynthetic_condensed.csv")
    cached = sources.get_source("ctdc_vp").raw_path
    cached.parent.mkdir(parents=True)
    shutil.copy(real, cached)
    assert main(["data", "fetch", "ctdc_vp"]) == 0
    capsys.readouterr()
    missing = scratch_root.parent / "no such mirror"
    monkeypatch.setenv("TIPTRENDS_DATA_MIRROR", str(missing))
    assert main(["data", "fetch", "ctdc_vp"]) == 2
    assert f"mirror folder {missing}" in _one_error_line(capsys)


# --------------------------------------------------------------------------- library calls
def _curated_frame() -> pd.DataFrame:
    from tests.tables import META, curated_row

    return pd.DataFrame([curated_row("AAA", 2020, 10.0, place=META["AAA"])])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: exclusions.apply_exclusions(pd.DataFrame(), []), "lacks column(s) iso3"),
        (
            lambda: exclusions.apply_exclusions(
                _curated_frame().rename(columns={"iso3": "ISO"}), []
            ),
            "apply_exclusions: df lacks column(s) iso3 (it has: ",
        ),
        (
            lambda: exclusions.apply_exclusions(_curated_frame().assign(year=float("nan")), []),
            "apply_exclusions: df: 1 row(s) with a missing year",
        ),
        (lambda: citizenship.map_citizenship(pd.DataFrame()), "map_citizenship: df lacks"),
        (
            lambda: countries.attach_iso3(pd.DataFrame({"name": ["France"]})),
            "lacks column(s) country",
        ),
        (lambda: countries.add_glotip_region(pd.DataFrame()), "lacks column(s) subregion"),
    ],
    ids=["empty", "renamed", "nan-year", "citizenship", "attach-iso3", "glotip-region"],
)
def test_a_wrong_frame_is_one_clear_value_error(call, message: str) -> None:
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)
    assert not isinstance(err.value, KeyError)
