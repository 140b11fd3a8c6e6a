"""Render the notebook collection to a book (static HTML site) under ``_build/``.

:func:`render` executes every notebook of the collection (``notebooks/*.ipynb`` sorted by
file name; ``notebooks/templates/`` is not part of it) in a fresh kernel, in parallel worker
processes, and hands the executed notebooks to Sphinx + MyST-NB (execution off) through
:mod:`tiptrends.report.book`. It writes

- ``_build/executed/<stem>.ipynb``: the executed copy;
- ``_build/figures/``: figures written by :func:`tiptrends.report.style.save_figure`
  (PNG, SVG and a CSV of the figure's data) and ``alt_text.json``;
- ``_build/results.json``: the numbers recorded with :func:`tiptrends.report.results.record`;
- ``_build/claims.json``: the claims ledger of chapter 11
  (:func:`tiptrends.report.claims_export.record_claims`);
- ``_build/html/``: the book (``index.html`` is the landing page);
- ``_build/cache/<stem>.json``: cache entry of a successful run (key and per-input digests,
  results, figures).

Cache key
    A notebook is executed again only when one of its inputs changes. The inputs are hashed by
    folder, so a new file cannot be forgotten: the notebook itself (cell sources), every other
    file of ``notebooks/`` except the book's own pages and what is written there rather than
    read (:func:`_notebook_output`: figures, checkpoints, nbconvert exports...), every file
    under ``data/`` except the raw files (pinned by sha256 in ``data/sources.toml``, which is
    hashed) with the curated tables by content, every file of the tiptrends package (templates
    included), the Python version and installed distributions, and the kernel. A notebook edit
    re-runs that notebook only; any other change re-runs all of them. The cache entry keeps
    each input's digest, so the next render names the inputs that changed
    (:func:`changed_inputs`, ``tiptrends render --explain``).
Failures
    A failing notebook stops at its first error and the others go on; the render then exits 1,
    the chapter carries a red banner, and its old results, figures and cache entry are removed.
Interrupts
    Ctrl-C (SIGINT) stops the workers and their kernels within seconds, discards the
    unfinished notebooks, prints ``interrupted`` and returns exit code 130. Each notebook's
    outputs (executed copy, figures) are moved into place together with its cache entry, so a
    cache entry always describes complete outputs, and the site in ``_build/html`` is replaced
    only by a complete new build.

A file lock serialises concurrent renders and every file is written atomically. This module
imports nothing heavy at import time: an unchanged collection re-renders from the cache
without importing nbclient or Sphinx or starting a kernel.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from tiptrends import paths
from tiptrends.io.atomic import rename_into_place
from tiptrends.report.nbclean import KERNELSPEC
from tiptrends.report.notebook_text import notebook_summary, plain_text
from tiptrends.report.processes import build_lock, register, unregister
from tiptrends.report.results import (
    NOTEBOOK_ENV,
    RESULTS_FILE_ENV,
    write_bytes_atomic,
    write_json_atomic,
)
from tiptrends.report.startup import ALONE_ENV

CACHE_FORMAT = 2

OK, CACHED, FAILED, NOT_RENDERED = "ok", "cached", "FAILED", "not rendered"
INTERRUPTED_EXIT = 130

#: Seconds a worker gets to stop after SIGTERM before it is killed.
STOP_GRACE = 3.0


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
    book_seconds: float | None = None  # None: the book was already current

    def status(self) -> dict[str, str]:
        """Return ``{notebook file name: status}``."""
        return {o.notebook: o.status for o in self.outcomes}


# --------------------------------------------------------------------------- small helpers


def _write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_if_changed(path: Path, data: Any) -> bool:
    """Write ``data`` as :func:`write_json_atomic` does, unless the file holds it already.

    The book's inputs stamp reads files' sizes and modification times: a file rewritten with
    the same content would make every warm render stage the book again. Returns True when
    written.
    """
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        if path.read_bytes() == text.encode("utf-8"):
            return False
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        pass
    write_json_atomic(path, data)
    return True


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
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


def _ignored(rel: Path) -> bool:
    """Files no notebook reads: caches, editor and lock files, temporary files."""
    return any(part in ("__pycache__", ".ipynb_checkpoints", ".git") for part in rel.parts) or (
        rel.suffix in (".pyc", ".pyo", ".lock", ".tmp")
    )


#: File digests of the current :func:`plan_render` (one read of each file per plan).
_DIGESTS: dict[str, Any] | None = None


@contextlib.contextmanager
def _one_read_per_file() -> Iterator[None]:
    """Within the block, hash each file (and list the distributions) only once."""
    global _DIGESTS
    outer, _DIGESTS = _DIGESTS, {} if _DIGESTS is None else _DIGESTS
    try:
        yield
    finally:
        _DIGESTS = outer


def _file_digest(f: Path) -> str:
    key = str(f)
    if _DIGESTS is not None and key in _DIGESTS:
        return _DIGESTS[key]
    with open(f, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    if _DIGESTS is not None:
        _DIGESTS[key] = digest
    return digest


def folder_digests(
    root: Path, *, skip: Callable[[Path], bool] = lambda rel: False
) -> dict[str, str]:
    """sha256 of every file under ``root`` by relative path, less ``skip``-ped ones.

    These per-file digests are stored with each cache entry, so that the next render can
    name the file that changed (:func:`changed_inputs`).
    """
    digests: dict[str, str] = {}
    if root.is_dir():
        for f in sorted(root.rglob("*")):
            rel = f.relative_to(root)
            if f.is_file() and not _ignored(rel) and not skip(rel):
                digests[rel.as_posix()] = _file_digest(f)
    return digests


def combine_digests(digests: Mapping[str, str]) -> str:
    """One hash of per-file digests (relative path and content, in path order)."""
    h = hashlib.sha256()
    for rel in sorted(digests, key=PurePosixPath):
        h.update(rel.encode() + b"\0")
        h.update(bytes.fromhex(digests[rel]))
    return h.hexdigest()


def hash_folder(root: Path, *, skip: Callable[[Path], bool] = lambda rel: False) -> str:
    """Hash of every file under ``root`` (relative path and content), less ``skip``-ped ones."""
    return combine_digests(folder_digests(root, skip=skip))


def package_inputs() -> dict[str, str]:
    """Digest of every file of the tiptrends package (source, templates, data files)."""
    return folder_digests(paths.PACKAGE_DIR)


def package_fingerprint() -> str:
    """Hash of every file of the tiptrends package (source, templates, data files)."""
    return combine_digests(package_inputs())


def _not_a_data_input(rel: Path) -> bool:
    """Raw files (pinned by the manifest) and the derived products: each product is computed
    from data files and package code that the key covers already, so a product stored on
    first use (a rule set a test or a kernel asks for) does not make every notebook stale."""
    return rel.parts[:1] == ("raw",) or rel.parts[:2] == ("curated", "derived")


def data_inputs() -> dict[str, str]:
    """Digest of every file under ``data/`` except ``data/raw/`` (see :func:`data_fingerprint`)."""
    return folder_digests(paths.data_dir(), skip=_not_a_data_input)


def data_fingerprint() -> str:
    """Hash of every file under ``data/`` except ``data/raw/`` and the derived products
    (``data/curated/derived/``), curated tables by content.

    Raw files are pinned by their sha256 in ``data/sources.toml`` (hashed here), so hashing
    them again would only cost time.
    """
    return combine_digests(data_inputs())


#: Folders of ``notebooks/`` that hold what notebooks, editors and tools write, never what a
#: notebook reads: figures saved outside a render (older versions wrote ``figures/``), build
#: output, Python and Jupyter caches. Hidden files and folders (editor state) are left out too.
OUTPUT_FOLDERS = frozenset({"figures", "_build", "__pycache__"})


def _notebook_output(rel: Path, stems: set[str]) -> bool:
    """True for files of ``notebooks/`` that are outputs or editor state, not inputs.

    Besides :data:`OUTPUT_FOLDERS` and hidden entries (``.ipynb_checkpoints``,
    ``.virtual_documents``, ``.~x.ipynb`` autosaves), the exports of a notebook of the
    collection made by ``jupyter nbconvert`` next to it: ``<stem>.html``, ``<stem>.py``,
    ``<stem>.nbconvert.ipynb``, the ``<stem>_files/`` folder of its images...
    """
    if any(part in OUTPUT_FOLDERS or part.startswith(".") for part in rel.parts):
        return True
    top = rel.parts[0]  # nbconvert writes its exports beside the notebook
    if len(rel.parts) > 1:
        return top.endswith("_files") and top.removesuffix("_files") in stems
    return top.split(".")[0] in stems


def notebooks_folder_inputs(nb_dir: Path, collection: Iterable[Path]) -> dict[str, str]:
    """Digest of each file of ``notebooks/`` a notebook could read.

    Left out: the notebooks of the collection (each is part of its own key only), the book's
    pages and configuration (read by Sphinx, not by notebooks), ``templates/`` and what is
    written there rather than read (:func:`_notebook_output`).
    """
    from tiptrends.report.book import book_files

    nbs = [p.resolve() for p in collection]
    own = set(nbs) | {p.resolve() for p in book_files(nb_dir)}
    stems = {p.stem for p in nbs}

    def skip(rel: Path) -> bool:
        return (
            rel.parts[:1] == ("templates",)
            or _notebook_output(rel, stems)
            or (nb_dir / rel).resolve() in own
        )

    return folder_digests(nb_dir, skip=skip)


def notebooks_folder_fingerprint(nb_dir: Path, collection: Iterable[Path]) -> str:
    """Hash of the files of ``notebooks/`` a notebook could read (:func:`notebooks_folder_inputs`)."""
    return combine_digests(notebooks_folder_inputs(nb_dir, collection))


#: A wheel's metadata folder names its distribution and version (``numpy-2.4.6.dist-info``).
_DIST_INFO = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)\.dist-info$")


def _dist_name(name: str) -> str:
    """A distribution's name normalised as installers write it (PEP 503: ``typing-extensions``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _distributions() -> list[str]:
    """``name==version`` of every installed distribution, sorted.

    Read from the names of the ``.dist-info`` folders (no metadata file is parsed: parsing
    ~200 of them took 0.4 s of every warm render); other distributions (``.egg-info``) from
    their metadata.
    """
    if _DIGESTS is not None and "distributions" in _DIGESTS:
        return _DIGESTS["distributions"]
    from importlib.metadata import distributions

    found = set()
    for dist in distributions():
        folder = getattr(dist, "_path", None)
        match = _DIST_INFO.match(folder.name) if isinstance(folder, Path) else None
        if match is not None:
            name, version = match["name"], match["version"]
        else:
            name, version = dist.metadata["Name"] or "", dist.version
        found.add(f"{_dist_name(name)}=={version}")
    names = sorted(found)
    if _DIGESTS is not None:
        _DIGESTS["distributions"] = names
    return names


def versions_inputs() -> dict[str, str]:
    """The Python version and the version of each installed distribution, by name."""
    found: dict[str, list[str]] = {}
    for item in _distributions():
        name, _, version = item.partition("==")
        found.setdefault(name, []).append(version)
    return {"python": sys.version, **{k: ", ".join(v) for k, v in found.items()}}


def versions_fingerprint() -> str:
    """Hash of the Python version and every installed distribution (name==version)."""
    return _sha(sys.version, *_distributions())


def environment_parts(
    kernel_name: str, nb_dir: Path | None = None, collection: Iterable[Path] = ()
) -> dict[str, str]:
    """Return the cache-key parts shared by all notebooks."""
    parts = {
        "package": package_fingerprint(),
        "data": data_fingerprint(),
        "versions": versions_fingerprint(),
        "kernel": kernel_name,
        "format": str(CACHE_FORMAT),
    }
    if nb_dir is not None:
        parts["notebooks_dir"] = notebooks_folder_fingerprint(nb_dir, collection)
    return parts


def environment_inputs(
    kernel_name: str, nb_dir: Path | None = None, collection: Iterable[Path] = ()
) -> dict[str, dict[str, str]]:
    """The inputs behind :func:`environment_parts`, one digest (or version) per input."""
    inputs = {
        "package": package_inputs(),
        "data": data_inputs(),
        "versions": versions_inputs(),
        "kernel": {"name": kernel_name},
    }
    if nb_dir is not None:
        inputs["notebooks_dir"] = notebooks_folder_inputs(nb_dir, collection)
    return inputs


#: Each key part as an input, for :func:`changed_inputs` when it cannot name the file.
_WHAT = {
    "notebooks_dir": "files in notebooks/",
    "package": "the tiptrends package",
    "data": "files in data/",
    "versions": "installed packages",
    "kernel": "the kernel",
    "format": "the cache format",
    "parameters": "its parameters",
}

_REASONS = {
    "notebook": "notebook changed",
    "notebooks_dir": "other files in notebooks/ changed",
    "package": "tiptrends source changed",
    "data": "data changed",
    "versions": "installed packages changed",
    "kernel": "kernel changed",
    "format": "cache format changed",
    "parameters": "parameters changed",
}


def _where(folder: Path) -> str:
    """How to name ``folder`` in messages: relative to the project root when inside it."""
    try:
        return folder.resolve().relative_to(paths.project_root()).as_posix()
    except ValueError:
        return folder.name


def changed_inputs(
    part: str,
    old: Mapping[str, str] | None,
    new: Mapping[str, str],
    where: str = "",
) -> list[str]:
    """Name what changed in one part of the cache key, e.g. ``["data/mappings/x.csv (new)"]``.

    Parameters
    ----------
    part : str
        The key part (see :func:`environment_parts`; ``"notebook"`` for the notebook itself).
    old, new : mapping
        Per-input digests (or versions) of the cache entry and of now; ``old`` is None for an
        entry written before per-input digests were stored.
    where : str
        The folder the inputs of ``part`` are relative to (``"notebooks"``, ``"data"``...).

    Returns
    -------
    list of str
        One description per changed input; the part as a whole when the entry cannot say
        more (written before per-input digests were stored).
    """
    if part == "notebook":
        return ["its own cells"]
    if part == "parameters":
        return ["its parameters"]
    if old is None or part == "format":
        return [_WHAT.get(part, part)]
    if part == "kernel":
        return [f"the kernel ({old.get('name')} -> {new.get('name')})"]
    names = []
    for key in sorted(set(old) | set(new), key=PurePosixPath):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if part == "versions":
            names.append(f"installed packages: {key} {before or '(none)'} -> {after or '(none)'}")
            continue
        label = f"{where}/{key}" if where else key
        names.append(
            f"{label} (new)" if before is None else label if after else f"{label} (removed)"
        )
    return names or [_WHAT.get(part, part)]


@dataclass
class Plan:
    """Whether one notebook runs, and why (an empty reason: served from the cache).

    ``reason`` names the kinds of input that changed ("notebook changed", "data changed");
    ``changed`` names each input ("its own cells", "data/curated/glotip_2025.parquet",
    "installed packages: numpy 1.26.4 -> 2.0.0"). ``inputs`` are the per-input digests
    stored with the new cache entry, for the next render to compare.
    """

    notebook: Path
    parts: dict[str, str]
    reason: str
    entry: dict[str, Any] | None
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    stem: str = ""  # where its outputs go: "02_forced_labour", "profiles/nga"; default the file's
    parameters: dict[str, Any] | None = None  # injected after the "parameters" cell (profiles)
    title: str | None = None  # the page's title in the executed copy (a profile's place)

    def __post_init__(self) -> None:
        self.stem = self.stem or self.notebook.stem

    @property
    def name(self) -> str:
        """The notebook's name in messages and outcomes (``profiles/nga.ipynb`` for a profile)."""
        return f"{self.stem}.ipynb"

    def why(self, limit: int | None = 3) -> str:
        """One line saying why the notebook runs ("" when it comes from the cache)."""
        if not self.changed:
            return self.reason
        shown = self.changed if limit is None else self.changed[:limit]
        more = len(self.changed) - len(shown)
        return "changed: " + ", ".join(shown) + (f" and {more} more" if more else "")


@dataclass(frozen=True)
class ProfileRequest:
    """A place profile the render executes: the profile notebook with one place's parameters.

    ``slug`` names its outputs (``_build/executed/profiles/<slug>.ipynb``, its cache entry
    ``_build/cache/profiles/<slug>.json``); ``title`` is the page's title ("Nigeria").
    """

    slug: str
    title: str
    parameters: dict[str, Any]

    @property
    def stem(self) -> str:
        """Output stem of the profile (``profiles/<slug>``)."""
        return f"{PROFILES}/{self.slug}"


#: Folder of the place profiles (in ``notebooks/``, and in ``_build``'s executed copies and cache).
PROFILES = "profiles"
#: The parametrised profile notebook, relative to ``notebooks/``.
PROFILE_NOTEBOOK = f"{PROFILES}/place_profile.ipynb"
#: The profiles requested (``tiptrends profile``), executed by every full render.
REQUESTED_PROFILES = "profiles.json"


def requested_profiles(build: Path) -> list[ProfileRequest]:
    """The place profiles requested so far (``_build/profiles.json``; none before the first)."""
    listed = _read_json(build / REQUESTED_PROFILES)
    found = []
    for item in listed if isinstance(listed, list) else []:
        try:
            found.append(
                ProfileRequest(str(item["slug"]), str(item["title"]), dict(item["parameters"]))
            )
        except (KeyError, TypeError, ValueError):
            continue
    return found


def request_profiles(build: Path, wanted: Sequence[ProfileRequest], *, replace: bool) -> None:
    """Record profiles for the renders to execute: ``replace`` the list, or add to it.

    ``tiptrends profile --all-default`` replaces the list (what ``make report`` shows); a
    single place is added to it. A full render prunes every profile not on the list.
    """
    kept = {} if replace else {r.slug: r for r in requested_profiles(build)}
    kept.update({r.slug: r for r in wanted})
    write_json_atomic(
        build / REQUESTED_PROFILES,
        [{"slug": r.slug, "title": r.title, "parameters": r.parameters} for r in kept.values()],
    )


def plan_render(
    selected: Sequence[Path],
    nb_dir: Path,
    build: Path,
    *,
    kernel_name: str = "tiptrends",
    force: bool = False,
    collection: Sequence[Path] | None = None,
    profiles: Sequence[ProfileRequest] = (),
) -> list[Plan]:
    """Decide, for each selected notebook and each profile, whether it must run and why.

    A profile's key is a chapter's (its notebook's cells, the other files of ``notebooks/``,
    the package, the data, the installed packages, the kernel) plus its parameters.
    """
    with _one_read_per_file():
        env_parts = environment_parts(kernel_name, nb_dir, collection or selected)
        env_inputs = environment_inputs(kernel_name, nb_dir, collection or selected)
    where = {
        "notebooks_dir": _where(nb_dir),
        "package": _where(paths.PACKAGE_DIR),
        "data": _where(paths.data_dir()),
    }
    jobs: list[tuple[Path, str, dict[str, Any] | None, str | None]] = [
        (nb, nb.stem, None, None) for nb in selected
    ]
    jobs += [(nb_dir / PROFILE_NOTEBOOK, r.stem, r.parameters, r.title) for r in profiles]
    plans = []
    for nb, stem, parameters, title in jobs:
        parts = {"notebook": notebook_fingerprint(nb) or "unreadable", **env_parts}
        if parameters is not None:
            parts["parameters"] = _sha(json.dumps(parameters, sort_keys=True, default=str))
        entry = _read_json(build / "cache" / f"{stem}.json")
        changed: list[str] = []
        if force:
            reason = "forced"
        elif not entry or entry.get("status") != OK:
            reason = "not rendered before"
        elif not (build / "executed" / f"{stem}.ipynb").exists():
            reason = "output missing"
        else:
            parts_changed = [k for k in parts if entry.get("parts", {}).get(k) != parts[k]]
            reason = ", ".join(_REASONS.get(k, k) for k in parts_changed)
            old_inputs = entry.get("inputs") or {}
            for k in parts_changed:
                changed += changed_inputs(
                    k, old_inputs.get(k), env_inputs.get(k, {}), where.get(k, "")
                )
        plans.append(
            Plan(
                nb,
                parts,
                reason,
                entry if entry and entry.get("status") == OK else None,
                env_inputs,
                changed,
                stem,
                parameters,
                title,
            )
        )
    return plans


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


#: The notebook client of this process while it executes (see :func:`_stop_worker`).
_RUNNING: dict[str, Any] = {}


def execute_notebook(
    path: str | Path,
    *,
    timeout: int = 600,
    kernel_name: str = "tiptrends",
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    kernel_log: str | Path | None = None,
    parameters: Mapping[str, Any] | None = None,
    km: Any = None,
    on_start: Callable[[], None] | None = None,
) -> tuple[Any, CellFailure | None]:
    """Execute a notebook in a fresh kernel and return it with the failure, if any.

    The one executor of the project: chapters (:func:`render`) and place profiles
    (``tiptrends profile``, with ``parameters``) run through it.

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
    parameters : mapping, optional
        Values for the notebook's parameters, injected as papermill does
        (:func:`inject_parameters`).
    km : jupyter_client.KernelManager, optional
        A kernel manager whose kernel is already started (and stopped by the caller); the
        notebook runs in that kernel instead of a fresh one.
    on_start : callable, optional
        Called once the kernel is ready, before the first cell runs (its errors ignored).

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
    if parameters is not None:
        inject_parameters(nb, parameters)
    workdir = str(Path(cwd) if cwd is not None else path.parent)
    kernel_env = dict(os.environ if env is None else env)
    kernel_env.setdefault("MPLBACKEND", "Agg")
    kernel_env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    current: dict[str, int] = {}

    def on_cell_execute(cell: Any, cell_index: int) -> None:
        current["index"] = cell_index

    def on_notebook_start(**kwargs: Any) -> None:
        if on_start is not None:
            _quietly(on_start)

    for attempt in range(2):
        current.clear()
        # a kernel started here listens on private sockets (a given ``km`` has its own)
        with local_kernel_config() if km is None else contextlib.nullcontext() as sockets:
            client = NotebookClient(
                nb,
                km=km,
                timeout=timeout,
                kernel_name=kernel_name,
                resources={"metadata": {"path": workdir}},
                on_cell_execute=on_cell_execute,
                on_notebook_start=on_notebook_start,
                # the outputs are complete when the last cell has run: stop the kernel at
                # once rather than wait for it to exit
                shutdown_kernel="immediate",
                **({} if sockets is None else {"config": sockets}),
            )
            _RUNNING["client"] = client  # so that a stopping worker can kill the kernel
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
            except Exception as exc:  # kernel did not start: retry once (slow start)
                if "index" in current or attempt == 1:
                    return nb, CellFailure(
                        path.name,
                        current.get("index"),
                        "",
                        type(exc).__name__,
                        _first_line(str(exc)),
                    )
            finally:
                _RUNNING.pop("client", None)
    raise AssertionError("unreachable")


#: Tag of the cell holding a notebook's default parameters, and of the cell that
#: :func:`inject_parameters` adds after it (papermill's convention).
PARAMETERS_TAG, INJECTED_TAG = "parameters", "injected-parameters"


def inject_parameters(nb: Any, parameters: Mapping[str, Any]) -> Any:
    """Set a notebook's parameters as papermill does (modified in place and returned).

    A code cell tagged ``injected-parameters`` assigning each value is put after the cell
    tagged ``parameters`` (which keeps the defaults), replaces an earlier injected cell, or,
    without a ``parameters`` cell, opens the notebook.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell('code = "NGA"', metadata={"tags": ["parameters"]})
    >>> nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("print(code)")])
    >>> print(inject_parameters(nb, {"code": "DEU", "region": None}).cells[1].source)
    # Parameters
    code = 'DEU'
    region = None
    """
    import nbformat

    lines = ["# Parameters", *(f"{name} = {value!r}" for name, value in parameters.items())]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": [INJECTED_TAG]})

    def tagged(tag: str) -> int | None:
        return next(
            (i for i, c in enumerate(nb.cells) if tag in c.get("metadata", {}).get("tags", [])),
            None,
        )

    injected, defaults = tagged(INJECTED_TAG), tagged(PARAMETERS_TAG)
    if injected is not None:
        nb.cells[injected] = cell
    else:
        nb.cells.insert(0 if defaults is None else defaults + 1, cell)
    return nb


@contextlib.contextmanager
def local_kernel_config() -> Iterator[Any]:
    """Kernel-manager settings for a kernel on this machine: IPC sockets in a private folder.

    By default a kernel listens on TCP ports of localhost, which any local user can reach
    (ipykernel warns that it runs without encryption), and two kernels starting at once can
    race for a port. Unix sockets in a folder that only this user can open (``mkdtemp``)
    avoid both; the folder is removed afterwards.

    Yields
    ------
    traitlets.config.Config
        For ``NotebookClient(config=...)`` or ``KernelManager(config=...)``.
    """
    import tempfile

    from traitlets.config import Config

    folder = tempfile.mkdtemp(prefix="tiptrends-kernel-")
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = os.path.join(folder, "kernel")
    try:
        yield config
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- summaries


# --------------------------------------------------------------------------- worker


def _kernel_pid(client: Any) -> int | None:
    km = getattr(client, "km", None)
    provisioner = getattr(km, "provisioner", None)
    pid = getattr(provisioner, "pid", None)
    return pid if isinstance(pid, int) else None


def _stop_worker(signum: int, frame: Any) -> None:
    """SIGTERM in a worker: kill the kernel (its own session) and leave at once."""
    pid = _kernel_pid(_RUNNING.get("client"))
    if pid is not None:
        for kill in (os.killpg, os.kill):
            with contextlib.suppress(OSError):
                kill(pid, signal.SIGKILL)
                break
    os._exit(INTERRUPTED_EXIT)


def _worker_init() -> None:
    """Workers ignore Ctrl-C (the main process stops them) and stop cleanly on SIGTERM."""
    from tiptrends.report.processes import die_with_parent
    from tiptrends.report.startup import skip_here_and_in_children

    skip_here_and_in_children()  # the worker and the kernel it starts
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    # the render killed (even by kill -9): the system kills the worker (SIGKILL: a handler could
    # wait behind a blocked main thread), and its kernel, polling its parent, follows it
    die_with_parent(signal.SIGKILL)


def job_environment(work: Path, notebook_name: str, *, alone: bool = False) -> dict[str, str]:
    """The environment of a kernel executing into the work folder ``work``.

    Everything the notebook writes goes there: its figures (``TIPTRENDS_BUILD_DIR``), its
    recorded results and page data; one BLAS/OpenMP thread unless the caller says otherwise
    (kernels run side by side). ``alone``: no other notebook runs beside it
    (:data:`ALONE_ENV`).
    """
    from tiptrends.report.book import PAGE_DATA_FILE_ENV

    env = dict(os.environ)
    env.update(
        {
            RESULTS_FILE_ENV: str(work / "results.json"),
            PAGE_DATA_FILE_ENV: str(work / "page_data.json"),
            NOTEBOOK_ENV: notebook_name,
            "TIPTRENDS_BUILD_DIR": str(work),
            "MPLBACKEND": "Agg",
        }
    )
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    if alone:
        env[ALONE_ENV] = "1"
    else:
        env.pop(ALONE_ENV, None)
    return env


def retitle(nb: Any, name: str) -> None:
    """Put a place's name in a profile's title ("# Place profile" -> "# Nigeria: place profile").

    The title names the page in the book's contents and in the browser tab; the notebook
    itself keeps its generic title.
    """
    first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first is not None and first.source.startswith("# Place profile"):
        _, _, rest = first.source.partition("\n")
        first.source = f"# {name}: place profile\n{rest}"


def _run_one(
    path: str,
    work: str,
    timeout: int,
    kernel_name: str,
    workdir: str,
    parameters: dict[str, Any] | None = None,
    title: str | None = None,
    km: Any = None,
    on_start: Callable[[], None] | None = None,
    alone: bool = False,
) -> dict:
    """Execute one notebook into its own work folder (worker process, or this one with ``km``).

    Everything the notebook writes goes to ``work``: the executed copy, its figures (the
    kernel's ``TIPTRENDS_BUILD_DIR``), its recorded results and page data. The main process
    moves them into ``_build/`` with the cache entry. A file of ``work`` that cannot be
    written is a ``write_error`` (errno, message, file), not a failure of the notebook.
    """
    t0 = time.perf_counter()
    nb_path, wdir = Path(path), Path(work)
    if km is None:  # a started kernel writes into ``work`` already
        shutil.rmtree(wdir, ignore_errors=True)
    wdir.mkdir(parents=True, exist_ok=True)
    title_text = summary = ""
    write_error = None
    try:
        import nbformat

        nb, failure = execute_notebook(
            nb_path,
            timeout=timeout,
            kernel_name=kernel_name,
            cwd=workdir,
            env=job_environment(wdir, nb_path.name, alone=alone),
            kernel_log=wdir / "kernel.log",
            parameters=parameters,
            km=km,
            on_start=on_start,
        )
        if title:
            retitle(nb, title)
        try:
            _write_text_atomic(wdir / "executed.ipynb", nbformat.writes(nb) + "\n")
        except OSError as exc:
            write_error = [exc.errno, exc.strerror or str(exc), str(wdir / "executed.ipynb")]
        title_text, summary = notebook_summary(nb.cells)
    except OSError as exc:  # the work folder itself (the kernel's log) cannot be written
        failure = None
        write_error = [exc.errno, exc.strerror or str(exc), str(exc.filename or wdir)]
    except Exception as exc:  # unreadable notebook...
        failure = CellFailure(nb_path.name, None, "", type(exc).__name__, _first_line(str(exc)))
    page_data = _read_json(wdir / "page_data.json") or {}
    claims = _read_json(wdir / "claims.json")  # tiptrends.report.claims_export.record_claims
    if claims is not None:
        page_data["claims_export"] = claims
    return {
        "seconds": time.perf_counter() - t0,
        "failure": None if failure is None else failure.__dict__,
        "write_error": write_error,
        "results": _read_json(wdir / "results.json") or {},
        "page_data": page_data,
        "title": title_text,
        "summary": summary,
    }


# --------------------------------------------------------------------------- interrupts


@contextlib.contextmanager
def _deferred_interrupt() -> Iterator[None]:
    """Hold Ctrl-C while a notebook's outputs and cache entry are moved into place."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _stop_pool(pool: Any) -> None:
    """Stop every worker of ``pool`` (SIGTERM, then SIGKILL after :data:`STOP_GRACE`)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.join(max(0.0, deadline - time.monotonic()))
    for proc in processes:
        with contextlib.suppress(Exception):
            if proc.is_alive():
                proc.kill()
                proc.join(1.0)
    pool.shutdown(wait=False, cancel_futures=True)


# --------------------------------------------------------------------------- outputs


def _figure_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        f
        for f in folder.iterdir()
        if f.is_file() and not f.name.startswith(".") and f.name != "alt_text.json"
    )


def _remove_figures(build: Path, names: Iterable[str]) -> None:
    for name in names:
        (build / "figures" / name).unlink(missing_ok=True)


def _beside(target: Path, kind: str = "new") -> Path:
    """Where the new (or, during a swap, the old) version of ``target`` waits: ``.<name>.<kind>``."""
    return target.with_name(f".{target.name}.{kind}")


def _named(exc: OSError, target: Path) -> OSError:
    """``exc`` as an OSError naming ``target`` (the file that could not be written)."""
    return OSError(exc.errno, exc.strerror or str(exc), str(target))


def _stage(target: Path, write: Callable[[Path], Any]) -> tuple[Path, Path]:
    """Write ``target``'s new version beside it (:func:`_beside`); nothing is replaced yet."""
    staged = _beside(target)
    try:
        write(staged)
    except OSError as exc:
        staged.unlink(missing_ok=True)
        raise _named(exc, target) from None
    return staged, target


def _swap_in(pairs: Sequence[tuple[Path, Path]]) -> None:
    """Rename each staged file onto its target; on an error put every old file back.

    Each old file is first kept under a second name (a hard link, else a rename), so a failed
    rename leaves every target as it was. Renames need no new space on the disk.
    """
    done: list[tuple[Path, Path | None]] = []
    try:
        for staged, target in pairs:
            backup, moved = None, False
            if target.exists():
                backup = _beside(target, "old")
                backup.unlink(missing_ok=True)
                try:
                    os.link(target, backup)  # the target stays in place meanwhile
                except OSError:
                    rename_into_place(target, backup)
                    moved = True
            try:
                rename_into_place(staged, target)
            except OSError as exc:
                if backup is not None:
                    if moved:
                        rename_into_place(backup, target)
                    else:
                        backup.unlink(missing_ok=True)
                raise _named(exc, target) from None
            done.append((target, backup))
    except OSError:
        for target, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is None:
                    target.unlink()
                else:
                    rename_into_place(backup, target)
        for staged, _ in pairs:
            staged.unlink(missing_ok=True)
        raise
    for _, backup in done:
        if backup is not None:
            backup.unlink(missing_ok=True)


def _remove_staged(build: Path) -> None:
    """Remove staged and kept-back files (``.<name>.new``, ``.<name>.old``) of a killed promote."""
    for sub in ("executed", "cache", "figures"):
        folder = build / sub
        for f in folder.rglob(".*") if folder.is_dir() else []:
            if f.is_file() and f.suffix in (".new", ".old"):
                f.unlink(missing_ok=True)


def _promote(
    plan: Plan,
    res: dict,
    build: Path,
    work: Path,
    say: Callable[[str], None],
) -> Outcome:
    """Move one executed notebook's outputs into ``_build/`` with its cache entry.

    The new files are first written beside the old ones (the cache entry, a failure record)
    or already complete in ``work`` (the executed copy, the figures); then they are renamed
    into place together (:func:`_swap_in`), and only then are the files of the old state
    that the new one does not have removed. A file that cannot be written (a full disk)
    raises OSError naming it, and leaves the previous cache entry, executed copy and
    figures as they were.

    A success replaces the notebook's old figures by the new ones and its cache entry; a
    failure of the notebook removes its old figures, results and cache entry and keeps a
    failure record. The caller holds Ctrl-C meanwhile (:func:`_deferred_interrupt`).
    """
    if res.get("write_error"):
        errno_, message, filename = res["write_error"]
        raise OSError(errno_, message, filename)
    cache = build / "cache"
    entry_file, failed_file = cache / f"{plan.stem}.json", cache / f"{plan.stem}.failed.json"
    executed_file = build / "executed" / f"{plan.stem}.ipynb"
    old_figures = (plan.entry or _read_json(entry_file) or {}).get("figures", [])
    executed = work / "executed.ipynb"
    base = {
        "notebook": plan.name,
        "seconds": round(res["seconds"], 2),
        "title": res.get("title", ""),
        "summary": res.get("summary", ""),
        "rendered_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    moves = [(executed, executed_file)] if executed.exists() else []
    for folder in (entry_file.parent, executed_file.parent, build / "figures"):
        folder.mkdir(parents=True, exist_ok=True)
    if res["failure"] is None:
        new = _figure_files(work / "figures")
        alt = _read_json(work / "figures" / "alt_text.json") or {}
        entry = {
            **base,
            "status": OK,
            "parts": plan.parts,
            "inputs": plan.inputs,  # per-input digests: the next render names what changed
            "results": res["results"],
            "page_data": res.get("page_data", {}),
            "figures": [f.name for f in new],
            "alt_text": alt,
        }
        staged = _stage(entry_file, lambda tmp: write_json_atomic(tmp, entry))
        _swap_in([*moves, *((f, build / "figures" / f.name) for f in new), staged])
        _remove_figures(build, set(old_figures) - {f.name for f in new})
        failed_file.unlink(missing_ok=True)
        say(f"[ok] {plan.name}  {res['seconds']:.1f} s  ({plan.reason})")
        return Outcome(plan.name, OK, res["seconds"], plan.reason, None, res["results"])
    record = {**res["failure"], "notebook": plan.name}
    failure = CellFailure(**record)
    staged = _stage(
        failed_file,
        lambda tmp: write_json_atomic(tmp, {**base, "status": FAILED, "failure": record}),
    )
    _swap_in([*moves, staged])
    _remove_figures(build, old_figures)
    entry_file.unlink(missing_ok=True)
    if not executed.exists() and failure.cell is None:
        executed_file.unlink(missing_ok=True)
    say(f"[FAILED] {plan.name}  {res['seconds']:.1f} s  {failure}")
    return Outcome(plan.name, FAILED, res["seconds"], plan.reason, failure, {})


# --------------------------------------------------------------------------- render


def collection(nb_dir: str | Path | None = None) -> list[Path]:
    """The notebooks of the collection: ``*.ipynb`` directly in ``notebooks/``, by name.

    ``<stem>.nbconvert.ipynb``, the executed copy that ``jupyter nbconvert --execute --to
    notebook`` writes beside a notebook, is an output, not a chapter; hidden files (the
    ``.~<name>.ipynb`` of a save in progress) are editor state.
    """
    found = Path(nb_dir or paths.notebooks_dir()).glob("*.ipynb")
    return sorted(
        p for p in found if not p.name.endswith(".nbconvert.ipynb") and not p.name.startswith(".")
    )


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
    book: bool = True,
) -> RenderReport:
    """Render the collection (or some notebooks of it) and the requested profiles; build the book.

    Parameters
    ----------
    notebooks : sequence of str, optional
        File names (or paths, with or without ``.ipynb``) of notebooks of the collection to
        render; default all, and then also the place profiles requested with ``tiptrends
        profile`` (:func:`requested_profiles`), in the same pool and cache, the others being
        pruned. The book always shows the whole collection.
    jobs : int, optional
        Notebooks executed in parallel (and Sphinx processes); default the number of CPUs.
    force : bool
        Execute even notebooks whose cache entry is current.
    timeout : int
        Timeout per cell, in seconds.
    kernel_name : str
        Kernelspec used (installed for this Python if missing).
    notebooks_dir, build_dir : str or Path, optional
        Override ``notebooks/`` and ``_build/`` (tests).
    echo : callable, optional
        Receives progress lines; default print.
    book : bool
        Build the HTML book after executing (default); False only executes and caches.

    Returns
    -------
    RenderReport
        Outcome per processed notebook (status "ok", "cached" or "FAILED") and the exit code:
        0 success, 1 a notebook or the book failed, 2 unknown notebook, 130 interrupted.

    Raises
    ------
    OSError
        A file of ``_build`` cannot be written (a full disk...), naming it; the previous
        outputs of the notebook being promoted are kept and the book is not built.
    """
    say = echo or (lambda line: print(line, flush=True))
    nb_dir = Path(notebooks_dir or paths.notebooks_dir()).resolve()
    build = Path(build_dir or paths.build_dir()).resolve()
    all_nbs = collection(nb_dir)
    if notebooks:
        selected, unknown = _resolve(notebooks, all_nbs)
        if unknown:
            msg = f"not in {nb_dir}: {', '.join(unknown)}"
            print(f"tiptrends: error: {msg}", file=sys.stderr)
            return RenderReport([], 2, [msg])
    else:
        selected = all_nbs
    for sub in ("executed", "cache", "figures"):
        (build / sub).mkdir(parents=True, exist_ok=True)
    try:
        with build_lock(build, say):
            profiles = [] if notebooks else requested_profiles(build)
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
                book=book,
                profiles=profiles,
            )
    except KeyboardInterrupt:  # while waiting for the lock
        print("interrupted", file=sys.stderr)
        return RenderReport([], INTERRUPTED_EXIT, ["interrupted"])


def explain(
    notebooks: Sequence[str] | None = None,
    *,
    force: bool = False,
    kernel_name: str = "tiptrends",
    notebooks_dir: str | Path | None = None,
    build_dir: str | Path | None = None,
    echo: Callable[[str], None] | None = None,
) -> list[Plan]:
    """Say, for each notebook, whether the next render re-runs it and which inputs changed.

    Nothing is executed or written. A line per notebook: ``01_a.ipynb: cached`` or
    ``02_b.ipynb: re-run, changed: notebooks/lookup.csv, installed packages: numpy 1.26.4
    -> 2.0.0``. Parameters as for :func:`render`; returns the plans.
    """
    say = echo or (lambda line: print(line, flush=True))
    nb_dir = Path(notebooks_dir or paths.notebooks_dir()).resolve()
    build = Path(build_dir or paths.build_dir()).resolve()
    all_nbs = collection(nb_dir)
    selected, unknown = _resolve(notebooks, all_nbs) if notebooks else (all_nbs, [])
    if unknown:
        raise ValueError(f"not in {nb_dir}: {', '.join(unknown)}")
    plans = plan_render(
        selected,
        nb_dir,
        build,
        kernel_name=kernel_name,
        force=force,
        collection=all_nbs,
        profiles=[] if notebooks else requested_profiles(build),
    )
    for plan in plans:
        if plan.reason:
            say(f"{plan.name}: re-run, {plan.why(limit=None)}")
        else:
            say(f"{plan.name}: cached")
    return plans


def _unreadable(plan: Plan) -> dict | None:
    """A failure result for a notebook that is not valid JSON (nothing to execute), else None."""
    if plan.parts.get("notebook") != "unreadable":
        return None
    try:
        json.loads(plan.notebook.read_text(encoding="utf-8"))
        problem = "not a notebook (no list of cells)"
    except (OSError, ValueError) as exc:
        problem = _first_line(str(exc))
    failure = CellFailure(plan.name, None, "", "NotJSONError", f"not a valid notebook: {problem}")
    return {"seconds": 0.0, "failure": failure.__dict__, "results": {}}


def execute_plans(
    plans: Sequence[Plan],
    build: Path,
    nb_dir: Path,
    *,
    jobs: int | None,
    timeout: int,
    kernel_name: str,
    say: Callable[[str], None],
    km: Any = None,
    work_for: Callable[[Plan], Path] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> dict[str, Outcome]:
    """Execute the plans that must run (in a pool of workers) and promote each as it finishes.

    The caller holds :func:`tiptrends.report.processes.build_lock`. Chapters and place
    profiles go through the same pool, cache and promotion. With one worker (``jobs=1``, or
    one plan to run) no pool is started: the plans run from this process, one after another,
    each in a kernel it starts, or the one plan in ``km`` (a started kernel: ``tiptrends
    profile`` of one place) in the folder ``work_for(plan)`` that kernel writes to.

    ``meanwhile``: work of this process that overlaps the execution, called when the first
    kernel run from this process is ready (before, its threads would hold the interpreter
    lock while this process starts that kernel), else at once.

    Returns
    -------
    dict
        Plan name -> :class:`Outcome`, for the plans executed (or found unreadable).

    Raises
    ------
    KeyboardInterrupt
        After stopping the workers and their kernels.
    OSError
        An output cannot be written (:func:`_promote`), after stopping the workers.
    """
    work = build / ".work"
    outcomes: dict[str, Outcome] = {}
    to_run = []
    for plan in plans:
        bad = _unreadable(plan)
        if bad is None:
            to_run.append(plan)
        else:
            with _deferred_interrupt():
                outcomes[plan.name] = _promote(plan, bad, build, work / plan.stem, say)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(to_run)))
    if not to_run:
        if meanwhile is not None:
            meanwhile()
        return outcomes
    ensure_kernel(kernel_name)
    if workers == 1:  # no worker to start (about 1.5 s of imports each): kernels from here
        if len(to_run) > 1:
            say(f"executing {len(to_run)} notebook(s) one after another")
        for position, plan in enumerate(to_run):
            folder = work_for(plan) if work_for is not None else work / plan.stem
            res = _run_one(
                str(plan.notebook),
                str(folder),
                timeout,
                kernel_name,
                str(nb_dir),
                plan.parameters,
                plan.title,
                km if len(to_run) == 1 else None,
                meanwhile if position == 0 else None,  # once the first kernel is ready
                alone=True,  # no other notebook runs beside it
            )
            with _deferred_interrupt():
                outcomes[plan.name] = _promote(plan, res, build, folder, say)
        return outcomes
    if meanwhile is not None:
        meanwhile()
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    say(f"executing {len(to_run)} notebook(s) with {workers} worker(s)")
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_worker_init)
    pids: list[int] = []
    try:
        futures = {
            pool.submit(
                _run_one,
                str(p.notebook),
                str(work / p.stem),
                timeout,
                kernel_name,
                str(nb_dir),
                p.parameters,
                p.title,
            ): p
            for p in to_run
        }
        pids = [proc.pid for proc in (getattr(pool, "_processes", None) or {}).values()]
        for pid in pids:  # stopped by the next run if this one is killed
            register(build, pid, role="render worker")
        for fut in as_completed(futures):
            plan = futures[fut]
            try:
                res = fut.result()
            except Exception as exc:  # the worker died
                failure = CellFailure(plan.name, None, "", type(exc).__name__, str(exc))
                res = {"seconds": 0.0, "failure": failure.__dict__, "results": {}}
            with _deferred_interrupt():
                outcomes[plan.name] = _promote(plan, res, build, work / plan.stem, say)
        pool.shutdown(wait=True)
    except BaseException:
        _stop_pool(pool)
        raise
    finally:
        for pid in pids:
            unregister(build, pid)
    return outcomes


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
    book: bool,
    profiles: Sequence[ProfileRequest] = (),
) -> RenderReport:
    work = build / ".work"
    shutil.rmtree(work, ignore_errors=True)
    _remove_staged(build)
    outcomes: dict[str, Outcome] = {}
    preparing: list[Any] = []  # the thread preparing the book, once started
    sphinx = exploring = None

    def prepare_book_once() -> None:
        """Start the book's preparation; a kernel started again (a retry) starts none."""
        if not preparing:
            preparing.append(_prepare_book(build))

    try:
        plans = plan_render(
            selected,
            nb_dir,
            build,
            kernel_name=kernel_name,
            force=force,
            collection=all_nbs,
            profiles=profiles,
        )
        to_run = [p for p in plans if p.reason]
        for p in plans:
            if not p.reason:
                results = (p.entry or {}).get("results", {}) if not p.parameters else {}
                outcomes[p.name] = Outcome(p.name, CACHED, 0.0, results=results)
                say(f"[cached] {p.name}")
            else:  # why it is not warm (all inputs: tiptrends render --explain)
                say(f"[re-run] {p.name}: {p.why()}")
        if to_run:
            if book:
                # Sphinx's imports (about a second) overlap the execution
                sphinx = _quietly(start_sphinx, build)
                # and so does the explorer's data, when stale (a kernel beside the workers)
                exploring = _explorer_meanwhile(build, nb_dir, plans[0].parts, say)
            ran = execute_plans(
                to_run,
                build,
                nb_dir,
                jobs=jobs,
                timeout=timeout,
                kernel_name=kernel_name,
                say=say,
                meanwhile=prepare_book_once if book else None,
            )
            outcomes.update(ran)
            _rekey_data(to_run, build)
            for thread in preparing:
                thread.join()
            if exploring is not None:
                exploring.join()
        names = [p.name for p in selected] + [r.stem + ".ipynb" for r in profiles]
        # nothing executed: the plan's digests of the package and data are still current
        known = plans[0].parts if plans and not to_run else None
        return _finish(
            names, all_nbs, nb_dir, build, outcomes, jobs, say, prune, book, profiles, known,
            sphinx,
        )
    except KeyboardInterrupt:
        shutil.rmtree(work, ignore_errors=True)
        print("interrupted", file=sys.stderr)
        order = [p.name for p in selected] + [r.stem + ".ipynb" for r in profiles]
        ordered = [outcomes[n] for n in order if n in outcomes]
        return RenderReport(ordered, INTERRUPTED_EXIT, ["interrupted"])
    finally:
        if sphinx is not None:  # not used (the book was current, or the render stopped)
            sphinx.close()
        shutil.rmtree(work, ignore_errors=True)


def _prepare_book(build: Path) -> Any:
    """Start, in a thread, what staging the book needs (the CSV downloads of the curated
    tables and the imports of staging); return the started thread."""
    import threading

    from tiptrends.report.book import prepare_downloads

    thread = threading.Thread(target=_quietly, args=(prepare_downloads, build), daemon=True)
    thread.start()
    return thread


def explorer_key(builder: Path, known: Mapping[str, str] | None = None) -> str:
    """Key of the explorer's data: the package, the data, the installed packages, the builder.

    ``known``: these parts as the render's plan computed them (by the same functions), when
    still current.
    """
    known = known or {}
    with _one_read_per_file():
        return _sha(
            known.get("package") or package_fingerprint(),
            known.get("data") or data_fingerprint(),
            known.get("versions") or versions_fingerprint(),
            notebook_fingerprint(builder) or "missing",
        )


def _explorer_meanwhile(
    build: Path, nb_dir: Path, known: Mapping[str, str], say: Callable[[str], None]
) -> Any:
    """Build the explorer's data in a thread while the notebooks execute, when stale.

    Returns the started thread (None when the data are current or there is no builder).
    ``known``: the plan's key parts. A speed-up only: the book build checks the key again
    (the execution may have changed the data) and builds the file itself, with its error
    reported, when this did not.
    """
    import threading

    from tiptrends.report import explorer

    builder = nb_dir / explorer.BUILDER_NOTEBOOK
    if not builder.exists():
        return None
    key = explorer_key(builder, known)
    try:
        if (build / explorer.EXPLORER_JSON).with_suffix(".key").read_text() == key:
            return None
    except FileNotFoundError:
        pass
    # imported here first: the thread and the workers' start import them too, and a module
    # imported by two threads at once can be found half initialised
    import jupyter_client.manager  # noqa: F401
    import nbclient  # noqa: F401
    import nbformat  # noqa: F401

    thread = threading.Thread(
        target=_quietly,
        args=(
            lambda: explorer.write_explorer(
                build, nb_dir, key=key, execute=execute_notebook, say=say
            ),
        ),
        daemon=True,
    )
    thread.start()
    return thread


def _quietly(function: Callable[..., Any], *args: Any) -> Any:
    """Run an optional speed-up and return its result (None when it failed).

    What it did not do is done later the ordinary way (staging converts the tables, the
    book build starts its own Sphinx process).
    """
    with contextlib.suppress(Exception):
        return function(*args)
    return None


def start_sphinx(build: Path) -> Any:
    """Start the book's Sphinx process now (:func:`tiptrends.report.book.start_sphinx`)."""
    from tiptrends.report.book import start_sphinx as start

    return start(build)


def _rekey_data(ran: Sequence[Plan], build: Path) -> None:
    """Key fresh entries to the data as they are after execution.

    Notebooks may build missing curated tables (cached builds), which changes the data
    fingerprint: without this the next render would run them all again.
    """
    with _one_read_per_file():
        after, after_inputs = data_fingerprint(), data_inputs()
    for plan in ran:
        path = build / "cache" / f"{plan.stem}.json"
        entry = _read_json(path)
        if entry and entry.get("status") == OK and entry["parts"].get("data") != after:
            entry["parts"]["data"] = after
            entry.setdefault("inputs", {})["data"] = after_inputs
            write_json_atomic(path, entry)


def _chapter_states(all_nbs: Sequence[Path], build: Path) -> tuple[list[Any], list[dict]]:
    from tiptrends.report.book import ChapterState

    states, entries = [], []
    for nb in all_nbs:
        entry = _read_json(build / "cache" / f"{nb.stem}.json")
        failed = _read_json(build / "cache" / f"{nb.stem}.failed.json")
        executed = build / "executed" / f"{nb.stem}.ipynb"
        if entry and entry.get("status") == OK:
            status, failure, data = OK, "", entry.get("page_data") or {}
            title = entry.get("title", "")
            entries.append(entry)
        elif failed:
            status, data = FAILED, {}
            failure = str(CellFailure(**failed["failure"])) if failed.get("failure") else ""
            title = failed.get("title", "")
        else:
            status, failure, data, title = NOT_RENDERED, "", {}, ""
        stored = _read_json(nb)
        if isinstance(stored, dict):
            (build / "cache" / f"{nb.stem}.unreadable.ipynb").unlink(missing_ok=True)
        if not title and isinstance(stored, dict):
            title, _ = notebook_summary(stored.get("cells", []))
        states.append(
            ChapterState(
                nb.stem,
                plain_text(title) or nb.stem,
                status,
                executed if status != NOT_RENDERED and executed.exists() else None,
                nb if isinstance(stored, dict) else _placeholder(nb, build),
                failure,
                data,
            )
        )
    return states, entries


def _placeholder(nb: Path, build: Path) -> Path:
    """A one-cell notebook standing in for ``nb``, which is not valid JSON, on its page."""
    text = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": f"# {nb.stem}"}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    target = build / "cache" / f"{nb.stem}.unreadable.ipynb"
    data = json.dumps(text).encode()
    if not target.exists() or target.read_bytes() != data:
        write_bytes_atomic(target, data)
    return target


def _prune_profiles(build: Path, requested: Sequence[ProfileRequest]) -> None:
    """Remove the executed copies and cache entries of profiles no longer requested."""
    wanted = {r.slug for r in requested}
    for folder, pattern in (("cache", "*.json"), ("executed", "*.ipynb")):
        for f in (build / folder / PROFILES).glob(pattern):
            if f.name.split(".")[0] not in wanted:
                f.unlink(missing_ok=True)


def _profile_entries(build: Path) -> list[dict]:
    """The cache entries of the executed place profiles."""
    found = (_read_json(f) for f in sorted((build / "cache" / PROFILES).glob("*.json")))
    return [e for e in found if isinstance(e, dict) and e.get("status") == OK]


def _keep_site_figures(build: Path, claimed: set[str], alt_text: dict[str, str]) -> None:
    """Claim the figures the book's own pages saved (:data:`tiptrends.report.book.SITE_FIGURES`).

    No notebook claims them (the landing page draws its chart while the book is staged), so
    without this every render after the first would remove their files and alt text, and
    the next would stage and build the book again to take their downloads off the site.
    Their files and the alt text recorded for them are kept as they are.
    """
    from tiptrends.report.book import SITE_FIGURES

    folder = build / "figures"
    files = [f.name for f in _figure_files(folder) if f.name.split(".")[0] in SITE_FIGURES]
    if not files:
        return
    claimed.update(files)
    recorded = _read_json(folder / "alt_text.json") or {}
    for stem in {name.split(".")[0] for name in files}:
        if isinstance(recorded.get(stem), str):
            alt_text[stem] = recorded[stem]


def _finish(
    names: list[str],
    all_nbs: list[Path],
    nb_dir: Path,
    build: Path,
    outcomes: dict[str, Outcome],
    jobs: int | None,
    say: Callable[[str], None],
    prune: bool,
    book: bool,
    profiles: Sequence[ProfileRequest] = (),
    known: Mapping[str, str] | None = None,
    sphinx: Any = None,
) -> RenderReport:
    """Merge results and figures of the whole collection, build the book, print a summary.

    ``known``: key parts computed by this render's plan and still current (``package``,
    ``data``, ``versions``), so that the explorer's key does not hash every file again.
    ``sphinx``: a Sphinx process started while the notebooks ran (used, or closed by the
    caller).
    """
    if prune:
        _prune_profiles(build, profiles)
    states, entries = _chapter_states(all_nbs, build)
    results: dict[str, Any] = {}
    problems: list[str] = []
    alt_text: dict[str, str] = {}
    claimed: set[str] = set()
    for entry in entries:
        for key, rec in (entry.get("results") or {}).items():
            if key in results:
                problems.append(
                    f"result {key!r} recorded by both {results[key]['notebook']} "
                    f"and {entry['notebook']}; keeping {entry['notebook']}"
                )
            results[key] = rec
        alt_text.update(entry.get("alt_text") or {})
        claimed.update(entry.get("figures") or [])
    for entry in _profile_entries(build):  # their figures, not their numbers
        alt_text.update(entry.get("alt_text") or {})
        claimed.update(entry.get("figures") or [])
    _keep_site_figures(build, claimed, alt_text)
    if prune:
        present = {p.stem for p in all_nbs}
        for f in (build / "cache").glob("*.json"):
            if f.name.split(".")[0] not in present:
                f.unlink(missing_ok=True)
        for f in (build / "executed").glob("*.ipynb"):
            if f.stem not in present:
                f.unlink(missing_ok=True)
        from tiptrends.report.book import profile_figure_stems

        profile_figures = profile_figure_stems(build)  # the place profiles link theirs
        for f in _figure_files(build / "figures"):
            if f.name not in claimed and f.name.split(".")[0] not in profile_figures:
                f.unlink()
    write_json_if_changed(build / "results.json", results)
    claims = next(
        (
            e["page_data"]["claims_export"]
            for e in entries
            if "claims_export" in (e.get("page_data") or {})
        ),
        None,
    )
    if claims is not None:
        write_json_if_changed(build / "claims.json", claims)
    else:  # the claims chapter failed or left: no stale ledger
        (build / "claims.json").unlink(missing_ok=True)
    write_json_if_changed(build / "figures" / "alt_text.json", dict(sorted(alt_text.items())))

    book_seconds: float | None = None
    if book:
        from tiptrends.report import book as book_build

        orphans = book_build.missing_from_toc(nb_dir, [p.stem for p in all_nbs])
        if orphans:
            problems.append(f"not in the toctree of {nb_dir / 'index.md'}: {', '.join(orphans)}")
        from tiptrends.report import explorer

        try:  # the JSON of every place (explorer.html), rebuilt when its inputs changed
            builder = nb_dir / explorer.BUILDER_NOTEBOOK
            key = explorer_key(builder, known)
            explorer.write_explorer(build, nb_dir, key=key, execute=execute_notebook, say=say)
        except RuntimeError as exc:
            problems.append(str(exc))
        stamp = book_build.inputs_stamp(nb_dir, build, states, results)
        if not book_build.is_current(build, stamp):
            t0 = time.perf_counter()
            listed = book_build.navigation(build / "book")
            src = book_build.stage_book(nb_dir, build, states, results)
            staging = time.perf_counter() - t0
            # the inputs as staging left them: the pages may save figures (the landing chart)
            stamp = book_build.inputs_stamp(nb_dir, build, states, results)
            result = book_build.build_book(
                src,
                build,
                jobs=jobs or os.cpu_count() or 1,
                say=say,
                write_all=book_build.navigation(src) != listed,
                sphinx=sphinx,
            )
            if result.ok:
                book_build.remember_inputs(build, stamp)
            if result.built:
                book_seconds = time.perf_counter() - t0
                say(
                    f"[book] built in {book_seconds:.1f} s (staging {staging:.1f} s, Sphinx "
                    f"{result.seconds:.1f} s; {len(result.warnings)} warnings)"
                )
            for w in result.warnings:
                problems.append(f"sphinx: {w}")
            if not result.ok:
                problems.append(f"the book did not build: {result.error}")

    ordered = [outcomes[n] for n in names if n in outcomes]
    say("")
    say(f"{'notebook':<40} {'status':<8} {'time':>8}  results")
    for o in ordered:
        t = f"{o.seconds:6.1f} s" if o.status != CACHED else "       -"
        say(f"{o.notebook:<40} {o.status:<8} {t:>8}  {len(o.results)}")
    if book:
        say(f"site: {build / 'html' / 'index.html'}")
    book_failed = any(p.startswith("the book did not build") for p in problems)
    for p in problems:
        kind = "error" if p.startswith("the book did not build") else "warning"
        print(f"tiptrends: {kind}: {p}", file=sys.stderr)
    failures = [o.failure for o in ordered if o.failure is not None]
    for f in failures:  # one line per failed notebook
        print(f"tiptrends: error: {f}", file=sys.stderr)
    code = 1 if failures or book_failed else 0
    return RenderReport(ordered, code, problems, book_seconds)
