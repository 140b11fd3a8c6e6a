"""Scatter plots of countries in the house style: one point per country, coloured by group."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from tiptrends.report.style import OKABE_ITO, colour_for, legend_outside, source_note


def plot_country_scatter(
    table: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    *,
    xlabel: str,
    ylabel: str,
    title: str,
    source: str,
    note: str | None = None,
    log_x: bool = False,
    log_y: bool = True,
    line: tuple[float, float] | None = None,
    legend_title: str | None = None,
) -> tuple[Figure, Axes]:
    """One point per row of ``table`` at (``x``, ``y``), coloured by ``group``.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows to draw; rows with a missing or (on a log axis) non-positive coordinate are
        left out.
    x, y, group : str
        Columns of the coordinates and of the colour group (colours from
        :func:`tiptrends.report.style.colour_for`).
    xlabel, ylabel, title, source : str
        Axis labels (with units), title and source of the note under the chart.
    note : str, optional
        Note after the source.
    log_x, log_y : bool
        Logarithmic axes.
    line : (float, float), optional
        ``(intercept, slope)`` of a line drawn over the points, in the units of ``x`` and
        of ``log10(y)`` when ``log_y`` (e.g. a Theil-Sen line fitted on the log scale).
    legend_title : str, optional

    Returns
    -------
    (Figure, Axes)
    """
    keep = table[x].notna() & table[y].notna()
    for column, log in ((x, log_x), (y, log_y)):
        if log:
            keep &= table[column] > 0
    shown = table[keep]
    fig, ax = plt.subplots(figsize=(7.0, 5.0))
    for name, part in shown.groupby(group):
        ax.scatter(part[x], part[y], s=22, alpha=0.85, color=colour_for(str(name)), label=name)
    if line is not None:
        xs = np.linspace(shown[x].min(), shown[x].max(), 50)
        ys = line[0] + line[1] * xs
        ax.plot(
            xs, 10**ys if log_y else ys, color=OKABE_ITO["black"], lw=1.5, label="Theil-Sen line"
        )
    if log_x:
        ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    legend_outside(ax, title=legend_title, fontsize=9)
    source_note(ax, source, None, note)
    return fig, ax
