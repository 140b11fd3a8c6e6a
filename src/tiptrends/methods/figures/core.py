"""The figure registry's core: options, inputs, figures and their evaluation.

See :mod:`tiptrends.methods.figures` (the package) for the public interface.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import pandas as pd

from tiptrends import settings

Basis = Literal["report", "current", "reproduction", "reanalysis"]
T = TypeVar("T")
BASES: tuple[str, ...] = ("report", "current")
"""Data bases of :func:`value`: ``"report"``, the **reproduction** (main key: the report's
data vintage processed as the report would, without the collection's exclusions), and
``"current"``, the **re-analysis** (the current release with the collection's exclusions,
recorded under ``key + CURRENT_SUFFIX``)."""

BASIS_ALIASES: dict[str, str] = {
    "report": "report",
    "reproduction": "report",
    "current": "current",
    "reanalysis": "current",
    "re-analysis": "current",
}
"""Accepted basis names: ``"reproduction"`` is ``"report"``, ``"reanalysis"`` is ``"current"``."""

BASIS_RULES: dict[str, dict[str, bool]] = {
    "report": {"exclusions": False, "vintage": True},
    "current": {"exclusions": True, "vintage": False},
}
"""The rules each basis applies by default (each is a switch of :func:`value`)."""


def basis_name(basis: str) -> str:
    """``"report"`` or ``"current"`` for any accepted basis name (``ValueError`` otherwise)."""
    try:
        return BASIS_ALIASES[basis]
    except (KeyError, TypeError):
        raise ValueError(f"basis must be one of {tuple(BASIS_ALIASES)}, got {basis!r}") from None


CURRENT_SUFFIX = "_current_release"
"""Suffix of the results key under which a figure's current-release value is recorded."""

NO_EFFECT = "no effect"
"""What a switch table shows where a figure does not read the switched option."""


@dataclass(frozen=True)
class Options:
    """Every rule the chapters vary, with the collection's choice as the default.

    Attributes
    ----------
    suppressed : {"exclude", "impute", "lower", "upper"}
        Policy for ``"<5"`` cells (:func:`tiptrends.methods.aggregate.apply_suppression_policy`).
    method : str
        Aggregation across countries (a key of :data:`tiptrends.methods.aggregate.METHODS`).
    denominator : {"known", "all"}
        Victims with a known breakdown, or the country's total.
    panel : str
        Country set of a change (:data:`tiptrends.methods.panels.PANEL_KINDS`); the
        pre-specified trend panel by default.
    form_fallback : bool
        Take a country-year's sex-and-age split from its form x sex x age cells when it has no
        all-forms split (:func:`tiptrends.methods.headline.sex_age_counts`).
    grouping : str
        Regional grouping of the two-stage methods (:data:`tiptrends.methods.aggregate.GROUPINGS`).
    countries : tuple of str, optional
        Restrict the figure to these ISO3 codes (a profile's place, the EU-27); None: all.
    population : {"gsi2023"} or None
        Population weights of the weighted methods (Walk Free GSI 2023, 2020 populations).
    """

    suppressed: str = "exclude"
    method: str = "pooled"
    denominator: str = "known"
    panel: str = "trend"
    form_fallback: bool = True
    grouping: str = "m49_region"
    countries: tuple[str, ...] | None = None
    population: str | None = "gsi2023"

    def replace(self, **changes: Any) -> Options:
        """A copy with ``changes`` (unknown option names raise ``TypeError``)."""
        unknown = set(changes) - OPTION_NAMES
        if unknown:
            raise TypeError(
                f"unknown figure option(s) {sorted(unknown)}; options are {sorted(OPTION_NAMES)}"
            )
        if "countries" in changes and changes["countries"] is not None:
            changes["countries"] = tuple(sorted(set(changes["countries"])))
        return dataclasses.replace(self, **changes)


OPTION_NAMES: frozenset[str] = frozenset(f.name for f in dataclasses.fields(Options))
"""Names of the options of :class:`Options`."""

DATA_SWITCHES: frozenset[str] = frozenset({"repair", "exclusions", "vintage"})
"""Keyword switches of :func:`value` that choose the data rather than the computation:
``exclusions`` (the collection's exclusions), ``vintage`` (the vintage rule) and ``repair``
(exclusion entries replace a whole series from the earlier release instead of dropping)."""


class Inputs:
    """What a figure's ``compute`` reads: the GLOTIP table of one basis and, lazily, the rest.

    Parameters
    ----------
    table : DataFrame
        Curated GLOTIP table with the basis's rules applied.
    basis : str
        Name of the basis (for messages), or ``"custom"`` for a table passed by the caller.
    shared : bool
        The table is one of the registry's data bases, built once per process and never
        modified: the counts read from it (and from its :meth:`rows`) are memoised
        (:func:`tiptrends.methods.aggregate.share_table`).
    """

    def __init__(self, table: pd.DataFrame, basis: str = "custom", *, shared: bool = False) -> None:
        self.basis = basis
        self.shared = shared
        self._rows: dict[tuple[int, ...], pd.DataFrame] = {}
        self._memo: dict[tuple[Any, ...], Any] = {}
        if shared:
            from tiptrends.methods import aggregate

            # marked on a view of its own, so the registry's cached table stays unmarked
            table = aggregate.share_table(table.copy(deep=False))
        self.table = table

    def rows(self, *years: int) -> pd.DataFrame:
        """Rows of the table in ``years``, selected once per :class:`Inputs` (do not modify)."""
        key = tuple(sorted(set(years)))
        if key not in self._rows:
            t = self.table[self.table["year"].isin(key)]
            if self.shared:
                from tiptrends.methods import aggregate

                aggregate.share_table(t)
            self._rows[key] = t
        return self._rows[key]

    def memo(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        """``build()``, computed once per ``key`` on a shared table (each time on a caller's).

        The step behind several figures and options (the counts of a change, the citizenship
        rows) is asked for again and again under options it does not read; ``key`` names the
        step and every argument it reads besides the table (options, years), so any two
        calls with one key compute the same thing. The result is shared: do not modify it.
        """
        if not self.shared:
            return build()
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    @functools.cached_property
    def population(self) -> pd.Series:
        """Population by ISO3 (Walk Free GSI 2023 table, 2020 populations)."""
        return gsi_population()

    @functools.cached_property
    def region_population(self) -> pd.Series:
        """Population of each UN M49 region over every country of the current release."""
        return region_population()

    def method(self, options: Options) -> tuple[str, dict[str, pd.Series]]:
        """Aggregation method and its weights for ``options.method`` (see
        :func:`tiptrends.methods.aggregate.method_arguments`)."""
        from tiptrends.methods import aggregate

        if options.method not in aggregate.POPULATION_METHODS:
            return aggregate.method_arguments(options.method)
        if options.population is None:
            raise ValueError(f"method {options.method!r} needs population weights")
        return aggregate.method_arguments(
            options.method, population=self.population, region_weights=self.region_population
        )


Compute = Callable[[Inputs, Options], float]


@dataclass(frozen=True)
class Figure:
    """One headline figure: its key, label, unit, years, published counterpart and function.

    Attributes
    ----------
    key : str
        Results key (``_build/results.json``) of the report-basis value.
    label : str
        Reader's label, used on every page that shows the figure.
    unit : str
        ``"%"``, ``"percentage points"``, ``"victims"``, ``"persons"``, ...
    years : tuple of int
        Year(s) the figure describes.
    compute : callable
        ``compute(inputs, options) -> float``.
    reads : frozenset of str
        Options of :class:`Options` the figure uses.
    published_id : str, optional
        Id of the published counterpart in ``data/published/figures.csv``.
    precision : int
        Decimals a reader is shown.
    note : str
        How it is computed, in one sentence.
    report_data : {"vintage", "earlier", "current"}
        What the figure's report basis is: ``"vintage"``, the current release without the
        restatements the vintage rule flags (a GLOTIP 2024 figure); ``"earlier"``, the
        earlier release (a GLOTIP 2022 figure, written from it); ``"current"``, the current
        release (a figure that reproduces nothing, stated on today's data on both bases).
    """

    key: str
    label: str
    unit: str
    years: tuple[int, ...]
    compute: Compute = field(repr=False)
    reads: frozenset[str] = frozenset()
    published_id: str | None = None
    precision: int = 1
    note: str = ""
    report_data: str = "vintage"

    def __post_init__(self) -> None:
        unknown = set(self.reads) - OPTION_NAMES
        if unknown:
            raise ValueError(f"figure {self.key!r} reads unknown options {sorted(unknown)}")
        if self.report_data not in REPORT_DATA:
            raise ValueError(f"figure {self.key!r}: report_data must be one of {REPORT_DATA}")


REPORT_DATA: tuple[str, ...] = ("vintage", "earlier", "current")
"""What a figure's report basis can be (:attr:`Figure.report_data`)."""


FIGURES: dict[str, Figure] = {}
"""Every registered figure by results key (filled by the area modules of this package)."""


def register(figure: Figure) -> Figure:
    """Add ``figure`` to :data:`FIGURES` (a key can be registered once)."""
    if figure.key in FIGURES:
        raise ValueError(f"figure {figure.key!r} registered twice")
    FIGURES[figure.key] = figure
    return figure


def figure(key: str) -> Figure:
    """The registered figure ``key`` (``KeyError`` naming the known keys if absent)."""
    try:
        return FIGURES[key]
    except KeyError:
        raise KeyError(f"no registered figure {key!r}; see figures.FIGURES") from None


def reads_option(key: str, option: str) -> bool:
    """True when figure ``key`` reads ``option`` (data switches are read by every figure)."""
    return option in DATA_SWITCHES or option in figure(key).reads


# ----------------------------------------------------------------------------- data
@functools.cache
def glotip(release: str) -> pd.DataFrame:
    """Curated GLOTIP table of one release, loaded once per process."""
    from tiptrends.io import data

    return data.load_glotip(release=release)


@functools.cache
def gsi_population() -> pd.Series:
    """Population by ISO3 from the Walk Free GSI 2023 table, loaded once per process."""
    from tiptrends.io import data

    return data.gsi_population(data.load_gsi())


@functools.cache
def region_population() -> pd.Series:
    """Population of each UN M49 region over every country of the current release, once."""
    from tiptrends.methods import aggregate

    return aggregate.region_population(glotip(settings.CURRENT_RELEASE), gsi_population())


@functools.cache
def data_bases(*, exclusions: bool = False, vintage: bool = True, repair: bool = False) -> Any:
    """The reproduction and the re-analysis (:class:`tiptrends.methods.vintage.DataBases`),
    built once per process.

    ``exclusions`` and ``vintage`` are the reproduction's rules; the re-analysis is always
    the current release with the exclusions (``repair`` applies to both).
    """
    from tiptrends.methods import vintage as v
    from tiptrends.methods.figures import stored

    def build() -> Any:
        rep, old, flags, _ = _processed(exclusions, vintage, repair)
        cur, _, _, report = _processed(True, False, repair)
        return v.DataBases(
            report_basis=rep, current_release=cur, earlier=old, flags=flags, exclusions=report
        )

    # a data product of `tiptrends data build`, read when its inputs and code are unchanged
    return stored.data_bases(build, exclusions=exclusions, vintage=vintage, repair=repair)


#: Names of the four tables :func:`tiptrends.methods.vintage.processed` returns, in order.
PROCESSED_PARTS: tuple[str, ...] = ("table", "earlier", "flags", "exclusions")


def processed_tables(
    *, exclusions: bool, vintage: bool, repair: bool = False
) -> dict[str, pd.DataFrame]:
    """The two releases processed under one set of rules, by :data:`PROCESSED_PARTS` name.

    :func:`tiptrends.methods.vintage.processed` of the current and the earlier release,
    computed once per process and stored as a data product of ``tiptrends data build``
    (read while its inputs and code are unchanged). Do not modify the tables in place.
    """
    return dict(zip(PROCESSED_PARTS, _processed(exclusions, vintage, repair), strict=True))


@functools.cache
def _processed(
    exclusions: bool, vintage: bool, repair: bool
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """:func:`tiptrends.methods.vintage.processed` of the two releases, once per rule set."""
    from tiptrends.methods import vintage as v
    from tiptrends.methods.figures import stored

    def build() -> dict[str, pd.DataFrame]:
        tables = v.processed(
            glotip(settings.CURRENT_RELEASE),
            glotip(settings.EARLIER_RELEASE),
            exclusions=exclusions,
            vintage=vintage,
            repair=repair,
        )
        return dict(zip(PROCESSED_PARTS, tables, strict=True))

    parts = stored.processed(build, exclusions=exclusions, vintage=vintage, repair=repair)
    t, old, flags, report = (parts[name] for name in PROCESSED_PARTS)
    return t, old, flags, report


def _rules(basis: str, exclusions: bool | None, vintage: bool | None) -> tuple[bool, bool]:
    rules = BASIS_RULES[basis]
    return (
        rules["exclusions"] if exclusions is None else bool(exclusions),
        rules["vintage"] if vintage is None else bool(vintage),
    )


def table(
    basis: Basis = "report",
    *,
    exclusions: bool | None = None,
    vintage: bool | None = None,
    repair: bool = False,
) -> pd.DataFrame:
    """The GLOTIP table of a data basis (cached; do not modify it in place).

    Parameters
    ----------
    basis : {"report", "current"} (or "reproduction", "reanalysis")
        The reproduction (no exclusions, vintage rule) or the re-analysis (exclusions, no
        vintage rule); see the package docstring.
    exclusions, vintage : bool, optional
        Switch a rule of the basis (None: the basis's own, :data:`BASIS_RULES`).
    repair : bool
        Where exclusions apply, replace a repaired country's whole series by the earlier
        release's instead of dropping its excluded years (a sensitivity).
    """
    b = basis_name(basis)
    ex, vi = _rules(b, exclusions, vintage)
    return _processed(ex, vi, bool(repair))[0]


@functools.cache
def _inputs(
    basis: str, exclusions: bool, vintage: bool, repair: bool, report_data: str = "vintage"
) -> Inputs:
    if basis == "report" and report_data == "earlier":
        # a GLOTIP 2022 figure: the earlier release, processed as the basis says
        return Inputs(_processed(exclusions, vintage, repair)[1], "earlier", shared=True)
    if basis == "report" and report_data == "current":
        basis = "current"
    return Inputs(_processed(exclusions, vintage, repair)[0], basis, shared=True)


# ----------------------------------------------------------------------------- values
def evaluate(key: str, data: pd.DataFrame | Inputs, **options: Any) -> float:
    """Figure ``key`` computed on a table of the caller's (a scenario, a subset).

    Parameters
    ----------
    key : str
        A key of :data:`FIGURES`.
    data : DataFrame or Inputs
        Curated GLOTIP table with whatever rules the caller applied.
    **options
        Options of :class:`Options` (unknown names raise ``TypeError``).
    """
    inputs = data if isinstance(data, Inputs) else Inputs(data)
    return float(figure(key).compute(inputs, Options().replace(**options)))


def value(
    key: str,
    basis: Basis = "report",
    *,
    exclusions: bool | None = None,
    vintage: bool | None = None,
    repair: bool = False,
    **options: Any,
) -> float:
    """Figure ``key`` on a data basis, with the collection's rules unless options say otherwise.

    With the default options this is exactly the value the book records under ``key``
    (``basis="report"``, the reproduction) and ``key + "_current_release"``
    (``basis="current"``, the re-analysis).

    Parameters
    ----------
    key : str
        A key of :data:`FIGURES`.
    basis : {"report", "current"} (or "reproduction", "reanalysis")
        ``"report"``: the **reproduction**, the current release as the report would have
        processed it (no exclusions) without the restatements the vintage rule flags, or
        the earlier release for a GLOTIP 2022 figure. ``"current"``: the **re-analysis**,
        the current release with the collection's exclusions, no vintage rule.
    exclusions : bool, optional
        Apply the collection's exclusions (None: the basis's rule; ``True`` on the
        reproduction shows what they change).
    vintage : bool, optional
        Apply the vintage rule (None: the basis's rule; ``True`` on the re-analysis shows
        what it changes).
    repair : bool
        Where exclusions apply, let repair entries replace a whole country series by the
        earlier release's (a sensitivity; by default excluded country-years are dropped).
    **options
        Options of :class:`Options`, e.g. ``method="mean"``, ``panel="matched"``.
    """
    fig = figure(key)
    b = basis_name(basis)
    if b == "report" and fig.report_data == "current":
        b = "current"  # a figure that reproduces nothing: today's data on both bases
    ex, vi = _rules(b, exclusions, vintage)
    return evaluate(key, _inputs(b, ex, vi, bool(repair), fig.report_data), **options)


def values(keys: Iterable[str], basis: Basis = "report", **options: Any) -> dict[str, float]:
    """:func:`value` of several figures, by key."""
    return {k: value(k, basis, **options) for k in keys}


def grid(key: str, basis: Basis = "report", **axes: Iterable[Any]) -> pd.DataFrame:
    """Figure ``key`` over every combination of the options in ``axes``.

    Axes the figure does not read are left out of the product (their values cannot change
    it) and listed in ``attrs["no_effect"]``.

    Parameters
    ----------
    key : str
        A key of :data:`FIGURES`.
    basis : {"report", "current"}
        Data basis.
    **axes
        Option name -> values, e.g. ``method=["pooled", "mean"], denominator=["known", "all"]``.

    Returns
    -------
    DataFrame
        One column per axis read, then ``value``.
    """
    fig = figure(key)
    unknown = set(axes) - OPTION_NAMES - DATA_SWITCHES
    if unknown:
        raise TypeError(f"unknown figure option(s) {sorted(unknown)}")
    used = {name: list(vals) for name, vals in axes.items() if reads_option(key, name)}
    rows = []
    for combo in itertools.product(*used.values()):
        opts = dict(zip(used, combo, strict=True))
        rows.append({**opts, "value": value(fig.key, basis, **opts)})
    out = pd.DataFrame(rows, columns=[*used, "value"])
    out.attrs["no_effect"] = sorted(set(axes) - set(used))
    return out


def switch_table(
    keys: Iterable[str],
    switches: Mapping[str, Mapping[str, Any]],
    basis: Basis = "report",
    *,
    labels: bool = True,
) -> pd.DataFrame:
    """Figures x switches: each column one rule switched off (options or a data switch).

    A figure that does not read a column's option shows :data:`NO_EFFECT` there.

    Parameters
    ----------
    keys : iterable of str
        Figures (rows).
    switches : mapping
        Column label -> keyword arguments of :func:`value`, e.g. ``{"all rules (main)": {},
        "vintage rule off (current release)": {"basis": "current"}, "matched countries":
        {"panel": "matched"}}``.
    basis : {"report", "current"}
        Basis of the columns that do not name one.
    labels : bool
        Index the rows by the figures' labels (else by key).
    """
    keys = list(keys)
    columns: dict[str, list[object]] = {}
    for name, kw in switches.items():
        kw = dict(kw)
        b = kw.pop("basis", basis)
        col: list[object] = []
        for k in keys:
            if all(reads_option(k, o) for o in kw):
                col.append(value(k, b, **kw))
            else:
                col.append(NO_EFFECT)
        columns[name] = col
    index = [figure(k).label if labels else k for k in keys]
    return pd.DataFrame(columns, index=pd.Index(index, name="figure"))


def policy_functions(
    keys: Iterable[str], **options: Any
) -> dict[str, Callable[[pd.DataFrame, str], float]]:
    """Figures as ``func(table, policy)`` by label, for
    :func:`tiptrends.methods.sensitivity.sensitivity_table` (``"<5"`` policies, exclusions)."""

    def make(key: str) -> Callable[[pd.DataFrame, str], float]:
        return lambda data, policy: evaluate(key, data, **(options | {"suppressed": policy}))

    return {figure(k).label: make(k) for k in keys}


def basis_difference(key: str) -> str:
    """One sentence on why figure ``key`` differs between the two bases (or that it does not).

    Computed from :func:`value` on the reproduction, the reproduction with the collection's
    exclusions and the re-analysis, so the sentence always matches the recorded numbers.
    """
    fig = figure(key)
    rep, cur = value(key, "report"), value(key, "current")

    def fmt(v: float) -> str:
        text = f"{v:,.{fig.precision}f}"
        return text + ("%" if fig.unit == "%" else "")

    if rep == cur:
        return (
            "Same on both bases: neither the vintage rule nor the collection's exclusions touch "
            "the country-years of this figure."
        )
    with_exclusions = value(key, "report", exclusions=True)
    return (
        f"The re-analysis ({fmt(cur)}) applies the collection's exclusions and not the vintage "
        f"rule; the reproduction ({fmt(rep)}) reads the release as published, without the "
        f"restatements the vintage rule flags; with the exclusions it gives {fmt(with_exclusions)}."
    )


def recorded(results: Mapping[str, Any], key: str, basis: Basis = "report") -> float | None:
    """The value recorded for figure ``key`` on ``basis`` in a results table, if any."""
    entry = results.get(key if basis_name(basis) == "report" else key + CURRENT_SUFFIX)
    if entry is None:
        return None
    return float(entry["value"] if isinstance(entry, Mapping) else entry)
