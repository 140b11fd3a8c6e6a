"""The stored form of a notebook, and a git "clean" filter that produces it.

JupyterLab rewrites a notebook's metadata when it only opens and autosaves it: it fills
``language_info`` from the running kernel (version, mimetype, lexer...), and cells gain
``execution`` timing, ``scrolled`` or ``collapsed`` flags. None of that is content, yet
git would show the notebook as modified. :func:`normalise` keeps what a notebook of the
collection is made of: the cells' sources, ids, attachments, tags and other metadata, the
"tiptrends" kernelspec and ``language_info: {"name": "python"}``; outputs, execution counts
and view state go.

``make setup`` registers this module as a git clean filter for ``*.ipynb``
(``.gitattributes``)::

    git config filter.tiptrends-notebook.clean "<venv>/bin/python -m tiptrends.report.nbclean"

git then compares and commits the normalised form, so outputs and editor state never
reach a commit (the working copy keeps its outputs). A clean filter alone does not keep
``git status`` quiet when a file's size changes (git reports it modified, with an empty
diff), so JupyterLab also saves notebooks with normalised metadata
(:func:`lab_pre_save_hook`, registered by ``jupyter_server_config.py``): opening and closing
a notebook leaves it byte for byte as committed.

``tiptrends strip`` (:func:`strip_collection`) writes the same stored form and adds the
book's cell tags; ``tiptrends strip --check`` (:func:`check_notebook_clean`) says what keeps
a notebook from it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: The kernelspec every notebook of the collection runs with.
KERNELSPEC = {"display_name": "Python (tiptrends)", "language": "python", "name": "tiptrends"}
#: Notebook-level metadata that is editor or run state, not content (dropped).
EDITOR_NOTEBOOK_METADATA = ("widgets", "toc", "varInspector", "vscode", "interpreter", "papermill")
#: Cell-level metadata that is view or run state (dropped); tags and the rest are kept.
EDITOR_CELL_METADATA = ("execution", "scrolled", "collapsed", "jupyter", "ExecuteTime", "papermill")


def normalise(nb: Any) -> Any:
    """Return the notebook in its stored form (modified in place and returned).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A version-4 notebook.

    Returns
    -------
    nbformat.NotebookNode
        No outputs or execution counts, no view or run state in the metadata
        (:data:`EDITOR_CELL_METADATA`, :data:`EDITOR_NOTEBOOK_METADATA`), the tiptrends
        kernelspec and ``language_info = {"name": "python"}``; tags are kept.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    >>> nb.metadata["language_info"] = {"name": "python", "version": "3.11.2"}
    >>> nb.cells[0].execution_count = 3
    >>> nb.cells[0].metadata.update({"scrolled": True, "tags": ["parameters"]})
    >>> clean = normalise(nb)
    >>> clean.metadata["language_info"], clean.cells[0].metadata, clean.cells[0].execution_count
    ({'name': 'python'}, {'tags': ['parameters']}, None)
    """
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if "tags" in cell.metadata and not cell.metadata["tags"]:
            del cell.metadata["tags"]
    return normalise_metadata(nb)


def normalise_metadata(nb: Any) -> Any:
    """Drop editor state and set the kernelspec and ``language_info``; keep outputs.

    What JupyterLab adds when it only opens a notebook is removed, so saving an unchanged
    notebook writes the bytes git already has; outputs and execution counts of cells that
    were run stay in the working copy (the git filter keeps them out of commits).
    """
    for cell in nb.cells:
        for key in EDITOR_CELL_METADATA:
            cell.metadata.pop(key, None)
    for key in EDITOR_NOTEBOOK_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def lab_pre_save_hook(model: dict, **kwargs: Any) -> None:
    """Jupyter server ``pre_save_hook``: store notebooks with normalised metadata.

    Registered by ``jupyter_server_config.py`` at the repository root (read when JupyterLab
    starts there, as ``make lab`` does): JupyterLab's autosave of a notebook that was only
    opened then leaves the file byte for byte as committed, and ``git status`` clean.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    import nbformat

    nb = nbformat.from_dict(model["content"])
    model["content"] = normalise_metadata(nb)


def _stored_text(nb: Any) -> str:
    """A notebook's JSON text as stored: nbformat's layout, ending with a newline."""
    import nbformat

    out = nbformat.writes(nb)
    return out if out.endswith("\n") else out + "\n"


def normalised_text(text: str) -> str:
    """The stored form of a notebook's JSON text (what the git clean filter stores)."""
    import nbformat

    return _stored_text(normalise(nbformat.reads(text, as_version=4)))


def strip_notebook(path: str | Path) -> bool:
    """Store a notebook in its stored form (:func:`normalise`) with the book's cell tags.

    What ``tiptrends strip`` (``make strip``) does to each notebook: the git filter's
    :func:`normalise`, plus the cell tags of the book (the first code cell ``remove-cell``,
    every other code cell ``hide-input`` unless it already says otherwise; see
    :func:`tiptrends.report.book.apply_cell_tags`).

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

    from tiptrends.io.atomic import write_bytes_atomic
    from tiptrends.report.book import apply_cell_tags

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    apply_cell_tags(nb.cells)
    new = _stored_text(normalise(nb))
    if new == text:
        return False
    write_bytes_atomic(path, new.encode("utf-8"))
    return True


def check_notebook_clean(path: str | Path) -> list[str]:
    """Return what keeps a notebook from its stored form with the book's tags (empty: clean).

    Checks: no outputs, no execution counts, no editor or run state in the metadata, the
    tiptrends kernelspec, the cell tags that :func:`strip_notebook` sets, and finally that
    the file is byte for byte what :func:`strip_notebook` would write.
    """
    from tiptrends.report.book import cell_tag_problems

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
    except (OSError, ValueError) as exc:
        return [f"{path.name}: unreadable ({exc})"]
    problems = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("outputs"):
            problems.append(f"{path.name}: cell {i} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"{path.name}: cell {i} has an execution count")
        for key in EDITOR_CELL_METADATA:
            if key in cell.get("metadata", {}):
                problems.append(f"{path.name}: cell {i} has editor metadata {key!r}")
    for key in EDITOR_NOTEBOOK_METADATA:
        if key in nb.get("metadata", {}):
            problems.append(f"{path.name}: notebook metadata has editor state {key!r}")
    for i, tag in cell_tag_problems(nb.get("cells", [])):
        problems.append(f"{path.name}: code cell {i} lacks the tag {tag!r}")
    ks = nb.get("metadata", {}).get("kernelspec", {})
    if ks.get("name") != KERNELSPEC["name"]:
        problems.append(f"{path.name}: kernelspec is {ks.get('name')!r}, expected 'tiptrends'")
    if not problems and normalised_text(text) != text:
        problems.append(f"{path.name}: not in its stored form (metadata or JSON layout)")
    return problems


def collection_notebooks(notebooks_dir: str | Path | None = None) -> list[Path]:
    """Every notebook under ``notebooks/`` (templates included, checkpoints excluded)."""
    from tiptrends import paths

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


def main() -> int:
    """Git clean filter: notebook JSON on stdin, its stored form on stdout.

    Text that is not a notebook passes through unchanged (git must never lose content).
    """
    from tiptrends.report.startup import skip_slow_optional_imports

    skip_slow_optional_imports()  # git runs this once per changed notebook
    text = sys.stdin.read()
    try:
        out = normalised_text(text)
    except Exception:  # not a notebook (or not one nbformat reads): store it as it is
        out = text
    sys.stdout.write(out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
