"""House style for every figure of the collection.

Call :func:`use_house_style` once at the top of a notebook; draw with the chart
helpers (or plain matplotlib using :func:`colour_for`); finish every figure with
:func:`source_note` and :func:`save_figure`, which writes PNG and SVG files under
``_build/figures/``, records the alternative text and displays the figure so that
the rendered HTML page carries the alt text.

All colours come from the Okabe-Ito palette (safe for the common forms of colour
blindness) and are fixed per category, so a form of exploitation or a sex x age
group has the same colour in every notebook.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from tiptrends import paths, vocab
from tiptrends.report.results import write_bytes_atomic

# Okabe, M. & Ito, K. (2008). Color Universal Design. https://jfly.uni-koeln.de/color/
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Default colour cycle (yellow last: it is hard to see on white).
CYCLE: tuple[str, ...] = tuple(
    OKABE_ITO[k]
    for k in (
        "blue",
        "orange",
        "bluish_green",
        "vermillion",
        "reddish_purple",
        "sky_blue",
        "black",
        "yellow",
    )
)

FORCED_CRIMINALITY = "Forced criminality"

#: Fixed colours of the forms of exploitation (plus forced criminality and the total).
FORM_COLOURS: dict[str, str] = {
    vocab.SEXUAL: OKABE_ITO["reddish_purple"],
    vocab.FORCED_LABOUR: OKABE_ITO["blue"],
    vocab.OTHER_FORMS: OKABE_ITO["bluish_green"],
    FORCED_CRIMINALITY: OKABE_ITO["orange"],
    vocab.TOTAL: OKABE_ITO["black"],
}

#: Fixed colours of the four sex x age groups (keys of ``vocab.SEX_AGE_GROUPS``).
SEX_AGE_COLOURS: dict[str, str] = {
    "women": OKABE_ITO["vermillion"],
    "men": OKABE_ITO["blue"],
    "girls": OKABE_ITO["orange"],
    "boys": OKABE_ITO["sky_blue"],
}

#: Fixed colours of the UNODC regions.
REGION_COLOURS: dict[str, str] = dict(
    zip(
        vocab.UNODC_REGIONS,
        (
            OKABE_ITO["orange"],
            OKABE_ITO["blue"],
            OKABE_ITO["vermillion"],
            OKABE_ITO["bluish_green"],
            OKABE_ITO["reddish_purple"],
        ),
        strict=True,
    )
)

SOURCE_COLOUR = "#555555"
PNG_DPI = 150

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

HOUSE_RC: dict[str, Any] = {
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": PNG_DPI,
    "savefig.bbox": "tight",
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=list(CYCLE)),
    "lines.linewidth": 2.0,
    "svg.fonttype": "none",
}


def seaborn_theme() -> dict[str, Any]:
    """Keyword arguments of ``seaborn.set_theme`` that give the house style.

    The axes style and the plotting context are matplotlib's defaults with :data:`HOUSE_RC`
    over them, the palette is :data:`CYCLE`: ``sns.set_theme(**seaborn_theme())`` gives the
    house style whatever theme was set before (seaborn's own ``darkgrid`` included).

    Returns
    -------
    dict
        ``context``, ``style``, ``palette``, ``font`` and ``rc``.
    """
    import seaborn as sns

    default = mpl.rcParamsDefault
    return {
        "context": {k: HOUSE_RC.get(k, default[k]) for k in sns.plotting_context(None)},
        "style": {k: HOUSE_RC.get(k, default[k]) for k in sns.axes_style(None)},
        "palette": list(CYCLE),
        "font": HOUSE_RC.get("font.family", default["font.family"]),
        "rc": HOUSE_RC,
    }


def use_house_style() -> None:
    """Apply the house style to matplotlib's global ``rcParams`` and as seaborn's theme.

    Readable font sizes, no top/right spines, a light grid, 100 dpi on screen and
    150 dpi when saved, text kept as text in SVG, and the Okabe-Ito colour cycle. Seaborn's
    plots (a researcher's own included) take the same colours, fonts and axes
    (:func:`seaborn_theme`); matplotlib's figures are the same with or without seaborn.
    """
    mpl.rcParams.update(HOUSE_RC)
    try:
        import seaborn as sns
    except ModuleNotFoundError:  # no seaborn, no seaborn plots to theme
        return
    sns.set_theme(**seaborn_theme())


def colour_for(label: str) -> str:
    """Return the fixed colour of a form, sex x age group, region or "Total".

    Parameters
    ----------
    label : str
        A form of exploitation (``vocab.FORMS``, "Forced criminality", "Total"), a
        sex x age group ("women", "men", "girls", "boys") or a UNODC region.

    Returns
    -------
    str
        Hex colour.

    Raises
    ------
    KeyError
        If the label has no fixed colour.
    """
    for table in (FORM_COLOURS, SEX_AGE_COLOURS, REGION_COLOURS):
        if label in table:
            return table[label]
    lowered = label.lower()
    if lowered in SEX_AGE_COLOURS:
        return SEX_AGE_COLOURS[lowered]
    raise KeyError(f"no house colour for {label!r}; pass colours explicitly")


def _colours(labels: Sequence[str]) -> dict[str, str]:
    """Fixed colours where defined, the cycle (skipping used colours) elsewhere."""
    out: dict[str, str] = {}
    for label in labels:
        try:
            out[label] = colour_for(str(label))
        except KeyError:
            pass
    spare = [c for c in CYCLE if c not in out.values()] or list(CYCLE)
    i = 0
    for label in labels:
        if label not in out:
            out[label] = spare[i % len(spare)]
            i += 1
    return out


class FigureRuleWarning(UserWarning):
    """A saved figure breaks one of the house figure rules (see :func:`figure_problems`)."""


#: gid of the text written by :func:`source_note` (``save_figure`` checks it is there).
SOURCE_NOTE_GID = "source-note"


def source_note(ax: Axes, source: str, release: str | None = None, note: str | None = None) -> None:
    """Write "Source: ... (release ...)" in small grey type under the axes.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes under which the note goes (bottom left, below the tick labels).
    source : str
        Who published the data, e.g. "UNODC GLOTIP".
    release : str, optional
        Release of the data, e.g. "2025-04-14".
    note : str, optional
        A further line (definitions, caveats).
    """
    if not source or not source.strip():
        raise ValueError("source_note needs a non-empty source")
    text = f"Source: {source.strip()}"
    if release:
        text += f" (release {release})"
    if note:
        text += f"\n{note}"
    ax.annotate(
        text,
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -36),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=8,
        color=SOURCE_COLOUR,
        annotation_clip=False,
        gid=SOURCE_NOTE_GID,
    )


def _record_alt(directory: Path, name: str, alt: str) -> None:
    from filelock import FileLock

    index = directory / "alt_text.json"
    with FileLock(str(directory / ".alt_text.json.lock")):
        try:
            table = json.loads(index.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            table = {}
        table[name] = alt
        text = json.dumps(dict(sorted(table.items())), indent=1, ensure_ascii=False)
        write_bytes_atomic(index, (text + "\n").encode("utf-8"))


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def figure_bundle(
    png: bytes, alt: str, width: int | None = None, *, name: str | None = None, csv: bool = False
) -> tuple[dict, dict]:
    """Return the (data, metadata) MIME bundle that displays a PNG with alt text.

    nbconvert's default (lab) HTML template ignores the ``alt`` metadata of
    ``image/png`` outputs, so the bundle carries a ``text/html`` ``<img alt=...>``
    with the PNG as a data URI (preferred by HTML export and by Jupyter), plus
    ``image/png`` with ``alt`` metadata for other exporters and ``text/plain``.
    """
    b64 = base64.b64encode(png).decode("ascii")
    size = f' width="{width}"' if width else ""
    tag = (
        f'<img src="data:image/png;base64,{b64}" alt="{html.escape(alt, quote=True)}"'
        f'{size} class="tiptrends-figure">'
    )
    data = {"text/html": tag, "image/png": b64, "text/plain": f"<Figure: {alt}>"}
    meta: dict[str, Any] = {"image/png": {"alt": alt}}
    if width:
        meta["image/png"]["width"] = width
    if name:  # the book links the figure's files (PNG, SVG, CSV of its data) under it
        meta["image/png"]["tiptrends_figure"] = name
        meta["image/png"]["csv"] = csv
    return data, meta


def default_figures_dir() -> Path:
    """Where :func:`save_figure` writes by default.

    Under a render (or ``tiptrends profile``), which sets ``TIPTRENDS_BUILD_DIR``: the
    build's ``figures/``. Anywhere else (JupyterLab, ``jupyter nbconvert``, a script):
    ``_build/scratch/figures/`` of the project, never the current directory, because a
    kernel's current directory is ``notebooks/``, whose files are inputs of every
    notebook's render cache key, and the site's figures stay the render's own.
    """
    if os.environ.get("TIPTRENDS_BUILD_DIR"):
        return paths.figures_dir()
    return paths.scratch_dir() / "figures"


def save_figure(
    fig: Figure,
    name: str,
    alt: str,
    *,
    directory: str | Path | None = None,
    data: pd.DataFrame | pd.Series | None = None,
) -> Path:
    """Save a figure as PNG and SVG (and its data as CSV), record its alt text and display it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The finished figure.
    name : str
        File stem (letters, digits, ``_``, ``-``, ``.``), unique in the collection,
        e.g. ``"01_victims_by_form"``.
    alt : str
        Alternative text: what the figure shows, for readers who cannot see it.
    directory : str or Path, optional
        Output directory. Default: ``_build/figures/`` of the build being made (a render or
        ``tiptrends profile`` sets ``TIPTRENDS_BUILD_DIR``); outside a build (JupyterLab,
        nbconvert, a script), ``_build/scratch/figures/`` (:func:`default_figures_dir`), so
        an analysis of your own never writes into the site nor into ``notebooks/``.
    data : pandas.DataFrame or Series, optional
        The numbers drawn, written beside the image as ``<name>.csv`` (the book links it
        under the figure) so that readers can reuse them.

    Returns
    -------
    Path
        The PNG file. In a Jupyter kernel the figure is also displayed (with its
        alt text in the HTML output) and then closed, so it is not shown twice.

    Raises
    ------
    ValueError
        If ``alt`` is empty, ``name`` is not a plain file stem, or the figure has no
        :func:`source_note` (every figure of the collection states its source).

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib.pyplot as plt
    >>> use_house_style()
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([2020, 2021, 2022], [39.7, 39.9, 25.7])
    >>> source_note(ax, "UNODC GLOTIP data portal", release="2025-04-14")
    >>> folder = Path(tempfile.mkdtemp())
    >>> save_figure(fig, "fl_share", alt="Forced-labour share, 2020-2022", directory=folder).name
    'fl_share.png'
    >>> sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    ['alt_text.json', 'fl_share.png', 'fl_share.svg']
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"save_figure({name!r}): alt text is required (describe the figure)")
    if not _NAME_RE.match(name):
        raise ValueError(f"save_figure: {name!r} is not a plain file stem")
    if not fig.findobj(lambda artist: artist.get_gid() == SOURCE_NOTE_GID):
        raise ValueError(
            f"save_figure({name!r}): the figure has no source note (call style.source_note first)"
        )
    alt = alt.strip()
    for problem in figure_problems(fig):
        warnings.warn(f"save_figure({name!r}): {problem}", FigureRuleWarning, stacklevel=2)
    out = Path(directory) if directory is not None else default_figures_dir()
    out.mkdir(parents=True, exist_ok=True)

    import io

    meta = {"Title": name, "Description": alt}
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI, metadata=meta)
    png = buf.getvalue()
    svg = io.BytesIO()
    fig.savefig(svg, format="svg", metadata=meta)
    png_path = out / f"{name}.png"
    write_bytes_atomic(png_path, png)
    write_bytes_atomic(out / f"{name}.svg", svg.getvalue())
    if data is not None:
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        index = not isinstance(frame.index, pd.RangeIndex)
        write_bytes_atomic(out / f"{name}.csv", frame.to_csv(index=index).encode("utf-8"))
    _record_alt(out, name, alt)
    fig.alt_text = alt  # type: ignore[attr-defined]

    if _in_kernel():
        from IPython.display import display

        width = round(fig.get_figwidth() * 100)
        bundle, md = figure_bundle(png, alt, width=width, name=name, csv=data is not None)
        display(bundle, raw=True, metadata=md)
    plt.close(fig)
    return png_path


# --------------------------------------------------------------------------- charts


def _integer_ticks(axes: Iterable[Axes], values: pd.Series, nbins: int | str = "auto") -> None:
    """Whole-number ticks on x axes that show whole numbers (years): no 2012.5."""
    if pd.api.types.is_integer_dtype(values) or (
        pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all()
    ):
        from matplotlib.ticker import MaxNLocator

        for ax in axes:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=nbins))


def _finish(
    ax: Axes,
    xlabel: str,
    ylabel: str,
    title: str | None,
    source: str | None,
    release: str | None,
    note: str | None,
) -> None:
    if not xlabel or not ylabel:
        raise ValueError("axis labels (with units) are required")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if source:
        source_note(ax, source, release, note)


def plot_shares_over_time(
    df: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    lower: str | None = None,
    upper: str | None = None,
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    source: str | None = None,
    release: str | None = None,
    note: str | None = None,
    colours: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Line chart of one series per group over time, with optional interval bands.

    Parameters
    ----------
    df : pandas.DataFrame
        Long table with columns ``x``, ``y``, ``group`` (and ``lower``/``upper``).
    x, y, group : str
        Column names: time, value, series.
    lower, upper : str, optional
        Columns with the interval bounds, drawn as a translucent band.
    xlabel, ylabel : str
        Axis labels, with units (e.g. "Share of detected victims (%)").
    title, source, release, note : str, optional
        Title; source note under the axes (see :func:`source_note`).
    colours : mapping, optional
        Colour per group; default the house colours, else the cycle.
    ax : matplotlib.axes.Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    (Figure, Axes)

    Examples
    --------
    >>> shares = pd.DataFrame({"year": [2021, 2022, 2021, 2022],
    ...                        "form": ["Forced labour"] * 2 + ["Sexual exploitation"] * 2,
    ...                        "share_pct": [39.9, 25.7, 38.6, 45.3]})
    >>> fig, ax = plot_shares_over_time(shares, "year", "share_pct", "form", xlabel="Year",
    ...                                 ylabel="Share of victims (%)", source="UNODC GLOTIP")
    >>> [line.get_label() for line in ax.get_lines()]
    ['Forced labour', 'Sexual exploitation']
    >>> ax.get_lines()[0].get_color() == colour_for("Forced labour")
    True
    """
    if ax is None:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    groups = list(pd.unique(df[group]))
    palette = {**_colours(groups), **(colours or {})}
    for g in groups:
        part = df[df[group] == g].sort_values(x)
        colour = palette[g]
        ax.plot(part[x], part[y], color=colour, label=str(g), marker="o", markersize=3)
        if lower is not None and upper is not None:
            ax.fill_between(part[x], part[lower], part[upper], color=colour, alpha=0.18, lw=0)
    if len(groups) > 1:
        legend_outside(ax)
    _integer_ticks([ax], df[x])
    _finish(ax, xlabel, ylabel, title, source, release, note)
    return fig, ax


def plot_published_vs_reproduced(
    table: pd.DataFrame,
    *,
    xlabel: str,
    ylabel: str = "Figure",
    title: str | None = None,
    source: str | None = None,
    release: str | None = None,
    note: str | None = None,
) -> tuple[Figure, Axes]:
    """Dot plot comparing published figures with their reproduction.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``label``, ``published``, ``reproduced``; optionally
        ``published_low`` and ``published_high`` (published range, drawn as a bar).
    xlabel : str
        Value axis label with units.
    ylabel : str
        Label of the category axis.
    title, source, release, note : str, optional
        Title and source note.

    Returns
    -------
    (Figure, Axes)
    """
    missing = {"label", "published", "reproduced"} - set(table.columns)
    if missing:
        raise ValueError(f"table lacks columns {sorted(missing)}")
    n = len(table)
    fig, ax = plt.subplots(figsize=(7.0, max(2.0, 0.45 * n + 1.2)))
    pos = list(range(n))[::-1]
    if {"published_low", "published_high"} <= set(table.columns):
        ax.hlines(
            pos,
            table["published_low"],
            table["published_high"],
            color=OKABE_ITO["sky_blue"],
            lw=6,
            alpha=0.5,
            label="Published range",
        )
    ax.scatter(
        table["published"],
        pos,
        s=60,
        facecolors="white",
        edgecolors=OKABE_ITO["black"],
        linewidths=1.5,
        zorder=3,
        label="Published",
    )
    ax.scatter(
        table["reproduced"],
        pos,
        s=28,
        color=OKABE_ITO["vermillion"],
        zorder=4,
        label="Reproduced",
    )
    ax.set_yticks(pos, [str(v) for v in table["label"]])
    ax.grid(axis="y", visible=False)
    legend_outside(ax)
    _finish(ax, xlabel, ylabel, title, source, release, note)
    return fig, ax


def plot_country_ranking(
    series: pd.Series,
    top: int = 20,
    *,
    xlabel: str,
    ylabel: str = "Country",
    title: str | None = None,
    source: str | None = None,
    release: str | None = None,
    note: str | None = None,
    colour: str = OKABE_ITO["blue"],
) -> tuple[Figure, Axes]:
    """Horizontal bars of the ``top`` largest values, largest at the top.

    Parameters
    ----------
    series : pandas.Series
        Values indexed by country name.
    top : int
        Number of countries shown.
    xlabel : str
        Value axis label with units.
    ylabel, title, source, release, note : str, optional
        Category axis label, title and source note.
    colour : str
        Bar colour.

    Returns
    -------
    (Figure, Axes)
    """
    data = series.dropna().sort_values(ascending=False).head(top)[::-1]
    fig, ax = plt.subplots(figsize=(7.0, max(2.0, 0.28 * len(data) + 1.2)))
    ax.barh([str(i) for i in data.index], data.to_numpy(), color=colour)
    ax.grid(axis="y", visible=False)
    _finish(ax, xlabel, ylabel, title, source, release, note)
    return fig, ax


def small_multiples(
    df: pd.DataFrame,
    facet: str,
    x: str,
    y: str,
    group: str,
    *,
    xlabel: str,
    ylabel: str,
    ncols: int = 3,
    sharey: bool = True,
    title: str | None = None,
    source: str | None = None,
    release: str | None = None,
    note: str | None = None,
) -> tuple[Figure, Any]:
    """One small panel per ``facet`` value (e.g. region), one line per ``group``.

    Parameters
    ----------
    df : pandas.DataFrame
        Long table with columns ``facet``, ``x``, ``y``, ``group``.
    facet, x, y, group : str
        Column names.
    xlabel, ylabel : str
        Axis labels with units (shown once, on the outer panels).
    ncols : int
        Panels per row.
    sharey : bool
        Same value axis in every panel.
    title, source, release, note : str, optional
        Figure title and source note (under the last row).

    Returns
    -------
    (Figure, numpy.ndarray of Axes)
    """
    if not xlabel or not ylabel:
        raise ValueError("axis labels (with units) are required")
    facets = list(pd.unique(df[facet]))
    nrows = -(-len(facets) // ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(PAGE_WIDTH_IN, (PAGE_WIDTH_IN / ncols) * 0.8 * nrows + 0.9),
        sharex=True,
        sharey=sharey,
        squeeze=False,
    )
    palette = _colours(list(pd.unique(df[group])))
    for i, (value, ax) in enumerate(zip(facets, axes.flat, strict=False)):
        part = df[df[facet] == value]
        for g, sub in part.groupby(group, sort=False):
            sub = sub.sort_values(x)
            ax.plot(sub[x], sub[y], color=palette[g], label=str(g), lw=1.6)
        ax.set_title(fit_title(ax, str(value), fontsize=10), fontsize=10)
        if i % ncols == 0:
            ax.set_ylabel(ylabel)
    _integer_ticks(axes.flat, df[x], nbins=3 if ncols >= 3 else 5)  # narrow panels: few ticks
    for ax in list(axes.flat)[len(facets) :]:
        ax.set_visible(False)
    for col in range(ncols):  # x label on the lowest visible panel of each column
        visible = [axes[r][col] for r in range(nrows) if axes[r][col].get_visible()]
        if visible:
            visible[-1].set_xlabel(xlabel)
            visible[-1].xaxis.set_tick_params(labelbottom=True)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    if len(labels) > 1:  # one legend above the panels and their titles
        legend = fig.legend(handles, labels, loc="lower left", ncols=min(len(labels), 4))
        _legend_above_panels(fig, legend, title_text=fig._suptitle if title else None)
    if source:
        source_note(axes[-1][0], source, release, note)
    return fig, axes


def _titles(ax: Axes) -> list[Any]:
    """The panel's title texts that are set (matplotlib keeps left, centre and right titles
    apart; the house style uses the left one)."""
    found = [getattr(ax, a, None) for a in ("_left_title", "title", "_right_title")]
    return [t for t in found if t is not None and t.get_text()]


def _legend_above_panels(fig: Figure, legend: Any, title_text: Any = None) -> None:
    """Put a figure legend between the panels' titles and the figure title.

    The panels move down (``subplots_adjust``) until the legend clears their titles, which
    may take two lines, and stays under the figure title.
    """
    renderer = fig.canvas.get_renderer()
    height = fig.bbox.height
    for _ in range(4):
        fig.draw_without_rendering()  # titles take their place at draw time
        visible = [ax for ax in fig.axes if ax.get_visible()]
        tops = [ax.get_window_extent(renderer).y1 for ax in visible]
        tops += [t.get_window_extent(renderer).y1 for ax in visible for t in _titles(ax)]
        anchor = max(tops) / height + 0.01
        legend.set_bbox_to_anchor((0.01, anchor), transform=fig.transFigure)
        ceiling = (title_text.get_window_extent(renderer).y0 / height) if title_text else 1.0
        fig.draw_without_rendering()
        excess = legend.get_window_extent(renderer).y1 / height - (ceiling - 0.01)
        if excess <= 0:
            return
        fig.subplots_adjust(top=fig.subplotpars.top - excess)


# --------------------------------------------------------------------------- figure rules
#
# Rules every figure of the collection follows, checked by :func:`figure_problems` (and by
# ``save_figure``, which warns): whole-number years on time axes, tick labels that do not
# overlap, legends that do not cover data, panel titles that fit their panel, and text
# legible at the book's page width.

#: Width of the book's text column (inches at 100 dpi: about 700 px).
PAGE_WIDTH_IN = 7.0
#: Smallest font size, in points at page width, that stays legible.
MIN_FONT_PT = 7.0


def legend_outside(ax: Axes, **kwargs: Any) -> Any:
    """Place the legend to the right of the axes, outside the data area."""
    options = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "borderaxespad": 0.0}
    options.update(kwargs)
    return ax.legend(**options)


def fit_title(ax: Axes, title: str, *, fontsize: float = 10) -> str:
    """Wrap ``title`` onto lines that fit the width of ``ax`` (small-multiple panels)."""
    import textwrap

    fig = ax.figure
    width_in = ax.get_position().width * fig.get_figwidth()
    chars = max(8, int(width_in * 72 / (0.65 * fontsize)))
    return "\n".join(textwrap.wrap(title, chars)) or title


def _overlap(a: Any, b: Any) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _data_points(ax: Axes) -> list[tuple[float, float]]:
    import numpy as np

    points: list[tuple[float, float]] = []
    for line in ax.get_lines():
        xy = line.get_xydata()
        if len(xy):
            shown = ax.transData.transform(np.asarray(xy, dtype=float))
            points.extend(map(tuple, shown[np.isfinite(shown).all(axis=1)]))
    for collection in ax.collections:
        offsets = collection.get_offsets()
        if len(offsets) and collection.get_offset_transform() is ax.transData:
            shown = ax.transData.transform(np.asarray(offsets, dtype=float))
            points.extend(map(tuple, shown[np.isfinite(shown).all(axis=1)]))
    return points


def figure_problems(fig: Figure) -> list[str]:
    """Return the figure rules ``fig`` breaks (empty when it follows all of them).

    Checks, after drawing: fractional tick labels on an axis labelled as years; overlapping
    tick labels; a legend inside an axes that covers a data point; a figure legend over a
    panel or a panel title; a panel title wider than its panel; text smaller than :data:`MIN_FONT_PT` once the figure is scaled to the page
    width.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    problems: list[str] = []
    scale = min(1.0, PAGE_WIDTH_IN / fig.get_figwidth())
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        name = ax.get_title("left") or ax.get_title() or f"axes {i}"
        if "year" in ax.get_xlabel().lower() or _looks_like_years(ax):
            fractional = [
                t.get_text() for t in ax.get_xticklabels() if re.search(r"\d\.\d", t.get_text())
            ]
            if fractional:
                problems.append(f"{name}: fractional years on the x axis {fractional[:3]}")
        for axis_name, labels in (("x", ax.get_xticklabels()), ("y", ax.get_yticklabels())):
            boxes = [
                t.get_window_extent(renderer) for t in labels if t.get_visible() and t.get_text()
            ]
            for a, b in zip(boxes, boxes[1:], strict=False):
                if _overlap(a, b):
                    problems.append(f"{name}: overlapping {axis_name} tick labels")
                    break
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            box = legend.get_window_extent(renderer)
            inside = [
                p for p in _data_points(ax) if box.x0 <= p[0] <= box.x1 and box.y0 <= p[1] <= box.y1
            ]
            if inside:
                problems.append(f"{name}: the legend covers {len(inside)} data points")
        for title in _titles(ax):
            tw = title.get_window_extent(renderer).width
            aw = ax.get_window_extent(renderer).width
            if tw > aw * 1.02 and len(fig.axes) > 1:
                problems.append(f"{name}: the panel title is wider than the panel")
    for legend in [lg for lg in fig.legends if lg.get_visible()]:
        box = legend.get_window_extent(renderer)
        for i, ax in enumerate(fig.axes):
            if not ax.get_visible():
                continue
            name = ax.get_title("left") or ax.get_title() or f"axes {i}"
            covered = [ax.get_window_extent(renderer)]
            covered += [t.get_window_extent(renderer) for t in _titles(ax)]
            if any(_overlap(box, other) for other in covered):
                problems.append(f"{name}: the figure legend overlaps the panel or its title")
                break
    for text in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text")):
        if (
            text.get_visible()
            and text.get_text().strip()
            and text.get_fontsize() * scale < MIN_FONT_PT
        ):
            problems.append(
                f"text {text.get_text()[:30]!r} is {text.get_fontsize() * scale:.1f} pt at page width"
            )
            break
    return problems


def _looks_like_years(ax: Axes) -> bool:
    low, high = ax.get_xlim()
    return 1900 <= low <= 2100 and 1900 <= high <= 2100
