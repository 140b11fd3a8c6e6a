"""Chapters show results, they do not assemble them.

- every ``{glue:md}`` role of a chapter's prose is glued by the executed chapter, and every glued
  name is used by the prose (a number glued and never shown is assembly left in the notebook);
- no code cell is longer than :data:`MAX_CELL_LINES` lines and the chapters together stay under
  :data:`MAX_CODE_LINES` lines of code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tiptrends import paths

NOTEBOOKS = paths.project_root() / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
MAX_CELL_LINES = 15
MAX_CODE_LINES = 1000
ROLE = re.compile(r"\{glue(?::\w*)?\}`([^`]+)`")


def _cells(path: Path, kind: str) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == kind]


def roles(markdown: list[str]) -> set[str]:
    """Names referred to by glue roles in Markdown cells (``{glue:md}`name```)."""
    return {m.group(1).split(":")[0].strip() for text in markdown for m in ROLE.finditer(text)}


def glued_names(executed: Path) -> set[str]:
    """Names glued by an executed notebook (MyST-NB's ``scrapbook`` output metadata)."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    return {
        o["metadata"]["scrapbook"]["name"]
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "scrapbook" in (o.get("metadata") or {})
    }


def code_lines(path: Path) -> list[int]:
    """Lines of each code cell."""
    return [len(src.splitlines()) for src in _cells(path, "code")]


def test_roles_are_found() -> None:
    text = ["In 2022 {glue:md}`fl_2022` of victims; {glue:}`n` and {glue:text}`x:.1f` too."]
    assert roles(text) == {"fl_2022", "n", "x"}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_code_cells_are_short(path: Path) -> None:
    long = [n for n in code_lines(path) if n > MAX_CELL_LINES]
    assert not long, f"{path.name}: code cells of {long} lines (at most {MAX_CELL_LINES})"


def test_chapters_code_lines_in_all() -> None:
    per = {p.name: sum(code_lines(p)) for p in CHAPTERS}
    assert sum(per.values()) < MAX_CODE_LINES, per


@pytest.mark.notebooks
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_role_is_glued_and_every_glue_shown(site_render, path: Path) -> None:
    executed = paths.build_dir() / "executed" / path.name
    assert executed.exists(), f"{path.name} was not executed by the render"
    used, glued = roles(_cells(path, "markdown")), glued_names(executed)
    assert not used - glued, f"{path.name}: roles never glued: {sorted(used - glued)}"
    assert not glued - used, f"{path.name}: glued but never shown: {sorted(glued - used)}"
