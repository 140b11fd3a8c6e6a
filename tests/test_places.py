"""Place profiles: hand-computed answers on a small table, every country of the data, the CLI.

The small table has two countries of Sub-Saharan Africa. Nigeria reports 100 victims in 2010,
nothing in 2011, 400 in 2012, "<5" in 2013 and 50 in 2014 (excluded by an entry); Ghana
reports 10 victims every year 2010-2014.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from tiptrends import vocab
from tiptrends.analyses import places
from tiptrends.cli import main
from tiptrends.io.exclusions import Exclusion, apply_exclusions

RELEASE = "2025-04-14"


def _row(iso3, year, value, indicator=vocab.VICTIMS, dimension=vocab.DIM_TOTAL, category="Total"):
    name = {"NGA": "Nigeria", "GHA": "Ghana"}[iso3]
    return {
        "release": RELEASE,
        "iso3": iso3,
        "country": name,
        "is_aggregate": False,
        "region": "Africa",
        "subregion": "Sub-Saharan Africa",
        "indicator": indicator,
        "dimension": dimension,
        "category": category,
        "sex": vocab.TOTAL,
        "age": vocab.TOTAL,
        "year": year,
        "value": np.nan if value is None else float(value),
        "suppressed": value is None,
    }


@pytest.fixture
def small() -> places.ProfileData:
    rows = [_row("NGA", 2010, 100), _row("NGA", 2012, 400), _row("NGA", 2013, None)]
    rows += [_row("NGA", 2014, 50)]
    rows += [_row("GHA", y, 10) for y in range(2010, 2015)]
    rows += [
        _row("NGA", 2010, 60, dimension=vocab.DIM_FORM, category=vocab.SEXUAL),
        _row("NGA", 2010, 30, dimension=vocab.DIM_FORM, category=vocab.FORCED_LABOUR),
        _row("NGA", 2010, None, dimension=vocab.DIM_FORM, category=vocab.OTHER_FORMS),
        _row("NGA", 2010, 10, indicator=vocab.CONVICTED),
        _row("NGA", 2010, 70, dimension=vocab.DIM_CITIZENSHIP, category="Nigeria"),
        _row("NGA", 2010, 20, dimension=vocab.DIM_CITIZENSHIP, category="Benin"),
    ]
    raw = pd.DataFrame(rows)
    entry = Exclusion("NGA", (2014,), "planted", "test", "50", scope="all")
    kept, report = apply_exclusions(raw, [entry])
    gsi = pd.DataFrame(
        {
            "iso3": ["NGA", "GHA"],
            "population": pd.array([1_000_000, 100_000], dtype="Int64"),
            "number_in_modern_slavery": pd.array([5_000, 500], dtype="Int64"),
        }
    )
    return places.ProfileData(raw, kept, raw.iloc[:0], [entry], report, gsi, RELEASE)


def test_status_and_interpolation_by_hand(small) -> None:
    place = places.resolve_place("NGA", glotip=small.glotip)
    assert place.members == ("NGA",) and place.comparison == "Sub-Saharan Africa"
    st = places.victim_status(small, place).set_index("year")
    assert list(st["status"]) == ["reported", "interpolated", "reported", "suppressed", "excluded"]
    # log-linear between 100 (2010) and 400 (2012): sqrt(100 * 400) = 200
    assert st.loc[2011, "estimate"] == pytest.approx(200.0)
    assert math.isnan(st.loc[2011, "victims"]) and math.isnan(st.loc[2014, "estimate"])
    assert places.latest_year(places.victim_status(small, place)) == 2012


def test_region_pools_members_and_counts_statuses(small) -> None:
    region = places.resolve_place(region="Sub-Saharan Africa", glotip=small.glotip)
    assert region.kind == "glotip_region" and region.members == ("GHA", "NGA")
    by_year = places.victims_by_year(places.victim_status(small, region))
    assert by_year.loc[2011, "victims"] == 10  # Ghana only
    assert by_year.loc[2011, "with_interpolated"] == pytest.approx(210.0)
    assert by_year.loc[2013, ["reported", "suppressed"]].tolist() == [1, 1]
    assert by_year.loc[2014, ["reported", "excluded"]].tolist() == [1, 1]


def test_shares_state_denominator_and_suppressed_cells(small) -> None:
    place = places.resolve_place("NGA", glotip=small.glotip)
    forms = places.form_shares(small, place).set_index("category")
    assert forms.loc[vocab.SEXUAL, "share_pct"] == pytest.approx(100 * 60 / 90)
    assert forms.loc[vocab.OTHER_FORMS, "share_pct"] == 0
    assert set(forms["denominator"]) == {90.0} and set(forms["suppressed_cells"]) == {1}


def test_convictions_citizenship_prevalence_by_hand(small) -> None:
    place = places.resolve_place("NGA", glotip=small.glotip)
    justice = places.convictions_per_victim(small, place)
    assert justice.loc[2010, "per_100_victims"] == pytest.approx(10.0)
    cit = places.citizenship_by_year(small, place)
    assert cit.loc[2010, "domestic_pct"] == pytest.approx(100 * 70 / 90)
    origins = places.top_origins(small, place)
    # the window is the last five years of the release (2010-2014): Benin, all of the foreign
    assert origins[["iso3", "victims", "share_of_foreign_pct"]].values.tolist() == [
        ["BEN", 20.0, 100.0]
    ]
    prev = places.prevalence(small, place).iloc[0]
    assert prev["prevalence_per_1000"] == pytest.approx(5.0)


def test_quality_flags_list_the_exclusion(small) -> None:
    place = places.resolve_place("NGA", glotip=small.glotip)
    flags = places.quality_flags(small, place)
    hit = flags[flags["flag"].str.startswith("exclusion")]
    assert hit[["year", "excluded"]].values.tolist() == [[2014, True]]
    assert places.excluded_countries(small, place, "total").to_dict() == {2014: 1}
    assert places.excluded_countries(small, place, "form").empty


@pytest.mark.parametrize(
    ("code", "region", "fragment"),
    [
        ("XYZ", None, "not an ISO3 country code"),
        ("EU27", None, "is a region, not a country"),
        ("Sub-Saharan Africa", None, "is a region, not a country"),
        ("GRL", None, "has no rows"),
        (None, "Atlantis", "unknown region"),
        ("NGA", "EU27", "not both or neither"),
    ],
)
def test_bad_places_give_one_line(code, region, fragment, glotip_2025) -> None:
    with pytest.raises(places.PlaceError, match=fragment) as err:
        places.resolve_place(code, region, glotip_2025)
    assert "\n" not in str(err.value)


def test_country_without_victim_counts(glotip_2025) -> None:
    with pytest.raises(places.PlaceError, match="no detected-victim counts"):
        places.resolve_place("PRI", glotip=glotip_2025)


@pytest.mark.xdist_group("long")
def test_every_country_of_the_data_profiles(glotip_2025) -> None:
    """Every country with victim counts resolves and gets its victims table; every other
    table builds on all countries at once (the tables pool their members, so a country whose
    rows break one, e.g. an unmapped citizenship, breaks it here)."""
    pdata = places.load_profile_data()
    victims = glotip_2025[glotip_2025["indicator"] == vocab.VICTIMS]
    with_total = victims[(victims["dimension"] == vocab.DIM_TOTAL) & (victims["sex"] == "Total")]
    with_total = with_total[(with_total["category"] == "Total") & (with_total["age"] == "Total")]
    totals = set(with_total["iso3"].dropna())
    counted = victims["value"].notna() & (victims["dimension"] != vocab.DIM_REPATRIATION)
    profiled = totals | set(victims.loc[counted, "iso3"].dropna())
    assert len(totals) > 150 and profiled >= totals
    for code in sorted(set(victims["iso3"].dropna()) - profiled):
        with pytest.raises(places.PlaceError, match="publishes no count"):
            places.resolve_place(code, glotip=pdata.glotip)
    for code in sorted(profiled):
        place = places.resolve_place(code, glotip=pdata.glotip)
        table = places.victims_table(places.victim_status(pdata, place))
        assert set(table["status"]) <= set(places.STATUSES), code
        assert table["status"].isin(["reported", "suppressed"]).any() == (code in totals), code
    world = places.resolve_place(region="World", glotip=pdata.glotip)
    assert set(world.members) >= profiled
    assert len(places.form_shares(pdata, world)) and len(places.sex_age_shares(pdata, world))
    assert len(places.convictions_per_victim(pdata, world))
    assert len(places.citizenship_by_year(pdata, world)) and len(places.top_origins(pdata, world))
    flags = places.quality_flags(pdata, world)
    assert flags["excluded"].any() and len(places.prevalence(pdata, world)) == 1


def test_default_places(glotip_2025) -> None:
    wanted = places.default_places(glotip_2025)
    assert wanted[0] == (None, "EU27")
    assert len([w for w in wanted if w[0] is not None]) == 15
    assert ("USA", None) in wanted


@pytest.mark.parametrize(
    "argv",
    [["profile", "XYZ"], ["profile", "EU"], ["profile", "--region", "Atlantis"], ["profile"]],
)
def test_cli_bad_input_is_one_line(argv, capsys, glotip_2025) -> None:
    import psutil

    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tiptrends: error: ")
    # the kernel started ahead of the place's resolution has been stopped
    alive = [p for p in psutil.Process().children(recursive=True) if p.is_running()]
    assert not [p for p in alive if "ipykernel" in " ".join(p.cmdline())]


@pytest.mark.xdist_group("render")
def test_cli_profiles_three_contrasting_places(site_render) -> None:
    """A large African reporter, a country with an excluded year, and the EU-27.

    The test run's render executes them (``TEST_PROFILES`` of ``tests/conftest.py``, queued
    with ``tiptrends profile --queue``) beside the chapters; this reads what it wrote.
    """
    import nbformat

    from tests.conftest import TEST_PROFILES
    from tiptrends import paths

    build = paths.build_dir()
    assert [slug for _, slug in TEST_PROFILES] == ["nga", "deu", "eu27"]
    for slug in ("nga", "deu", "eu27"):
        nb = nbformat.read(build / "executed" / "profiles" / f"{slug}.ipynb", as_version=4)
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, slug
        assert (build / "figures" / f"profile_{slug}_victims.png").exists()
        text = json.dumps(nb)
        assert ": place profile" in text and "status" in text
    germany = nbformat.read(build / "executed" / "profiles" / "deu.ipynb", 4)
    assert germany.cells[0].source.startswith("# Germany: place profile")
    assert "excluded" in json.dumps(germany)


# --------------------------------------------------------------------------- for readers
CODE_NAME = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")  # per_100_victims, abs_revision, only_new


def _placeholder_data(small: places.ProfileData) -> places.ProfileData:
    """``small`` with a questionnaire placeholder and a zero count among Nigeria's citizenships."""
    extra = pd.DataFrame(
        [
            _row(
                "NGA",
                2010,
                15,
                dimension=vocab.DIM_CITIZENSHIP,
                category="(especifique otras nacionalidades)",
            ),
            _row("NGA", 2010, 0, dimension=vocab.DIM_CITIZENSHIP, category="Ghana"),
        ],
        index=[900, 901],
    )
    return places.ProfileData(
        pd.concat([small.raw, extra]),
        pd.concat([small.glotip, extra]),
        small.previous,
        small.exclusions,
        small.excluded_rows,
        small.gsi,
        small.release,
    )


def test_top_origins_drop_placeholders_and_zero_rows(small) -> None:
    pdata = _placeholder_data(small)
    place = places.resolve_place("NGA", glotip=pdata.glotip)
    origins = places.top_origins(pdata, place)
    # Benin only; its share is of all 35 foreign victims (the placeholder's 15 included)
    assert origins["citizenship"].tolist() == ["Benin"]
    assert origins["share_of_foreign_pct"].tolist() == [pytest.approx(100 * 20 / 35)]
    shown = places.origins_for_readers(pdata, place)
    assert "especifique" not in shown.to_string() and (shown["Victims"] > 0).all()


def test_reader_tables_have_plain_headers_and_no_booleans(small) -> None:
    pdata = _placeholder_data(small)
    for place in (
        places.resolve_place("NGA", glotip=pdata.glotip),
        places.resolve_place(region="Sub-Saharan Africa", glotip=pdata.glotip),
    ):
        flags = places.quality_flags(pdata, place)
        tables = [
            places.victims_for_readers(places.victim_status(pdata, place)),
            places.shares_for_readers(
                places.form_shares(pdata, place), "known form", single_country=place.is_country
            ),
            places.convictions_for_readers(pdata, place),
            places.citizenship_for_readers(pdata, place),
            places.origins_for_readers(pdata, place),
            places.revisions_for_readers(pdata, place),
            places.flags_summary(flags),
            places.flags_for_readers(pdata, flags),
            places.prevalence_for_readers(pdata, place),
        ]
        for table in tables:
            names = [*map(str, table.columns), str(table.index.name or "")]
            assert not [n for n in names if CODE_NAME.match(n)], names
            assert not any(table[c].dtype == bool for c in table.columns), names
    listed = places.flags_for_readers(pdata, places.quality_flags(pdata, place))
    assert set(listed["Excluded from the figures"]) <= {"Yes", "No"}
    assert "Excluded (all)" in set(listed["Flag"])


def test_comparison_difference_is_that_of_the_rounded_values(small, monkeypatch) -> None:
    place = places.resolve_place("NGA", glotip=small.glotip)
    raw = pd.DataFrame(
        {place.name: [41.86, 1.04], place.comparison: [28.54, 1.06]},
        index=pd.Index(["a", "b"], name="measure (2012)"),
    )
    raw["difference"] = raw[place.name] - raw[place.comparison]  # 13.32: shown 13.3
    monkeypatch.setattr(places, "compare_with_region", lambda *a, **k: raw)
    shown = places.comparison_for_readers(small, place, 2012)
    # 41.9 - 28.5 = 13.4 on the page; 1.0 - 1.1 = -0.1 (and never "-0.0")
    assert shown["Difference"].tolist() == [pytest.approx(13.4), pytest.approx(-0.1)]
    assert shown.index.name == "Measure (2012)"


def test_revision_change_in_words() -> None:
    assert places._change_text(100, 91_010) == "x910"
    assert places._change_text(508, 505) == "-0.6%"
    assert places._change_text(20_000, 20_001) == "under 0.1%"
    assert places._change_text(float("nan"), 5) == "-"


def test_summary_card_has_three_lines(small) -> None:
    place = places.resolve_place("NGA", glotip=small.glotip)
    lines = places.summary_lines(small, place)
    assert len(lines) == 3
    assert lines[0].startswith("**400 detected victims in 2012**")
    flags = places.quality_flags(small, place)
    n, excluded = len(flags), int(flags["excluded"].sum())
    assert lines[2].startswith(f"{n} data-quality flag{'' if n == 1 else 's'}, {excluded} of them")


def test_victims_table_starts_at_the_first_report() -> None:
    status = pd.DataFrame(
        {
            "iso3": ["NGA"] * 3,
            "year": [2003, 2004, 2005],
            "victims": [np.nan, 10.0, 12.0],
            "status": ["not reported", "reported", "reported"],
            "estimate": [np.nan, 10.0, 12.0],
        }
    )
    table = places.victims_for_readers(status)
    assert table["Year"].tolist() == [2005, 2004]
    assert list(table.columns) == ["Year", "Detected victims", "Status"]
    assert isinstance(table.index, pd.RangeIndex), "row numbers would show on the page"
