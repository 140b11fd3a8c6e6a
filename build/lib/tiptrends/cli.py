"""Command-line interface: ``tiptrends`` (also ``python -m tiptrends``).

Data problems end with a one-line message naming the file and the problem and a non-zero
exit status; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

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

    return render.render_collection(
        args.notebooks or None, jobs=args.jobs, force=args.force, timeout=args.timeout
    )


def _cmd_strip(args: argparse.Namespace) -> int:
    from tiptrends.report import render

    return render.strip_collection(args.notebooks or None, check=args.check)


def _cmd_published(args: argparse.Namespace) -> int:
    from tiptrends.io import published

    table = published.load_published()
    cols = ["figure_id", "scope", "year", "value", "unit", "edition"]
    print(table[cols].to_string(index=False))
    return 0


# --------------------------------------------------------------------------- place profiles
PROFILE_NOTEBOOK = "profiles/place_profile.ipynb"


def _profile_targets(args: argparse.Namespace) -> list:
    """Resolve the places asked for (one-line PlaceError on bad input, before any kernel)."""
    from tiptrends.analyses import places
    from tiptrends.io import data

    try:
        glotip = data.load_glotip(release=args.release)
    except ValueError as exc:
        raise places.PlaceError(str(exc)) from None
    if args.all_default:
        if args.code or args.region:
            raise places.PlaceError("--all-default takes no code or --region")
        wanted = places.default_places(glotip, top=args.top)
    else:
        wanted = [(args.code, args.region)]
    return [places.resolve_place(code, region, glotip) for code, region in wanted]


def _execute_profile(place, release: str, timeout: int) -> tuple[Path, float]:
    """Run the profile notebook for one place with papermill; return the executed copy."""
    import os
    import tempfile

    import papermill

    from tiptrends import paths

    started = time.perf_counter()
    out_dir = paths.build_dir() / "executed" / "profiles"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{place.slug}.ipynb"
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{place.slug}.", suffix=".ipynb")
    os.close(fd)
    try:
        papermill.execute_notebook(
            str(paths.notebooks_dir() / PROFILE_NOTEBOOK),
            tmp,
            parameters={
                "code": place.code if place.is_country else None,
                "region": None if place.is_country else place.code,
                "release": release,
            },
            kernel_name="tiptrends",
            cwd=str(paths.notebooks_dir()),
            progress_bar=False,
            execution_timeout=timeout,
        )
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target, time.perf_counter() - started


def _publish_profile(executed: Path) -> Path:
    """Write the HTML page of an executed profile to ``_build/html/profiles/``."""
    import warnings

    import nbformat

    from tiptrends import paths
    from tiptrends.report import render
    from tiptrends.report.results import write_bytes_atomic

    nb = nbformat.read(executed, as_version=4)
    title, _ = render.notebook_summary(nb.cells)
    with warnings.catch_warnings():  # glued values are for the book build, not nbconvert
        warnings.simplefilter("ignore", UserWarning)
        page = render.notebook_html(nb, title or executed.stem, None)
    target = paths.build_dir() / "html" / "profiles" / f"{executed.stem}.html"
    write_bytes_atomic(target, page.encode("utf-8"))
    return target


def _cmd_profile(args: argparse.Namespace) -> int:
    import os

    from tiptrends.analyses import places
    from tiptrends.report import render

    try:
        targets = _profile_targets(args)
    except places.PlaceError as exc:
        print(f"tiptrends profile: {exc}", file=sys.stderr)
        return EXIT_DATA_ERROR
    render.ensure_kernel("tiptrends")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("MPLBACKEND", "Agg")

    def one(place) -> tuple[object, Path | None, float, str]:
        try:
            executed, seconds = _execute_profile(place, args.release, args.timeout)
        except Exception as exc:  # papermill's error names the failing cell
            return place, None, 0.0, str(exc).strip().splitlines()[-1] if str(exc) else repr(exc)
        return place, _publish_profile(executed), seconds, ""

    from concurrent.futures import ThreadPoolExecutor

    failed = 0
    jobs = max(1, min(args.jobs or os.cpu_count() or 1, len(targets)))
    with ThreadPoolExecutor(jobs) as pool:
        for place, page, seconds, error in pool.map(one, targets):
            if error:
                failed += 1
                print(f"{place.slug:<34} FAILED  {error}", file=sys.stderr)
            else:
                print(f"{place.slug:<34} ok {seconds:6.1f} s  {page}")
    return 1 if failed else 0


# --------------------------------------------------------------------------- new analysis
TEMPLATE_NOTEBOOK = "templates/new_analysis.ipynb"
TEMPLATE_NAME = "template"


def new_analysis(name: str, notebooks_dir: Path | None = None) -> Path:
    """Copy the template notebook to ``notebooks/<name>.ipynb``, ready to run.

    The copy keeps the template's cells and tags, runs in the "tiptrends" kernel, has no
    outputs and fresh cell ids, and records its numbers and figures under ``<name>``
    (the template's ``ANALYSIS = "template"`` line is rewritten) so they never collide
    with another notebook's.

    Raises
    ------
    ValueError
        If ``name`` is not a plain lower-case stem or the notebook exists already.
    """
    import re

    import nbformat

    from tiptrends import paths
    from tiptrends.report import render

    stem = name[:-6] if name.endswith(".ipynb") else name
    if not re.fullmatch(r"[0-9a-z][0-9a-z_]*", stem):
        raise ValueError(
            f"{name!r} is not a plain name: use lower-case letters, digits and '_' "
            "(e.g. 12_nigeria_forms)"
        )
    folder = Path(notebooks_dir) if notebooks_dir is not None else paths.notebooks_dir()
    target = folder / f"{stem}.ipynb"
    if target.exists():
        raise ValueError(f"{target} exists already; choose another name")
    nb = nbformat.read(folder / TEMPLATE_NOTEBOOK, as_version=4)
    key = re.sub(r"^[0-9_]+", "", stem) or stem
    for cell in nb.cells:
        cell["id"] = nbformat.v4.new_code_cell().id
        if cell.cell_type == "code":
            cell.source = cell.source.replace(
                f'ANALYSIS = "{TEMPLATE_NAME}"', f'ANALYSIS = "{key}"'
            )
            cell.outputs, cell.execution_count = [], None
    nb.metadata["kernelspec"] = dict(render.KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    text = nbformat.writes(nb) + "\n"
    with open(target, "x", encoding="utf-8") as fh:  # never overwrite
        fh.write(text)
    return target


def _cmd_new(args: argparse.Namespace) -> int:
    try:
        target = new_analysis(args.name)
    except ValueError as exc:
        print(f"tiptrends new: {exc}", file=sys.stderr)
        return EXIT_DATA_ERROR
    print(f"{target}: open it in JupyterLab (make lab) with the Python (tiptrends) kernel")
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
        help="execute the notebooks and render the HTML site",
        description="Execute notebooks/ (cached, in parallel) and write _build/html/.",
    )
    render.add_argument("notebooks", nargs="*", help="notebook names (default: all in notebooks/)")
    render.add_argument(
        "--jobs", "-j", type=int, default=None, help="parallel kernels (default: CPUs)"
    )
    render.add_argument("--force", action="store_true", help="ignore the cache")
    render.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    render.set_defaults(func=_cmd_render)

    strip = sub.add_parser(
        "strip",
        help="remove outputs and execution counts from notebooks",
        description="Store notebooks clean: no outputs, no execution counts, project kernel.",
    )
    strip.add_argument("notebooks", nargs="*", help="notebook paths (default: all)")
    strip.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a notebook is not clean"
    )
    strip.set_defaults(func=_cmd_strip)

    pub = sub.add_parser(
        "published",
        help="list the published figures with their editions",
        description="List data/published/figures.csv.",
    )
    pub.set_defaults(func=_cmd_published)

    profile = sub.add_parser(
        "profile",
        help="render the profile of a country or region into the site",
        description="Execute notebooks/profiles/place_profile.ipynb for one place (papermill) "
        "into _build/executed/profiles/<place>.ipynb and its page into _build/html/profiles/.",
    )
    profile.add_argument("code", nargs="?", help="ISO3 code of a country, e.g. NGA")
    profile.add_argument(
        "--region",
        help='"EU27", a GLOTIP region ("Sub-Saharan Africa"), a UN M49 sub-region or region',
    )
    profile.add_argument(
        "--all-default",
        action="store_true",
        help="the EU-27, every GLOTIP region and the countries with most detected victims",
    )
    profile.add_argument("--top", type=int, default=15, help="countries for --all-default")
    profile.add_argument("--release", default="2025", help="GLOTIP release (default 2025)")
    profile.add_argument("--jobs", "-j", type=int, default=None, help="profiles run at once")
    profile.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    profile.set_defaults(func=_cmd_profile)

    new = sub.add_parser(
        "new",
        help="start a new analysis from the template",
        description="Copy notebooks/templates/new_analysis.ipynb to notebooks/NAME.ipynb with "
        "the tiptrends kernel, its tags, no outputs and its own result keys.",
    )
    new.add_argument("name", help="notebook name, e.g. 12_nigeria_forms")
    new.set_defaults(func=_cmd_new)
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
