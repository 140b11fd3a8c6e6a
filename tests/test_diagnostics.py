"""Tests for tiptrends.methods.diagnostics on hand-made tables, plus real-data smoke tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.test_aggregate import row, table
from tiptrends.errors import DataError
from tiptrends.io import exclusions as X
from tiptrends.methods import aggregate as A
from tiptrends.methods import diagnostics as D
from tiptrends.vocab import ADULT, CHILD, CONVICTED, DIM_FORM, FEMALE, FORCED_LABOUR, MALE, SEXUAL


def test_consistency_checks_flags_only_certain_excess():
    rows = [
        # forms 80 + 30 = 110 > total 100 -> excess 10
        row("AAA", 2020, 100),
        row("AAA", 2020, 80, DIM_FORM, SEXUAL),
        row("AAA", 2020, 30, DIM_FORM, FORCED_LABOUR),
        # 10 + "<5" vs total 11: the suppressed cell may be 1, so no certain excess
        row("BBB", 2020, 11),
        row("BBB", 2020, 10, DIM_FORM, SEXUAL),
        row("BBB", 2020, None, DIM_FORM, FORCED_LABOUR),
        # total "<5" (at most 4) vs sex x age 3 + 3 -> excess 2
        row("CCC", 2020, None),
        row("CCC", 2020, 3, sex=FEMALE, age=ADULT),
        row("CCC", 2020, 3, sex=MALE, age=CHILD),
        # breakdown without a total
        row("AAA", 2021, 5, DIM_FORM, SEXUAL),
    ]
    out = D.consistency_checks(table(rows))
    got = {(r.iso3, r.year, r.check): r.excess for r in out.itertuples()}
    assert got[("AAA", 2020, "form_sum_exceeds_total")] == 10
    assert got[("CCC", 2020, "sex_age_sum_exceeds_total")] == 2
    assert ("AAA", 2021, "form_breakdown_without_total") in got
    assert not any(k[0] == "BBB" for k in got)
    assert out["excess"].iloc[0] == 10  # sorted by excess


def test_revisions():
    old = table([row("AAA", 2019, 100), row("BBB", 2019, 1000), row("CCC", 2019, 10)])
    new = table([row("AAA", 2019, 110), row("BBB", 2019, 100), row("DDD", 2019, 5)])
    r = D.revisions(old, new, threshold=0.25, min_abs=50).set_index("iso3")
    assert r.loc["BBB", "abs_revision"] == -900 and r.loc["BBB", "rel_revision"] == -0.9
    assert bool(r.loc["BBB", "large"]) and not bool(r.loc["AAA", "large"])
    assert r.loc["CCC", "status"] == "only_old" and r.loc["DDD", "status"] == "only_new"
    assert D.revisions(old, new)["iso3"].iloc[0] == "BBB"


def test_jumps_robust_z():
    vals = [100, 110, 100, 110, 100, 1000, 1100]
    c = pd.DataFrame({"iso3": "AAA", "year": range(2010, 2017), "Total": vals})
    j = D.jumps(c, z=3.5)
    top = j.iloc[0]
    assert (top["year"], top["prev_year"], bool(top["flag"])) == (2015, 2014, True)
    assert top["log_change"] == pytest.approx(np.log(10))
    assert j["flag"].sum() == 1
    short = D.jumps(c.head(3))
    assert short["robust_z"].isna().all() and not short["flag"].any()


def test_influence_leave_one_out():
    c = pd.DataFrame({"iso3": ["A", "B", "C", "C"], "Total": [1.0, 2.0, 3.0, 4.0]})
    inf = D.influence(lambda d: d["Total"].sum(), c).set_index("iso3")
    assert inf.loc["C", "effect"] == 7 and inf.loc["A", "estimate_without"] == 9
    assert list(inf.index) == ["C", "B", "A"]


def test_real_diagnostics_smoke(glotip_2023, glotip_2025):
    old, new = glotip_2023, glotip_2025
    cc = D.consistency_checks(new)
    # Germany 2022: the total is published as "<5" while the forms sum to over 1,500
    deu = cc[(cc["iso3"] == "DEU") & (cc["year"] == 2022)]
    assert (deu["excess"] > 1000).any()
    rev = D.revisions(old, new)
    pak = rev[(rev["iso3"] == "PAK") & (rev["year"] == 2020)].iloc[0]
    assert pak["large"] and pak["total_new"] > 100 * pak["total_old"]
    j = D.jumps(A.country_year_counts(new))
    assert j["flag"].any() and j["flag"].sum() < 0.05 * len(j)


# --------------------------------------------------------------------------- exclusions
# (tests of tiptrends.io.exclusions live here: they apply what the diagnostics justify)


def write(tmp_path, text):
    p = tmp_path / "exclusions.toml"
    p.write_text(text, encoding="utf-8")
    return p


ENTRY = """
[[exclusion]]
iso3 = "AAA"
years = [2020]
scope = "{scope}"
reason = "r"
diagnostic = "d"
value = "v"
"""


@pytest.fixture
def small():
    return table(
        [
            row("AAA", 2020, 100),
            row("AAA", 2020, 60, DIM_FORM, SEXUAL),
            row("AAA", 2020, 30, sex=FEMALE, age=ADULT),
            row("AAA", 2021, 90),
            row("AAA", 2020, 7, indicator=CONVICTED),
            row("BBB", 2020, 50),
        ]
    )


@pytest.mark.parametrize(
    ("scope", "dropped", "victims"),
    [("all", 3, 100.0), ("total", 1, 100.0), ("form", 1, 0.0), ("sex_age", 1, 0.0)],
)
def test_apply_exclusions_scopes(tmp_path, small, scope, dropped, victims):
    ex = X.load_exclusions(write(tmp_path, ENTRY.format(scope=scope)))
    assert ex == [X.Exclusion("AAA", (2020,), "r", "d", "v", scope)]
    kept, report = X.apply_exclusions(small, ex)
    assert len(kept) == len(small) - dropped
    assert report["rows_dropped"].iloc[0] == dropped
    assert report["victims_dropped"].iloc[0] == victims
    assert (kept["indicator"] == CONVICTED).sum() == 1  # other indicators untouched


def test_exclusions_all_years_overlap_and_table(tmp_path, small):
    text = ENTRY.format(scope="all") + ENTRY.format(scope="total").replace("years = [2020]\n", "")
    ex = X.load_exclusions(write(tmp_path, text))
    assert ex[1].years is None
    kept, report = X.apply_exclusions(small, ex)
    assert report["rows_dropped"].tolist() == [3, 1] and report["overlap"].tolist() == [0, 1]
    assert set(kept["iso3"]) == {"AAA", "BBB"}
    tab = X.exclusions_table(ex)
    assert list(tab["years"]) == ["2020", "all"]
    assert X.apply_exclusions(small, [])[0].equals(small)


def test_load_exclusions_errors(tmp_path):
    assert X.load_exclusions(write(tmp_path, "")) == []
    with pytest.raises(DataError, match="not found"):
        X.load_exclusions(tmp_path / "missing.toml")
    with pytest.raises(DataError, match="not valid TOML"):
        X.load_exclusions(write(tmp_path, "[[exclusion]\n"))
    with pytest.raises(DataError, match="entry 1 is invalid"):
        X.load_exclusions(write(tmp_path, ENTRY.format(scope="all").replace('value = "v"', "")))
    with pytest.raises(DataError, match="entry 1 is invalid"):
        X.load_exclusions(write(tmp_path, ENTRY.format(scope="country")))


def test_project_exclusions_are_backed_by_diagnostics(glotip_2025, glotip_2023):
    """Every consistency-based entry in data/exclusions.toml is reproduced by the diagnostic
    on the release it applies to, and every entry drops rows there (no stale entries)."""
    ex = X.load_exclusions()
    assert ex, "data/exclusions.toml has no entries"
    releases = {"2025-04-14": glotip_2025, "2023-05-30": glotip_2023}
    for release, release_table in releases.items():
        mine = [e for e in ex if e.releases is None or release in e.releases]
        assert mine, f"no exclusion applies to the {release} release"
        cc = D.consistency_checks(release_table[~release_table["is_aggregate"]])
        flagged = set(zip(cc["iso3"], cc["year"], cc["check"], strict=True))
        for e in mine:
            for check in ("form_sum_exceeds_total", "sex_age_sum_exceeds_total"):
                if check in e.diagnostic:
                    assert e.years is not None
                    for y in e.years:
                        assert (e.iso3, y, check) in flagged, (release, e.iso3, y, check)
        kept, report = X.apply_exclusions(release_table, mine)
        assert report["rows_dropped"].gt(0).all(), report[report["rows_dropped"] == 0]
        assert len(kept) + report["rows_dropped"].sum() == len(release_table)
