"""Time the explorer's data: every place's sections, computed as ``tiptrends render`` does.

    python benchmarks/explorer.py [--runs N] [--write PATH]

Prints the wall and CPU seconds of :func:`tiptrends.report.explorer.explorer_data` (the
places listed, then every section of every place), after the data are loaded once, with the
machine's load average (on two CPUs that others use, only CPU seconds compare). ``--write``
saves the JSON, to compare two versions byte for byte (``cmp``).

Measured on the 2-CPU machine (load 4-5, both versions in the same hour, 232 places):
one pass per place through the profile functions 23.5 s CPU (58 s wall); every section
pooled over all places at once 2.4 s CPU (3.5 s wall), the file byte-identical. The
explorer's notebook in a fresh clone (kernel, imports, data and file): 76.1 s wall (load 6-8)
before, 4.2 s after (load 4-5).
"""

from __future__ import annotations

import argparse
import os
import time

from tiptrends.analyses import places
from tiptrends.report import explorer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", help="save the JSON here")
    args = parser.parse_args()
    pdata = places.load_profile_data()
    explorer.colours()  # the house style's import, once (the notebook pays it once too)
    rows = []
    data: dict = {}
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        listed = explorer.places_to_explore(places, pdata)
        rows.append(("places listed", time.perf_counter() - wall, time.process_time() - cpu))
        wall, cpu = time.perf_counter(), time.process_time()
        data = explorer.explorer_data(places, pdata)
        rows.append(("explorer_data", time.perf_counter() - wall, time.process_time() - cpu))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"explorer data: {len(data['places'])} places ({len(listed)} listed); load {load}")
    for name in dict.fromkeys(r[0] for r in rows):
        walls = [r[1] for r in rows if r[0] == name]
        cpus = [r[2] for r in rows if r[0] == name]
        print(f"  {name:<14} best {min(walls):5.2f} s wall, {min(cpus):5.2f} s CPU ({len(walls)} runs)")
    if args.write:
        explorer.write_json(data, args.write)
        print(f"written: {args.write}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
