"""Explicit exclusions of implausible country series (``data/exclusions.toml``).

One mechanism: every exclusion is an :class:`Exclusion` entry in the TOML file, naming the
country, the years, the scope (which rows), the reason, the diagnostic that justifies it
and the diagnostic's value. :func:`apply_exclusions` drops the matching rows of the curated
table and returns a report of exactly what it dropped; nothing is ever dropped silently.

TOML layout::

    [[exclusion]]
    iso3 = "DEU"
    years = [2022]            # omit for all years
    scope = "all"             # "all", "total", "form" or "sex_age"
    indicator = "Detected trafficking victims"   # omit for this default; "*" = every indicator
    reason = "..."
    diagnostic = "consistency_checks: sex_age_sum_exceeds_total"
    value = "breakdown >= 1,287 vs total <5"
    repair_from = "2023-05-30"   # optional: replace the total by that release's total

The file also states the rules that produce its entries, as numbers in a ``[rules]`` table
(:class:`ExclusionRules`, read by :func:`load_rules`); ``tiptrends.methods.exclusion_rules``
re-derives the entries from them and a test keeps the two in agreement.

Repair instead of drop: an entry with ``repair_from`` names an earlier release whose total
for the country-year agrees with every breakdown the current release publishes. Given that
release's table (``apply_exclusions(..., earlier=...)``), the country total is replaced by
the earlier total and the breakdowns are kept; without it the entry drops its rows as its
scope says.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from tiptrends.errors import DataError
from tiptrends.paths import data_dir
from tiptrends.vocab import DIM_FORM, DIM_TOTAL, TOTAL, VICTIMS

SCOPES = ("all", "total", "form", "sex_age")
"""``all``: every row of the country-year(s) for the indicator; ``total``: the country total
(dimension Total, category Total, sex Total, age Total); ``form``: rows by form of
exploitation; ``sex_age``: rows of dimension Total with a sex or age breakdown."""

ALL_INDICATORS = "*"


@dataclass(frozen=True)
class Exclusion:
    """One exclusion entry.

    Attributes
    ----------
    iso3 : str
        Country code.
    years : tuple of int or None
        Years excluded (None: all years).
    reason : str
        Why the series is implausible, in words.
    diagnostic : str
        The diagnostic that flags it (function and check name).
    value : str
        The diagnostic's value(s), e.g. ``"forms 13,589 vs total 6,693"``.
    scope : str
        One of :data:`SCOPES`.
    indicator : str
        Indicator affected (``"*"`` for all).
    releases : tuple of str or None
        Releases (``release`` column, e.g. ``"2025-04-14"``) the entry applies to; None: all.
        A diagnostic flags a series in one release; a revised release may be consistent.
    repair_from : str or None
        Release whose country total replaces the flagged total (see the module docstring).
    """

    iso3: str
    years: tuple[int, ...] | None
    reason: str
    diagnostic: str
    value: str
    scope: str = "all"
    indicator: str = VICTIMS
    releases: tuple[str, ...] | None = None
    repair_from: str | None = None

    def __post_init__(self) -> None:
        if self.scope not in SCOPES:
            raise ValueError(f"exclusion {self.iso3}: scope must be one of {SCOPES}")
        if not (self.reason and self.diagnostic and str(self.value)):
            raise ValueError(f"exclusion {self.iso3}: reason, diagnostic and value are required")


def exclusions_path() -> Path:
    """Return the default exclusions file ``data/exclusions.toml``."""
    return data_dir() / "exclusions.toml"


def _read_toml(path: str | Path | None) -> tuple[Path, dict]:
    """The exclusions file (default :func:`exclusions_path`) parsed, or a one-line DataError."""
    p = Path(path) if path is not None else exclusions_path()
    try:
        return p, tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(p, "exclusions file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DataError(p, f"not valid TOML ({exc})") from exc


def load_exclusions(path: str | Path | None = None) -> list[Exclusion]:
    """Read exclusions from a TOML file.

    Parameters
    ----------
    path : str or Path, optional
        Default :func:`exclusions_path`.

    Returns
    -------
    list of Exclusion
        In file order (an empty file gives an empty list).

    Raises
    ------
    DataError
        If the file is missing, not valid TOML, or an entry is incomplete.
    """
    p, raw = _read_toml(path)
    out = []
    default_releases = raw.get("default_releases")
    for i, e in enumerate(raw.get("exclusion", []), start=1):
        try:
            years = e.get("years")
            releases = e.get("releases", default_releases)
            out.append(
                Exclusion(
                    iso3=str(e["iso3"]),
                    years=None if years is None else tuple(int(y) for y in years),
                    reason=str(e["reason"]),
                    diagnostic=str(e["diagnostic"]),
                    value=str(e["value"]),
                    scope=str(e.get("scope", "all")),
                    indicator=str(e.get("indicator", VICTIMS)),
                    releases=None if releases is None else tuple(str(r) for r in releases),
                    repair_from=None if e.get("repair_from") is None else str(e["repair_from"]),
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise DataError(p, f"exclusion entry {i} is invalid ({exc})") from exc
    return out


@dataclass(frozen=True)
class ExclusionRules:
    """The written rules that produce the exclusion entries (``[rules]`` of the TOML file).

    A breakdown *exceeds* the country total when its sum (``"<5"`` counted as 1) exceeds
    the total (``"<5"`` counted as 4) by at least ``min_rel_excess`` of the total and at
    least ``min_excess`` victims. A total is *revised* when it differs between two releases
    by more than ``revision_rel`` of the earlier value and by at least ``revision_min``.

    * scope ``"all"``: the sex x age groups exceed the total; or a form or citizenship
      breakdown exceeds the total and the total is revised; or the total is at most
      ``placeholder_total`` while a breakdown sums to ``placeholder_breakdown`` or more.
    * scope ``"form"``: the form breakdown exceeds the total (and no ``"all"`` rule holds).
    * repair: a scope ``"all"`` country-year of a release that has an earlier release is
      repaired from it when the earlier total is published (not ``"<5"``) and no breakdown
      of the current release exceeds it at all (every breakdown sum <= earlier total).
    """

    min_rel_excess: float = 0.5
    min_excess: float = 100.0
    revision_rel: float = 0.25
    revision_min: float = 50.0
    placeholder_total: float = 4.0
    placeholder_breakdown: float = 1000.0


def load_rules(path: str | Path | None = None) -> ExclusionRules:
    """Read the ``[rules]`` table of the exclusions file.

    Raises
    ------
    DataError
        If the file is missing or invalid, or the table lacks a rule or has an unknown key.
    """
    p, raw = _read_toml(path)
    rules = raw.get("rules")
    fields = set(ExclusionRules.__dataclass_fields__)
    if not isinstance(rules, dict) or set(rules) != fields:
        got = sorted(rules) if isinstance(rules, dict) else None
        raise DataError(p, f"[rules] must set exactly {sorted(fields)}, got {got}")
    try:
        return ExclusionRules(**{k: float(v) for k, v in rules.items()})
    except (TypeError, ValueError) as exc:
        raise DataError(p, f"[rules] is invalid ({exc})") from exc


def _mask(df: pd.DataFrame, e: Exclusion) -> pd.Series:
    m = df["iso3"] == e.iso3
    if e.indicator != ALL_INDICATORS:
        m &= df["indicator"] == e.indicator
    if e.years is not None:
        m &= df["year"].isin(e.years)
    if e.releases is not None and "release" in df.columns:
        m &= df["release"].isin(e.releases)
    both_total = (df["sex"] == TOTAL) & (df["age"] == TOTAL)
    if e.scope == "total":
        m &= (df["dimension"] == DIM_TOTAL) & (df["category"] == TOTAL) & both_total
    elif e.scope == "form":
        m &= df["dimension"] == DIM_FORM
    elif e.scope == "sex_age":
        m &= (df["dimension"] == DIM_TOTAL) & ~both_total
    return m


def _total_rows(df: pd.DataFrame) -> pd.Series:
    return (
        (df["indicator"] == VICTIMS)
        & (df["dimension"] == DIM_TOTAL)
        & (df["category"] == TOTAL)
        & (df["sex"] == TOTAL)
        & (df["age"] == TOTAL)
    )


def apply_exclusions(
    df: pd.DataFrame,
    exclusions: Sequence[Exclusion] | None = None,
    *,
    earlier: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop the rows named by exclusions and report what was dropped.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    exclusions : sequence of Exclusion, optional
        Default: the collection's entries (:func:`load_exclusions` of
        ``data/exclusions.toml``).
    earlier : DataFrame, optional
        Curated table of the release named by entries' ``repair_from``: such entries
        replace the country total by that release's total instead of dropping rows. Without
        it (or if it is another release) they drop rows as their scope says.

    Returns
    -------
    filtered : DataFrame
        ``df`` without the excluded rows (index preserved).
    report : DataFrame
        One row per exclusion: ``iso3, years, scope, indicator, reason, rows_dropped,
        victims_dropped`` (``victims_dropped``: the country totals removed, sum of
        non-suppressed values of dimension Total / category Total / sex Total / age Total
        for the victims indicator) and ``overlap`` (rows already dropped by an earlier
        entry). An entry that matches nothing still appears, with ``rows_dropped == 0``.
        ``repaired_total``: for a repaired entry, the earlier total(s) put in (NaN
        otherwise); its ``rows_dropped`` counts the replaced total rows.

    Examples
    --------
    >>> from tiptrends.io.data import load_glotip
    >>> raw = load_glotip(release="2025")
    >>> kept, report = apply_exclusions(raw, load_exclusions())
    >>> int(report["rows_dropped"].sum()) == len(raw) - len(kept)
    True
    >>> germany = report[report["iso3"] == "DEU"].iloc[0]
    >>> germany["scope"], int(germany["rows_dropped"])
    ('all', 91)
    """
    if exclusions is None:
        exclusions = load_exclusions()
    drop = pd.Series(False, index=df.index)
    rows = []
    added: list[pd.DataFrame] = []
    is_total = _total_rows(df)
    for e in exclusions:
        m = _mask(df, e)
        repaired = float("nan")
        if e.repair_from is not None and earlier is not None:
            src = earlier[_mask(earlier, replace(e, releases=None)) & _total_rows(earlier)]
            if "release" in src.columns:
                src = src[src["release"] == e.repair_from]
            if len(src) and not src["suppressed"].astype(bool).any():
                m = m & is_total
                repaired = float(src["value"].sum())
                added.append(src[df.columns.intersection(src.columns)].reset_index(drop=True))
        new = m & ~drop
        rows.append(
            {
                "iso3": e.iso3,
                "years": "all" if e.years is None else ",".join(map(str, e.years)),
                "releases": "all" if e.releases is None else ",".join(e.releases),
                "scope": e.scope,
                "indicator": e.indicator,
                "reason": e.reason,
                "rows_dropped": int(new.sum()),
                "victims_dropped": float(df.loc[new & is_total, "value"].sum()),
                "overlap": int((m & drop).sum()),
                "repaired_total": repaired,
            }
        )
        drop |= m
    report = pd.DataFrame(
        rows,
        columns=[
            "iso3",
            "years",
            "releases",
            "scope",
            "indicator",
            "reason",
            "rows_dropped",
            "victims_dropped",
            "overlap",
            "repaired_total",
        ],
    )
    kept = df.loc[~drop]
    if added:
        extra = pd.concat(added, ignore_index=True)
        start = int(df.index.max()) + 1 if len(df) else 0
        extra.index = pd.RangeIndex(start, start + len(extra))
        kept = pd.concat([kept, extra])
    return kept, report


def exclusion_label(e: Exclusion) -> str:
    """Short label of an exclusion, e.g. ``"DEU 2022 (all)"``."""
    years = "all years" if e.years is None else ",".join(map(str, e.years))
    return f"{e.iso3} {years} ({e.scope})"


def exclusions_table(exclusions: Sequence[Exclusion] | None = None) -> pd.DataFrame:
    """Exclusions as a table for display in notebooks.

    Returns
    -------
    DataFrame
        ``iso3, years, releases, scope, indicator, reason, diagnostic, value``; the
        collection's entries when ``exclusions`` is None.
    """
    if exclusions is None:
        exclusions = load_exclusions()
    return pd.DataFrame(
        [
            {
                "iso3": e.iso3,
                "years": "all" if e.years is None else ", ".join(map(str, e.years)),
                "releases": "all" if e.releases is None else ", ".join(e.releases),
                "scope": e.scope,
                "indicator": e.indicator,
                "reason": e.reason,
                "diagnostic": e.diagnostic,
                "value": e.value,
            }
            for e in exclusions
        ],
        columns=[
            "iso3",
            "years",
            "releases",
            "scope",
            "indicator",
            "reason",
            "diagnostic",
            "value",
        ],
    )
