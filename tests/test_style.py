"""Tests of the house style: fixed colours, source notes, saving figures with alt text."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from nbconvert import HTMLExporter
from PIL import Image

from tiptrends import vocab
from tiptrends.report import style


def test_form_and_group_colours_fixed_distinct_okabe_ito() -> None:
    assert set(style.FORM_COLOURS) == {*vocab.FORMS, "Forced criminality", vocab.TOTAL}
    assert set(style.SEX_AGE_COLOURS) == set(vocab.SEX_AGE_GROUPS)
    okabe = set(style.OKABE_ITO.values())
    for table in (style.FORM_COLOURS, style.SEX_AGE_COLOURS, style.REGION_COLOURS):
        assert len(set(table.values())) == len(table), "colours within a palette must differ"
        assert set(table.values()) <= okabe
    assert style.colour_for(vocab.SEXUAL) == style.FORM_COLOURS[vocab.SEXUAL]
    assert style.colour_for("Girls") == style.SEX_AGE_COLOURS["girls"]
    with pytest.raises(KeyError):
        style.colour_for("Atlantis")


def test_use_house_style_sets_rcparams() -> None:
    with matplotlib.rc_context():
        style.use_house_style()
        rc = matplotlib.rcParams
        assert not rc["axes.spines.top"] and not rc["axes.spines.right"]
        assert rc["svg.fonttype"] == "none"
        cycle = [to_hex(c["color"]).upper() for c in rc["axes.prop_cycle"]]
        assert cycle == [c.upper() for c in style.CYCLE]


def test_source_note_adds_text() -> None:
    fig, ax = plt.subplots()
    style.source_note(ax, "UNODC GLOTIP", "2025-04-14", note="Countries with data.")
    texts = [t.get_text() for t in ax.texts]
    plt.close(fig)
    assert texts == ["Source: UNODC GLOTIP (release 2025-04-14)\nCountries with data."]
    with pytest.raises(ValueError):
        style.source_note(ax, " ")


def test_save_figure_writes_png_svg_and_alt(tmp_path) -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    style.source_note(ax, "Test data")
    png = style.save_figure(fig, "diag", "A diagonal line", directory=tmp_path)
    assert png == tmp_path / "diag.png"
    assert (tmp_path / "diag.svg").read_text().count("A diagonal line") >= 1
    with Image.open(png) as img:
        assert img.text.get("Description") == "A diagonal line"
    assert json.loads((tmp_path / "alt_text.json").read_text()) == {"diag": "A diagonal line"}
    assert not plt.fignum_exists(fig.number), "figure must be closed after saving"

    fig2, ax2 = plt.subplots()
    style.source_note(ax2, "Test data")
    style.save_figure(fig2, "second", "Another figure", directory=tmp_path)
    assert set(json.loads((tmp_path / "alt_text.json").read_text())) == {"diag", "second"}


@pytest.mark.parametrize("alt", ["", "   "])
def test_save_figure_refuses_empty_alt(tmp_path, alt) -> None:
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt text"):
        style.save_figure(fig, "x", alt, directory=tmp_path)
    plt.close(fig)
    assert list(tmp_path.iterdir()) == []


def test_save_figure_refuses_a_figure_without_source_note(tmp_path) -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    with pytest.raises(ValueError, match="no source note"):
        style.save_figure(fig, "nosource", "A line", directory=tmp_path)
    plt.close(fig)
    assert list(tmp_path.iterdir()) == []


def test_save_figure_default_directory_is_build_figures(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(tmp_path / "_build"))
    fig, ax = plt.subplots()
    style.source_note(ax, "Test data")
    path = style.save_figure(fig, "f", "Empty axes")
    assert path == tmp_path / "_build" / "figures" / "f.png"


def test_figure_bundle_alt_survives_nbconvert_html_export() -> None:
    """nbconvert's default (lab) HTML export must carry the alt text into <img alt=...>."""
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1])
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    alt = 'Share "sexual exploitation" < 50 % & falling'
    data, meta = style.figure_bundle(buf.getvalue(), alt, width=200)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("save_figure(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=meta)]
    nb.cells = [cell]
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    imgs = re.findall(r"<img[^>]*data:image/png[^>]*>", body)
    assert len(imgs) == 1, "the figure appears exactly once"

    class Alt(HTMLParser):
        def handle_starttag(self, tag, attrs):
            self.alt = dict(attrs).get("alt")

    parser = Alt()
    parser.feed(imgs[0])
    assert parser.alt == alt


def test_plot_shares_over_time_bands_colours_and_labels() -> None:
    df = pd.DataFrame(
        {
            "year": [2020, 2021, 2020, 2021],
            "form": [vocab.SEXUAL, vocab.SEXUAL, vocab.FORCED_LABOUR, vocab.FORCED_LABOUR],
            "share": [40.0, 38.0, 35.0, 37.0],
            "lo": [35.0, 33.0, 30.0, 32.0],
            "hi": [45.0, 43.0, 40.0, 42.0],
        }
    )
    fig, ax = style.plot_shares_over_time(
        df,
        "year",
        "share",
        "form",
        "lo",
        "hi",
        xlabel="Year",
        ylabel="Share of detected victims (%)",
        source="UNODC",
        release="2025",
    )
    colours = {line.get_label(): to_hex(line.get_color()).upper() for line in ax.get_lines()}
    assert colours == {
        f: style.FORM_COLOURS[f].upper() for f in (vocab.SEXUAL, vocab.FORCED_LABOUR)
    }
    assert len(ax.collections) == 2, "one interval band per group"
    assert ax.get_ylabel() == "Share of detected victims (%)"
    assert any(t.get_text().startswith("Source: UNODC") for t in ax.texts)
    plt.close(fig)
    with pytest.raises(ValueError, match="axis labels"):
        style.plot_shares_over_time(df, "year", "share", "form", xlabel="Year", ylabel="")
    plt.close("all")


def test_other_chart_helpers() -> None:
    table = pd.DataFrame(
        {
            "label": ["a", "b"],
            "published": [10.0, 20.0],
            "reproduced": [11.0, 19.0],
            "published_low": [9.0, 18.0],
            "published_high": [12.0, 22.0],
        }
    )
    fig, ax = style.plot_published_vs_reproduced(table, xlabel="Victims (count)")
    ypos = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    assert ypos["a"] > ypos["b"], "first row of the table at the top"
    plt.close(fig)

    s = pd.Series({"A": 3.0, "B": 10.0, "C": 1.0, "D": None})
    fig, ax = style.plot_country_ranking(s, top=2, xlabel="Victims per 100,000")
    ypos = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    assert set(ypos) == {"A", "B"} and ypos["B"] > ypos["A"], "top 2, largest at the top"
    plt.close(fig)

    df = pd.DataFrame(
        {
            "region": ["Africa"] * 2 + ["Europe"] * 2,
            "year": [1, 2, 1, 2],
            "grp": ["women"] * 4,
            "v": [1.0, 2.0, 3.0, 4.0],
        }
    )
    fig, axes = style.small_multiples(
        df,
        "region",
        "year",
        "v",
        "grp",
        xlabel="Year",
        ylabel="Victims",
        ncols=3,
        source="UNODC",
    )
    shown = [a.get_title("left") or a.get_title() for a in axes.flat if a.get_visible()]
    assert shown == ["Africa", "Europe"]  # the house style titles left
    assert (
        to_hex(axes.flat[0].get_lines()[0].get_color()).upper()
        == style.SEX_AGE_COLOURS["women"].upper()
    )
    plt.close(fig)


def test_year_axes_get_whole_number_ticks() -> None:
    df = pd.DataFrame(
        {"year": [2012, 2013, 2012, 2013], "share": [1.0, 2.0, 3.0, 4.0], "g": ["a", "a", "b", "b"]}
    )
    df["facet"] = "one"
    fig, axes = style.small_multiples(df, "facet", "year", "share", "g", xlabel="Year", ylabel="%")
    fig.canvas.draw()
    ticks = axes.flat[0].get_xticks()
    assert all(float(t).is_integer() for t in ticks)
    fig2, ax = style.plot_shares_over_time(df, "year", "share", "g", xlabel="Year", ylabel="%")
    assert all(float(t).is_integer() for t in ax.get_xticks())
    plt.close(fig)
    plt.close(fig2)


# --------------------------------------------------------------------------- figure rules


def _years_frame(groups=("Sexual exploitation", "Forced labour", "Other forms")):
    rows = []
    for g_i, g in enumerate(groups):
        for year in range(2010, 2023):
            rows.append({"year": year, "category": g, "share": 20 + 10 * g_i + (year - 2010)})
    return pd.DataFrame(rows)


def test_house_line_chart_follows_the_figure_rules() -> None:
    style.use_house_style()
    fig, ax = style.plot_shares_over_time(
        _years_frame(),
        "year",
        "share",
        "category",
        xlabel="Year",
        ylabel="Share (%)",
        title="Shares",
        source="synthetic",
    )
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(re.fullmatch(r"\d{4}", t) for t in labels), labels
    assert style.figure_problems(fig) == []
    plt.close(fig)


def test_figure_rules_catch_planted_problems() -> None:
    style.use_house_style()
    fig, ax = plt.subplots()  # default locator on four years: 2010.5 ticks
    ax.plot([2010, 2011, 2012, 2013], [1, 2, 3, 4])
    ax.set_xlabel("Year")
    assert any("fractional years" in p for p in style.figure_problems(fig))
    plt.close(fig)

    fig, ax = plt.subplots()  # legend in the middle of a line crossing the axes
    ax.plot(range(11), [5] * 11, label="flat")
    ax.plot(range(11), range(11), label="rising")
    ax.legend(loc="center")
    assert any("legend covers" in p for p in style.figure_problems(fig))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(4, 3))  # long category labels side by side
    ax.bar([f"A long category name {i}" for i in range(8)], range(8))
    assert any("overlapping x tick labels" in p for p in style.figure_problems(fig))
    plt.close(fig)

    fig, axes = plt.subplots(1, 3, figsize=(7, 2.5))  # a panel title wider than its panel
    axes[0].set_title("Eastern Europe and Central Asia, detected victims by form")
    assert any("title is wider" in p for p in style.figure_problems(fig))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(14, 4))  # a wide figure shrinks its text at page width
    ax.plot([1, 2], [1, 2])
    ax.set_xlabel("Value", fontsize=10)
    assert any("px as displayed" in p for p in style.figure_problems(fig))
    plt.close(fig)


def test_small_multiples_titles_fit_and_legend_stays_off_the_panels() -> None:
    style.use_house_style()
    regions = [
        "Eastern Europe and Central Asia",
        "Sub-Saharan Africa",
        "Latin America and the Caribbean",
        "East Asia and the Pacific",
        "North America",
    ]
    df = pd.concat(_years_frame().assign(region=r) for r in regions)
    fig, axes = style.small_multiples(
        df,
        "region",
        "year",
        "share",
        "category",
        xlabel="Year",
        ylabel="Share (%)",
        title="By region",
        source="synthetic",
    )
    assert style.figure_problems(fig) == []
    assert fig.get_figwidth() <= style.PAGE_WIDTH_IN
    plt.close(fig)


def test_save_figure_writes_the_data_as_csv(tmp_path) -> None:
    fig, ax = plt.subplots()
    data = pd.DataFrame({"year": [2020, 2021], "victims": [10, 12]})
    ax.plot(data["year"], data["victims"])
    style.source_note(ax, "Test data")
    style.save_figure(fig, "with_data", "Victims rise", directory=tmp_path, data=data)
    assert (tmp_path / "with_data.csv").read_text() == "year,victims\n2020,10\n2021,12\n"
    fig2, ax2 = plt.subplots()
    style.source_note(ax2, "Test data")
    style.save_figure(fig2, "no_data", "Nothing", directory=tmp_path)
    assert not (tmp_path / "no_data.csv").exists()


# --------------------------------------------------------------------------- seaborn theme


def test_seaborn_figures_take_the_house_colours_fonts_and_axes() -> None:
    import seaborn as sns  # a core dependency: `make setup` installs it

    with matplotlib.rc_context():
        sns.set_theme()  # seaborn's own theme first: darkgrid, "deep" palette
        style.use_house_style()
        fig, (ax, ax2) = plt.subplots(1, 2)
        sns.lineplot(_years_frame(), x="year", y="share", hue="category", ax=ax)
        sns.scatterplot(x=[1.0, 2.0], y=[1.0, 2.0], ax=ax2)
        ax.set_title("Shares")
        lines = [to_hex(line.get_color()) for line in ax.get_lines()[:3]]
        assert lines == [c.lower() for c in style.CYCLE[:3]]
        assert to_hex(ax2.collections[0].get_facecolor()[0]) == style.CYCLE[0].lower()
        # the house axes, not seaborn's darkgrid: white panel, light grid, no top spine
        assert to_hex(ax.get_facecolor()) == "#ffffff"
        assert to_hex(ax.xaxis.get_gridlines()[0].get_color()) == style.HOUSE_RC["grid.color"]
        assert not ax.spines["top"].get_visible()
        assert ax.title.get_fontsize() == style.HOUSE_RC["axes.titlesize"]
        assert ax.xaxis.label.get_fontsize() == style.HOUSE_RC["axes.labelsize"]
        plt.close(fig)


def test_seaborn_theme_leaves_matplotlib_figures_as_they_were() -> None:
    import seaborn as sns

    with matplotlib.rc_context(matplotlib.rcParamsDefault):
        matplotlib.rcParams.update(style.HOUSE_RC)
        house = dict(matplotlib.rcParams)
    with matplotlib.rc_context(matplotlib.rcParamsDefault):
        sns.set_theme(**style.seaborn_theme())
        themed = dict(matplotlib.rcParams)
    differ = {k for k in house if str(house[k]) != str(themed[k])}
    assert differ == set()
