"""Figures legible as the book shows them: page width, text size, SVG link, anchors, gaps,
one unit per axis, one colour per series."""

from __future__ import annotations

import base64
import io
import re
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from tiptrends.report import book, style


@pytest.fixture(autouse=True)
def _own_rcparams():
    """Each test's style changes stay in the test (other test files read the defaults)."""
    with matplotlib.rc_context():
        yield
    plt.close("all")


def _wide_figure() -> plt.Figure:
    """A house-size figure whose long labels and outside legend make the saved image wide."""
    fig, ax = plt.subplots(figsize=(style.PAGE_WIDTH_IN, 4.2))
    for i in range(3):
        ax.plot([2019, 2020, 2021], [i, i + 1, i + 2], label=f"A long series name {i}")
    ax.set_yticks([0, 2, 4], ["A long category label", "b", "c"])
    ax.set_xlabel("Year")
    ax.set_xticks([2019, 2020, 2021])
    style.legend_outside(ax)
    style.source_note(ax, "UNODC")
    return fig


def test_saved_figures_are_page_width_and_text_is_9_px_as_displayed(tmp_path) -> None:
    style.use_house_style()
    fig = _wide_figure()
    assert style.saved_width(fig) > 1.2 * style.PAGE_WIDTH_IN, "the test figure is too wide"
    with warnings.catch_warnings():
        warnings.simplefilter("error", style.FigureRuleWarning)  # no rule broken once fitted
        png = style.save_figure(fig, "wide", alt="Wide figure", directory=tmp_path)
    width_px = style._png_width(png.read_bytes())
    assert width_px <= style.PAGE_WIDTH_IN * style.PNG_DPI * 1.03
    svg = (tmp_path / "wide.svg").read_text()
    svg_width_pt = float(re.search(r'<svg[^>]*width="([\d.]+)pt"', svg).group(1))
    smallest = min(float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg))
    assert smallest * style.PAGE_WIDTH_PX / svg_width_pt >= style.MIN_TEXT_PX


def test_figure_rules_measure_text_on_the_saved_width() -> None:
    """A 7-inch figure whose labels stick out is shrunk on the page: the rule sees it."""
    fig = _wide_figure()
    for text in fig.findobj(lambda a: hasattr(a, "set_fontsize") and hasattr(a, "get_text")):
        text.set_fontsize(7)
    problems = style.figure_problems(fig)
    assert any("px as displayed" in p for p in problems), problems
    plt.close(fig)


def test_book_figure_links_its_svg_and_has_a_stable_anchor() -> None:
    buf = io.BytesIO()
    fig, ax = plt.subplots()
    fig.savefig(buf, format="png")
    plt.close(fig)
    png = base64.b64encode(buf.getvalue()).decode()
    meta = {"alt": 'Line "chart"', "width": 700, "tiptrends_figure": "02_forms_world", "csv": True}
    html = book._figure_html(png, meta, {}, prefix="../")
    assert 'id="figure-02-forms-world"' in html
    assert '<a class="tt-figure-link" href="../figures/02_forms_world.svg"' in html
    assert re.search(r'<a class="tt-figure-link"[^>]*><img [^>]*alt="Line &quot;chart&quot;"', html)
    assert 'href="#figure-02-forms-world"' in html
    again = book._figure_html(png, meta, {}, prefix="../")
    assert re.search(r'id="([^"]+)"', again).group(1) == "figure-02-forms-world", "stable"


def test_stylesheet_gives_page_figures_one_width() -> None:
    from pathlib import Path

    css = (Path(book.__file__).parent / "templates/book/tiptrends.css").read_text()
    rule = re.search(r"img\.tt-figure\s*\{([^}]*)\}", css)
    assert rule and "width: 100%" in rule.group(1)


def _nan_years(line) -> list[int]:
    x, y = line.get_xdata(), np.asarray(line.get_ydata(), dtype=float)
    return [int(v) for v, w in zip(x, y, strict=True) if np.isnan(w)]


def test_lines_break_at_years_without_data() -> None:
    df = pd.DataFrame(
        {
            "region": ["Africa"] * 3 + ["Europe"] * 4,
            "year": [2018, 2019, 2021, 2018, 2019, 2020, 2021],
            "form": ["Forced labour"] * 7,
            "share": [1.0, 2.0, 4.0, 1.0, 2.0, 3.0, 4.0],
        }
    )
    fig, ax = style.plot_shares_over_time(
        df[df.region == "Africa"], "year", "share", "form", xlabel="Year", ylabel="Share (%)"
    )
    assert _nan_years(ax.get_lines()[0]) == [2020], "no line drawn across 2020"
    plt.close(fig)
    fig, axes = style.small_multiples(
        df, "region", "year", "share", "form", xlabel="Year", ylabel="Share (%)"
    )
    assert _nan_years(axes.flat[0].get_lines()[0]) == [2020]
    assert _nan_years(axes.flat[1].get_lines()[0]) == []
    plt.close(fig)


def test_published_vs_reproduced_puts_one_unit_on_each_axis() -> None:
    table = pd.DataFrame(
        {
            "label": ["Victims 2022", "Children 2022", "Forced labour 2021"],
            "published": [10_100.0, 15.0, 30.0],
            "reproduced": [9_700.0, 18.0, 25.0],
            "unit": ["persons", "%", "%"],
        }
    )
    fig, axes = style.plot_published_vs_reproduced(table, xlabel={"%": "Share (%)"})
    assert [ax.get_xlabel() for ax in axes] == ["Persons", "Share (%)"]
    assert [len(ax.get_yticks()) for ax in axes] == [1, 2]
    assert all(ax.get_ylabel() != "Figure" for ax in axes)
    plt.close(fig)
    labelled = table.drop(columns="unit").assign(label=["Victims (thousands)", "A (%)", "B (%)"])
    fig, axes = style.plot_published_vs_reproduced(labelled, xlabel="Value (unit in label)")
    assert len(axes) == 2, "units read from the labels"
    plt.close(fig)


def _line_colours(ax) -> dict[str, str]:
    return {line.get_label(): to_hex(line.get_color()) for line in ax.get_lines()}


def test_a_series_has_one_colour_in_every_helper() -> None:
    both = pd.DataFrame(
        {"year": [2020, 2021] * 2, "stage": ["Prosecuted"] * 2 + ["Convicted"] * 2, "n": 1.0}
    )
    alone = both[both.stage == "Convicted"]
    fig1, ax1 = style.plot_shares_over_time(both, "year", "n", "stage", xlabel="Y", ylabel="N")
    fig2, ax2 = style.plot_shares_over_time(alone, "year", "n", "stage", xlabel="Y", ylabel="N")
    fig3, axes3 = style.small_multiples(
        both.assign(f="x"), "f", "year", "n", "stage", xlabel="Y", ylabel="N"
    )
    convicted = {
        _line_colours(ax1)["Convicted"],
        _line_colours(ax2)["Convicted"],
        _line_colours(axes3.flat[0])["Convicted"],
        to_hex(style.palette(["Convicted"])["Convicted"]),
    }
    assert convicted == {style.colour_for("convicted").lower()}
    for fig in (fig1, fig2, fig3):
        plt.close(fig)


def test_a_chapter_colour_cannot_recolour_a_house_series() -> None:
    df = pd.DataFrame({"year": [2020, 2021], "stage": "Convicted", "n": 1.0})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = style.plot_shares_over_time(
            df, "year", "n", "stage", xlabel="Y", ylabel="N", colours={"Convicted": "#E69F00"}
        )
    assert _line_colours(ax)["Convicted"] == style.colour_for("Convicted").lower()
    assert any(issubclass(w.category, style.FigureRuleWarning) for w in caught)
    plt.close(fig)


def test_saved_figures_record_their_series_colours_and_conflicts_are_found(tmp_path) -> None:
    for name, colour in (("5_1", "#009E73"), ("5_4", "#E69F00")):
        fig, ax = plt.subplots()
        ax.plot([2020, 2021], [1, 2], color=colour, label="Convicted")
        ax.plot([2020, 2021], [2, 3], color="#0072B2", label="Prosecuted")
        ax.set_xticks([2020, 2021])
        style.legend_outside(ax)
        style.source_note(ax, "UNODC")
        style.save_figure(fig, name, alt="Convictions", directory=tmp_path)
    index = style.saved_series_colours(tmp_path)
    assert index["5_1"] == {"Convicted": "#009e73", "Prosecuted": "#0072b2"}
    assert style.colour_conflicts(index) == {"Convicted": {"#009e73": ["5_1"], "#e69f00": ["5_4"]}}


def test_a_long_source_note_wraps_to_the_page(tmp_path) -> None:
    fig, ax = plt.subplots(figsize=(style.PAGE_WIDTH_IN, 3))
    ax.plot([1, 2], [1, 2])
    ax.set_xlabel("Value")
    ax.set_ylabel("Value")
    style.source_note(ax, "UNODC", note="A note that goes on and on about the data " * 4)
    assert style.saved_width(fig) > 1.2 * style.PAGE_WIDTH_IN
    style.save_figure(fig, "long_note", alt="Long note", directory=tmp_path)
    svg = (tmp_path / "long_note.svg").read_text()
    width_in = float(re.search(r'<svg[^>]*width="([\d.]+)pt"', svg).group(1)) / 72
    assert width_in <= style.PAGE_WIDTH_IN * 1.03


def _panels() -> plt.Figure:
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3))
    for ax in axes:
        ax.barh([0, 1], [1, 2])
        ax.set_yticks([0, 1], ["A long category name", "Another long name"])
        ax.set_xlabel("Victims")
    fig.subplots_adjust(left=0.02, right=0.98, wspace=0.8)  # labels stick out on the left
    style.source_note(axes[0], "UNODC")
    return fig


def test_fitting_never_crowds_a_grid_of_panels() -> None:
    """Narrowing these panels would push the right panel's labels into the left one."""
    squeezed = _panels()
    assert style._layout_problems(squeezed) == set()
    style.fit_to_page(squeezed)
    assert any("run into" in p for p in style._layout_problems(squeezed)), "test premise"
    fig = _panels()
    style._fit_unless_worse(fig)
    assert style._layout_problems(fig) == set(), "the narrowing was undone"
