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

Conventions
-----------
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

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from tiptrends import vocab
from tiptrends.io.citizenship import (
    MISSING_CATEGORY_TEXT,
    classify_domestic,
    load_citizenship_map,
    map_citizenship,
)
from tiptrends.methods.aggregate import (
    Policy,
    apply_suppression_policy,
    country_year_counts,
    rate_per_100k,
)
from tiptrends.vocab import TIERS

ORIGINS = ("domestic", "foreign", "unknown")
"""Citizenship status of detected victims relative to the country of detection."""


EXCLUDE_MARK = re.compile(r"\bexclude\b", re.IGNORECASE)
"""The mapping table's own exclusion mark (in its ``note`` column)."""


#: Colours of the citizenship statuses (house palette).

#: Colours of the TIP tiers (house palette, light to dark).

CORRIDOR_KEY = ["origin_iso3", "destination_iso3"]


# --------------------------------------------------------------------------- citizenship
def excluded_categories(mapping: pd.DataFrame | None = None) -> frozenset[str]:
    """Citizenship categories that the curated mapping marks for exclusion.

    A category is excluded when its ``note`` in ``data/mappings/citizenship.csv`` carries the
    word "exclude" (:data:`EXCLUDE_MARK`). In the current table these are Bolivia's ``TOTAL``
    (a total of all citizenships) and the 60 ``Q6.1_..s_20..`` questionnaire codes.

    Parameters
    ----------
    mapping : pandas.DataFrame, optional
        A mapping table with ``category`` and ``note`` columns; default
        :func:`tiptrends.io.citizenship.load_citizenship_map`.

    Returns
    -------
    frozenset of str
    """
    table = load_citizenship_map() if mapping is None else mapping
    marked = table["note"].fillna("").str.contains(EXCLUDE_MARK)
    return frozenset(table.loc[marked, "category"])


def citizenship_rows(
    glotip: pd.DataFrame,
    indicator: str | None = vocab.VICTIMS,
    *,
    suppressed: Policy = "exclude",
    impute_value: float = 2.5,
    drop_excluded: bool = True,
) -> pd.DataFrame:
    """Citizenship rows of the curated UNODC table, mapped and classified.

    Parameters
    ----------
    glotip : pandas.DataFrame
        Curated GLOTIP table (:func:`tiptrends.io.data.load_glotip`).
    indicator : str or None
        Keep this indicator (default detected victims); None keeps all.
    suppressed : {"exclude", "impute", "lower", "upper"}
        Policy for ``"<5"`` cells (:func:`tiptrends.methods.aggregate.apply_suppression_policy`).
    impute_value : float
        Value of a suppressed cell under ``"impute"``.
    drop_excluded : bool
        Drop the categories of :func:`excluded_categories` (default). If False they are kept
        and flagged in column ``excluded``.

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3, country, region, subregion, indicator, year, category, value,
        suppressed, citizenship_group, citizenship_iso3, citizenship_origin, origin,
        excluded``; ``origin`` is domestic / foreign / unknown relative to ``iso3``.
    """
    rows = glotip[
        (~glotip["is_aggregate"].astype(bool)) & (glotip["dimension"] == vocab.DIM_CITIZENSHIP)
    ]
    if indicator is not None:
        rows = rows[rows["indicator"] == indicator]
    cols = [
        "iso3",
        "country",
        "region",
        "subregion",
        "indicator",
        "year",
        "category",
        "value",
        "suppressed",
    ]
    rows = rows[cols].copy()
    cat = rows["category"].astype(object)
    rows["category"] = cat.where(~cat.isin(MISSING_CATEGORY_TEXT), np.nan)
    rows = apply_suppression_policy(rows, suppressed, impute_value)
    mapped = map_citizenship(rows)
    mapped["origin"] = classify_domestic(mapped)
    mapped["excluded"] = mapped["category"].isin(excluded_categories())
    if drop_excluded:
        mapped = mapped[~mapped["excluded"]]
    return mapped.reset_index(drop=True)


def origin_counts(rows: pd.DataFrame, by: Sequence[str] = ("year",)) -> pd.DataFrame:
    """Victims by citizenship status (domestic / foreign / unknown), pooled per group.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows` (columns ``iso3``, ``origin``, ``value`` and the
        ``by`` columns).
    by : sequence of str
        Grouping columns, e.g. ``("year",)`` or ``("region", "year")``.

    Returns
    -------
    pandas.DataFrame
        ``*by, domestic, foreign, unknown, known`` (domestic + foreign), ``n_countries``
        (countries with known > 0), ``domestic_share_pct`` and ``foreign_share_pct``
        (percent of ``known``; NaN when ``known`` is 0).
    """
    by = list(by)
    keys = by if "iso3" in by else [*by, "iso3"]
    per_country = (
        rows.groupby([*keys, "origin"], sort=True)["value"]
        .sum(min_count=1)
        .unstack("origin")
        .reindex(columns=list(ORIGINS))
        .fillna(0.0)
    )
    per_country["known"] = per_country["domestic"] + per_country["foreign"]
    per_country["has_known"] = per_country["known"] > 0
    out = per_country.groupby(level=by, sort=True).agg(
        domestic=("domestic", "sum"),
        foreign=("foreign", "sum"),
        unknown=("unknown", "sum"),
        known=("known", "sum"),
        n_countries=("has_known", "sum"),
    )
    out["n_countries"] = out["n_countries"].astype("int64")
    known = out["known"].where(out["known"] > 0)
    out["domestic_share_pct"] = 100 * out["domestic"] / known
    out["foreign_share_pct"] = 100 * out["foreign"] / known
    out.columns.name = None
    return out.reset_index()


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


def domestic_share_pct(rows: pd.DataFrame, year: int) -> float:
    """Pooled share (%) of victims with known citizenship status detected in their own country.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows`.
    year : int

    Returns
    -------
    float
        100 * sum(domestic) / sum(domestic + foreign) over reporting countries; NaN if none.
    """
    t = origin_counts(rows[rows["year"] == year])
    return float(t["domestic_share_pct"].iloc[0]) if len(t) else float("nan")


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


def foreign_change_pct(rows: pd.DataFrame, y0: int, y1: int) -> tuple[float, int]:
    """Percent change of foreign victims y0 -> y1 on the countries reporting in both years.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows`.
    y0, y1 : int
        Base and end year.

    Returns
    -------
    tuple of (float, int)
        100 * (foreign in y1 / foreign in y0 - 1) pooled over the :func:`reporting_panel`
        of the two years, and the number of countries in that panel.
    """
    panel = reporting_panel(rows, [y0, y1])
    t = origin_counts(rows[rows["iso3"].isin(panel)]).set_index("year")
    return float(100 * (t.loc[y1, "foreign"] / t.loc[y0, "foreign"] - 1)), len(panel)


def victim_nationalities(rows: pd.DataFrame, year: int) -> set[str]:
    """Citizenships (ISO3) with a positive count of detected victims in one year.

    A row mapped to a single country of citizenship counts that country; a row of the
    reporting country's own nationals counts the reporting country.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows`.
    year : int

    Returns
    -------
    set of str
    """
    r = rows[(rows["year"] == year) & (rows["value"] > 0)]
    return set(r.loc[r["citizenship_group"] == "country", "citizenship_iso3"]) | set(
        r.loc[r["citizenship_group"] == "nationals", "iso3"]
    )


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
        big = per["iso3"].iloc[0]
        add(f"pooled, without {big} (largest)", base[base["iso3"] != big])
    panel = reporting_panel(base, range(year - 3, year + 1))
    add(f"pooled, countries reporting every year {year - 3}-{year}", base[base["iso3"].isin(panel)])
    add("pooled, marked categories kept", citizenship_rows(glotip, drop_excluded=False))
    return (
        pd.DataFrame(out)
        .T.rename_axis("choice")
        .astype({"domestic_share_pct": float, "n_countries": "int64", "known": float})
    )


# --------------------------------------------------------------------------- corridors
def corridors(
    rows: pd.DataFrame, years: Iterable[int], *, include_domestic: bool = False
) -> pd.DataFrame:
    """Victims per citizenship -> detection-country corridor, summed over ``years``.

    Only rows whose citizenship maps to a single country (group ``country``) enter;
    nationals, regions and unknown citizenships have no origin country.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows`.
    years : iterable of int
        Years summed (e.g. ``range(2018, 2023)``).
    include_domestic : bool
        Keep corridors whose origin is the detection country (default: dropped).

    Returns
    -------
    pandas.DataFrame
        ``origin_iso3, destination_iso3, victims, n_years`` (years with a count), only
        corridors with victims > 0, largest first (ties by the ISO3 codes).
    """
    years = list(years)
    sub = rows[(rows["year"].isin(years)) & (rows["citizenship_group"] == "country")]
    sub = sub[sub["value"].notna()]
    sub = sub.assign(origin_iso3=sub["citizenship_iso3"], destination_iso3=sub["iso3"])
    if not include_domestic:
        sub = sub[sub["origin_iso3"] != sub["destination_iso3"]]
    out = (
        sub.groupby(CORRIDOR_KEY, sort=True)
        .agg(victims=("value", "sum"), n_years=("year", "nunique"))
        .reset_index()
    )
    out = out[out["victims"] > 0]
    out = out.sort_values(["victims", *CORRIDOR_KEY], ascending=[False, True, True])
    return out.reset_index(drop=True)


def foreign_origin_shares(
    rows: pd.DataFrame, year: int, grouping: str = "un_region"
) -> pd.DataFrame:
    """Share of foreign victims by the region of their citizenship, in one year.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows`.
    year : int
    grouping : str
        A column of :func:`tiptrends.io.countries.country_table` (``"un_region"``,
        ``"un_subregion"``, ``"glotip_region"``).

    Returns
    -------
    pandas.DataFrame
        ``group, victims, share_pct`` over foreign victims whose citizenship is a single
        country (regions / "foreigners" / stateless left out), largest first.
    """
    from tiptrends.io.countries import country_table

    corr = corridors(rows, [year])
    lookup = country_table().set_index("iso3")[grouping]
    group = corr["origin_iso3"].map(lookup).fillna("not classified")
    out = corr.groupby(group)["victims"].sum().rename_axis("group").reset_index()
    out["share_pct"] = 100 * out["victims"] / out["victims"].sum()
    return out.sort_values("victims", ascending=False).reset_index(drop=True)


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
    res = stats.spearmanr(m[value], m[du_value])
    return {
        "rho": float(res.statistic),
        "p_value": float(res.pvalue),
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
    res = stats.spearmanr(per["pos"], per["rate"])
    return {"rho": float(res.statistic), "p_value": float(res.pvalue), "n_countries": int(len(per))}


# --------------------------------------------------------------------------- drawing
