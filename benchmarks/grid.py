"""Seconds to compute chapter 12's specification grid, one process (prints; not a test).

    python benchmarks/grid.py [--figures] [--compare]

Times :func:`tiptrends.methods.multiverse.run` over every figure of the stored grid and the
declared space, as ``tiptrends data build`` computes it (without writing the product), after
an untimed warm-up that reads the figure registry's stored data bases. ``--figures`` prints
each figure's seconds (in grid order: a figure profits from the counts an earlier one left in
the registry's memo); ``--compare`` checks the computed grid against the stored product
(largest absolute difference). Then the panel functions on the detected victims of the
reproduction: milliseconds per call of :func:`tiptrends.methods.panels.change_pct` for each
country set and of :func:`~tiptrends.methods.panels.country_set`.

Targets (issues 19 and 21, 2 CPUs): the grid in <= 20 s. The machine is shared: the load
average is printed with the figures, and the process's CPU seconds beside the wall-clock
seconds (under load, the fairer comparison).
"""

from __future__ import annotations

import argparse
import os
import time


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> str:
    wall, cpu = time.perf_counter() - start[0], time.process_time() - start[1]
    return f"{wall:7.2f} s wall {cpu:7.2f} s CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", action="store_true", help="seconds of each figure")
    parser.add_argument("--compare", action="store_true", help="compare with the stored grid")
    args = parser.parse_args()

    import numpy as np
    import pandas as pd

    from tiptrends.methods import figures, multiverse, panels

    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    start = _clock()
    for switches in ({"exclusions": False}, {"exclusions": True}):
        figures.data_bases(**switches)
    print(f"warm-up (stored data bases)   {_since(start)}")

    keys, space = multiverse.grid_keys(), multiverse.load_space()
    start = _clock()
    if args.figures:
        parts = []
        for key in keys:
            one = _clock()
            parts.append(multiverse.run([key], space))
            print(f"  {key:<45} {_since(one)}  {len(parts[-1]):>4} values")
        grid = pd.concat(parts, ignore_index=True)
    else:
        grid = multiverse.run(keys, space)
    print(f"grid: {len(grid):,} values of {len(keys)} figures  {_since(start)}")

    if args.compare:
        stored = multiverse.stored_grid()
        mine = multiverse.storable(grid)
        a, b = stored["value"].to_numpy(float), mine["value"].to_numpy(float)
        same = stored.drop(columns="value").equals(mine.drop(columns="value"))
        both = np.isnan(a) & np.isnan(b)
        diff = float(np.max(np.where(both, 0.0, np.abs(a - b)))) if len(a) == len(b) else np.inf
        print(f"against the stored grid: same specifications {same}, max abs difference {diff}")

    counts = panels.measure_counts(figures.table("report"), "victims")
    for panel in panels.PANEL_KINDS:
        start = _clock()
        for _ in range(20):
            panels.change_pct(counts, 2019, 2022, "value", panel=panel)
        print(f"change_pct {panel:<13} {1000 * (time.perf_counter() - start[0]) / 20:6.1f} ms")
    start = _clock()
    for _ in range(20):
        panels.country_set(counts, range(2012, 2023), "trend", "value")
    print(f"country_set trend 2012-2022 {1000 * (time.perf_counter() - start[0]) / 20:6.1f} ms")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
