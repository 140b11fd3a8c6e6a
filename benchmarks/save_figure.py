"""Seconds of CPU that ``style.save_figure`` spends per figure (fitting, rule checks, PNG + SVG).

Run: ``python -m benchmarks.save_figure``. Prints the mean over a few figures for a figure of
page width and one wider than the page (which the fitting narrows).
"""

from __future__ import annotations

import tempfile
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd

from tiptrends.report import style


def _figure(width_in: float) -> matplotlib.figure.Figure:
    rng = np.random.default_rng(0)
    years = list(range(2003, 2023))
    frame = pd.DataFrame(
        {"year": years * 3, "v": rng.random(60) * 100, "g": np.repeat(list("abc"), 20)}
    )
    fig, axes = style.plt.subplots(1, 3, figsize=(width_in, 4))
    for ax, (group, part) in zip(axes, frame.groupby("g"), strict=True):
        ax.plot(part["year"], part["v"], marker="o")
        ax.set_title(f"Panel {group}")
        ax.set(xlabel="Year", ylabel="Share (%)")
    style.source_note(axes[0], "Synthetic data")
    return fig


def main(repeat: int = 4) -> None:
    with matplotlib.rc_context():
        style.use_house_style()
        for label, width in (
            ("page width", style.PAGE_WIDTH_IN - 0.5),
            ("wider than the page", 12.0),
        ):
            directory = tempfile.mkdtemp()
            figures = [_figure(width) for _ in range(repeat)]
            started = time.process_time()
            for i, fig in enumerate(figures):
                style.save_figure(fig, f"f{i}", "Synthetic panels", directory=directory)
            seconds = (time.process_time() - started) / repeat
            print(f"save_figure, {label:<20} {seconds:6.3f} s CPU per figure")


if __name__ == "__main__":
    main()
