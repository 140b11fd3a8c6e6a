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
release's table (``apply_exclusions(..., earlier=...)``), the country's whole series of the
indicator (every year, total and breakdowns) is replaced by the earlier release's series, so
no series holds values of two releases; years only the current release holds are then
dropped. Without it the entry drops its rows as its scope says (the collection's bases do
not repair by default, :func:`tiptrends.methods.vintage.data_bases`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from tiptrends.errors import DataError
from tiptrends.io.checks import require_columns
from tiptrends.paths import data_dir
from tiptrends.vocab import DIM_FORM, DIM_TOTAL, INDICATORS, TOTAL, VICTIMS

SCOPES = ("all", "total", "form", "sex_age")
"""``all``: every row of the country-year(s) for the indicator; ``total``: the country total
(dimension Total, category Total, sex Total, age Total); ``form``: rows by form of
exploitation; ``sex_age``: rows of dimension Total with a sex or age breakdown."""

ALL_INDICATORS = "*"

#: Columns of the curated GLOTIP table that exclusions read.
CURATED_COLUMNS = ("iso3", "indicator", "dimension", "category", "sex", "age", "year", "value")


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


#: Keys an ``[[exclusion]]`` entry may have (anything else is a typo and is refused).
ENTRY_KEYS = frozenset(
    {"iso3", "years", "scope", "indicator", "reason", "diagnostic", "value", "releases"}
    | {"repair_from"}
)
#: Top-level keys of the exclusions file.
FILE_KEYS = frozenset({"default_releases", "rules", "exclusion"})
_ISO3 = re.compile(r"[A-Z]{3}")


class _Invalid(ValueError):
    """One problem of one entry (turned into a one-line DataError by the loader)."""


def _text_field(e: dict, key: str, default: str | None = None) -> str:
    value = e.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"{key} must be a non-empty string, got {value!r}")
    return value


def _releases_field(value: object, key: str, known: Sequence[str]) -> tuple[str, ...]:
    """A list of known GLOTIP release dates (``"2025-04-14"``), checked."""
    if not isinstance(value, list) or not value or not all(isinstance(r, str) for r in value):
        raise _Invalid(f"{key} must be a non-empty list of release dates, got {value!r}")
    unknown = [r for r in value if r not in known]
    if unknown:
        raise _Invalid(
            f"{key}: unknown release {unknown[0]!r}; the GLOTIP releases in data/sources.toml "
            f"are {', '.join(known)}"
        )
    if len(set(value)) != len(value):
        raise _Invalid(f"{key} lists a release twice: {value!r}")
    return tuple(value)


def _years_field(value: object) -> tuple[int, ...] | None:
    """A list of whole years (a string, a float or a bool is refused, never converted)."""
    if value is None:
        return None
    ok = isinstance(value, list) and value
    if not ok or not all(isinstance(y, int) and not isinstance(y, bool) for y in value):
        raise _Invalid(f"years must be a non-empty list of whole years, got {value!r}")
    if len(set(value)) != len(value):
        raise _Invalid(f"years lists a year twice: {value!r}")
    return tuple(value)


def _entry(e: object, default_releases: tuple[str, ...] | None, known: Sequence[str]) -> Exclusion:
    """One ``[[exclusion]]`` table -> :class:`Exclusion`, or :class:`_Invalid`."""
    if not isinstance(e, dict):
        raise _Invalid(f"must be a table, got {e!r}")
    unknown = sorted(set(e) - ENTRY_KEYS)
    if unknown:
        raise _Invalid(
            f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(ENTRY_KEYS))}"
        )
    missing = [k for k in ("iso3", "reason", "diagnostic", "value") if k not in e]
    if missing:
        raise _Invalid(f"missing {', '.join(missing)}")
    iso3 = _text_field(e, "iso3")
    if not _ISO3.fullmatch(iso3):
        raise _Invalid(f"iso3 {iso3!r} is not three upper-case letters (e.g. 'DEU')")
    scope = _text_field(e, "scope", "all")
    if scope not in SCOPES:
        raise _Invalid(f"scope {scope!r} is not one of {', '.join(SCOPES)}")
    indicator = _text_field(e, "indicator", VICTIMS)
    if indicator not in (*INDICATORS, ALL_INDICATORS):
        raise _Invalid(f"unknown indicator {indicator!r}; one of {', '.join(INDICATORS)} or '*'")
    releases = default_releases
    if "releases" in e:
        releases = _releases_field(e["releases"], "releases", known)
    repair_from = None
    if "repair_from" in e:
        repair_from = _releases_field([e["repair_from"]], "repair_from", known)[0]
        if releases is not None and any(r <= repair_from for r in releases):
            raise _Invalid(
                f"repair_from {repair_from!r} must be earlier than every release the entry "
                f"applies to ({', '.join(releases)}): only an earlier release repairs"
            )
    return Exclusion(
        iso3=iso3,
        years=_years_field(e.get("years")),
        reason=_text_field(e, "reason"),
        diagnostic=_text_field(e, "diagnostic"),
        value=_text_field(e, "value"),
        scope=scope,
        indicator=indicator,
        releases=releases,
        repair_from=repair_from,
    )


def _overlaps(a: Exclusion, b: Exclusion) -> bool:
    """True when two entries name the same rows at least in part (same country, scope and
    indicator, a shared release and a shared year): a duplicate entry."""
    same = (a.iso3, a.scope, a.indicator) == (b.iso3, b.scope, b.indicator)
    releases = a.releases is None or b.releases is None or set(a.releases) & set(b.releases)
    years = a.years is None or b.years is None or set(a.years) & set(b.years)
    return bool(same and releases and years)


def known_releases() -> tuple[str, ...]:
    """Release dates of the GLOTIP sources in ``data/sources.toml``, oldest first."""
    from tiptrends.io.releases import glotip_sources

    return tuple(s.release for s in glotip_sources().values())


def load_exclusions(path: str | Path | None = None) -> list[Exclusion]:
    """Read and check the exclusions of a TOML file.

    Every value is checked, never converted: ``iso3`` three upper-case letters, ``years`` a
    list of whole numbers, ``scope`` and ``indicator`` from the vocabulary, ``releases``,
    ``default_releases`` and ``repair_from`` releases of the manifest; unknown keys and entries
    that repeat another entry's rows are refused. Whether each entry matches rows of the data
    is checked by :func:`check_against_data`.

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
        One line naming the file, the entry and its problem.
    """
    p, raw = _read_toml(path)
    unknown = sorted(set(raw) - FILE_KEYS)
    if unknown:
        raise DataError(p, f"unknown top-level key(s) {', '.join(unknown)}")
    known = known_releases()
    default_releases = None
    if "default_releases" in raw:
        try:
            default_releases = _releases_field(raw["default_releases"], "default_releases", known)
        except _Invalid as exc:
            raise DataError(p, str(exc)) from None
    entries = raw.get("exclusion", [])
    if not isinstance(entries, list):
        raise DataError(p, "'exclusion' must be an array of tables ([[exclusion]])")
    out: list[Exclusion] = []
    for i, e in enumerate(entries, start=1):
        label = e.get("iso3", "?") if isinstance(e, dict) else "?"
        try:
            entry = _entry(e, default_releases, known)
        except (_Invalid, ValueError) as exc:
            raise DataError(p, f"exclusion entry {i} is invalid ({label}): {exc}") from None
        for j, other in enumerate(out, start=1):
            if _overlaps(entry, other):
                raise DataError(
                    p,
                    f"exclusion entry {i} is invalid ({exclusion_label(entry)}): it repeats "
                    f"rows of entry {j} ({exclusion_label(other)})",
                )
        out.append(entry)
    return out


def check_against_data(
    exclusions: Sequence[Exclusion],
    tables: dict[str, pd.DataFrame],
    path: str | Path | None = None,
) -> None:
    """Check that every entry drops rows: each of its years in each of its releases.

    Parameters
    ----------
    exclusions : sequence of Exclusion
        Usually :func:`load_exclusions`.
    tables : dict
        Release date (``"2025-04-14"``) -> curated GLOTIP table of that release; an entry
        without ``releases`` is checked in every table given.
    path : str or Path, optional
        The file named in the message (default :func:`exclusions_path`).

    Raises
    ------
    DataError
        One line naming the file, the entry and what it does not match (an unknown code,
        a year or a release without its rows): an exclusion that drops nothing is an error.
    """
    from tiptrends.io.countries import valid_iso3

    p = Path(path) if path is not None else exclusions_path()
    for i, e in enumerate(exclusions, start=1):
        where = f"exclusion entry {i} ({exclusion_label(e)})"
        if e.iso3 not in valid_iso3():
            raise DataError(p, f"{where}: {e.iso3} is not a known ISO3 code")
        for release in e.releases or tuple(tables):
            if release not in tables:
                continue  # that release's table was not given
            table = tables[release]
            require_columns(table, CURATED_COLUMNS, what=f"the {release} table")
            rows = table[_mask(table, replace(e, releases=None))]
            if rows.empty:
                raise DataError(
                    p, f"{where}: matches no row of the {release} release (drops nothing)"
                )
            if e.years is not None:
                absent = sorted(set(e.years) - set(rows["year"].astype(int)))
                if absent:
                    raise DataError(
                        p,
                        f"{where}: year(s) {', '.join(map(str, absent))} match no row of the "
                        f"{release} release (drop nothing)",
                    )


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


class RowIndex:
    """The columns an exclusion selects on, coded once for many entries.

    Building each entry's row mask from the string columns costs several object-dtype
    comparisons of the whole table per entry; here the country, indicator and release are
    factorised once and each scope's rows computed once, so an entry's mask is a few integer
    comparisons (:meth:`mask`).
    """

    def __init__(self, df: pd.DataFrame) -> None:
        self.index = df.index
        self._iso3, iso3 = pd.factorize(df["iso3"])
        self._iso3_code = {v: i for i, v in enumerate(iso3)}
        self._indicator, indicators = pd.factorize(df["indicator"])
        self._indicator_code = {v: i for i, v in enumerate(indicators)}
        self._year = df["year"].to_numpy()
        self._release = df["release"].to_numpy() if "release" in df.columns else None
        dimension, category = df["dimension"].to_numpy(), df["category"].to_numpy()
        both_total = (df["sex"].to_numpy() == TOTAL) & (df["age"].to_numpy() == TOTAL)
        dim_total = dimension == DIM_TOTAL
        self._scope = {
            "all": None,
            "total": dim_total & (category == TOTAL) & both_total,
            "form": dimension == DIM_FORM,
            "sex_age": dim_total & ~both_total,
        }

    def mask(self, e: Exclusion) -> np.ndarray:
        """Rows of the entry (as :func:`_mask`), a boolean array."""
        m = self._iso3 == self._iso3_code.get(e.iso3, -2)
        if e.indicator != ALL_INDICATORS:
            m &= self._indicator == self._indicator_code.get(e.indicator, -2)
        if e.years is not None:
            m &= np.isin(self._year, list(e.years))
        if e.releases is not None and self._release is not None:
            m &= np.isin(self._release, list(e.releases))
        scope = self._scope[e.scope]
        return m if scope is None else m & scope


def _mask(df: pd.DataFrame, e: Exclusion) -> pd.Series:
    return pd.Series(RowIndex(df).mask(e), index=df.index)


def _total_rows(df: pd.DataFrame) -> pd.Series:
    return (
        (df["indicator"] == VICTIMS)
        & (df["dimension"] == DIM_TOTAL)
        & (df["category"] == TOTAL)
        & (df["sex"] == TOTAL)
        & (df["age"] == TOTAL)
    )


def _series_rows(df: pd.DataFrame, e: Exclusion) -> pd.Series:
    """Every row of the entry's country and indicator, all years and breakdowns."""
    m = df["iso3"] == e.iso3
    if e.indicator != ALL_INDICATORS:
        m &= df["indicator"] == e.indicator
    return m


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
        replace the country's whole series of the indicator (all years, total and
        breakdowns) by that release's series instead of dropping rows, so a series never
        mixes two releases. Without it (or if it is another release) they drop rows as
        their scope says.

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
        ``repaired_total``: for a repaired entry, the earlier total(s) of its years (NaN
        otherwise); its ``rows_dropped`` counts every row of the replaced series, and
        ``series_replaced`` is True (the whole country series comes from the earlier
        release).

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
    require_columns(df, CURATED_COLUMNS, what="apply_exclusions: df", complete=("year",))
    if earlier is not None:
        require_columns(earlier, (*CURATED_COLUMNS, "suppressed"), what="apply_exclusions: earlier")
    if exclusions is None:
        exclusions = load_exclusions()
    drop = pd.Series(False, index=df.index)
    rows = []
    added: list[pd.DataFrame] = []
    is_total = _total_rows(df)
    replaced: set[tuple[str, str]] = set()
    index = RowIndex(df)
    for e in exclusions:
        m = pd.Series(index.mask(e), index=df.index)
        repaired = float("nan")
        whole = False
        if e.repair_from is not None and earlier is not None:
            src = earlier[_mask(earlier, replace(e, releases=None)) & _total_rows(earlier)]
            if "release" in src.columns:
                src = src[src["release"] == e.repair_from]
            if len(src) and not src["suppressed"].astype(bool).any():
                # the whole series of the indicator comes from the earlier release: a
                # repaired year never sits beside the current release's other years
                whole = True
                repaired = float(src["value"].sum())
                m = _series_rows(df, e)
                key = (e.iso3, e.indicator)
                if key not in replaced:
                    replaced.add(key)
                    series = earlier[_series_rows(earlier, e)]
                    if "release" in series.columns:
                        series = series[series["release"] == e.repair_from]
                    added.append(
                        series[df.columns.intersection(series.columns)].reset_index(drop=True)
                    )
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
                "series_replaced": whole,
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
            "series_replaced",
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
