"""Benchmark of the data layer: raw UNODC workbook -> curated Parquet, and loading it.

Prints its figures (median of repeated runs); it is not a test. Targets (issue #2): raw workbook
to curated Parquet in under 3 s; loading a curated table in under 0.1 s.

    python benchmarks/data_layer.py [--repeat 5] [--openpyxl]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from tiptrends.io import curate, data, sources
from tiptrends.io.readers.unodc import read_glotip


def _median_time(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--openpyxl", action="store_true", help="also time pandas + openpyxl (slow)"
    )
    args = parser.parse_args()

    raw, _ = sources.fetch("glotip_2025")
    curate.build("glotip_2025")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "glotip.parquet"
        build = _median_time(lambda: read_glotip(raw).to_parquet(out, index=False), args.repeat)
    load_quick = _median_time(lambda: data.load_glotip("2025"), args.repeat)
    load_full = _median_time(lambda: data.load_glotip("2025", validate="full"), args.repeat)
    load_plain = _median_time(
        lambda: pd.read_parquet(curate.curated_path("glotip_2025")), args.repeat
    )

    rows = [
        ("raw xlsx -> validated curated Parquet (calamine)", build, 3.0),
        ("load curated table, quick schema check (default)", load_quick, 0.1),
        ("load curated table, full schema check", load_full, None),
        ("read Parquet only (no check)", load_plain, None),
    ]
    if args.openpyxl:
        openpyxl_read = _median_time(
            lambda: pd.read_excel(raw, engine="openpyxl", header=2, dtype=str), 1
        )
        rows.append(("read workbook with pandas + openpyxl (for comparison)", openpyxl_read, None))
    print(
        f"UNODC GLOTIP 2025 release ({raw.stat().st_size / 1e6:.1f} MB), median of {args.repeat} runs"
    )
    for label, seconds, target in rows:
        verdict = (
            ""
            if target is None
            else (f"  target < {target:g} s: " + ("met" if seconds < target else "MISSED"))
        )
        print(f"  {label:<55} {seconds:7.3f} s{verdict}")
    print(f"  ratio build / load (default)                            {build / load_quick:7.1f} x")
    print("Other readers (raw file -> validated table, before ISO3 mapping)")
    for source_id in (
        "gsi_2023",
        "ctdc_vp",
        "tip_tiers_kelley_heiss",
        "du_tip_tiers",
        "du_tip_flows",
    ):
        source = sources.get_source(source_id)
        path, _ = sources.fetch(source_id)
        reader = curate.READERS[source.reader].read()
        seconds = _median_time(lambda reader=reader, path=path: reader(path), args.repeat)
        print(f"  {source_id:<53} {seconds:7.3f} s")


if __name__ == "__main__":
    main()
