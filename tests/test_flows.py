"""Tests for tiptrends.analyses.flows: hand-made tables with known answers, then real-data smoke tests."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from scipy import stats

from tests.tables import curated_row
from tiptrends import vocab
from tiptrends.analyses import flows as F
from tiptrends.errors import DataError
from tiptrends.io import data
from tiptrends.report import flow_diagrams
from tiptrends.vocab import CONVICTED, DIM_CITIZENSHIP, DIM_TOTAL, TOTAL, VICTIMS

META = {
    "DEU": ("Germany", "Europe", "Western Europe"),
    "ALB": ("Albania", "Europe", "Southern Europe"),
    "MEX": ("Mexico", "Americas", "Latin America and the Caribbean"),
    "USA": ("United States", "Americas", "Northern America"),
}


def row(iso3, year, category, value, indicator=VICTIMS, dimension=DIM_CITIZENSHIP):
    """One curated-table row; ``value=None`` is a suppressed "<5" cell."""
    return curated_row(
        iso3, year, value, dimension, category, indicator=indicator, place=META[iso3]
    )


@pytest.fixture
def glotip() -> pd.DataFrame:
    rows = [
        # Germany 2022: 30 nationals, 10 Albanians, 5 Mexicans, 5 unknown, one "<5" Albania row
        row("DEU", 2022, "Nationals", 30),
        row("DEU", 2022, "Albania", 10),
        row("DEU", 2022, "Mexico", 5),
        row("DEU", 2022, "Unknown", 5),
        row("DEU", 2022, "", 7),  # missing category text -> unknown
        # Albania 2022: its own citizens written as the country name, and "foreigners"
        row("ALB", 2022, "Albania", 20),
        row("ALB", 2022, "foreigners", 20),
        row("ALB", 2022, "N/A", None),
        # Mexico 2022: a total of all citizenships (marked 'exclude' in the mapping) -> dropped
        row("MEX", 2022, "Mexico", 8),
        row("MEX", 2022, "TOTAL", 100),
        row("MEX", 2022, "Germany", None),
        # Germany 2021
        row("DEU", 2021, "Albania", 6),
        row("DEU", 2021, "Nationals", 2),
        # other indicators / dimensions are ignored
        row("DEU", 2022, "Nationals", 999, indicator=CONVICTED),
        row("DEU", 2022, TOTAL, 47, dimension=DIM_TOTAL),
    ]
    df = pd.DataFrame(rows)
    agg = row("USA", 2022, "Mexico", 1000)
    agg["is_aggregate"] = True
    return pd.concat([df, pd.DataFrame([agg])], ignore_index=True)


# --------------------------------------------------------------------------- citizenship
def test_excluded_categories_reads_the_note_mark():
    mapping = pd.DataFrame(
        {
            "category": ["TOTAL", "X", "Y", "Z"],
            "note": [
                "total of all citizenships; exclude to avoid double counting",
                "",
                "codes - Exclude",
                "excluded elsewhere, kept here",
            ],
        }
    )
    assert F.excluded_categories(mapping) == frozenset({"TOTAL", "Y"})


def test_citizenship_rows_maps_classifies_and_drops_marked(glotip):
    rows = F.citizenship_rows(glotip)
    assert set(rows["indicator"]) == {VICTIMS}
    assert "TOTAL" not in set(rows["category"].dropna())
    assert not rows["iso3"].eq("USA").any(), "aggregate rows never enter"
    origin = rows.set_index(["iso3", "year", rows["category"].fillna("<missing>")])["origin"]
    assert origin[("DEU", 2022, "Nationals")] == "domestic"
    assert origin[("DEU", 2022, "Albania")] == "foreign"
    assert origin[("DEU", 2022, "<missing>")] == "unknown"
    assert origin[("ALB", 2022, "Albania")] == "domestic"
    assert origin[("ALB", 2022, "foreigners")] == "foreign"
    assert origin[("ALB", 2022, "<missing>")] == "unknown"
    kept = F.citizenship_rows(glotip, drop_excluded=False)
    assert kept.loc[kept["category"] == "TOTAL", "excluded"].all()
    assert len(kept) == len(rows) + 1


def test_citizenship_rows_raises_on_an_unmapped_category(glotip):
    bad = pd.concat([glotip, pd.DataFrame([row("DEU", 2022, "Atlantis-nowhere", 3)])])
    with pytest.raises(DataError, match="unmapped"):
        F.citizenship_rows(bad)


def test_origin_counts_known_answers(glotip):
    t = F.origin_counts(F.citizenship_rows(glotip)).set_index("year")
    # 2022: domestic DEU 30 + ALB 20 + MEX 8 = 58; foreign 10 + 5 + 20 = 35; unknown 5 + 7
    assert t.loc[2022, ["domestic", "foreign", "unknown", "known"]].tolist() == [58, 35, 12, 93]
    assert t.loc[2022, "n_countries"] == 3
    assert t.loc[2022, "domestic_share_pct"] == pytest.approx(100 * 58 / 93)
    assert t.loc[2021, "domestic_share_pct"] == pytest.approx(25.0)
    assert F.origin_counts(F.citizenship_rows(glotip).query("year == 1999")).empty


def test_origin_counts_by_region_and_suppression_policy(glotip):
    reg = F.origin_counts(F.citizenship_rows(glotip), by=("region", "year"))
    am = reg[(reg["region"] == "Americas") & (reg["year"] == 2022)].iloc[0]
    assert (am["domestic"], am["foreign"]) == (8, 0)
    upper = F.origin_counts(F.citizenship_rows(glotip, suppressed="upper")).set_index("year")
    # the two "<5" cells become 4: ALB missing category (unknown), MEX Germany (foreign)
    assert upper.loc[2022, ["foreign", "unknown"]].tolist() == [39, 16]


def test_country_shares_and_panel(glotip):
    rows = F.citizenship_rows(glotip)
    per = F.country_origin_shares(rows, 2022)
    assert per["iso3"].tolist() == ["DEU", "ALB", "MEX"]  # largest known first
    assert per.set_index("iso3").loc["DEU", "domestic_share_pct"] == pytest.approx(200 / 3)
    assert F.reporting_panel(rows, [2021, 2022]) == ["DEU"]
    assert F.reporting_panel(rows, [2022]) == ["ALB", "DEU", "MEX"]


def test_mapped_share(glotip):
    rows = F.citizenship_rows(glotip)
    # mapped (country or nationals): 30+10+5 + 20 + 8 + 6+2 = 81 of 81 + 5 + 7 + 20 = 113
    assert F.citizenship_mapped_share_pct(rows) == pytest.approx(100 * 81 / 113)
    kept = F.citizenship_rows(glotip, drop_excluded=False)
    assert F.citizenship_mapped_share_pct(kept) == pytest.approx(100 * 81 / 213)


def test_domestic_share_alternatives_table(glotip):
    alt = F.domestic_share_alternatives(glotip, 2022)
    main = alt.loc["pooled, <5 excluded (main)", "domestic_share_pct"]
    assert main == pytest.approx(100 * 58 / 93)
    assert alt.loc["mean of country shares", "domestic_share_pct"] == pytest.approx(
        (200 / 3 + 50 + 100) / 3
    )
    assert alt.loc["pooled, without Germany (largest)", "domestic_share_pct"] == pytest.approx(
        100 * 28 / 48
    )
    # the "upper" policy adds a foreign 4 (MEX: Germany)
    assert alt.loc["pooled, <5 as upper", "domestic_share_pct"] == pytest.approx(100 * 58 / 97)


# --------------------------------------------------------------------------- corridors
def test_corridors_known_answers(glotip):
    rows = F.citizenship_rows(glotip)
    c = F.corridors(rows, [2021, 2022])
    assert c[F.CORRIDOR_KEY + ["victims", "n_years"]].values.tolist() == [
        ["ALB", "DEU", 16.0, 2],
        ["MEX", "DEU", 5.0, 1],
    ]
    with_dom = F.corridors(rows, [2022], include_domestic=True)
    assert ("ALB", "ALB") in set(with_dom[F.CORRIDOR_KEY].itertuples(index=False, name=None))
    imputed = F.corridors(F.citizenship_rows(glotip, suppressed="impute"), [2022])
    assert imputed.set_index(F.CORRIDOR_KEY).loc[("DEU", "MEX"), "victims"] == 2.5


def test_foreign_origin_shares(glotip):
    t = F.foreign_origin_shares(F.citizenship_rows(glotip), 2022).set_index("group")
    assert t.loc["Europe", "victims"] == 10 and t.loc["Americas", "victims"] == 5
    assert t["share_pct"].sum() == pytest.approx(100)


@pytest.fixture
def du_flows() -> pd.DataFrame:
    recs = [
        (2010, "AAA", "BBB", False),
        (2010, "AAA", "BBB", False),
        (2011, "AAA", "BBB", True),
        (2010, "CCC", "BBB", False),
        (2012, "CCC", "BBB", False),
        (2012, "CCC", "BBB", False),
        (2012, "CCC", "BBB", False),
        (2011, "DDD", "DDD", False),
        (2011, None, "BBB", False),
        (2013, "EEE", None, False),
    ]
    return pd.DataFrame(recs, columns=["year", "origin_iso3", "destination_iso3", "flagged"])


def test_du_corridors(du_flows):
    d = F.du_corridors(du_flows)
    assert d[F.CORRIDOR_KEY].values.tolist() == [["CCC", "BBB"], ["AAA", "BBB"]]
    assert d["statements"].tolist() == [4, 3] and d["years_named"].tolist() == [2, 2]
    unflagged = F.du_corridors(du_flows, drop_flagged=True).set_index(F.CORRIDOR_KEY)
    assert unflagged.loc[("AAA", "BBB"), "years_named"] == 1
    assert F.du_corridors(du_flows, years=[2012])["statements"].tolist() == [3]


def test_corridor_overlap_and_comparison():
    a = pd.DataFrame(
        {
            "origin_iso3": ["A", "B", "C", "D"],
            "destination_iso3": ["X"] * 4,
            "victims": [40.0, 30.0, 20.0, 10.0],
        }
    )
    b = pd.DataFrame(
        {
            "origin_iso3": ["C", "E", "A", "D"],
            "destination_iso3": ["X"] * 4,
            "years_named": [9, 8, 7, 1],
            "statements": [1, 1, 1, 1],
        }
    )
    o = F.corridor_overlap(a, b, 3)
    assert o["common"] == [("A", "X"), ("C", "X")]
    assert o["overlap_pct"] == pytest.approx(200 / 3)
    assert o["jaccard"] == pytest.approx(2 / 4)
    assert o["first_in_second_any_pct"] == pytest.approx(200 / 3)
    cmp = F.compare_corridors(a, b, 4).set_index("origin_iso3")
    assert cmp.loc["A", "du_rank"] == 3 and cmp.loc["B", "du_years_named"] == 0
    assert pd.isna(cmp.loc["B", "du_rank"])
    r = F.corridor_rank_correlation(a, b)
    assert r["n_corridors"] == 4 and r["named_pct"] == 75.0
    perfect = b.assign(years_named=[2, 1, 4, 0])  # C=2, A=4, D=0, B missing -> 0 (tie)
    assert F.corridor_rank_correlation(a, perfect)["rho"] == pytest.approx(
        stats.spearmanr([40, 30, 20, 10], [4, 0, 2, 0]).statistic
    )


# --------------------------------------------------------------------------- tiers
def test_detection_rates_and_tiers():
    g = pd.DataFrame(
        [
            row("DEU", 2010, TOTAL, 80, dimension=DIM_TOTAL),
            row("DEU", 2011, TOTAL, 160, dimension=DIM_TOTAL),
            row("ALB", 2010, TOTAL, 30, dimension=DIM_TOTAL),
            row("MEX", 2010, TOTAL, None, dimension=DIM_TOTAL),
        ]
    )
    pop = pd.Series({"DEU": 80e6, "ALB": 3e6, "MEX": 120e6})
    r = F.detection_rates(g, pop).set_index(["iso3", "year"])
    assert r.loc[("DEU", 2010), "rate_per_100k"] == pytest.approx(0.1)
    assert r.loc[("ALB", 2010), "rate_per_100k"] == pytest.approx(1.0)
    assert ("MEX", 2010) not in r.index, '"<5" total dropped under "exclude"'
    tiers = pd.DataFrame(
        {
            "iso3": ["DEU", "DEU", "ALB", "MEX", None],
            "year": [2011, 2012, 2011, 2011, 2011],
            "tier": ["Tier 1", "Special case", "Tier 3", "Tier 2", "Tier 1"],
        }
    )
    j = F.tier_rates(tiers, F.detection_rates(g, pop))
    assert j[["iso3", "report_year", "year", "tier"]].astype(str).values.tolist() == [
        ["ALB", "2011", "2010", "Tier 3"],
        ["DEU", "2011", "2010", "Tier 1"],
    ]
    same = F.tier_rates(tiers, F.detection_rates(g, pop), lag=0)
    assert same["iso3"].tolist() == ["DEU"] and same["rate_per_100k"].iloc[0] == pytest.approx(0.2)
    s = F.tier_summary(j)
    assert s.index.tolist() == list(vocab.TIERS)
    assert s.loc["Tier 3", "median_rate"] == pytest.approx(1.0)
    assert s.loc["Tier 2", "country_years"] == 0


def test_tier_association_sign():
    iso = [f"C{i:02d}" for i in range(8)]
    tiers = list(vocab.TIERS) * 2
    joined = pd.DataFrame(
        {
            "iso3": iso,
            "tier": pd.Categorical(tiers, list(vocab.TIERS), ordered=True),
            "rate_per_100k": [8, 6, 4, 2, 7, 5, 3, 1],
        }
    )
    a = F.tier_association(joined)
    assert a["n_countries"] == 8 and a["rho"] < -0.8


# --------------------------------------------------------------------------- drawing
def test_flow_layout_is_consistent():
    flows = pd.DataFrame(
        {
            "origin_iso3": ["A", "A", "B", "C"],
            "destination_iso3": ["X", "Y", "X", "Y"],
            "victims": [50.0, 10.0, 30.0, 5.0],
        }
    )
    lay = flow_diagrams.flow_layout(flows)
    left, right, bands = lay["left"], lay["right"], lay["bands"]
    assert left.index.tolist() == ["A", "B", "C"] and right.index.tolist() == ["X", "Y"]
    assert left["total"].tolist() == [60, 30, 5] and right["total"].tolist() == [80, 15]
    for node_col, top, bot, nodes in (
        ("origin_iso3", "top0", "bot0", left),
        ("destination_iso3", "top1", "bot1", right),
    ):
        for code, g in bands.groupby(node_col):
            assert g[top].max() == pytest.approx(nodes.loc[code, "top"])
            assert g[bot].min() == pytest.approx(nodes.loc[code, "bottom"])
            assert (g[top] - g[bot]).sum() == pytest.approx(nodes.loc[code, "total"])
    assert left["bottom"].iloc[0] > left["top"].iloc[1], "a gap separates the nodes"


def test_plot_flow_diagram_and_tier_plot():
    flows = pd.DataFrame(
        {"origin_iso3": ["A", "B"], "destination_iso3": ["X", "X"], "victims": [1200.0, 300.0]}
    )
    fig, ax = flow_diagrams.plot_flow_diagram(
        flows,
        labels={"A": "Aland"},
        colours={"A": "#000000"},
        colour_legend={"Europe": "#E69F00"},
        source="UNODC",
        release="r",
        title="t",
    )
    texts = [t.get_text() for t in ax.texts]
    assert "Aland (1,200)" in texts and any(t.startswith("Source: UNODC") for t in texts)
    assert any("= 100 victims" in t for t in texts)
    assert len(ax.patches) >= 2 + 3  # two bands, three nodes
    plt.close(fig)
    with pytest.raises(ValueError):
        flow_diagrams.plot_flow_diagram(flows.iloc[0:0])
    joined = pd.DataFrame(
        {
            "iso3": ["A", "B", "C"],
            "tier": pd.Categorical(["Tier 1", "Tier 3", "Tier 3"], list(vocab.TIERS)),
            "rate_per_100k": [1.0, 0.5, 0.0],
        }
    )
    fig, ax = flow_diagrams.plot_tier_rates(joined, source="UNODC")
    assert ax.get_yscale() == "log" and "100,000" in ax.get_ylabel()
    plt.close(fig)


# --------------------------------------------------------------------------- real data
def test_real_marked_categories_are_the_total_and_the_codes():
    ex = F.excluded_categories()
    assert "TOTAL" in ex
    assert len(ex) == 61 and sum(c.startswith("Q6.1_") for c in ex) == 60


def test_real_citizenship_rows_and_shares(glotip_2025):
    from tiptrends.io.citizenship import mapped_share

    rows = F.citizenship_rows(glotip_2025, drop_excluded=False)  # every category maps
    assert rows.loc[rows["category"] == "TOTAL", "iso3"].eq("BOL").all()
    # same definition as citizenship.mapped_share (README: 0.917 for the 2025 release)
    ms = mapped_share(rows)
    assert F.citizenship_mapped_share_pct(rows) == pytest.approx(100 * ms["share"])
    main = F.citizenship_mapped_share_pct(F.citizenship_rows(glotip_2025))
    assert main > 100 * ms["share"], "dropping Bolivia's TOTAL raises the mapped share"
    share = F.origin_counts(F.citizenship_rows(glotip_2025)).set_index("year")["domestic_share_pct"]
    assert 0 < share[2022] < 100
    c = F.corridors(F.citizenship_rows(glotip_2025), range(2018, 2023))
    assert (c["origin_iso3"] != c["destination_iso3"]).all()
    assert c["victims"].is_monotonic_decreasing


def test_real_du_and_tiers(glotip_2025, gsi):

    d = F.du_corridors(data.load_tip_flows())
    assert d["years_named"].max() <= 9 and d["first_year"].min() >= 2008
    rates = F.detection_rates(glotip_2025, data.gsi_population(gsi))
    j = F.tier_rates(data.load_tip_tiers("du"), rates)
    assert set(j["tier"].astype(str)) <= set(vocab.TIERS)
    assert j["report_year"].between(2008, 2016).all()
    assert F.tier_summary(j)["country_years"].sum() == len(j)


# --------------------------------------------------------------------------- moved from notebook 09
def _cit(records):
    """Rows shaped like citizenship_rows output from (iso3, year, group, cit_iso3, origin, value)."""
    return pd.DataFrame(
        records,
        columns=["iso3", "year", "citizenship_group", "citizenship_iso3", "origin", "value"],
    )


def test_victims_by_citizenship_group_and_nationalities():
    r = _cit(
        [
            ("DEU", 2022, "country", "ALB", "foreign", 10.0),
            ("DEU", 2022, "nationals", math.nan, "domestic", 5.0),
            ("DEU", 2022, "country", "MEX", "foreign", math.nan),
            ("USA", 2022, "country", "MEX", "foreign", 0.0),
            ("USA", 2022, "unmapped", math.nan, "unknown", 3.0),
            ("USA", 2021, "country", "DEU", "foreign", 7.0),
        ]
    )
    g = F.victims_by_citizenship_group(r)
    assert g.to_dict() == {"country": 17.0, "nationals": 5.0, "unmapped": 3.0}
    # MEX only has a suppressed and a zero count in 2022; DEU counts through its nationals
    assert F.victim_nationalities(r, 2022) == {"ALB", "DEU"}
    assert F.victim_nationalities(r, 2021) == {"DEU"}


def test_foreign_change_pct_on_reporting_panel():
    r = _cit(
        [
            ("DEU", 2019, "country", "ALB", "foreign", 10.0),
            ("DEU", 2019, "nationals", math.nan, "domestic", 5.0),
            ("DEU", 2020, "country", "ALB", "foreign", 15.0),
            ("USA", 2019, "country", "MEX", "foreign", 100.0),
        ]
    )  # not reporting in 2020
    # trend panel: USA's 2020 carried from 2019 (100), so (15 + 100) / (10 + 100)
    pct, n = F.foreign_change_pct(r, 2019, 2020)
    assert pct == pytest.approx(100 * (115 / 110 - 1)) and n == 2
    pct, n = F.foreign_change_pct(r, 2019, 2020, panel="matched")
    assert pct == pytest.approx(50.0) and n == 1
    pct, n = F.foreign_change_pct(r, 2019, 2020, panel="open")  # 15 / 110
    assert pct == pytest.approx(100 * (15 / 110 - 1)) and n == 2
    assert F.foreign_counts(r).to_dict("list") == {
        "iso3": ["DEU", "DEU", "USA"],
        "year": [2019, 2020, 2019],
        "foreign": [10.0, 15.0, 100.0],
    }


def test_corridor_overlap_table_known_values():
    u = pd.DataFrame(
        {
            "origin_iso3": ["ALB", "MEX", "DEU"],
            "destination_iso3": ["DEU", "USA", "USA"],
            "victims": [30.0, 20.0, 10.0],
        }
    )
    du = pd.DataFrame(
        {
            "origin_iso3": ["MEX", "USA", "ALB"],
            "destination_iso3": ["USA", "MEX", "DEU"],
            "years_named": [9, 8, 7],
        }
    )
    t = F.corridor_overlap_table({"recent": u}, du, (1, 2))
    assert t.index.tolist() == [("recent", 1), ("recent", 2)]
    assert t["in both top n"].tolist() == [0, 1]
    assert t["overlap %"].tolist() == pytest.approx([0.0, 50.0])
    assert t.loc[("recent", 2), "Jaccard"] == pytest.approx(1 / 3)
    assert t["named anywhere by TIP %"].tolist() == pytest.approx([100.0, 100.0])
    rc = F.corridor_rank_correlation(u, du)
    assert t["rho (all corridors)"].tolist() == pytest.approx([rc["rho"]] * 2)
    assert t["corridors"].tolist() == [3, 3]


# --------------------------------------------------------------------------- chapter tables
def test_citizenship_group_table_sums_both_choices(glotip):
    table = F.citizenship_group_table(
        F.citizenship_rows(glotip), F.citizenship_rows(glotip, drop_excluded=False)
    )
    # countries: DEU 10 + 5 (2022) + 6 (2021), ALB 20, MEX 8 = 49; the TOTAL row (100) is
    # in the group "other" only when the marked categories are kept
    assert table.loc["Country", "Victims (main choices)"] == 49
    assert (
        table.loc["Other", "Victims (marked categories kept)"]
        == 100 + table.loc["Other", "Victims (main choices)"]
    )
    assert not table.isna().any().any()


def test_domestic_share_paths_open_and_balanced(glotip):
    paths = F.domestic_share_paths(F.citizenship_rows(glotip), [2021, 2022])
    label = "Same 1 countries every year 2021-2022"
    assert set(paths["series"]) == {F.ALL_REPORTING, label}
    balanced = paths[paths["series"] == label].set_index("year")
    # Germany alone: 2022 domestic 30 of 45 known; 2021 2 of 8
    assert balanced.loc[2022, "domestic_share_pct"] == pytest.approx(100 * 30 / 45)
    assert balanced.loc[2021, "domestic_share_pct"] == pytest.approx(25.0)
    open_panel = paths[paths["series"] == F.ALL_REPORTING].set_index("year")
    assert open_panel.loc[2022, "domestic_share_pct"] == pytest.approx(100 * 58 / 93)


def test_largest_reporters_and_region_tables(glotip):
    rows = F.citizenship_rows(glotip)
    top = F.largest_reporters(rows, 2022, n=2)
    assert top["country"].tolist() == ["Germany", "Albania"]
    assert top["share_of_known_pct"].tolist() == pytest.approx([100 * 45 / 93, 100 * 40 / 93])
    by_region = F.origin_counts(rows, by=("region", "year"))
    wide = F.region_share_table(by_region, 2022)
    assert wide.loc["Europe", 2022] == pytest.approx(100 * 50 / 85)
    assert wide.loc["Europe", "Countries 2022"] == 2
    assert F.region_extremes(by_region, 2022) == {
        "lowest": pytest.approx(100 * 50 / 85),
        "lowest_region": "Europe",
        "highest": pytest.approx(100.0),
        "highest_region": "Americas",
    }
    glotip_regions = F.glotip_region_counts(rows, 2022)
    assert glotip_regions["domestic"].sum() == 58
    assert glotip_regions["domestic_share_pct"].is_monotonic_increasing


def test_named_corridors_share_and_foreign_countries(glotip):
    rows = F.citizenship_rows(glotip)
    corr = F.corridors(rows, [2021, 2022])
    named = F.with_country_names(corr)
    assert named.index.tolist() == [1, 2] and named.index.name == "rank"
    assert named[["origin", "destination"]].values.tolist() == [
        ["Albania", "Germany"],
        ["Mexico", "Germany"],
    ]
    assert "origin_iso3" not in named.columns
    assert F.top_share_pct(corr, 1) == pytest.approx(100 * 16 / 21)
    # 2022: Germany (Albanians, Mexicans) and Albania ("foreigners"); Mexico's only foreign
    # row is a "<5" cell, which has no count under the main policy
    assert F.countries_with_foreign_victims(rows, 2022) == 2


def test_tip_coding_summary():
    tip = pd.DataFrame(
        {
            "origin_iso3": ["AAA", "AAA", None, "CCC"],
            "destination_iso3": ["BBB", "BBB", "BBB", "BBB"],
            "year": [2010, 2011, 2010, 2010],
            "flagged": [False] * 4,
        }
    )
    summary = F.tip_coding_summary(tip, F.du_corridors(tip))
    assert summary == {
        "statements": 4,
        "country_to_country": 3,
        "country_to_country_pct": 75.0,
        "corridors": 2,
        "named_every_year": 1,
    }


def test_tier_comparison_one_row_per_coding():
    g = pd.DataFrame(
        [row(i, 2010, TOTAL, v, dimension=DIM_TOTAL) for i, v in (("DEU", 80), ("ALB", 30))]
        + [row("MEX", 2010, TOTAL, 12, dimension=DIM_TOTAL)]
    )
    rates = F.detection_rates(g, pd.Series({"DEU": 80e6, "ALB": 3e6, "MEX": 120e6}))
    tiers = pd.DataFrame(
        {"iso3": ["DEU", "ALB", "MEX"], "year": [2011] * 3, "tier": ["Tier 1", "Tier 3", "Tier 2"]}
    )
    summary, assoc, joined = F.tier_comparison({"a": tiers, "b": tiers.iloc[:2]}, rates)
    assert assoc.index.tolist() == ["a", "b"]
    assert assoc.loc["a", "countries"] == 3 and assoc.loc["a", "report years"] == "2011-2011"
    assert pd.isna(assoc.loc["b", "Spearman rho"]), "fewer than 3 countries: no correlation"
    # rates 0.1 (Tier 1), 0.01 (Tier 2), 1.0 (Tier 3): ranks 1,2,3 vs 2,1,3
    assert assoc.loc["a", "Spearman rho"] == pytest.approx(0.5)
    assert summary.loc[("a", "Tier 3"), "median_rate"] == pytest.approx(1.0)
    assert len(joined["b"]) == 2


def test_status_counts_plot_and_region_colours():
    counts = pd.DataFrame(
        {"year": [2020, 2021], "domestic": [3.0, 4.0], "foreign": [1.0, 2.0], "unknown": [0.0, 1.0]}
    )
    fig, ax = flow_diagrams.plot_status_counts(counts, title="t", source="UNODC")
    heights = [p.get_height() for p in ax.patches]
    assert heights == [3.0, 4.0, 1.0, 2.0, 0.0, 1.0]
    assert (ax.get_title("left") or ax.get_title()) == "t"  # the house style titles left
    plt.close(fig)
    colours, legend = flow_diagrams.origin_region_colours(["ALB", "MEX", "XXX"])
    assert list(legend) == [r for r in flow_diagrams.REGION_COLOURS if r in {"Europe", "Americas"}]
    assert colours["ALB"] == legend["Europe"]
    assert colours["XXX"] == flow_diagrams.OKABE_ITO["black"]


def test_registered_figures_read_the_table_and_the_panel(glotip):
    from tiptrends.methods import figures

    rows = F.citizenship_rows(glotip)
    key = "victim_nationalities_2022"
    assert figures.evaluate(key, glotip) == len(F.victim_nationalities(rows, 2022))
    assert figures.evaluate(key, glotip[glotip["iso3"] != "DEU"]) == len(
        F.victim_nationalities(rows[rows["iso3"] != "DEU"], 2022)
    )
    assert figures.evaluate(key, glotip, countries=["DEU"]) == len(
        F.victim_nationalities(rows[rows["iso3"] == "DEU"], 2022)
    )
    assert figures.reads_option("foreign_victims_change_2019_2020_pct", "panel")
    assert not figures.reads_option(key, "panel")


def test_switch_table_for_readers_rounds_to_precision_and_names_columns() -> None:
    keys = F.RECORDED
    table = pd.DataFrame(
        {
            "all rules (main)": [26.2612, -18.99, 131.0],
            "exclusions on": [27.43, -0.001, 130.0],
            "matched countries": ["no effect", -21.29, "no effect"],
        },
        index=["a", "b", "c"],
    )
    shown = F.switches_for_readers(table, keys)
    assert list(shown.columns) == [
        "Unit",
        "Reproduction (report's data)",
        "Reproduction with the exclusions",
        "Matched countries",
    ]
    assert shown.iloc[:, 1].tolist() == ["26.3", "-19.0", "131"]
    assert shown.iloc[1, 2] == "0.0"  # never "-0.0"
    assert shown.iloc[1, 3] == "-21.3" and shown.iloc[0, 3] == "no effect"


def test_alternative_labels_and_agreement_are_plain_words() -> None:
    assert F.choice_label("pooled, <5 as impute") == 'Pooled, "<5" cells set to 2.5'
    assert F.choice_label("pooled, without Pakistan (largest)") == (
        "Pooled, without Pakistan (the largest reporter)"
    )
    assert [F.agree(n, "is", "are") for n in (0, 1, 2)] == ["are", "is", "are"]


def test_country_names_read_in_a_sentence() -> None:
    assert F.in_sentence("United Kingdom") == "the United Kingdom"
    assert F.in_sentence("Netherlands") == "the Netherlands"
    assert F.in_sentence("Albania") == "Albania"
