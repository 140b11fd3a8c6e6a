"""Chapter 12: every published figure over the space of defensible specifications.

:func:`results` assembles everything the chapter shows from
:mod:`tiptrends.methods.multiverse` (the space, the grid of values, tolerances, the
summaries); :func:`curve_figure` draws specification curves with the dot matrix of choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from tiptrends.methods import figures, verdicts
from tiptrends.methods import multiverse as mv
from tiptrends.vocab import FORCED_LABOUR  # noqa: F401  (the form the claim names)

FL, SE, OTHER = (
    "forced_labour_share_2022_pct",
    "sexual_exploitation_share_2022_pct",
    "other_forms_share_2022_pct",
)

CLAIMS: tuple[tuple[str, str, str], ...] = (
    ("Forced labour is 42% of detected victims (2022)", FL, "pr2025_forced_labour_share_world_pct"),
    (
        "Over 50,000 victims detected in 2021",
        "victims_total_2021_pooled_all",
        "pr2025_victims_total_2021",
    ),
    (
        "Detected victims up 25% from 2019 to 2022",
        "victims_change_2019_2022_pct",
        "glotip2024_victims_change_2019_2022_pct",
    ),
    (
        "Forced-labour victims up 47% from 2019 to 2022",
        "forced_labour_change_2019_2022_pct",
        "glotip2024_forced_labour_change_2019_2022_pct",
    ),
    (
        "Child victims up 31% from 2019 to 2022",
        "children_change_2019_2022_pct",
        "glotip2024_children_change_2019_2022_pct",
    ),
    (
        "Children are 38% of detected victims (2022)",
        "children_share_2022_pct",
        "glotip2024_children_share_2022_pct",
    ),
)
"""Claims of the press releases re-judged over the space: text, figure, published row."""

GROUPS: dict[str, tuple[str, ...]] = {
    "shares": (
        FL,
        SE,
        OTHER,
        "eu_forced_labour_share_2022_pct",
        "children_share_2022_pct",
        "girls_share_2022_pct",
        "boys_share_2022_pct",
        "women_share_2022_pct",
        "men_share_2022_pct",
        "children_share_2020_pct",
        "eu_children_share_2022_pct",
        "african_share_of_foreign_victims_2022_pct",
        "population_coverage_2019_2022_pct",
    ),
    "changes": (
        "victims_change_2019_2022_pct",
        "victims_change_2020_2022_pct",
        "forced_labour_change_2019_2022_pct",
        "children_change_2019_2022_pct",
        "convictions_change_2017_2020_pct",
        "foreign_victims_change_2019_2020_pct",
    ),
    "counts": (
        "victims_total_2022",
        "victims_total_2022_pooled_all",
        "victims_total_2021_pooled_all",
        "eu_victims_2021",
        "eu_victims_2022",
        "eu_convicted_2022",
        "victim_nationalities_2022",
        "countries_with_data_2019_2022",
    ),
}
"""The figures of the chapter, in three figures of curves (every key of the tolerances)."""


@dataclass
class Results:
    """What chapter 12 shows."""

    space: mv.Space
    grid: pd.DataFrame
    summary: pd.DataFrame
    spread: pd.DataFrame
    joint: pd.DataFrame
    claims: pd.DataFrame
    axes: pd.DataFrame
    codebook: pd.DataFrame
    numbers: dict[str, float]
    shares: dict[str, float]
    texts: dict[str, str]


def keys() -> list[str]:
    """The published figures of the chapter (every figure of the tolerances table)."""
    return [k for group in GROUPS.values() for k in group]


def axes_table(space: mv.Space) -> pd.DataFrame:
    """Axes and values with their reasons; pre-specified values marked; unavailable listed."""
    rows = [
        {
            "Axis": a.label,
            "Value": v.text,
            "Pre-specified": "Yes" if v.value == a.default else "",
            "Why it is defensible": v.why,
        }
        for a in space.axes
        for v in a.values
    ]
    declared = mv.declared_labels()
    rows += [
        {
            "Axis": declared.get(name, (name, {}))[0],
            "Value": declared.get(name, (name, {}))[1].get(v, str(v)),
            "Pre-specified": "",
            "Why it is defensible": "not evaluated: no registered figure takes this choice yet",
        }
        for name, v, _why in space.unavailable
    ]
    rows += [
        {
            "Axis": "invalid",
            "Value": "; ".join(
                f"{_axis_label(space, k)}: {' or '.join(space.text(k, x) for x in v)}"
                for k, v in when.items()
            ),
            "Pre-specified": "",
            "Why it is defensible": f"left out: {why}",
        }
        for when, why in space.invalid
    ]
    return pd.DataFrame(rows)


def _axis_label(space: mv.Space, name: str) -> str:
    try:
        return space.axis(name).label
    except StopIteration:
        return name


#: Columns of the downloadable grid besides the axes: header -> what it holds.
DOWNLOAD_COLUMNS = {
    "Figure": "The figure (its label on Headline numbers)",
    "Specification": "Number of the specification within the figure (0 = the first declared)",
    "Value": "The figure under the specification, in the figure's unit",
    "Unit": "The figure's unit",
    "Pre-specified": "Yes for the collection's pre-specified choices (the reproduction)",
    "Published": "The published figure",
    "Within tolerance": "Yes when the value holds the published figure within its tolerance",
}


def _axis_header(a: mv.Axis) -> str:
    return a.short or a.label


def codebook(space: mv.Space) -> pd.DataFrame:
    """Columns of the downloadable grid and what they hold."""
    axes = {
        _axis_header(a): f"{a.label}: {', '.join(v.text for v in a.values)}; "
        f"'{mv.NOT_READ}' where the figure does not read it"
        for a in space.axes
    }
    first = dict(list(DOWNLOAD_COLUMNS.items())[:2])
    rest = dict(list(DOWNLOAD_COLUMNS.items())[2:])
    rows = {**first, **axes, **rest}
    return pd.Series(rows, name="What it holds").rename_axis("Column").reset_index()


def claims_table(grid: pd.DataFrame) -> pd.DataFrame:
    """Each claim: the share of specifications under each verdict of the one rule."""
    rows = []
    for text, key, pid in CLAIMS:
        shares = mv.verdict_shares(grid, key, verdicts.published_figure(pid))
        pre = float(grid.loc[(grid["figure"] == key) & grid["prespecified"], "value"].iloc[0])
        rows.append(
            {
                "Claim": text,
                "Pre-specified": verdicts.verdict(pre, verdicts.published_figure(pid)),
                **{
                    f"{w} (% of specifications)": shares[w]
                    for w in verdicts.VERDICTS
                    if w != verdicts.NOT_TESTABLE
                },
            }
        )
    return pd.DataFrame(rows)


RESULTS_CODE = ("tiptrends.analyses.multiverse",)
"""The module computing the stored tables of :func:`results` (with every module it imports:
the grid's, the registry, the published figures' reader)."""


def results_product_name() -> str:
    """File name of the stored tables of :func:`results` (beside the grid's)."""
    return mv.product_name().replace("multiverse_grid", "multiverse_results", 1)


def _tables(ks: Sequence[str], space: mv.Space, grid: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables of :func:`results` that take longest to compute from the grid: the published
    targets (reading them loads and checks the published figures), the spread by axis, the
    joint fit and the claims."""
    targets = mv.published_targets(ks)
    within = mv.add_within(grid, targets)
    return {
        "targets": targets,
        "spread": mv.spread_by_axis(within, [a.name for a in space.axes]),
        "joint": mv.joint_fit(within, targets, space),
        "claims": claims_table(within),
    }


def stored_tables(ks: Sequence[str], space: mv.Space, grid: pd.DataFrame) -> dict[str, Any]:
    """:func:`_tables` of the declared space as a derived data product: read when the data
    (every file the grid reads, the published figures and tolerances among them) and the
    code are unchanged, else computed and stored (by the first kernel that asks)."""
    from tiptrends.io import derived

    return derived.load_or_build(
        results_product_name(),
        lambda: _tables(ks, space, grid),
        inputs=mv.product_inputs(),
        code=RESULTS_CODE,
    )


def results() -> Results:
    """Everything chapter 12 shows (the grid from :func:`mv.run_cached`, the tables that take
    longest from :func:`stored_tables`)."""
    space = mv.load_space()
    ks = keys()
    raw = mv.run_cached(ks, space)
    tables = stored_tables(ks, space, raw)
    targets = tables["targets"]
    grid = mv.add_within(raw, targets)
    summary = mv.summary(grid, targets)
    spread, joint = tables["spread"], tables["joint"]
    pre_rank = int(np.flatnonzero(joint["prespecified"].to_numpy())[0]) + 1
    main_form = mv.share_of_specs(
        grid, [FL, SE, OTHER], lambda w: (w[FL] > w[SE]) & (w[FL] > w[OTHER])
    )
    inside = (summary["low"] <= summary["published"]) & (summary["published"] <= summary["high"])
    numbers = {
        "mv_specifications": len(grid),
        "mv_figures": len(ks),
        "mv_full_space": len(joint),
        "mv_best_held": int(joint["held"].iloc[0]),
        "mv_pre_held": int(joint.loc[joint["prespecified"], "held"].iloc[0]),
        "mv_pre_rank": pre_rank,
        "mv_published_inside": int(inside.sum()),
    }
    fl = summary.loc[FL]
    shares = {
        "mv_fl_main_form": main_form,
        "mv_median_within": float(summary["within_pct"].median()),
        "mv_fl_low": float(fl["low"]),
        "mv_fl_high": float(fl["high"]),
        "mv_fl_pre": float(fl["prespecified"]),
        "mv_fl_published": float(fl["published"]),
        "mv_fl_within": float(fl["within_pct"]),
    }
    never = int((summary["within_pct"] == 0).sum())
    ties = int((joint["held"] == joint["held"].iloc[0]).sum()) - 1
    texts = {
        **{f"mv_moves_{group}": _moves_most(spread, group, space) for group in GROUPS},
        "mv_never_within_phrase": (
            "no figure is"
            if never == 0
            else f"{never:,} figure is"
            if never == 1
            else f"{never:,} figures are"
        ),
        "mv_best_ties_phrase": (
            "no other specification holds as many"
            if ties == 0
            else f"{ties:,} other specification holds as many"
            if ties == 1
            else f"{ties:,} other specifications hold as many"
        ),
    }
    return Results(
        space,
        grid,
        summary,
        spread,
        joint,
        tables["claims"],
        axes_table(space),
        codebook(space),
        numbers,
        shares,
        texts,
    )


SUMMARY_COLUMNS = {
    "specifications": "Specifications",
    "published": "Published figure",
    "tolerance": "Tolerance",
    "prespecified": "Reproduction (pre-specified)",
    "low": "Lowest",
    "high": "Highest",
    "within_pct": "Within tolerance (% of specifications)",
}
"""Columns of the summary table as a reader sees them."""


def summary_table(r: Results) -> pd.DataFrame:
    """Each figure over its specifications, with readers' labels and column names."""
    out = r.summary.rename(index=label)[list(SUMMARY_COLUMNS)].rename(columns=SUMMARY_COLUMNS)
    return out.rename_axis("Figure")


def spread_table(r: Results) -> pd.DataFrame:
    """Share (%) of each figure's spread explained by each axis, axes by their labels."""
    out = r.spread.rename(index=label).dropna(axis=1, how="all")
    return out.rename(columns=lambda a: _axis_label(r.space, a)).rename_axis("Figure")


def joint_table(r: Results, n: int = 10) -> pd.DataFrame:
    """The ``n`` full specifications holding the most figures, and the pre-specified one,
    with readers' labels of every choice."""
    top = r.joint.head(n)
    rows = pd.concat([top, r.joint[r.joint["prespecified"]]]).drop_duplicates()
    axes = [c for c in rows.columns if c not in ("held", "figures", "prespecified")]
    out = pd.DataFrame(
        {_axis_label(r.space, a): rows[a].map(lambda v, a=a: r.space.text(a, v)) for a in axes}
    )
    out["Figures held"] = rows["held"].to_numpy()
    out["Figures compared"] = rows["figures"].to_numpy()
    out["Pre-specified"] = np.where(rows["prespecified"], "Yes", "")
    return out.reset_index(drop=True)


def _moves_most(spread: pd.DataFrame, group: str, space: mv.Space) -> str:
    """The label of the choice explaining most of the spread of ``group``'s figures (the
    highest mean share over them), quoted as the table heads it."""
    shares = spread.loc[[k for k in GROUPS[group] if k in spread.index]].mean()
    return f'"{_axis_label(space, str(shares.idxmax()))}"'


def download_table(r: Results) -> pd.DataFrame:
    """The grid as offered for download: one row per figure and specification, every choice
    a column in readers' words (the codebook says what each column holds)."""
    g = r.grid
    yes_no = {True: "Yes", False: "No"}
    out = pd.DataFrame(
        {
            "Figure": g["figure"].map(lambda k: figures.figure(k).label),
            "Specification": g["spec"],
        }
    )
    for a in r.space.axes:
        out[_axis_header(a)] = g[a.name].map(lambda v, name=a.name: r.space.text(name, v))
    out["Value"] = g["value"]
    out["Unit"] = g["figure"].map(lambda k: figures.figure(k).unit)
    out["Pre-specified"] = g["prespecified"].map(yes_no)
    out["Published"] = g["figure"].map(r.summary["published"])
    out["Within tolerance"] = g["within"].map(yes_no).where(g["within"].notna(), "")
    return out[list(r.codebook["Column"])]


def label(key: str) -> str:
    """The figure's label."""
    return figures.figure(key).label


def curve_figure(r: Results, group: str, columns: int = 2) -> Figure:
    """Specification curves of the figures of ``group``: values sorted, the published
    figure (line) and its tolerance band (shaded), the pre-specified value (ring), and
    beneath each curve the dot matrix of the choices of each specification."""
    ks = GROUPS[group]
    rows = -(-len(ks) // columns)
    fig = plt.figure(figsize=(3.6 * columns, 4.2 * rows))  # page width: text legible as shown
    outer = fig.add_gridspec(rows, columns, hspace=0.55, wspace=0.45)
    for i, key in enumerate(ks):
        _curve(fig, outer[i // columns, i % columns], r, key)
    return fig


def note_axes(fig: Figure) -> Any:
    """The axes of a figure of curves under which its source note goes: the lowest of the
    first column, so that the note runs across the page rather than past its edge from the
    second column (where it would be wrapped when saved)."""
    left = min(ax.get_position().x0 for ax in fig.axes)
    column = [ax for ax in fig.axes if np.isclose(ax.get_position().x0, left)]
    return min(column, key=lambda ax: ax.get_position().y0)


def _curve(fig: Figure, cell: Any, r: Results, key: str) -> None:
    g = r.grid[r.grid["figure"] == key].sort_values("value", kind="stable").reset_index(drop=True)
    read = [a for a in r.space.axes if (g[a.name] != mv.NOT_READ).any()]
    inner = cell.subgridspec(2, 1, height_ratios=[2, max(len(read), 1) * 0.4], hspace=0.05)
    top, bottom = fig.add_subplot(inner[0]), fig.add_subplot(inner[1])
    s = r.summary.loc[key]
    x = np.arange(len(g))
    band = (
        (s["published"], g["value"].max())
        if s["kind"] == "bound"
        else (s["published"] - s["tolerance"], s["published"] + s["tolerance"])
    )
    top.axhspan(*band, color="0.85", zorder=0)
    top.axhline(s["published"], color="0.3", lw=0.8)
    top.scatter(x, g["value"], s=4, c=np.where(g["within"], "#1b7837", "#762a83"), lw=0)
    pre = g.index[g["prespecified"]]
    top.scatter(pre, g.loc[pre, "value"], s=40, facecolors="none", edgecolors="black", lw=1)
    top.set_title(_wrap(label(key), 30), fontsize=9)
    top.set_ylabel(unit_label(key), fontsize=8)
    top.set_xticks([])
    top.tick_params(labelsize=8)
    _matrix(bottom, g, read)


def _matrix(ax: Any, g: pd.DataFrame, read: Sequence[mv.Axis]) -> None:
    levels = []
    for axis in read:
        codes = {v.value: j for j, v in enumerate(axis.values)}
        levels.append(g[axis.name].map(codes).astype(float) / max(len(axis.values) - 1, 1))
    # every row of the matrix in one collection, row after row: one image, drawn once
    ax.scatter(
        np.tile(np.arange(len(g)), len(read)),
        np.repeat(np.arange(len(read)), len(g)),
        c=np.concatenate(levels) if levels else [],
        cmap="viridis",
        s=3,
        lw=0,
        rasterized=True,  # thousands of dots: an image in the SVG, not one element each
        vmin=0,
        vmax=1,
    )
    ax.set_yticks(range(len(read)), [a.short or a.label for a in read], fontsize=7)
    ax.set_ylim(len(read) - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_xlabel("specifications, sorted by value", fontsize=8)


UNITS = {"%": "per cent"}
"""The y-axis label of a curve by the figure's unit (other units as they are)."""


def unit_label(key: str) -> str:
    """The y-axis label of figure ``key``'s curve: its unit, a change said so."""
    unit = figures.figure(key).unit
    if key in GROUPS["changes"] and unit == "%":
        return "change, per cent"
    return UNITS.get(unit, unit)


def _wrap(text: str, width: int = 42) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join([*lines, line])
