"""Command-line interface: ``tiptrends`` (also ``python -m tiptrends``).

Data problems end with a one-line message naming the file and the problem and a non-zero
exit status; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from tiptrends.errors import DataError

EXIT_DATA_ERROR = 2


def _cmd_fetch(args: argparse.Namespace) -> int:
    from tiptrends.io import sources

    ids = args.sources or list(sources.load_manifest())
    for sid in ids:
        path, origin = sources.fetch(sid, allow_download=not args.no_download)
        print(f"{sid:<24} verified  from {origin:<9}  {path}")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from tiptrends.io import curate, sources

    ids = args.sources or list(sources.load_manifest())
    for sid in ids:
        started = time.perf_counter()
        path, status = curate.build(sid, force=args.force, allow_download=not args.no_download)
        stamp = curate.read_stamp(sid) or {}
        print(
            f"{sid:<24} {status:<10} {stamp.get('rows', '?'):>7} rows  "
            f"{time.perf_counter() - started:5.2f} s  {path}"
        )
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from tiptrends.io import data

    table = data.info()
    with __import__("pandas").option_context("display.width", 160, "display.max_columns", 20):
        print(table.to_string(index=False))
    bad = table[table["raw"] != "verified"]
    if len(bad) and args.strict:
        print(f"not verified: {', '.join(bad['source'])}", file=sys.stderr)
        return 1
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from tiptrends.report import render

    return render.render(
        args.notebooks or None,
        jobs=args.jobs,
        force=args.force,
        timeout=args.timeout,
        book=not args.no_book,
    ).exit_code


def _cmd_strip(args: argparse.Namespace) -> int:
    from tiptrends.report import render

    return render.strip_collection(args.notebooks or None, check=args.check)


def _cmd_published(args: argparse.Namespace) -> int:
    from tiptrends.io import published

    table = published.load_published()
    cols = ["figure_id", "scope", "year", "value", "unit", "edition"]
    print(table[cols].to_string(index=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``tiptrends`` command."""
    parser = argparse.ArgumentParser(
        prog="tiptrends",
        description="Reproduce and extend the UNODC GLOTIP trend analyses from the public data.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    data = sub.add_parser(
        "data",
        help="fetch, build and describe the data",
        description="Fetch raw files, build curated tables, describe the data.",
    )
    dsub = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    fetch = dsub.add_parser(
        "fetch",
        help="obtain and verify every raw file",
        description="Obtain each raw file (raw cache, then the mirror named by "
        "TIPTRENDS_DATA_MIRROR, then the official URL) and verify its sha256.",
    )
    fetch.add_argument("sources", nargs="*", help="source ids (default: all in data/sources.toml)")
    fetch.add_argument("--no-download", action="store_true", help="never try the official URL")
    fetch.set_defaults(func=_cmd_fetch)
    build = dsub.add_parser(
        "build",
        help="build the curated Parquet tables",
        description="Build data/curated/<source>.parquet from the verified raw files; "
        "a table is rebuilt only when its raw checksum or reader version changes.",
    )
    build.add_argument("sources", nargs="*", help="source ids (default: all)")
    build.add_argument("--force", action="store_true", help="rebuild even when up to date")
    build.add_argument("--no-download", action="store_true", help="never try the official URL")
    build.set_defaults(func=_cmd_build)
    info = dsub.add_parser(
        "info",
        help="release, rows, years, countries, checksum status of each source",
        description="Describe every source: release, rows, years, countries, checksum "
        "status and where the raw file came from.",
    )
    info.add_argument(
        "--strict", action="store_true", help="exit 1 unless every raw file is verified"
    )
    info.set_defaults(func=_cmd_info)

    render = sub.add_parser(
        "render",
        help="execute the notebooks and build the book (HTML site)",
        description="Execute notebooks/ (cached, in parallel) and build the book with Sphinx "
        "+ MyST-NB into _build/html/. Exit status: 0 done, 1 a notebook or the book failed, "
        "2 unknown notebook, 130 interrupted (Ctrl-C; nothing half-written is kept).",
    )
    render.add_argument("notebooks", nargs="*", help="notebook names (default: all in notebooks/)")
    render.add_argument(
        "--jobs", "-j", type=int, default=None, help="parallel kernels (default: CPUs)"
    )
    render.add_argument("--force", action="store_true", help="ignore the cache")
    render.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    render.add_argument(
        "--no-book", action="store_true", help="execute and cache only; do not build the book"
    )
    render.set_defaults(func=_cmd_render)

    strip = sub.add_parser(
        "strip",
        help="remove outputs and execution counts, set the cell tags of the book",
        description="Store notebooks clean: no outputs, no execution counts, project kernel; "
        "the first code cell tagged remove-cell (setup, not shown in the book), every other "
        "code cell hide-input (code behind a toggle) unless it carries another choice.",
    )
    strip.add_argument("notebooks", nargs="*", help="notebook paths (default: all)")
    strip.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if a notebook is not clean or lacks its tags",
    )
    strip.set_defaults(func=_cmd_strip)

    pub = sub.add_parser(
        "published",
        help="list the published figures with their editions",
        description="List data/published/figures.csv.",
    )
    pub.set_defaults(func=_cmd_published)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DataError as exc:
        if args.debug:
            raise
        print(f"tiptrends: error: {exc}", file=sys.stderr)
        return EXIT_DATA_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
