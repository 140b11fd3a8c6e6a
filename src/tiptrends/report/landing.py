"""The landing page's computed parts: the answer, the key findings and the headline chart.

Every number comes from the recorded results (``_build/results.json``) or from the figure
registry (:mod:`tiptrends.methods.figures`); nothing is typed. A finding whose numbers were
not recorded in a build is left out rather than shown with a gap.

The chart and the matched-set values of the convictions change need the data, so they are
computed once per set of results and kept in ``_build/cache/landing/``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tiptrends import paths
from tiptrends.methods import figures

log = logging.getLogger(__name__)

S = figures.CURRENT_SUFFIX
FL = "forced_labour_share_2022_pct"
SE = "sexual_exploitation_share_2022_pct"
OTHER = "other_forms_share_2022_pct"
CHANGE = "victims_change_2019_2022_pct"
CHILDREN = "children_share_2022_pct"
CONVICTIONS = "convictions_change_2017_2020_pct"
CARRIED = "convictions_change_2017_2020_filled_share_pct"
EU_FL = "eu_forced_labour_share_2022_pct"

#: Chapter sections the findings link to (chapter stem, heading anchor).
SECTIONS: dict[str, tuple[str, str]] = {
    "forms": ("02_forced_labour", "share-of-detected-victims-by-form-worldwide"),
    "change": ("01_detected_victims", "victims-changes"),
    "children": ("04_child_victims", "childrens-share-over-time"),
    "convictions": ("05_traffickers_and_justice", "change-in-convictions-2017-2020-and-2019-2020"),
    "eu": ("06_european_union", "forms-of-exploitation"),
}

CHART_NAME = "landing_forms_over_time"
#: Short names of the forms at the line ends of the chart.
SHORT = {"Sexual exploitation": "Sexual exploitation", "Other forms of exploitation": "Other forms"}
CHART_ALT = (
    "Line chart of the shares of sexual exploitation, forced labour and other forms among "
    "detected victims with a known form, worldwide, each year the data hold, on the current "
    "data; hollow diamonds mark the 2022 shares reported from the Global Report 2024."
)


def _value(results: Mapping[str, Mapping[str, Any]], key: str) -> float | None:
    rec = results.get(key)
    value = rec.get("value") if rec else None
    return float(value) if isinstance(value, int | float) else None


def _pct(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}%"


def _change(value: float, decimals: int = 1) -> str:
    return f"{value:+.{decimals}f}%"


def _published(value: Any, change: bool = False) -> str:
    """A published figure as printed: whole numbers without decimals."""
    number = float(value)
    decimals = 0 if number.is_integer() else 1
    return _change(number, decimals) if change else _pct(number, decimals)


def link(section: str, text: str = "details") -> str:
    """Markdown link to a chapter section of :data:`SECTIONS`."""
    stem, anchor = SECTIONS[section]
    return f"[{text}]({stem}.ipynb#{anchor})"


# --------------------------------------------------------------------------- data-backed parts


def _cache_dir() -> Path:
    return paths.build_dir() / "cache" / "landing"


def _keep(path: Path, data: bytes) -> None:
    """Write a cache file, removing the same kind of file of earlier results."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = path.name.split("_", 1)[0]
    for old in path.parent.glob(f"{kind}_*{path.suffix}"):
        if old != path:
            old.unlink(missing_ok=True)
    path.write_bytes(data)


def _stamp(results: Mapping[str, Any]) -> str:
    text = json.dumps(results, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def matched_convictions(results: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """The convictions change 2017-2020 on the matched set, on both bases (registry values),
    kept per set of results; empty if the data cannot be read."""
    if CONVICTIONS not in results:
        return {}
    cache = _cache_dir() / f"matched_{_stamp(results)}.json"
    if cache.exists():
        return {k: float(v) for k, v in json.loads(cache.read_text()).items()}
    try:
        out = {b: figures.value(CONVICTIONS, b, panel="matched") for b in figures.BASES}
    except Exception as exc:  # no curated data (scratch collections): the finding says less
        log.warning("matched-set convictions not computed: %s", exc)
        return {}
    _keep(cache, json.dumps(out).encode())
    return out


def _published_points() -> dict[str, tuple[int, float]]:
    """Form -> (year, published share) of the registered 2022 form shares."""
    from tiptrends import vocab
    from tiptrends.io import published

    out = {}
    for form, key in ((vocab.SEXUAL, SE), (vocab.FORCED_LABOUR, FL)):
        fid = figures.FIGURES[key].published_id
        if fid:
            row = published.published_row(fid)
            out[form] = (figures.FIGURES[key].years[-1], float(row["value"]))
    return out


def chart_png(results: Mapping[str, Mapping[str, Any]]) -> bytes | None:
    """The headline chart as PNG (also saved as PNG, SVG and CSV in ``_build/figures/``),
    kept per set of results; None if the data cannot be read."""
    if FL not in results:
        return None
    cache = _cache_dir() / f"chart_{_stamp(results)}.png"
    if cache.exists():
        return cache.read_bytes()
    try:
        png = _draw_chart()
    except Exception as exc:  # no curated data (scratch collections): no chart
        log.warning("landing chart not drawn: %s", exc)
        return None
    _keep(cache, png)
    return png


def _draw_chart() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    # the house style for this chart only: a library call leaves the caller's rcParams alone
    with matplotlib.rc_context():
        return _draw_chart_in_house_style()


def _draw_chart_in_house_style() -> bytes:
    import matplotlib.pyplot as plt

    from tiptrends.methods import aggregate
    from tiptrends.report import style

    style.use_house_style()
    data = figures.data_bases().current_release
    release = str(data["release"].iloc[0])
    shares = aggregate.shares_by_year(data)
    shares = shares.assign(share_pct=100 * shares["share"])
    fig, ax = style.plot_shares_over_time(
        shares,
        "year",
        "share_pct",
        "category",
        xlabel="Year",
        ylabel="Share of victims with known form (%)",
        title="Detected victims by form of exploitation, worldwide",
        source="UNODC GLOTIP data portal",
        release=release,
        note="Re-analysis (current data), pooled over reporting countries. "
        "Hollow diamonds: the 2022 shares reported from the Global Report 2024.",
        colours=style.FORM_COLOURS,
    )
    # direct labels at the line ends instead of a legend: legible when the page shrinks it
    legend = ax.get_legend()
    if legend is not None:
        legend.remove()
    last = shares[shares["year"] == shares["year"].max()]
    for row in last.itertuples(index=False):
        ax.annotate(
            SHORT.get(str(row.category), str(row.category)),
            (float(row.year), float(row.share_pct)),
            xytext=(10, 0),
            textcoords="offset points",
            va="center",
            color=style.FORM_COLOURS[str(row.category)],
            fontweight="bold",
        )
    for form, (year, value) in _published_points().items():
        ax.plot(
            [year],
            [value],
            marker="D",
            markersize=9,
            markerfacecolor="white",
            markeredgewidth=2,
            color=style.FORM_COLOURS[form],
            linestyle="none",
            zorder=5,
        )
    out = style.save_figure(
        fig,
        CHART_NAME,
        alt=CHART_ALT,
        directory=paths.build_dir() / "figures",
        data=shares[["year", "category", "share_pct"]],
    )
    plt.close(fig)
    return out.read_bytes()


def chart_html(png: bytes | None) -> str:
    """The chart as an HTML figure with its alt text and caption ("" without a chart)."""
    if not png:
        return ""
    b64 = base64.b64encode(png).decode("ascii")
    caption = (
        "**Figure 1.** Share of each form of exploitation among detected victims with a known "
        "form, worldwide, on the current data (re-analysis); the diamonds are the 2022 "
        "shares reported from the Global Report 2024."
    )
    return (
        f'<figure class="tt-landing-chart" id="headline-chart">\n'
        f'<img src="data:image/png;base64,{b64}" alt="{html.escape(CHART_ALT, quote=True)}" '
        'style="max-width:100%;height:auto">\n'
        f"<figcaption>\n\n{caption}\n\n</figcaption>\n</figure>\n"
    )


# --------------------------------------------------------------------------- words


def answer(results: Mapping[str, Mapping[str, Any]]) -> str:
    """The one-sentence answer under the title ("" if its numbers were not recorded)."""
    fl, se = _value(results, FL + S), _value(results, SE + S)
    if fl is None or se is None:
        return ""
    main = "sexual exploitation, not forced labour," if se > fl else "forced labour"
    return (
        f"**On the current data, {main} is the main form of exploitation among victims "
        f"detected in 2022 ({_pct(max(fl, se))} against {_pct(min(fl, se))}), and most "
        "published trends move with which countries and which data release are counted.**"
    )


def findings(
    results: Mapping[str, Mapping[str, Any]], matched: Mapping[str, float] | None = None
) -> list[str]:
    """The key findings, each with its numbers, its basis and a link to its section."""
    out = []
    v = {k: _value(results, k) for k in (FL, SE, CHANGE, CHILDREN, CONVICTIONS, CARRIED, EU_FL)}
    c = {k: _value(results, k + S) for k in v}
    pub = {k: (results.get(k) or {}).get("published") for k in v}
    if c[FL] is not None and c[SE] is not None and v[FL] is not None and pub[FL]:
        out.append(
            f"**Forms of exploitation, 2022.** On the {{term}}`re-analysis` (current data), "
            f"forced labour is {_pct(c[FL])} of detected victims with a known form and sexual "
            f"exploitation {_pct(c[SE])}. The published {_published(pub[FL])} for forced labour "
            f"is not reproduced: its own data give {_pct(v[FL])} ({{term}}`reproduction`). "
            f"{link('forms')}"
        )
    if v[CHANGE] is not None and c[CHANGE] is not None and pub[CHANGE] is not None:
        out.append(
            f"**Change in detected victims, 2019 to 2022.** Published: {_published(pub[CHANGE], True)}. "
            f"The reproduction gives {_change(v[CHANGE])} and the re-analysis "
            f"{_change(c[CHANGE])}, on the same {{term}}`trend panel`. {link('change')}"
        )
    if v[CHILDREN] is not None and c[CHILDREN] is not None and pub[CHILDREN] is not None:
        out.append(
            f"**Children, 2022.** Published: {_published(pub[CHILDREN])} of detected victims. The "
            f"reproduction gives {_pct(v[CHILDREN])}, the re-analysis {_pct(c[CHILDREN])}. "
            f"{link('children')}"
        )
    if v[CONVICTIONS] is not None and v[CARRIED] is not None and pub[CONVICTIONS] is not None:
        text = (
            f"**Convictions, 2017 to 2020.** Published: {_published(pub[CONVICTIONS], True)}. The "
            f"reproduction gives {_change(v[CONVICTIONS])} on the trend panel, but "
            f"{_pct(v[CARRIED])} of its 2020 total are {{term}}`carried values <carried value>`."
        )
        if matched and "report" in matched:
            text += (
                f" The {{term}}`matched set` (countries reporting both years) gives "
                f"{_change(matched['report'])}."
            )
        out.append(f"{text} {link('convictions')}")
    if c[EU_FL] is not None and pub[EU_FL] is not None:
        out.append(
            f"**European Union.** In UNODC's data, forced labour is {_pct(c[EU_FL])} of the "
            f"{{term}}`EU-27`'s detected victims with a known form in 2022 (re-analysis). "
            f"Eurostat's {_published(pub[EU_FL])} is for 2024 and counts registered victims, so "
            f"the two are not comparable. {link('eu')}"
        )
    return out


def convictions_note(
    results: Mapping[str, Mapping[str, Any]], matched: Mapping[str, float] | None
) -> str:
    """The sentence that goes wherever the convictions change 2017-2020 is shown."""
    carried, carried_c = _value(results, CARRIED), _value(results, CARRIED + S)
    if carried is None or carried_c is None:
        return ""
    text = (
        f"The change in persons convicted, 2017 to 2020, rests on carried values: "
        f"{_pct(carried)} of the 2020 total on the trend panel (reproduction; "
        f"{_pct(carried_c)} on the re-analysis)."
    )
    if matched and {"report", "current"} <= set(matched):
        text += (
            f" On the matched set it is {_change(matched['report'])} (reproduction) and "
            f"{_change(matched['current'])} (re-analysis)."
        )
    return text
