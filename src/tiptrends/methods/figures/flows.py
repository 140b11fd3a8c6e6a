"""Figures of cross-border flows: the African share of foreign victims, the change in foreign
victims and the number of victims' nationalities (registered on import).

The citizenship functions behind them (:func:`citizenship_rows`, :func:`origin_counts`,
:func:`corridors`, ...) live here so that chapter 09 and the registry call the same code.

Conventions
-----------
* Only country rows (``is_aggregate == False``) enter.
* Citizenship categories that the mapping table marks for exclusion in its ``note`` are
  dropped by default (:func:`excluded_categories`).
* A missing citizenship category (``""`` or ``"N/A"`` in the curated table) counts as unknown.
* Domestic / foreign / unknown follow :func:`tiptrends.io.citizenship.classify_domestic`;
  the "known citizenship status" denominator is domestic + foreign.
* Suppressed ``"<5"`` cells follow :func:`tiptrends.methods.aggregate.apply_suppression_policy`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tiptrends import settings, vocab
from tiptrends.io.citizenship import (
    MISSING_CATEGORY_TEXT,
    citizenship_map_path,
    classify_domestic,
    load_citizenship_map,
    map_citizenship,
)
from tiptrends.io.countries import country_table
from tiptrends.methods import panels
from tiptrends.methods.aggregate import Policy, apply_suppression_policy
from tiptrends.methods.figures.core import Figure, Inputs, Options, register

YEAR = settings.LATEST_YEAR

FOREIGN_CHANGE_YEARS = (2019, 2020)
"""Years of the GLOTIP 2022 change in foreign victims."""

AFRICA = "Africa"
"""UN region of citizenship of the African share."""

DECIMALS = 2
"""Decimals of the flows figures, as the chapter has always recorded them."""


ORIGINS = ("domestic", "foreign", "unknown")
"""Citizenship status of detected victims relative to the country of detection."""


EXCLUDE_MARK = re.compile(r"\bexclude\b", re.IGNORECASE)
"""The mapping table's own exclusion mark (in its ``note`` column)."""


CORRIDOR_KEY = ["origin_iso3", "destination_iso3"]
"""Columns naming a corridor: country of citizenship and country of detection."""


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
    if mapping is None:
        # the mapping is validated once per content of its file, not once per call
        path = Path(citizenship_map_path())
        if not path.is_file():
            return excluded_categories(load_citizenship_map())  # the loader says what is wrong
        return _excluded_in_file(hashlib.sha256(path.read_bytes()).hexdigest())
    marked = mapping["note"].fillna("").str.contains(EXCLUDE_MARK)
    return frozenset(mapping.loc[marked, "category"])


@functools.cache
def _excluded_in_file(digest: str) -> frozenset[str]:
    """:func:`excluded_categories` of the mapping file whose sha256 is ``digest``."""
    return excluded_categories(load_citizenship_map())


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


def foreign_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Foreign victims per country-year, for the country-years that report a known status.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows`.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, foreign`` (a counts table for :mod:`tiptrends.methods.panels`); a
        country-year whose known (domestic + foreign) count is 0 is left out, so that it
        counts as not reporting.
    """
    per = origin_counts(rows, by=("iso3", "year"))
    per = per[per["known"] > 0]
    return per[["iso3", "year", "foreign"]].reset_index(drop=True)


def foreign_change_pct(
    rows: pd.DataFrame, y0: int, y1: int, panel: str = panels.TREND_PANEL
) -> tuple[float, int]:
    """Percent change of foreign victims y0 -> y1 on one country set.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`citizenship_rows`.
    y0, y1 : int
        Base and end year.
    panel : str
        Country set (:data:`tiptrends.methods.panels.PANEL_KINDS`): the trend panel (every
        country reporting a known status in the window, gaps filled, ends carried) unless a
        sensitivity asks for ``"matched"``, ``"open"`` or ``"balanced"``.

    Returns
    -------
    tuple of (float, int)
        100 * (foreign in y1 / foreign in y0 - 1) pooled over the set, and the number of
        countries in the set (for ``"open"``: those reporting in ``y0``).
    """
    counts = foreign_counts(rows)
    if panel == panels.TREND_PANEL:
        tr = panels.trend_change(counts, y0, y1, "foreign")
        return tr.pct_change, tr.n_countries
    return panels.set_change(counts, y0, y1, "foreign", panel)


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
    corr = corridors(rows, [year])
    lookup = country_table().set_index("iso3")[grouping]
    group = corr["origin_iso3"].map(lookup).fillna("not classified")
    out = corr.groupby(group)["victims"].sum().rename_axis("group").reset_index()
    out["share_pct"] = 100 * out["victims"] / out["victims"].sum()
    return out.sort_values("victims", ascending=False).reset_index(drop=True)


def _rows(inputs: Inputs, o: Options) -> pd.DataFrame:
    rows = inputs.memo(
        ("citizenship_rows", o.suppressed),
        lambda: citizenship_rows(inputs.table, suppressed=o.suppressed),  # type: ignore[arg-type]
    )
    return rows if o.countries is None else rows[rows["iso3"].isin(o.countries)]


def african_share(inputs: Inputs, o: Options) -> float:
    """Share (%) of African citizens among foreign victims with a single-country citizenship."""
    shares = foreign_origin_shares(_rows(inputs, o), YEAR).set_index("group")["share_pct"]
    return round(float(shares.get(AFRICA, float("nan"))), DECIMALS)


def foreign_change(inputs: Inputs, o: Options) -> float:
    """Change (%) in foreign victims 2019-2020 on ``o.panel``.

    GLOTIP 2022 was written from the 2023 release: that release is the report basis."""
    pct, _ = foreign_change_pct(_rows(inputs, o), *FOREIGN_CHANGE_YEARS, panel=o.panel)
    return round(pct, DECIMALS)


def nationalities(inputs: Inputs, o: Options) -> float:
    """Citizenships with a positive count of detected victims in the latest year."""
    return float(len(victim_nationalities(_rows(inputs, o), YEAR)))


ROW_OPTIONS = frozenset({"suppressed", "countries"})
"""Options of the figures read from the citizenship rows."""

register(
    Figure(
        "african_share_of_foreign_victims_2022_pct",
        "African citizens' share of foreign detected victims, 2022",
        "%",
        (YEAR,),
        african_share,
        ROW_OPTIONS,
        "glotip2024_africans_share_cross_border_2022_pct",
        precision=DECIMALS,
        note="Foreign victims whose citizenship is a single country, by UN region; '<5' cells "
        "left out.",
    )
)
register(
    Figure(
        "foreign_victims_change_2019_2020_pct",
        "Change in detected foreign victims, 2019 to 2020",
        "%",
        FOREIGN_CHANGE_YEARS,
        foreign_change,
        ROW_OPTIONS | {"panel"},
        "glotip2022_foreign_victims_change_2019_2020_pct",
        precision=DECIMALS,
        note="Report basis: the 2023 release (GLOTIP 2022's data); trend panel of the countries "
        "reporting a known citizenship status in 2019 or 2020.",
        report_data="earlier",
    )
)
register(
    Figure(
        "victim_nationalities_2022",
        "Nationalities of detected victims, 2022",
        "nationalities",
        (YEAR,),
        nationalities,
        ROW_OPTIONS,
        "glotip2024_nationalities_2022",
        precision=0,
        note="Citizenships (a single country, or the detecting country's nationals) with a "
        "non-suppressed count.",
    )
)
