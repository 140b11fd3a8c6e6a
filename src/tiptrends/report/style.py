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
import contextlib
import html
import json
import os
import re
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
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
from tiptrends.report.startup import ALONE_ENV

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

#: Fixed colours of the stages of the criminal justice process (chapter 05 and the profiles).
JUSTICE_COLOURS: dict[str, str] = {
    "Brought into formal contact": OKABE_ITO["blue"],
    "Prosecuted": OKABE_ITO["orange"],
    "Convicted": OKABE_ITO["bluish_green"],
    "Detected victims": OKABE_ITO["vermillion"],
}

#: Fixed colours of the published figure and the two data bases.
BASIS_COLOURS: dict[str, str] = {
    "Published": OKABE_ITO["black"],
    "Published range": OKABE_ITO["sky_blue"],
    "Reproduced": OKABE_ITO["vermillion"],
    "Reproduction (report's data)": OKABE_ITO["vermillion"],
    "Re-analysis (current data)": OKABE_ITO["blue"],
}

#: The one series -> colour mapping of the book: every chart helper (and :func:`colour_for`,
#: :func:`palette`, the seaborn theme's named palette) takes a named series' colour from here,
#: so a series has the same colour in every figure. Later tables do not override earlier ones.
SERIES_COLOURS: dict[str, str] = {}
for _table in (FORM_COLOURS, SEX_AGE_COLOURS, REGION_COLOURS, JUSTICE_COLOURS, BASIS_COLOURS):
    for _label, _colour in _table.items():
        SERIES_COLOURS.setdefault(_label, _colour)
_SERIES_BY_LOWER: dict[str, str] = {k.lower(): v for k, v in SERIES_COLOURS.items()}

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
    house style whatever theme was set before (seaborn's own ``darkgrid`` included). For
    named series (``hue`` levels) pass ``palette=palette(levels)`` so that a series has its
    house colour (:data:`SERIES_COLOURS`) rather than the colour of its position.

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

    Seaborn is not imported for this (it takes about a second): seaborn draws with
    matplotlib's ``rcParams`` and colour cycle, so a seaborn imported later follows the
    house style. Only when seaborn is already loaded, and may have set a theme of its own,
    is the house style applied as its theme as well.
    """
    mpl.rcParams.update(HOUSE_RC)
    sns = sys.modules.get("seaborn")
    if sns is not None:
        sns.set_theme(**seaborn_theme())


def colour_for(label: str) -> str:
    """Return the fixed colour of a named series (:data:`SERIES_COLOURS`).

    Parameters
    ----------
    label : str
        A form of exploitation (``vocab.FORMS``, "Forced criminality", "Total"), a
        sex x age group ("women", "men", "girls", "boys"), a UNODC region, a stage of
        the justice process ("Prosecuted", "Convicted", ...) or a data basis
        ("Published", "Reproduction (report's data)", ...); case does not matter.

    Returns
    -------
    str
        Hex colour.

    Raises
    ------
    KeyError
        If the label has no fixed colour.
    """
    if label in SERIES_COLOURS:
        return SERIES_COLOURS[label]
    lowered = str(label).strip().lower()
    if lowered in _SERIES_BY_LOWER:
        return _SERIES_BY_LOWER[lowered]
    raise KeyError(f"no house colour for {label!r}; pass colours explicitly")


def palette(labels: Iterable[str], colours: Mapping[str, str] | None = None) -> dict[str, str]:
    """Colour per label: the house colour of a named series, the cycle for the others.

    Pass it as seaborn's ``palette=`` (``hue`` levels) or to matplotlib's ``color=``. An
    explicit colour in ``colours`` for a series that has a house colour is refused with a
    :class:`FigureRuleWarning` (the house colour is kept), so a series never changes
    colour between figures.

    Examples
    --------
    >>> palette(["Convicted", "Prosecuted"]) == {"Convicted": colour_for("Convicted"),
    ...                                          "Prosecuted": colour_for("Prosecuted")}
    True
    """
    labels = list(dict.fromkeys(labels))
    own: dict[str, str] = {}
    for label, colour in (colours or {}).items():
        try:
            house = colour_for(str(label))
        except KeyError:
            own[label] = colour
            continue
        if mpl.colors.to_hex(colour).lower() != house.lower():
            warnings.warn(
                f"{label!r} keeps its house colour {house} (asked for {colour}): a series has "
                "one colour in every figure",
                FigureRuleWarning,
                stacklevel=3,
            )
    return {**_colours(labels), **{k: v for k, v in own.items() if k in labels}}


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
    _record(directory, "alt_text.json", name, alt)


def _record(directory: Path, file: str, name: str, value: Any) -> None:
    """Set ``name`` to ``value`` in the JSON index ``file`` of ``directory`` (locked)."""
    from filelock import FileLock

    index = directory / file
    with FileLock(str(directory / f".{file}.lock")):
        try:
            table = json.loads(index.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            table = {}
        table[name] = value
        text = json.dumps(dict(sorted(table.items())), indent=1, ensure_ascii=False)
        write_bytes_atomic(index, (text + "\n").encode("utf-8"))


#: Key of the PNG text chunk in which :func:`save_figure` stores the figure's legend colours
#: (series label -> colour, JSON), so the build can check colours across figures.
SERIES_KEY = "Series colours"


def saved_series_colours(directory: str | Path) -> dict[str, dict[str, str]]:
    """Legend colours of every figure saved in ``directory``: figure -> label -> colour."""
    from PIL import Image

    found = {}
    for png in sorted(Path(directory).glob("*.png")):
        with Image.open(png) as image:
            text = getattr(image, "text", {}).get(SERIES_KEY)
        if text:
            found[png.stem] = json.loads(text)
    return found


def _handle_colour(handle: Any) -> str | None:
    """Hex colour of a legend handle (line, patch or marker collection), if it has one."""
    from matplotlib import colors

    for getter in ("get_color", "get_facecolor", "get_edgecolor"):
        method = getattr(handle, getter, None)
        if method is None:
            continue
        value = method()
        if isinstance(value, str):
            return colors.to_hex(value)
        try:
            array = list(value)
        except TypeError:
            continue
        if len(array) and not isinstance(array[0], (float, int)):  # one RGBA per item
            array = list(array[0])
        if len(array) >= 3 and (len(array) < 4 or array[3] > 0):
            return colors.to_hex(array)
    return None


def series_colours(fig: Figure) -> dict[str, str]:
    """Colour of each series named in the figure's legends (label -> hex colour).

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([1, 2], [1, 2], color="#0072B2", label="Forced labour")
    >>> _ = ax.legend()
    >>> series_colours(fig)
    {'Forced labour': '#0072b2'}
    >>> plt.close(fig)
    """
    found: dict[str, str] = {}
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    for legend in [lg for lg in legends if lg is not None]:
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False):
            colour = _handle_colour(handle)
            label = text.get_text().strip()
            if colour and label:
                found.setdefault(label, colour)
    return found


def colour_conflicts(index: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, list[str]]]:
    """Series drawn in more than one colour across figures: label -> colour -> figures.

    ``index``: figure name -> :func:`series_colours` (:func:`saved_series_colours`).

    Examples
    --------
    >>> colour_conflicts({"5.1": {"Convicted": "#009e73"}, "5.4": {"Convicted": "#e69f00"}})
    {'Convicted': {'#009e73': ['5.1'], '#e69f00': ['5.4']}}
    """
    seen: dict[str, dict[str, list[str]]] = {}
    for figure, colours in sorted(index.items()):
        for label, colour in colours.items():
            seen.setdefault(label, {}).setdefault(colour.lower(), []).append(figure)
    return {label: found for label, found in seen.items() if len(found) > 1}


def _png_width(png: bytes) -> int:
    """Pixel width of a PNG (from its header)."""
    return int.from_bytes(png[16:20], "big")


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
    with _layout_session():
        _fit_unless_worse(fig)
        problems = figure_problems(fig)
        box = _saved_box(fig)
    for problem in problems:
        warnings.warn(f"save_figure({name!r}): {problem}", FigureRuleWarning, stacklevel=2)
    out = Path(directory) if directory is not None else default_figures_dir()
    out.mkdir(parents=True, exist_ok=True)

    import io

    meta = {"Title": name, "Description": alt}
    series = json.dumps(series_colours(fig), ensure_ascii=False, sort_keys=True)
    svg_path, png_path = out / f"{name}.svg", out / f"{name}.png"

    def save_svg() -> None:
        svg = io.BytesIO()
        fig.savefig(svg, format="svg", bbox_inches=box, metadata=meta)
        write_bytes_atomic(svg_path, svg.getvalue())

    child = _start_beside(save_svg)
    try:
        buf = io.BytesIO()
        fig.savefig(
            buf, format="png", dpi=PNG_DPI, bbox_inches=box, metadata={**meta, SERIES_KEY: series}
        )
        png = buf.getvalue()
    finally:
        done = child is not None and _finished(child)
    if not done:  # not drawn beside (or that failed): drawn here
        save_svg()
    write_bytes_atomic(png_path, png)
    if data is not None:
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        index = not isinstance(frame.index, pd.RangeIndex)
        write_bytes_atomic(out / f"{name}.csv", frame.to_csv(index=index).encode("utf-8"))
    _record_alt(out, name, alt)
    fig.alt_text = alt  # type: ignore[attr-defined]

    if _in_kernel():
        from IPython.display import display

        width = round(_png_width(png) * 100 / PNG_DPI)  # natural size at 100 px per inch
        bundle, md = figure_bundle(png, alt, width=width, name=name, csv=data is not None)
        display(bundle, raw=True, metadata=md)
    plt.close(fig)
    return png_path


# --------------------------------------------------------------------------- charts


def _all_steps(values: pd.Series) -> list[Any] | None:
    """Every whole step from the first to the last value when ``values`` are whole numbers
    (years), else None (no gaps to mark)."""
    shown = pd.to_numeric(values, errors="coerce").dropna()
    if shown.empty or not (shown % 1 == 0).all():
        return None
    return list(range(int(shown.min()), int(shown.max()) + 1))


def with_gaps(part: pd.DataFrame, x: str, steps: Sequence[Any] | None = None) -> pd.DataFrame:
    """Rows of ``part`` sorted by ``x``, with a row of NaN for every year without data.

    matplotlib breaks a line at NaN, so a series is not drawn across a year it has no value
    for (an interpolated line would claim one). ``steps``: the years to cover (default every
    whole year from the first to the last of ``part``).

    Examples
    --------
    >>> t = with_gaps(pd.DataFrame({"year": [2019, 2021], "v": [1.0, 3.0]}), "year")
    >>> t["year"].tolist(), t["v"].isna().tolist()
    ([2019, 2020, 2021], [False, True, False])
    """
    part = part.sort_values(x)
    steps = _all_steps(part[x]) if steps is None else steps
    if steps is None or part[x].duplicated().any():
        return part
    present = set(pd.to_numeric(part[x]).astype(int))
    low, high = min(present), max(present)
    missing = [s for s in steps if low <= s <= high and s not in present]
    if not missing:
        return part
    gaps = pd.DataFrame({x: missing}).astype({x: part[x].dtype})
    return pd.concat([part, gaps], ignore_index=True).sort_values(x, ignore_index=True)


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
    colour_of = palette(groups, colours)
    years = _all_steps(df[x])
    for g in groups:
        part = with_gaps(df[df[group] == g], x, years)
        colour = colour_of[g]
        ax.plot(part[x], part[y], color=colour, label=str(g), marker="o", markersize=3)
        if lower is not None and upper is not None:
            ax.fill_between(part[x], part[lower], part[upper], color=colour, alpha=0.18, lw=0)
    if len(groups) > 1:
        legend_outside(ax)
    _integer_ticks([ax], df[x])
    _finish(ax, xlabel, ylabel, title, source, release, note)
    return fig, ax


_UNIT_RE = re.compile(r"^(?P<label>.*?)\s*\((?P<unit>[^()]+)\)\s*$")
_UNIT_WORDS = re.compile(
    r"^(%|percent|percentage points|thousands?|hundreds?|millions?|persons|people|victims"
    r"|counts?|number|countries|years|per .+)$",
    re.IGNORECASE,
)


def split_units(labels: Sequence[str], units: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(label, unit) per row: from ``units`` or from a trailing "(unit)" of the label.

    A trailing parenthesis counts as a unit when it reads as one ("%", "thousands",
    "per million", ...). When some labels name a unit, a label that names none keeps its
    whole text as its own unit, so two quantities never share an axis unless they say they
    share a unit; when no label names one, every row gets the unit "" (one axis).

    Examples
    --------
    >>> split_units(["Victims 2022 (thousands)", "Children 2022 (%)", "Victims per million"])
    [('Victims 2022', 'thousands'), ('Children 2022', '%'), ('Victims per million', 'Victims per million')]
    """
    if units is not None:
        return [(str(a), str(u)) for a, u in zip(labels, units, strict=True)]
    found = []
    for label in map(str, labels):
        match = _UNIT_RE.match(label)
        unit = match["unit"].strip() if match else ""
        found.append((match["label"], unit) if unit and _UNIT_WORDS.match(unit) else (label, ""))
    if not any(unit for _, unit in found):
        return found
    return [(label, unit or label) for label, unit in found]


def _unit_label(unit: str) -> str:
    """Axis label of a panel from its unit ("%" -> "Percent")."""
    return "Percent" if unit.strip() == "%" else unit[:1].upper() + unit[1:]


def _wrap(label: str, width: int = 30) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label


def plot_published_vs_reproduced(
    table: pd.DataFrame,
    *,
    xlabel: str | Mapping[str, str],
    ylabel: str = "",
    title: str | None = None,
    source: str | None = None,
    release: str | None = None,
    note: str | None = None,
) -> tuple[Figure, Any]:
    """Dot plot comparing published figures with their reproduction, one panel per unit.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``label``, ``published``, ``reproduced``; optionally ``published_low`` and
        ``published_high`` (published range, drawn as a bar) and ``unit``.
    xlabel : str or mapping
        Value axis label with units; with several units, a mapping unit -> axis label
        (a unit without one is labelled by the unit itself).
    ylabel : str
        Label of the category axis (none by default: the rows name themselves).
    title, source, release, note : str, optional
        Title and source note.

    Returns
    -------
    (Figure, Axes) or (Figure, list of Axes)
        One Axes when every row has the same unit; else one panel per unit, stacked, in the
        order the units first appear (the axes' own unit in each x label). Without a
        ``unit`` column the unit is read from a trailing "(unit)" of each label when the
        labels carry different ones (:func:`split_units`).
    """
    missing = {"label", "published", "reproduced"} - set(table.columns)
    if missing:
        raise ValueError(f"table lacks columns {sorted(missing)}")
    if not xlabel:
        raise ValueError("axis labels (with units) are required")
    pairs = split_units(
        table["label"].tolist(), table["unit"].tolist() if "unit" in table.columns else None
    )
    units = list(dict.fromkeys(u for _, u in pairs))
    if len(units) == 1:  # one unit: labels as given
        pairs = [(str(v), units[0]) for v in table["label"]]
    table = table.assign(_label=[a for a, _ in pairs], _unit=[u for _, u in pairs])
    sizes = [int((table["_unit"] == u).sum()) for u in units]
    height = sum(0.42 * n + 0.75 for n in sizes) + 0.9
    fig, axes = plt.subplots(
        len(units),
        1,
        figsize=(PAGE_WIDTH_IN, max(2.2, height)),
        gridspec_kw={"height_ratios": [n + 1 for n in sizes]},
        squeeze=False,
        layout="constrained",
    )
    axes = list(axes[:, 0])
    ranged = {"published_low", "published_high"} <= set(table.columns)
    for ax, unit in zip(axes, units, strict=True):
        part = table[table["_unit"] == unit]
        pos = list(range(len(part)))[::-1]
        if ranged:
            ax.hlines(
                pos,
                part["published_low"],
                part["published_high"],
                color=colour_for("Published range"),
                lw=6,
                alpha=0.5,
                label="Published range",
            )
        ax.scatter(
            part["published"],
            pos,
            s=60,
            facecolors="white",
            edgecolors=colour_for("Published"),
            linewidths=1.5,
            zorder=3,
            label="Published",
        )
        ax.scatter(
            part["reproduced"],
            pos,
            s=28,
            color=colour_for("Reproduced"),
            zorder=4,
            label="Reproduced",
        )
        ax.set_yticks(pos, [_wrap(v) for v in part["_label"]])
        ax.set_ylim(-0.6, len(part) - 0.4)
        ax.grid(axis="y", visible=False)
        if isinstance(xlabel, Mapping):
            ax.set_xlabel(xlabel.get(unit, _unit_label(unit)))
        else:
            ax.set_xlabel(xlabel if len(units) == 1 else _unit_label(unit))
        if ylabel:
            ax.set_ylabel(ylabel)
    legend_outside(axes[0])
    if title and len(axes) == 1:
        axes[0].set_title(title)
    elif title:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    if source:
        source_note(axes[-1], source, release, note)
    return fig, (axes[0] if len(axes) == 1 else axes)


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
    colour_of = palette(pd.unique(df[group]))
    years = _all_steps(df[x])
    for i, (value, ax) in enumerate(zip(facets, axes.flat, strict=False)):
        part = df[df[facet] == value]
        for g, sub in part.groupby(group, sort=False):
            sub = with_gaps(sub, x, years)
            ax.plot(sub[x], sub[y], color=colour_of[g], label=str(g), lw=1.6, marker="o", ms=2)
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

#: Width of a page figure (inches; at 100 px per inch its natural size, about the book's
#: text column at 1280 px).
PAGE_WIDTH_IN = 7.0
#: Width, in CSS pixels, at which the book shows every page figure at 1280 px (the text
#: column of the theme; the stylesheet gives every figure this one width).
PAGE_WIDTH_PX = 676
#: Smallest text, in CSS pixels as displayed at 1280 px, that stays legible.
MIN_TEXT_PX = 9.0
#: Smallest font size, in points in a figure of page width, that stays legible.
MIN_FONT_PT = MIN_TEXT_PX * PAGE_WIDTH_IN * 72 / PAGE_WIDTH_PX
#: Padding ``savefig(bbox_inches="tight")`` adds on each side (inches).
_PAD_IN = 0.1


#: The layout memo of the :func:`save_figure` call under way (None outside one): the state
#: of the last layout draw (:func:`_layout_state`) and the tight box measured on it.
_LAYOUT: ContextVar[dict[str, Any] | None] = ContextVar("tiptrends_layout", default=None)


@contextlib.contextmanager
def _layout_session() -> Iterator[None]:
    """Within the block, a layout draw is skipped when the figure is as at the last one.

    Fitting and the rule checks of :func:`save_figure` lay a figure out (a draw without
    painting) before each measurement; between two of them the figure often has not
    changed (a check after a fit that changed nothing), and a second draw of an unchanged
    figure lays it out as the first did. Only :func:`save_figure` opens a session, around
    code that changes the figure only through what :func:`_layout_state` reads; a direct
    call of :func:`saved_width` or :func:`figure_problems` always draws.
    """
    token = _LAYOUT.set({})
    try:
        yield
    finally:
        _LAYOUT.reset(token)


def _layout_state(fig: Figure, notes: Sequence[Any]) -> tuple[Any, ...]:
    """What fitting changes between layout draws: the size, the axes' positions and
    visibility, the subplot parameters and the texts of titles and source notes (``notes``,
    the figure's source-note texts)."""
    titles = [t.get_text() for ax in fig.axes for t in _titles(ax)]
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else None
    pars = fig.subplotpars
    return (
        tuple(fig.get_size_inches()),
        fig.dpi,
        tuple((ax.get_visible(), tuple(ax.get_position(original=True).bounds)) for ax in fig.axes),
        (pars.left, pars.right, pars.bottom, pars.top, pars.wspace, pars.hspace),
        tuple(titles),
        tuple(n.get_text() for n in notes),
        suptitle,
    )


def _session_state(fig: Figure) -> tuple[dict[str, Any] | None, tuple[Any, ...] | None]:
    """The session's memo for ``fig`` and the figure's layout state (None, None outside a
    session). The memo holds ``figure``, its source ``notes`` (fitting adds no artist),
    the ``state`` of the last layout draw and the ``tight`` box measured on it."""
    memo = _LAYOUT.get()
    if memo is None:
        return None, None
    if memo.get("figure") is not fig:
        memo.clear()
        memo.update(figure=fig, notes=fig.findobj(lambda a: a.get_gid() == SOURCE_NOTE_GID))
    return memo, _layout_state(fig, memo["notes"])


def _lay_out(fig: Figure) -> None:
    """Lay ``fig`` out (positions and text extents as drawn, no pixels painted), unless a
    :func:`save_figure` session laid it out in the same state already."""
    memo, state = _session_state(fig)
    if memo is not None and memo.get("state") == state:
        return
    fig.draw_without_rendering()
    if memo is not None:
        memo["state"] = state
        memo.pop("tight", None)


def _tight_box(fig: Figure) -> Any:
    """``fig.get_tightbbox`` (inches) of a figure laid out by :func:`_lay_out`, measured once
    per layout within a :func:`save_figure` session."""
    memo, state = _session_state(fig)
    if memo is None or memo.get("state") != state:
        return fig.get_tightbbox(fig.canvas.get_renderer())
    if "tight" not in memo:
        memo["tight"] = fig.get_tightbbox(fig.canvas.get_renderer())
    return memo["tight"]


#: Whether :func:`save_figure` draws the SVG in a forked copy of the process while it draws
#: the PNG (True, False, or None: when :data:`ALONE_ENV` says so).
_SVG_BESIDE: ContextVar[bool | None] = ContextVar("tiptrends_svg_beside", default=None)


def _fork_ok() -> bool:
    """A forked copy can draw: Linux (fork without exec is safe for matplotlib's Agg and SVG
    backends there), ``os.fork`` present."""
    return sys.platform == "linux" and hasattr(os, "fork")


def _start_beside(task: Any) -> int | None:
    """Run ``task()`` in a forked copy of this process; return its pid (None: not started).

    The two saves of a figure are independent drawings of one state: with a CPU to spare
    (:data:`ALONE_ENV`) the SVG is drawn while this process draws the PNG; on a busy machine
    (the notebooks of a full render side by side) a copy would only add work. The copy
    writes nothing but ``task``'s file (its output streams go to the null device, its
    warnings are ignored) and leaves with ``os._exit``: 0 when ``task`` succeeded.
    """
    wanted = _SVG_BESIDE.get()
    if wanted is None:
        wanted = os.environ.get(ALONE_ENV) == "1"
    if not wanted or not _fork_ok():
        return None
    try:
        with warnings.catch_warnings():  # Python 3.12+ warns of fork in a threaded process
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the copy
        code = 1
        try:
            sys.stdout = sys.stderr = open(os.devnull, "w")  # closed by os._exit
            warnings.simplefilter("ignore")
            task()
            code = 0
        finally:
            os._exit(code)
    return pid


def _finished(pid: int) -> bool:
    """Wait for the copy :func:`_start_beside` started; True when its task succeeded."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _saved_box(fig: Figure) -> Any:
    """The area :func:`save_figure` writes: the tight box of the layout the rules checked,
    padded as ``savefig`` pads it (inches), so that neither save lays the figure out again
    to measure it; None (``savefig``'s own measure) where that layout is not the saved one.

    Without a layout engine nor an axes locator, a draw places every artist as the last
    layout did, at any resolution (text extents differ by under a pixel). A layout engine
    places the axes anew at the saving resolution, and a locator needs that draw's renderer:
    ``savefig`` then measures the figure as it draws it (its ``bbox_inches="tight"``).
    """
    if mpl.rcParams["savefig.bbox"] != "tight" or fig.get_layout_engine() is not None:
        return None
    if any(ax.get_axes_locator() is not None for ax in fig.axes):
        return None
    _lay_out(fig)
    pad = mpl.rcParams["savefig.pad_inches"]
    return _tight_box(fig).padded(pad) if isinstance(pad, int | float) else None


def saved_width(fig: Figure) -> float:
    """Width, in inches, of the image ``save_figure`` writes (tight box plus padding)."""
    _lay_out(fig)  # the layout of a draw, without painting pixels
    return _laid_out_width(fig)


def _laid_out_width(fig: Figure) -> float:
    """:func:`saved_width` of a figure whose layout is current (drawn since its last change)."""
    return float(_tight_box(fig).width) + 2 * _PAD_IN


def displayed_text_px(fig: Figure, font_pt: float) -> float:
    """CSS pixels of ``font_pt`` text once the saved figure is shown at the page width."""
    return font_pt * PAGE_WIDTH_PX / (saved_width(fig) * 72)


def fit_to_page(fig: Figure, width: float = PAGE_WIDTH_IN) -> float:
    """Make a figure whose saved image would be wider than the page fit it; return the width.

    Text, legends and labels outside the axes keep their size: the data area gives way. A
    figure wider than ``width`` is set to ``width``; then, without a layout engine, its axes
    are moved and narrowed (in proportion) until what sticks out of them fits too. A figure
    whose axes would keep less than a third of the page is left as it is, and
    :func:`figure_problems` reports its small text.
    """
    current = saved_width(fig)
    if current <= width * 1.02:
        return current
    if fig.get_figwidth() > width:
        fig.set_figwidth(width)
    _move_axes_into_page(fig, width)
    if _wrap_long_texts(fig, width):  # a long source note or title wraps to the page
        _move_axes_into_page(fig, width)
    return saved_width(fig)


def _layout_problems(fig: Figure) -> set[str]:
    """Rule problems other than text size (which fitting is meant to cure), plus labels of
    one panel running into another panel (what narrowing a grid of panels can cause)."""
    problems = {p for p in figure_problems(fig) if "as displayed" not in p}
    renderer = fig.canvas.get_renderer()
    visible = [ax for ax in fig.axes if ax.get_visible()]
    for i, ax in enumerate(visible):
        texts = [*ax.get_yticklabels(), *ax.get_xticklabels(), ax.yaxis.label, ax.xaxis.label]
        boxes = [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]
        for j, other in enumerate(visible):
            if i != j and any(_overlap(b, other.get_window_extent(renderer)) for b in boxes):
                problems.add(f"labels of axes {i} run into axes {j}")
    return problems


def _fit_unless_worse(fig: Figure) -> None:
    """:func:`fit_to_page` without making the layout worse.

    Source notes and titles that run past the page edge wrap (always kept); then, if the
    figure is still too wide, its axes narrow, and that is undone when the narrower figure
    breaks a rule it kept before (a title wider than its panel, labels running into a
    neighbouring panel).
    """
    if saved_width(fig) <= PAGE_WIDTH_IN * 1.02:
        return
    before = _layout_problems(fig)
    _wrap_long_texts(fig, PAGE_WIDTH_IN)
    if saved_width(fig) <= PAGE_WIDTH_IN * 1.02:
        return
    width = fig.get_figwidth()
    positions = [(ax, ax.get_position().frozen()) for ax in fig.axes]
    titles = [(t, t.get_text()) for ax in fig.axes for t in _titles(ax)]
    fit_to_page(fig)
    _rewrap_titles(fig)
    if _layout_problems(fig) - before:
        fig.set_figwidth(width)
        for ax, position in positions:
            ax.set_position(position)
        for text, value in titles:
            text.set_text(value)


def _rewrap_titles(fig: Figure) -> None:
    """Wrap again the panel titles that the narrower panels made too wide."""
    import textwrap

    if len([ax for ax in fig.axes if ax.get_visible()]) < 2:
        return
    _lay_out(fig)
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        available = ax.get_window_extent(renderer).width
        for title in _titles(ax):
            shown = title.get_window_extent(renderer).width
            if shown <= available * 1.02:
                continue
            words = " ".join(title.get_text().split())
            longest = max(len(line) for line in title.get_text().split("\n"))
            chars = max(8, int(longest * available / shown) - 1)
            title.set_text("\n".join(textwrap.wrap(words, chars)) or words)


def _wrap_long_texts(fig: Figure, width: float) -> bool:
    """Wrap source notes and titles that run past the page's right edge; True if any did."""
    import textwrap

    _lay_out(fig)
    renderer = fig.canvas.get_renderer()
    left = _tight_box(fig).x0  # inches; the saved image starts here
    edge = (left + width - 2 * _PAD_IN) * fig.dpi  # display pixels
    texts = fig.findobj(lambda a: a.get_gid() == SOURCE_NOTE_GID)
    texts += [t for ax in fig.axes for t in _titles(ax)]
    if fig._suptitle is not None and fig._suptitle.get_text():
        texts.append(fig._suptitle)
    wrapped = False
    for text in texts:
        box = text.get_window_extent(renderer)
        if box.x1 <= edge or box.width <= 0:
            continue
        lines = text.get_text().split("\n")
        longest = max(len(line) for line in lines)
        chars = max(20, int(longest * (edge - box.x0) / box.width) - 2)
        text.set_text("\n".join(textwrap.fill(line, chars) for line in lines))
        wrapped = True
    return wrapped


def _move_axes_into_page(fig: Figure, width: float) -> None:
    """Without a layout engine: narrow and move the axes so that what sticks out fits."""
    if fig.get_layout_engine() is None:
        axes = [ax for ax in fig.axes if ax.get_visible()]
        for _ in range(3):
            _lay_out(fig)
            box = _tight_box(fig)  # inches
            figure_width = fig.get_figwidth()
            if box.width + 2 * _PAD_IN <= width * 1.02 or not axes:
                break
            a0 = min(ax.get_position().x0 for ax in axes) * figure_width
            a1 = max(ax.get_position().x1 for ax in axes) * figure_width
            left, right = a0 - box.x0, box.x1 - a1  # what sticks out, inches
            new0, new1 = max(left, 0.0), min(figure_width - right, figure_width)
            if new1 - new0 < width / 3 or a1 <= a0:
                break
            scale = (new1 - new0) / (a1 - a0)
            for ax in axes:
                pos = ax.get_position()
                x0 = (new0 + (pos.x0 * figure_width - a0) * scale) / figure_width
                ax.set_position([x0, pos.y0, pos.width * scale, pos.height])


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
    panel or a panel title; a panel title wider than its panel; text smaller than
    :data:`MIN_TEXT_PX` CSS pixels once the saved image is shown at the page-figure width
    (:data:`PAGE_WIDTH_PX`; a narrower figure is not counted as enlarged).
    """
    _lay_out(fig)  # positions and extents as drawn, no pixels painted
    renderer = fig.canvas.get_renderer()
    problems: list[str] = []
    px_per_pt = PAGE_WIDTH_PX / (max(_laid_out_width(fig), PAGE_WIDTH_IN) * 72)
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
            suptitle = fig._suptitle  # the figure title too
            if suptitle is not None and suptitle.get_text():
                covered.append(suptitle.get_window_extent(renderer))
            if any(_overlap(box, other) for other in covered):
                problems.append(f"{name}: the figure legend overlaps the panel or its title")
                break
    for text in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text")):
        if (
            text.get_visible()
            and text.get_text().strip()
            and text.get_fontsize() * px_per_pt < MIN_TEXT_PX
        ):
            shown = text.get_fontsize() * px_per_pt
            problems.append(
                f"text {text.get_text()[:30]!r} is {shown:.1f} px as displayed at page width"
                f" (at least {MIN_TEXT_PX:.0f} px)"
            )
            break
    return problems


def _looks_like_years(ax: Axes) -> bool:
    low, high = ax.get_xlim()
    return 1900 <= low <= 2100 and 1900 <= high <= 2100
