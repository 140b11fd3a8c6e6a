"""save_figure measures a figure once: the PNG and the SVG reuse the tight box the rules read."""

from __future__ import annotations

import io
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from tiptrends.report import style


@pytest.fixture(autouse=True)
def _own_rcparams():
    """Each test's style changes stay in the test (other test files read the defaults)."""
    with matplotlib.rc_context():
        style.use_house_style()
        yield
    plt.close("all")


def _page_figure(**kwargs) -> Figure:
    fig, ax = plt.subplots(figsize=(6.0, 4.0), **kwargs)
    ax.plot([2019, 2020, 2021], [1, 3, 2], label="A")
    ax.set_xticks([2019, 2020, 2021])
    ax.set(xlabel="Year", ylabel="Victims (persons)", title="A page-width figure")
    style.source_note(ax, "UNODC", "2025-04-14")
    return fig


def _count(monkeypatch, cls, name) -> list[object]:
    calls: list[object] = []
    original = getattr(cls, name)

    def counting(self, *args, **kwargs):
        calls.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, counting)
    return calls


def _png(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"), dtype=float)


def test_the_two_saves_do_not_measure_the_figure_again(tmp_path, monkeypatch) -> None:
    # one layout and one tight box for the rules; each save then draws once (it drew twice,
    # a layout to measure the tight box and the drawing, and measured the box each time)
    draws = _count(monkeypatch, Figure, "draw")
    boxes = _count(monkeypatch, Figure, "get_tightbbox")
    style.save_figure(_page_figure(), "page", alt="Page figure", directory=tmp_path)
    assert len(boxes) == 1
    assert len(draws) == 3  # the layout, the PNG, the SVG


def test_the_png_is_the_tight_one(tmp_path) -> None:
    # the box measured at 100 dpi differs from the one measured at 150 dpi by a pixel or two
    path = style.save_figure(_page_figure(), "page", alt="Page figure", directory=tmp_path)
    buf = io.BytesIO()
    reference = _page_figure()
    reference.savefig(buf, format="png", dpi=style.PNG_DPI)  # bbox_inches="tight" (house rc)
    buf.seek(0)
    got, want = _png(path), _png(buf)
    assert abs(got.shape[0] - want.shape[0]) <= 3 and abs(got.shape[1] - want.shape[1]) <= 3
    h, w = min(got.shape[0], want.shape[0]), min(got.shape[1], want.shape[1])
    # the same picture: the same share of ink, mean colour within a few levels
    ink = lambda a: (a[:h, :w].mean(axis=2) < 200).mean()  # noqa: E731
    assert ink(got) == pytest.approx(ink(want), rel=0.03)
    assert np.abs(got[:h, :w].mean(axis=(0, 1)) - want[:h, :w].mean(axis=(0, 1))).max() < 2


def test_a_layout_engine_figure_is_measured_as_savefig_measures_it(tmp_path) -> None:
    # constrained layout places the axes anew at the saving resolution: savefig's own box
    path = style.save_figure(
        _page_figure(layout="constrained"), "page", alt="Page figure", directory=tmp_path
    )
    buf = io.BytesIO()
    _page_figure(layout="constrained").savefig(buf, format="png", dpi=style.PNG_DPI)
    assert _png(path).shape == _png(io.BytesIO(buf.getvalue())).shape


def test_nothing_is_clipped_from_a_figure_wider_than_the_page(tmp_path) -> None:
    warnings.simplefilter("ignore", style.FigureRuleWarning)
    fig, axes = plt.subplots(1, 3, figsize=(12.0, 4.0))
    for i, ax in enumerate(axes):
        ax.plot([2019, 2020, 2021], [i, i + 2, i + 1], label=f"A long series name {i}")
        ax.set_title(f"Panel {i} with a title long enough to need wrapping")
    style.legend_outside(axes[-1])
    style.source_note(axes[0], "UNODC GLOTIP data portal, a source note long enough to wrap")
    path = style.save_figure(fig, "wide", alt="Wide figure", directory=tmp_path)
    img = _png(path)
    # a white margin all round: the padding, nothing drawn across the image's edge
    for edge in (img[:5], img[-5:], img[:, :5], img[:, -5:]):
        assert edge.min() > 250
