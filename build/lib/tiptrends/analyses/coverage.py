"""Reporting coverage, suppression, comparable panels and release comparisons.

Helpers for the notebooks on what the UNODC GLOTIP data hold (``00``), on detected victims
over time (``01``) and on revisions between releases (``10``). Every function is pure: it
takes curated tables (see :func:`tiptrends.io.data.load_glotip`) or counts tables (see
:func:`tiptrends.methods.aggregate.country_year_counts`) and returns new frames.

Definitions used throughout:

* A *breakdown* is a family of rows of one indicator (see :data:`BREAKDOWNS`): the country
  total, the split by form of exploitation, the sex x age split of the total, the split by
  citizenship and by country of repatriation.
* A country *reports* a breakdown in a year if at least one row of it is published for that
  country-year, including rows published as ``"<5"`` (a suppressed count of 1 to 4 is a
  report). ``require_value=True`` asks instead for at least one non-suppressed row.
* A *cell* is one (iso3, indicator, dimension, category, sex, age, year); rows sharing a cell
  (the sub-forms of "Other forms of exploitation") are summed, as in
  :mod:`tiptrends.methods.aggregate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from tiptrends.methods import aggregate, diagnostics, headline
from tiptrends.methods.panels import PANEL_KINDS, panel_changes
from tiptrends.vocab import (
    ADULT,
    CHILD,
    DIM_CITIZENSHIP,
    DIM_FORM,
    DIM_REPATRIATION,
    DIM_TOTAL,
    FEMALE,
    FORCED_LABOUR,
    MALE,
    TOTAL,
    VICTIMS,
)

BREAKDOWNS: tuple[str, ...] = ("total", "form", "sex_age", "citizenship", "repatriation")
"""Breakdown names, in display order."""

CELL_KEY: tuple[str, ...] = ("iso3", "indicator", "dimension", "category", "sex", "age", "year")
"""Columns identifying one cell of the curated table."""


# --------------------------------------------------------------------------- breakdowns
def breakdown_of(df: pd.DataFrame) -> pd.Series:
    """Name the breakdown (one of :data:`BREAKDOWNS`) each row belongs to.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP rows (columns dimension, category, sex, age).

    Returns
    -------
    Series
        Breakdown name per row; ``None`` for rows of no listed breakdown (e.g. the sex
        totals of the total, or the form split by sex and age).
    """
    dim, cat, sex, age = df["dimension"], df["category"], df["sex"], df["age"]
    both_total = (sex == TOTAL) & (age == TOTAL)
    conditions = [
        (dim == DIM_TOTAL) & (cat == TOTAL) & both_total,
        (dim == DIM_FORM) & both_total,
        (dim == DIM_TOTAL) & (cat == TOTAL) & sex.isin([FEMALE, MALE]) & age.isin([CHILD, ADULT]),
        dim == DIM_CITIZENSHIP,
        dim == DIM_REPATRIATION,
    ]
    out = np.select(conditions, list(BREAKDOWNS), default="")
    return pd.Series(out, index=df.index, dtype=object).replace("", None)


def reporting_units(df: pd.DataFrame) -> pd.DataFrame:
    """Country-years that report each indicator and breakdown.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table. Aggregate (non-country) rows are ignored.

    Returns
    -------
    DataFrame
        One row per ``indicator, breakdown, iso3, year`` with at least one published row:
        ``n_rows``, ``n_suppressed`` and ``has_value`` (at least one row not ``"<5"``).
    """
    rows = df[~df["is_aggregate"].astype(bool)]
    rows = rows.assign(breakdown=breakdown_of(rows))
    rows = rows[rows["breakdown"].notna()]
    g = rows.groupby(["indicator", "breakdown", "iso3", "year"], sort=True)
    out = g.agg(n_rows=("value", "size"), n_suppressed=("suppressed", "sum")).reset_index()
    out["n_suppressed"] = out["n_suppressed"].astype("int64")
    out["has_value"] = out["n_rows"] > out["n_suppressed"]
    return out


def countries_reporting(
    units: pd.DataFrame,
    indicator: str = VICTIMS,
    require_value: bool = False,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Number of countries reporting each breakdown, per year.

    Parameters
    ----------
    units : DataFrame
        Output of :func:`reporting_units`.
    indicator : str
        Indicator to count.
    require_value : bool
        Count only country-years with at least one non-suppressed row.
    years : iterable of int, optional
        Restrict to these years (missing years appear with zeros).

    Returns
    -------
    DataFrame
        Index ``year``, one column per breakdown present (in :data:`BREAKDOWNS` order).
    """
    u = units[units["indicator"] == indicator]
    if require_value:
        u = u[u["has_value"]]
    out = u.groupby(["year", "breakdown"])["iso3"].nunique().unstack("breakdown", fill_value=0)
    out = out.reindex(columns=[b for b in BREAKDOWNS if b in out.columns])
    if years is not None:
        out = out.reindex(sorted(set(years)), fill_value=0)
    out.columns.name = None
    return out.astype("int64")


def population_coverage(
    units: pd.DataFrame,
    population: pd.Series,
    indicator: str = VICTIMS,
    require_value: bool = False,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Share of the population living in countries that report each breakdown.

    Parameters
    ----------
    units : DataFrame
        Output of :func:`reporting_units`.
    population : Series
        Population by iso3 (e.g. :func:`gsi_population`); its sum is the denominator, so
        it should cover the world. Reporting countries without a population add nothing.
    indicator, require_value, years
        As in :func:`countries_reporting`.

    Returns
    -------
    DataFrame
        Index ``year``, one column per breakdown: percent (0-100) of ``population.sum()``.
    """
    u = units[units["indicator"] == indicator]
    if require_value:
        u = u[u["has_value"]]
    u = u.drop_duplicates(["year", "breakdown", "iso3"])
    u = u.assign(pop=u["iso3"].map(population).fillna(0.0))
    out = u.groupby(["year", "breakdown"])["pop"].sum().unstack("breakdown", fill_value=0.0)
    out = 100.0 * out / float(population.sum())
    out = out.reindex(columns=[b for b in BREAKDOWNS if b in out.columns])
    if years is not None:
        out = out.reindex(sorted(set(years)), fill_value=0.0)
    out.columns.name = None
    return out


# --------------------------------------------------------------------------- suppression
def suppression_summary(
    df: pd.DataFrame, by: Sequence[str] = ("indicator", "year")
) -> pd.DataFrame:
    """Number and share of suppressed ``"<5"`` rows.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table (one row per raw row; a row is a published cell).
    by : sequence of str
        Grouping columns; empty for one overall row.

    Returns
    -------
    DataFrame
        ``*by, cells, suppressed, suppressed_pct`` (percent of cells).
    """
    keys = list(by)
    if keys:
        g = df.groupby(keys, sort=True)["suppressed"]
        out = g.agg(cells="size", suppressed="sum").reset_index()
    else:
        out = pd.DataFrame({"cells": [len(df)], "suppressed": [int(df["suppressed"].sum())]})
    out["suppressed"] = out["suppressed"].astype("int64")
    out["suppressed_pct"] = 100.0 * out["suppressed"] / out["cells"]
    return out


def suppressed_share_pct(df: pd.DataFrame) -> float:
    """Percent of all rows of a curated table that are suppressed ``"<5"`` cells."""
    if len(df) == 0:
        return float("nan")
    return 100.0 * float(df["suppressed"].sum()) / len(df)


def inventory(df: pd.DataFrame) -> pd.DataFrame:
    """What a release holds: one row per indicator and dimension.

    Returns
    -------
    DataFrame
        ``indicator, dimension, rows, countries, first_year, last_year, categories,
        suppressed_pct``; aggregate rows are left out of ``countries``.
    """
    countries_mask = ~df["is_aggregate"].astype(bool)
    g = df.groupby(["indicator", "dimension"], sort=True)
    out = g.agg(
        rows=("value", "size"),
        first_year=("year", "min"),
        last_year=("year", "max"),
        categories=("category", "nunique"),
        suppressed=("suppressed", "sum"),
    )
    out["countries"] = df[countries_mask].groupby(["indicator", "dimension"])["iso3"].nunique()
    out["countries"] = out["countries"].fillna(0).astype("int64")
    out["suppressed_pct"] = 100.0 * out.pop("suppressed") / out["rows"]
    cols = ["rows", "countries", "first_year", "last_year", "categories", "suppressed_pct"]
    return out[cols].reset_index()


# --------------------------------------------------------------------------- panels


def change_influence(
    counts: pd.DataFrame, y0: int, y1: int, panel: str = "matched", value: str | None = None
) -> pd.DataFrame:
    """Leave-one-country-out effect of each country on the y0 -> y1 percent change.

    The set is re-formed without the country exactly as :func:`panel_changes` forms it
    (``interpolated`` gives the same endpoints as ``matched``).

    Parameters
    ----------
    counts : DataFrame
        Wide counts table.
    y0, y1 : int
        Base and end year.
    panel : str
        One of :data:`PANEL_KINDS`.
    value : str, optional
        Value column.

    Returns
    -------
    DataFrame
        ``iso3, country, value_y0, value_y1, in_panel, change_all, change_without, effect``
        (``effect``: points of percent change the country adds), sorted by descending
        absolute effect; one row per country with a value in y0 or y1.
    """
    if panel not in PANEL_KINDS:
        raise ValueError(f"panel must be one of {PANEL_KINDS}, got {panel!r}")
    col = aggregate._value_column(counts, value)
    window = list(range(y0, y1 + 1))
    obs = counts[counts["year"].isin(window) & counts[col].notna()]
    n_years = obs.groupby("iso3")["year"].nunique()
    vals = (
        obs[obs["year"].isin([y0, y1])]
        .pivot_table(index="iso3", columns="year", values=col, aggfunc="first")
        .reindex(columns=[y0, y1])
    )
    both = vals.notna().all(axis=1)
    if panel == "open":
        member0, member1 = vals[y0].notna(), vals[y1].notna()
    elif panel == "balanced":
        member0 = member1 = n_years.reindex(vals.index).eq(len(window))
    else:
        member0 = member1 = both
    c0 = vals[y0].where(member0, 0.0).fillna(0.0)
    c1 = vals[y1].where(member1, 0.0).fillna(0.0)
    t0, t1 = float(c0.sum()), float(c1.sum())

    def pc(a: pd.Series | float, b: pd.Series | float) -> pd.Series | float:
        with np.errstate(divide="ignore", invalid="ignore"):
            return 100.0 * (b / a - 1.0)

    full = pc(t0, t1) if t0 > 0 else float("nan")
    without = pc((t0 - c0).replace(0.0, np.nan), t1 - c1)
    out = pd.DataFrame(
        {
            "iso3": vals.index,
            "value_y0": vals[y0].to_numpy(),
            "value_y1": vals[y1].to_numpy(),
            "in_panel": (member0 | member1).to_numpy(),
            "change_all": full,
            "change_without": without.to_numpy(),
        }
    )
    out["effect"] = out["change_all"] - out["change_without"]
    names = counts.drop_duplicates("iso3").set_index("iso3")["country"]
    out.insert(1, "country", out["iso3"].map(names))
    order = out["effect"].abs().sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


def panel_changes_by(
    tables: Mapping[str, pd.DataFrame], y0: int, y1: int, value: str | None = None
) -> pd.DataFrame:
    """:func:`panel_changes` of several counts tables, stacked under one label each.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Label (e.g. ``"nothing excluded"``, ``"with exclusions"``) -> wide counts table.
    y0, y1 : int
        Base and end year.
    value : str, optional
        Value column.

    Returns
    -------
    DataFrame
        Index ``(data, panel)``; the columns of :func:`panel_changes`.
    """
    return pd.concat(
        {label: panel_changes(c, y0, y1, value=value) for label, c in tables.items()},
        names=["data"],
    )


def _year_values(counts: pd.DataFrame, year: int, col: str) -> pd.Series:
    """Non-missing values of one year, indexed by ``iso3``."""
    return counts[(counts["year"] == year) & counts[col].notna()].set_index("iso3")[col]


def open_panel_split(counts: pd.DataFrame, y0: int, y1: int, value: str | None = None) -> pd.Series:
    """Split the open-set change y0 -> y1 into countries in one year only and matched ones.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table (``iso3``, ``year``, value column).
    y0, y1 : int
        Base and end year.
    value : str, optional
        Value column (default ``"Total"`` or the only category column).

    Returns
    -------
    Series
        ``only in base year: countries``, ``only in base year: total`` (countries with a
        value in y0 but not y1, and their y0 sum), ``only in end year: countries``,
        ``only in end year: total`` (the reverse, y1 sum), ``matched: base-year total``,
        ``matched: end-year total`` (countries with a value in both years).
    """
    col = aggregate._value_column(counts, value)
    a, b = _year_values(counts, y0, col), _year_values(counts, y1, col)
    both = a.index.intersection(b.index)
    return pd.Series(
        {
            "only in base year: countries": len(a.index.difference(both)),
            "only in base year: total": a.drop(both).sum(),
            "only in end year: countries": len(b.index.difference(both)),
            "only in end year: total": b.drop(both).sum(),
            "matched: base-year total": a[both].sum(),
            "matched: end-year total": b[both].sum(),
        }
    )


def dropped_reporters(
    counts: pd.DataFrame, y0: int, y1: int, n: int | None = None, value: str | None = None
) -> pd.DataFrame:
    """Countries with a value in y0 but none in y1, largest first.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table with ``iso3``, ``country``, ``year`` and the value column.
    y0, y1 : int
        Base year (where the country reports) and end year (where it does not).
    n : int, optional
        Keep the ``n`` largest (default: all).
    value : str, optional
        Value column.

    Returns
    -------
    DataFrame
        ``iso3, country, value`` (the y0 value), sorted by descending value.
    """
    col = aggregate._value_column(counts, value)
    reporters_y1 = _year_values(counts, y1, col).index
    gone = counts[(counts["year"] == y0) & counts[col].notna() & ~counts["iso3"].isin(reporters_y1)]
    gone = gone.nlargest(len(gone) if n is None else n, col)
    names = counts.drop_duplicates("iso3").set_index("iso3")["country"]
    return pd.DataFrame(
        {
            "iso3": gone["iso3"].to_numpy(),
            "country": gone["iso3"].map(names).to_numpy(),
            "value": gone[col].to_numpy(),
        }
    )


def year_total_influence(counts: pd.DataFrame, year: int, value: str | None = None) -> pd.DataFrame:
    """Leave-one-country-out effect of each country on the plain sum of one year.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table with ``iso3``, ``country``, ``year`` and the value column.
    year : int
        Year of the total.
    value : str, optional
        Value column.

    Returns
    -------
    DataFrame
        The columns of :func:`tiptrends.methods.diagnostics.influence` (``iso3, estimate_all,
        estimate_without, effect, abs_effect``) with ``country`` second and
        ``share_of_total_pct`` (the country's part of the sum, in percent) last; sorted by
        descending absolute effect. A country with no value in ``year`` has effect 0.
    """
    col = aggregate._value_column(counts, value)

    def total(c: pd.DataFrame) -> float:
        return c.loc[c["year"] == year, col].sum()

    out = diagnostics.influence(total, counts)
    names = counts.drop_duplicates("iso3").set_index("iso3")["country"]
    out.insert(1, "country", out["iso3"].map(names))
    out["share_of_total_pct"] = 100 * out["effect"] / out["estimate_all"]
    return out


def total_definitions(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Candidate definitions of the global number of detected victims in one year.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table (exclusions already applied if wanted).
    year : int
        Year.

    Returns
    -------
    DataFrame
        Index ``definition``: ``value`` and ``n_countries`` for

        * ``country_totals``: sum of the country totals (``"<5"`` as missing);
        * ``country_totals_upper``: the same with ``"<5"`` totals counted as 4;
        * ``known_sex_age``: women + men + girls + boys, summed over countries with them;
        * ``known_sex_age_incl_other``: the same plus other-sex children and adults;
        * ``known_form``: sum of the three forms over countries with them;
        * ``max_total_or_breakdown``: per country the largest of its total and its two
          breakdown sums (a country that publishes only a breakdown still counts).
    """
    base = aggregate.country_year_counts(df)
    upper = aggregate.country_year_counts(df, suppressed="upper")
    sa = aggregate.country_year_counts(df, dimension=aggregate.SEX_AGE, with_total=False)
    fm = aggregate.country_year_counts(df, dimension=DIM_FORM, with_total=False)
    base, upper, sa, fm = (t[t["year"] == year].set_index("iso3") for t in (base, upper, sa, fm))
    four = list(aggregate.SEX_AGE_GROUPS)
    other = [aggregate.OTHER_CHILDREN, aggregate.OTHER_ADULTS]
    forms = [c for c in aggregate.category_columns(fm.reset_index()) if c != aggregate.TOTAL_COLUMN]
    series = {
        "country_totals": base[aggregate.TOTAL_COLUMN],
        "country_totals_upper": upper[aggregate.TOTAL_COLUMN],
        "known_sex_age": sa[four].sum(axis=1, min_count=1),
        "known_sex_age_incl_other": sa[four + other].sum(axis=1, min_count=1),
        "known_form": fm[forms].sum(axis=1, min_count=1),
    }
    stacked = pd.concat(
        [series["country_totals"], series["known_sex_age_incl_other"], series["known_form"]], axis=1
    )
    series["max_total_or_breakdown"] = stacked.max(axis=1, skipna=True).where(
        stacked.notna().any(axis=1)
    )
    out = pd.DataFrame(
        {
            "value": {k: float(s.sum()) for k, s in series.items()},
            "n_countries": {k: int(s.notna().sum()) for k, s in series.items()},
        }
    )
    out.index.name = "definition"
    return out


# --------------------------------------------------------------------------- releases
def cell_values(df: pd.DataFrame, indicator: str | None = VICTIMS) -> pd.DataFrame:
    """One row per cell with its summed value and suppression state.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table; aggregate rows are left out.
    indicator : str or None
        Keep one indicator (None: all).

    Returns
    -------
    DataFrame
        :data:`CELL_KEY` columns plus ``breakdown`` (:func:`breakdown_of`, may be None),
        ``value`` (sum of non-suppressed rows; NaN if every row is ``"<5"``) and
        ``suppressed`` (every row of the cell is ``"<5"``).
    """
    rows = df[~df["is_aggregate"].astype(bool)]
    if indicator is not None:
        rows = rows[rows["indicator"] == indicator]
    g = rows.groupby(list(CELL_KEY), sort=True, dropna=False)
    out = g["value"].sum(min_count=1).to_frame()
    out["suppressed"] = g["suppressed"].all()
    out = out.reset_index()
    out["breakdown"] = breakdown_of(out)
    return out


def compare_cells(old: pd.DataFrame, new: pd.DataFrame, tolerance: float = 0.0) -> pd.DataFrame:
    """Match cells of two releases and classify each.

    Parameters
    ----------
    old, new : DataFrame
        Outputs of :func:`cell_values` for the earlier and the later release.
    tolerance : float
        Absolute difference up to which two values count as equal.

    Returns
    -------
    DataFrame
        :data:`CELL_KEY`, ``breakdown``, ``value_old``, ``value_new``, ``suppressed_old``,
        ``suppressed_new``, ``status``: ``"added"`` (only in the new release),
        ``"removed"`` (only in the old), ``"unchanged"``, ``"revised"`` (both published
        numbers, different), ``"newly_suppressed"`` / ``"unsuppressed"`` (a number became
        ``"<5"`` or the reverse; both ``"<5"`` counts as unchanged).
    """
    key = list(CELL_KEY)
    m = old.merge(new, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    m["breakdown"] = m["breakdown_new"].fillna(m["breakdown_old"])
    so = m["suppressed_old"].astype("boolean").fillna(False).astype(bool)
    sn = m["suppressed_new"].astype("boolean").fillna(False).astype(bool)
    diff = (m["value_new"] - m["value_old"]).abs() > tolerance
    m["status"] = np.select(
        [
            m["_merge"] == "right_only",
            m["_merge"] == "left_only",
            so & sn,
            ~so & sn,
            so & ~sn,
            diff,
        ],
        ["added", "removed", "unchanged", "newly_suppressed", "unsuppressed", "revised"],
        default="unchanged",
    )
    m["suppressed_old"], m["suppressed_new"] = (
        so.where(m["_merge"] != "right_only"),
        sn.where(m["_merge"] != "left_only"),
    )
    cols = [
        *key,
        "breakdown",
        "value_old",
        "value_new",
        "suppressed_old",
        "suppressed_new",
        "status",
    ]
    return m[cols].reset_index(drop=True)


CHANGE_STATUSES: tuple[str, ...] = ("added", "removed", "revised", "placeholder_only", "unchanged")
"""Country-year statuses of :func:`country_year_changes`."""


def country_year_changes(
    cells: pd.DataFrame, breakdowns: Sequence[str] = ("total", "form", "sex_age")
) -> pd.DataFrame:
    """Classify each country-year and breakdown as added, removed, revised or unchanged.

    Parameters
    ----------
    cells : DataFrame
        Output of :func:`compare_cells`.
    breakdowns : sequence of str
        Breakdowns to classify.

    Returns
    -------
    DataFrame
        ``iso3, year, breakdown, status, n_cells, n_changed`` where ``status`` is
        ``"added"`` if every cell is new, ``"removed"`` if every cell is gone, ``"revised"``
        if a published number changed (a value revised, a number turned into ``"<5"`` or
        back, or a cell holding a number added or removed), ``"placeholder_only"`` if the
        only changes are ``"<5"`` cells that appeared or disappeared (the releases carry
        such placeholder rows, e.g. a lone ``"<5"`` for "Other forms of exploitation"),
        else ``"unchanged"``. ``n_changed`` counts the material changes.
    """
    c = cells[cells["breakdown"].isin(list(breakdowns))]
    st = c["status"]
    material = st.isin(["revised", "newly_suppressed", "unsuppressed"])
    material |= st.eq("added") & ~c["suppressed_new"].astype("boolean").fillna(False).astype(bool)
    material |= st.eq("removed") & ~c["suppressed_old"].astype("boolean").fillna(False).astype(bool)
    flags = pd.DataFrame(
        {
            "n_cells": 1,
            "n_added": st.eq("added"),
            "n_removed": st.eq("removed"),
            "n_unchanged": st.eq("unchanged"),
            "n_changed": material,
        },
        index=c.index,
    )
    keys = [c["iso3"], c["year"], c["breakdown"]]
    agg = flags.groupby(keys, sort=True).sum().astype("int64")
    agg.index.names = ["iso3", "year", "breakdown"]
    agg = agg.reset_index()
    agg["status"] = np.select(
        [
            agg["n_added"] == agg["n_cells"],
            agg["n_removed"] == agg["n_cells"],
            agg["n_changed"] > 0,
            agg["n_unchanged"] < agg["n_cells"],
        ],
        ["added", "removed", "revised", "placeholder_only"],
        default="unchanged",
    )
    return agg[["iso3", "year", "breakdown", "status", "n_cells", "n_changed"]]


def change_summary(changes: pd.DataFrame, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Count country-years by breakdown, year and status.

    Returns
    -------
    DataFrame
        Index ``breakdown, year``; one column per :data:`CHANGE_STATUSES` (zeros kept).
    """
    c = changes if years is None else changes[changes["year"].isin(list(years))]
    out = c.groupby(["breakdown", "year", "status"]).size().unstack("status", fill_value=0)
    out = out.reindex(columns=list(CHANGE_STATUSES), fill_value=0)
    out.columns.name = None
    return out.astype("int64")


def headline_by_release(
    releases: Mapping[str, pd.DataFrame],
    years: Iterable[int],
    countries: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Headline figures computed the same way from each release.

    Parameters
    ----------
    releases : mapping of str to DataFrame
        Release label -> curated GLOTIP table.
    years : iterable of int
        Years to compute.
    countries : iterable of str, optional
        Restrict every release to these iso3 codes (e.g. countries in both releases).

    Returns
    -------
    DataFrame
        ``release, year, victims_total, n_countries_total, forced_labour_share_pct,
        n_countries_form, children_share_pct, n_countries_sex_age``. Totals are plain sums of
        country totals; shares are pooled over countries reporting the breakdown, with the
        known categories as denominator (forms; women + men + girls + boys).
    """
    ys = sorted({int(y) for y in years})
    keep = None if countries is None else set(countries)
    frames = []
    for label, df in releases.items():
        d = df if keep is None else df[df["iso3"].isin(keep)]
        tot = aggregate.aggregate_total(aggregate.country_year_counts(d)).set_index("year")
        form = headline.form_share_by_year(d, FORCED_LABOUR, ys).set_index("year")
        kids = headline.children_share_by_year(d, ys).set_index("year")
        t = pd.DataFrame(index=pd.Index(ys, name="year"))
        t["victims_total"] = tot["total"].reindex(ys)
        t["n_countries_total"] = tot["n_countries"].reindex(ys).fillna(0).astype("int64")
        t["forced_labour_share_pct"] = form["share_pct"].reindex(ys)
        t["n_countries_form"] = form["n_countries"].reindex(ys).fillna(0).astype("int64")
        t["children_share_pct"] = kids["share_pct"].reindex(ys)
        t["n_countries_sex_age"] = kids["n_countries"].reindex(ys).fillna(0).astype("int64")
        frames.append(t.reset_index().assign(release=label))
    out = pd.concat(frames, ignore_index=True)
    return out[["release", *[c for c in out.columns if c != "release"]]]


def headline_revisions(headlines: pd.DataFrame, old: str, new: str) -> pd.DataFrame:
    """How far each headline figure moves from release ``old`` to release ``new``.

    Parameters
    ----------
    headlines : DataFrame
        Output of :func:`headline_by_release`.
    old, new : str
        Release labels.

    Returns
    -------
    DataFrame
        Index ``year``: for the total ``victims_total_old/new`` and ``victims_total_revision_pct``
        (percent of the old value); for the shares the old/new values and the change in
        percentage points (``*_revision_pp``).
    """
    a = headlines[headlines["release"] == old].set_index("year")
    b = headlines[headlines["release"] == new].set_index("year")
    years = a.index.intersection(b.index)
    a, b = a.loc[years], b.loc[years]
    out = pd.DataFrame(index=years)
    out["victims_total_old"], out["victims_total_new"] = a["victims_total"], b["victims_total"]
    out["victims_total_revision_pct"] = 100.0 * (b["victims_total"] / a["victims_total"] - 1.0)
    for col in ("forced_labour_share_pct", "children_share_pct"):
        stem = col.removesuffix("_pct")
        out[f"{stem}_old_pct"], out[f"{stem}_new_pct"] = a[col], b[col]
        out[f"{stem}_revision_pp"] = b[col] - a[col]
    return out


def matched_revisions(revisions: pd.DataFrame, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Pooled revision per year over the country-years present in both releases.

    Parameters
    ----------
    revisions : DataFrame
        Output of :func:`tiptrends.methods.diagnostics.revisions` (``iso3, year, total_old,
        total_new, status``); only rows with status ``"both"`` count.
    years : iterable of int, optional
        Years to keep (default: all).

    Returns
    -------
    DataFrame
        Index ``year``: ``total_old, total_new`` (sums), ``revision_pct`` (100 x (new / old
        - 1)) and ``country_years`` (rows summed). Pure revision: country-years added or
        removed between the releases do not enter.
    """
    t = revisions[revisions["status"] == "both"]
    if years is not None:
        t = t[t["year"].isin(list(years))]
    g = t.groupby("year")[["total_old", "total_new"]].sum()
    g["revision_pct"] = 100 * (g["total_new"] / g["total_old"] - 1)
    g["country_years"] = t.groupby("year").size()
    return g


# --------------------------------------------------------------------------- exclusions
def _years_of(spec: object) -> list[int] | None:
    """Years of an exclusions-table entry ("all" or "2019, 2022") as ints (None = all)."""
    text = str(spec).strip()
    if text in ("", "all"):
        return None
    return [int(y) for y in text.replace(",", " ").split()]


def _diagnostic_parts(text: str) -> list[tuple[str, list[str]]]:
    """Parse ``"f: a and b; g"`` into ``[("f", ["a", "b"]), ("g", [])]``."""
    parts = []
    for piece in str(text).split(";"):
        func, _, checks = (p.strip() for p in piece.partition(":"))
        if func:
            parts.append((func, [c.strip() for c in checks.split(" and ") if c.strip()]))
    return parts


def exclusion_evidence(
    exclusions: pd.DataFrame, diagnostics: Mapping[str, pd.DataFrame]
) -> pd.DataFrame:
    """Put each exclusion next to the value its diagnostic computes now.

    Parameters
    ----------
    exclusions : DataFrame
        :func:`tiptrends.io.exclusions.exclusions_table` (``iso3, years, scope, indicator,
        reason, diagnostic, value``). ``diagnostic`` names one or more diagnostics separated
        by ``";"``, each ``"<function>"`` or ``"<function>: <check> [and <check>...]"``,
        e.g. ``"consistency_checks: sex_age_sum_exceeds_total; revisions"``.
    diagnostics : mapping of str to DataFrame
        Diagnostic tables by function name, e.g. ``{"consistency_checks": ...,
        "revisions": ..., "jumps": ..., "influence": ...}`` (outputs of
        :mod:`tiptrends.methods.diagnostics`). Tables with a ``check`` column are filtered on the
        named checks; tables with a ``year`` column on the entry's years.

    Returns
    -------
    DataFrame
        The exclusions table plus ``computed`` (short text of the matching diagnostic rows,
        by year, one clause per diagnostic, or ``"no matching row"``), ``n_rows`` (matching
        rows) and ``flagged``: every named diagnostic has a matching row, and where its
        table has a ``flag`` / ``large`` column, a flagged one.
    """
    out = exclusions.copy()
    computed, n_rows, flagged = [], [], []
    for _, e in exclusions.iterrows():
        texts, n, ok = [], 0, True
        for func, checks in _diagnostic_parts(e["diagnostic"]):
            table = diagnostics.get(func)
            if table is None:
                texts.append(f"{func}: not computed")
                ok = False
                continue
            m = table["iso3"] == e["iso3"]
            years = _years_of(e["years"])
            if years is not None and "year" in table.columns:
                m &= table["year"].isin(years)
            if checks and "check" in table.columns:
                m &= table["check"].isin(checks)
            hits = table[m]
            if "year" in hits.columns:
                hits = hits.sort_values("year", kind="stable")
            n += len(hits)
            desc = "; ".join(_describe(func, r) for _, r in hits.head(6).iterrows())
            texts.append(f"{func}: {desc}" if desc else f"{func}: no matching row")
            flag_col = next((c for c in ("flag", "large") if c in hits.columns), None)
            ok &= bool(hits[flag_col].any()) if flag_col else len(hits) > 0
        computed.append(" | ".join(texts) if texts else "no matching row")
        n_rows.append(n)
        flagged.append(ok and bool(texts))
    out["computed"] = computed
    out["n_rows"] = n_rows
    out["flagged"] = flagged
    return out


def exclusion_evidence_by_release(
    exclusions: pd.DataFrame, diagnostics: Mapping[str, Mapping[str, pd.DataFrame]]
) -> pd.DataFrame:
    """:func:`exclusion_evidence` for each release, against that release's diagnostics.

    Parameters
    ----------
    exclusions : DataFrame
        Output of :func:`tiptrends.io.exclusions.exclusions_table` (with its ``releases`` column:
        comma-separated release dates or ``"all"``).
    diagnostics : mapping of str to mapping
        Release date -> diagnostic tables of that release (as for :func:`exclusion_evidence`).

    Returns
    -------
    DataFrame
        One row per entry and release it applies to, with a ``release`` column first.
    """
    parts = []
    for release, tables in diagnostics.items():
        applies = exclusions["releases"].eq("all") | exclusions["releases"].str.split(
            r",\s*"
        ).apply(lambda rs, r=release: r in rs)
        part = exclusion_evidence(exclusions[applies], tables)
        parts.append(part.assign(release=release))
    out = pd.concat(parts, ignore_index=True)
    return out[["release", *[c for c in out.columns if c != "release"]]]


def _fmt(x: object) -> str:
    return "missing" if pd.isna(x) else f"{float(x):,.0f}"


def _describe(func: str, r: pd.Series) -> str:
    """One diagnostic row as short text."""
    year = f"{int(r['year'])}: " if "year" in r.index and pd.notna(r["year"]) else ""
    if func == "consistency_checks":
        what = str(r.get("check", "breakdown")).split("_")[0].replace("sex", "sex x age")
        return f"{year}{what} {_fmt(r['breakdown_sum'])} vs total {_fmt(r['total'])}"
    if func == "citizenship_consistency":
        return f"{year}citizenship {_fmt(r['breakdown_sum'])} vs total {_fmt(r['total'])}"
    if func == "revisions":
        rel = "" if pd.isna(r["rel_revision"]) else f" ({100 * r['rel_revision']:+.0f}%)"
        return f"{year}{_fmt(r['total_old'])} -> {_fmt(r['total_new'])}{rel}"
    if func == "jumps":
        return f"{year}{_fmt(r['prev_value'])} -> {_fmt(r['value'])} (robust z {r['robust_z']:.1f})"
    if func == "influence":
        return f"effect {r['effect']:+,.1f}"
    cols = [c for c in r.index if c not in ("iso3", "country", "year")][:3]
    return year + ", ".join(f"{c}={r[c]}" for c in cols)
