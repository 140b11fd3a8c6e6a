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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tiptrends import settings
from tiptrends.io import exclusions
from tiptrends.io.published import published_value
from tiptrends.methods import aggregate, diagnostics, figures, panels, vintage
from tiptrends.methods.figures import victims
from tiptrends.methods.figures.victims import (
    BREAKDOWNS,
    breakdown_of,
    reporting_units,
    window_coverage,
)
from tiptrends.methods.headline import CHILD_GROUPS
from tiptrends.methods.panels import PANEL_KINDS, change_pct, panel_changes, panel_series
from tiptrends.methods.sensitivity import BASIS_SWITCH_LABELS, BASIS_SWITCHES, SENSITIVITY_PANELS
from tiptrends.vocab import (
    DIM_FORM,
    FORCED_LABOUR,
    VICTIMS,
)

CELL_KEY: tuple[str, ...] = ("iso3", "indicator", "dimension", "category", "sex", "age", "year")
"""Columns identifying one cell of the curated table."""


# --------------------------------------------------------------------------- breakdowns
def _per_breakdown_year(
    units: pd.DataFrame,
    indicator: str,
    require_value: bool,
    years: Iterable[int] | None,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Reporting countries (or the sum of their ``weights``) per year and breakdown."""
    u = units[units["indicator"] == indicator]
    if require_value:
        u = u[u["has_value"]]
    u = u.drop_duplicates(["year", "breakdown", "iso3"])
    weight = 1.0 if weights is None else u["iso3"].map(weights).fillna(0.0)
    out = (
        u.assign(weight=weight)
        .groupby(["year", "breakdown"])["weight"]
        .sum()
        .unstack("breakdown", fill_value=0.0)
    )
    out = out.reindex(columns=[b for b in BREAKDOWNS if b in out.columns])
    if years is not None:
        out = out.reindex(sorted(set(years)), fill_value=0.0)
    out.columns.name = None
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
    return _per_breakdown_year(units, indicator, require_value, years).astype("int64")


def population_coverage(
    units: pd.DataFrame,
    population: pd.Series,
    indicator: str = VICTIMS,
    require_value: bool = False,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Share of the population living in countries that report each breakdown.

    ``population`` is the population by ISO3 (e.g. :func:`tiptrends.io.data.gsi_population`);
    its sum is the denominator, so it should cover the world, and reporting countries
    without a population add nothing. The other arguments are those of
    :func:`countries_reporting`.

    Returns
    -------
    DataFrame
        Index ``year``, one column per breakdown: percent (0-100) of ``population.sum()``.
    """
    reached = _per_breakdown_year(units, indicator, require_value, years, weights=population)
    return 100.0 * reached / float(population.sum())


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
    (``interpolated`` gives the same endpoints as ``matched``; ``trend`` recomputes the
    trend panel without each country).

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
    if panel == "trend":
        # the trend panel fills and carries values, so each country is left out and the
        # panel re-formed (one recomputation per country)
        in_window = set(obs["iso3"])
        member0 = member1 = pd.Series(vals.index.isin(list(in_window)), index=vals.index)
        full = change_pct(counts, y0, y1, value, panel="trend")
        without = pd.Series(
            [
                change_pct(counts[counts["iso3"] != i], y0, y1, value, panel="trend")
                for i in vals.index
            ],
            index=vals.index,
        )
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

    The arguments are those of :func:`tiptrends.methods.panels.panel_changes`.

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
        * ``known_sex_age``: women + men + girls + boys, summed over countries with them
          (:func:`tiptrends.methods.figures.victims.known_sex_age`, form fallback on);
        * ``known_sex_age_incl_other``: the same plus other-sex children and adults;
        * ``known_form``: sum of the three forms over countries with them;
        * ``max_total_or_breakdown``: per country the largest of its total and its two
          breakdown sums (a country that publishes only a breakdown still counts).
    """
    fm = aggregate.country_year_counts(df, dimension=DIM_FORM, with_total=False)
    fm = fm[fm["year"] == year].set_index("iso3")
    other = (aggregate.OTHER_CHILDREN, aggregate.OTHER_ADULTS)
    forms = [c for c in aggregate.category_columns(fm.reset_index()) if c != aggregate.TOTAL_COLUMN]
    series = {
        "country_totals": victims.country_totals(df, year),
        "country_totals_upper": victims.country_totals(df, year, suppressed="upper"),
        "known_sex_age": victims.known_sex_age(df, year),
        "known_sex_age_incl_other": victims.known_sex_age(
            df, year, groups=(*aggregate.SEX_AGE_GROUPS, *other)
        ),
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


def headline_by_release(releases: Mapping[str, pd.DataFrame], years: Iterable[int]) -> pd.DataFrame:
    """Headline figures computed the same way from each release, by the registry's functions.

    Parameters
    ----------
    releases : mapping of str to DataFrame
        Release label -> curated GLOTIP table (no exclusions: the raw revisions).
    years : iterable of int
        Years to compute.

    Returns
    -------
    DataFrame
        ``release, year, victims_total`` (plain sum of country totals,
        :func:`tiptrends.methods.figures.victims.country_totals`),
        ``forced_labour_share_pct`` (:func:`tiptrends.methods.figures.forms.form_share`) and
        ``children_share_pct`` (:func:`tiptrends.methods.figures.children.group_share`), both
        with the collection's options (pooled, known categories as denominator).
    """
    rows = []
    for label, df in releases.items():
        inputs, o = figures.Inputs(df), figures.Options()
        for y in sorted({int(y) for y in years}):
            rows.append(
                {
                    "release": label,
                    "year": y,
                    "victims_total": float(victims.country_totals(df, y).sum()),
                    "forced_labour_share_pct": figures.forms.form_share(
                        FORCED_LABOUR, y, inputs, o
                    ),
                    "children_share_pct": figures.children.group_share(CHILD_GROUPS, y, inputs, o),
                }
            )
    return pd.DataFrame(rows)


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


# --------------------------------------------------------------------------- chapter 01
END_YEAR = settings.LATEST_YEAR
"""Latest year of the 2025 release: the end year of every change in chapter 01."""

BASE_YEARS: tuple[int, ...] = (settings.BASE_YEAR, settings.PANDEMIC_YEAR)
"""Base years of the published changes (pre-pandemic 2019 and 2020)."""

SERIES_START = 2005
"""First year drawn in the chart of world totals (earlier years rest on very few countries)."""

REGION_START = 2017
"""First year of the regional tables and chart (the years around the published changes)."""

HEADLINE_PANEL = "balanced"
"""Country set of the influence tables (a sensitivity: every change figure uses the trend
panel)."""

LARGEST_REPORTERS: tuple[str, ...] = ("PAK", "USA")
"""The two countries that hold most of the 2022 world sum (Pakistan, the United States)."""

VERSIONS: tuple[str, ...] = ("nothing excluded", "with exclusions")
"""Labels of the two versions of the data every chapter-01 table shows."""

DEFINITION_LABELS: dict[str, str] = {
    "country_totals": "sum of country totals",
    "country_totals_upper": "sum of country totals, suppressed totals counted as 4",
    "known_sex_age": "victims of known sex and age (women + men + girls + boys)",
    "known_sex_age_incl_other": "victims of known sex and age, sex 'Other' included",
    "known_form": "victims of known form (sum of the three forms)",
    "max_total_or_breakdown": "per country the largest of its total and breakdown sums",
}
"""Plain words for the definitions of :func:`total_definitions`."""

PANEL_LABELS: dict[str, str] = {
    "open": "open set (all reporters of each year)",
    "matched": "matched (countries reporting both years)",
    "balanced": "balanced (countries reporting every year)",
    "interpolated": "interpolated (both endpoints, inner years filled)",
}
"""Plain words for the country sets of :func:`tiptrends.methods.panels.panel_changes`."""


def country_names(counts: pd.DataFrame) -> pd.Series:
    """Country name by ``iso3`` (first name seen) of a counts or curated table."""
    return counts.drop_duplicates("iso3").set_index("iso3")["country"]


def without_countries(counts: pd.DataFrame, iso3: Iterable[str]) -> pd.DataFrame:
    """The rows of ``counts`` (any table with ``iso3``) of every country not in ``iso3``."""
    return counts[~counts["iso3"].isin(list(iso3))]


def world_series(
    versions: Mapping[str, pd.DataFrame], leave_out: str = LARGEST_REPORTERS[0]
) -> pd.DataFrame:
    """Plain world sums per year for each version of the data, and without one country.

    Parameters
    ----------
    versions : mapping of str to DataFrame
        Label -> wide counts table; the **last** one is the main version, whose number of
        reporting countries and sum without ``leave_out`` are added.
    leave_out : str
        ISO3 code of the country left out in the last column.

    Returns
    -------
    DataFrame
        Index ``year``: one column per version (plain sums), ``countries`` (reporting
        countries of the main version) and ``without <country name>`` (main version).
    """
    labels = list(versions)
    main = versions[labels[-1]]
    totals = {lab: aggregate.aggregate_total(c).set_index("year") for lab, c in versions.items()}
    out = pd.DataFrame({lab: t["total"] for lab, t in totals.items()})
    out["countries"] = totals[labels[-1]]["n_countries"]
    alone = aggregate.aggregate_total(without_countries(main, [leave_out])).set_index("year")
    out[f"without {country_names(main).get(leave_out, leave_out)}"] = alone["total"]
    return out


def region_totals(
    counts: pd.DataFrame, grouping: str, start: int = REGION_START, values: str = "total"
) -> pd.DataFrame:
    """Plain sums (or numbers of countries) by region and year, regions as rows.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table.
    grouping : str
        Grouping of :func:`tiptrends.methods.aggregate.by_region` (``"m49_region"``,
        ``"glotip"``).
    start : int
        First year kept.
    values : {"total", "n_countries"}
        What the cells hold.

    Returns
    -------
    DataFrame
        Index region, one column per year from ``start``; 0 where a region has no reporter.
    """
    table = aggregate.by_region(counts, grouping)
    wide = table.pivot(index="group", columns="year", values=values).loc[:, start:]
    wide.index.name, wide.columns.name = "region", None
    return wide.fillna(0)


def definitions_against(
    versions: Mapping[str, pd.DataFrame], year: int, published: Mapping[str, float]
) -> pd.DataFrame:
    """:func:`total_definitions` of each version of the data, with the gap to published totals.

    Parameters
    ----------
    versions : mapping of str to DataFrame
        Label -> curated GLOTIP table.
    year : int
        Year of the totals.
    published : mapping of str to float
        Column label -> published total; one gap column (percent of the published value) each.

    Returns
    -------
    DataFrame
        Index ``(data, definition)``: ``value``, ``n_countries`` and one gap column per
        published total.
    """
    out = pd.concat(
        {label: total_definitions(df, year) for label, df in versions.items()}, names=["data"]
    )
    for label, value in published.items():
        out[label] = 100 * (out["value"] / value - 1)
    return out


def panel_change_table(
    versions: Mapping[str, pd.DataFrame], base_years: Iterable[int], end_year: int
) -> pd.DataFrame:
    """Percent change to ``end_year`` from each base year, per version and country set.

    Returns
    -------
    DataFrame
        Index ``(data, panel)``; per base year ``y0`` the columns ``y0`` (percent change,
        from :func:`panel_changes_by`) and ``countries y0`` (countries in the end year of
        the set).
    """
    parts = {}
    for y0 in base_years:
        ch = panel_changes_by(versions, y0, end_year)
        parts[y0] = ch["pct_change"]
        parts[f"countries {y0}"] = ch["n_y1"]
    return pd.DataFrame(parts)


def panel_index(counts: pd.DataFrame, years: Iterable[int]) -> tuple[pd.DataFrame, pd.Series]:
    """Pooled totals of the open, balanced and interpolated sets as an index (first year 100).

    Returns
    -------
    tuple of DataFrame and Series
        Index ``year`` x set (``open``, ``balanced``, ``interpolated``); and per set the
        range of its number of countries over the window as text (``"100-114"``, or
        ``"76"`` when constant).
    """
    series = panel_series(counts, years)
    kinds = ["open", "balanced", "interpolated"]
    index = series[kinds].div(series[kinds].iloc[0]).mul(100)
    sizes = {
        k: "-".join(sorted({str(series[f"n_{k}"].min()), str(series[f"n_{k}"].max())}, key=int))
        for k in kinds
    }
    return index, pd.Series(sizes)


def matched_change(
    counts: pd.DataFrame, y0: int, y1: int, panel: str = "matched", leave_out: Iterable[str] = ()
) -> float:
    """Percent change y0 -> y1 on one country set, optionally without some countries."""
    return float(
        panel_changes(without_countries(counts, leave_out), y0, y1).loc[panel, "pct_change"]
    )


OLD_BASE = "matched, base year from the earlier release"
"""Label of the :func:`change_sensitivity` variant whose base year comes from the earlier release."""


def change_sensitivity(
    counts: pd.DataFrame,
    counts_all: pd.DataFrame,
    old_counts: pd.DataFrame,
    base_years: Iterable[int],
    end_year: int,
    leave_out: Sequence[str] = LARGEST_REPORTERS,
    published: Mapping[int, float] | None = None,
) -> pd.DataFrame:
    """The change to ``end_year`` under the choices that could explain a published change.

    Parameters
    ----------
    counts, counts_all : DataFrame
        Counts with and without the exclusions (current release).
    old_counts : DataFrame
        Counts of the earlier release, with exclusions: the base year taken from it.
    base_years : iterable of int
        Base years (one column each).
    end_year : int
        End year.
    leave_out : sequence of str
        Countries left out, first alone then together (ISO3 codes).
    published : mapping of int to float, optional
        Published change by base year, added as a last row ``published``.

    Returns
    -------
    DataFrame
        Index: the variant in words; one column per base year (percent change). Variants:
        the headline (:data:`HEADLINE_PANEL` with exclusions); matched with and without
        exclusions; the open set; matched without ``leave_out[0]``; matched without all
        of ``leave_out``; matched with the base year from the earlier release, with and
        without ``leave_out[0]``.
    """
    names = country_names(counts)
    first = names.get(leave_out[0], leave_out[0])
    every = " and ".join(names.get(c, c) for c in leave_out)
    columns = {}
    for y0 in base_years:
        mixed = pd.concat(
            [old_counts[old_counts["year"] == y0], counts[counts["year"] == end_year]]
        )
        columns[y0] = {
            f"{HEADLINE_PANEL}, with exclusions": matched_change(
                counts, y0, end_year, HEADLINE_PANEL
            ),
            "matched, with exclusions": matched_change(counts, y0, end_year),
            "matched, nothing excluded": matched_change(counts_all, y0, end_year),
            "open set, with exclusions": matched_change(counts, y0, end_year, "open"),
            f"matched, without {first}": matched_change(
                counts, y0, end_year, leave_out=leave_out[:1]
            ),
            f"matched, without {every}": matched_change(counts, y0, end_year, leave_out=leave_out),
            OLD_BASE: matched_change(mixed, y0, end_year),
            f"{OLD_BASE}, without {first}": matched_change(
                mixed, y0, end_year, leave_out=leave_out[:1]
            ),
        }
    out = pd.DataFrame(columns)
    if published is not None:
        out.loc["published"] = [published[y0] for y0 in out.columns]
    return out


def release_series(
    releases: Mapping[str, pd.DataFrame], iso3: str, start: int, value: str = "Total"
) -> pd.DataFrame:
    """One country's series in several releases side by side.

    Returns
    -------
    DataFrame
        Index ``year`` from ``start``; one column per release label (NaN: no value).
    """
    out = pd.DataFrame(
        {label: c[c["iso3"] == iso3].set_index("year")[value] for label, c in releases.items()}
    )
    return out.loc[start:]


def region_table(counts: pd.DataFrame, grouping: str, start: int = REGION_START) -> pd.DataFrame:
    """Victims by region and year with the number of reporting countries in brackets.

    Returns
    -------
    DataFrame
        Index region, one column per year from ``start``; cells as text ``"1,704 (9)"``
        (plain sum and reporting countries; ``"0 (0)"`` where no country reports).
    """
    totals = region_totals(counts, grouping, start)
    countries = region_totals(counts, grouping, start, values="n_countries")
    return totals.map("{:,.0f}".format) + countries.map(" ({:.0f})".format)


def reporter_effects(
    counts: pd.DataFrame,
    base_years: Iterable[int],
    end_year: int,
    iso3: Sequence[str] = LARGEST_REPORTERS,
    panel: str = HEADLINE_PANEL,
) -> pd.DataFrame:
    """Leave-one-out effects of a few countries on the changes to ``end_year``.

    Returns
    -------
    DataFrame
        Index ``iso3`` (in the order given): one column per base year with the country's
        :func:`change_influence` effect (points of percent change) and
        ``share of end-year total (%)`` (its part of the plain ``end_year`` sum,
        :func:`year_total_influence`).
    """
    out = pd.DataFrame(index=pd.Index(list(iso3), name="iso3"))
    for y0 in base_years:
        out[y0] = change_influence(counts, y0, end_year, panel).set_index("iso3")["effect"]
    shares = year_total_influence(counts, end_year).set_index("iso3")["share_of_total_pct"]
    out["share of end-year total (%)"] = shares
    return out


# --------------------------------------------------------------------------- chapter 00
COVERAGE_YEARS = range(2010, END_YEAR + 1)
"""Years of the coverage tables and charts of chapter 00."""

DIAGNOSTICS_FROM = 2017
"""First year of the consistency findings listed (the years the trend chapters use)."""

PLOTTED_BREAKDOWNS: tuple[str, ...] = ("total", "form", "sex_age", "citizenship")
"""Breakdowns drawn in the coverage charts (repatriation is reported by very few)."""

BREAKDOWN_LABELS: dict[str, str] = {
    "total": "Total",
    "form": "By form",
    "sex_age": "By sex and age",
    "citizenship": "By citizenship",
    "repatriation": "By repatriation",
}
"""Plain words for :data:`BREAKDOWNS`."""

OTHER_ROWS = "other (sex or age totals, forms by sex/age)"
"""Label of the victims rows that belong to no breakdown of :data:`BREAKDOWNS`."""

COLUMN_LABELS: dict[str, str] = {
    "breakdown": "breakdown",
    "country": "country",
    "year": "year",
    "check": "check",
    "breakdown_sum": "breakdown sum",
    "total": "total",
    "excess": "excess",
    "rel_excess": "excess (% of total)",
    "total_old": "total, 2023 release",
    "total_new": "total, 2025 release",
    "abs_revision": "revision (victims)",
    "rel_revision": "revision (%)",
    "prev_year": "previous year",
    "prev_value": "previous value",
    "value": "value",
    "robust_z": "robust z",
    "indicator": "indicator",
    "largest_category": "largest category",
    "largest_value": "its value",
    "effect": "victims",
    "share_of_total_pct": "share of the total (%)",
    "cells": "rows",
    "suppressed": "suppressed rows",
    "suppressed_pct": "suppressed rows (%)",
}
"""Readable column names of the diagnostic tables shown in chapter 00."""


def readable(table: pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    """The columns of :data:`COLUMN_LABELS` present in ``table``, renamed; first ``n`` rows.

    Codes such as ``iso3`` and flags are left out, check names are written in words
    (``form_sum_exceeds_total`` -> ``form sum exceeds total``) and years become text (so
    that they are not formatted as counts); the row order is kept.
    """
    cols = [c for c in COLUMN_LABELS if c in table.columns]
    out = table[cols].reset_index(drop=True)
    if "check" in out.columns:
        out["check"] = out["check"].str.replace("_", " ")
    for col in ("rel_excess", "rel_revision"):  # shares of 1 shown as whole percentages
        if col in out.columns:
            out[col] = (100 * out[col]).round(0) + 0.0  # + 0.0: no "-0"
    for col in ("year", "prev_year"):  # years are labels, not counts to format
        if col in out.columns:
            out[col] = out[col].astype("Int64").astype(str)
    out = out.rename(columns=COLUMN_LABELS)
    return out if n is None else out.head(n)


def release_summary(releases: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows, aggregate rows, countries, years and suppressed rows of each release.

    Returns
    -------
    DataFrame
        Index ``release`` (the labels); ``rows, aggregate rows, countries, years,
        suppressed rows`` (countries: distinct ISO3 codes of country rows).
    """
    out = {}
    for label, df in releases.items():
        aggregate_rows = df["is_aggregate"].astype(bool)
        out[label] = {
            "rows": len(df),
            "aggregate rows": int(aggregate_rows.sum()),
            "countries": df.loc[~aggregate_rows, "iso3"].nunique(),
            "years": f"{df['year'].min()}-{df['year'].max()}",
            "suppressed rows": int(df["suppressed"].sum()),
        }
    frame = pd.DataFrame.from_dict(out, orient="index")
    frame.index.name = "release"
    return frame


def suppression_by_breakdown(df: pd.DataFrame, indicator: str = VICTIMS) -> pd.DataFrame:
    """:func:`suppression_summary` of one indicator's country rows by breakdown.

    Rows of no listed breakdown are grouped under :data:`OTHER_ROWS`; breakdowns are named
    by :data:`BREAKDOWN_LABELS`.
    """
    rows = df[~df["is_aggregate"].astype(bool) & (df["indicator"] == indicator)]
    names = breakdown_of(rows).map(BREAKDOWN_LABELS).fillna(OTHER_ROWS)
    return suppression_summary(rows.assign(breakdown=names), by=["breakdown"])


def exclusion_effect(
    before: pd.DataFrame, after: pd.DataFrame, start: int = COVERAGE_YEARS[0]
) -> pd.DataFrame:
    """Plain world sums and reporting countries per year before and after the exclusions.

    Parameters
    ----------
    before, after : DataFrame
        Wide counts tables without and with the exclusions.
    start : int
        First year kept.

    Returns
    -------
    DataFrame
        Index ``year``: ``total before``, ``total after``, ``countries before``,
        ``countries after``, ``change (%)``.
    """
    b = aggregate.aggregate_total(before).set_index("year")
    a = aggregate.aggregate_total(after).set_index("year")
    out = pd.DataFrame(
        {
            "total before": b["total"],
            "total after": a["total"],
            "countries before": b["n_countries"],
            "countries after": a["n_countries"],
        }
    ).loc[start:]
    out["change (%)"] = 100 * (out["total after"] / out["total before"] - 1)
    return out


def release_diagnostics(
    releases: Mapping[str, pd.DataFrame], year: int = END_YEAR
) -> dict[str, dict[str, pd.DataFrame]]:
    """The diagnostic tables that the exclusions cite, for the latest and an earlier release.

    Parameters
    ----------
    releases : mapping of str to DataFrame
        Exactly two curated tables, **earlier first** (e.g. ``{"2023-05-30": old,
        "2025-04-14": new}``).
    year : int
        Year of the influence diagnostic (the latest year of the later release).

    Returns
    -------
    dict
        Release label -> ``{function name: table}`` as :func:`exclusion_evidence_by_release`
        expects. Later release: ``consistency_checks``, ``revisions`` (earlier -> later),
        ``jumps`` and ``influence`` (on its country totals) and ``citizenship_consistency``
        (victims); earlier release: ``consistency_checks`` (country rows),
        ``revisions`` (the same table) and ``citizenship_consistency`` (victims).
    """
    (old_label, old), (new_label, new) = releases.items()
    counts = aggregate.country_year_counts(new)
    revisions = diagnostics.revisions(old, new)
    return {
        new_label: {
            "consistency_checks": diagnostics.consistency_checks(new),
            "revisions": revisions,
            "jumps": diagnostics.jumps(counts),
            "influence": year_total_influence(counts, year),
            "citizenship_consistency": diagnostics.citizenship_consistency(
                new, indicators=[VICTIMS]
            ),
        },
        old_label: {
            "consistency_checks": diagnostics.consistency_checks(
                old[~old["is_aggregate"].astype(bool)]
            ),
            "revisions": revisions,
            "citizenship_consistency": diagnostics.citizenship_consistency(
                old, indicators=[VICTIMS]
            ),
        },
    }


EXCLUSION_COLUMNS: dict[str, str] = {
    "release": "release",
    "country": "country",
    "years": "years",
    "scope": "scope",
    "reason": "reason",
    "value": "value cited",
    "computed": "computed now",
    "flagged": "flagged",
}
"""Readable columns of the exclusions list (:func:`exclusions_list`)."""


def exclusions_list(evidence: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """The exclusions with their evidence, for readers: country names, ``flagged`` as yes/no.

    Parameters
    ----------
    evidence : DataFrame
        Output of :func:`exclusion_evidence_by_release`.
    names : Series
        Country name by ISO3 (e.g. :func:`country_names`); unknown codes are kept as is.

    Returns
    -------
    DataFrame
        The columns of :data:`EXCLUSION_COLUMNS`, renamed, one row per entry and release.
    """
    out = evidence.assign(
        country=evidence["iso3"].map(names).fillna(evidence["iso3"]),
        flagged=evidence["flagged"].map({True: "yes", False: "no"}),
    )
    return out[list(EXCLUSION_COLUMNS)].rename(columns=EXCLUSION_COLUMNS).reset_index(drop=True)


# --------------------------------------------------------------------------- chapter 10
HEADLINE_YEARS = range(2017, 2022)
"""Years whose headline figures are computed from both releases (the 2023 release ends in 2021)."""

STATUS_YEARS_FROM = 2015
"""First year of the country-year status tables and chart."""

RECENT_YEARS: tuple[int, int] = (2019, 2021)
"""The years behind the published changes that the 2023 release also holds (first, last)."""

SHARE_REVISION_YEARS: tuple[int, ...] = (2019, 2020)
"""Years whose share revisions are recorded (2021 was only partly filled in 2023)."""

CELL_STATUS_ORDER: tuple[str, ...] = (
    "unchanged",
    "revised",
    "added",
    "removed",
    "newly_suppressed",
    "unsuppressed",
)
"""Cell statuses of :func:`compare_cells`, in display order."""

STATUS_LABELS: dict[str, str] = {
    "unchanged": "unchanged",
    "revised": "revised",
    "added": "added",
    "removed": "removed",
    "newly_suppressed": "newly suppressed",
    "unsuppressed": "unsuppressed",
    "placeholder_only": "placeholder only",
}
"""Plain words for the cell and country-year statuses."""


def cell_status_table(cells: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """Cells of both releases' years by breakdown and status.

    Parameters
    ----------
    cells : DataFrame
        Output of :func:`compare_cells`.
    last_year : int
        Last year of the earlier release (later cells are all "added").

    Returns
    -------
    DataFrame
        Index breakdown (in words, :data:`BREAKDOWN_LABELS`; ``"other"`` for rows of no
        breakdown); one column per status (:data:`STATUS_LABELS`) and ``all``.
    """
    common = cells[cells["year"] <= last_year]
    names = common["breakdown"].map(BREAKDOWN_LABELS).fillna("other")
    out = common.groupby([names, common["status"]]).size().unstack("status", fill_value=0)
    out = out.reindex(columns=[s for s in CELL_STATUS_ORDER if s in out.columns])
    out["all"] = out.sum(axis=1)
    out.index.name, out.columns.name = "breakdown", None
    return out.rename(columns=STATUS_LABELS)


def recent_changes(changes: pd.DataFrame, years: tuple[int, int] = RECENT_YEARS) -> pd.Series:
    """How many country-years changed between the releases over a window of years.

    Parameters
    ----------
    changes : DataFrame
        Output of :func:`country_year_changes`.
    years : tuple of int
        First and last year.

    Returns
    -------
    Series
        ``revised``, ``added``, ``removed`` (victims totals with that status) and ``any``
        (country-years revised, added or removed in at least one breakdown).
    """
    recent = changes[changes["year"].between(*years)]
    total = recent[recent["breakdown"] == "total"]["status"]
    changed = recent[recent["status"].isin(["revised", "added", "removed"])]
    return pd.Series(
        {
            "revised": int((total == "revised").sum()),
            "added": int((total == "added").sum()),
            "removed": int((total == "removed").sum()),
            "any": len(changed[["iso3", "year"]].drop_duplicates()),
        }
    )


def largest_breakdown_revisions(cells: pd.DataFrame, n: int = 12) -> pd.DataFrame:
    """The largest revisions of form and sex x age cells published as numbers in both releases.

    Returns
    -------
    DataFrame
        ``iso3, year, breakdown, group, value_old, value_new, revision`` (new - old),
        largest absolute revision first; ``breakdown`` in words (:data:`BREAKDOWN_LABELS`),
        ``group`` the form, or ``"sex / age"``.
    """
    bd = cells[cells["breakdown"].isin(["form", "sex_age"]) & (cells["status"] == "revised")]
    bd = bd.assign(
        revision=bd["value_new"] - bd["value_old"],
        group=bd["category"].where(bd["breakdown"] == "form", bd["sex"] + " / " + bd["age"]),
    )
    bd = bd.reindex(bd["revision"].abs().sort_values(ascending=False).index).head(n)
    bd["breakdown"] = bd["breakdown"].map(BREAKDOWN_LABELS)
    cols = ["iso3", "year", "breakdown", "group", "value_old", "value_new", "revision"]
    return bd[cols].reset_index(drop=True)


def revision_contributions(
    revisions: pd.DataFrame, years: tuple[int, int] = RECENT_YEARS, n: int = 10
) -> pd.DataFrame:
    """Which countries make the difference between the releases' totals over a window.

    Parameters
    ----------
    revisions : DataFrame
        Output of :func:`tiptrends.methods.diagnostics.revisions`.
    years : tuple of int
        First and last year.
    n : int
        Countries kept.

    Returns
    -------
    DataFrame
        ``country, contribution`` (sum over the window of new minus old total, a missing
        total counting 0) and ``share of net change (%)`` (of the sum over all countries),
        the ``n`` largest absolute contributions first.
    """
    r = revisions[revisions["year"].between(*years)]
    r = r.assign(contribution=r["total_new"].fillna(0) - r["total_old"].fillna(0))
    by_country = r.groupby("country")["contribution"].sum()
    top = by_country.reindex(by_country.abs().sort_values(ascending=False).index).head(n)
    out = top.reset_index()
    out["share of net change (%)"] = 100 * out["contribution"] / r["contribution"].sum()
    return out


# --- Chapter 10: the data basis of the report (vintage rule and trend panel validation) ---

VINTAGE_RATIOS: tuple[float, ...] = (5.0, 10.0, 20.0, 50.0)
"""Ratio thresholds of the vintage rule's sensitivity grid (the rule uses 10)."""

VINTAGE_MIN_VICTIMS: tuple[float, ...] = (500.0, 1000.0, 2000.0, 5000.0)
"""Minimum-difference thresholds of the vintage rule's sensitivity grid (the rule uses 1,000)."""

VALIDATION_LABELS: dict[str, str] = {
    "four_year_total": "2020-2022 total within the published 2020-2023 total (202,478)",
    "victims_2021_over": '"over 50,000" victims in 2021',
    "victims_total_2022": "2022 total within 5% of the published 74,785",
    "forced_labour_main_form_2022_pooled": "forced labour ahead of sexual exploitation, 2022 (pooled)",
    "forced_labour_main_form_2022_mean": "forced labour ahead of sexual exploitation, 2022 (mean)",
    "forced_labour_main_form_2022_two_stage": "forced labour ahead of sexual exploitation, 2022 (two-stage)",
    "glotip2022_total_2019": 'GLOTIP 2022: "just under 50,000" in 2019',
    "glotip2022_total_2020": 'GLOTIP 2022: "just under 47,000" in 2020',
    "glotip2022_change_2019_2020": "GLOTIP 2022: -11% from 2019 to 2020 (within 5 points)",
}
"""Readable statement of each published identity checked by ``vintage_validation``."""

DATA_LABELS: dict[str, str] = {
    "current": "current release",
    "report_basis": "reproduction",
    "earlier": "2023 release",
}
"""Readable names of the data versions of ``vintage_validation``."""

RULE_LABELS: dict[str, str] = {
    "restatement": "restated",
    "continuation": "continues a restated series",
    "added": "added for a covered year (kept)",
}
"""Readable names of the vintage rule's flag kinds."""


def vintage_flags_table(flags: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Flagged country-years of several runs of the vintage rule, one readable table.

    Parameters
    ----------
    flags : mapping of str to DataFrame
        Label of the run (e.g. ``"with exclusions"``) -> output of
        :func:`tiptrends.methods.vintage.flagged_restatements`.

    Returns
    -------
    DataFrame
        country, year, 2023 release, current release, direction, flag, tables (the labels
        of the runs that flag the country-year, joined by "; ").
    """
    rows = pd.concat([f.assign(tables=label) for label, f in flags.items()], ignore_index=True)
    keys = ["country", "year", "value_earlier", "value_current", "direction", "rule"]
    out = (
        rows.groupby(keys, dropna=False, sort=False)["tables"]
        .agg("; ".join)
        .reset_index()
        .sort_values(["country", "year"])
    )
    out["rule"] = out["rule"].map(RULE_LABELS)
    out["year"] = out["year"].astype(str)
    return out.rename(
        columns={
            "value_earlier": "2023 release",
            "value_current": "current release",
            "rule": "flag",
        }
    ).reset_index(drop=True)


def threshold_table(grid: pd.DataFrame) -> pd.DataFrame:
    """Readable form of :func:`tiptrends.methods.vintage.threshold_sensitivity`."""
    return pd.DataFrame(
        {
            "ratio at least": grid["ratio"].map(lambda r: f"{r:g}x"),
            "difference at least": grid["min_victims"].map(lambda m: f"{m:,.0f}"),
            "how many": grid["n_flagged"],
            "country-years flagged": grid["flagged"],
            "same as the rule": grid["same_as_default"].map({True: "yes", False: "no"}),
        }
    )


def validation_table(runs: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Published identities against each data version, for one or more variants of the rule.

    Parameters
    ----------
    runs : mapping of str to DataFrame
        Label of the rule variant -> output of
        :func:`tiptrends.methods.vintage.vintage_validation`.

    Returns
    -------
    DataFrame
        statement, data, then per variant the value (forced-labour lead in percentage
        points, changes in %, totals in victims) and whether it is consistent ("yes"/"no").
        The current release and the 2023 release do not depend on the variant.
    """
    parts = []
    for label, v in runs.items():
        parts.append(
            pd.DataFrame(
                {
                    "statement": v["statement"].map(VALIDATION_LABELS),
                    "data": v["data"].map(DATA_LABELS),
                    "unit": v["statement"].map(validation_unit),
                    f"value ({label})": v["value"].round(1),
                    f"consistent ({label})": v["consistent"].map({True: "yes", False: "no"}),
                }
            ).set_index(["statement", "data", "unit"])
        )
    return pd.concat(parts, axis=1).reset_index()


def validation_unit(statement: str) -> str:
    """Unit of a ``vintage_validation`` value: victims, percentage points or percent."""
    if statement.startswith("forced_labour_main_form"):
        return "percentage points"
    return "%" if "change" in statement else "victims"


def validation_value(validation: pd.DataFrame, statement: str, data: str) -> float:
    """One value of :func:`tiptrends.methods.vintage.vintage_validation`'s table."""
    hit = validation[(validation["statement"] == statement) & (validation["data"] == data)]
    if len(hit) != 1:
        raise KeyError(f"no single validation row for {statement!r} on {data!r}")
    return float(hit["value"].iloc[0])


PANEL_SET_LABELS: dict[str, str] = {
    "trend": "trend panel",
    "open": "open sets",
    "matched": "matched countries",
    "balanced": "balanced panel",
}
"""Readable names of the country sets of ``panels.changes_against_published``."""


def mean_abs_gaps(changes: pd.DataFrame) -> pd.Series:
    """Mean absolute gap to the published change (percentage points) of each country set."""
    return pd.Series(
        {s: float((changes[s] - changes["published"]).abs().mean()) for s in PANEL_SET_LABELS}
    )


def published_changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    """Readable form of :func:`tiptrends.methods.panels.changes_against_published`."""
    out = pd.DataFrame(
        {
            "measure": changes["measure"].str.replace("_", " "),
            "years": changes["y0"].astype(str) + "-" + changes["y1"].astype(str),
            "published (%)": changes["published"],
        }
    )
    for s, label in PANEL_SET_LABELS.items():
        out[f"{label} (%)"] = changes[s].round(1)
    out["countries in the trend panel"] = changes["n_trend"]
    return out


def published_changes_by_data(changes: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """:func:`published_changes_table` of several data versions stacked, labelled by version."""
    return pd.concat(
        [published_changes_table(t).assign(data=label) for label, t in changes.items()],
        ignore_index=True,
    ).pipe(lambda t: t[["data", *t.columns.drop("data")]])


# --- Chapter 10: results ---


def count_phrase(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and a noun that agrees with it ("1 entry", "3 entries").

    Examples
    --------
    >>> count_phrase(1, "threshold pair"), count_phrase(16, "country", "countries")
    ('1 threshold pair', '16 countries')
    """
    noun = singular if n == 1 else (plural or singular + "s")
    return f"{n:,} {noun}"


def points(x: float) -> str:
    """The size of a gap in percentage points, unsigned, to one decimal.

    Examples
    --------
    >>> points(-12.04)
    '12.0 percentage points'
    """
    return f"{abs(x) + 0.0:.1f} percentage points"


def join_words(words: Sequence[str], conjunction: str = "and") -> str:
    """Words joined as a list in prose: "a", "a and b", "a, b and c"."""
    words = list(words)
    last = f" {conjunction} "
    return last.join(words) if len(words) < 3 else ", ".join(words[:-1]) + last + words[-1]


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
"""Small counts as words in prose."""


def number_word(n: int) -> str:
    """``n`` as a word up to nine ("four"), else in digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"


def closest_sets_sentence(changes: pd.DataFrame) -> str:
    """Which country set is closest to GLOTIP 2022's changes from 2019, and over all of them.

    Parameters
    ----------
    changes : DataFrame
        :func:`tiptrends.methods.panels.changes_against_published` (``y0``, ``published`` and
        one column per set of :data:`PANEL_SET_LABELS`).
    """
    short = changes[changes["y0"] == changes["y0"].max()]
    parts = []
    for rows, what in (
        (short, f"the {number_word(len(short))} changes from {int(short['y0'].iloc[0])}"),
        (changes, f"all {number_word(len(changes))}"),
    ):
        gaps = mean_abs_gaps(rows)
        best = gaps.idxmin()
        trend = "" if best == "trend" else f" (trend panel {points(gaps['trend'])})"
        parts.append(
            f"on {what} the {PANEL_SET_LABELS[best]} has the smallest mean gap, "
            f"{points(gaps[best])}{trend}"
        )
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


FORM_LEAD_METHODS: dict[str, str] = {
    "pooled": "pooled shares",
    "mean": "the country mean",
    "two_stage": "two-stage shares (regions equally weighted)",
}
"""Plain words for the share methods of the forced-labour-lead statements."""


def form_lead_sentence(validation: pd.DataFrame, data: str) -> str:
    """Under which share methods forced labour leads sexual exploitation in 2022 on ``data``.

    Parameters
    ----------
    validation : DataFrame
        :func:`tiptrends.methods.vintage.vintage_validation` (``statement``, ``data``,
        ``consistent``).
    data : str
        ``"current"``, ``"report_basis"`` or ``"earlier"``.
    """
    stem = "forced_labour_main_form_2022_"
    rows = validation[validation["statement"].str.startswith(stem) & (validation["data"] == data)]
    holds = dict(zip(rows["statement"].str.removeprefix(stem), rows["consistent"], strict=True))
    yes = [FORM_LEAD_METHODS[m] for m, ok in holds.items() if ok]
    no = [FORM_LEAD_METHODS[m] for m, ok in holds.items() if not ok]
    if not yes:
        return "under none of the three share methods"
    if not no:
        return "under all three share methods"
    return f"with {join_words(yes)}, not with {join_words(no, 'or')}"


def excluded_flags_sentence(flags: pd.DataFrame, report: pd.DataFrame) -> str:
    """Which of the vintage rule's downward flags are also exclusion entries.

    Parameters
    ----------
    flags : DataFrame
        Flagged country-years (``iso3``, ``country``, ``year``, ``direction``).
    report : DataFrame
        The exclusions applied to the same release (``iso3``, ``years``).
    """
    down = flags[flags["direction"] == "down"]
    covered = {
        (r.iso3, y)
        for r in report.itertuples()
        for y in (_years_of(r.years) or down["year"].tolist())
    }
    mask = [(i, y) in covered for i, y in zip(down["iso3"], down["year"], strict=True)]
    hit = down[mask]
    named = [f"{c} {y}" for c, y in zip(hit["country"], hit["year"], strict=True)]
    if not named:
        return "None of the downward ones is an exclusion entry"
    if len(named) == 1:
        return f"Of the downward ones only {named[0]} is also an exclusion entry"
    return f"Of the downward ones only {join_words(named)} are also exclusion entries"


Glue = dict[str, dict[str, object]]
"""Numbers a chapter glues, by format kind (:func:`tiptrends.report.prose.format_value`)."""

Records = dict[str, tuple[float, str, str]]
"""Numbers a chapter records without a published counterpart: key -> (value, unit, note)."""

REGISTERED_CHANGES: dict[str, str] = {
    "glotip2024_victims_change_2019_2022_pct": "victims_change_2019_2022_pct",
    "glotip2024_victims_change_2020_2022_pct": "victims_change_2020_2022_pct",
    "glotip2024_forced_labour_change_2019_2022_pct": "forced_labour_change_2019_2022_pct",
    "glotip2024_children_change_2019_2022_pct": "children_change_2019_2022_pct",
}
"""Published changes of the trend-panel check that are registered figures (read from the registry)."""


def forced_labour_lead(table: pd.DataFrame, method: str) -> float:
    """Forced-labour minus sexual-exploitation share of 2022 (percentage points), from the
    registered share figures (the ``form_lead`` of :func:`tiptrends.methods.vintage.vintage_validation`)."""
    shares = [
        figures.evaluate(k, table, method=method)
        for k in ("forced_labour_share_2022_pct", "sexual_exploitation_share_2022_pct")
    ]
    return shares[0] - shares[1]


def changes_against_published(basis: figures.Basis) -> pd.DataFrame:
    """:func:`tiptrends.methods.panels.changes_against_published` of GLOTIP 2024's changes on a
    data basis, each change that is a registered figure read from the registry on every set."""
    out = panels.changes_against_published(figures.table(basis), panels.GLOTIP2024_CHANGES)
    for i, fid in out["figure_id"].items():
        if fid in REGISTERED_CHANGES:
            for kind in PANEL_SET_LABELS:
                out.loc[i, kind] = figures.value(REGISTERED_CHANGES[fid], basis, panel=kind)
    out["gap_trend"] = out["trend"] - out["published"]
    return out


VALIDATION_GLUE: dict[str, str] = {
    "total22": "victims_total_2022",
    "four_year": "four_year_total",
    "y2021": "victims_2021_over",
    "fl_lead": "forced_labour_main_form_2022_pooled",
}
"""Glue-name stem -> statement of the vintage validation that chapter 10's prose quotes."""


MOVE_MEASURES: dict[str, str] = {
    "victims_total": "victims",
    "forced_labour_share": "forced labour",
    "children_share": "children",
}
"""Plain names of the measures of :func:`headline_revisions`."""


def moves_column(column: str, old: str, new: str) -> str:
    """Header for a column of :func:`headline_revisions` ("forced labour, 2023 (%)").

    Examples
    --------
    >>> moves_column("victims_total_revision_pct", "2023", "2025")
    'victims, revision (%)'
    >>> moves_column("children_share_old_pct", "2023", "2025")
    'children, 2023 (%)'
    """
    for stem, name in MOVE_MEASURES.items():
        if column.startswith(stem + "_"):
            rest = column.removeprefix(stem + "_")
            unit = " (%)" if rest.endswith("pct") else " (points)" if rest.endswith("pp") else ""
            what = rest.removesuffix("_pct").removesuffix("_pp")
            label = {"old": old, "new": new, "revision": "revision"}[what]
            return f"{name}, {label}{unit}"
    return column


@dataclass(frozen=True)
class RevisionResults:
    """Everything chapter 10 shows: tables for people, numbers to glue and to record."""

    releases: tuple[str, str]
    cell_status: pd.DataFrame
    status_by_year: pd.DataFrame
    largest_revisions: pd.DataFrame
    breakdown_revisions: pd.DataFrame
    headlines: pd.DataFrame
    moves: pd.DataFrame
    contributions: pd.DataFrame
    flags: pd.DataFrame
    thresholds: pd.DataFrame
    validation: pd.DataFrame
    published_2022: pd.DataFrame
    published_2024: pd.DataFrame
    records: Records = field(default_factory=dict)
    glue: Glue = field(default_factory=dict)


def revision_results() -> RevisionResults:
    """Chapter 10: the releases compared cell by cell, the headline revisions, the vintage rule."""
    new, old = (figures.glotip(r) for r in (settings.CURRENT_RELEASE, settings.EARLIER_RELEASE))
    r_new, r_old = (str(t["release"].iloc[0]) for t in (new, old))
    last_old = int(old["year"].max())
    cells = compare_cells(cell_values(old), cell_values(new))
    revs = diagnostics.revisions(old, new)
    changes = country_year_changes(cells)
    recent = recent_changes(changes)
    common = revs[revs["year"] <= last_old]
    heads = headline_by_release({r_old: old, r_new: new}, HEADLINE_YEARS)
    moves = headline_revisions(heads, r_old, r_new)
    pure = {
        label: matched_revisions(r, HEADLINE_YEARS)["revision_pct"]
        for label, r in {"all": revs, "no_pak": revs[revs["iso3"] != "PAK"]}.items()
    }
    contributions = revision_contributions(revs)
    # the reproduction reads both releases as published (no collection exclusion)
    bases = figures.data_bases()
    earlier = bases.earlier
    excluded = figures.data_bases(exclusions=True)
    flag_runs = {
        "reproduction (no exclusions)": bases.flags,
        "with exclusions": excluded.flags,
        "listed for review": vintage.flagged_restatements(new, old, with_added=True),
    }
    grid = vintage.threshold_sensitivity(new, old, VINTAGE_RATIOS, VINTAGE_MIN_VICTIMS)
    validation = {
        label: vintage.vintage_validation(new, old, continuation=c, form_lead=forced_labour_lead)
        for label, c in (("rule", "all"), ("covered", "covered"))
    }
    check_2022 = panels.changes_against_published(earlier, panels.GLOTIP2022_CHANGES)
    check_2024 = {b: changes_against_published(b) for b in figures.BASES}
    breakdowns = largest_breakdown_revisions(cells)
    breakdowns = breakdowns.assign(
        country=breakdowns["iso3"].map(country_names(new)), year=breakdowns["year"].astype(str)
    )[["country", "year", "breakdown", "group", "value_old", "value_new", "revision"]]
    level = {b: figures.value("victims_total_2022", b) for b in figures.BASES}
    records: Records = {
        "revised_country_years_2019_2021": (
            int(recent["revised"]),
            "country-years",
            "victims totals 2019-2021 whose published number differs between the 2023 and 2025 "
            "releases",
        ),
        "added_country_years_2019_2021": (
            int(recent["added"]),
            "country-years",
            "victims totals 2019-2021 present only in the 2025 release",
        ),
        "vintage_flagged_country_years": (
            len(bases.flags),
            "country-years",
            "country-years the vintage rule removes from the 2025 release (the reproduction: no "
            "collection exclusion)",
        ),
    }
    for y in range(RECENT_YEARS[0], RECENT_YEARS[1] + 1):
        records[f"victims_total_{y}_revision_pct"] = (
            float(moves.loc[y, "victims_total_revision_pct"]),
            "percent",
            f"plain sum of {y} country totals, 2025 release vs 2023 release, all countries",
        )
    for y in SHARE_REVISION_YEARS:
        for stem, what in (
            ("forced_labour", "forced-labour share (known forms)"),
            ("children", "children's share (known sex and age)"),
        ):
            records[f"{stem}_share_{y}_revision_pp"] = (
                float(moves.loc[y, f"{stem}_share_revision_pp"]),
                "percentage points",
                f"pooled {what}, 2025 minus 2023 release",
            )
    checked = [("rule", "current"), ("rule", "report_basis"), ("covered", "report_basis")]
    value = {
        f"{short}_{label}_{data}": validation_value(validation[label], key, data)
        for short, key in VALIDATION_GLUE.items()
        for label, data in checked
    }
    leads = {k: value.pop(k) for k in list(value) if k.startswith("fl_lead")}
    change1920 = {
        f"change1920_rule_{d}": validation_value(
            validation["rule"], "glotip2022_change_2019_2020", d
        )
        for d in ("earlier", "current")
    }
    glue: Glue = {
        "count": {
            **{f"recent_{k}": v for k, v in recent.items()},
            "n_only_new": (common["status"] == "only_new").sum(),
            "n_only_old": (common["status"] == "only_old").sum(),
            "n_large": common["large"].sum(),
            "n_flagged": len(bases.flags),
            **value,
            **{f"total22_panel_{b}": v for b, v in level.items()},
            "total22_fallback_sum": figures.value("victims_total_2022_fallback_sum"),
            "published_total22": published_value(
                figures.figure("victims_total_2022").published_id or ""
            ),
        },
        "text": {
            "top_contributor": contributions["country"].iloc[0],
            "grid_pairs": f"{int(grid['same_as_default'].sum())} of the "
            f"{count_phrase(len(grid), 'threshold pair')}",
            "grid_verb": "gives" if int(grid["same_as_default"].sum()) == 1 else "give",
            "closest_sets": closest_sets_sentence(check_2022),
            "excluded_flags": excluded_flags_sentence(bases.flags, bases.exclusions),
            **{
                f"fl_methods_{d}": form_lead_sentence(validation["rule"], d)
                for d in ("report_basis", "current")
            },
            **{f"gap2022_{s}": points(g) for s, g in mean_abs_gaps(check_2022).items()},
            **{
                f"gap2024_basis_{s}": points(g)
                for s, g in mean_abs_gaps(check_2024["report"]).items()
            },
            "gap2024_current_trend": points(mean_abs_gaps(check_2024["current"])["trend"]),
        },
        "pct": {
            "top_contribution": contributions["share of net change (%)"].iloc[0],
            "total22_filled": figures.value("victims_total_2022_filled_share_pct"),
        },
        "change_pct": {
            **{
                f"total_revision_{y}": moves.loc[y, "victims_total_revision_pct"]
                for y in HEADLINE_YEARS
            },
            **{f"pure_{lab}_{y}": s[y] for lab, s in pure.items() for y in SHARE_REVISION_YEARS},
            **change1920,
        },
        "pp": {
            **{
                f"{short}_revision_{y}": moves.loc[y, f"{col}_share_revision_pp"]
                for y in SHARE_REVISION_YEARS
                for short, col in (("fl", "forced_labour"), ("children", "children"))
            },
            **leads,
        },
    }
    return RevisionResults(
        releases=(r_old, r_new),
        cell_status=cell_status_table(cells, last_old),
        status_by_year=change_summary(changes, years=range(STATUS_YEARS_FROM, last_old + 1)),
        largest_revisions=readable(common),
        breakdown_revisions=breakdowns.rename(
            columns={"value_old": f"release {r_old}", "value_new": f"release {r_new}"}
        ),
        headlines=heads,
        moves=moves.rename(columns=lambda c: moves_column(c, r_old[:4], r_new[:4])),
        contributions=contributions.rename(columns={"contribution": "contribution (victims)"}),
        flags=vintage_flags_table(flag_runs),
        thresholds=threshold_table(grid),
        validation=validation_table(validation),
        published_2022=published_changes_table(check_2022),
        published_2024=published_changes_by_data(
            {"reproduction": check_2024["report"], "re-analysis": check_2024["current"]}
        ),
        records=records,
        glue=glue,
    )


# --- Chapter 01: results ---

VICTIMS_KEYS: tuple[str, ...] = (
    "victims_total_2022",
    "victims_total_2022_pooled_all",
    "victims_change_2019_2022_pct",
    "victims_change_2020_2022_pct",
)
"""Chapter 01's registered headlines (recorded on both bases, in this order)."""

SWITCHES: dict[str, dict[str, object]] = {
    **BASIS_SWITCHES,
    **{label: {"panel": kind} for label, kind in SENSITIVITY_PANELS.items()},
    "no form fallback": {"form_fallback": False},
}
"""Columns of chapter 01's rule-switch table (:func:`tiptrends.methods.figures.switch_table`)."""


def _gap(value: float, published: float) -> str:
    return f"{100 * (value / published - 1):+.1f}%"


def move_phrase(change: float) -> str:
    """A percent change as "a rise of 3.1%" or "a fall of 8.7%"."""
    return f"a {'fall' if change < 0 else 'rise'} of {abs(change):.1f}%"


def position_phrase(published: float, values: Iterable[float]) -> str:
    """Where a published figure lies against two or more computed values, in words."""
    vals = sorted(values)
    if published < vals[0]:
        return "below both"
    if published > vals[-1]:
        return "above both"
    return "between the two"


def format_switch_table(table: pd.DataFrame, counts: Sequence[bool]) -> pd.DataFrame:
    """Rule-switch table as text: counts with thousands separators, changes to one decimal.

    Parameters
    ----------
    table : DataFrame
        :func:`tiptrends.methods.figures.switch_table` (figures x switches; a cell is a
        number or the no-effect text).
    counts : sequence of bool
        Per row, whether its figure is a count (else a percent change).
    """

    def cell(v: object, count: bool) -> object:
        if not isinstance(v, int | float):
            return v
        return f"{v:,.0f}" if count else f"{round(float(v), 1) + 0.0:+.1f}"  # + 0.0: no "-0.0"

    rows = [[cell(v, c) for v in row] for row, c in zip(table.to_numpy(), counts, strict=True)]
    out = pd.DataFrame(rows, index=table.index, columns=table.columns)
    return out.rename(columns=BASIS_SWITCH_LABELS)


@dataclass(frozen=True)
class VictimsResults:
    """Everything chapter 01 shows: tables for people, numbers to glue and to record."""

    release: str
    series: pd.DataFrame
    by_m49: pd.DataFrame
    by_glotip: pd.DataFrame
    definitions: pd.DataFrame
    changes: pd.DataFrame
    index: pd.DataFrame
    influence: pd.DataFrame
    sensitivity: pd.DataFrame
    switches: pd.DataFrame
    published: dict[int, float]
    reasons: dict[str, tuple[str, str]] = field(default_factory=dict)
    records: Records = field(default_factory=dict)
    glue: Glue = field(default_factory=dict)


def victims_results() -> VictimsResults:
    """Chapter 01: world totals, the 2022 total, the changes since 2019 and 2020, the drivers."""
    new, bases = figures.glotip(settings.CURRENT_RELEASE), figures.data_bases()
    counts_all, counts, old_counts = (
        aggregate.country_year_counts(t) for t in (new, bases.current_release, bases.earlier)
    )
    versions = dict(zip(VERSIONS, (counts_all, counts), strict=True))
    pak, usa = LARGEST_REPORTERS
    y0, y1 = BASE_YEARS[0], END_YEAR
    value = {(k, b): figures.value(k, b) for k in VICTIMS_KEYS for b in figures.BASES}
    pub = {k: published_value(figures.figure(k).published_id or "") for k in VICTIMS_KEYS}
    p_total, p_alt, p19, p20 = pub.values()
    curated = dict(zip(VERSIONS, (new, bases.current_release), strict=True))
    defs = definitions_against(curated, END_YEAR, {"total": p_total, "alt": p_alt})
    changes = panel_change_table(versions, BASE_YEARS, END_YEAR)
    index, sizes = panel_index(counts, range(y0, y1 + 1))
    split = open_panel_split(counts, y0, y1)
    gone = dropped_reporters(counts, y0, y1, n=1).iloc[0]
    infl = change_influence(counts, y0, y1, HEADLINE_PANEL)
    effects = reporter_effects(counts, BASE_YEARS, END_YEAR)
    pak_series = release_series({"2023": old_counts, "2025": counts}, pak, 2018)
    sens = change_sensitivity(
        counts,
        counts_all,
        old_counts,
        BASE_YEARS,
        END_YEAR,
        published={y0: p19, BASE_YEARS[1]: p20},
    )
    removed = float(bases.flags.query("year == @END_YEAR and iso3 == @pak")["value_current"].sum())
    pak_2019 = float(infl.set_index("iso3").loc[pak, "value_y0"])
    # the balanced panel without Pakistan: the same set as Pakistan's leave-one-out effect
    without_pak_balanced = {
        y: float(
            change_influence(counts, y, y1, HEADLINE_PANEL)
            .set_index("iso3")
            .loc[pak, "change_without"]
        )
        for y in BASE_YEARS
    }
    open_all = figures.evaluate("victims_change_2019_2022_pct", new, panel="open")
    without_pak = float(sens.loc[f"matched, without {country_names(counts)[pak]}", y0])
    best, plain = ({b: value[(k, b)] for b in figures.BASES} for k in VICTIMS_KEYS[:2])
    c19, c20 = ({b: value[(k, b)] for b in figures.BASES} for k in VICTIMS_KEYS[2:])
    excluded = figures.value("victims_change_2019_2022_pct", exclusions=True)
    filled = {b: figures.value("victims_total_2022_filled_share_pct", b) for b in figures.BASES}
    fsum = figures.value("victims_total_2022_fallback_sum")
    reasons = {
        "victims_total_2022": (
            f"2022 level of the 2019-2022 trend panel, reproduction (no exclusions, vintage "
            f"rule): {_gap(best['report'], p_total)} off; {filled['report']:.1f}% of it is "
            f"carried or interpolated, the plain sum of 2022 values is {fsum:,.0f}. The "
            f"vintage rule removes Pakistan 2022 ({removed:,.0f} victims). Reporting the panel "
            "level was chosen after the plain sum had been compared with the published total.",
            f"The re-analysis keeps Pakistan 2022: {_gap(best['current'], p_total)} off the "
            f"published figure ({filled['current']:.1f}% carried or interpolated).",
        ),
        "victims_total_2022_pooled_all": (
            f"Plain sum of 2022 country totals, reproduction: {_gap(plain['report'], p_alt)} "
            f"off: Pakistan 2022 ({removed:,.0f} victims) is removed by the vintage rule.",
            f"With Pakistan 2022 the plain sum is within "
            f"{abs(100 * (plain['current'] / p_alt - 1)):.1f}% of {p_alt:,.0f}.",
        ),
        "victims_change_2019_2022_pct": (
            f"Trend panel 2019-2022, reproduction (Pakistan out, no exclusions): "
            f"{c19['report'] - p19:+.1f} points; with the collection's exclusions "
            f"{excluded:+.1f}%; matched and balanced sets give more (sensitivity table).",
            f"Pakistan's restated 2019 total ({pak_2019:,.0f}) sits in the base of the current "
            "release.",
        ),
        "victims_change_2020_2022_pct": (
            f"Trend panel 2020-2022, reproduction: {c20['report'] - p20:+.1f} points.",
            "Pakistan's own 2020-2022 change is close to the rest's, so keeping it changes little.",
        ),
    }
    level_notes = {
        "victims_total_2022_filled_share_pct": (
            "%",
            "part of the 2022 trend-panel level (the headline total) carried from an earlier "
            "year or interpolated",
        ),
        "victims_total_2022_fallback_sum": (
            "persons",
            "plain sum of the 2022 values (total, else sex x age, else forms), nothing carried",
        ),
    }
    records: Records = {
        **{
            key + suffix: (figures.value(key, b), unit, f"{note}, {label}")
            for key, (unit, note) in level_notes.items()
            for b, suffix, label in (
                ("report", "", "reproduction"),
                ("current", figures.CURRENT_SUFFIX, "re-analysis"),
            )
        },
        "victims_total_2022_with_exclusions": (
            plain["current"],
            "persons",
            "plain sum of 2022 country totals after exclusions (the current release's value of "
            "victims_total_2022_pooled_all)",
        ),
        "victims_change_2019_2022_open_pct": (
            open_all,
            "percent change",
            "open set, nothing excluded: all reporters of 2019 vs all reporters of 2022",
        ),
        "victims_change_2019_2022_without_pakistan_pct": (
            without_pak,
            "percent change",
            "matched set, exclusions applied, Pakistan left out",
        ),
    }
    n_all = defs.loc[("nothing excluded", "country_totals")]
    sens = pd.concat(
        [
            pd.DataFrame(
                {
                    y0: [c19["report"], c19["current"]],
                    BASE_YEARS[1]: [c20["report"], c20["current"]],
                },
                index=["trend panel, reproduction (headline)", "trend panel, re-analysis"],
            ),
            sens,
        ]
    )
    glue: Glue = {
        "count": {
            "victims_dropped": bases.exclusions["victims_dropped"].sum(),
            "plain_2022": n_all["value"],
            "n_countries_2022": n_all["n_countries"],
            "plain_2022_excl": plain["current"],
            "published_total": p_total,
            "published_alt": p_alt,
            "best_gap": best["current"] - p_total,
            "n_gone_2019": split.iloc[0],
            "total_gone_2019": split.iloc[1],
            "n_new_2022": split.iloc[2],
            "total_new_2022": split.iloc[3],
            "largest_gone_value": gone["value"],
            "pak_2022_removed": removed,
            "fallback_sum": fsum,
            **{f"best_{b}": v for b, v in best.items()},
            **{f"plain_{b}": v for b, v in plain.items()},
            "pak_2020_old": pak_series.loc[2020, "2023"],
            "pak_2020_new": pak_series.loc[2020, "2025"],
            "pak_2022": pak_series.loc[2022, "2025"],
        },
        "text": {
            "largest_gone": gone["country"],
            "gap_alt_pct": f"{abs(100 * (n_all['value'] / p_alt - 1)):.1f}%",
            "published_position": position_phrase(p_total, best.values()),
            "open_2019_plain_move": move_phrase(changes.loc[("nothing excluded", "open"), y0]),
            **{
                f"{iso3.lower()}_effect_{y0}_abs": points(effects.loc[iso3, y0])
                for iso3 in LARGEST_REPORTERS
            },
        },
        "change_pct": {
            **{f"balanced_without_pak_{y}": v for y, v in without_pak_balanced.items()},
            "best_gap_pct": 100 * (best["current"] / p_total - 1),
            **{f"{p}_2019": changes.loc[("with exclusions", p), y0] for p in ("open", "balanced")},
            "old_base_2019": sens.loc[OLD_BASE, y0],
            "old_base_2020": sens.loc[OLD_BASE, BASE_YEARS[1]],
            "old_base_2020_no_pak": sens.loc[f"{OLD_BASE}, without Pakistan", BASE_YEARS[1]],
            "change_2019": c19["report"],
            "change_2020": c20["report"],
            "change_2019_current": c19["current"],
            "change_2020_current": c20["current"],
            "published_2019": p19,
            "published_2020": p20,
        },
        "pp": {
            f"{iso3.lower()}_effect_{year}": v
            for (iso3, year), v in effects.drop(columns="share of end-year total (%)")
            .stack()
            .items()
        },
        "pct": {
            "two_share_2022": effects["share of end-year total (%)"].sum(),
            **{f"filled_{b}": v for b, v in filled.items()},
        },
    }
    m49 = region_totals(counts, "m49_region")
    return VictimsResults(
        release=str(new["release"].iloc[0]),
        series=world_series(versions).loc[SERIES_START:],
        by_m49=m49.reset_index().melt(id_vars="region", var_name="year", value_name="victims"),
        by_glotip=region_table(counts, "glotip"),
        definitions=defs.rename(index=DEFINITION_LABELS).rename(
            columns={
                "value": "victims",
                "n_countries": "countries",
                "total": f"gap to {p_total:,.0f} (%)",
                "alt": f"gap to {p_alt:,.0f} (%)",
            }
        ),
        changes=changes.rename(index=PANEL_LABELS)
        .rename(index={"with exclusions": "re-analysis", "nothing excluded": "current release"})
        .rename(columns=lambda c: f"{c} → {END_YEAR} (%)" if isinstance(c, int) else c),
        index=index.rename(columns=lambda k: f"{k} ({sizes[k]} countries)")
        .reset_index()
        .melt(id_vars="year", var_name="country set", value_name="index"),
        influence=infl,
        sensitivity=sens.rename(columns=lambda y: f"{y} → {END_YEAR} (%)").rename(
            index=lambda r: (
                r.replace("earlier release", "2023 release")
                .replace("with exclusions", "re-analysis")
                .replace("nothing excluded", "current release, nothing excluded")
            )
        ),
        switches=format_switch_table(
            figures.switch_table(VICTIMS_KEYS, SWITCHES),
            [k in VICTIMS_KEYS[:2] for k in VICTIMS_KEYS],
        ).reset_index(),
        published={y0: p19, BASE_YEARS[1]: p20},
        reasons=reasons,
        records=records,
        glue=glue,
    )


# --- Chapter 00: results ---

BASIS_TABLE_COLUMNS: dict[str, str] = {
    "report basis": "Reproduction (report's data)",
    "current release": "Re-analysis (current data)",
    "why the current release differs": "why the re-analysis differs",
}
"""The book's column headers for the published-vs-reproduced table of
:func:`tiptrends.report.reporting.bases_table` (columns it already names so are kept)."""

COVERAGE_KEYS: tuple[str, ...] = (
    "countries_with_data_2019_2022",
    "population_coverage_2019_2022_pct",
)
"""Chapter 00's registered headlines (recorded on both bases)."""


@dataclass(frozen=True)
class CoverageResults:
    """Everything chapter 00 shows: tables for people, numbers to glue and to record."""

    releases: tuple[str, str]
    summary: pd.DataFrame
    inventory: pd.DataFrame
    countries: pd.DataFrame
    population: pd.DataFrame
    suppressed: pd.DataFrame
    suppressed_by_breakdown: pd.DataFrame
    findings: dict[str, pd.DataFrame]
    influence: pd.Series
    evidence: pd.DataFrame
    by_scope: pd.DataFrame
    exclusion_effect: pd.DataFrame
    reasons: dict[str, tuple[str, str]] = field(default_factory=dict)
    records: Records = field(default_factory=dict)
    glue: Glue = field(default_factory=dict)


def breakdowns_long(table: pd.DataFrame, value: str) -> pd.DataFrame:
    """Plotted breakdowns of a year x breakdown table, long, breakdowns in words."""
    wide = table[list(PLOTTED_BREAKDOWNS)].rename(columns=BREAKDOWN_LABELS).reset_index()
    return wide.melt(id_vars="year", var_name="breakdown", value_name=value)


def coverage_results() -> CoverageResults:
    """Chapter 00: what the releases hold, who reports, suppression, diagnostics, exclusions."""
    new, old = (figures.glotip(r) for r in (settings.CURRENT_RELEASE, settings.EARLIER_RELEASE))
    r_new, r_old = (str(t["release"].iloc[0]) for t in (new, old))
    pop, units = figures.gsi_population(), reporting_units(new)
    summary = release_summary({r_new: new, r_old: old})
    reach = {
        (kind, require): fn(*args, VICTIMS, require_value=require, years=COVERAGE_YEARS)
        for kind, fn, args in (
            ("countries", countries_reporting, (units,)),
            ("population", population_coverage, (units, pop)),
        )
        for require in (True, False)
    }
    rep_value, rep_any = reach[("countries", True)], reach[("countries", False)]
    tables = release_diagnostics({r_old: old, r_new: new})
    cons, revs, jmp, infl = (
        tables[r_new][k] for k in ("consistency_checks", "revisions", "jumps", "influence")
    )
    cit = diagnostics.citizenship_consistency(new)
    recent = cons[cons["year"] >= DIAGNOSTICS_FROM]
    evidence = exclusion_evidence_by_release(exclusions.exclusions_table(), tables)
    # as in the re-analysis: excluded country-years dropped, nothing repaired
    filtered, dropped = exclusions.apply_exclusions(new)
    effect = exclusion_effect(
        aggregate.country_year_counts(new), aggregate.country_year_counts(filtered), 2015
    )
    big = int(effect["change (%)"].abs().idxmax())  # the year the exclusions move most
    basis = window_coverage(reporting_units(figures.table("report")), pop)
    why = (
        "Published: countries with any data 2019-2023, incl. preliminary 2023 data (not in the "
        f"public release). Ours: countries with at least one number (any indicator) 2019-2022 in "
        f"the {r_new} release. Counting '<5' placeholder rows as data gives "
        f"{basis['countries with any row']:.0f} countries / "
        f"{basis['population with any row (%)']:.0f}% instead."
    )
    same = (
        "No difference: the vintage rule drops only Pakistan's victims rows 2019-2022, and "
        "Pakistan publishes other numbers."
    )
    sup_pct = suppressed_share_pct(new)
    cells = {
        "n_total_2022": (rep_any, "total", 2022),
        "n_total_2020": (rep_any, "total", 2020),
        "n_total_value_2022": (rep_value, "total", 2022),
        "n_sex_age_2022": (rep_value, "sex_age", 2022),
        "n_form_2022": (rep_value, "form", 2022),
        "n_form_any_2022": (rep_any, "form", 2022),
    }
    pub = {k: published_value(figures.figure(k).published_id or "") for k in COVERAGE_KEYS}
    glue: Glue = {
        "count": {
            "rows_new": summary.loc[r_new, "rows"],
            "countries_new": summary.loc[r_new, "countries"],
            **{name: t.loc[year, col] for name, (t, col, year) in cells.items()},
            "pop_countries": len(pop),
            "n_exceed": recent["check"].str.endswith("exceeds_total").sum(),
            "n_large_revisions": revs["large"].sum(),
            "n_added": (revs["status"] == "only_new").sum(),
            "n_jumps": jmp["flag"].sum(),
            "n_cit_victims": (cit["indicator"] == VICTIMS).sum(),
            "n_cit_convicted": (cit["indicator"] != VICTIMS).sum(),
            "n_entries": len(evidence),
            "n_entries_new": (evidence["release"] == r_new).sum(),
            "n_entries_old": (evidence["release"] == r_old).sum(),
            "rows_dropped": dropped["rows_dropped"].sum(),
            "victims_dropped_excl": dropped["victims_dropped"].sum(),
            "n_number": figures.value(COVERAGE_KEYS[0]),
            f"published_{COVERAGE_KEYS[0]}": pub[COVERAGE_KEYS[0]],
        },
        "text": {
            "years_new": summary.loc[r_new, "years"],
            "release_new": r_new,
            "no_population": "; ".join(  # semicolons: some names hold a comma
                sorted(country_names(new).get(c, c) for c in set(units["iso3"]) - set(pop.index))
            ),
            "flag_check": (
                f"All {len(evidence)} entries are"
                if evidence["flagged"].all()
                else f"{int(evidence['flagged'].sum())} of the {len(evidence)} entries are"
            ),
            "two_largest": " and ".join(infl["country"].head(2)),
            "effect_year": str(big),
        },
        "ratio": {"pop_billion": pop.sum() / 1e9},
        "pct": {
            "cov_any_2022": reach[("population", False)].loc[2022, "total"],
            "cov_value_2022": reach[("population", True)].loc[2022, "total"],
            "sup_pct": sup_pct,
            "sup_pct_old": suppressed_share_pct(old),
            "two_largest_share": infl["share_of_total_pct"].head(2).sum(),
            "pop_number": figures.value(COVERAGE_KEYS[1]),
            f"published_{COVERAGE_KEYS[1]}": pub[COVERAGE_KEYS[1]],
        },
        "change_pct": {"effect_largest": effect.loc[big, "change (%)"]},
    }
    records: Records = {
        "countries_reporting_total_2022": (
            int(rep_any.loc[2022, "total"]),
            "countries",
            f"countries publishing a victims total for 2022 ('<5' included); "
            f"{rep_value.loc[2022, 'total']} publish a number >= 5",
        ),
        "suppressed_cells_share_pct": (
            sup_pct,
            "percent",
            "share of all rows of the 2025 release published as '<5' (a count of 1-4)",
        ),
    }
    names = country_names(new)
    findings = {
        "Consistency, since 2017": recent,
        "Large revisions": revs[revs["large"]],
        "Flagged jumps": jmp[jmp["flag"]].assign(country=lambda t: t["iso3"].map(names)),
        "Citizenship breakdowns above the total": cit,
    }
    return CoverageResults(
        releases=(r_old, r_new),
        summary=summary,
        inventory=inventory(new)
        .astype({"first_year": str, "last_year": str})
        .rename(
            columns={
                "suppressed_pct": "suppressed rows (%)",
                "first_year": "first year",
                "last_year": "last year",
            }
        ),
        countries=rep_value,
        population=reach[("population", True)],
        suppressed=suppression_summary(
            new[new["year"] >= COVERAGE_YEARS[0]], by=["indicator", "year"]
        ),
        suppressed_by_breakdown=readable(suppression_by_breakdown(new)),
        findings={caption: readable(t) for caption, t in findings.items()},
        influence=infl.head(15).set_index("country")["effect"],
        evidence=exclusions_list(evidence, names),
        by_scope=evidence.groupby(["release", "scope"]).agg(
            entries=("iso3", "size"), flagged=("flagged", "sum")
        ),
        exclusion_effect=effect,
        reasons={k: (why, same) for k in COVERAGE_KEYS},
        records=records,
        glue=glue,
    )
