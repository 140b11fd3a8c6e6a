"""The specification space of the headline figures, and every figure over it.

A *specification* is one choice on each axis a computation of a headline figure has to make
(data basis, exclusions, ``"<5"`` policy, denominator, aggregation, panel, form fallback,
...). The space is declared once as data (``data/multiverse/axes.toml``: each axis value with
a one-line reason, invalid combinations with why); the published figures' tolerances too
(``data/multiverse/tolerances.csv``). :func:`run` evaluates registered figures over the
space through :func:`tiptrends.methods.figures.value` (or :func:`~tiptrends.methods.figures.
evaluate` on a caller's table) and nothing else, so a value here is the value the chapters
would give under the same options. A figure reads only the axes of its
:attr:`~tiptrends.methods.figures.Figure.reads` (plus the data axes): the others collapse.
Values are cached per process by figure and keyword arguments; the order of rows is the
order of the declared axes, so the grid is deterministic.

This is the specification curve of Simonsohn, Simmons and Nelson (2020) and the multiverse
analysis of Steegen et al. (2016): it describes the space; it does not pick a rule.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import itertools
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tiptrends import paths, settings
from tiptrends.methods import figures, verdicts

NOT_READ = "(not read)"
"""What the grid shows on an axis a figure does not read."""

DATA_AXES = frozenset({"basis"})
"""Axis switches that are arguments of :func:`figures.value` itself, not options."""


def axes_path() -> Path:
    """``data/multiverse/axes.toml``."""
    return paths.data_dir() / "multiverse" / "axes.toml"


def tolerances_path() -> Path:
    """``data/multiverse/tolerances.csv``."""
    return paths.data_dir() / "multiverse" / "tolerances.csv"


@dataclass(frozen=True)
class AxisValue:
    """One value of an axis: its name, the keywords it sets, why it is defensible and the
    reader's label (the value itself when none is declared)."""

    value: Any
    sets: Mapping[str, Any]
    why: str
    label: str = ""

    @property
    def text(self) -> str:
        """What a reader sees for this value."""
        return self.label or str(self.value)


@dataclass(frozen=True)
class Axis:
    """One axis: name, reader's label, the keyword of :func:`figures.value` it switches."""

    name: str
    label: str
    switch: str
    values: tuple[AxisValue, ...]
    default: Any = None
    """The pre-specified value: the one whose keywords are :func:`figures.value`'s defaults."""
    short: str = ""
    """A short name for tight places (the rows of a dot matrix); the label when none."""


@dataclass(frozen=True)
class Space:
    """The declared specification space: axes, invalid combinations, unavailable values."""

    axes: tuple[Axis, ...]
    invalid: tuple[tuple[Mapping[str, tuple[Any, ...]], str], ...] = ()
    unavailable: tuple[tuple[str, Any, str], ...] = field(default=())

    def axis(self, name: str) -> Axis:
        """The axis called ``name``."""
        return next(a for a in self.axes if a.name == name)

    def text(self, name: str, value: Any) -> str:
        """Reader's label of ``value`` on axis ``name`` (:data:`NOT_READ` unchanged)."""
        return next((v.text for v in self.axis(name).values if v.value == value), str(value))

    @property
    def prespecified(self) -> dict[str, Any]:
        """The collection's pre-specified choice on every axis."""
        return {a.name: a.default for a in self.axes}


def accepted_keywords() -> frozenset[str]:
    """Keywords :func:`figures.value` accepts: ``basis``, its data switches, the options."""
    params = set(inspect.signature(figures.value).parameters) - {"key", "options"}
    return frozenset(params | figures.OPTION_NAMES)


def registry_defaults() -> dict[str, Any]:
    """The keywords :func:`figures.value` uses when given none: its basis, the rules that
    basis applies (``figures.core.BASIS_RULES`` where the registry has it), its switches'
    defaults and the defaults of :class:`figures.Options`."""
    params = inspect.signature(figures.value).parameters
    out: dict[str, Any] = {
        name: p.default
        for name, p in params.items()
        if p.default is not inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD
    }
    rules = getattr(figures.core, "BASIS_RULES", {}).get(out.get("basis", "report"), {})
    for name, rule in rules.items():
        if out.get(name) is None:
            out[name] = rule
    out.update(dataclasses.asdict(figures.Options()))
    return out


def load_space(path: Path | None = None, accepted: Iterable[str] | None = None) -> Space:
    """Read the space from ``axes.toml``; drop values whose keywords are not accepted.

    Parameters
    ----------
    path : Path, optional
        Default :func:`axes_path`.
    accepted : iterable of str, optional
        Keywords :func:`figures.value` accepts (default :func:`accepted_keywords`): a value
        setting another keyword (a switch not yet in the registry) is listed in
        ``Space.unavailable`` and left out; an axis left without values is dropped.
    """
    raw = tomllib.loads((path or axes_path()).read_text())
    ok = frozenset(accepted if accepted is not None else accepted_keywords())
    axes, unavailable = [], []
    defaults = registry_defaults()
    for a in raw["axis"]:
        values = []
        for v in a["values"]:
            sets = dict(v.get("set", {a["switch"]: v["value"]}))
            missing = sorted(set(sets) - ok)
            if missing:
                unavailable.append((a["name"], v["value"], f"figures.value has no {missing[0]!r}"))
            else:
                values.append(AxisValue(v["value"], sets, v["why"], v.get("label", "")))
        if values:
            default = next(
                (v.value for v in values if all(defaults.get(k) == x for k, x in v.sets.items())),
                values[0].value,
            )
            axes.append(
                Axis(a["name"], a["label"], a["switch"], tuple(values), default, a.get("short", ""))
            )
    invalid = []
    for rule in raw.get("invalid", []):
        when = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in rule["when"].items()}
        invalid.append((when, rule["why"]))
    return Space(tuple(axes), tuple(invalid), tuple(unavailable))


def declared_labels(path: Path | None = None) -> dict[str, tuple[str, dict[Any, str]]]:
    """Every declared axis, available or not: name -> (label, value -> the value's label)."""
    raw = tomllib.loads((path or axes_path()).read_text())
    return {
        a["name"]: (
            a["label"],
            {v["value"]: v.get("label") or str(v["value"]) for v in a["values"]},
        )
        for a in raw["axis"]
    }


def axes_read(key: str, space: Space, *, custom_table: bool = False) -> tuple[Axis, ...]:
    """Axes of ``space`` that figure ``key`` reads (the others collapse).

    Data axes (the basis and :func:`figures.value`'s switches) are read by every figure whose
    report basis differs from its current release; on a caller's table there are none.
    """
    fig = figures.figure(key)
    out = []
    for axis in space.axes:
        keywords = set().union(*(v.sets for v in axis.values))
        if keywords & figures.OPTION_NAMES:
            if all(figures.reads_option(key, k) for k in keywords):
                out.append(axis)
        elif not custom_table and not (axis.name == "basis" and fig.report_data == "current"):
            out.append(axis)
    return tuple(out)


def is_invalid(spec: Mapping[str, Any], space: Space) -> str | None:
    """Why ``spec`` is an invalid combination, or None (a rule naming an axis the
    specification lacks does not apply)."""
    for when, why in space.invalid:
        if all(name in spec and spec[name] in vals for name, vals in when.items()):
            return why
    return None


def specifications(key: str, space: Space, *, custom_table: bool = False) -> pd.DataFrame:
    """Every valid combination of the axes figure ``key`` reads, pre-specified first."""
    read = axes_read(key, space, custom_table=custom_table)
    rows = [
        dict(zip([a.name for a in read], combo, strict=True))
        for combo in itertools.product(*[[v.value for v in a.values] for a in read])
    ]
    rows = [r for r in rows if is_invalid(r, space) is None]
    return pd.DataFrame(rows, columns=[a.name for a in read])


def keywords(spec: Mapping[str, Any], space: Space) -> dict[str, Any]:
    """Keyword arguments of :func:`figures.value` for a specification."""
    out: dict[str, Any] = {}
    for name, value in spec.items():
        axis = space.axis(name)
        out.update(next(v.sets for v in axis.values if v.value == value))
    return out


@functools.cache
def _value(key: str, kw: tuple[tuple[str, Any], ...]) -> float:
    return figures.value(key, **dict(kw))


def run(
    keys: Sequence[str],
    space: Space | None = None,
    *,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every figure of ``keys`` over its specifications.

    Parameters
    ----------
    keys : sequence of str
        Registered figures.
    space : Space, optional
        Default :func:`load_space`.
    table : DataFrame, optional
        Evaluate on this table (:func:`figures.evaluate`); the data axes then collapse.

    Returns
    -------
    DataFrame
        One row per figure and specification: ``figure``, ``spec`` (0 = pre-specified), one
        column per axis (:data:`NOT_READ` where the figure does not read it), ``value`` and
        ``prespecified``.
    """
    space = space or load_space()
    pre = space.prespecified
    frames = []
    for key in keys:
        specs = specifications(key, space, custom_table=table is not None)
        vals = []
        for spec in specs.to_dict("records"):
            kw = keywords(spec, space)
            if table is None:
                vals.append(_value(key, tuple(sorted(kw.items()))))
            else:
                vals.append(figures.evaluate(key, table, **kw))
        out = specs.assign(figure=key, spec=range(len(specs)), value=vals)
        out["prespecified"] = [
            all(r[a] == pre[a] for a in specs.columns) for _, r in specs.iterrows()
        ]
        frames.append(out)
    grid = pd.concat(frames, ignore_index=True)
    for axis in space.axes:
        col = grid[axis.name] if axis.name in grid else pd.Series(np.nan, index=grid.index)
        grid[axis.name] = col.astype(object).where(col.notna(), NOT_READ)
    return grid[["figure", "spec", *[a.name for a in space.axes], "value", "prespecified"]]


def run_in_processes(
    keys: Sequence[str], space: Space | None = None, *, processes: int | None = None
) -> pd.DataFrame:
    """:func:`run` with the figures shared out over ``processes`` processes.

    Every ``processes``-th figure goes to one process (this one computes the first share
    while the others start); the parts are put back in the order of ``keys``, so the result
    is :func:`run` ``(keys, space)`` row for row. ``processes`` defaults to the CPUs; one
    process, or one figure, is :func:`run` itself.
    """
    import os

    space = space or load_space()
    n = min(processes or os.cpu_count() or 1, len(keys))
    if n <= 1 or len(set(keys)) < len(keys):
        return run(keys, space)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    shares = [list(keys[i::n]) for i in range(n)]
    # spawn, not fork: the parent's Arrow and BLAS threads must not be copied mid-lock
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n - 1, mp_context=context) as pool:
        futures = [pool.submit(run, share, space) for share in shares[1:]]
        parts = [run(shares[0], space), *(f.result() for f in futures)]
    by_figure = {k: part[part["figure"] == k] for part in parts for k in part["figure"].unique()}
    return pd.concat([by_figure[k] for k in keys], ignore_index=True)


# ----------------------------------------------------------------------------- tolerances
def load_tolerances(path: Path | None = None) -> pd.DataFrame:
    """``tolerances.csv`` indexed by figure key: ``tolerance``, ``kind``, ``source``."""
    return pd.read_csv(path or tolerances_path()).set_index("key")


def published_targets(keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Published figure, tolerance and kind of each figure with a tolerance.

    Returns
    -------
    DataFrame
        Index figure key: ``published``, ``tolerance``, ``kind`` (``value``: within
        ``tolerance`` of it; ``bound``: at least the published figure), ``published_id``.
    """
    from tiptrends.io import published

    tol = load_tolerances()
    keys = list(tol.index) if keys is None else [k for k in keys if k in tol.index]
    rows = {}
    for k in keys:
        pid = figures.figure(k).published_id
        rows[k] = {
            "published": float(published.published_value(pid)),
            "tolerance": float(tol.loc[k, "tolerance"]),
            "kind": tol.loc[k, "kind"],
            "published_id": pid,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def within(values: pd.Series, published: float, tolerance: float, kind: str) -> pd.Series:
    """True where a value holds the published figure (within tolerance, or over a bound)."""
    if kind == "bound":
        return values >= published
    return (values - published).abs() <= tolerance


def add_within(grid: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """``grid`` restricted to figures of ``targets`` with column ``within``."""
    g = grid[grid["figure"].isin(targets.index)].copy()
    t = targets.loc[g["figure"]]
    value = g["value"].to_numpy(float)
    published, tolerance = t["published"].to_numpy(float), t["tolerance"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        # within() row by row, for all rows at once; a value that is not finite holds nothing
        held = np.where(
            t["kind"].to_numpy() == "bound",
            value >= published,
            np.abs(value - published) <= tolerance,
        )
    g["within"] = held & np.isfinite(value)
    return g


def summary(grid: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Per figure: specifications, low, high, pre-specified value, share within tolerance."""
    g = add_within(grid, targets)
    out = g.groupby("figure", sort=False).agg(
        specifications=("value", "size"),
        low=("value", "min"),
        high=("value", "max"),
        within_pct=("within", lambda s: 100 * s.mean()),
    )
    out["prespecified"] = g[g["prespecified"]].set_index("figure")["value"]
    return out.join(targets[["published", "tolerance", "kind"]])


def spread_by_axis(grid: pd.DataFrame, axes: Sequence[str]) -> pd.DataFrame:
    """Share (%) of each figure's variance across specifications explained by each axis.

    For each figure and each axis it reads: the variance of the means by the axis's values
    over the total variance (eta squared of a one-way layout; 0 where the figure does not
    vary; the shares need not sum to 100 when axes interact).
    """
    rows = []
    for key, g in grid.groupby("figure", sort=False):
        g = g[np.isfinite(g["value"].astype(float))]
        total = float(((g["value"] - g["value"].mean()) ** 2).sum())
        row = {"figure": key}
        for a in axes:
            if (g[a] == NOT_READ).all():
                row[a] = np.nan
                continue
            means = g.groupby(a)["value"].transform("mean")
            between = float(((means - g["value"].mean()) ** 2).sum())
            row[a] = 100 * between / total if total > 0 else 0.0
        rows.append(row)
    return pd.DataFrame(rows).set_index("figure")


def joint_fit(grid: pd.DataFrame, targets: pd.DataFrame, space: Space) -> pd.DataFrame:
    """Every full specification (a value on every axis some figure reads) with the number
    of figures of ``targets`` it holds within tolerance, most first (ties: declared order).

    A figure's value at a full specification is its value at the specification's values
    of the axes it reads.
    """
    g = add_within(grid, targets)
    used = [a for a in space.axes if (g[a.name] != NOT_READ).any()]
    full = specifications_over(used, space)
    full["held"] = 0
    full["figures"] = 0
    for _, fg in g.groupby("figure", sort=False):
        read = [a.name for a in used if (fg[a.name] != NOT_READ).all()]
        m = full[read].merge(fg[[*read, "within"]], on=read, how="left")["within"]
        full["held"] += m.fillna(False).astype(int).to_numpy()
        full["figures"] += m.notna().astype(int).to_numpy()
    pre = space.prespecified
    full["prespecified"] = (
        full[[a.name for a in used]] == pd.Series({a.name: pre[a.name] for a in used})
    ).all(axis=1)
    full["order"] = range(len(full))
    return full.sort_values(["held", "order"], ascending=[False, True]).drop(columns="order")


def specifications_over(axes: Sequence[Axis], space: Space) -> pd.DataFrame:
    """Valid combinations of ``axes``, in declared order."""
    rows = [
        dict(zip([a.name for a in axes], combo, strict=True))
        for combo in itertools.product(*[[v.value for v in a.values] for a in axes])
    ]
    rows = [r for r in rows if is_invalid(r, space) is None]
    return pd.DataFrame(rows, columns=[a.name for a in axes])


def verdict_shares(grid: pd.DataFrame, key: str, published: verdicts.Published) -> pd.Series:
    """Share (%) of ``key``'s specifications under each verdict of the one verdict rule
    (:func:`tiptrends.methods.verdicts.verdict`, each specification judged alone)."""
    vals = grid.loc[grid["figure"] == key, "value"]
    words = vals.map(lambda v: verdicts.verdict(v, published))
    return (100 * words.value_counts(normalize=True)).reindex(verdicts.VERDICTS, fill_value=0.0)


def share_of_specs(
    grid: pd.DataFrame, keys: Sequence[str], test: Callable[[pd.DataFrame], pd.Series]
) -> float:
    """Share (%) of the specifications common to ``keys`` where ``test`` holds.

    ``test`` takes a frame with one column per key (the figures side by side, one row per
    specification) and returns a boolean per row.
    """
    g = grid[grid["figure"].isin(keys)]
    axes = [c for c in g.columns if c not in ("figure", "spec", "value", "prespecified")]
    wide = g.pivot_table(index=axes, columns="figure", values="value", aggfunc="first")
    wide = wide.dropna()
    return float(100 * test(wide[list(keys)]).mean())


# ----------------------------------------------------------------------------- stored grid
def grid_keys() -> list[str]:
    """The figures of the stored grid: every figure with a published tolerance."""
    return list(load_tolerances().index)


def storable(grid: pd.DataFrame) -> pd.DataFrame:
    """``grid`` with its axis columns as text (a Parquet column holds one type; an axis
    column mixes the declared values with :data:`NOT_READ`)."""
    axes = [c for c in grid.columns if c not in ("figure", "spec", "value", "prespecified")]
    return grid.astype({a: str for a in axes}).astype({"prespecified": bool})


def restored(stored: pd.DataFrame, space: Space) -> pd.DataFrame:
    """The grid of :func:`storable` with each axis's declared values back (``True``, not
    ``"True"``)."""
    out = stored.copy()
    for axis in space.axes:
        values = {str(v.value): v.value for v in axis.values} | {NOT_READ: NOT_READ}
        out[axis.name] = out[axis.name].map(values).astype(object)
    return out


PRODUCT_CODE = ("tiptrends.methods.multiverse",)
"""Modules that compute the stored grid (with every module they import: the registry)."""


def product_name() -> str:
    """File name of the specification grid of chapter 12."""
    return f"multiverse_grid_{settings.CURRENT_RELEASE}_{settings.EARLIER_RELEASE}"


def product_inputs() -> list[Path]:
    """Every data file a figure of the registry can read: all of ``data/`` but the raw files
    (pinned by the manifest, which is included), the curated tables' stamps (their tables
    are included by content), the derived products themselves and the README files. The
    curated tables are taken from :func:`tiptrends.paths.curated_dir`, per-user when
    installed."""
    data, curated, out = paths.data_dir(), paths.curated_dir(), []
    for p in sorted(data.rglob("*")):
        rel = p.relative_to(data).parts
        if not p.is_file() or rel[0] == "raw" or curated in p.parents or p.suffix == ".md":
            continue
        out.append(p)
    # the curated tables wherever they are (per-user when installed), without their stamps
    # and the derived products
    out += sorted(p for p in curated.glob("*") if p.is_file() and p.suffix != ".json")
    return out


def stored_product(build: Callable[[], Any]) -> Any:
    """The specification grid of chapter 12, computed by ``build`` (:func:`stored_grid`
    passes :func:`run`): read when its inputs and code are unchanged, else built and stored,
    by ``tiptrends data build`` before the chapters run."""
    from tiptrends.io import derived

    return derived.load_or_build(product_name(), build, inputs=product_inputs(), code=PRODUCT_CODE)


def stored_grid() -> pd.DataFrame:
    """:func:`run` of :func:`grid_keys` over the declared space, a derived data product.

    Built by ``tiptrends data build`` (before the chapters run, so its cost is counted in
    ``make report``) and read in well under a second afterwards; stamped with every data
    file a figure can read and the code of this module and the registry
    (:func:`stored_product`), rebuilt when either
    changes. Returned as stored (:func:`storable`).
    """
    return stored_product(lambda: storable(run_in_processes(grid_keys(), load_space())))


def run_cached(keys: Sequence[str], space: Space | None = None) -> pd.DataFrame:
    """:func:`run` of ``keys`` on the data bases over the declared space, read from
    :func:`stored_grid` (figures it does not hold, or another space, are computed)."""
    declared = load_space()
    if space is not None and space != declared:
        return run(keys, space)
    grid = restored(stored_grid(), declared)
    missing = [k for k in keys if k not in set(grid["figure"])]
    parts = [grid[grid["figure"].isin(keys)]]
    if missing:
        parts.append(run(missing, declared))
    out = pd.concat(parts, ignore_index=True)
    order = {k: i for i, k in enumerate(keys)}
    out = out.sort_values(
        ["figure", "spec"], key=lambda c: c.map(order) if c.name == "figure" else c
    )
    return out.reset_index(drop=True)
