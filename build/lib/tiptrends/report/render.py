"""Render the notebook collection to a static HTML site under ``_build/``.

:func:`render_collection` executes every notebook of ``notebooks/`` (sorted by file
name; ``notebooks/templates/`` is not part of the collection) in a fresh kernel,
in parallel worker processes, and writes

- ``_build/executed/<stem>.ipynb``: the executed copy;
- ``_build/html/<stem>.html``: a self-contained page (images embedded);
- ``_build/figures/``: figures written by :func:`tiptrends.report.style.save_figure`;
- ``_build/results.json``: the numbers recorded with :func:`tiptrends.report.results.record`;
- ``_build/html/index.html``: landing page (notebooks, status, data sources);
- ``_build/cache/<stem>.json``: cache entry of a successful run (key and results).

A notebook is executed again only when its code, the tiptrends package source (with
``data/mappings`` and ``data/published``), the curated data or the installed package
versions change. A failing notebook stops at its first error, the others go on; the
render then exits non-zero, its page carries a red banner and its old results and
cache entry are removed. A file lock serialises concurrent renders and every file is
written atomically.

This module imports nothing heavy at import time: an unchanged collection is
re-rendered from the cache without importing nbclient or starting a kernel.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import os
import re
import string
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tiptrends import paths
from tiptrends.report.results import (
    NOTEBOOK_ENV,
    RESULTS_FILE_ENV,
    write_bytes_atomic,
    write_json_atomic,
)

KERNELSPEC = {"name": "tiptrends", "display_name": "Python (tiptrends)", "language": "python"}
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
THUMBNAIL_WIDTH = 320
CACHE_FORMAT = 1

OK, CACHED, FAILED, NOT_RENDERED = "ok", "cached", "FAILED", "not rendered"


# --------------------------------------------------------------------------- data types


@dataclass
class CellFailure:
    """Where and how a notebook failed."""

    notebook: str
    cell: int | None  # index in the notebook's cells (0-based); None: before any cell
    line: str  # first line of the cell's source
    ename: str
    evalue: str

    def __str__(self) -> str:
        where = "before the first cell" if self.cell is None else f"cell {self.cell} `{self.line}`"
        return f"{self.notebook}: {where}: {self.ename}: {self.evalue}"


@dataclass
class Outcome:
    """What happened to one notebook in a render."""

    notebook: str
    status: str  # "ok" (executed), "cached" or "FAILED"
    seconds: float = 0.0
    reason: str = ""
    failure: CellFailure | None = None
    results: dict[str, Any] = field(default_factory=dict)


@dataclass
class RenderReport:
    """Result of :func:`render`: one outcome per processed notebook and the exit code."""

    outcomes: list[Outcome]
    exit_code: int
    problems: list[str] = field(default_factory=list)

    def status(self) -> dict[str, str]:
        """Return ``{notebook file name: status}``."""
        return {o.notebook: o.status for o in self.outcomes}


# --------------------------------------------------------------------------- small helpers


def _write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _sha(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


# --------------------------------------------------------------------------- cache key


def notebook_fingerprint(path: Path) -> str | None:
    """Hash of a notebook's cell types and sources (outputs ignored); None if unreadable."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [(c.get("cell_type", ""), _source(c)) for c in nb["cells"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return _sha(json.dumps(cells))


def _hash_files(files: Iterable[Path], root: Path, h: Any) -> None:
    for f in sorted(files):
        if f.is_file():
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")


def package_fingerprint() -> str:
    """Hash of the tiptrends source (``*.py``, templates), ``data/mappings`` and ``data/published``."""
    h = hashlib.sha256()
    pkg = paths.PACKAGE_DIR
    _hash_files([*pkg.rglob("*.py"), *(pkg / "report" / "templates").glob("*")], pkg, h)
    for d in (paths.mappings_dir(), paths.published_dir()):
        if d.is_dir():
            h.update(d.name.encode())
            _hash_files(d.rglob("*"), d, h)
    return h.hexdigest()


def data_fingerprint() -> str:
    """Hash of the curated data: name, size and mtime of every file; content of small ones."""
    h = hashlib.sha256()
    root = paths.curated_dir()
    if root.is_dir():
        for f in sorted(root.rglob("*")):
            if not f.is_file():
                continue
            st = f.stat()
            h.update(f"{f.relative_to(root)}|{st.st_size}|{st.st_mtime_ns}\0".encode())
            if st.st_size < 1_000_000 and f.suffix != ".parquet":
                h.update(f.read_bytes())
    return h.hexdigest()


def versions_fingerprint() -> str:
    """Hash of the Python version and every installed distribution (name==version)."""
    from importlib.metadata import distributions

    names = sorted({f"{(d.metadata['Name'] or '').lower()}=={d.version}" for d in distributions()})
    return _sha(sys.version, *names)


def environment_parts(kernel_name: str) -> dict[str, str]:
    """Return the cache-key parts shared by all notebooks."""
    return {
        "package": package_fingerprint(),
        "data": data_fingerprint(),
        "versions": versions_fingerprint(),
        "kernel": kernel_name,
        "format": str(CACHE_FORMAT),
    }


_REASONS = {
    "notebook": "notebook changed",
    "package": "tiptrends source changed",
    "data": "curated data changed",
    "versions": "installed packages changed",
    "kernel": "kernel changed",
    "format": "cache format changed",
}


# --------------------------------------------------------------------------- kernels


def ensure_kernel(kernel_name: str = "tiptrends") -> Path:
    """Make sure a kernelspec ``kernel_name`` runs the current Python; install it if missing.

    The kernelspec is installed into ``sys.prefix/share/jupyter/kernels`` (the venv).

    Parameters
    ----------
    kernel_name : str
        Kernel name used by the notebooks.

    Returns
    -------
    Path
        Directory of the kernelspec.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        spec = None
    if spec is not None:
        exe = spec.argv[0] if spec.argv else ""
        if os.path.abspath(exe) == os.path.abspath(sys.executable):
            return Path(spec.resource_dir)
    from ipykernel.kernelspec import install

    where = install(
        kernel_name=kernel_name, display_name=KERNELSPEC["display_name"], prefix=sys.prefix
    )
    spec = KernelSpecManager().get_kernel_spec(kernel_name)
    if os.path.abspath(spec.argv[0]) != os.path.abspath(sys.executable):
        print(
            f"warning: kernel {kernel_name!r} resolves to {spec.resource_dir}, which runs "
            f"{spec.argv[0]}, not {sys.executable}; remove it (jupyter kernelspec remove "
            f"{kernel_name})",
            file=sys.stderr,
        )
    return Path(where)


def execute_notebook(
    path: str | Path,
    *,
    timeout: int = 600,
    kernel_name: str = "tiptrends",
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    kernel_log: str | Path | None = None,
) -> tuple[Any, CellFailure | None]:
    """Execute a notebook in a fresh kernel and return it with the failure, if any.

    Parameters
    ----------
    path : str or Path
        The notebook.
    timeout : int
        Timeout per cell, in seconds.
    kernel_name : str
        Kernelspec to start (see :func:`ensure_kernel`).
    cwd : str or Path, optional
        Working directory of the kernel; default the notebook's directory.
    env : dict, optional
        Environment of the kernel; default ``os.environ`` with ``MPLBACKEND=Agg``.
    kernel_log : str or Path, optional
        File receiving the kernel process's own stderr (its log messages); default
        inherited. Cell output is not affected.

    Returns
    -------
    (nbformat.NotebookNode, CellFailure or None)
        The notebook with outputs up to the failing cell, and where it failed.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    workdir = str(Path(cwd) if cwd is not None else path.parent)
    kernel_env = dict(os.environ if env is None else env)
    kernel_env.setdefault("MPLBACKEND", "Agg")
    kernel_env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    current: dict[str, int] = {}

    def on_cell_execute(cell: Any, cell_index: int) -> None:
        current["index"] = cell_index

    for attempt in range(2):
        current.clear()
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name=kernel_name,
            resources={"metadata": {"path": workdir}},
            on_cell_execute=on_cell_execute,
        )
        try:
            if kernel_log is None:
                client.execute(env=kernel_env)
            else:
                with open(kernel_log, "ab") as log:
                    client.execute(env=kernel_env, stderr=log)
            return nb, None
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            index = current.get("index")
            ename = getattr(exc, "ename", None) or type(exc).__name__
            evalue = getattr(exc, "evalue", None) or _first_line(str(exc))
            if index is not None:
                for out in nb.cells[index].get("outputs", []):
                    if out.get("output_type") == "error":
                        ename, evalue = out.get("ename", ename), out.get("evalue", evalue)
            line = _first_line(_source(nb.cells[index])) if index is not None else ""
            return nb, CellFailure(path.name, index, line, ename, evalue)
        except Exception as exc:  # kernel did not start: retry once (port race, slow start)
            if "index" in current or attempt == 1:
                return nb, CellFailure(
                    path.name, current.get("index"), "", type(exc).__name__, _first_line(str(exc))
                )
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- page content


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _plain(markdown: str) -> str:
    text = _MD_LINK.sub(r"\1", markdown)
    text = re.sub(r"[*_`]{1,3}", "", text)
    return " ".join(text.split())


def notebook_summary(cells: Sequence[dict]) -> tuple[str, str]:
    """Return (title, summary): the first markdown H1 and the first paragraph after it."""
    title, summary, found = "", "", False
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        lines = _source(cell).splitlines()
        start = 0
        if not found:
            for i, line in enumerate(lines):
                if line.startswith("# "):
                    title, found, start = line[2:].strip(), True, i + 1
                    break
            else:
                continue
        paragraph: list[str] = []
        for line in lines[start:]:
            if not line.strip() or line.lstrip().startswith("#"):
                if paragraph:
                    break
                continue
            paragraph.append(line.strip())
        if paragraph:
            summary = _plain(" ".join(paragraph))
            break
    return title, summary


def _first_png(nb: Any) -> bytes | None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                return base64.b64decode(data["image/png"])
            m = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", data.get("text/html", ""))
            if m:
                return base64.b64decode(m.group(1))
    return None


def _thumbnail(png: bytes | None) -> str | None:
    if png is None:
        return None
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        img.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH))
        buf = io.BytesIO()
        img.save(buf, format="PNG", optimize=True)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _page_header(failure: CellFailure | None) -> str:
    nav = '<nav class="tt-nav"><a href="index.html">&larr; All notebooks</a></nav>'
    if failure is None:
        return nav
    return nav + (
        '<div class="tt-failed" role="alert"><strong>This notebook FAILED in the last '
        f"render.</strong> {html.escape(str(failure))}. Outputs below stop at the failing "
        "cell; its results are not in results.json.</div>"
    )


_PAGE_CSS = (
    ".tt-nav{font:14px sans-serif;padding:6px 12px;background:#f4f4f4}"
    ".tt-failed{font:15px sans-serif;background:#b00020;color:#fff;padding:12px 16px}"
)


def _inject(page: str, header: str) -> str:
    page = page.replace("</head>", f"<style>{_PAGE_CSS}</style></head>", 1)
    m = re.search(r"<body[^>]*>", page)
    return page[: m.end()] + header + page[m.end() :] if m else header + page


@functools.cache
def _exporter() -> Any:
    """One HTMLExporter per process (its template environment is costly to build)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab")


def notebook_html(nb: Any, title: str, failure: CellFailure | None) -> str:
    """Export an executed notebook to a standalone HTML page (red banner if it failed)."""
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return _inject(body, _page_header(failure))


def _failure_page(name: str, failure: CellFailure) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(name)}</title>"
        f"</head><body>{_page_header(failure)}</body></html>"
    )


# --------------------------------------------------------------------------- worker


def _run_one(path: str, build: str, timeout: int, kernel_name: str, workdir: str) -> dict:
    """Execute one notebook and write its executed copy and HTML page (worker process)."""
    t0 = time.perf_counter()
    nb_path, bdir = Path(path), Path(build)
    stem = nb_path.stem
    results_file = bdir / "cache" / f"{stem}.results.json"
    results_file.unlink(missing_ok=True)
    (bdir / "logs").mkdir(exist_ok=True)
    (bdir / "logs" / f"{stem}.kernel.log").unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        {
            RESULTS_FILE_ENV: str(results_file),
            NOTEBOOK_ENV: nb_path.name,
            "TIPTRENDS_BUILD_DIR": str(bdir),
            "MPLBACKEND": "Agg",
        }
    )
    # kernels run side by side: one BLAS/OpenMP thread each unless the caller says otherwise
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    try:
        import nbformat

        nb, failure = execute_notebook(
            nb_path,
            timeout=timeout,
            kernel_name=kernel_name,
            cwd=workdir,
            env=env,
            kernel_log=bdir / "logs" / f"{stem}.kernel.log",
        )
        _write_text_atomic(bdir / "executed" / f"{stem}.ipynb", nbformat.writes(nb) + "\n")
        title, summary = notebook_summary(nb.cells)
        page = notebook_html(nb, title or stem, failure)
        _write_text_atomic(bdir / "html" / f"{stem}.html", page)
        thumb = _thumbnail(_first_png(nb)) if failure is None else None
    except Exception as exc:  # unreadable notebook, export error...
        failure = CellFailure(nb_path.name, None, "", type(exc).__name__, _first_line(str(exc)))
        title, summary, thumb = "", "", None
        _write_text_atomic(bdir / "html" / f"{stem}.html", _failure_page(nb_path.name, failure))
    results = _read_json(results_file) or {}
    results_file.unlink(missing_ok=True)
    return {
        "seconds": time.perf_counter() - t0,
        "failure": None if failure is None else failure.__dict__,
        "results": results,
        "title": title,
        "summary": summary,
        "thumbnail": thumb,
    }


# --------------------------------------------------------------------------- site


def _template(name: str) -> str:
    return (TEMPLATES_DIR / name).read_text(encoding="utf-8")


def _sources_html() -> str:
    try:
        manifest = tomllib.loads(paths.manifest_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "<p>No data-source manifest (data/sources.toml) found.</p>"
    rows = []
    for key, src in manifest.get("sources", {}).items():
        e = {
            k: html.escape(str(src.get(k, "")))
            for k in ("title", "publisher", "release", "licence", "citation", "homepage")
        }
        link = f'<a href="{e["homepage"]}">{e["title"]}</a>' if e["homepage"] else e["title"]
        rows.append(
            f'<li id="source-{html.escape(key)}"><strong>{link}</strong><br>'
            f"{e['publisher']}. Release {e['release']}. Licence: {e['licence']}.<br>"
            f'<span class="citation">{e["citation"]}</span></li>'
        )
    return "<ul class='sources'>" + "".join(rows) + "</ul>"


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else html.escape(str(value))


#: Parts of the report on the index page: (first, last notebook number, heading, blurb).
PARTS = (
    (
        0,
        5,
        "Part I. Reproducing the published trends",
        "What the UNODC country data hold, and how close they come to the headline figures of "
        "the Global Report on Trafficking in Persons 2024: detected victims, forced labour, "
        "forced criminality, children, traffickers and criminal justice. Every chapter sets the "
        "published figure, with its citation, beside the reproduced one and explains the gap.",
    ),
    (
        6,
        99,
        "Part II. Beyond the report",
        "The European Union, the gap between detected and estimated victims, how much of the "
        "trends comes from the changing set of reporting countries, cross-border flows, what "
        "changed between data releases, and a ledger of the claims of the July 2025 press "
        "release.",
    ),
)


def _part_of(notebook: str) -> int | None:
    match = re.match(r"(\d+)", notebook)
    if match is None:
        return None
    number = int(match.group(1))
    return next((i for i, (lo, hi, _, _) in enumerate(PARTS) if lo <= number <= hi), None)


def _gap(result: dict) -> str:
    """Reproduced minus published, or an empty cell when there is no published figure."""
    value, published = result.get("value"), result.get("published")
    if not isinstance(value, int | float) or not isinstance(published, int | float):
        return ""
    return _fmt(round(value - published, 2))


def build_index(entries: list[dict], results: dict[str, dict], build: Path) -> None:
    """Write ``html/index.html`` from per-notebook entries and the merged results."""
    cards = []
    current_part: int | None = -1
    for e in entries:
        part = _part_of(e["notebook"])
        if part != current_part and part is not None:
            _, _, heading, blurb = PARTS[part]
            cards.append(
                f'<li class="part"><h2>{html.escape(heading)}</h2><p>{html.escape(blurb)}</p></li>'
            )
        current_part = part
        stem = Path(e["notebook"]).stem
        status = e["status"]
        cls = {OK: "ok", FAILED: "failed"}.get(status, "none")
        thumb = (
            f'<img src="data:image/png;base64,{e["thumbnail"]}" alt="First figure of '
            f'{html.escape(e.get("title") or stem)}" class="thumb">'
            if e.get("thumbnail")
            else '<div class="thumb empty"></div>'
        )
        detail = ""
        if status == FAILED and e.get("failure"):
            detail = f'<p class="error">{html.escape(str(CellFailure(**e["failure"])))}</p>'
        link = (
            f'<a href="{html.escape(stem)}.html">{html.escape(e.get("title") or stem)}</a>'
            if status != NOT_RENDERED
            else html.escape(e.get("title") or stem)
        )
        cards.append(
            f'<li class="card {cls}">{thumb}<div class="text"><h2>{link}</h2>'
            f'<p class="meta"><span class="status {cls}">{html.escape(status)}</span> '
            f"{html.escape(e['notebook'])} &middot; {len(e.get('results') or {})} results"
            f"</p><p>{html.escape(e.get('summary') or '')}</p>{detail}</div></li>"
        )
    rows = "".join(
        f"<tr><td><code>{html.escape(k)}</code></td><td>{_fmt(r.get('value'))}</td>"
        f"<td>{_fmt(r.get('published'))}</td><td>{_gap(r)}</td><td>{_fmt(r.get('unit'))}</td>"
        f'<td><a href="{html.escape(Path(str(r.get("notebook"))).stem)}.html">'
        f"{html.escape(Path(str(r.get('notebook'))).stem)}</a></td></tr>"
        for k, r in sorted(results.items())
    )
    page = string.Template(_template("index.html")).substitute(
        css=_template("site.css"),
        notebooks="<ol class='notebooks'>" + "".join(cards) + "</ol>"
        if cards
        else "<p>No notebooks in the collection.</p>",
        results=rows,
        n_results=len(results),
        sources=_sources_html(),
        rendered=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    _write_text_atomic(build / "html" / "index.html", page)


# --------------------------------------------------------------------------- render


def _resolve(selection: Sequence[str], all_nbs: list[Path]) -> tuple[list[Path], list[str]]:
    by_name = {p.name: p for p in all_nbs}
    chosen, unknown = [], []
    for item in selection:
        name = Path(item).name
        if not name.endswith(".ipynb"):
            name += ".ipynb"
        if name in by_name:
            if by_name[name] not in chosen:
                chosen.append(by_name[name])
        else:
            unknown.append(item)
    return sorted(chosen), unknown


def render(
    notebooks: Sequence[str] | None = None,
    *,
    jobs: int | None = None,
    force: bool = False,
    timeout: int = 600,
    kernel_name: str = "tiptrends",
    notebooks_dir: str | Path | None = None,
    build_dir: str | Path | None = None,
    echo: Callable[[str], None] | None = None,
) -> RenderReport:
    """Render the collection (or some notebooks of it); see :func:`render_collection`.

    Returns
    -------
    RenderReport
        Outcome per processed notebook (status "ok", "cached" or "FAILED") and exit code.
    """
    from filelock import FileLock, Timeout

    say = echo or (lambda line: print(line, flush=True))
    nb_dir = Path(notebooks_dir or paths.notebooks_dir()).resolve()
    build = Path(build_dir or paths.build_dir()).resolve()
    all_nbs = sorted(nb_dir.glob("*.ipynb"))
    if notebooks:
        selected, unknown = _resolve(notebooks, all_nbs)
        if unknown:
            msg = f"not in {nb_dir}: {', '.join(unknown)}"
            print(f"error: {msg}", file=sys.stderr)
            return RenderReport([], 2, [msg])
    else:
        selected = all_nbs
    for sub in ("executed", "html", "cache", "figures"):
        (build / sub).mkdir(parents=True, exist_ok=True)

    lock = FileLock(str(build / ".render.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        say(f"waiting for another render to finish ({build / '.render.lock'})")
        lock.acquire()
    try:
        return _render_locked(
            selected,
            all_nbs,
            nb_dir,
            build,
            jobs,
            force,
            timeout,
            kernel_name,
            say,
            prune=not notebooks,
        )
    finally:
        lock.release()


def _render_locked(
    selected: list[Path],
    all_nbs: list[Path],
    nb_dir: Path,
    build: Path,
    jobs: int | None,
    force: bool,
    timeout: int,
    kernel_name: str,
    say: Callable[[str], None],
    prune: bool,
) -> RenderReport:
    cache = build / "cache"
    env_parts = environment_parts(kernel_name)
    outcomes: dict[str, Outcome] = {}
    to_run: list[tuple[Path, dict[str, str], str]] = []
    for nb in selected:
        parts = {"notebook": notebook_fingerprint(nb) or "unreadable", **env_parts}
        entry = _read_json(cache / f"{nb.stem}.json")
        outputs_exist = (build / "html" / f"{nb.stem}.html").exists() and (
            build / "executed" / f"{nb.stem}.ipynb"
        ).exists()
        if force:
            reason = "forced"
        elif not entry or entry.get("status") != OK:
            reason = "not rendered before"
        elif not outputs_exist:
            reason = "output missing"
        else:
            changed = [k for k in parts if entry.get("parts", {}).get(k) != parts[k]]
            reason = ", ".join(_REASONS.get(k, k) for k in changed)
        if reason:
            to_run.append((nb, parts, reason))
        else:
            outcomes[nb.name] = Outcome(nb.name, CACHED, 0.0, results=entry.get("results", {}))
            say(f"[cached] {nb.name}")

    if to_run:
        ensure_kernel(kernel_name)
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from multiprocessing import get_context

        workers = max(1, min(jobs or os.cpu_count() or 1, len(to_run)))
        say(f"executing {len(to_run)} notebook(s) with {workers} worker(s)")
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            futures = {
                pool.submit(_run_one, str(nb), str(build), timeout, kernel_name, str(nb_dir)): (
                    nb,
                    parts,
                    reason,
                )
                for nb, parts, reason in to_run
            }
            for fut in as_completed(futures):
                nb, parts, reason = futures[fut]
                try:
                    res = fut.result()
                except Exception as exc:  # worker died
                    failure = CellFailure(nb.name, None, "", type(exc).__name__, str(exc))
                    _write_text_atomic(
                        build / "html" / f"{nb.stem}.html", _failure_page(nb.name, failure)
                    )
                    res = {"seconds": 0.0, "failure": failure.__dict__, "results": {}}
                outcomes[nb.name] = _store(nb, parts, res, cache, say, reason)
        # Notebooks may build missing curated tables (cached builds): key their entries
        # to the curated data as it is after execution, so the next render is warm.
        after = data_fingerprint()
        if after != env_parts["data"]:
            for nb, _, _ in to_run:
                entry = _read_json(cache / f"{nb.stem}.json")
                if entry and entry.get("status") == OK:
                    entry["parts"]["data"] = after
                    write_json_atomic(cache / f"{nb.stem}.json", entry)

    # merge results of every notebook that has a successful cache entry
    entries, results, problems = [], {}, []
    present = {p.stem for p in all_nbs}
    for nb in all_nbs:
        entry = _read_json(cache / f"{nb.stem}.json")
        failed = _read_json(cache / f"{nb.stem}.failed.json")
        if entry and entry.get("status") == OK:
            for key, rec in (entry.get("results") or {}).items():
                if key in results:
                    problems.append(
                        f"result {key!r} recorded by both {results[key]['notebook']} "
                        f"and {nb.name}; keeping {nb.name}"
                    )
                results[key] = rec
            entries.append(entry)
        elif failed:
            entries.append(failed)
        else:
            title, summary = notebook_summary((_read_json(nb) or {}).get("cells", []))
            entries.append(
                {"notebook": nb.name, "status": NOT_RENDERED, "title": title, "summary": summary}
            )
    if prune:
        for f in cache.glob("*.json"):
            stem = f.name.split(".")[0]
            if stem not in present:
                f.unlink(missing_ok=True)
                (build / "html" / f"{stem}.html").unlink(missing_ok=True)
    write_json_atomic(build / "results.json", results)
    build_index(entries, results, build)

    ordered = [outcomes[p.name] for p in selected if p.name in outcomes]
    say("")
    say(f"{'notebook':<40} {'status':<8} {'time':>8}  results")
    for o in ordered:
        t = f"{o.seconds:6.1f} s" if o.status != CACHED else "       -"
        say(f"{o.notebook:<40} {o.status:<8} {t:>8}  {len(o.results)}")
    say(f"site: {build / 'html' / 'index.html'}")
    for p in problems:
        print(f"warning: {p}", file=sys.stderr)
    failures = [o.failure for o in ordered if o.failure is not None]
    for f in failures:
        print(f"FAILED {f}", file=sys.stderr)
    return RenderReport(ordered, 1 if failures else 0, problems)


def _store(
    nb: Path,
    parts: dict[str, str],
    res: dict,
    cache: Path,
    say: Callable[[str], None],
    reason: str,
) -> Outcome:
    """Write the cache entry (success) or failure record of one executed notebook."""
    base = {
        "notebook": nb.name,
        "seconds": round(res["seconds"], 2),
        "title": res.get("title", ""),
        "summary": res.get("summary", ""),
        "rendered_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if res["failure"] is None:
        write_json_atomic(
            cache / f"{nb.stem}.json",
            {
                **base,
                "status": OK,
                "parts": parts,
                "results": res["results"],
                "thumbnail": res.get("thumbnail"),
            },
        )
        (cache / f"{nb.stem}.failed.json").unlink(missing_ok=True)
        say(f"[ok] {nb.name}  {res['seconds']:.1f} s  ({reason})")
        return Outcome(nb.name, OK, res["seconds"], reason, None, res["results"])
    failure = CellFailure(**res["failure"])
    (cache / f"{nb.stem}.json").unlink(missing_ok=True)
    write_json_atomic(
        cache / f"{nb.stem}.failed.json", {**base, "status": FAILED, "failure": res["failure"]}
    )
    say(f"[FAILED] {nb.name}  {res['seconds']:.1f} s  {failure}")
    return Outcome(nb.name, FAILED, res["seconds"], reason, failure, {})


def render_collection(
    notebooks: list[str] | None = None,
    *,
    jobs: int | None = None,
    force: bool = False,
    timeout: int = 600,
    kernel_name: str = "tiptrends",
    notebooks_dir: str | Path | None = None,
    build_dir: str | Path | None = None,
) -> int:
    """Execute the notebook collection and build the HTML site; return the exit code.

    Parameters
    ----------
    notebooks : list of str, optional
        File names (or paths, with or without ``.ipynb``) of notebooks of the
        collection to render; default all of ``notebooks/*.ipynb``.
    jobs : int, optional
        Notebooks executed in parallel; default the number of CPUs.
    force : bool
        Execute even notebooks whose cache entry is current.
    timeout : int
        Timeout per cell, in seconds.
    kernel_name : str
        Kernelspec used (installed for this Python if missing).
    notebooks_dir, build_dir : str or Path, optional
        Override ``notebooks/`` and ``_build/`` (tests).

    Returns
    -------
    int
        0 when every notebook ran, 1 when one failed, 2 for an unknown notebook name.
    """
    return render(
        notebooks,
        jobs=jobs,
        force=force,
        timeout=timeout,
        kernel_name=kernel_name,
        notebooks_dir=notebooks_dir,
        build_dir=build_dir,
    ).exit_code


# --------------------------------------------------------------------------- hygiene


def strip_notebook(path: str | Path) -> bool:
    """Remove outputs, execution counts and timing metadata; set the tiptrends kernelspec.

    Parameters
    ----------
    path : str or Path
        Notebook to clean in place.

    Returns
    -------
    bool
        True if the file changed.
    """
    import nbformat

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    new = nbformat.writes(nb)
    if not new.endswith("\n"):
        new += "\n"
    if new == text:
        return False
    _write_text_atomic(path, new)
    return True


def check_notebook_clean(path: str | Path) -> list[str]:
    """Return the hygiene problems of a notebook (empty when clean).

    Checks: no outputs, no execution counts, no execution timing metadata, kernelspec
    ``tiptrends``.
    """
    path = Path(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path.name}: unreadable ({exc})"]
    problems = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("outputs"):
            problems.append(f"{path.name}: cell {i} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"{path.name}: cell {i} has an execution count")
        if "execution" in cell.get("metadata", {}):
            problems.append(f"{path.name}: cell {i} has execution timing metadata")
    ks = nb.get("metadata", {}).get("kernelspec", {})
    if ks.get("name") != KERNELSPEC["name"]:
        problems.append(f"{path.name}: kernelspec is {ks.get('name')!r}, expected 'tiptrends'")
    return problems


def collection_notebooks(notebooks_dir: str | Path | None = None) -> list[Path]:
    """Every notebook under ``notebooks/`` (templates included, checkpoints excluded)."""
    root = Path(notebooks_dir or paths.notebooks_dir())
    return sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def strip_collection(notebooks: Sequence[str | Path] | None = None, *, check: bool = False) -> int:
    """Strip (or with ``check`` only verify) notebooks; return an exit code.

    Parameters
    ----------
    notebooks : sequence of str or Path, optional
        Notebook files; default every notebook under ``notebooks/``.
    check : bool
        Do not modify anything; print the problems and return 1 if there are any.

    Returns
    -------
    int
        0 when clean (or stripped), 1 when ``check`` found problems.
    """
    files = [Path(p) for p in notebooks] if notebooks else collection_notebooks()
    if check:
        problems = [p for f in files for p in check_notebook_clean(f)]
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print("run `tiptrends strip` to clean them", file=sys.stderr)
        return 1 if problems else 0
    for f in files:
        if strip_notebook(f):
            print(f"stripped {f}")
    return 0
