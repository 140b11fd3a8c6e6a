"""The place explorer's JSON: every place with data, numbers equal to the registry and profiles.

``tiptrends.report.explorer.explorer_data`` is computed here for three places (a country, a
GLOTIP region with a country counted by the form fallback, the EU-27) and compared with
``figures.value(key, "current", countries=...)`` and with the profile functions of each place
alone (the explorer pools every place at once: ``tests/test_places_by_place.py``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tiptrends.analyses import places
from tiptrends.io import countries
from tiptrends.methods import figures
from tiptrends.report import explorer

YEAR = 2022
#: A country whose rows start in 2012: its grid of years is still the release's.
LATE = "CMR"
#: A country, a GLOTIP region holding the United Kingdom (whose 2022 sex-and-age split exists
#: only by form: the form fallback decides its shares), and the EU-27.
CHOSEN = ("NGA", "glotip-western-and-southern-europe", "eu27")
SHARES = {
    "forms": {
        "Forced labour": "forced_labour_share_2022_pct",
        "Sexual exploitation": "sexual_exploitation_share_2022_pct",
        "Other forms of exploitation": "other_forms_share_2022_pct",
    },
    "sex_age": {
        "children": "children_share_2022_pct",
        "women": "women_share_2022_pct",
        "men": "men_share_2022_pct",
        "girls": "girls_share_2022_pct",
        "boys": "boys_share_2022_pct",
    },
}
TOLERANCE = 10.0**-explorer.SHARE_DECIMALS  # shares are stored to 1e-6


@pytest.fixture(scope="module")
def pdata(glotip_2025, glotip_2023):
    return places.load_profile_data()


@pytest.fixture(scope="module")
def data(pdata) -> dict:
    return explorer.explorer_data(places, pdata, only=(*CHOSEN, LATE))


@pytest.fixture(scope="module")
def chosen(data) -> dict[str, dict]:
    by_id = {p["id"]: p for p in data["places"]}
    assert set(by_id) == {*CHOSEN, LATE}
    return by_id


@pytest.fixture(scope="module")
def every_place(pdata) -> list:
    return explorer.places_to_explore(places, pdata)


def _at(section: dict, column: str, year: int = YEAR):
    return section[column][section["year"].index(year)]


def _json(x: float) -> int | float | None:
    """A table's number as the file stores it: None for NaN."""
    return None if x is None or math.isnan(x) else x


def test_every_place_with_data_is_explored(pdata, every_place) -> None:
    ids = [explorer.place_id(p) for p, _ in every_place]
    assert len(ids) == len(set(ids)), "two places share an id"
    kinds = {}
    for place, _ in every_place:
        kinds.setdefault(place.kind, set()).add(place.name)
    data_countries = set(places._data_countries(pdata.glotip)["iso3"])
    assert {p.code for p, _ in every_place if p.kind == "country"} == data_countries
    assert len(data_countries) >= 180
    names = places.region_names(pdata.glotip)
    assert kinds["glotip_region"] == set(names["glotip_region"]) == set(countries.GLOTIP_REGIONS)
    assert kinds["un_region"] == set(names["un_region"])
    assert kinds["un_subregion"] == set(names["un_subregion"])
    assert kinds["eu27"] == {"EU-27"} and kinds["world"] == {"World"}
    # a country that cannot be profiled says why
    for place, note in every_place:
        if place.kind == "country" and note:
            with pytest.raises(places.PlaceError, match="nothing to profile"):
                places.resolve_place(place.code, None, pdata.glotip)


@pytest.mark.parametrize("pid", CHOSEN)
def test_numbers_equal_the_registered_figures(chosen, pid: str) -> None:
    place = chosen[pid]
    members = place["members"] or [pid]
    value = {k: figures.value(k, "current", countries=members) for k in figures.FIGURES}
    assert _at(place["victims"], "victims") == value["eu_victims_2022"]
    for section, columns in SHARES.items():
        for column, key in columns.items():
            assert _at(place[section], column) == pytest.approx(value[key], abs=TOLERANCE), key
    assert _at(place["sex_age"], "denominator") == value["victims_known_sex_age_2022"]
    conv = place["convictions"]
    assert _at(conv, "convicted") == value["eu_convicted_2022"]
    assert _at(conv, "countries_convicting") == value["eu_convicting_states_2022"]
    assert _at(conv, "per_100_victims") == pytest.approx(
        value["convictions_per_100_victims_2022"], abs=TOLERANCE
    )


def test_the_eu27_equals_chapter_6(chosen) -> None:
    """The EU-27's numbers are those the chapter records (report basis) where the bases agree."""
    eu = chosen["eu27"]
    members = tuple(sorted(countries.EU27))
    assert tuple(eu["members"]) == members
    assert _at(eu["victims"], "victims") == figures.value(
        "eu_victims_2022", "current", countries=members
    )
    assert _at(eu["victims"], "reported") == figures.value(
        "eu_reporting_states_2022", "current", countries=members
    )


@pytest.mark.parametrize("pid", (*CHOSEN, LATE))
def test_series_equal_the_profile_functions(pdata, chosen, every_place, pid: str) -> None:
    """Every year, not only 2022: the profile functions on the whole table give the same."""
    place = next(p for p, _ in every_place if explorer.place_id(p) == pid)
    mine = chosen[pid]
    by_year = places.victims_by_year(places.victim_status(pdata, place))
    assert mine["victims"]["year"] == [int(y) for y in by_year.index]
    for column in ("victims", "with_interpolated", *places.STATUSES):
        key = column.replace(" ", "_")
        expected = [None if math.isnan(x) else round(x) for x in by_year[column]]
        assert mine["victims"][key] == expected, column
    forms = places.form_shares(pdata, place)
    for row in forms.itertuples():
        got = _at(mine["forms"], row.category, row.year)
        assert got == pytest.approx(row.share_pct, abs=TOLERANCE)
        assert _at(mine["forms"], "denominator", row.year) == row.denominator
        assert _at(mine["forms"], "suppressed_cells", row.year) == row.suppressed_cells
    conv = places.convictions_per_victim(pdata, place).dropna(subset=["convicted"])
    for year, row in conv.iterrows():
        assert _at(mine["convictions"], "convicted", year) == row["convicted"]
        assert _at(mine["convictions"], "suppressed", year) == _json(row["suppressed"])


def test_profile_links_only_where_a_profile_is_that_place(every_place) -> None:
    """ "Sub-Saharan Africa" is a GLOTIP region and a UN sub-region: only the first is profiled."""
    names = places.region_names(places.load_profile_data().glotip)
    slugs = {(p.kind, p.name): explorer.profile_slug(p, note, names) for p, note in every_place}
    assert slugs[("glotip_region", "Sub-Saharan Africa")] == "region-sub-saharan-africa"
    assert slugs[("un_subregion", "Sub-Saharan Africa")] is None
    assert slugs[("eu27", "EU-27")] == "eu27"
    assert slugs[("country", "Nigeria")] == "nga"


def test_file_is_compact_json_and_staged_as_a_script(tmp_path: Path, data) -> None:
    build, src = tmp_path / "build", tmp_path / "book"
    written = explorer.write_json(data, build / explorer.EXPLORER_JSON)
    assert json.loads(written.read_bytes()) == data
    assert len(written.read_bytes()) < len(json.dumps(data, ensure_ascii=False).encode())
    staged = explorer.stage_explorer(src, build, ["profiles/nga", "profiles/eu27"])
    assert staged == {src / explorer.STAGED_SCRIPT, src / explorer.STAGED_JSON}
    script = (src / explorer.STAGED_SCRIPT).read_text(encoding="utf-8")
    assert script.startswith("// ") and 'window.TIPTRENDS_PROFILES = ["eu27", "nga"];' in script
    assert explorer.stage_explorer(src, tmp_path / "no-build", []) == set()


def test_writer_runs_the_builder_only_when_its_inputs_changed(tmp_path: Path) -> None:
    nb_dir, build = tmp_path / "notebooks", tmp_path / "build"
    calls = []

    def execute(path, **kw):
        calls.append(kw["parameters"]["output"])
        Path(kw["parameters"]["output"]).parent.mkdir(parents=True, exist_ok=True)
        Path(kw["parameters"]["output"]).write_text("{}")
        return None, None

    def write(key: str):
        return explorer.write_explorer(build, nb_dir, key=key, execute=execute, say=lambda s: None)

    assert write("a") is None and not calls  # no builder notebook: no explorer
    (nb_dir / explorer.BUILDER_NOTEBOOK).parent.mkdir(parents=True)
    (nb_dir / explorer.BUILDER_NOTEBOOK).write_text("{}")
    assert write("a") == build / explorer.EXPLORER_JSON and len(calls) == 1
    write("a")
    assert len(calls) == 1  # current: not run again
    write("b")
    assert len(calls) == 2

    def fail(path, **kw):
        return None, "cell 2: ValueError: boom"

    with pytest.raises(RuntimeError, match="boom"):
        explorer.write_explorer(build, nb_dir, key="c", execute=fail, say=lambda s: None)
