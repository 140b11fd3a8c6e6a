"""Tests for tiptrends.analyses.claims: the verdict rule on known cases and the ledger structure."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.conftest import missing_input
from tiptrends.analyses import claims as C
from tiptrends.methods import headline
from tiptrends.methods import verdicts as V
from tiptrends.vocab import ADULT, CHILD, DIM_TOTAL, FEMALE, MALE, TOTAL, VICTIMS

# --------------------------------------------------------------------------- verdict rules
PCT = V.Published(42, unit="percent")
OVER = V.Published(50_000, kind="bound", qualifier="over", unit="persons")


def test_verdict_value():
    assert C.verdict(41.6, PCT) == C.REPRODUCED
    assert C.verdict(30.0, PCT, {"alt": 41.5}) == C.CONSISTENT
    assert C.verdict(30.0, PCT, {"alt": 35.0}) == C.CONTRADICTED
    # the claim lies inside the range of the alternatives
    assert C.verdict(30.0, PCT, {"a": 35.0, "b": 50.0}) == C.CONSISTENT
    assert C.verdict(float("nan"), PCT) == C.NOT_TESTABLE
    with pytest.raises(ValueError, match="kind"):
        V.Published(1, kind="approx")


def test_verdict_bound():
    assert C.verdict(52_000, OVER) == C.REPRODUCED
    assert C.verdict(75_000, OVER) == C.CONSISTENT
    assert C.verdict(20_000, OVER) == C.CONTRADICTED
    assert C.verdict(20_000, OVER, {"other release": 60_000}) == C.CONSISTENT
    under = V.Published(10, kind="bound", qualifier="under")
    assert C.verdict(9.5, under) == C.REPRODUCED
    assert C.verdict(11, under) == C.CONTRADICTED


def test_published_kinds_come_from_the_row():
    assert V.published_figure("pr2025_victims_total_2021") == V.Published(
        50_000, "bound", "over", "persons", (2021, 2021)
    )
    assert V.published_figure("pr2025_children_share_2021_one_in_n").kind == "one_in_n"
    eu = V.published_figure("pr2025_forced_labour_share_eu_pct")
    assert (eu.kind, eu.years) == ("value", (2024, 2024))
    # a 2022 share set against a 2024 figure gets no verdict
    assert C.verdict(41.6, eu, years=(2022,)) == V.NOT_COMPARABLE
    assert V.verdict_text(41.6, eu) == "not reproduced (+4.6 points)"
    assert V.verdict_text(55_261, OVER) == "consistent (+11%)"


def test_one_in_n():
    low, high = C.one_in_n_band(3)
    assert low == pytest.approx(100 / 3.5) and high == pytest.approx(40.0)
    three = V.Published(3, kind="one_in_n", unit="one in N")
    assert C.verdict(30.2, three) == C.REPRODUCED
    assert C.verdict(25.0, three, {"all victims": 29.0}) == C.CONSISTENT
    assert C.verdict(25.0, three, {"x": 20.0}) == C.CONTRADICTED


def test_record():
    rising = pd.Series({2019: 30.0, 2020: 35.0, 2021: 40.0})
    peaked = pd.Series({2019: 30.0, 2020: 45.0, 2021: 40.0})
    assert C.is_record(rising, 2021) and not C.is_record(peaked, 2021)
    assert C.is_record(pd.Series({1: 5.0, 2: 5.0}), 2)  # ties count
    assert C.verdict_record({"a": (rising, 2021)}) == C.REPRODUCED
    assert C.verdict_record({"a": (rising, 2021), "b": (peaked, 2021)}) == C.CONSISTENT
    assert C.verdict_record({"b": (peaked, 2021)}) == C.CONTRADICTED
    assert C.verdict_record({}) == C.NOT_TESTABLE
    with pytest.raises(KeyError):
        C.is_record(rising, 2030)
    t = C.record_readings_table({"b": (peaked, 2021)})
    assert t.loc["b", "max_period"] == 2020 and not t.loc["b", "holds"]


# --------------------------------------------------------------------------- ledger
def test_claim_and_evidence_validation():
    with pytest.raises(ValueError):
        C.Claim("x", "y", None, "guess")
    with pytest.raises(ValueError):
        C.Evidence("x", "shown", "maybe")
    with pytest.raises(KeyError):
        C.claim("nope")


def test_ledger_claims_refer_to_published_rows():
    from tiptrends.io.published import load_published

    pub = load_published()
    ids = set(pub["figure_id"])
    for c in C.PRESS_RELEASE_2025_CLAIMS:
        assert c.figure_id is None or c.figure_id in ids, c.claim_id
        assert set(c.same_as) <= ids, c.claim_id
        assert c.figure_id is not None or c.claimed_text, c.claim_id


def test_paraphrases_do_not_copy_the_release():
    from tiptrends.paths import project_root

    path = project_root().parent / "shared" / "reference" / "press_release_2025-07-30.txt"
    if not path.exists():
        missing_input(f"press release text not available at {path}")
    text = " ".join(path.read_text(encoding="utf-8").split()).lower()
    for c in C.PRESS_RELEASE_2025_CLAIMS:
        words = c.paraphrase.lower().rstrip(".").split()
        # no run of 6 consecutive words of a paraphrase appears in the release
        for i in range(len(words) - 5):
            assert " ".join(words[i : i + 6]) not in text, c.claim_id


def test_ledger_table():
    from tiptrends.io.published import load_published

    pub = load_published()
    ev = {
        c.claim_id: C.Evidence(c.claim_id, "n/a", C.NOT_TESTABLE)
        for c in C.PRESS_RELEASE_2025_CLAIMS
    }
    t = C.ledger(ev, pub)
    assert list(t.index) == [c.claim_id for c in C.PRESS_RELEASE_2025_CLAIMS]
    assert t.loc["victims_2021", "claimed"] == "over 50,000 people"
    assert t.loc["children_share_2021", "claimed"] == "one in three"
    assert "same as globalchain2025_arrests (158)" in t.loc["operation_arrests", "source"]
    assert t.loc["forced_criminality_growth", "source"].startswith("cf. ")
    assert '<a href="04_child_victims.html">' in t.loc["children_share_2021", "see"]
    assert C.verdict_counts(t)[C.NOT_TESTABLE] == len(t)
    del ev["victims_2021"]
    with pytest.raises(KeyError):
        C.ledger(ev, pub)


# --------------------------------------------------------------------------- children_share_pct
def _sex_age_rows(iso3, year, women, men, girls, boys, total):
    """Curated GLOTIP victims rows: the country total and its sex x age split."""
    cells = [
        (TOTAL, TOTAL, total),
        (FEMALE, ADULT, women),
        (MALE, ADULT, men),
        (FEMALE, CHILD, girls),
        (MALE, CHILD, boys),
    ]
    return [
        {
            "iso3": iso3,
            "country": f"Country {iso3}",
            "is_aggregate": False,
            "region": "Europe",
            "subregion": "Western Europe",
            "indicator": VICTIMS,
            "dimension": DIM_TOTAL,
            "category": TOTAL,
            "sex": sex,
            "age": age,
            "year": year,
            "value": float(v),
            "suppressed": False,
        }
        for sex, age, v in cells
    ]


def test_children_share_pct_known_values():
    g = pd.DataFrame(
        _sex_age_rows("AAA", 2021, 40, 30, 20, 10, 200)
        + _sex_age_rows("BBB", 2021, 30, 0, 10, 10, 50)
        + _sex_age_rows("AAA", 2020, 10, 10, 10, 10, 40)
    )
    # pooled over known sex and age: (30 + 20) / (100 + 50)
    assert headline.children_share_pct(g, 2021) == pytest.approx(100 * 50 / 150)
    # mean of the country shares 30% and 40%
    assert headline.children_share_pct(g, 2021, method="mean") == pytest.approx(35.0)
    # denominator: country totals 200 + 50
    assert headline.children_share_pct(g, 2021, denominator="all") == pytest.approx(20.0)
    assert headline.children_share_pct(g, 2020) == pytest.approx(50.0)
    assert math.isnan(headline.children_share_pct(g, 2019))


# --------------------------------------------------------------------------- evidence and export
def test_children_2021_and_victims_2021_on_known_tables():
    g = pd.DataFrame(
        _sex_age_rows("AAA", 2021, 40, 30, 20, 10, 200)
        + _sex_age_rows("BBB", 2021, 30, 0, 10, 10, 50)
    )
    ev = C.children_2021(g, g)
    assert ev.main == pytest.approx(100 * 50 / 150)
    assert ev.alternatives["mean of country shares"] == pytest.approx(35.0)
    # 'one in three' spans 28.6-40%: the main share is inside
    assert ev.verdict == C.REPRODUCED
    old = pd.DataFrame(_sex_age_rows("AAA", 2021, 4, 3, 2, 1, 20))
    # the verdict is read on the first table; the second is "nothing excluded" (here BBB)
    ev, numbers = C.victims_2021(g, pd.DataFrame(_sex_age_rows("BBB", 2021, 1, 1, 1, 1, 9)), old)
    assert numbers == {
        "total": 250.0,
        "countries": 2,
        "total_2023_release": 20.0,
        "total_nothing_excluded": 9.0,
    }
    assert ev.main == 250.0 and "250 detected victims in 2 countries" in ev.shown
    assert ev.verdict == C.CONTRADICTED, "250 victims are not over the claimed 50,000"


def test_on_both_bases_keeps_the_report_basis_verdict():
    basis = C.Evidence("x", "40.0%", C.CONSISTENT, 40.05, {"a": 36.8})
    current = C.Evidence("x", "30.0%", C.REPRODUCED, 29.97)
    both = C.on_both_bases(basis, current)
    assert (both.verdict, both.main, both.alternatives) == (C.CONSISTENT, 40.05, {"a": 36.8})
    assert (both.current, both.current_shown, both.current_verdict) == (
        29.97,
        "30.0%",
        C.REPRODUCED,
    )
    with pytest.raises(ValueError, match="claim ids differ"):
        C.on_both_bases(basis, C.Evidence("y", "", C.REPRODUCED))
    with pytest.raises(ValueError, match="verdict must be"):
        C.Evidence("x", "", C.REPRODUCED, current_verdict="fine")


def test_not_reproduced_is_the_label_of_a_miss():
    assert C.CONTRADICTED == "not reproduced"
    assert all("contradicted" not in rule for rule in C.RULES.values())


def test_readings_and_ledger_for_people():
    table = C.record_readings_table({"r": (pd.Series({2021: 1.0, 2022: 2.0}), 2022)})
    people = C.readings_for_people(table)
    assert people.loc["r", "Holds (reproduction)"] == "Yes"
    assert people.loc["r", "Highest in"] == "2022"
    both = C.readings_on_both_bases(
        {"r": (pd.Series({2021: 1.0, 2022: 2.0}), 2022)},
        {"r": (pd.Series({2021: 3.0, 2022: 2.0}), 2022)},
    )
    shown_both = C.readings_for_people(both)
    assert shown_both.loc["r", "Holds (re-analysis)"] == "No"
    record = C.forced_labour_record({"r": (pd.Series({2021: 1.0, 2022: 2.0}), 2022)})
    assert record.verdict == C.REPRODUCED and record.shown.startswith("holds in 1 of 1")
    from tiptrends.io.published import load_published

    ev = {
        c.claim_id: C.Evidence(c.claim_id, "n/a", C.NOT_TESTABLE)
        for c in C.PRESS_RELEASE_2025_CLAIMS
    }
    ev["victims_2021"] = C.on_both_bases(
        C.Evidence("victims_2021", "55,000", C.CONSISTENT, 55e3),
        C.Evidence("victims_2021", "76,000", C.CONSISTENT, 76e3),
    )
    shown = C.ledger_for_people(C.ledger(ev, load_published()))
    assert list(shown.columns) == list(C.LEDGER_FOR_PEOPLE.values())
    assert shown.loc[0, C.REANALYSIS] == "-"  # no re-analysis reading: a dash
    # the basis columns hold the verdicts, the evidence is beside them
    assert shown.loc[0, C.REPRODUCTION] == C.NOT_TESTABLE
    victims_row = [c.claim_id for c in C.PRESS_RELEASE_2025_CLAIMS].index("victims_2021")
    assert shown.loc[victims_row, C.REANALYSIS] == C.CONSISTENT
    assert shown.loc[victims_row, "What the re-analysis shows"] == "76,000"
    assert shown.loc[victims_row, "See"] == "chapters 01, 00"
    assert isinstance(shown.index, pd.RangeIndex)


def test_claims_export_writes_the_ledger(tmp_path):
    from tiptrends.report.claims_export import claims_records, record_claims

    ledger = pd.DataFrame(
        {
            "claim": ["Most victims are women."],
            "claimed": ["60 percent"],
            "verdict": [C.CONSISTENT],
            "what the data show": ["58%"],
            "see": [
                '<a href="04_child_victims.html">04_child_victims</a>, 01_detected_victims.html'
            ],
        },
        index=pd.Index(["women_share"], name="claim_id"),
    )
    ev = {
        "women_share": C.Evidence(
            "women_share",
            "58%",
            C.CONSISTENT,
            58.0,
            {"mean": float("nan")},
            61.5,
            "61.5%",
            C.CONSISTENT,
        )
    }
    out = record_claims(ledger, ev, source="A release", path=tmp_path / "claims.json")
    written = __import__("json").loads((tmp_path / "claims.json").read_text())
    assert written == out
    assert out["verdict_counts"] == {C.CONSISTENT: 1}
    (row,) = out["claims"]
    assert row["chapters"] == ["04_child_victims", "01_detected_victims"]
    assert row["main"] == 58.0 and row["alternatives"] == {"mean": None}
    assert (row["current_release"], row["current_release_shown"]) == (61.5, "61.5%")
    assert row["current_release_verdict"] == C.CONSISTENT
    bare = claims_records(ledger)[0]
    assert bare["main"] is None and bare["current_release"] is None
    with pytest.raises(ValueError, match="lacks columns"):
        claims_records(ledger.drop(columns="verdict"))


# --------------------------------------------------------------------------- words for readers
def test_claimed_numbers_read_as_words():
    assert C.claimed_words({"value": 3.0, "unit": "one in N", "qualifier": "exact"}) == (
        "one in three"
    )
    assert C.claimed_words({"value": 180.0, "unit": "countries", "qualifier": "over"}) == (
        "over 180 countries"
    )
    assert C.claimed_words({"value": 74.0, "unit": "percent", "qualifier": "exact"}) == "74%"
    assert C.chapter_refs(["06_european_union"]) == "chapter 06"
    assert C.chapter_refs([]) == ""


def test_bound_words_follow_the_verdict():
    bound = 50_000
    for total in (48_000, 50_000, 54_127, 55_000, 60_000, 75_504):
        judged = C.verdict(total, OVER)
        words = C.bound_words(total, bound, judged)
        assert words.endswith(f"so {judged}")
        # a tight bound is never called loose, a loose one never within the rule
        assert ("loosely" in words) == (judged == C.CONSISTENT), (total, words)
        assert ("within" in words) == (judged == C.REPRODUCED), (total, words)
        assert ("below" in words) == (total < bound), (total, words)


def test_switches_for_people_use_each_figures_precision():
    keys = ["victims_total_2021_pooled_all", "children_share_2020_pct"]
    table = pd.DataFrame(
        {"all rules (main)": [54127.0, 34.874336], "no form fallback": ["no effect", 34.874336]},
        index=keys,
    )
    shown = C.switches_for_people(table)
    assert shown.to_numpy().tolist() == [["54,127", "34.9"], ["no effect", "34.9"]]
    assert list(shown.index) == ["Reproduction (report's data)", "Reproduction without the form fallback"]
    assert list(shown.columns) == ["Victims 2021", "Children 2020 (%)"]


def test_convictions_table_shows_the_carried_share():
    c = {"trend": -7.6, "filled": 69.09, "matched": -41.35}
    c |= {k + "_now": v for k, v in c.items()}
    shown = C.convictions_table(c)
    assert shown[C.REPRODUCTION].tolist() == ["-7.6%", "69.1%", "-41.4%"]


# --------------------------------------------------------------------------- the built page
PAGE = "11_press_release_claims.html"
STALE = (
    "the one reading under which",  # Pakistan's 2022 fits only the larger 2022 total
    "looser than the rule",  # said of a bound the rule calls tight
    "3 one in N",
    "report basis",
    "Current release",
)


def page_problems(text: str, results: dict) -> list[str]:
    """What chapter 11's visible text gets wrong against the recorded numbers."""
    problems = [f"stale or garbled text: {s!r}" for s in STALE if s in text]
    victims = results["victims_total_2021_pooled_all"]
    judged = V.verdict(victims["value"], V.published_figure("pr2025_victims_total_2021"))
    expected = C.bound_words(victims["value"], victims["published"], judged)
    if expected not in text:
        problems.append(f"the 2021 victims sentence does not say {expected!r}")
    total_2022 = results["victims_total_2022_pooled_all"]
    sentence = f"Only the larger published 2022 total, {total_2022['published']:,.0f}, needs"
    if sentence not in text:
        problems.append(f"missing: {sentence!r}")
    filled = results["convictions_change_2017_2020_filled_share_pct"]["value"]
    trend = results["convictions_change_2017_2020_pct"]["value"]
    for shown in (f"{filled:.1f}% of its 2020 total", f"gives {trend:+.1f}% on the reproduction"):
        if shown not in text:
            problems.append(f"the convictions finding lacks {shown!r}")
    return problems


def test_page_check_finds_the_old_sentences():
    results = {
        "victims_total_2021_pooled_all": {"value": 54127.0, "published": 50000.0},
        "victims_total_2022_pooled_all": {"value": 48523.0, "published": 74785.0},
        "convictions_change_2017_2020_filled_share_pct": {"value": 69.09},
        "convictions_change_2017_2020_pct": {"value": -7.6},
    }
    old = (
        "On the reproduction the 107 countries sum to 54,127, 8.3% above the release's bound: "
        "the bound holds, but it is looser than the rule's 10% for \"reproduced\". (Pakistan's "
        "2022 kept, the one reading under which the larger published 2022 total, 74,785, fits)"
    )
    assert len(page_problems(old, results)) == 6
    new = (
        "54,127, 8.3% above the claimed 50,000: within the 10% the rule allows, so reproduced. "
        "Only the larger published 2022 total, 74,785, needs Pakistan's 2022. The trend panel "
        "gives -7.6% on the reproduction, but 69.1% of its 2020 total are carried values"
    )
    assert page_problems(new, results) == []


def test_built_page_states_the_recorded_numbers(site_render):
    import json

    from tests.site import read_page
    from tiptrends import paths

    build = paths.build_dir()
    results = json.loads((build / "results.json").read_text(encoding="utf-8"))
    text = read_page(build / "html" / PAGE).text
    assert page_problems(text, results) == []
