"""The book: Sphinx + MyST-NB + sphinx-book-theme over the executed notebooks.

``tiptrends render`` executes the notebooks itself (parallel, cached; see
:mod:`tiptrends.report.render`) and then calls :func:`build_book`, which

1. *stages* the book's source in ``_build/book/``: ``notebooks/conf.py``, the pages of
   ``notebooks/`` (``*.md``, ``_static/``), each executed notebook with its cell tags set
   (code hidden behind a toggle, the setup cell removed) and a banner when it failed, the
   generated page fragments (``_generated/``: landing summary, headline numbers, claims,
   downloads, sources) and the files offered for download (``_extra/``: ``results.json``,
   curated tables as CSV and Parquet, every figure as PNG, SVG and CSV). A file is rewritten
   only when its content changes, so Sphinx re-reads only what changed;
2. runs Sphinx (``python -m sphinx -b html``, MyST-NB with execution off) in its own process
   group into ``_build/.sphinx/html``, incrementally;
3. publishes the result to ``_build/html`` (hard-linked copy, then a rename), so the site is
   either the previous complete build or the new complete build, never a mix.

When nothing staged changed and the site exists, Sphinx is not started at all (warm renders).

Notebooks can hand structured data to the generated pages with :func:`record_page_data`;
the claims ledger that chapter 11 writes with
:func:`tiptrends.report.claims_export.record_claims` becomes the landing page's claims table.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io.atomic import write_atomic
from tiptrends.report import explorer
from tiptrends.report.notebook_text import notebook_summary, plain_text
from tiptrends.report.results import set_json_entry, write_bytes_atomic

#: Page-data key of the claims ledger (the content of ``claims.json``, see
#: :mod:`tiptrends.report.claims_export`).
CLAIMS_KEY = "claims_export"

#: Environment variable naming the per-notebook page-data file (set by the renderer).
PAGE_DATA_FILE_ENV = "TIPTRENDS_PAGE_DATA_FILE"

#: Tags that hide or remove a code cell's source, or show it on purpose: a code cell with one
#: of them keeps its choice; every other code cell gets ``hide-input``.
CODE_CHOICE_TAGS = frozenset(
    {"remove-cell", "remove-input", "hide-cell", "hide-input", "show-input"}
)
HIDE_INPUT, REMOVE_CELL = "hide-input", "remove-cell"

#: Files of ``notebooks/`` that belong to the book (not read by the notebooks' code).
BOOK_FILE_PATTERNS = (
    "conf.py",
    "*.md",
    "profiles/*.md",
    "reference/*.md",
    "_static/**/*",
    "_templates/**/*",
)

SPHINX_TIMEOUT = 1800

#: Figures that the book's generated pages save into ``_build/figures`` while the book is
#: staged (the landing page's chart, :data:`tiptrends.report.landing.CHART_NAME`; a test keeps
#: the two names equal). No notebook claims them: the render keeps them and their alt text.
SITE_FIGURES = frozenset({"landing_forms_over_time"})


# --------------------------------------------------------------------------- page data


def record_page_data(name: str, data: Any) -> Any:
    """Hand JSON-serialisable ``data`` to the book's generated pages under ``name``.

    Under ``tiptrends render`` the data are stored with the notebook's cache entry and
    used by the generated pages (for example ``"claims"`` on the landing page); outside
    a render nothing is written. Returns ``data``.
    """
    if not re.match(r"^[a-z][a-z0-9_]*$", name):
        raise ValueError(f"page-data name {name!r} must be snake_case")
    json.dumps(data)  # fail here, in the notebook, when the data are not JSON
    target = os.environ.get(PAGE_DATA_FILE_ENV)
    if not target:
        return data
    set_json_entry(Path(target), name, data)
    return data


# --------------------------------------------------------------------------- cell tags


def cell_tag_problems(cells: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """Return ``(cell index, missing tag)`` for every code cell without its required tag.

    The first code cell (imports and setup) must carry ``remove-cell``; every other code cell
    ``hide-input`` unless it carries another choice from :data:`CODE_CHOICE_TAGS`.
    """
    problems = []
    first = True
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        if first:
            if REMOVE_CELL not in tags:
                problems.append((i, REMOVE_CELL))
            first = False
        elif not tags & CODE_CHOICE_TAGS:
            problems.append((i, HIDE_INPUT))
    return problems


def apply_cell_tags(cells: Sequence[dict[str, Any]]) -> bool:
    """Add the missing tags of :func:`cell_tag_problems` in place; return True if any."""
    problems = cell_tag_problems(cells)
    for index, tag in problems:
        metadata = cells[index].setdefault("metadata", {})
        tags = list(metadata.get("tags", []))
        if tag == REMOVE_CELL:
            tags = [t for t in tags if t != HIDE_INPUT]
        metadata["tags"] = [*tags, tag]
    return bool(problems)


# --------------------------------------------------------------------------- staging


@dataclass
class ChapterState:
    """What the book knows about one notebook of the collection."""

    stem: str
    title: str
    status: str  # "ok", "cached", "FAILED", "not rendered"
    executed: Path | None  # executed copy, if any
    source: Path  # the notebook in notebooks/
    failure: str = ""  # one line, for the banner
    page_data: dict[str, Any] = field(default_factory=dict)


def _write_if_changed(path: Path, data: bytes) -> bool:
    try:
        if path.read_bytes() == data:
            return False
    except (FileNotFoundError, IsADirectoryError):
        pass
    write_bytes_atomic(path, data)
    return True


def _link_or_copy_if_changed(src: Path, dst: Path) -> None:
    try:
        s, d = src.stat(), dst.stat()
        if s.st_ino == d.st_ino or (
            s.st_size == d.st_size and src.read_bytes() == dst.read_bytes()
        ):
            return
    except FileNotFoundError:
        pass
    write_atomic(dst, lambda tmp: shutil.copyfile(src, tmp))


def book_files(nb_dir: Path) -> list[Path]:
    """The book's own files in ``notebooks/`` (configuration, pages, static files)."""
    found: set[Path] = set()
    for pattern in BOOK_FILE_PATTERNS:
        found.update(p for p in nb_dir.glob(pattern) if p.is_file())
    return sorted(found)


def _banner(kind: str, text: str) -> dict[str, Any]:
    return {
        "cell_type": "markdown",
        "metadata": {"tags": ["tiptrends-banner"]},
        "source": f":::{{{kind}}}\n{text}\n:::\n",
    }


_HTML_LINK_RE = re.compile(r"\]\((\d\d_[A-Za-z0-9_]+)\.html(#[^)\s]*)?\)")


def chapter_links(markdown: str, prefix: str = "") -> str:
    """Turn links to chapter pages (``[x](02_forced_labour.html)``) into cross-references.

    Sphinx then checks them and they follow the book's file names.

    Examples
    --------
    >>> chapter_links("See [02](02_forced_labour.html) and [w](https://x.org/a.html).")
    'See [02](02_forced_labour.ipynb) and [w](https://x.org/a.html).'
    """
    return _HTML_LINK_RE.sub(lambda m: f"]({prefix}{m.group(1)}.ipynb{m.group(2) or ''})", markdown)


def _figure_html(
    png_b64: str, meta: Mapping[str, Any], images: dict[str, bytes], prefix: str = ""
) -> str:
    """An ``<img>`` for a figure output, its PNG stored as a file, with alt text and links.

    A saved figure (``tiptrends_figure`` in its metadata) is shown at the one page-figure
    width (the stylesheet's ``img.tt-figure``), links to its full-size SVG (a phone reader
    taps to enlarge), sits in a block whose id, ``figure-<stem>``, is a stable anchor, and
    has its downloads and a link to that anchor under it.
    """
    import base64
    import html

    data = base64.b64decode(png_b64)
    name = f"_figures/{hashlib.sha256(data).hexdigest()[:20]}.png"
    images[name] = data
    alt = html.escape(str(meta.get("alt", "")), quote=True)
    width = f' width="{int(meta["width"])}"' if str(meta.get("width", "")).isdigit() else ""
    figure = meta.get("tiptrends_figure")
    if not figure:
        return f'<img src="{prefix}{name}" alt="{alt}"{width} loading="lazy" class="tt-figure">'
    stem = html.escape(str(figure), quote=True)
    anchor = "figure-" + re.sub(r"[^A-Za-z0-9-]+", "-", str(figure)).strip("-").lower()
    svg = f"{prefix}figures/{stem}.svg"
    return (
        f'<div class="tt-figure-block" id="{anchor}">'
        f'<a class="tt-figure-link" href="{svg}" title="Open the full-size figure (SVG)">'
        f'<img src="{prefix}{name}" alt="{alt}"{width} loading="lazy" class="tt-figure"'
        f' data-figure="{stem}"></a>'
        f'<p class="tt-figure-data">Download: <a href="{prefix}figures/{stem}.png">PNG</a> · '
        f'<a href="{svg}">SVG</a>'
        + (f' · <a href="{prefix}figures/{stem}.csv">data (CSV)</a>' if meta.get("csv") else "")
        + f' · <a class="tt-figure-anchor" href="#{anchor}" title="Link to this figure">link to this figure</a>'
        "</p></div>"
    )


def _figures_as_files(
    cells: Sequence[dict[str, Any]], images: dict[str, bytes], prefix: str = ""
) -> None:
    """Replace PNG outputs by ``<img>`` tags with their alt text (MyST-NB drops the alt)."""
    for cell in cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = out.get("data") or {}
            meta = (out.get("metadata") or {}).get("image/png") or {}
            if "image/png" in data:
                png = data["image/png"]
                png = "".join(png) if isinstance(png, list) else png
                out["data"] = {
                    "text/html": _figure_html(png, meta, images, prefix),
                    "text/plain": data.get("text/plain", "figure"),
                }


def chapter_notebook(state: ChapterState, images: dict[str, bytes] | None = None) -> dict[str, Any]:
    """The notebook as the book shows it: tags applied, a banner when it did not run.

    Links to other chapters' pages become cross-references (:func:`chapter_links`).
    """
    if state.executed is not None and state.executed.exists():
        nb = json.loads(state.executed.read_text(encoding="utf-8"))
    else:
        nb = json.loads(state.source.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                cell["outputs"] = []
    cells = nb.setdefault("cells", [])
    apply_cell_tags(cells)
    prefix = "../" * state.stem.count("/")  # pages in subfolders (profiles/)
    _figures_as_files(cells, images if images is not None else {}, prefix)
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            cell["source"] = chapter_links(text, prefix)
    banner = None
    if state.status == "FAILED":
        banner = _banner(
            "error",
            f"**This chapter failed in the last build** ({state.failure}). Its outputs stop at "
            "the failing cell and its numbers are left out of the headline tables.",
        )
    elif state.status == "not rendered":
        banner = _banner("warning", "This chapter has not been built yet: run `tiptrends render`.")
    if banner is not None:
        at = next((i + 1 for i, c in enumerate(cells) if c.get("cell_type") == "markdown"), 0)
        cells.insert(at, banner)
    if not cells or cells[0].get("cell_type") != "markdown":
        cells.insert(0, {"cell_type": "markdown", "metadata": {}, "source": f"# {state.stem}"})
    return nb


class StagingMemo:
    """Which notebooks were staged from which executed copy, to skip staging them again.

    Staging a notebook (:func:`chapter_notebook`, then JSON) costs about 20 ms; the book has
    some forty (chapters and place profiles), and a one-chapter edit changes one. A notebook
    whose shown copy (executed, else source: path, size, modification time), status, failure
    line and staging code (``book.py``) are those of the last staging, and whose staged file
    and figure files still exist, is left as it is. ``path`` None: remember nothing.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.before: dict[str, Any] = {}
        if path is not None:
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                self.before = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self.before = {}
        self.now: dict[str, Any] = {}

    @staticmethod
    def signature(state: ChapterState) -> str:
        """What the staged notebook is made of (files by path, size and modification time)."""
        shown = state.executed if state.executed is not None else state.source
        parts: list[Any] = [state.stem, state.status, state.failure]
        for f in (shown, Path(__file__)):
            try:
                st = f.stat()
                parts.append([str(f), st.st_size, st.st_mtime_ns])
            except OSError:
                parts.append([str(f), None])
        return json.dumps(parts)

    def stage(self, state: ChapterState, target: Path, images: dict[str, bytes | None]) -> None:
        """Write ``state``'s notebook to ``target`` unless staged from the same inputs.

        Its figures go into ``images`` (name -> PNG bytes; None when staged before).
        """
        sig = self.signature(state)
        old = self.before.get(state.stem) if self.path is not None else None
        extra = target.parent.joinpath(*[".."] * state.stem.count("/"), "_extra")
        if (
            isinstance(old, dict)
            and old.get("signature") == sig
            and target.is_file()
            and all((extra / name).is_file() for name in old.get("images", []))
        ):
            for name in old.get("images", []):
                images.setdefault(name, None)
            self.now[state.stem] = old
            return
        own: dict[str, bytes] = {}
        nb = chapter_notebook(state, own)
        _write_if_changed(target, (json.dumps(nb, ensure_ascii=False, indent=1) + "\n").encode())
        images.update(own)
        self.now[state.stem] = {"signature": sig, "images": sorted(own)}

    def save(self) -> None:
        """Remember the notebooks staged by this staging (and only those)."""
        if self.path is not None:
            _write_if_changed(
                self.path, json.dumps(self.now, sort_keys=True, indent=1).encode("utf-8")
            )


def profile_states(build: Path) -> list[ChapterState]:
    """Place profiles executed by ``tiptrends profile`` (``_build/executed/profiles/``)."""

    states = []
    for nb in sorted((build / "executed" / "profiles").glob("*.ipynb")):
        try:
            cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        title, _ = notebook_summary(cells)
        states.append(
            ChapterState(f"profiles/{nb.stem}", plain_text(title) or nb.stem, "ok", nb, nb)
        )
    return states


def profile_figure_stems(build: Path) -> set[str]:
    """Names (without extension) of the figures the executed profiles show.

    The renderer keeps these files in ``_build/figures`` when it prunes the figures no
    chapter claims: a profile page links its figures' PNG, SVG and CSV downloads.
    """
    stems: set[str] = set()
    for nb in sorted((build / "executed" / "profiles").glob("*.ipynb")):
        try:
            cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
                meta = (out.get("metadata") or {}).get("image/png") or {}
                if meta.get("tiptrends_figure"):
                    stems.add(str(meta["tiptrends_figure"]))
    return stems


def stage_profiles(
    src: Path,
    build: Path,
    chapters: Mapping[str, Any],
    images: dict[str, bytes | None],
    memo: StagingMemo | None = None,
) -> tuple[list[ChapterState], set[Path]]:
    """Stage the executed place profiles and the "Places" part page into ``src``.

    Parameters
    ----------
    src : Path
        The book's staging folder.
    build : Path
        The build folder (profiles in ``executed/profiles/``).
    chapters : mapping
        Chapter stem -> :class:`tiptrends.report.site_pages.Chapter` (titles for links).
    images : dict
        Collects the figures' PNG files (written by the caller into ``_extra``; None for a
        file already staged).
    memo : StagingMemo, optional
        Skips the profiles staged before from the same executed copy.

    Returns
    -------
    (list of ChapterState, set of Path)
        The profiles staged and every file written for them (except ``images``; their
        figures' downloads are staged by :func:`_stage_figures`).
    """
    from tiptrends.report import site_pages

    written: set[Path] = set()
    profiles = profile_states(build)
    for state in profiles:
        target = src / f"{state.stem}.ipynb"
        (memo or StagingMemo(None)).stage(state, target, images)
        written.add(target)
    intro = src / "profiles" / "render_any_place.md"
    places = site_pages.places_markdown(
        chapters,
        [site_pages.Chapter(p.stem, p.title) for p in profiles],
        intro="profiles/render_any_place" if intro.exists() else None,
    )
    target = src / "_generated" / "places.md"
    _write_if_changed(target, places.encode("utf-8"))
    written.add(target)
    return profiles, written


def stage_book(
    nb_dir: Path,
    build: Path,
    chapters: Sequence[ChapterState],
    results: Mapping[str, Any],
) -> Path:
    """Write the book's source to ``_build/book/`` (only files whose content changed).

    Returns
    -------
    Path
        The staging folder (Sphinx's source directory).
    """
    from tiptrends.report import site_pages

    src = build / "book"
    src.mkdir(parents=True, exist_ok=True)
    expected: set[Path] = set()

    # (the API reference pages are read again by Sphinx when a module they document changes:
    # autodoc records the module files as the pages' dependencies)
    for f in book_files(nb_dir):
        target = src / f.relative_to(nb_dir)
        _write_if_changed(target, f.read_bytes())
        expected.add(target)
    # a folder of notebooks without book files (tests, new collections) still gets a book
    defaults = {
        "conf.py": "from tiptrends.report.book_conf import *  # noqa: F403\n",
        "index.md": "# Notebooks\n\n```{include} _generated/landing.md\n```\n\n"
        "```{toctree}\n:maxdepth: 1\n\n" + "".join(f"{s.stem}\n" for s in chapters) + "```\n",
    }
    for name, text in defaults.items():
        target = src / name
        if target not in expected:
            _write_if_changed(target, text.encode("utf-8"))
            expected.add(target)

    images: dict[str, bytes | None] = {}
    memo = StagingMemo(build / ".sphinx" / "staged-notebooks.json")
    for state in chapters:
        target = src / f"{state.stem}.ipynb"
        memo.stage(state, target, images)
        expected.add(target)
    titles = {s.stem: site_pages.Chapter(s.stem, s.title) for s in chapters}
    profiles, staged = stage_profiles(src, build, titles, images, memo)
    expected |= staged
    expected |= explorer.stage_explorer(src, build, [p.stem for p in profiles])
    for name, data in images.items():
        target = src / "_extra" / name
        if data is not None:
            _write_if_changed(target, data)
        expected.add(target)

    ledger = next((s.page_data[CLAIMS_KEY] for s in chapters if CLAIMS_KEY in s.page_data), {})
    claims = ledger.get("claims")
    source = str(ledger.get("source") or "")
    failed = [s.stem for s in chapters if s.status == "FAILED"]
    generated = {
        "landing.md": site_pages.landing_markdown(
            results,
            titles,
            claims,
            failed,
            headline_page=(src / "headline_numbers.md") in expected,
            claims_source=source,
        ),
        "headline_numbers.md": site_pages.headline_markdown(results, titles),
        "sources.md": site_pages.sources_markdown(),
    }
    extra = src / "_extra"
    downloads = _stage_downloads(build, extra, expected)
    generated["downloads.md"] = site_pages.downloads_markdown(downloads)
    has_glossary = (nb_dir / "glossary.md").is_file()
    for name, text in generated.items():
        target = src / "_generated" / name
        if not has_glossary:  # a collection without a glossary page: the terms as plain words
            text = plain_terms(text)
        _write_if_changed(target, text.encode("utf-8"))
        expected.add(target)
    (src / "_static").mkdir(exist_ok=True)

    for f in sorted(src.rglob("*"), reverse=True):
        if f.is_file() and f not in expected:
            f.unlink()
        elif f.is_dir() and not any(f.iterdir()) and f.name != "_static":
            f.rmdir()
    memo.save()
    return src


_TERM_ROLE = re.compile(r"\{term\}`([^`<]+?)(?:\s*<[^`>]+>)?`")


def plain_terms(markdown: str) -> str:
    """Glossary links as their plain words, for a book without a glossary page.

    Examples
    --------
    >>> plain_terms("the {term}`re-analysis` and {term}`carried values <carried value>`")
    'the re-analysis and carried values'
    """
    return _TERM_ROLE.sub(r"\1", markdown)


def curated_csv(parquet: Path, folder: Path) -> tuple[Path, Path]:
    """Write ``<folder>/<table>.csv`` from a curated Parquet table unless it is current.

    Returns the CSV and its stamp (the Parquet file's sha256); an unreadable table gets no
    CSV (a warning), and is offered as Parquet only.
    """
    csv = folder / f"{parquet.stem}.csv"
    stamp = folder / f".{csv.name}.source"
    digest = hashlib.sha256(parquet.read_bytes()).hexdigest()
    try:
        current = csv.exists() and stamp.read_text() == digest
    except FileNotFoundError:
        current = False
    if not current:
        import pandas as pd

        try:
            text = pd.read_parquet(parquet).to_csv(index=False)
        except Exception as exc:  # an unreadable table is offered as it is
            print(f"warning: no CSV of {parquet}: {exc}", file=sys.stderr)
            return csv, stamp
        write_bytes_atomic(csv, text.encode("utf-8"))
        write_bytes_atomic(stamp, digest.encode())
    return csv, stamp


def prepare_downloads(build: Path) -> None:
    """Convert the curated tables to CSV for the book ahead of staging.

    The renderer runs this in a thread while the notebooks execute, so that a cold build
    does not wait for the conversions (a few seconds). It also imports the modules the
    generated pages need.
    """
    from tiptrends.report import site_pages

    site_pages.published_indicators()
    folder = build / "book" / "_extra" / "downloads" / "curated"
    for parquet in offered_tables():
        curated_csv(parquet, folder)


def curated_tables() -> list[Path]:
    """The curated tables and their stamps (what staging reads of ``data/curated``), not the
    derived-product store beside them: a product stored on first use (by a kernel or a test)
    changes nothing on the site."""
    curated = paths.curated_dir()
    if not curated.is_dir():
        return []
    return sorted(f for f in curated.iterdir() if f.is_file() and f.suffix in (".parquet", ".json"))


def offered_tables() -> list[Path]:
    """Curated tables the book may offer: those whose source's licence allows redistribution
    (``redistribute = false`` in ``data/sources.toml`` keeps a table off the site)."""
    from tiptrends.io import sources

    curated = paths.curated_dir()
    try:
        offered = {sid for sid, s in sources.load_manifest().items() if s.redistribute}
    except DataError:  # no manifest to say what may be shared: share no table
        return []
    tables = sorted(curated.glob("*.parquet")) if curated.is_dir() else []
    return [t for t in tables if t.stem in offered]


def _stage_downloads(build: Path, extra: Path, expected: set[Path]) -> list[tuple[str, str, int]]:
    """Copy results.json, curated tables (Parquet and CSV) and figures into ``_extra/``."""
    files: list[tuple[str, str, int]] = []

    for name, description in (
        ("results.json", "every recorded number with its published counterpart, citation and note"),
        ("claims.json", "the press release's claims with our verdicts"),
    ):
        made = build / name
        if made.exists():
            target = extra / "downloads" / name
            _link_or_copy_if_changed(made, target)
            expected.add(target)
            files.append((f"downloads/{name}", description, target.stat().st_size))

    codebook = paths.data_dir() / "codebook.csv"
    if codebook.exists():
        target = extra / "downloads" / "codebook.csv"
        _link_or_copy_if_changed(codebook, target)
        expected.add(target)
        files.append(
            (
                "downloads/codebook.csv",
                "what each column of these files means",
                target.stat().st_size,
            )
        )

    for parquet in offered_tables():
        target = extra / "downloads" / "curated" / parquet.name
        _link_or_copy_if_changed(parquet, target)
        expected.add(target)
        csv, stamp = curated_csv(parquet, target.parent)
        label = f"curated table {parquet.stem}"
        files.append(
            (f"downloads/curated/{parquet.name}", f"{label} (Parquet)", target.stat().st_size)
        )
        if csv.exists() and stamp.exists():
            expected.update({csv, stamp})
            files.append((f"downloads/curated/{csv.name}", f"{label} (CSV)", csv.stat().st_size))

    expected |= _stage_figures(build, extra)
    return files


def _stage_figures(build: Path, extra: Path, stems: set[str] | None = None) -> set[Path]:
    """Copy the figures' files (PNG, SVG, CSV data) into ``_extra/figures/``; return them.

    ``stems``: only the figures of these names (default every figure of the build).
    """
    staged: set[Path] = set()
    figures = build / "figures"
    for f in sorted(figures.iterdir()) if figures.is_dir() else []:
        if (
            f.is_file()
            and f.suffix in (".png", ".svg", ".csv", ".json")
            and not f.name.startswith(".")
            and (stems is None or f.name.split(".")[0] in stems)
        ):
            target = extra / "figures" / f.name
            _link_or_copy_if_changed(f, target)
            staged.add(target)
    return staged


# --------------------------------------------------------------------------- build


# Two stamps skip work at two stages, both hashed by :func:`_add_file_stats`:
#
# - :func:`inputs_stamp`, before staging: what :func:`stage_book` reads (executed notebooks,
#   results, figures, pages, the staging code). Equal to the last build's: a warm render
#   neither stages (~3 s) nor starts Sphinx.
# - :func:`staged_stamp`, after staging, in :func:`build_book`: the staged source and the
#   package files Sphinx reads besides it. Equal to the last build's: Sphinx is not started.
#   It serves the callers that stage without an inputs stamp (``add_profiles_to_site``) and
#   renders whose inputs changed in a way that stages the same files.


def _add_file_stats(h: Any, files: Iterable[Path], relative_to: Path | None = None) -> None:
    """Add each file's path, size and modification time to the hash ``h`` (cheap: no reads).

    A file written again gets a new modification time; a missing one is hashed as missing.
    ``relative_to``: hash paths relative to this folder (a stamp that survives a move).
    """
    for f in files:
        name = f.relative_to(relative_to) if relative_to is not None else f
        try:
            st = f.stat()
        except FileNotFoundError:
            h.update(f"{name}|missing\0".encode())
            continue
        h.update(f"{name}|{st.st_size}|{st.st_mtime_ns}\0".encode())


def _sphinx_package_files() -> list[Path]:
    """Files of the package that Sphinx reads besides the staged source."""
    here = Path(__file__).resolve().parent
    templates = sorted(f for f in (here / "templates" / "book").rglob("*") if f.is_file())
    speed = [here / "_sphinx_speed.py", here / "_myst_nb_lazy.py"]
    return [here / "book_conf.py", here / "search_terms.py", *speed, *templates]


def staged_stamp(src: Path) -> str:
    """Hash of the staged source and of the package files Sphinx reads besides it."""
    h = hashlib.sha256()
    _add_file_stats(h, _sphinx_package_files())
    _add_file_stats(h, sorted(f for f in src.rglob("*") if f.is_file()), relative_to=src)
    return h.hexdigest()


def inputs_stamp(
    nb_dir: Path, build: Path, chapters: Sequence[ChapterState], results: Mapping[str, Any]
) -> str:
    """Cheap hash of everything :func:`stage_book` reads (sizes and times of large files).

    Equal to the stamp of the last successful build (and the site present): the book is
    current and neither staging (~3 s) nor Sphinx runs. Warm renders stay under 2 s.
    """
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    _add_file_stats(
        h, [here / "book.py", here / "site_pages.py", here / "book_conf.py", here / "codebook.py"]
    )
    _add_file_stats(h, [here / "explorer.py", build / explorer.EXPLORER_JSON])
    _add_file_stats(h, sorted((here / "templates" / "book").rglob("*")))
    _add_file_stats(h, book_files(nb_dir))
    for state in chapters:
        h.update(json.dumps([state.stem, state.title, state.status, state.failure]).encode())
        h.update(json.dumps(state.page_data, sort_keys=True).encode())
        if state.executed is not None:
            _add_file_stats(h, [state.executed])
    h.update(json.dumps(results, sort_keys=True).encode())
    for folder in (build / "figures", build / "executed" / "profiles"):
        _add_file_stats(h, sorted(folder.iterdir()) if folder.is_dir() else [])
    _add_file_stats(h, curated_tables())
    _add_file_stats(
        h,
        [
            paths.manifest_path(),
            paths.published_dir() / "figures.csv",
            paths.data_dir() / "codebook.csv",
            paths.project_root() / "CITATION.cff",
        ],
    )
    return h.hexdigest()


def is_current(build: Path, stamp: str) -> bool:
    """True when the site in ``_build/html`` was built from inputs with this stamp."""
    work = build / ".sphinx"
    try:
        return (
            (build / "html" / "index.html").exists()
            and not (work / "building").exists()
            and (work / "inputs").read_text() == stamp
        )
    except FileNotFoundError:
        return False


def remember_inputs(build: Path, stamp: str) -> None:
    """Record the inputs stamp of the site just built (see :func:`is_current`)."""
    write_bytes_atomic(build / ".sphinx" / "inputs", stamp.encode())


@dataclass
class BookResult:
    """Outcome of :func:`build_book`."""

    built: bool  # Sphinx ran (False: the site was already current)
    ok: bool
    seconds: float
    warnings: list[str] = field(default_factory=list)
    error: str = ""


class SphinxProcess:
    """A started :mod:`tiptrends.report.sphinx_runner`: Sphinx imported, waiting for arguments.

    It runs in its own process group (stopped as a group on Ctrl-C, and by itself when this
    process dies) and writes its output to ``log``; with ``build`` it is registered for
    :func:`tiptrends.report.processes.reap_stale`. :meth:`close` stops one that was never given
    arguments.
    """

    def __init__(self, log: Path, build: Path | None = None) -> None:
        from tiptrends.report import processes

        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log
        self._out = open(log, "wb")
        # one hash seed: a set's order in the API reference's printed values (a frozenset
        # of a figure's options) is then the same in every build, and so are the pages
        env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1", PYTHONHASHSEED="0")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tiptrends.report.sphinx_runner"],
            stdin=subprocess.PIPE,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        # registered: the next holder of the build lock stops the group if this run is killed
        self._build = build
        if build is not None:
            processes.register(build, self.proc.pid, group=True, role="sphinx")

    def _forget(self) -> None:
        from tiptrends.report import processes

        if self._build is not None:
            processes.unregister(self._build, self.proc.pid)

    def run(self, argv: Sequence[str], timeout: float) -> int:
        """Build with ``argv`` (``sphinx-build`` arguments); return Sphinx's exit status."""
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write((json.dumps(list(argv)) + "\n").encode())
            self.proc.stdin.close()
            return self.proc.wait(timeout=timeout)
        except BaseException:
            _kill_group(self.proc)
            raise
        finally:
            self._out.close()
            self._forget()

    def close(self) -> None:
        """Stop the process if it is still waiting (nothing is built)."""
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                _kill_group(self.proc)
        self._out.close()
        self._forget()


def start_sphinx(build: Path) -> SphinxProcess:
    """Start the book's Sphinx process now, to build later with :func:`build_book`."""
    return SphinxProcess(build / "logs" / "sphinx.log", build)


def build_book(
    src: Path,
    build: Path,
    *,
    jobs: int = 1,
    say: Callable[[str], None] = print,
    write_all: bool = False,
    sphinx: SphinxProcess | None = None,
) -> BookResult:
    """Build the HTML book from the staged source and publish it to ``_build/html``.

    ``write_all`` rewrites every page, not only the changed ones (Sphinx's ``-a``): needed
    when pages were added or removed, so that every page's navigation lists them.
    ``sphinx``: a Sphinx process started earlier with :func:`start_sphinx` (one is started
    otherwise); it is used or stopped.

    Raises
    ------
    KeyboardInterrupt
        After stopping Sphinx's process group; ``_build/html`` is left as it was.
    """
    t0 = time.perf_counter()
    work = build / ".sphinx"
    site = build / "html"
    stamp = staged_stamp(src)
    stamp_file = work / "stamp"
    if (
        (site / "index.html").exists()
        and stamp_file.exists()
        and stamp_file.read_text() == stamp
        and not (work / "building").exists()
    ):
        if sphinx is not None:
            sphinx.close()
        return BookResult(False, True, time.perf_counter() - t0)
    if (work / "building").exists():  # a previous build was interrupted: start afresh
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    (work / "building").write_text("")
    logs = build / "logs"
    logs.mkdir(exist_ok=True)
    warnings_file = logs / "sphinx-warnings.log"
    warnings_file.unlink(missing_ok=True)
    if not write_all and few_pages_changed(src, work / "doctrees"):
        jobs = 1  # a page or two: one process (a second one costs more than it saves)
    jobs = min(jobs, sphinx_jobs_cap() or jobs)
    argv = [
        "-b",
        "html",
        "-q",
        *(["-a"] if write_all else []),
        "-j",
        str(max(1, jobs)),
        "-d",
        str(work / "doctrees"),
        "-w",
        str(warnings_file),
        str(src),
        str(work / "html"),
    ]
    code = (sphinx or start_sphinx(build)).run(argv, SPHINX_TIMEOUT)
    warnings = _read_warnings(warnings_file)
    if code != 0:
        tail = (logs / "sphinx.log").read_text(encoding="utf-8", errors="replace").strip()
        last = tail.splitlines()[-1] if tail else f"exit status {code}"
        return BookResult(
            True, False, time.perf_counter() - t0, warnings, f"{last} (see {logs / 'sphinx.log'})"
        )
    _prune_output(src, work / "html")
    publish(work / "html", site)
    stamp_file.write_text(stamp)
    (work / "building").unlink()
    return BookResult(True, True, time.perf_counter() - t0, warnings)


#: Pages read again by an incremental build that one Sphinx process builds faster than two.
FEW_PAGES = 2

#: Environment variable capping the Sphinx processes of a book build (``-j``) below the
#: render's jobs. A second process costs CPU (the full book from scratch: about 4 CPU-s more
#: than one process's 28, on the 2-CPU machine) and saves time only if a CPU is idle; a test
#: run whose workers keep both CPUs busy gains nothing from it.
SPHINX_JOBS_ENV = "TIPTRENDS_SPHINX_JOBS"


def sphinx_jobs_cap() -> int | None:
    """The cap set by :data:`SPHINX_JOBS_ENV` (a positive integer), or None.

    Examples
    --------
    >>> import os
    >>> os.environ.pop(SPHINX_JOBS_ENV, None) and None
    >>> sphinx_jobs_cap() is None
    True
    """
    value = os.environ.get(SPHINX_JOBS_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) >= 1 else None


def few_pages_changed(src: Path, doctrees: Path, limit: int = FEW_PAGES) -> bool:
    """True when Sphinx's next build reads at most ``limit`` pages of ``src`` again.

    Pages (``.ipynb``, ``.md``) staged since the environment Sphinx saved last, none of the
    package's modules changed since (the API reference's pages depend on them). Sphinx then
    writes the changed page and the root page; with two processes it forks for the second,
    which cost more than it saved (0.97-1.16 s against 0.84-0.92 s for one changed chapter
    on the idle 2-CPU machine).
    """
    try:
        since = (doctrees / "environment.pickle").stat().st_mtime_ns
    except FileNotFoundError:
        return False
    if any(f.stat().st_mtime_ns > since for f in paths.PACKAGE_DIR.rglob("*.py")):
        return False
    changed = 0
    for f in src.rglob("*"):
        if f.suffix in (".ipynb", ".md") and f.is_file() and f.stat().st_mtime_ns > since:
            changed += 1
            if changed > limit:
                return False
    return True


#: Staged files whose toctrees make up the navigation shown on every page.
NAVIGATION_FILES = ("index.md", "places.md", "_generated/places.md", "reference/index.md")


def navigation(src: Path) -> bytes:
    """The staged toctree files, concatenated (compare before and after staging).

    When they change (a page added, removed or renamed), every page must be written again:
    Sphinx rewrites only the pages whose source changed, and the others would keep a stale
    navigation.
    """
    parts = []
    for name in NAVIGATION_FILES:
        f = src / name
        parts.append(f.read_bytes() if f.exists() else b"-")
    return b"\0".join(parts)


def has_site(build: Path) -> bool:
    """True when a site and its staged source exist (``tiptrends render`` has run)."""
    return (build / "book" / "conf.py").exists() and (build / "html" / "index.html").exists()


def add_profiles_to_site(
    build: Path,
    *,
    jobs: int = 1,
    say: Callable[[str], None] = print,
    sphinx: SphinxProcess | None = None,
) -> BookResult | None:
    """Put the executed place profiles into the site built last (without a full render).

    Stages the profiles and the "Places" page into the book source of the last
    ``tiptrends render`` and rebuilds the site incrementally: Sphinx re-reads only the
    changed pages, and rewrites every page only when the list of profiles (names, titles)
    changed, since every page's navigation shows it.

    Parameters
    ----------
    build : Path
        The build folder.
    jobs : int
        Sphinx processes.
    say : callable
        Progress messages.
    sphinx : SphinxProcess, optional
        Started earlier with :func:`start_sphinx` (its imports done while the profiles ran).

    Returns
    -------
    BookResult or None
        None when no site has been built yet (``tiptrends render`` builds it, profiles
        included).
    """
    src = build / "book"
    if not has_site(build):
        if sphinx is not None:
            sphinx.close()
        return None
    listed = navigation(src)
    before = {p.relative_to(src) for p in (src / "profiles").glob("*.ipynb")}
    images: dict[str, bytes | None] = {}
    profiles, _ = stage_profiles(src, build, {}, images)
    explorer.stage_explorer(src, build, [p.stem for p in profiles])  # links to the new pages
    for name, data in images.items():
        if data is not None:
            _write_if_changed(src / "_extra" / name, data)
    _stage_figures(build, src / "_extra", profile_figure_stems(build))
    now = {Path(f"{p.stem}.ipynb") for p in profiles}
    for gone in before - now:
        (src / gone).unlink(missing_ok=True)
    changed = navigation(src) != listed
    return build_book(src, build, jobs=jobs, say=say, write_all=changed, sphinx=sphinx)


def _prune_output(src: Path, out: Path) -> None:
    """Remove what Sphinx leaves behind from earlier builds.

    Sphinx builds incrementally and never deletes: a figure no longer offered for download or
    the page of a notebook that left the collection would stay in the site.
    """
    extra = src / "_extra"
    for top in sorted(extra.iterdir()) if extra.is_dir() else []:
        if top.is_dir():
            for f in (out / top.name).rglob("*"):
                if f.is_file() and not (extra / f.relative_to(out)).exists():
                    f.unlink()
    keep = {"genindex", "search", "py-modindex"}
    for page in out.rglob("*.html"):
        rel = page.relative_to(out)
        if rel.parts[0].startswith("_") or (extra / rel).exists():
            continue  # the theme's files and files offered for download
        if rel.with_suffix("").as_posix() not in keep and not any(
            (src / rel.with_suffix(suffix)).exists() for suffix in (".ipynb", ".md")
        ):
            page.unlink()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def _read_warnings(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]


def publish(built: Path, site: Path) -> None:
    """Replace ``site`` by a hard-linked copy of ``built`` (two renames; no mixed state)."""
    new = site.with_name(f".{site.name}.new")
    old = site.with_name(f".{site.name}.old")
    for d in (new, old):
        shutil.rmtree(d, ignore_errors=True)

    def link(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    shutil.copytree(built, new, copy_function=link)
    # folders, not files: swapped by two renames (``old`` and then ``site`` are free)
    if site.exists():
        os.rename(site, old)
    os.rename(new, site)
    shutil.rmtree(old, ignore_errors=True)


def toctree_entries(index_md: Path) -> list[str]:
    """Documents listed in the toctrees of ``index.md`` (in order)."""
    entries, inside = [], False
    for line in index_md.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("```{toctree}"):
            inside = True
            continue
        if inside and stripped.startswith("```"):
            inside = False
            continue
        if inside and stripped and not stripped.startswith(":"):
            entries.append(stripped.split("<")[-1].rstrip(">").strip())
    return entries


def missing_from_toc(nb_dir: Path, stems: Iterable[str]) -> list[str]:
    """Notebooks of the collection that ``index.md`` does not list (they would be orphans)."""
    index = nb_dir / "index.md"
    if not index.exists():
        return []
    listed = set(toctree_entries(index))
    return [s for s in stems if s not in listed]
