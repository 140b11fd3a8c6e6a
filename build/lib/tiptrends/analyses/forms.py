"""Forms of exploitation: shares, changes, upper bounds and their sensitivity to choices.

Helpers for the notebooks on forced labour (02), forced criminality (03) and on composition
and uncertainty (08). They build on the toolkit (:mod:`tiptrends.methods.aggregate`,
:mod:`tiptrends.methods.panels`, :mod:`tiptrends.methods.decomposition`, :mod:`tiptrends.methods.models`,
:mod:`tiptrends.methods.diagnostics`, :mod:`tiptrends.io.exclusions`) and add what those notebooks need
beyond it:

* headline figures as functions of the curated table and a suppression policy
  (:func:`form_share_pct`, :func:`children_share_pct`, :func:`form_change_pct`), so that one
  :func:`sensitivity_table` can re-evaluate every figure under every ``"<5"`` policy and
  exclusion;
* counts of victims of one form where a country reports the form breakdown, with absent
  forms read as zero (:func:`form_victims`; the toolkit's :func:`tiptrends.methods.panels.pct_change`
  would otherwise drop a country-year that reports the breakdown but no victim of that form);
* which countries drive a change (:func:`change_contributions`);
* "Other forms of exploitation" as an upper bound of forced criminality
  (:func:`other_forms_upper_bound`) and forms within each sex x age group
  (:func:`forms_by_sex_age`);
* within-country vs composition parts of a change in a pooled share
  (:func:`decompose_share`, :func:`decomposition_table`), balanced-panel shares
  (:func:`balanced_shares`) and a country bootstrap of a share (:func:`bootstrap_share`).

Shares returned by functions whose name ends in ``_pct`` are percentages (25.0 for 25%);
other shares are fractions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from tiptrends.methods.aggregate import (
    SEX_AGE,
    Denominator,
    Policy,
    add_grouping,
    aggregate_share,
    country_year_counts,
    method_arguments,
    share_inputs,
)
from tiptrends.methods.decomposition import ShiftShareResult, shift_share
from tiptrends.methods.headline import SEX_AGE_KNOWN, _restrict, form_counts
from tiptrends.methods.models import BootstrapResult, bootstrap_countries
from tiptrends.vocab import (
    FORMS,
    OTHER_FORMS,
)

# --------------------------------------------------------------------------- headline figures


def method_alternatives(
    df: pd.DataFrame,
    categories: Sequence[str],
    year: int,
    *,
    suppressed: Policy = "exclude",
    methods: Sequence[str] = ("pooled", "mean", "two_stage"),
    denominators: Sequence[Denominator] = ("known", "all"),
    countries: Iterable[str] | None = None,
    population: pd.Series | None = None,
    region_weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Shares of several forms under each aggregation method and denominator.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    categories : sequence of str
        Forms to report (one column each).
    year : int
        Year.
    suppressed : str
        Suppression policy.
    methods : sequence of str
        Method labels of :data:`tiptrends.analyses.profiles.METHODS`: ``"pooled"``, ``"mean"``,
        ``"two_stage"`` (regions weighted equally), ``"weighted"`` (country shares weighted
        by ``population``), ``"two_stage_population"`` (regions weighted by
        ``region_weights``).
    denominators : sequence of str
        Denominators to cross with the methods.
    countries : iterable of str, optional
        Restrict to these ISO3 codes.
    population : Series, optional
        Population by ISO3 (:func:`tiptrends.analyses.coverage.gsi_population`), for ``"weighted"``.
    region_weights : Series, optional
        Weights by region (:func:`tiptrends.analyses.profiles.region_population`), for
        ``"two_stage_population"``.

    Returns
    -------
    DataFrame
        One row per (method, denominator): ``method, denominator, n_countries`` and one
        percentage column per category.
    """
    counts = _restrict(form_counts(df[df["year"] == year], suppressed=suppressed), countries)
    rows = []
    for m in methods:
        agg_method, kw = method_arguments(m, population, region_weights)
        for d in denominators:
            row: dict[str, object] = {"method": m, "denominator": d}
            for c in categories:
                res = aggregate_share(counts, c, d, agg_method, **kw)
                row[c] = 100 * res.share
                row["n_countries"] = res.n_countries
            rows.append(row)
    return pd.DataFrame(rows, columns=["method", "denominator", "n_countries", *categories])


def share_table(
    shares: pd.DataFrame, index: str = "year", columns: str = "category"
) -> pd.DataFrame:
    """Pivot a :func:`tiptrends.methods.aggregate.shares_by_year` result into percentages.

    Parameters
    ----------
    shares : DataFrame
        Output of ``shares_by_year`` (columns ``share`` and the ``index``/``columns``).
    index, columns : str
        Pivot keys.

    Returns
    -------
    DataFrame
        Percentages, ``index`` x ``columns``.
    """
    return shares.pivot(index=index, columns=columns, values="share") * 100


# --------------------------------------------------------------------------- drivers
def change_contributions(counts: pd.DataFrame, value: str, y0: int, y1: int) -> pd.DataFrame:
    """Each country's contribution to the change in a pooled count between two years.

    On the matched set (countries with a value in both years), a country's contribution is
    its own change; ``pct_of_change`` is that change as a percentage of the set's total
    change, and ``pct_change_without`` the set's percentage change without the country
    (leave-one-out).

    Parameters
    ----------
    counts : DataFrame
        Wide counts table (e.g. :func:`form_victims`).
    value : str
        Count column.
    y0, y1 : int
        Base and comparison years.

    Returns
    -------
    DataFrame
        ``iso3, country, value_y0, value_y1, change, pct_of_change, pct_change_without``,
        sorted by descending absolute change.
    """
    obs = counts[counts[value].notna()]
    a = obs[obs["year"] == y0].set_index("iso3")
    b = obs[obs["year"] == y1].set_index("iso3")
    both = a.index.intersection(b.index)
    t = pd.DataFrame(
        {
            "country": b.loc[both, "country"],
            "value_y0": a.loc[both, value].astype(float),
            "value_y1": b.loc[both, value].astype(float),
        }
    )
    t.index.name = "iso3"
    t["change"] = t["value_y1"] - t["value_y0"]
    tot0, tot1 = t["value_y0"].sum(), t["value_y1"].sum()
    t["pct_of_change"] = 100 * t["change"] / (tot1 - tot0)
    rest0, rest1 = tot0 - t["value_y0"], tot1 - t["value_y1"]
    t["pct_change_without"] = 100 * (rest1 / rest0.where(rest0 > 0) - 1)
    t = t.reset_index()
    order = t["change"].abs().sort_values(ascending=False, kind="stable").index
    return t.loc[order].reset_index(drop=True)


# --------------------------------------------------------------------------- other forms
def other_forms_upper_bound(
    df: pd.DataFrame,
    *,
    grouping: str | None = None,
    years: Iterable[int] | None = None,
    suppressed: Policy = "exclude",
) -> pd.DataFrame:
    """Share (%) of "Other forms of exploitation": an upper bound of forced criminality.

    "Other forms" holds forced criminality together with begging, forced marriage, organ
    removal, mixed forms and more, so its share can only bound forced criminality from above.
    The denominator is victims with a known form; shares are pooled.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    grouping : str, optional
        ``"m49_region"``, ``"m49_subregion"``, ``"glotip"`` or ``"eu27"`` (see
        :func:`tiptrends.methods.aggregate.add_grouping`); None for the world.
    years : iterable of int, optional
        Restrict to these years.
    suppressed : str
        Suppression policy.

    Returns
    -------
    DataFrame
        ``group, year, other_forms_pct, n_countries, n_victims`` (``group`` is "World"
        without a grouping).
    """
    if years is not None:
        df = df[df["year"].isin(list(years))]
    counts = form_counts(df, suppressed=suppressed)
    if grouping is None:
        counts = counts.assign(group="World")
    else:
        counts = add_grouping(counts, grouping)
    frames = []
    for g, part in counts.groupby("group", sort=True):
        by_year = aggregate_share(part, OTHER_FORMS, "known").by_year
        frames.append(by_year.assign(group=g))
    out = pd.concat(frames, ignore_index=True)
    out["other_forms_pct"] = 100 * out["share"]
    return out[["group", "year", "other_forms_pct", "n_countries", "n_victims"]]


def forms_by_sex_age(
    df: pd.DataFrame,
    years: Iterable[int],
    *,
    suppressed: Policy = "exclude",
    groups: Sequence[str] = SEX_AGE_KNOWN,
) -> pd.DataFrame:
    """Share (%) of each form among the victims of each sex x age group.

    For a group (e.g. boys), a country-year enters if it reports the group within at least
    one form; the denominator is the group's victims summed over the three forms.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    years : iterable of int
        Years pooled together.
    suppressed : str
        Suppression policy.
    groups : sequence of str
        Sex x age groups (keys of ``vocab.SEX_AGE_GROUPS``).

    Returns
    -------
    DataFrame
        ``sex_age, form, share_pct, n_countries, n_victims``.
    """
    years = list(years)
    df = df[df["year"].isin(years)]
    parts = []
    for form in FORMS:
        long = country_year_counts(
            df,
            dimension=SEX_AGE,
            categories=list(groups),
            form=form,
            suppressed=suppressed,
            with_total=False,
            wide=False,
        )
        parts.append(long.assign(form=form))
    long = pd.concat(parts, ignore_index=True)
    long = long[long["year"].isin(years) & long["count"].notna()]
    rows = []
    for g in groups:
        sub = long[long["category"] == g]
        wide = (
            sub.pivot_table(index=["iso3", "year"], columns="form", values="count", aggfunc="sum")
            .reindex(columns=list(FORMS))
            .reset_index()
        )
        wide.columns.name = None
        for form in FORMS:
            res = aggregate_share(wide, form, "known", known=list(FORMS))
            rows.append(
                {
                    "sex_age": g,
                    "form": form,
                    "share_pct": 100 * res.share,
                    "n_countries": res.n_countries,
                    "n_victims": res.n_victims,
                }
            )
    return pd.DataFrame(rows, columns=["sex_age", "form", "share_pct", "n_countries", "n_victims"])


# --------------------------------------------------------------------------- composition
def decompose_share(
    counts: pd.DataFrame,
    numerator: Sequence[str] | str,
    y0: int,
    y1: int,
    *,
    known: Sequence[str] | None = None,
) -> ShiftShareResult:
    """Split the change in a pooled share into within-country and composition parts.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table (:func:`form_counts` or :func:`sex_age_counts`).
    numerator : str or sequence of str
        Numerator categories.
    y0, y1 : int
        Base and comparison years.
    known : sequence of str, optional
        Denominator categories (default: the three forms, or women, men, girls, boys).

    Returns
    -------
    ShiftShareResult
        See :func:`tiptrends.methods.decomposition.shift_share`; ``within + composition`` equals
        the change in the pooled share over victims with a known category.
    """
    num = [numerator] if isinstance(numerator, str) else list(numerator)
    units = share_inputs(counts[counts["year"].isin([y0, y1])], num, "known", known)
    a = units[units["year"] == y0].set_index("iso3")
    b = units[units["year"] == y1].set_index("iso3")
    return shift_share(a["num"], a["den"], b["num"], b["den"])


def decomposition_table(results: Mapping[str, ShiftShareResult]) -> pd.DataFrame:
    """Decompositions side by side, in percentage points.

    Parameters
    ----------
    results : mapping of str to ShiftShareResult
        Label -> result.

    Returns
    -------
    DataFrame
        One row per label: ``share_y0_pct, share_y1_pct, total_pp, within_pp,
        composition_pp, reweighting_pp, entry_pp, exit_pp``.
    """
    rows = {
        label: {
            "share_y0_pct": 100 * r.share_y0,
            "share_y1_pct": 100 * r.share_y1,
            "total_pp": 100 * r.total_change,
            "within_pp": 100 * r.within,
            "composition_pp": 100 * r.composition,
            "reweighting_pp": 100 * r.reweighting,
            "entry_pp": 100 * r.entry,
            "exit_pp": 100 * r.exit,
        }
        for label, r in results.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")


def balanced_shares(
    counts: pd.DataFrame,
    numerator: Sequence[str] | str,
    years: Iterable[int],
    *,
    known: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Pooled share (%) per year on a balanced panel: countries reporting in every year.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table.
    numerator : str or sequence of str
        Numerator categories.
    years : iterable of int
        The window.
    known : sequence of str, optional
        Denominator categories.

    Returns
    -------
    DataFrame
        ``year, share_pct, n_countries, n_victims``; empty if no country reports in every
        window year.
    """
    window = sorted({int(y) for y in years})
    num = [numerator] if isinstance(numerator, str) else list(numerator)
    units = share_inputs(counts[counts["year"].isin(window)], num, "known", known)
    n_years = units.groupby("iso3")["year"].nunique()
    members = n_years.index[n_years == len(window)]
    units = units[units["iso3"].isin(members)]
    g = units.groupby("year", sort=True)
    out = pd.DataFrame(
        {
            "share_pct": 100 * g["num"].sum() / g["den"].sum(),
            "n_countries": g["iso3"].nunique(),
            "n_victims": g["den"].sum(),
        }
    ).reset_index()
    return out[["year", "share_pct", "n_countries", "n_victims"]]


def bootstrap_share(
    counts: pd.DataFrame,
    numerator: Sequence[str] | str,
    year: int,
    *,
    known: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int | None = 0,
) -> BootstrapResult:
    """Country bootstrap (percentile 95% interval) of a pooled share (%) in one year.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table.
    numerator : str or sequence of str
        Numerator categories.
    year : int
        Year.
    known : sequence of str, optional
        Denominator categories.
    n_boot : int
        Replicates.
    seed : int or None
        Random seed.

    Returns
    -------
    BootstrapResult
        In percent.
    """
    num = [numerator] if isinstance(numerator, str) else list(numerator)
    units = share_inputs(counts[counts["year"] == year], num, "known", known)

    def pooled(t: pd.DataFrame) -> float:
        return float(100 * t["num"].sum() / t["den"].sum())

    return bootstrap_countries(units, pooled, n_boot=n_boot, seed=seed)


# --------------------------------------------------------------------------- sensitivity
