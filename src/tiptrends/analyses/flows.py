"""Cross-border flows: domestic and foreign victims, corridors, TIP narratives and TIP tiers.

Four pieces, all pure functions on the curated tables (:mod:`tiptrends.io.data`):

* **Domestic vs foreign victims** from the UNODC "by citizenship" dimension
  (``vocab.DIM_CITIZENSHIP``), mapped with the curated table ``data/mappings/citizenship.csv``
  (:mod:`tiptrends.io.citizenship`): :func:`citizenship_rows`, :func:`origin_counts`,
  :func:`country_origin_shares`, :func:`domestic_share_alternatives`,
  :func:`citizenship_mapped_share_pct`.
* **Corridors** citizenship -> country of detection (ISO3), summed over years:
  :func:`corridors`, :func:`foreign_origin_shares`.
* **US TIP narratives** (University of Denver origin -> destination coding, 2008-2016):
  :func:`du_corridors`, and their agreement with the UNODC corridors:
  :func:`corridor_overlap`, :func:`compare_corridors`.
* **US TIP tiers vs detection rates**: :func:`detection_rates`, :func:`tier_rates`,
  :func:`tier_summary`, :func:`tier_association`.

Their figures are drawn by :mod:`tiptrends.report.flow_diagrams`.

Chapter conventions
-------------------
* Only country rows (``is_aggregate == False``) enter.
* Citizenship categories that the mapping table marks for exclusion in its ``note``
  ("exclude": Bolivia's ``TOTAL`` category, a total of all citizenships that would double
  count, and the 60 ``Q6.1_..s_20..`` questionnaire codes whose "values" are code digits)
  are dropped by default; see :func:`excluded_categories`. No other category is dropped.
* The curated UNODC table stores a missing citizenship category as the text ``""`` or
  ``"N/A"`` (the mapping table, built from the raw file, treats those cells as missing);
  :func:`citizenship_rows` turns them into missing values, which
  :func:`tiptrends.io.citizenship.map_citizenship` maps to ``unknown``.
* Domestic / foreign / unknown follow :func:`tiptrends.io.citizenship.classify_domestic`:
  domestic = nationals or the reporting country's own ISO3; foreign = another country or a
  non-country row whose curated ``origin`` is ``foreign``; unknown otherwise. The
  "known citizenship status" denominator is domestic + foreign.
* Suppressed ``"<5"`` cells follow :func:`tiptrends.methods.aggregate.apply_suppression_policy`
  (default ``"exclude"``: they add nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tiptrends import settings, vocab
from tiptrends.io.countries import country_table
from tiptrends.methods.aggregate import Policy, add_grouping, country_year_counts, rate_per_100k
from tiptrends.methods.figures.flows import (  # noqa: F401  (the chapter's citizenship functions)
    CORRIDOR_KEY,
    FOREIGN_CHANGE_YEARS,
    ORIGINS,
    citizenship_rows,
    corridors,
    excluded_categories,
    foreign_change_pct,
    foreign_counts,
    foreign_origin_shares,
    origin_counts,
    victim_nationalities,
)
from tiptrends.methods.models import spearman
from tiptrends.methods.sensitivity import BASIS_SWITCH_LABELS, BASIS_SWITCHES
from tiptrends.vocab import TIERS

LATEST_YEAR = settings.LATEST_YEAR
"""Latest year of the 2025 release: the year of the headline domestic share."""

PANEL_YEARS = range(2017, 2023)
"""Years of the balanced panel set against the open panel (countries reporting in all)."""

REGION_FIRST_YEAR = 2010
"""First year of the by-region figure (earlier years have very few reporting countries)."""

CORRIDOR_YEARS = range(2018, 2023)
"""Years summed for the main corridors (the last five of the 2025 release)."""

TIP_CODING_YEARS = range(2008, 2017)
"""Report years of the University of Denver coding of the TIP narratives."""

TOP_N = 20
"""Number of corridors shown and compared."""

OVERLAP_SIZES = (10, 20, 50)
"""Sizes of the top lists compared in the corridor agreement table."""

LARGEST_REPORTERS = 10
"""Countries listed in the table of the largest reporters of a year."""


TIER_CODINGS = {"kelley_heiss": "Kelley-Heiss", "du": "Univ. of Denver"}
"""TIP tier codings (:func:`tiptrends.io.data.load_tip_tiers` name -> label)."""

TIER_LAG = 1
"""Detection year = TIP report year - 1 (a report covers the year before)."""

ALL_REPORTING = "All reporting countries"
"""Label of the open-panel series."""

BALANCED_LABEL = "Same {n} countries every year {first}-{last}"
"""Label of the balanced-panel series (filled with its size and years)."""

COLUMN_NAMES = {
    "domestic": "Domestic",
    "foreign": "Foreign",
    "unknown": "Unknown status",
    "known": "Known status",
    "n_countries": "Countries",
    "domestic_share_pct": "Domestic share (%)",
    "foreign_share_pct": "Foreign share (%)",
    "share_of_known_pct": "Share of all known-status victims (%)",
    "victims": "Victims",
    "share_pct": "Share (%)",
    "n_years": "Years with a count",
    "years_named": "Report years named",
    "statements": "Coded statements",
    "du_years_named": "TIP report years named",
    "du_rank": "TIP rank",
    "country": "Country",
    "origin": "Citizenship",
    "destination": "Detected in",
    "country_years": "Country-years",
    "countries": "Countries",
    "median_rate": "Median rate per 100,000",
    "q25_rate": "Lower quartile",
    "q75_rate": "Upper quartile",
}
"""Readable column names for the tables a reader sees."""

SWITCH_LABELS = {
    **BASIS_SWITCH_LABELS,
    "matched countries": "Matched countries",
    "open countries": "Open panel",
    "balanced countries": "Balanced panel",
}
"""Plain column names of the rule-switch table (:data:`SWITCHES` labels -> words)."""

BASES_COLUMNS = {
    "report basis": "Reproduction (report's data)",
    "current release": "Re-analysis (current data)",
    "why the current release differs": "Why the re-analysis differs",
    "figure": "Figure",
    "published": "Published",
    "gap": "Gap",
    "reason for the gap": "Reason for the gap",
    "source": "Source",
}
"""Plain column names of the published-vs-reproduced table of both data bases."""

OVERLAP_COLUMNS = {
    "in both top n": "In both top lists",
    "overlap %": "Overlap (%)",
    "Jaccard": "Jaccard index",
    "named anywhere by TIP %": "Named by TIP at least once (%)",
    "rho (all corridors)": "Spearman's rho (all corridors)",
    "corridors": "UNODC corridors",
}
"""Plain column names of the corridor agreement table."""

ASSOCIATION_COLUMNS = {
    "report years": "Report years",
    "country-years": "Country-years",
    "countries": "Countries",
    "Spearman rho": "Spearman's rho",
    "p": "p-value",
    "rho, same-year match": "Spearman's rho, same-year match",
}
"""Plain column names of the tier-rate association table."""


# --------------------------------------------------------------------------- citizenship
def country_origin_shares(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """Domestic share per reporting country in one year.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows`.
    year : int

    Returns
    -------
    pandas.DataFrame
        ``iso3, country, region, domestic, foreign, unknown, known, domestic_share_pct``
        for countries with known > 0, largest ``known`` first.
    """
    sub = rows[rows["year"] == year]
    out = origin_counts(sub, by=("iso3",))
    meta = sub.drop_duplicates("iso3").set_index("iso3")[["country", "region"]]
    out = out[out["known"] > 0].join(meta, on="iso3")
    cols = ["iso3", "country", "region", *ORIGINS, "known", "domestic_share_pct"]
    return out[cols].sort_values(["known", "iso3"], ascending=[False, True]).reset_index(drop=True)


def reporting_panel(rows: pd.DataFrame, years: Iterable[int]) -> list[str]:
    """Countries that report victims of known citizenship status in every one of ``years``.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows`.
    years : iterable of int

    Returns
    -------
    list of str
        Sorted ISO3 codes (a balanced panel for those years).
    """
    need = set(years)
    per = origin_counts(rows[rows["year"].isin(need)], by=("iso3", "year"))
    per = per[per["known"] > 0]
    return sorted(i for i, g in per.groupby("iso3") if need <= set(g["year"]))


def victims_by_citizenship_group(rows: pd.DataFrame) -> pd.Series:
    """Victims summed by the citizenship mapping's group.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows` (any subset).

    Returns
    -------
    pandas.Series
        Index ``citizenship_group`` (sorted); sum of ``value`` (missing values add nothing).
    """
    return rows.groupby("citizenship_group")["value"].sum()


def citizenship_mapped_share_pct(rows: pd.DataFrame) -> float:
    """Share (%) of victims whose citizenship category maps to a country or to nationals.

    The definition of :func:`tiptrends.io.citizenship.mapped_share` (groups ``country`` and
    ``nationals`` over all values), applied to rows from :func:`citizenship_rows`, i.e.
    after the excluded categories are dropped (if they were). Missing values (suppressed
    cells under ``"exclude"``) add nothing.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows` (any subset of years).

    Returns
    -------
    float
    """
    values = rows["value"].astype(float)
    total = values.sum()
    good = values[rows["citizenship_group"].isin(["country", "nationals"])].sum()
    return float(100 * good / total) if total else float("nan")


def domestic_share_alternatives(glotip: pd.DataFrame, year: int) -> pd.DataFrame:
    """The domestic share of one year under alternative choices.

    Rows: pooled with the main choices (``"<5"`` excluded, marked categories dropped); the
    three other suppression policies; the unweighted mean of country shares; pooled without
    the country with most victims of known status; pooled on the countries that also report
    a known status in every one of the three previous years; pooled keeping the categories
    marked for exclusion.

    Parameters
    ----------
    glotip : pandas.DataFrame
        Curated GLOTIP table.
    year : int

    Returns
    -------
    pandas.DataFrame
        Index ``choice``; columns ``domestic_share_pct``, ``n_countries``, ``known``.
    """
    base = citizenship_rows(glotip)
    out: dict[str, dict[str, float]] = {}

    def add(label: str, rows: pd.DataFrame) -> None:
        t = origin_counts(rows[rows["year"] == year])
        if len(t):
            r = t.iloc[0]
            out[label] = {
                "domestic_share_pct": float(r["domestic_share_pct"]),
                "n_countries": int(r["n_countries"]),
                "known": float(r["known"]),
            }

    add("pooled, <5 excluded (main)", base)
    for policy in ("impute", "lower", "upper"):
        add(f"pooled, <5 as {policy}", citizenship_rows(glotip, suppressed=policy))
    per = country_origin_shares(base, year)
    out["mean of country shares"] = {
        "domestic_share_pct": float(per["domestic_share_pct"].mean()),
        "n_countries": len(per),
        "known": float(per["known"].sum()),
    }
    if len(per):
        big, name = per["iso3"].iloc[0], per["country"].iloc[0]
        add(f"pooled, without {name} (largest)", base[base["iso3"] != big])
    panel = reporting_panel(base, range(year - 3, year + 1))
    add(f"pooled, countries reporting every year {year - 3}-{year}", base[base["iso3"].isin(panel)])
    add("pooled, marked categories kept", citizenship_rows(glotip, drop_excluded=False))
    return (
        pd.DataFrame(out)
        .T.rename_axis("choice")
        .astype({"domestic_share_pct": float, "n_countries": "int64", "known": float})
    )


# --------------------------------------------------------------------------- corridors
def du_corridors(
    flows: pd.DataFrame, years: Iterable[int] | None = None, *, drop_flagged: bool = False
) -> pd.DataFrame:
    """Origin -> destination corridors named in the TIP narratives (University of Denver).

    Parameters
    ----------
    flows : pandas.DataFrame
        :func:`tiptrends.io.data.load_tip_flows` (one row per coded statement, with
        ``origin_iso3`` / ``destination_iso3``).
    years : iterable of int, optional
        Report years kept (default all, 2008-2016).
    drop_flagged : bool
        Drop statements the coders flagged.

    Returns
    -------
    pandas.DataFrame
        ``origin_iso3, destination_iso3, statements`` (coded rows), ``years_named`` (report
        years in which the corridor is coded), ``first_year``, ``last_year``, for
        statements with a country (not a region) at both ends and origin != destination;
        most often named first (``years_named``, then ``statements``).
    """
    sub = flows.dropna(subset=CORRIDOR_KEY)
    sub = sub[sub["origin_iso3"] != sub["destination_iso3"]]
    if years is not None:
        sub = sub[sub["year"].isin(list(years))]
    if drop_flagged:
        sub = sub[~sub["flagged"].astype(bool)]
    out = (
        sub.groupby(CORRIDOR_KEY, sort=True)
        .agg(
            statements=("year", "size"),
            years_named=("year", "nunique"),
            first_year=("year", "min"),
            last_year=("year", "max"),
        )
        .reset_index()
    )
    out = out.sort_values(
        ["years_named", "statements", *CORRIDOR_KEY], ascending=[False, False, True, True]
    )
    return out.reset_index(drop=True)


def corridor_overlap(first: pd.DataFrame, second: pd.DataFrame, n: int) -> dict:
    """Overlap of the top ``n`` corridors of two ranked corridor tables.

    Parameters
    ----------
    first, second : pandas.DataFrame
        Tables with ``origin_iso3`` and ``destination_iso3``, each sorted by its own
        ranking (as returned by :func:`corridors` and :func:`du_corridors`).
    n : int
        Number of top corridors compared.

    Returns
    -------
    dict
        ``n``; ``common`` (list of (origin, destination) in both top lists, in the order of
        ``first``); ``n_common``; ``overlap_pct`` (100 * n_common / n); ``jaccard`` (common
        over union of the two top sets); ``first_in_second_any_pct`` (share of ``first``'s
        top n that appear anywhere in ``second``).
    """
    a = list(first[CORRIDOR_KEY].head(n).itertuples(index=False, name=None))
    b = set(second[CORRIDOR_KEY].head(n).itertuples(index=False, name=None))
    every = set(second[CORRIDOR_KEY].itertuples(index=False, name=None))
    common = [c for c in a if c in b]
    union = set(a) | b
    return {
        "n": n,
        "common": common,
        "n_common": len(common),
        "overlap_pct": 100 * len(common) / n if n else float("nan"),
        "jaccard": len(common) / len(union) if union else float("nan"),
        "first_in_second_any_pct": (
            100 * sum(c in every for c in a) / len(a) if a else float("nan")
        ),
    }


def corridor_rank_correlation(
    unodc: pd.DataFrame, du: pd.DataFrame, value: str = "victims", du_value: str = "years_named"
) -> dict:
    """Spearman rank correlation of UNODC corridor sizes with their naming in TIP narratives.

    Over every corridor of ``unodc`` (victims > 0); a corridor the TIP coding never names
    counts as 0 in ``du_value``.

    Parameters
    ----------
    unodc : pandas.DataFrame
        :func:`corridors` output.
    du : pandas.DataFrame
        :func:`du_corridors` output.
    value, du_value : str
        Columns compared.

    Returns
    -------
    dict
        ``rho``, ``p_value``, ``n_corridors``, ``named_pct`` (share of the UNODC corridors
        that the TIP coding names at least once).
    """
    m = unodc[[*CORRIDOR_KEY, value]].merge(
        du[[*CORRIDOR_KEY, du_value]], on=CORRIDOR_KEY, how="left"
    )
    m[du_value] = m[du_value].fillna(0)
    named = 100 * float((m[du_value] > 0).mean()) if len(m) else float("nan")
    if len(m) < 3:
        return {
            "rho": float("nan"),
            "p_value": float("nan"),
            "n_corridors": len(m),
            "named_pct": named,
        }
    rho, p_value = spearman(m[value], m[du_value])
    return {
        "rho": rho,
        "p_value": p_value,
        "n_corridors": len(m),
        "named_pct": named,
    }


def corridor_overlap_table(
    unodc: Mapping[str, pd.DataFrame], du: pd.DataFrame, ns: Sequence[int] = (10, 20, 50)
) -> pd.DataFrame:
    """Agreement of UNODC corridor tables with the TIP narrative coding, for several top n.

    Parameters
    ----------
    unodc : mapping of str to pandas.DataFrame
        Label (e.g. ``"UNODC 2018-2022"``) -> :func:`corridors` output.
    du : pandas.DataFrame
        :func:`du_corridors` output.
    ns : sequence of int
        Sizes of the top lists compared.

    Returns
    -------
    pandas.DataFrame
        Index ``("UNODC corridors", "top n")``; columns ``in both top n``, ``overlap %``,
        ``Jaccard``, ``named anywhere by TIP %`` (see :func:`corridor_overlap`), ``rho (all
        corridors)`` and ``corridors`` (see :func:`corridor_rank_correlation`, the same for
        every n).
    """
    out = []
    for label, u in unodc.items():
        rc = corridor_rank_correlation(u, du)
        for n in ns:
            o = corridor_overlap(u, du, n)
            out.append(
                {
                    "UNODC corridors": label,
                    "top n": n,
                    "in both top n": o["n_common"],
                    "overlap %": o["overlap_pct"],
                    "Jaccard": o["jaccard"],
                    "named anywhere by TIP %": o["first_in_second_any_pct"],
                    "rho (all corridors)": rc["rho"],
                    "corridors": rc["n_corridors"],
                }
            )
    return pd.DataFrame(out).set_index(["UNODC corridors", "top n"])


def compare_corridors(unodc: pd.DataFrame, du: pd.DataFrame, n: int) -> pd.DataFrame:
    """UNODC top ``n`` corridors with their standing in the TIP narrative coding.

    Parameters
    ----------
    unodc : pandas.DataFrame
        :func:`corridors` output.
    du : pandas.DataFrame
        :func:`du_corridors` output.
    n : int

    Returns
    -------
    pandas.DataFrame
        ``rank, origin_iso3, destination_iso3, victims, du_years_named, du_rank``
        (``du_years_named`` 0 and ``du_rank`` <NA> when the TIP coding never names it).
    """
    top = unodc.head(n).reset_index(drop=True)
    ranked = du.assign(du_rank=np.arange(1, len(du) + 1))
    ranked = ranked.rename(columns={"years_named": "du_years_named"})
    out = top.merge(
        ranked[[*CORRIDOR_KEY, "du_years_named", "du_rank"]], on=CORRIDOR_KEY, how="left"
    )
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out["du_years_named"] = out["du_years_named"].fillna(0).astype("int64")
    out["du_rank"] = out["du_rank"].astype("Int64")
    return out[["rank", *CORRIDOR_KEY, "victims", "du_years_named", "du_rank"]]


# --------------------------------------------------------------------------- tiers
def detection_rates(
    glotip: pd.DataFrame,
    population: pd.Series,
    years: Iterable[int] | None = None,
    suppressed: Policy = "exclude",
) -> pd.DataFrame:
    """Detected victims per 100,000 inhabitants per country and year.

    Parameters
    ----------
    glotip : pandas.DataFrame
        Curated GLOTIP table; the count is the country's total of detected victims
        (dimension Total, sex and age Total).
    population : pandas.Series
        Population by ISO3 (one value per country: the caller states its year).
    years : iterable of int, optional
        Years kept.
    suppressed : {"exclude", "impute", "lower", "upper"}
        Policy for a ``"<5"`` total (under ``"exclude"`` the country-year is dropped).

    Returns
    -------
    pandas.DataFrame
        ``iso3, country, region, year, victims, population, rate_per_100k`` for
        country-years with a count and a population.
    """
    counts = country_year_counts(glotip, suppressed=suppressed)
    if years is not None:
        counts = counts[counts["year"].isin(list(years))]
    out = counts.rename(columns={vocab.TOTAL: "victims"})
    out = out[out["victims"].notna()].copy()
    out["population"] = out["iso3"].map(population).astype(float)
    out = out[out["population"].notna() & (out["population"] > 0)]
    out["rate_per_100k"] = rate_per_100k(out["victims"], out["population"])
    cols = ["iso3", "country", "region", "year", "victims", "population", "rate_per_100k"]
    return out[cols].reset_index(drop=True)


def tier_rates(tiers: pd.DataFrame, rates: pd.DataFrame, lag: int = 1) -> pd.DataFrame:
    """Join TIP tier placements to detection rates.

    The TIP report of year ``t`` assesses a government's record over the year before, so
    by default the tier of report year ``t`` is set against victims detected in ``t - 1``
    (``lag=1``); ``lag=0`` uses the same year.

    Parameters
    ----------
    tiers : pandas.DataFrame
        :func:`tiptrends.io.data.load_tip_tiers` output (``iso3``, ``year``, ``tier``).
    rates : pandas.DataFrame
        :func:`detection_rates` output.
    lag : int
        Detection year = report year - ``lag``.

    Returns
    -------
    pandas.DataFrame
        ``iso3, report_year, year`` (detection year), ``tier`` (one of :data:`TIERS`),
        ``victims, population, rate_per_100k``; "Special case", missing tiers and
        country-years without a rate are left out.
    """
    t = tiers.dropna(subset=["iso3", "tier"])
    t = t[t["tier"].astype(str).isin(TIERS)]
    t = t.assign(tier=t["tier"].astype(str), report_year=t["year"], year=t["year"] - lag)[
        ["iso3", "report_year", "year", "tier"]
    ]
    t = t.drop_duplicates(["iso3", "report_year"])
    out = t.merge(
        rates[["iso3", "year", "victims", "population", "rate_per_100k"]],
        on=["iso3", "year"],
        how="inner",
    )
    out["tier"] = pd.Categorical(out["tier"], categories=list(TIERS), ordered=True)
    return out.sort_values(["iso3", "report_year"]).reset_index(drop=True)


def tier_summary(joined: pd.DataFrame) -> pd.DataFrame:
    """Detection rate by tier.

    Parameters
    ----------
    joined : pandas.DataFrame
        :func:`tier_rates` output.

    Returns
    -------
    pandas.DataFrame
        Index ``tier`` (in :data:`TIERS` order); columns ``country_years``, ``countries``,
        ``median_rate``, ``q25_rate``, ``q75_rate`` (victims per 100,000).
    """
    g = joined.groupby("tier", observed=False)["rate_per_100k"]
    out = pd.DataFrame(
        {
            "country_years": g.size(),
            "countries": joined.groupby("tier", observed=False)["iso3"].nunique(),
            "median_rate": g.median(),
            "q25_rate": g.quantile(0.25),
            "q75_rate": g.quantile(0.75),
        }
    )
    out.index = pd.Index([str(i) for i in out.index], name="tier")
    return out.reindex(list(TIERS))


def tier_association(joined: pd.DataFrame) -> dict:
    """Rank association between tier and detection rate, with countries as units.

    Each country contributes one point: its mean tier position (1 = Tier 1 ... 4 = Tier 3)
    and its median detection rate over the joined years, so that countries with many years
    do not count several times. Spearman's rank correlation; a negative rho means that
    countries with worse tiers detect fewer victims per head.

    Parameters
    ----------
    joined : pandas.DataFrame
        :func:`tier_rates` output.

    Returns
    -------
    dict
        ``rho``, ``p_value``, ``n_countries``.
    """
    pos = joined["tier"].cat.codes.astype(float) + 1
    per = (
        joined.assign(pos=pos)
        .groupby("iso3")
        .agg(pos=("pos", "mean"), rate=("rate_per_100k", "median"))
    )
    if len(per) < 3:
        return {"rho": float("nan"), "p_value": float("nan"), "n_countries": len(per)}
    rho, p_value = spearman(per["pos"], per["rate"])
    return {"rho": rho, "p_value": p_value, "n_countries": int(len(per))}


# --------------------------------------------------------------------------- chapter tables
def readable(table: pd.DataFrame) -> pd.DataFrame:
    """Rename the columns of a chapter table to :data:`COLUMN_NAMES` (others unchanged)."""
    return table.rename(columns=COLUMN_NAMES)


def choice_label(choice: str) -> str:
    """A row label of :func:`domestic_share_alternatives` in words.

    Examples
    --------
    >>> choice_label("pooled, <5 as upper")
    'Pooled, "<5" cells set to 4'
    >>> choice_label("pooled, without Pakistan (largest)")
    'Pooled, without Pakistan (the largest reporter)'
    """
    words = {
        "pooled, <5 excluded (main)": 'Pooled, "<5" cells left out (main)',
        "pooled, <5 as impute": 'Pooled, "<5" cells set to 2.5',
        "pooled, <5 as lower": 'Pooled, "<5" cells set to 1',
        "pooled, <5 as upper": 'Pooled, "<5" cells set to 4',
        "mean of country shares": "Mean of country shares",
        "pooled, marked categories kept": "Pooled, marked categories kept",
    }
    if choice in words:
        return words[choice]
    text = choice.replace("(largest)", "(the largest reporter)")
    return text[:1].upper() + text[1:]


#: Country names that take "the" in running text (as shortened by :func:`country_names`).
THE_NAMES = ("United ", "Netherlands", "Philippines", "Dominican Republic", "Gambia", "Bahamas")


def in_sentence(name: str) -> str:
    """A country name as it reads inside a sentence: ``"the United Kingdom"``, ``"Albania"``.

    Examples
    --------
    >>> in_sentence("United Kingdom"), in_sentence("Albania")
    ('the United Kingdom', 'Albania')
    """
    return f"the {name}" if name.startswith(THE_NAMES) or "Republic of" in name else name


def agree(n: int, singular: str, plural: str) -> str:
    """``singular`` when ``n`` is 1, else ``plural`` (a verb or noun after a glued count)."""
    return singular if n == 1 else plural


def switches_for_readers(table: pd.DataFrame, keys: Iterable[str]) -> pd.DataFrame:
    """The rule-switch table as text: each row at its figure's precision (at most one
    decimal for a percentage), "no effect" kept, plain column names, a unit column.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`tiptrends.methods.figures.switch_table` of ``keys``, one row per figure.
    keys : iterable of str
        The figures' keys, in the order of the rows.
    """
    from tiptrends.methods import figures

    rows = []
    for key, (_, row) in zip(keys, table.iterrows(), strict=True):
        fig = figures.FIGURES[key]
        decimals = min(int(fig.precision), 1) if fig.unit == "%" else int(fig.precision)

        def text(v: object, decimals: int = decimals) -> str:
            if isinstance(v, str):
                return v
            if v is None or pd.isna(v):
                return "-"
            shown = f"{float(v):,.{decimals}f}"
            return (
                shown[1:] if shown.startswith("-") and float(shown.replace(",", "")) == 0 else shown
            )

        rows.append([text(v) for v in row])
    out = pd.DataFrame(rows, index=table.index, columns=table.columns)
    out = out.rename(columns=SWITCH_LABELS)
    units = [figures.FIGURES[k].unit for k in keys]
    out.insert(0, "Unit", units)
    return out


def citizenship_group_table(rows: pd.DataFrame, rows_kept: pd.DataFrame) -> pd.DataFrame:
    """Victims by citizenship group, under the main choices and with marked categories kept.

    Parameters
    ----------
    rows, rows_kept : pandas.DataFrame
        :func:`citizenship_rows` with ``drop_excluded=True`` and ``False``.

    Returns
    -------
    pandas.DataFrame
        Index ``Citizenship group``; two columns of victims (0 where a group is absent).
    """
    table = pd.DataFrame(
        {
            "Victims (main choices)": victims_by_citizenship_group(rows),
            "Victims (marked categories kept)": victims_by_citizenship_group(rows_kept),
        }
    )
    return table.fillna(0.0).rename(index=str.capitalize).rename_axis("Citizenship group")


def domestic_share_paths(rows: pd.DataFrame, panel_years: Iterable[int]) -> pd.DataFrame:
    """Pooled counts by citizenship status per year: open panel and balanced panel.

    Parameters
    ----------
    rows : pandas.DataFrame
        :func:`citizenship_rows` output.
    panel_years : iterable of int
        Years of the balanced panel (:func:`reporting_panel`).

    Returns
    -------
    pandas.DataFrame
        :func:`origin_counts` columns plus ``series``: :data:`ALL_REPORTING` for every year
        and :data:`BALANCED_LABEL` (filled in) for ``panel_years``.
    """
    years = list(panel_years)
    panel = reporting_panel(rows, years)
    label = BALANCED_LABEL.format(n=len(panel), first=years[0], last=years[-1])
    balanced = rows[rows["iso3"].isin(panel) & rows["year"].isin(years)]
    return pd.concat(
        [
            origin_counts(rows).assign(series=ALL_REPORTING),
            origin_counts(balanced).assign(series=label),
        ],
        ignore_index=True,
    )


def largest_reporters(rows: pd.DataFrame, year: int, n: int = LARGEST_REPORTERS) -> pd.DataFrame:
    """The ``n`` countries with most victims of known citizenship status in ``year``.

    Parameters
    ----------
    rows : pandas.DataFrame
        :func:`citizenship_rows` output.
    year, n : int

    Returns
    -------
    pandas.DataFrame
        :func:`country_origin_shares` rows (first ``n``) with ``share_of_known_pct``: the
        country's share of all victims of known status that year, over every country.
    """
    per = country_origin_shares(rows, year)
    top = per.head(n).drop(columns=["iso3", "region"])
    return top.assign(share_of_known_pct=100 * top["known"] / per["known"].sum())


def region_share_table(by_region: pd.DataFrame, year: int) -> pd.DataFrame:
    """Domestic share (%) by region (rows) and year (columns), with the countries of ``year``.

    Parameters
    ----------
    by_region : pandas.DataFrame
        :func:`origin_counts` by ``("region", "year")``.
    year : int
        Year whose number of reporting countries is added as the last column.
    """
    wide = by_region.pivot(index="region", columns="year", values="domestic_share_pct")
    count = by_region[by_region["year"] == year].set_index("region")["n_countries"]
    return wide.join(count.rename(f"Countries {year}")).rename_axis("Region")


def glotip_region_counts(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """Counts by citizenship status in ``year`` by GLOTIP report region, lowest share first.

    Regions approximate the report's (:func:`tiptrends.methods.aggregate.add_grouping`
    with ``"glotip"``).
    """
    counts = origin_counts(add_grouping(rows[rows["year"] == year], "glotip"), by=("group",))
    cols = ["group", *ORIGINS, "n_countries", "domestic_share_pct"]
    table = counts[cols].sort_values("domestic_share_pct").set_index("group")
    return table.rename_axis("GLOTIP region")


def country_names() -> dict[str, str]:
    """Short country name per ISO3 (:func:`tiptrends.io.countries.country_table`)."""
    return country_table().set_index("iso3")["name_short"].to_dict()


def with_country_names(table: pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    """First ``n`` corridors with ``origin`` and ``destination`` names, indexed by rank.

    Parameters
    ----------
    table : pandas.DataFrame
        A ranked corridor table (:func:`corridors`, :func:`du_corridors`,
        :func:`compare_corridors`) with ``origin_iso3`` and ``destination_iso3``.
    n : int, optional
        Rows kept (default all).

    Returns
    -------
    pandas.DataFrame
        The rows with ``origin`` and ``destination`` (short names) first, the ISO3 columns
        and any ``rank`` column dropped; index ``rank`` from 1.
    """
    top = table.head(n) if n is not None else table
    names = country_names()
    named = pd.DataFrame(
        {
            "origin": top["origin_iso3"].map(names),
            "destination": top["destination_iso3"].map(names),
        }
    )
    rest = top.drop(columns=[*CORRIDOR_KEY, "rank"], errors="ignore")
    out = pd.concat([named, rest], axis=1)
    out.index = pd.RangeIndex(1, len(out) + 1, name="rank")
    return out


def top_share_pct(corr: pd.DataFrame, n: int) -> float:
    """Share (%) of all corridor victims carried by the first ``n`` corridors."""
    return float(100 * corr["victims"].head(n).sum() / corr["victims"].sum())


def tip_coding_summary(tip: pd.DataFrame, du: pd.DataFrame) -> dict[str, float]:
    """Size of the TIP narrative coding.

    Parameters
    ----------
    tip : pandas.DataFrame
        :func:`tiptrends.io.data.load_tip_flows` output.
    du : pandas.DataFrame
        :func:`du_corridors` of it.

    Returns
    -------
    dict
        ``statements`` (coded rows), ``country_to_country`` (rows with a country at both
        ends), ``country_to_country_pct``, ``corridors`` (distinct corridors in ``du``),
        ``named_every_year`` (corridors named in the most report years).
    """
    both = int(tip.dropna(subset=CORRIDOR_KEY).shape[0])
    return {
        "statements": len(tip),
        "country_to_country": both,
        "country_to_country_pct": 100 * both / len(tip),
        "corridors": len(du),
        "named_every_year": int((du["years_named"] == du["years_named"].max()).sum()),
    }


def tier_comparison(
    tiers: Mapping[str, pd.DataFrame], rates: pd.DataFrame, lag: int = TIER_LAG
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    """Detection rates by tier and tier-rate association, for several tier codings.

    Parameters
    ----------
    tiers : mapping of str to pandas.DataFrame
        Label -> :func:`tiptrends.io.data.load_tip_tiers` output.
    rates : pandas.DataFrame
        :func:`detection_rates` output.
    lag : int
        Detection year = report year - ``lag`` (:func:`tier_rates`).

    Returns
    -------
    summary : pandas.DataFrame
        :func:`tier_summary` per coding, index ``(coding, tier)``.
    association : pandas.DataFrame
        One row per coding: ``report years``, ``country-years``, ``countries``,
        ``Spearman rho``, ``p`` (:func:`tier_association`) and ``rho, same-year match``
        (the same with ``lag=0``).
    joined : dict of str to pandas.DataFrame
        :func:`tier_rates` output per coding.
    """
    summaries, rows, joined = {}, {}, {}
    for label, table in tiers.items():
        joined[label] = j = tier_rates(table, rates, lag=lag)
        summaries[label] = tier_summary(j)
        a = tier_association(j)
        rows[label] = {
            "report years": f"{j['report_year'].min()}-{j['report_year'].max()}",
            "country-years": len(j),
            "countries": a["n_countries"],
            "Spearman rho": a["rho"],
            "p": a["p_value"],
            "rho, same-year match": tier_association(tier_rates(table, rates, lag=0))["rho"],
        }
    summary = pd.concat(summaries, names=["coding", "tier"])
    association = pd.DataFrame.from_dict(rows, orient="index").rename_axis("coding")
    return summary, association, joined


def countries_with_foreign_victims(rows: pd.DataFrame, year: int) -> int:
    """Countries reporting at least one foreign victim (non-zero count) in ``year``."""
    positive = rows[(rows["year"] == year) & (rows["value"] > 0)]
    return int(positive.loc[positive["origin"] == "foreign", "iso3"].nunique())


def region_extremes(by_region: pd.DataFrame, year: int) -> dict[str, float | str]:
    """Regions with the lowest and the highest pooled domestic share in ``year``.

    Parameters
    ----------
    by_region : pandas.DataFrame
        :func:`origin_counts` by ``("region", "year")``.
    year : int

    Returns
    -------
    dict
        ``lowest`` and ``highest`` (shares, %), ``lowest_region`` and ``highest_region``.
    """
    share = by_region[by_region["year"] == year].set_index("region")["domestic_share_pct"]
    return {
        "lowest": float(share.min()),
        "lowest_region": str(share.idxmin()),
        "highest": float(share.max()),
        "highest_region": str(share.idxmax()),
    }


# --------------------------------------------------------------------------- the chapter
RECORDED = (
    "african_share_of_foreign_victims_2022_pct",
    "foreign_victims_change_2019_2020_pct",
    "victim_nationalities_2022",
)
"""The chapter's registered figures with a published counterpart."""

SWITCHES = {
    **BASIS_SWITCHES,
    **{f"{kind} countries": {"panel": kind} for kind in ("matched", "open", "balanced")},
}
"""The rule switches of the chapter's switch table."""


@dataclass
class Results:
    """Everything chapter 09 shows: tables, series, corridors, tiers and the numbers it glues."""

    release: str
    tables: dict[str, pd.DataFrame]
    paths: pd.DataFrame
    world: pd.DataFrame
    by_region: pd.DataFrame
    corridors: pd.DataFrame
    top: pd.DataFrame
    tier_joined: dict[str, pd.DataFrame]
    tier_association: pd.DataFrame
    switches: pd.DataFrame
    records: list[tuple[str, float, dict[str, str]]] = field(default_factory=list)
    reasons: dict[str, tuple[str, str]] = field(default_factory=dict)
    destinations: tuple[str, float, str, str] = ("", 0.0, "", "")
    glue: dict[str, dict[str, object]] = field(default_factory=dict)


def results() -> Results:
    """Chapter 09 on the current release (the published figures on both data bases)."""
    from tiptrends.io import data
    from tiptrends.methods import figures

    bases, latest = figures.data_bases(), LATEST_YEAR
    glotip, release = bases.current_release, str(bases.current_release["release"].iloc[0])
    cited = f"UNODC GLOTIP data portal ({release})"
    rows, rows_kept = citizenship_rows(glotip), citizenship_rows(glotip, drop_excluded=False)
    mapped_pct, n_cit = (
        citizenship_mapped_share_pct(rows),
        int(rows.loc[rows["year"] == latest, "iso3"].nunique()),
    )
    paths = domestic_share_paths(rows, PANEL_YEARS)
    world, balanced = (g.set_index("year") for _, g in paths.groupby("series", sort=False))
    alt = domestic_share_alternatives(glotip, latest)
    without = alt[alt.index.str.contains("largest")].iloc[0]
    top_c = largest_reporters(rows, latest)
    by_region = origin_counts(rows, by=("region", "year"))
    by_region = by_region[by_region["year"] >= REGION_FIRST_YEAR]
    corr = corridors(rows, CORRIDOR_YEARS)
    top = with_country_names(corr, TOP_N)
    origins = [
        foreign_origin_shares(r, latest).set_index("group")
        for r in (rows, citizenship_rows(glotip, suppressed="upper"))
    ]
    tip = data.load_tip_flows()
    du = du_corridors(tip)
    overlap = corridor_overlap_table(
        {"UNODC 2018-2022": corr, "UNODC 2008-2016": corridors(rows, TIP_CODING_YEARS)},
        du,
        OVERLAP_SIZES,
    )
    o20 = corridor_overlap(corr, du, TOP_N)
    rates = detection_rates(glotip, data.gsi_population(data.load_gsi()))
    tiers = {label: data.load_tip_tiers(coding) for coding, label in TIER_CODINGS.items()}
    tier_table, assoc, joined = tier_comparison(tiers, rates)
    earlier = citizenship_rows(bases.earlier)
    n_earlier = foreign_change_pct(earlier, *FOREIGN_CHANGE_YEARS)[1]
    fc_matched, n_matched = foreign_change_pct(earlier, *FOREIGN_CHANGE_YEARS, panel="matched")
    n_now = foreign_change_pct(rows, *FOREIGN_CHANGE_YEARS)[1]
    africa_upper = float(origins[1].at["Africa", "share_pct"])
    du_source = "UNODC GLOTIP 2018-2022 vs University of Denver TIP coding 2008-2016"
    tier_src = "{} TIP tiers; UNODC GLOTIP; Walk Free population 2020"
    records = [
        (
            "citizenship_mapped_share_pct",
            round(mapped_pct, 2),
            {
                "unit": "%",
                "source": f"{cited}, all years, marked categories excluded",
                "note": "share of detected victims (by citizenship, non-suppressed) whose category maps to a single country or to nationals",
            },
        ),
        (
            "countries_reporting_citizenship_2022",
            n_cit,
            {
                "unit": "countries",
                "source": cited,
                "note": "countries with at least one 'by citizenship' row for detected victims in 2022",
            },
        ),
        (
            "domestic_victims_share_2022_pct",
            round(alt["domestic_share_pct"].iloc[0], 2),
            {
                "unit": "%",
                "source": cited,
                "note": "pooled share of victims with known citizenship status detected in their own country; '<5' cells left out; marked categories excluded",
            },
        ),
        (
            "domestic_share_countries_2022",
            int(alt["n_countries"].iloc[0]),
            {
                "unit": "countries",
                "source": cited,
                "note": "countries entering the 2022 domestic share (known status > 0)",
            },
        ),
        (
            "domestic_victims_share_2022_without_largest_pct",
            round(float(without["domestic_share_pct"]), 2),
            {"unit": "%", "source": cited, "note": str(without.name)},
        ),
        (
            "du_unodc_top20_corridor_overlap_pct",
            o20["overlap_pct"],
            {
                "unit": "%",
                "source": du_source,
                "note": "share of UNODC's top 20 corridors that are also in the TIP coding's top 20",
            },
        ),
        (
            "du_names_unodc_top20_corridors_pct",
            o20["first_in_second_any_pct"],
            {
                "unit": "%",
                "source": du_source,
                "note": "share of UNODC's top 20 corridors named at least once in the TIP coding",
            },
        ),
        (
            "tier_detection_rate_rho_du",
            round(float(assoc.loc["Univ. of Denver", "Spearman rho"]), 3),
            {
                "source": tier_src.format("University of Denver") + " (2008-2016)",
                "note": "Spearman rank correlation across "
                "countries: mean tier position vs median detected victims per 100,000 (tier of report year t vs detection year t-1)",
            },
        ),
        (
            "tier_detection_rate_rho_kelley_heiss",
            round(float(assoc.loc["Kelley-Heiss", "Spearman rho"]), 3),
            {
                "source": tier_src.format("Kelley-Heiss") + " (to 2015)",
                "note": "as tier_detection_rate_rho_du, Kelley-Heiss coding",
            },
        ),
    ]
    reasons = {
        RECORDED[0]: (
            f"Miss. Foreign victims with a single-country citizenship in the {n_cit} countries publishing "
            f"citizenship data; many small African corridors are '<5' cells (with them at 4: {africa_upper:.1f}%), "
            "and UNODC also uses flows from countries of repatriation and its own regional groups.",
            figures.basis_difference(RECORDED[0]),
        ),
        RECORDED[1]: (
            f"Close. The reproduction reads the 2023 release (GLOTIP 2022's own data), trend panel of {n_earlier} countries "
            f"reporting a known status in 2019 or 2020; on the {n_matched} countries reporting in both: {fc_matched:+.1f}%.",
            f"The 2025 release fills in more countries ({n_now} on the trend panel) and revises 2019-2020.",
        ),
        RECORDED[2]: (
            f"Miss (below 'at least' the published count). Citizenships with a non-suppressed count among the {n_cit} "
            "countries publishing citizenship data; the report also counts suppressed cells, other years and flows "
            "not published by country.",
            figures.basis_difference(RECORDED[2]),
        ),
    }
    destinations = (
        "countries_detecting_foreign_victims_2022",
        countries_with_foreign_victims(rows, latest),
        "glotip2024_destination_countries_2022",
        "Not comparable: the portal file has citizenship counts from few "
        "countries, and UNODC's count of destinations (secondary source, cut off) may span several years.",
    )
    rho_recent, rho_tip = overlap.xs(TOP_N, level="top n")["rho (all corridors)"]
    glue = {
        "pct": {
            "fl_mapped_pct": mapped_pct,
            "fl_mapped_kept_pct": citizenship_mapped_share_pct(rows_kept),
            "fl_mapped_2022_pct": citizenship_mapped_share_pct(rows[rows["year"] == latest]),
            "fl_dom_2022": alt["domestic_share_pct"].iloc[0],
            "fl_largest_share": top_c["share_of_known_pct"].iloc[0],
            "fl_dom_without": without["domestic_share_pct"],
            "fl_dom_mean": alt.loc["mean of country shares", "domestic_share_pct"],
            "fl_top_share": top_share_pct(corr, TOP_N),
            "fl_africa_basis": figures.value(RECORDED[0]),
            "fl_o20_named": o20["first_in_second_any_pct"],
            **{
                f"fl_{p}_{y}": t.loc[y, "domestic_share_pct"]
                for p, t, years in (
                    ("open", world, (2018, 2019)),
                    ("bal", balanced, (2018, 2019, 2022)),
                )
                for y in years
            },
            **{
                f"fl_region_{k}": v
                for k, v in region_extremes(by_region, latest).items()
                if not k.endswith("region")
            },
        },
        "count": {
            "fl_countries_2022": n_cit,
            "fl_dom_countries": int(alt["n_countries"].iloc[0]),
            "fl_known_2022": alt["known"].iloc[0],
            "fl_corridors": len(corr),
            "fl_corridor_victims": corr["victims"].sum(),
            "fl_panel_n": int(balanced["n_countries"].iloc[0]),
            "fl_nationalities": figures.value(RECORDED[2]),
            "fl_top_victims": top["victims"].iloc[0],
            "fl_top_to_gbr": (corr["destination_iso3"].head(TOP_N) == "GBR").sum(),
            "fl_o20_common": o20["n_common"],
            "fl_rho_du_countries": assoc.loc["Univ. of Denver", "countries"],
            **{
                f"fl_tip_{k}": v
                for k, v in tip_coding_summary(tip, du).items()
                if not k.endswith("_pct")
            },
        },
        "text": {
            "fl_o20_are": agree(int(o20["n_common"]), "is", "are"),
            "fl_top_to_gbr_end": agree(
                int((corr["destination_iso3"].head(TOP_N) == "GBR").sum()), "ends", "end"
            ),
            "fl_largest": top_c["country"].iloc[0],
            "fl_top_origin": top["origin"].iloc[0],
            "fl_top_destination": in_sentence(top["destination"].iloc[0]),
            **{
                f"fl_region_{k}": v
                for k, v in region_extremes(by_region, latest).items()
                if k.endswith("region")
            },
        },
        "change_pct": {
            "fl_fc_earlier": figures.value(RECORDED[1]),
            "fl_fc_matched": fc_matched,
            "fl_fc_now": figures.value(RECORDED[1], "current"),
        },
        "ratio": {
            "fl_rho_recent": rho_recent,
            "fl_rho_tip_years": rho_tip,
            "fl_rho_du": assoc.loc["Univ. of Denver", "Spearman rho"],
            "fl_rho_kh": assoc.loc["Kelley-Heiss", "Spearman rho"],
        },
    }
    glue["pct"] |= {
        f"fl_tip_{k}": v for k, v in tip_coding_summary(tip, du).items() if k.endswith("_pct")
    }
    named_du = with_country_names(du, TOP_N).drop(columns=["first_year", "last_year"])
    tables = {
        "groups": citizenship_group_table(rows, rows_kept),
        "alternatives": readable(alt).rename(index=choice_label).rename_axis("Choice"),
        "largest": readable(top_c),
        "regions": region_share_table(by_region, latest),
        "glotip_regions": readable(glotip_region_counts(rows, latest)),
        "top": readable(top),
        "origins": readable(origins[0])
        .join(readable(origins[1]), rsuffix=" (suppressed cells as 4)")
        .rename_axis("Region of citizenship"),
        "du": readable(named_du),
        "overlap": overlap.rename(columns=OVERLAP_COLUMNS).rename_axis(["UNODC years", "Top n"]),
        "association": assoc.rename(columns=ASSOCIATION_COLUMNS).rename_axis("Tier coding"),
        "compared": readable(with_country_names(compare_corridors(corr, du, TOP_N))),
        "tiers": readable(tier_table).rename_axis(["Tier coding", "Tier"]),
    }
    return Results(
        release=release,
        tables=tables,
        paths=paths,
        world=world,
        by_region=by_region,
        corridors=corr,
        top=top,
        tier_joined=joined,
        tier_association=assoc,
        switches=figures.switch_table(RECORDED, SWITCHES).rename_axis("Figure"),
        records=records,
        reasons=reasons,
        destinations=destinations,
        glue=glue,
    )
