"""Data vintage: which country-year values a report could have used.

A GLOTIP report is written from the country data UNODC held when it was prepared, and the
public release that follows may restate whole series. The 2025 release (April 2025) came
after GLOTIP 2024 (December 2024) and restates Pakistan's detected victims from "<5" (2019)
and 22 (2020) to 32,022 and 20,045, adding 21,253 (2021) and 26,539 (2022). This module
writes down, once, a rule that separates such post-report restatements from the values a
report could have counted, and checks the rule on published figures it never used.

The rule (written on 29 November 2026, after published figures had been compared)
---------------------------------------------------------------------------------
Compare the country totals of detected victims (dimension, category, sex and age all
"Total") of the *current* release with those of the *earlier* release, country-year by
country-year. A "<5" cell is the interval [1, 4]; comparisons use the reading of both
intervals least favourable to a flag, so a flag is certain whatever the suppressed counts.

1. **Restatement.** A country-year present in both releases is flagged if the larger value
   is at least ``ratio`` times the smaller (default 10: an order of magnitude) *and* the
   two differ by at least ``min_victims`` (default 1,000). Direction ``"up"`` if the current
   release is higher, ``"down"`` if lower. Both conditions are needed: a factor of ten
   between 3 and 30 victims is noise at the world level, and a difference of 1,000 in a
   series of 50,000 is an ordinary revision.
2. **Continuation.** The current release's later years of a flagged country that the
   earlier release does not hold at all belong to the restated series (the earlier release
   offers no value that would confirm them), and are flagged too (``"continuation"``). The
   run stops at the first later year the earlier release holds and the test of rule 1
   does not flag (the two releases agree). ``continuation="covered"`` (a sensitivity, not
   the rule) also stops it after the earlier release's last year, keeping later years that
   no earlier release could have shown.
3. **Report basis** (the reproduction). The current release with every flagged country-year
   of the indicator removed (``replace="drop"``: all its rows, total and breakdowns), in both
   directions of restatement, so no series mixes two releases; ``replace="earlier"`` (a
   sensitivity) puts the earlier release's rows in their place. Rows of other indicators
   are untouched. A country-year only *added* by the current release for a year the earlier
   release covered is not a restatement: it is listed by :func:`flagged_restatements` with
   ``added=True`` for review, never removed.

Why these thresholds: a factor of ten and a thousand victims are round numbers that mean
"a different order of magnitude" and "visible in a world total of 50,000-80,000". The rule
was written after the collection had compared published figures with the current release;
the published statements of :func:`vintage_validation` were held out of its choice. The
reproduction applies it to the releases as published (no collection exclusion,
:func:`data_bases`): it flags Pakistan 2019-2022 (up), Nepal 2020-2021 and Ukraine 2020-2022
(down). That list holds only at the default thresholds; Pakistan alone is flagged by most
other pairs of :func:`threshold_sensitivity`. After :mod:`tiptrends.io.exclusions` (the
re-analysis tables) it flags Pakistan 2019-2022 alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from tiptrends.io.checks import require_glotip
from tiptrends.io.exclusions import apply_exclusions
from tiptrends.io.published import published_value
from tiptrends.methods import aggregate
from tiptrends.vocab import TOTAL, VICTIMS

Replace = Literal["drop", "earlier", "keep"]
Continuation = Literal["all", "covered"]
CONTINUATION_OPTIONS: tuple[str, ...] = ("all", "covered")
"""``"all"``: a restated series continues through every later year the earlier release does
not hold (rule 2); ``"covered"``: only through years up to the earlier release's last year
(years after it, which no earlier release could have shown, are kept)."""
REPLACE_OPTIONS: tuple[str, ...] = ("drop", "earlier", "keep")
"""``"drop"``: remove flagged country-years (the report basis); ``"earlier"``: use the
earlier release's rows where it has them, else remove; ``"keep"``: the current release
unchanged (the switch that turns the rule off)."""

DEFAULT_RATIO = 10.0
DEFAULT_MIN_VICTIMS = 1000.0

FLAG_COLUMNS = (
    "iso3",
    "country",
    "year",
    "value_earlier",
    "value_current",
    "direction",
    "rule",
    "ratio",
    "difference",
)


def _total_bounds(df: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Country totals as intervals: ``lo`` ("<5" -> 1) and ``hi`` ("<5" -> 4) by iso3, year."""
    lo = aggregate.country_year_counts(df, indicator=indicator, suppressed="lower")
    hi = aggregate.country_year_counts(df, indicator=indicator, suppressed="upper")
    out = lo[["iso3", "country", "year", TOTAL]].rename(columns={TOTAL: "lo"})
    out["hi"] = hi[TOTAL].to_numpy()
    shown = aggregate.country_year_counts(df, indicator=indicator, suppressed="exclude")
    out["value"] = shown[TOTAL].to_numpy()
    return out[out["lo"].notna()].set_index(["iso3", "year"])


def _check_tables(current: pd.DataFrame, earlier: pd.DataFrame) -> None:
    for name, t in (("current", current), ("earlier", earlier)):
        missing = {"iso3", "year", "indicator", "value", "suppressed"} - set(t.columns)
        if missing:
            raise ValueError(f"{name} is not a curated GLOTIP table (missing {sorted(missing)})")


def flagged_restatements(
    current: pd.DataFrame,
    earlier: pd.DataFrame,
    *,
    ratio: float = DEFAULT_RATIO,
    min_victims: float = DEFAULT_MIN_VICTIMS,
    indicator: str = VICTIMS,
    with_added: bool = False,
    continuation: Continuation = "all",
) -> pd.DataFrame:
    """Country-years the data-vintage rule flags as restated after the earlier release.

    Parameters
    ----------
    current, earlier : DataFrame
        Curated GLOTIP tables of the later and the earlier release.
    ratio : float
        Minimum ratio larger / smaller of the two values (rule 1; > 1).
    min_victims : float
        Minimum absolute difference (rule 1; >= 0).
    indicator : str
        Indicator whose country totals are compared.
    with_added : bool
        Also list country-years that only the current release holds, for a year the
        earlier release covers for some country, with a value of at least ``min_victims``
        (``rule == "added"``; for review only: the report basis keeps them).
    continuation : {"all", "covered"}
        How far rule 2 reaches, see :data:`CONTINUATION_OPTIONS`.

    Returns
    -------
    DataFrame
        :data:`FLAG_COLUMNS`: ``value_earlier``/``value_current`` as published (NaN for
        "<5" or absent), ``direction`` ``"up"``/``"down"`` (for a continuation: the
        direction of the restatement it continues), ``rule`` ``"restatement"``,
        ``"continuation"`` (or ``"added"``), ``ratio`` and ``difference`` (the certain
        ones, from the interval readings; NaN for continuations). Sorted by iso3, year.
    """
    require_glotip(current, "flagged_restatements: current")
    require_glotip(earlier, "flagged_restatements: earlier")
    if not ratio > 1:
        raise ValueError(f"ratio must exceed 1, got {ratio}")
    if min_victims < 0:
        raise ValueError(f"min_victims must be >= 0, got {min_victims}")
    if continuation not in CONTINUATION_OPTIONS:
        raise ValueError(
            f"continuation must be one of {CONTINUATION_OPTIONS}, got {continuation!r}"
        )
    _check_tables(current, earlier)
    cur, old = _total_bounds(current, indicator), _total_bounds(earlier, indicator)
    return _flags(cur, old, ratio, min_victims, with_added, continuation)


def _flags(
    cur: pd.DataFrame,
    old: pd.DataFrame,
    ratio: float,
    min_victims: float,
    with_added: bool,
    continuation: Continuation,
) -> pd.DataFrame:
    """:func:`flagged_restatements` from the country totals of both releases
    (:func:`_total_bounds`), so a grid of thresholds reads them once."""
    last_year = int(old.index.get_level_values("year").max()) if len(old) else -1
    both = cur.join(old, how="inner", lsuffix="_c", rsuffix="_e")
    up_ratio = both["lo_c"] / both["hi_e"]
    down_ratio = both["lo_e"] / both["hi_c"]
    up = (up_ratio >= ratio) & (both["lo_c"] - both["hi_e"] >= min_victims)
    down = (down_ratio >= ratio) & (both["lo_e"] - both["hi_c"] >= min_victims)
    test = pd.DataFrame(
        {
            "direction": np.select([up, down], ["up", "down"], default=""),
            "ratio": np.where(up, up_ratio, np.where(down, down_ratio, np.nan)),
            "difference": np.where(
                up, both["lo_c"] - both["hi_e"], np.where(down, both["lo_e"] - both["hi_c"], np.nan)
            ),
        },
        index=both.index,
    )
    # each country's years in order; a year both releases hold sets the run (its direction,
    # "" when the releases agree), a year only the current release holds continues it
    years = cur.index.to_frame(index=False).sort_values(["iso3", "year"], ignore_index=True)
    keys = pd.MultiIndex.from_frame(years)
    tested = test.reindex(keys)
    held = keys.isin(test.index)
    run = tested["direction"].groupby(years["iso3"].to_numpy()).ffill().fillna("")
    restated = held & (tested["direction"].fillna("") != "").to_numpy()
    reach = years["year"].to_numpy() <= last_year if continuation == "covered" else True
    continued = ~held & (run != "").to_numpy() & reach
    chosen = restated | continued
    flags = pd.DataFrame(
        {
            "iso3": years["iso3"].to_numpy(object)[chosen],
            "year": years["year"].to_numpy()[chosen],
            "direction": run.to_numpy(object)[chosen],
            "rule": np.where(restated, "restatement", "continuation")[chosen].astype(object),
            "ratio": np.where(restated, tested["ratio"], np.nan)[chosen],
            "difference": np.where(restated, tested["difference"], np.nan)[chosen],
        }
    )
    if with_added:
        earlier_years = set(old.index.get_level_values("year"))
        only_new = cur.index.difference(old.index)
        added = cur.loc[only_new]
        added = added[
            added.index.get_level_values("year").isin(earlier_years) & (added["lo"] >= min_victims)
        ]
        flagged_keys = set(zip(flags["iso3"], flags["year"], strict=True))
        extra = [
            (i, y, "up", "added", np.nan, float(r["lo"]))
            for (i, y), r in added.iterrows()
            if (i, y) not in flagged_keys
        ]
        if extra:
            flags = pd.concat(
                [flags, pd.DataFrame(extra, columns=flags.columns)], ignore_index=True
            )
    flags["year"] = flags["year"].astype("int64")
    keys = pd.MultiIndex.from_frame(flags[["iso3", "year"]])
    flags["value_current"] = cur["value"].reindex(keys).to_numpy()
    flags["value_earlier"] = old["value"].reindex(keys).to_numpy()
    names = pd.concat([cur["country"], old["country"]]).groupby(level="iso3").first()
    flags["country"] = flags["iso3"].map(names)
    flags = flags.sort_values(["iso3", "year"]).reset_index(drop=True)
    return flags[list(FLAG_COLUMNS)]


def report_basis(
    current: pd.DataFrame,
    earlier: pd.DataFrame,
    *,
    ratio: float = DEFAULT_RATIO,
    min_victims: float = DEFAULT_MIN_VICTIMS,
    replace: Replace = "drop",
    indicator: str = VICTIMS,
    continuation: Continuation = "all",
) -> pd.DataFrame:
    """The current release as a report prepared before it could have seen it.

    Parameters
    ----------
    current, earlier : DataFrame
        Curated GLOTIP tables of the later and the earlier release.
    ratio, min_victims : float
        Thresholds of the rule, see :func:`flagged_restatements`.
    replace : {"drop", "earlier", "keep"}
        See :data:`REPLACE_OPTIONS`. ``"keep"`` returns ``current`` unchanged.
    indicator : str
        Indicator the rule applies to; rows of other indicators are never touched.
    continuation : {"all", "covered"}
        See :data:`CONTINUATION_OPTIONS`.

    Returns
    -------
    DataFrame
        A curated table (same columns as ``current``; rows taken from ``earlier`` keep
        their ``release`` value, so release-specific exclusions still apply to them).
    """
    require_glotip(current, "report_basis: current")
    require_glotip(earlier, "report_basis: earlier")
    if replace not in REPLACE_OPTIONS:
        raise ValueError(f"replace must be one of {REPLACE_OPTIONS}, got {replace!r}")
    if replace == "keep":
        return current
    flags = flagged_restatements(
        current,
        earlier,
        ratio=ratio,
        min_victims=min_victims,
        indicator=indicator,
        continuation=continuation,
    )
    return _without_flagged(current, earlier, flags, replace=replace, indicator=indicator)


def _without_flagged(
    current: pd.DataFrame,
    earlier: pd.DataFrame,
    flags: pd.DataFrame,
    *,
    replace: Replace,
    indicator: str,
) -> pd.DataFrame:
    """The current release without the ``flags`` country-years of ``indicator`` (see
    :func:`report_basis`)."""
    keys = pd.MultiIndex.from_frame(flags[["iso3", "year"]])

    def hit(df: pd.DataFrame) -> pd.Series:
        idx = pd.MultiIndex.from_frame(df[["iso3", "year"]])
        return pd.Series(idx.isin(keys), index=df.index) & (df["indicator"] == indicator)

    out = current.loc[~hit(current)]
    if replace == "earlier":
        back = earlier.loc[hit(earlier), current.columns.intersection(earlier.columns)]
        out = pd.concat([out, back], ignore_index=True)
    return out.reset_index(drop=True)


def threshold_sensitivity(
    current: pd.DataFrame,
    earlier: pd.DataFrame,
    ratios: Iterable[float] = (5.0, 10.0, 20.0),
    min_victims: Iterable[float] = (500.0, 1000.0, 2000.0),
    *,
    indicator: str = VICTIMS,
) -> pd.DataFrame:
    """The flagged list under a grid of thresholds.

    Returns
    -------
    DataFrame
        One row per (ratio, min_victims): ``n_flagged``, ``flagged`` (``"ISO3 year"``
        items joined by ", ") and ``same_as_default`` (the list equals the one of the
        default thresholds).
    """
    require_glotip(current, "threshold_sensitivity: current")
    require_glotip(earlier, "threshold_sensitivity: earlier")
    _check_tables(current, earlier)
    cur, old = _total_bounds(current, indicator), _total_bounds(earlier, indicator)

    def flagged(r: float, m: float) -> pd.DataFrame:
        if not r > 1:
            raise ValueError(f"ratio must exceed 1, got {r}")
        if m < 0:
            raise ValueError(f"min_victims must be >= 0, got {m}")
        return _flags(cur, old, r, m, False, "all")

    default = flagged(DEFAULT_RATIO, DEFAULT_MIN_VICTIMS)
    ref = ", ".join(f"{i} {y}" for i, y in zip(default["iso3"], default["year"], strict=True))
    rows = []
    for r in ratios:
        for m in min_victims:
            f = flagged(r, m)
            items = ", ".join(f"{i} {y}" for i, y in zip(f["iso3"], f["year"], strict=True))
            rows.append(
                {
                    "ratio": float(r),
                    "min_victims": float(m),
                    "n_flagged": len(f),
                    "flagged": items,
                    "same_as_default": items == ref,
                }
            )
    return pd.DataFrame(rows)


def _year_total(counts: pd.DataFrame, years: Iterable[int]) -> float:
    """Sum of the country totals of ``years`` (``counts``: :func:`aggregate.country_year_counts`)."""
    return float(counts.loc[counts["year"].isin(list(years)), TOTAL].sum())


def vintage_validation(
    current: pd.DataFrame,
    earlier: pd.DataFrame,
    *,
    ratio: float = DEFAULT_RATIO,
    min_victims: float = DEFAULT_MIN_VICTIMS,
    replace: Replace = "drop",
    continuation: Continuation = "all",
    published: dict[str, float] | None = None,
    form_lead: Callable[[pd.DataFrame, str], float] | None = None,
) -> pd.DataFrame:
    """Check the rule on published statements it never used.

    Each statement is computed on the current release (``"current"``), on the report basis
    (``"report_basis"``) and, where it is a statement about years the earlier release
    covers, on the earlier release itself (``"earlier"``).

    Statements (published values as in ``data/published/figures.csv``; pass ``published``
    to override them, keys as below):

    * ``four_year_total``: the pooled country totals 2020-2022 cannot exceed the
      published 2020-2023 total (202,478, which also holds preliminary 2023 data):
      ``value <= bound``.
    * ``victims_2021_over``: "over 50,000" detected victims in 2021 (July 2025). Read as
      a rounded statement: the round figure below the value, ``50,000 <= value < 60,000``
      (a total of 60,000 or more would be stated as over 60,000).
    * ``forced_labour_main_form_2022_<method>``: forced labour outranks sexual
      exploitation in 2022 (GLOTIP 2024's central statement), for the pooled, mean and
      two-stage (regions equally weighted) shares: ``value`` is ``form_lead(table,
      method)``, the forced-labour share minus the sexual-exploitation share in percentage
      points, consistent if positive (left out when ``form_lead`` is None).
    * ``glotip2022_total_2019`` / ``glotip2022_total_2020``: GLOTIP 2022 gives "just
      under" 50,000 and 47,000; read as ``0.9 * bound <= value < bound`` (within 10%).
    * ``glotip2022_change_2019_2020``: -11% (open sets, the plain sums), consistent within
      5 percentage points.
    * ``victims_total_2022``: the plain sum of 2022 country totals against the larger of the
      two published 2022 totals (74,785), consistent within 5%.

    Parameters
    ----------
    current, earlier : DataFrame
        Curated tables (exclusions applied beforehand if wanted).
    ratio, min_victims, replace, continuation
        The rule, see :func:`report_basis`.
    published : dict, optional
        Published values by key (defaults from the published-figures file).
    form_lead : callable, optional
        ``form_lead(table, method) -> float``: the lead of forced labour in 2022 from the
        figure registry (:mod:`tiptrends.methods.figures` cannot be imported here, it
        builds its data bases with this module).

    Returns
    -------
    DataFrame
        ``statement, data, value, lower, upper, consistent`` (``lower``/``upper``: the
        interval the statement allows; NaN: open).
    """
    require_glotip(current, "vintage_validation: current")
    require_glotip(earlier, "vintage_validation: earlier")
    pub = {
        "four_year_total": published_value("glotip2024_victims_total_2020_2023"),
        "victims_2021_over": published_value("pr2025_victims_total_2021"),
        "glotip2022_total_2019": published_value("glotip2022_victims_total_2019"),
        "glotip2022_total_2020": published_value("glotip2022_victims_total_2020"),
        "glotip2022_change_2019_2020": published_value("glotip2022_victims_change_2019_2020_pct"),
        "victims_total_2022": published_value("glotip2024_victims_total_2022_alt_efe"),
    }
    pub.update(published or {})
    basis = report_basis(
        current,
        earlier,
        ratio=ratio,
        min_victims=min_victims,
        replace=replace,
        continuation=continuation,
    )
    versions = {"current": current, "report_basis": basis, "earlier": earlier}
    totals = {data: aggregate.country_year_counts(t) for data, t in versions.items()}
    rows: list[dict[str, object]] = []

    def add(statement: str, data: str, value: float, lower: float, upper: float) -> None:
        ok = (np.isnan(lower) or value >= lower) and (np.isnan(upper) or value < upper)
        rows.append(
            {
                "statement": statement,
                "data": data,
                "value": value,
                "lower": lower,
                "upper": upper,
                "consistent": bool(ok),
            }
        )

    nan = float("nan")
    over = pub["victims_2021_over"]
    step = 10 ** np.floor(np.log10(over))
    for data in ("current", "report_basis"):
        t, c = versions[data], totals[data]
        add(
            "four_year_total",
            data,
            _year_total(c, (2020, 2021, 2022)),
            nan,
            pub["four_year_total"] + 1,
        )
        add("victims_2021_over", data, _year_total(c, (2021,)), over, over + step)
        total22 = pub["victims_total_2022"]
        add("victims_total_2022", data, _year_total(c, (2022,)), 0.95 * total22, 1.05 * total22)
        for method in ("pooled", "mean", "two_stage") if form_lead is not None else ():
            add(f"forced_labour_main_form_2022_{method}", data, form_lead(t, method), 0.0, nan)
    for data in ("earlier", "current", "report_basis"):
        c = totals[data]
        t19, t20 = _year_total(c, (2019,)), _year_total(c, (2020,))
        for key, v in (("glotip2022_total_2019", t19), ("glotip2022_total_2020", t20)):
            add(key, data, v, 0.9 * pub[key], pub[key])
        ch = pub["glotip2022_change_2019_2020"]
        add("glotip2022_change_2019_2020", data, 100 * (t20 / t19 - 1), ch - 5, ch + 5)
    return pd.DataFrame(
        rows, columns=["statement", "data", "value", "lower", "upper", "consistent"]
    )


@dataclass(frozen=True)
class DataBases:
    """The two data bases every headline is shown on.

    Attributes
    ----------
    report_basis : DataFrame
        The **reproduction**: the current release as the report would have processed it,
        without the collection's exclusions and without the country-years the vintage rule
        flags as restated after the report (dropped in both directions of restatement, never
        replaced by the earlier release). Reproduced figures are recorded on it.
    current_release : DataFrame
        The **re-analysis**: the current release with the collection's exclusions, vintage
        rule off: what a researcher should cite today (keys ending ``_current_release``).
    earlier : DataFrame
        The earlier release processed as the reproduction is (exclusions only if the
        reproduction has them): the basis of the figures a GLOTIP 2022 report wrote from it.
    flags : DataFrame
        The country-years the vintage rule removed from the reproduction
        (:func:`flagged_restatements`, on the tables as the reproduction processes them).
    exclusions : DataFrame
        What the exclusions dropped (or, with ``repair=True``, replaced) in the current
        release (:func:`tiptrends.io.exclusions.apply_exclusions`).
    """

    report_basis: pd.DataFrame
    current_release: pd.DataFrame
    earlier: pd.DataFrame
    flags: pd.DataFrame
    exclusions: pd.DataFrame


def processed(
    current: pd.DataFrame,
    earlier: pd.DataFrame,
    *,
    exclusions: bool,
    vintage: bool,
    repair: bool = False,
    continuation: Continuation = "all",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The current and earlier release with a chosen set of rules.

    Parameters
    ----------
    current, earlier : DataFrame
        Curated GLOTIP tables as loaded.
    exclusions : bool
        Apply the collection's exclusions (``data/exclusions.toml``) to both releases.
    vintage : bool
        Drop the country-years the vintage rule flags (both directions of restatement).
    repair : bool
        With exclusions: an entry with ``repair_from`` replaces the country's whole series
        by the earlier release's (never one year inside a current-release series).
    continuation : {"all", "covered"}
        See :data:`CONTINUATION_OPTIONS`.

    Returns
    -------
    current, earlier, flags, exclusions report : DataFrame
        Every country series of a returned table comes from one release.
    """
    require_glotip(current, "processed: current")
    require_glotip(earlier, "processed: earlier")
    if exclusions:
        old, _ = apply_exclusions(earlier)
        cur, report = apply_exclusions(current, earlier=old if repair else None)
    else:
        old, cur = earlier, current
        report = apply_exclusions(current.iloc[0:0])[1]
    flags = flagged_restatements(cur, old, continuation=continuation)
    if vintage:
        cur = _without_flagged(cur, old, flags, replace="drop", indicator=VICTIMS)
    else:
        flags = flags.iloc[0:0]
    return cur, old, flags, report


def data_bases(
    current: pd.DataFrame,
    earlier: pd.DataFrame,
    *,
    vintage: bool = True,
    exclusions: bool = False,
    reanalysis_vintage: bool = False,
    reanalysis_exclusions: bool = True,
    repair: bool = False,
    continuation: Continuation = "all",
) -> DataBases:
    """The reproduction and the re-analysis, built once for a whole chapter.

    Parameters
    ----------
    current, earlier : DataFrame
        Curated GLOTIP tables of the current and the earlier release, as loaded.
    vintage, exclusions : bool
        Rules of the reproduction: the vintage rule (on by default) and the collection's
        exclusions (off by default: the report did not apply them).
    reanalysis_vintage, reanalysis_exclusions : bool
        Rules of the re-analysis: vintage rule off, exclusions on by default.
    repair : bool
        Where exclusions apply, repair entries replace a whole country series by the
        earlier release's instead of dropping the excluded country-years (a sensitivity).
    continuation : {"all", "covered"}
        See :data:`CONTINUATION_OPTIONS` (``"covered"`` is a sensitivity, not the rule).

    Returns
    -------
    DataBases
    """
    require_glotip(current, "data_bases: current")
    require_glotip(earlier, "data_bases: earlier")
    rep, old, flags, _ = processed(
        current,
        earlier,
        exclusions=exclusions,
        vintage=vintage,
        repair=repair,
        continuation=continuation,
    )
    cur, _, _, report = processed(
        current,
        earlier,
        exclusions=reanalysis_exclusions,
        vintage=reanalysis_vintage,
        repair=repair,
        continuation=continuation,
    )
    return DataBases(
        report_basis=rep, current_release=cur, earlier=old, flags=flags, exclusions=report
    )
