"""Flow diagrams and tier plots in the house style.

:func:`plot_flow_diagram` draws a Sankey-style bipartite chart of origin -> destination flows
(columns ``origin_iso3``, ``destination_iso3`` and a value); :func:`plot_tier_rates` draws
detection rates by US TIP tier. Both take tables, not chapter logic; the colours of
citizenship statuses and of TIP tiers are fixed here for the whole collection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypedDict, Unpack

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.ticker import MaxNLocator

from tiptrends.io.countries import country_table
from tiptrends.report.style import (
    OKABE_ITO,
    REGION_COLOURS,
    SOURCE_COLOUR,
    legend_outside,
    source_note,
)
from tiptrends.vocab import TIERS

FLOW_KEY = ["origin_iso3", "destination_iso3"]
"""Columns of a flows table: where victims come from and where they are detected."""

ORIGIN_COLOURS: dict[str, str] = {
    "domestic": OKABE_ITO["bluish_green"],
    "foreign": OKABE_ITO["vermillion"],
    "unknown": SOURCE_COLOUR,
}


TIER_COLOURS: dict[str, str] = dict(
    zip(
        TIERS,
        (
            OKABE_ITO["sky_blue"],
            OKABE_ITO["blue"],
            OKABE_ITO["orange"],
            OKABE_ITO["vermillion"],
        ),
        strict=True,
    )
)


class Labels(TypedDict, total=False):
    """Title and source note of a chart (:func:`tiptrends.report.style.source_note`)."""

    title: str
    source: str
    release: str
    note: str


def _axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> tuple[Figure, Axes]:
    """A new figure of ``figsize`` (default the house size), or the figure of ``ax``."""
    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def _label(ax: Axes, labels: Labels, pad: float | None = None) -> None:
    """Set the title and the source note of ``labels`` on ``ax``."""
    if labels.get("title"):
        ax.set_title(labels["title"], pad=pad)
    if labels.get("source"):
        source_note(ax, labels["source"], labels.get("release"), labels.get("note"))


def origin_region_colours(origins: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Colour per country of origin by its UN region, and the legend of the regions used.

    Parameters
    ----------
    origins : iterable of str
        ISO3 codes.

    Returns
    -------
    colours : dict
        ISO3 -> colour of its UN region (:data:`tiptrends.report.style.REGION_COLOURS`;
        black when the region is unknown).
    legend : dict
        Region -> colour, for the regions present, in the palette's order.
    """
    region_of = country_table().set_index("iso3")["un_region"].to_dict()
    codes = list(origins)
    colours = {i: REGION_COLOURS.get(region_of.get(i), OKABE_ITO["black"]) for i in codes}
    present = {region_of.get(i) for i in codes}
    legend = {r: c for r, c in REGION_COLOURS.items() if r in present}
    return colours, legend


def _band(x0: float, x1: float, top0: float, bot0: float, top1: float, bot1: float) -> MplPath:
    """Closed path of a flow band: cubic Bezier edges from (x0, top0/bot0) to (x1, top1/bot1)."""
    xm = (x0 + x1) / 2
    verts = [
        (x0, top0),
        (xm, top0),
        (xm, top1),
        (x1, top1),
        (x1, bot1),
        (xm, bot1),
        (xm, bot0),
        (x0, bot0),
        (x0, top0),
    ]
    codes = [
        MplPath.MOVETO,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.LINETO,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CLOSEPOLY,
    ]
    return MplPath(verts, codes)


def flow_layout(flows: pd.DataFrame, value: str = "victims", gap: float = 0.02) -> dict:
    """Positions of nodes and bands of a two-column flow chart (no drawing).

    Origins are stacked top-down on the left by their total (largest at the top),
    destinations likewise on the right; node heights equal their totals; ``gap`` is the
    space between nodes as a fraction of the grand total.

    Parameters
    ----------
    flows : pandas.DataFrame
        ``origin_iso3, destination_iso3`` and ``value``.
    value : str
    gap : float

    Returns
    -------
    dict
        ``left`` / ``right``: DataFrames indexed by node with ``total, top, bottom``;
        ``bands``: ``origin_iso3, destination_iso3, value, top0, bot0, top1, bot1``.
    """
    f = flows[[*FLOW_KEY, value]].rename(columns={value: "value"})
    total = float(f["value"].sum())
    space = gap * total

    def stack(column: str) -> pd.DataFrame:
        tot = f.groupby(column)["value"].sum()
        tot = tot.sort_values(ascending=False, kind="stable")
        heights = tot.to_numpy()
        tops = -(np.concatenate([[0.0], np.cumsum(heights)[:-1]]) + space * np.arange(len(tot)))
        return pd.DataFrame(
            {"total": heights, "top": tops, "bottom": tops - heights}, index=tot.index
        )

    left, right = stack("origin_iso3"), stack("destination_iso3")
    bands = f.copy()
    bands["o_pos"] = bands["origin_iso3"].map(pd.Series(range(len(left)), index=left.index))
    bands["d_pos"] = bands["destination_iso3"].map(pd.Series(range(len(right)), index=right.index))
    bands = bands.sort_values(["o_pos", "d_pos"])
    off = bands.groupby("origin_iso3")["value"].cumsum() - bands["value"]
    bands["top0"] = bands["origin_iso3"].map(left["top"]) - off
    bands["bot0"] = bands["top0"] - bands["value"]
    bands = bands.sort_values(["d_pos", "o_pos"])
    off = bands.groupby("destination_iso3")["value"].cumsum() - bands["value"]
    bands["top1"] = bands["destination_iso3"].map(right["top"]) - off
    bands["bot1"] = bands["top1"] - bands["value"]
    bands = bands.sort_values(["o_pos", "d_pos"]).drop(columns=["o_pos", "d_pos"])
    return {"left": left, "right": right, "bands": bands.reset_index(drop=True)}


def plot_flow_diagram(
    flows: pd.DataFrame,
    *,
    value: str = "victims",
    labels: Mapping[str, str] | None = None,
    colours: Mapping[str, str] | None = None,
    colour_legend: Mapping[str, str] | None = None,
    legend_title: str | None = None,
    left_title: str = "Country of citizenship",
    right_title: str = "Country of detection",
    unit: str = "victims",
    ax: Axes | None = None,
    **text: Unpack[Labels],
) -> tuple[Figure, Axes]:
    """Sankey-style bipartite flow chart: origins left, destinations right.

    Band thickness is proportional to ``value``; a scale bar under the chart gives the
    unit (the vertical axis has no other scale, so it carries no tick labels); the two
    columns are labelled by ``left_title`` and ``right_title``.

    Parameters
    ----------
    flows : pandas.DataFrame
        ``origin_iso3, destination_iso3, value`` (e.g. the top rows of :func:`corridors`).
    value : str
        Column with the flow sizes.
    labels : mapping, optional
        Display name per ISO3 (default the code).
    colours : mapping, optional
        Band colour per origin ISO3 (default the house blue).
    colour_legend : mapping, optional
        Legend entries label -> colour (e.g. regions of origin).
    legend_title : str, optional
        Title of that legend.
    left_title, right_title : str
        Column headings (they label the two axes of the chart).
    unit : str
        Unit of ``value`` for the node labels and the scale bar.
    ax : matplotlib.axes.Axes, optional
    **text
        ``title``, ``source``, ``release``, ``note`` (:class:`Labels`).

    Returns
    -------
    (Figure, Axes)
    """
    if flows.empty:
        raise ValueError("plot_flow_diagram: no flows to draw")
    lay = flow_layout(flows, value)
    left, right, bands = lay["left"], lay["right"], lay["bands"]
    n = max(len(left), len(right))
    fig, ax = _axes(ax, (8.0, max(4.5, 0.32 * n + 1.8)))
    names = dict(labels or {})
    cmap = dict(colours or {})
    default = OKABE_ITO["blue"]
    w = 0.035
    for _, b in bands.iterrows():
        path = _band(w, 1 - w, b["top0"], b["bot0"], b["top1"], b["bot1"])
        ax.add_patch(
            PathPatch(
                path,
                facecolor=cmap.get(b["origin_iso3"], default),
                alpha=0.55,
                edgecolor="white",
                linewidth=0.3,
            )
        )
    for side, nodes, x in (("left", left, 0.0), ("right", right, 1 - w)):
        for code, r in nodes.iterrows():
            colour = cmap.get(code, default) if side == "left" else OKABE_ITO["black"]
            ax.add_patch(
                Rectangle((x, r["bottom"]), w, r["total"], facecolor=colour, edgecolor="none")
            )
            node_label = f"{names.get(code, code)} ({r['total']:,.0f})"
            xt, ha = (-0.01, "right") if side == "left" else (1.01, "left")
            ax.text(xt, (r["top"] + r["bottom"]) / 2, node_label, ha=ha, va="center", fontsize=8)
    low = min(left["bottom"].min(), right["bottom"].min())
    total = float(left["total"].sum())
    scale = float(10 ** np.floor(np.log10(max(total / 10, 1))))
    ax.add_patch(
        Rectangle(
            (0.5 - w / 2, low - 0.02 * total - scale),
            w,
            scale,
            facecolor=SOURCE_COLOUR,
            edgecolor="none",
        )
    )
    ax.text(
        0.5 + w,
        low - 0.02 * total - scale / 2,
        f"= {scale:,.0f} {unit}",
        va="center",
        fontsize=8,
        color=SOURCE_COLOUR,
    )
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(low - 0.04 * total - scale, 0.02 * total)
    ax.set_xticks([w / 2, 1 - w / 2], [left_title, right_title])
    ax.xaxis.set_ticks_position("top")
    ax.tick_params(axis="x", length=0, labelsize=10)
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if colour_legend:
        handles = [Rectangle((0, 0), 1, 1, facecolor=c, alpha=0.7) for c in colour_legend.values()]
        ax.legend(
            handles,
            list(colour_legend),
            loc="lower right",
            bbox_to_anchor=(0.97, 0.06),
            fontsize=8,
            title=legend_title,
            title_fontsize=8,
        )
    _label(ax, text, pad=24)
    return fig, ax


def plot_tier_rates(
    joined: pd.DataFrame, *, ax: Axes | None = None, **text: Unpack[Labels]
) -> tuple[Figure, Axes]:
    """Detection rate by TIP tier: one dot per country-year (log scale) and the tier median.

    Parameters
    ----------
    joined : pandas.DataFrame
        :func:`tiptrends.analyses.flows.tier_rates` output.
    ax : matplotlib.axes.Axes, optional
    **text
        ``title``, ``source``, ``release``, ``note`` (:class:`Labels`).

    Returns
    -------
    (Figure, Axes)
    """
    fig, ax = _axes(ax, (7.0, 4.4))
    rng = np.random.default_rng(0)
    floor = joined.loc[joined["rate_per_100k"] > 0, "rate_per_100k"].min()
    for i, tier in enumerate(TIERS):
        vals = joined.loc[joined["tier"] == tier, "rate_per_100k"].to_numpy(dtype=float)
        if not len(vals):
            continue
        x = i + rng.uniform(-0.25, 0.25, len(vals))
        ax.scatter(
            x, np.maximum(vals, floor), s=8, alpha=0.45, color=TIER_COLOURS[tier], edgecolors="none"
        )
        ax.hlines(
            np.median(vals),
            i - 0.32,
            i + 0.32,
            color=OKABE_ITO["black"],
            lw=2.2,
            label="Median" if i == 0 else None,
        )
    ax.set_yscale("log")
    ax.set_xticks(range(len(TIERS)), list(TIERS))
    ax.grid(axis="x", visible=False)
    legend_outside(ax)
    ax.set_xlabel("US TIP report tier")
    ax.set_ylabel("Detected victims per 100,000 inhabitants (log scale)")
    _label(ax, text)
    return fig, ax


def plot_status_counts(
    counts: pd.DataFrame, *, ax: Axes | None = None, **text: Unpack[Labels]
) -> tuple[Figure, Axes]:
    """Stacked bars of detected victims per year by citizenship status.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``year`` and one column per status of :data:`ORIGIN_COLOURS` (e.g.
        :func:`tiptrends.analyses.flows.origin_counts`), stacked in that order.
    ax : matplotlib.axes.Axes, optional
    **text
        ``title``, ``source``, ``release``, ``note`` (:class:`Labels`).

    Returns
    -------
    (Figure, Axes)
    """
    fig, ax = _axes(ax)
    by_year = counts.set_index("year")
    bottom = pd.Series(0.0, index=by_year.index)
    for status, colour in ORIGIN_COLOURS.items():
        ax.bar(by_year.index, by_year[status], bottom=bottom, color=colour, label=status)
        bottom += by_year[status]
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole years, no 2012.5
    ax.set_xlabel("Year")
    ax.set_ylabel("Detected victims (persons)")
    legend_outside(ax, title="Citizenship status")
    _label(ax, text)
    return fig, ax
