"""Command-line interface: ``tiptrends`` (also ``python -m tiptrends``).

Problems end with a one-line message naming the file and the problem and a non-zero exit
status; ``--debug`` shows the traceback instead. Exit statuses:

=== =========================================================================================
0   success
1   a notebook failed to execute (``render``, ``profile``) or is not valid JSON (``render``,
    ``strip``: that notebook only), or a notebook is not clean (``strip --check``)
2   bad input: a raw or curated data file, the manifest, or the command line (unknown
    notebook or place, ``--jobs 0``, ``--top 0``); also ``data info --strict`` when a source
    is not verified/current
3   a file or folder cannot be written or read (permissions, read-only or full disk, a path
    through a file), a notebook's outputs included (the previous ones are kept)
130 interrupted (Ctrl-C)
=== =========================================================================================
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from tiptrends.errors import DataError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_DATA_ERROR = 2
EXIT_CANNOT_WRITE = 3
EXIT_INTERRUPTED = 130


def _error(message: str, code: int) -> int:
    """Print one ``tiptrends: error:`` line on stderr and return ``code``."""
    print(f"tiptrends: error: {message}", file=sys.stderr)
    return code


def _positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {value}")
    return value


def writable_folder_problem(folder: Path) -> str | None:
    """Return why ``folder`` cannot be created and written to, or None when it can.

    The check writes (and removes) a temporary file, so it also catches read-only mounts,
    immutable folders and a path running through a regular file.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"cannot write to {folder}: {exc.strerror or type(exc).__name__}"
    return None


def _render_request_problem(args: argparse.Namespace) -> str | None:
    """Why a render request cannot run (unknown notebook, unwritable build folder), or None."""
    from tiptrends import paths

    known = sorted(p.stem for p in paths.notebooks_dir().glob("*.ipynb"))
    unknown = [n for n in args.notebooks if Path(n).name.removesuffix(".ipynb") not in known]
    if unknown:
        return (
            f"unknown notebook {', '.join(repr(n) for n in unknown)}; "
            f"the collection has: {', '.join(known) or '(no notebooks)'}"
        )
    return writable_folder_problem(paths.build_dir())


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
    if not args.sources:  # the derived tables the chapters read (data bases), once
        from tiptrends.io import config, derived

        # the configuration against the tables just built: an exclusion that drops nothing
        # or a mapping row no source writes stops here (one line, exit 2), before derived data
        _print_warnings(config.check_config())
        from tiptrends.methods import derived_tables, figures

        before = derived_tables.product_status()
        for name, load in derived_tables.products(
            figures.data_bases, figures.processed_tables
        ).items():
            started = time.perf_counter()
            load()
            state = "current" if before[name][0] == "current" else "built"
            print(
                f"{name:<24} {state:<10} {'':>7}       "
                f"{time.perf_counter() - started:5.2f} s  {derived.stamp_path(name)}"
            )
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from tiptrends.io import config, data

    table = data.info()
    with __import__("pandas").option_context("display.width", 160, "display.max_columns", 20):
        print(table.to_string(index=False))
    from tiptrends.methods import derived_tables

    derived_bad = []
    for name, (state, changed) in derived_tables.product_status().items():
        print(f"derived {name}: {state}" + (f" ({', '.join(changed)})" if changed else ""))
        if state != "current":
            derived_bad.append(name)
    if args.strict:
        raw_bad = table.loc[table["raw"] != "verified", "source"].tolist()
        curated_bad = table.loc[table["curated"] != "current", "source"].tolist()
        problems = []
        if raw_bad:
            problems.append(f"raw file not verified: {', '.join(raw_bad)}")
        if curated_bad:
            problems.append(
                f"curated table not current: {', '.join(curated_bad)} (run `tiptrends data build`)"
            )
        try:  # strict also means every configuration file is right
            _print_warnings(config.check_config())
        except DataError as exc:
            problems.append(str(exc))
        if derived_bad:
            problems.append(
                f"derived table not current: {', '.join(derived_bad)} (run `tiptrends data build`)"
            )
        if problems:
            return _error("; ".join(problems), EXIT_DATA_ERROR)
    return EXIT_OK


def _print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"tiptrends: warning: {warning}", file=sys.stderr)


def _cmd_check(args: argparse.Namespace) -> int:
    from tiptrends.io import config

    _print_warnings(config.check_config())  # DataError: one line, exit 2 (main)
    print(
        "configuration ok: data/sources.toml, data/exclusions.toml, data/mappings/*.csv, "
        "data/published/figures.csv"
    )
    return EXIT_OK


def _cmd_add_release(args: argparse.Namespace) -> int:
    from tiptrends import paths
    from tiptrends.io import atomic, curate, data, releases
    from tiptrends.methods import diagnostics

    names = releases.release_names()
    if args.previous is not None and args.previous not in names:
        return _error(
            f"--previous {args.previous!r} is not a GLOTIP release; choose from "
            f"{', '.join(sorted(names))}",
            EXIT_DATA_ERROR,
        )
    # the revisions table is written last: its folder is checked with the others, first
    revisions = paths.build_dir() / "revisions"
    added = releases.add_glotip_release(args.path, source_id=args.id, also_writable=[revisions])
    root = paths.project_root()
    print(
        f"{added.source_id:<24} added      release {added.release}, data {added.period}, "
        f"{added.rows} rows, sha256 {added.sha256}"
    )
    print(f"  raw file  {added.raw_path.relative_to(root)} (read-only)")
    print(f"  manifest  data/sources.toml [sources.{added.source_id}]")
    print(f"  curated   {curate.curated_path(added.source_id).relative_to(root)}")
    previous = names[args.previous] if args.previous else added.previous
    if previous is None:
        print("no earlier GLOTIP release in the manifest: no revisions to compare")
        return EXIT_OK
    revs = diagnostics.revisions(data.load_glotip(previous), data.load_glotip(added.source_id))
    both = revs[revs["status"] == "both"]
    revised = both[both["abs_revision"] != 0]
    print(
        f"revisions of country-year victims totals, {previous} -> {added.source_id}: "
        f"{len(both)} in both ({len(revised)} revised, {int(both['large'].sum())} large: "
        f"> 25% and >= 50 victims), {int((revs['status'] == 'only_old').sum())} dropped, "
        f"{int((revs['status'] == 'only_new').sum())} added"
    )
    for row in revised.head(args.show).itertuples():
        print(
            f"  {row.iso3} {row.year}  {row.total_old:>9,.0f} -> {row.total_new:>9,.0f}  "
            f"({row.abs_revision:+,.0f}, {100 * row.rel_revision:+.0f}%){'  large' if row.large else ''}"
        )
    table = revisions / f"{previous}_to_{added.source_id}.csv"
    atomic.write_atomic(table, lambda tmp: revs.to_csv(tmp, index=False))
    print(f"  every country-year: {table}")
    print(
        "next: review data/exclusions.toml for the new release, load it with "
        f'load_glotip("{added.source_id.removeprefix("glotip_")}"), and commit data/sources.toml'
    )
    return EXIT_OK


def _cmd_render(args: argparse.Namespace) -> int:
    from tiptrends.report import render

    problem = _render_request_problem(args)
    if problem is not None:
        code = EXIT_CANNOT_WRITE if problem.startswith("cannot write") else EXIT_DATA_ERROR
        return _error(problem, code)

    if args.explain:
        render.explain(args.notebooks or None, force=args.force)
        return EXIT_OK
    return render.render(
        args.notebooks or None,
        jobs=args.jobs,
        force=args.force,
        timeout=args.timeout,
        book=not args.no_book,
    ).exit_code


def _cmd_strip(args: argparse.Namespace) -> int:
    """Strip (or check) each notebook; one that is not valid JSON fails alone (exit 1)."""
    import json

    from tiptrends.report import nbclean

    files = [Path(p) for p in args.notebooks] or nbclean.collection_notebooks()
    readable, broken = [], []
    for f in files:
        try:
            json.loads(f.read_text(encoding="utf-8"))
            readable.append(f)
        except ValueError as exc:
            broken.append(f"{f}: not a valid notebook (JSON): {exc}")
    code = nbclean.strip_collection(readable, check=args.check) if readable else EXIT_OK
    for problem in broken:
        print(f"tiptrends: error: {problem}", file=sys.stderr)
    return EXIT_FAILED if broken else code


def _cmd_published(args: argparse.Namespace) -> int:
    from tiptrends.io import published

    table = published.load_published()
    cols = ["figure_id", "scope", "year", "value", "unit", "edition"]
    print(table[cols].to_string(index=False))
    return 0


# --------------------------------------------------------------------------- place profiles


def _profile_targets(args: argparse.Namespace) -> list:
    """Resolve the places asked for (one-line PlaceError on bad input, before any kernel)."""
    from tiptrends.analyses import places
    from tiptrends.io import data

    if args.all_default and (args.code or args.region):
        raise places.PlaceError("--all-default takes no code or --region")
    if args.top < 1:
        raise places.PlaceError(f"--top must be a whole number >= 1, got {args.top}")
    try:
        glotip = data.load_glotip(release=args.release, validate=False)  # the kernel checks
    except ValueError as exc:
        raise places.PlaceError(str(exc)) from None
    if args.all_default:
        wanted = places.default_places(glotip, top=args.top)
    else:
        wanted = [(args.code, args.region)]
    return [places.resolve_place(code, region, glotip) for code, region in wanted]


def _profile_requests(targets: list, release: str) -> list:
    """The render's requests for the places (:class:`tiptrends.report.render.ProfileRequest`)."""
    from tiptrends.report.render import ProfileRequest

    return [
        ProfileRequest(
            place.slug,
            place.name,
            {
                "code": place.code if place.is_country else None,
                "region": None if place.is_country else place.code,
                "release": release,
            },
        )
        for place in targets
    ]


class _EarlyKernel:
    """A kernel started in the background while the command loads the data.

    For one place, the kernel's start-up (about a second) overlaps the command's own imports
    and the resolution of the place; the notebook then runs in it. :meth:`stop`
    ends it (the command calls it on every way out, bad input included).
    """

    def __init__(self, kernel_name: str, cwd: Path, env: dict[str, str]) -> None:
        import asyncio
        import contextlib
        import threading

        from jupyter_client.manager import AsyncKernelManager

        from tiptrends.report.render import local_kernel_config

        self._resources = contextlib.ExitStack()  # the kernel's socket folder
        config = self._resources.enter_context(local_kernel_config())
        self.km = AsyncKernelManager(kernel_name=kernel_name, config=config)
        self.error: BaseException | None = None

        def start() -> None:
            try:
                asyncio.run(self.km.start_kernel(cwd=str(cwd), env=env))
            except BaseException as exc:  # reported by ready()
                self.error = exc

        self._thread = threading.Thread(target=start, daemon=True)
        self._thread.start()

    def ready(self):
        """The started kernel manager (None when the kernel did not start: the run starts one)."""
        self._thread.join()
        return self.km if self.error is None and self.km.has_kernel else None

    def stop(self) -> None:
        """Stop the kernel at once (its notebook, if any, has been written)."""
        import asyncio

        self._thread.join()
        if self.km.has_kernel:
            asyncio.run(self.km.shutdown_kernel(now=True))
        self._resources.close()


def _profile_environment() -> None:
    """What the kernels of the profiles inherit: one BLAS thread, no display."""
    import os

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("MPLBACKEND", "Agg")


def _cmd_profile(args: argparse.Namespace) -> int:
    """Execute place profiles through the render's executor, pool and cache; join the site.

    Everything happens under the build lock (:func:`tiptrends.report.processes.build_lock`),
    the one lock of everything that writes ``_build``: a profile started during a render
    waits for it.
    """
    import os

    from tiptrends import paths
    from tiptrends.report import book, render
    from tiptrends.report.processes import build_lock

    build = paths.build_dir()
    problem = writable_folder_problem(build)
    if problem is not None:
        return _error(problem, EXIT_CANNOT_WRITE)
    _profile_environment()
    early = None
    work = build / ".work" / f"profile-{os.getpid()}"
    if not args.all_default and not args.queue:  # its start overlaps loading the data
        render.ensure_kernel("tiptrends")
        env = render.job_environment(work, Path(render.PROFILE_NOTEBOOK).name)
        early = _EarlyKernel("tiptrends", paths.notebooks_dir(), env)
    sphinx = None
    try:
        from tiptrends.analyses import places

        try:
            requests = _profile_requests(_profile_targets(args), args.release)
        except places.PlaceError as exc:
            return _error(str(exc), EXIT_DATA_ERROR)
        if not args.queue:
            # the folders the profiles' outputs are moved into, checked before they run (a
            # profile takes seconds of a kernel to find that it cannot keep them)
            for folder in (build / sub / "profiles" for sub in ("executed", "cache")):
                problem = writable_folder_problem(folder)
                if problem is not None:
                    return _error(problem, EXIT_CANNOT_WRITE)
        with build_lock(build):
            render.request_profiles(build, requests, replace=args.all_default)
            if args.queue:
                print(
                    f"{len(requests)} profile(s) requested: the next `tiptrends render` runs them"
                )
                return EXIT_OK
            if not args.no_site and book.has_site(build):
                sphinx = book.start_sphinx(build)  # its imports overlap the execution
            km = early.ready() if early is not None else None
            done, failed = _run_profiles(args, requests, km, work)
            if early is not None:
                early.stop()
                early = None
            if done and not args.no_site:
                failed += not _profiles_into_site(done, args.jobs or os.cpu_count() or 1, sphinx)
                sphinx = None
        return EXIT_FAILED if failed else EXIT_OK
    finally:
        if early is not None:
            early.stop()
        if sphinx is not None:
            sphinx.close()
        import shutil

        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(OSError):
            work.parent.rmdir()  # when no other run uses it


def _run_profiles(args: argparse.Namespace, requests: list, km, work: Path) -> tuple[list, int]:
    """Execute the profiles not current in the cache (in ``km`` for one place, else a pool).

    Returns the slugs of the profiles ready and the number that failed (one error line each,
    naming the notebook and the cell).
    """
    from tiptrends import paths
    from tiptrends.report import render

    nb_dir, build = paths.notebooks_dir(), paths.build_dir()
    plans = render.plan_render(
        [], nb_dir, build, collection=render.collection(nb_dir), profiles=requests
    )
    outcomes = render.execute_plans(
        [p for p in plans if p.reason],
        build,
        nb_dir,
        jobs=args.jobs,
        timeout=args.timeout,
        kernel_name="tiptrends",
        say=lambda line: None,
        km=km,
        work_for=lambda plan: work,
    )
    done, failed = [], 0
    for plan in plans:
        outcome = outcomes.get(plan.name)
        executed = build / "executed" / f"{plan.stem}.ipynb"
        slug = plan.stem.split("/")[-1]
        if outcome is None:
            done.append(slug)
            print(f"{slug:<34} cached       {executed}")
        elif outcome.failure is not None:
            failed += 1
            print(f"tiptrends: error: {outcome.failure}", file=sys.stderr)
        else:
            done.append(slug)
            print(f"{slug:<34} ok {outcome.seconds:6.1f} s  {executed}")
    return done, failed


def _profiles_into_site(done: list, jobs: int, sphinx=None) -> bool:
    """Rebuild the site with the profiles just executed; False when the build failed."""
    from tiptrends import paths
    from tiptrends.report import book

    build = paths.build_dir()
    result = book.add_profiles_to_site(build, jobs=jobs, sphinx=sphinx)
    if result is None:
        print("no site built yet: `tiptrends render` builds it with these profiles")
        return True
    for warning in result.warnings:
        print(f"tiptrends: warning: sphinx: {warning}", file=sys.stderr)
    if not result.ok:
        print(f"tiptrends: error: the site did not build: {result.error}", file=sys.stderr)
        return False
    for slug in done:
        print(f"page: {build / 'html' / 'profiles' / f'{slug}.html'}")
    return True


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
    from tiptrends.report.nbclean import KERNELSPEC

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
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
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


def _register_kernel() -> None:
    """Install the "tiptrends" kernelspec for this Python if it is missing or stale.

    ``pip install -e .`` and the conda route (``pip: -e .``) cannot install a kernelspec
    themselves; every route builds the data before a notebook can run, so the kernel is
    registered there (into this environment's ``share/jupyter/kernels``).
    """
    try:
        from tiptrends.report import render

        render.ensure_kernel("tiptrends")
    except ImportError as exc:  # ipykernel or jupyter_client missing: say so, do not fail
        print(f"tiptrends: kernel not registered ({exc})", file=sys.stderr)


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
        "--strict",
        action="store_true",
        help="exit 2 unless every raw file is verified, every curated table current and "
        "every configuration file right (see `data check`)",
    )
    info.set_defaults(func=_cmd_info)
    check = dsub.add_parser(
        "check",
        help="check every configuration file of data/",
        description="Check data/sources.toml, data/exclusions.toml, data/mappings/*.csv and "
        "data/published/figures.csv (types, codes, releases, duplicates) and, against the "
        "current curated tables, that every exclusion drops rows and every citizenship "
        "category occurs. Exit 2 with one line naming the file, the entry and the problem.",
    )
    check.set_defaults(func=_cmd_check)
    add = dsub.add_parser(
        "add-release",
        help="add a new release of the UNODC GLOTIP data (check, pin, build, compare)",
        description="Check a new data_glotip.xlsx with the UNODC reader, copy it to "
        "data/raw/unodc/, add its entry with its sha256 to data/sources.toml, build its "
        "curated table and print the revisions of country-year victims totals against the "
        "previous release (full table in _build/revisions/). See data/README.md.",
    )
    add.add_argument("path", help="the downloaded data_glotip.xlsx")
    add.add_argument("--id", help="source id (default: glotip_<year of the release date>)")
    add.add_argument(
        "--previous", help="release to compare with (default: the newest earlier release)"
    )
    add.add_argument("--show", type=int, default=10, help="largest revisions printed (default: 10)")
    add.set_defaults(func=_cmd_add_release)

    render = sub.add_parser(
        "render",
        help="execute the notebooks and build the book (HTML site)",
        description="Execute notebooks/ (cached, in parallel) and build the book with Sphinx "
        "+ MyST-NB into _build/html/, with the place profiles requested by `tiptrends profile` "
        "(same pool and cache). Exit status: 0 done, 1 a notebook or the book failed, "
        "2 unknown notebook, 3 an output cannot be written (the previous one is kept), "
        "130 interrupted (Ctrl-C; nothing half-written is kept).",
    )
    render.add_argument("notebooks", nargs="*", help="notebook names (default: all in notebooks/)")
    render.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=None,
        help="parallel kernels, a whole number >= 1 (default: the number of CPUs)",
    )
    render.add_argument("--force", action="store_true", help="ignore the cache")
    render.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    render.add_argument(
        "--no-book", action="store_true", help="execute and cache only; do not build the book"
    )
    render.add_argument(
        "--explain",
        action="store_true",
        help="execute nothing; say for each notebook whether it would run again and which "
        "of its inputs changed (a file, its own cells, an installed package)",
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

    profile = sub.add_parser(
        "profile",
        help="render the profile of a country or region into the site",
        description="Execute notebooks/profiles/place_profile.ipynb for one place (parameters "
        "injected after its parameters cell) "
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
    profile.add_argument(
        "--top", type=int, default=15, help="countries for --all-default (>= 1; default 15)"
    )
    profile.add_argument("--release", default="2025", help="GLOTIP release (default 2025)")
    profile.add_argument(
        "--jobs", "-j", type=_positive_int, default=None, help="profiles run at once (>= 1)"
    )
    profile.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    profile.add_argument(
        "--no-site",
        action="store_true",
        help="execute only (cached like the chapters); leave the site to the next `tiptrends "
        "render`",
    )
    profile.add_argument(
        "--queue",
        action="store_true",
        help="execute nothing: add the places to the profiles that every `tiptrends render` "
        "executes (cached) in its pool beside the chapters (`make report` does this)",
    )
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
    from tiptrends.report.startup import skip_here_and_in_children

    skip_here_and_in_children()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = int(args.func(args) or 0)
        if status == 0 and args.command == "data" and args.data_command == "build":
            _register_kernel()
        return status
    except DataError as exc:
        if args.debug:
            raise
        return _error(str(exc), EXIT_DATA_ERROR)
    except OSError as exc:
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        return _error(f"{where}{exc.strerror or exc}", EXIT_CANNOT_WRITE)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
