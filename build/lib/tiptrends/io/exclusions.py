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
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
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
    """

    iso3: str
    years: tuple[int, ...] | None
    reason: str
    diagnostic: str
    value: str
    scope: str = "all"
    indicator: str = VICTIMS
    releases: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.scope not in SCOPES:
            raise ValueError(f"exclusion {self.iso3}: scope must be one of {SCOPES}")
        if not (self.reason and self.diagnostic and str(self.value)):
            raise ValueError(f"exclusion {self.iso3}: reason, diagnostic and value are required")


def exclusions_path() -> Path:
    """Return the default exclusions file ``data/exclusions.toml``."""
    return data_dir() / "exclusions.toml"


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
    p = Path(path) if path is not None else exclusions_path()
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(p, "exclusions file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DataError(p, f"not valid TOML ({exc})") from exc
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
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise DataError(p, f"exclusion entry {i} is invalid ({exc})") from exc
    return out


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


def apply_exclusions(
    df: pd.DataFrame, exclusions: Sequence[Exclusion] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop the rows named by exclusions and report what was dropped.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table.
    exclusions : sequence of Exclusion, optional
        Default: the collection's entries (:func:`load_exclusions` of
        ``data/exclusions.toml``).

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
    """
    if exclusions is None:
        exclusions = load_exclusions()
    drop = pd.Series(False, index=df.index)
    rows = []
    is_total = (
        (df["indicator"] == VICTIMS)
        & (df["dimension"] == DIM_TOTAL)
        & (df["category"] == TOTAL)
        & (df["sex"] == TOTAL)
        & (df["age"] == TOTAL)
    )
    for e in exclusions:
        m = _mask(df, e)
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
        ],
    )
    return df.loc[~drop], report


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
