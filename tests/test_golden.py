"""Every recorded number against a reviewed golden copy (``tests/golden/results.json``).

``tests/test_reproduction.py`` compares some recorded numbers with published figures, within
tolerances wide enough for honest misses; this test pins *every* key of ``_build/results.json``
to the value it had when last reviewed, to ``RELATIVE`` (values near zero to ``ABSOLUTE``), so
any change of a number, deliberate or not, fails here and lists added, removed and changed keys.

A deliberate change (a method, a release, an exclusion) is accepted by regenerating the copy::

    make golden          # = python -m tests.test_golden --update (renders first, from cache)

which prints the differences and rewrites the file (one sorted line per key), so the diff of
``tests/golden/results.json`` in the commit that changes a number shows and reviews it.
``python -m tests.test_golden`` prints the differences without writing.

What the book says beyond the recorded numbers (every glued value of every chapter, the region
memberships, the headline tables of the test build's place profiles; see ``tests.book_golden``)
is pinned the same way in a second file, ``tests/golden/glued.json`` (key -> shown text), which
``--update`` rewrites too.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import pytest

from tests.book_golden import book_values, region_values, text_differences
from tiptrends import paths

GOLDEN = Path(__file__).resolve().parent / "golden" / "results.json"
#: The second golden file: what the book says (glued values, regions, profile tables).
GLUED = GOLDEN.parent / "glued.json"
RELATIVE = 1e-9
ABSOLUTE = 1e-12


def read_golden(path: Path = GOLDEN) -> dict[str, float]:
    """Key -> reviewed value."""
    return json.loads(path.read_text(encoding="utf-8"))


def recorded_values(results_file: Path | None = None) -> dict[str, float]:
    """Key -> value of the rendered ``_build/results.json``."""
    path = results_file or paths.build_dir() / "results.json"
    return {key: entry["value"] for key, entry in json.loads(path.read_text()).items()}


def same(a: float, b: float) -> bool:
    """Equal within the golden tolerance."""
    return math.isclose(a, b, rel_tol=RELATIVE, abs_tol=ABSOLUTE)


def differences(golden: dict[str, float], recorded: dict[str, float]) -> list[str]:
    """One line per added, removed or changed key (sorted by key); empty when they agree."""
    lines = []
    for key in sorted(set(golden) | set(recorded)):
        if key not in golden:
            lines.append(f"added    {key} = {recorded[key]!r}")
        elif key not in recorded:
            lines.append(f"removed  {key} (was {golden[key]!r})")
        elif not same(golden[key], recorded[key]):
            old, new = golden[key], recorded[key]
            rel = f", {100 * (new - old) / abs(old):+.3g}%" if old else ""
            lines.append(f"changed  {key}: {old!r} -> {new!r} ({new - old:+.6g}{rel})")
    return lines


def write_golden(recorded: dict[str, float], path: Path = GOLDEN) -> None:
    """Write the golden copy: sorted keys, one per line, values as recorded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def read_glued(path: Path = GLUED) -> dict[str, str]:
    """Key -> reviewed text of what the book says."""
    return json.loads(path.read_text(encoding="utf-8"))


def book_says(build: Path | None = None) -> dict[str, str]:
    """What the rendered book says now (glued values, regions, the test profiles' tables)."""
    from tests.conftest import TEST_PROFILES

    return book_values(build or paths.build_dir(), tuple(slug for _, slug in TEST_PROFILES))


def write_glued(current: dict[str, str], path: Path = GLUED) -> None:
    """Write the second golden copy: sorted keys, one per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(current, indent=1, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- the tests
def test_differences_name_every_kind_of_change() -> None:
    golden = {"a": 1.0, "b": 2.0, "c": 0.0, "d": 5.0}
    recorded = {"a": 1.0 + 1e-12, "b": 2.0 + 1e-6, "c": 1e-13, "e": 7}
    assert differences(golden, recorded) == [
        "changed  b: 2.0 -> 2.000001 (+1e-06, +5e-05%)",
        "removed  d (was 5.0)",
        "added    e = 7",
    ]
    assert differences(golden, golden) == []


def test_golden_file_is_sorted_and_complete() -> None:
    text = GOLDEN.read_text(encoding="utf-8")
    golden = json.loads(text)
    assert list(golden) == sorted(golden)
    assert all(isinstance(v, int | float) and math.isfinite(v) for v in golden.values())
    assert text == json.dumps(golden, indent=1, sort_keys=True) + "\n"


@pytest.mark.xdist_group("render")
def test_every_recorded_number_matches_the_golden_copy(site_render) -> None:
    diff = differences(read_golden(), recorded_values())
    assert not diff, (
        f"{len(diff)} recorded number(s) differ from {GOLDEN.relative_to(GOLDEN.parents[2])}; "
        "if deliberate, run `make golden` and commit the reviewed diff:\n  " + "\n  ".join(diff)
    )


def test_glued_golden_file_is_sorted_and_complete() -> None:
    text = GLUED.read_text(encoding="utf-8")
    glued = json.loads(text)
    assert list(glued) == sorted(glued)
    assert all(isinstance(v, str) for v in glued.values())
    assert text == json.dumps(glued, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    kinds = {key.split()[0] for key in glued}
    assert kinds == {"glue", "region", "profile"}, kinds


def test_region_memberships_match_the_golden_copy() -> None:
    golden = {k: v for k, v in read_glued().items() if k.startswith("region ")}
    diff = text_differences(golden, region_values())
    assert not diff, "region memberships differ from tests/golden/glued.json:\n  " + "\n  ".join(
        diff
    )


@pytest.mark.xdist_group("render")
def test_what_the_book_says_matches_the_golden_copy(site_render) -> None:
    diff = text_differences(read_glued(), book_says())
    assert not diff, (
        f"{len(diff)} glued value(s), region(s) or profile row(s) differ from "
        f"{GLUED.relative_to(GLUED.parents[2])}; if deliberate, run `make golden` and commit "
        "the reviewed diff:\n  " + "\n  ".join(diff)
    )


# --------------------------------------------------------------------------- regenerate
def main(argv: list[str] | None = None) -> int:
    """Render (from cache), print the differences, and with ``--update`` rewrite the copy."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.test_golden",
        description="Compare _build/results.json with tests/golden/results.json and what the "
        "book says (glued values, regions, profile tables) with tests/golden/glued.json.",
    )
    parser.add_argument("--update", action="store_true", help="rewrite both golden copies")
    parser.add_argument("--no-render", action="store_true", help="use _build/results.json as is")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="parallel kernels")
    args = parser.parse_args(argv)
    if not args.no_render:
        from tests.conftest import render_test_profiles
        from tiptrends.report import render

        render_test_profiles(paths.build_dir())
        if render.render(jobs=args.jobs).exit_code != 0:
            print("render failed: golden copy not changed", file=sys.stderr)
            return 1
    recorded = recorded_values()
    diff = differences(read_golden(GOLDEN) if GOLDEN.exists() else {}, recorded)
    print("\n".join(diff) if diff else f"no differences ({len(recorded)} keys)")
    if args.update and diff:
        write_golden(recorded, GOLDEN)
        print(f"wrote {GOLDEN} ({len(recorded)} keys); review `git diff {GOLDEN.name}`")
    said = book_says()
    said_diff = text_differences(read_glued(GLUED) if GLUED.exists() else {}, said)
    print("\n".join(said_diff) if said_diff else f"no differences ({len(said)} glued keys)")
    if args.update and said_diff:
        write_glued(said, GLUED)
        print(f"wrote {GLUED} ({len(said)} keys); review `git diff {GLUED.name}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
