"""Plain text from notebook cells: a chapter's title and its first paragraph.

Shared by the renderer (cache entries, page titles) and the book build (profile pages).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def cell_source(cell: dict) -> str:
    """A cell's source as one string (notebook JSON stores a list of lines or a string)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def plain_text(markdown: str) -> str:
    """Markdown without links, images and emphasis marks, on one line."""
    text = _MD_LINK.sub(r"\1", markdown)
    text = re.sub(r"[*_`]{1,3}", "", text)
    return " ".join(text.split())


def notebook_summary(cells: Sequence[dict]) -> tuple[str, str]:
    """Return (title, summary): the first markdown H1 and the first paragraph after it."""
    title, summary, found = "", "", False
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        lines = cell_source(cell).splitlines()
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
            summary = plain_text(" ".join(paragraph))
            break
    return title, summary
