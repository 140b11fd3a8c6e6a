"""The API reference pages of the book: one page per layer, one section per module.

Each section documents the module from its docstrings (Sphinx autodoc with napoleon, through
MyST's ``{eval-rst}``) and says which chapters use it. "Which chapters" is computed here from
the imports in the notebooks' code cells, never written by hand::

    python -m tiptrends.report.reference          # write notebooks/reference/*.md
    python -m tiptrends.report.reference --check  # exit 1 if a page is out of date

``tests/test_reference.py`` runs the check, so a chapter that starts using a module, or a new
module, cannot leave the reference behind.
"""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from tiptrends import paths
from tiptrends.io.atomic import write_text_atomic

PACKAGE_DIR = paths.PACKAGE_DIR

#: Pages of the reference: (file stem, title, package prefixes, introduction).
PAGES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (
        "io",
        "Data: tiptrends.io",
        ("tiptrends.io",),
        "Raw files to checked tables: the manifest and fetching, readers, curated tables and "
        "their loaders, countries, citizenship, published figures, exclusions.",
    ),
    (
        "methods",
        "Methods: tiptrends.methods",
        ("tiptrends.methods",),
        "General methods with no chapter knowledge: suppression and counts, shares, headline "
        "helpers, panels, models, decomposition, diagnostics, sensitivity tables.",
    ),
    (
        "analyses",
        "Chapters: tiptrends.analyses",
        ("tiptrends.analyses",),
        "One module per chapter (and the place profiles); each imports only the data and "
        "methods layers.",
    ),
    (
        "report",
        "Reporting: tiptrends.report",
        ("tiptrends.report",),
        "House style and figures, the results registry, prose and tables for people, "
        "published-vs-reproduced tables, rendering of the site.",
    ),
    (
        "core",
        "Paths, vocabulary, errors and the command line",
        ("tiptrends.paths", "tiptrends.vocab", "tiptrends.settings", "tiptrends.errors", "tiptrends.cli"),
        "The leaves every layer may import, and the command line over all layers.",
    ),
)


def package_modules(package_dir: Path = PACKAGE_DIR) -> list[str]:
    """Every public module of the package (no ``_private`` modules, no ``__main__``).

    Examples
    --------
    >>> mods = package_modules()
    >>> "tiptrends.methods.aggregate" in mods and "tiptrends.io.readers._common" not in mods
    True
    """
    out = []
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts) or not parts:
            continue
        out.append(".".join(("tiptrends", *parts)))
    return out


def imported_modules(source: str, known: Iterable[str]) -> set[str]:
    """The tiptrends modules that Python ``source`` imports (``from x import y`` included).

    Examples
    --------
    >>> known = ["tiptrends.io.data", "tiptrends.io", "tiptrends.report.style"]
    >>> sorted(imported_modules("from tiptrends.io import data\\nimport tiptrends.report.style as s", known))
    ['tiptrends.io.data', 'tiptrends.report.style']
    """
    known = set(known)
    found: set[str] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a cell with IPython magics: read it line by line
        lines = [
            line for line in source.splitlines() if line.lstrip().startswith(("import", "from"))
        ]
        tree = ast.parse("\n".join(line.strip() for line in lines))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in known:
                    found.add(submodule)
                elif node.module in known:
                    found.add(node.module)
    return found


def notebook_imports(path: Path, known: Iterable[str]) -> set[str]:
    """The tiptrends modules imported by the code cells of a notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    known = list(known)
    found: set[str] = set()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            source = "".join(cell.get("source", []))
            found |= imported_modules(source, known)
    return found


def chapter_usage(notebooks_dir: Path | None = None) -> dict[str, list[str]]:
    """For each module, the notebooks (stems, relative to ``notebooks/``) that import it."""
    root = Path(notebooks_dir or paths.notebooks_dir())
    known = package_modules()
    usage: dict[str, list[str]] = {m: [] for m in known}
    for path in sorted(root.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        stem = path.relative_to(root).with_suffix("").as_posix()
        for module in notebook_imports(path, known):
            usage[module].append(stem)
    return usage


def _chapter_link(stem: str) -> str:
    if stem.startswith("templates/"):
        return "the template for a new analysis (`notebooks/templates/`)"
    if stem.startswith("profiles/"):
        return "the place profiles (`tiptrends profile`)"
    title = stem.split("_", 1)[-1].replace("_", " ")
    return f"{{doc}}`{stem.split('_', 1)[0]} {title} </{stem}>`"


def _used_by(stems: list[str]) -> str:
    if not stems:
        return "No chapter imports this module directly."
    return "Used by: " + "; ".join(_chapter_link(s) for s in stems) + "."


def page_text(stem: str, usage: dict[str, list[str]]) -> str:
    """The MyST Markdown of one reference page."""
    _, title, prefixes, intro = next(p for p in PAGES if p[0] == stem)
    modules = [m for m in package_modules() if m.startswith(prefixes)]
    chapters = sorted({s for m in modules for s in usage.get(m, [])})
    lines = [
        f"# {title}",
        "",
        "<!-- Written by `python -m tiptrends.report.reference`; do not edit by hand. -->",
        "",
        intro,
        "",
        _used_by(chapters).replace("Used by:", "Chapters using this layer:", 1),
        "",
    ]
    packages = {
        m for m in modules if (PACKAGE_DIR / Path(*m.split(".")[1:]) / "__init__.py").exists()
    }
    for module in modules:
        if module in packages:  # the layer: introduced above, its modules below
            continue
        lines += [
            f"## `{module}`",
            "",
            _used_by(usage.get(module, [])),
            "",
            "```{eval-rst}",
            f".. automodule:: {module}",
            "   :members:",
            "   :undoc-members:",
            "   :show-inheritance:",
            "```",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def index_text() -> str:
    """The MyST Markdown of the reference's index page (a toctree of the pages)."""
    lines = [
        "# API reference",
        "",
        "Every public function of the `tiptrends` package, documented from its docstrings and",
        "grouped by layer. Each module says which chapters use it, computed from the chapters'",
        "imports. The functions researchers reach for first carry a worked example that runs as",
        "a doctest in `make test`: `tiptrends.io.data.load_glotip`,",
        "`tiptrends.io.exclusions.apply_exclusions`, `tiptrends.methods.aggregate.shares_by_year`,",
        "`tiptrends.methods.panels.pct_change`, `tiptrends.methods.sensitivity.sensitivity_table`,",
        "`tiptrends.methods.models.share_trend_glm`, `tiptrends.report.style.save_figure` and",
        "`tiptrends.report.results.record`.",
        "",
        "```{toctree}",
        ":maxdepth: 1",
        "",
        *[stem for stem, *_ in PAGES],
        "```",
    ]
    return "\n".join(lines) + "\n"


def write_pages(out_dir: Path | None = None, *, check: bool = False) -> list[Path]:
    """Write (or, with ``check``, compare) the reference pages; return those out of date."""
    out = Path(out_dir or paths.notebooks_dir() / "reference")
    usage = chapter_usage()
    wanted = {out / "index.md": index_text()}
    wanted |= {out / f"{stem}.md": page_text(stem, usage) for stem, *_ in PAGES}
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text() != text]
    if not check:
        out.mkdir(parents=True, exist_ok=True)
        for path in stale:
            write_text_atomic(path, wanted[path])
    return stale


def main(argv: list[str] | None = None) -> int:
    """Write the pages, or with ``--check`` report the stale ones and exit 1."""
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    stale = write_pages(check=check)
    for path in stale:
        print(f"{'out of date' if check else 'wrote'}: {path}")
    return 1 if (check and stale) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
