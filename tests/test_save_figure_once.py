"""save_figure measures a figure once: the PNG and the SVG reuse the tight box the rules read."""

from __future__ import annotations

import io
import os
import re
import sys
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from tiptrends.report import style

#: Where save_figure can draw the SVG in a forked copy (Linux).
FORK = sys.platform == "linux" and hasattr(os, "fork")


#: Every test draws in the house style; its settings and figures end with it.
pytestmark = pytest.mark.usefixtures("house_style")


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


def _svg_text(path) -> str:
    """SVG text without what differs between two saves of one figure (date, random ids)."""
    text = re.sub(r"<dc:date>[^<]*</dc:date>", "", path.read_text())
    return re.sub(r"\b(?:[mp]|C\w+_\d+_|image)[0-9a-f]{10}\b", "ID", text)


def _svg_pids(monkeypatch, tmp_path, fail_in_copy: bool = False) -> Path:
    """Record the pid of each process that draws an SVG (one line each) in the returned file."""
    record, parent, original = tmp_path / "svg-pids.txt", os.getpid(), Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        if kwargs.get("format") == "svg":
            with open(record, "a") as f:
                f.write(f"{os.getpid()}\n")
            if fail_in_copy and os.getpid() != parent:
                raise RuntimeError("the copy fails")
        return original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return record


@pytest.mark.skipif(not FORK, reason="the SVG is drawn beside only where fork is")
def test_the_svg_is_drawn_beside_the_png(tmp_path, monkeypatch) -> None:
    record = _svg_pids(monkeypatch, tmp_path)
    token = style._SVG_BESIDE.set(True)
    try:
        style.save_figure(_page_figure(), "page", alt="Page figure", directory=tmp_path / "a")
    finally:
        style._SVG_BESIDE.reset(token)
    pids = record.read_text().split()
    assert len(pids) == 1 and int(pids[0]) != os.getpid()  # drawn by another process
    monkeypatch.undo()
    token = style._SVG_BESIDE.set(False)
    try:
        style.save_figure(_page_figure(), "page", alt="Page figure", directory=tmp_path / "b")
    finally:
        style._SVG_BESIDE.reset(token)
    # the same files either way
    a, b = tmp_path / "a", tmp_path / "b"
    assert (a / "page.png").read_bytes() == (b / "page.png").read_bytes()
    assert _svg_text(a / "page.svg") == _svg_text(b / "page.svg")


@pytest.mark.skipif(not FORK, reason="the SVG is drawn beside only where fork is")
def test_an_svg_the_copy_could_not_draw_is_drawn_here(tmp_path, monkeypatch) -> None:
    record = _svg_pids(monkeypatch, tmp_path, fail_in_copy=True)
    token = style._SVG_BESIDE.set(True)
    try:
        style.save_figure(_page_figure(), "page", alt="Page figure", directory=tmp_path)
    finally:
        style._SVG_BESIDE.reset(token)
    pids = [int(p) for p in record.read_text().split()]
    assert len(pids) == 2 and pids[0] != os.getpid() and pids[1] == os.getpid()
    assert "<svg" in (tmp_path / "page.svg").read_text()


@pytest.mark.parametrize("alone", ["1", None])
def test_the_svg_is_drawn_beside_only_in_a_kernel_running_alone(tmp_path, monkeypatch, alone):
    # the render says so (a CPU to spare); elsewhere (notebooks side by side, a script)
    # a copy would only add work
    if alone is None:
        monkeypatch.delenv(style.ALONE_ENV, raising=False)
    else:
        monkeypatch.setenv(style.ALONE_ENV, alone)
    record = _svg_pids(monkeypatch, tmp_path)
    style.save_figure(_page_figure(), "page", alt="Page figure", directory=tmp_path)
    pids = [int(p) for p in record.read_text().split()]
    assert (pids != [os.getpid()]) == (alone == "1" and FORK), pids
