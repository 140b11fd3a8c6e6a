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
"""

from __future__ import annotations

import sys
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


def normalised_text(text: str) -> str:
    """The stored form of a notebook's JSON text (as written by ``tiptrends strip``)."""
    import nbformat

    nb = nbformat.reads(text, as_version=4)
    out = nbformat.writes(normalise(nb))
    return out if out.endswith("\n") else out + "\n"


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
