"""save_figure lays a figure out once per state: fewer layout draws, the same files."""

from __future__ import annotations

import contextlib
import re
import warnings

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from tiptrends.report import style

#: Every test draws in the house style; its settings and figures end with it.
pytestmark = pytest.mark.usefixtures("house_style")


def _page_figure() -> Figure:
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    ax.plot([2019, 2020, 2021], [1, 3, 2], label="A")
    ax.set_xticks([2019, 2020, 2021])
    ax.set(xlabel="Year", ylabel="Victims (persons)", title="A page-width figure")
    style.source_note(ax, "UNODC", "2025-04-14")
    return fig


def _wide_panels() -> Figure:
    """Three panels with long titles and an outside legend: fitted (narrowed, wrapped)."""
    fig, axes = plt.subplots(1, 3, figsize=(12.0, 4.0))
    for i, ax in enumerate(axes):
        ax.plot([2019, 2020, 2021], [i, i + 2, i + 1], label=f"A long series name {i}")
        ax.set_title(f"Panel {i} with a title long enough to need wrapping")
        ax.set(xlabel="Year", ylabel="Share (%)")
    style.legend_outside(axes[-1])
    style.source_note(axes[0], "UNODC GLOTIP data portal, a source note long enough to wrap")
    return fig


def _draws(monkeypatch) -> list[Figure]:
    """Record each layout draw (``draw_without_rendering``) of any figure."""
    drawn: list[Figure] = []
    original = Figure.draw_without_rendering

    def counting(self: Figure) -> None:
        drawn.append(self)
        original(self)

    monkeypatch.setattr(Figure, "draw_without_rendering", counting)
    return drawn


def test_a_figure_that_fits_is_laid_out_once(tmp_path, monkeypatch) -> None:
    # the width check and the rule check read one layout (two draws before)
    drawn = _draws(monkeypatch)
    style.save_figure(_page_figure(), "page", alt="Page figure", directory=tmp_path)
    assert len(drawn) == 1


def test_a_change_is_laid_out_again(monkeypatch) -> None:
    fig = _page_figure()
    drawn = _draws(monkeypatch)
    with style._layout_session():
        style.saved_width(fig)
        style.figure_problems(fig)
        assert len(drawn) == 1
        fig.axes[0].set_title("Another title")
        style.figure_problems(fig)
        assert len(drawn) == 2
        fig.set_figwidth(5.0)
        assert style.saved_width(fig) < 5.5
        assert len(drawn) == 3
    style.saved_width(fig)  # outside save_figure every call lays the figure out
    assert len(drawn) == 4


def _svg(path) -> str:
    """SVG text without what differs between two saves of one figure (date, random ids)."""
    text = re.sub(r"<dc:date>[^<]*</dc:date>", "", path.read_text())
    return re.sub(r"\b(?:[mp]|C\w+_\d+_|image)[0-9a-f]{10}\b", "ID", text)


@pytest.mark.parametrize("make", [_page_figure, _wide_panels])
def test_files_equal_those_of_a_layout_at_every_step(tmp_path, monkeypatch, make) -> None:
    warnings.simplefilter("ignore", style.FigureRuleWarning)
    memo, every = tmp_path / "memo", tmp_path / "every"
    style.save_figure(make(), "figure", alt="Figure", directory=memo)
    monkeypatch.setattr(style, "_layout_session", contextlib.nullcontext)  # draw every time
    drawn = _draws(monkeypatch)
    style.save_figure(make(), "figure", alt="Figure", directory=every)
    assert len(drawn) >= 2
    assert (memo / "figure.png").read_bytes() == (every / "figure.png").read_bytes()
    assert _svg(memo / "figure.svg") == _svg(every / "figure.svg")
