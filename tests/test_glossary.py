"""The glossary defines every term of the book's fixed vocabulary, and every ``{term}`` role
used in the notebooks, the hand-written pages and the generated pages resolves to one."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tiptrends import paths

NOTEBOOKS = paths.project_root() / "notebooks"
GLOSSARY = NOTEBOOKS / "glossary.md"
#: Modules that write Markdown with ``{term}`` roles into generated pages.
GENERATORS = ("src/tiptrends/report/landing.py", "src/tiptrends/report/site_pages.py")

#: The terms of the common vocabulary (the briefing of the book's engineers, issue 20).
VOCABULARY = (
    "reproduction",
    "re-analysis",
    "release",
    "vintage rule",
    "exclusions",
    "restatement",
    "trend panel",
    "matched set",
    "balanced panel",
    "open panel",
    "carried value",
    "interpolated value",
    "fallback total",
    "form fallback",
    "suppressed count",
    "pooled share",
    "country mean",
    "population-weighted share",
    "two-stage share",
    "known form",
    "denominator",
    "GLOTIP region",
    "M49 region",
    "EU-27",
    "leave-one-out",
    "detection rate",
    "cluster-robust standard error",
    "Bell-McCaffrey correction",
    "effective number of clusters",
    "specification curve",
    "published figure",
    "gap",
    "revision",
)

ROLE = re.compile(r"\{term\}`([^`]+)`")


def glossary_entries(text: str) -> dict[str, str]:
    """Term -> definition of the ``{glossary}`` block of a MyST page."""
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    assert block, "no {glossary} directive"
    entries: dict[str, list[str]] = {}
    term = None
    for line in block.group(1).splitlines():
        if line.strip() and not line.startswith((" ", "\t")):
            term = line.strip()
            entries[term] = []
        elif line.strip() and term is not None:
            entries[term].append(line.strip())
    return {t: " ".join(lines) for t, lines in entries.items()}


def role_target(text: str) -> str:
    """The term a ``{term}`` role points to: ``panels <trend panel>`` -> ``trend panel``."""
    match = re.search(r"<([^>]+)>\s*$", text)
    return (match.group(1) if match else text).strip()


def used_terms(root: Path) -> dict[str, set[str]]:
    """Term -> files that link it, over the notebooks' Markdown cells and pages and the
    modules that generate pages."""
    found: dict[str, set[str]] = {}
    sources: list[tuple[str, str]] = []
    for nb in sorted((root / "notebooks").rglob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        sources.append((str(nb.relative_to(root)), text))
    for page in sorted((root / "notebooks").rglob("*.md")):
        sources.append((str(page.relative_to(root)), page.read_text(encoding="utf-8")))
    for module in GENERATORS:
        sources.append((module, (root / module).read_text(encoding="utf-8")))
    for name, text in sources:
        for match in ROLE.finditer(text):
            found.setdefault(role_target(match.group(1)), set()).add(name)
    return found


def test_role_targets() -> None:
    assert role_target("trend panel") == "trend panel"
    assert role_target("panels <trend panel>") == "trend panel"


def test_parser_reads_terms_and_definitions() -> None:
    text = "# G\n\n```{glossary}\nterm one\n  First.\n  Still first.\n\nterm two\n  Second.\n```\n"
    assert glossary_entries(text) == {"term one": "First. Still first.", "term two": "Second."}


def test_every_vocabulary_term_is_defined_plainly() -> None:
    text = GLOSSARY.read_text(encoding="utf-8")
    assert text.startswith("# Glossary\n")
    entries = glossary_entries(text)
    missing = [t for t in VOCABULARY if t not in entries]
    assert not missing, f"terms not defined: {missing}"
    for term, definition in entries.items():
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", definition) if s]
        assert 1 <= len(sentences) <= 4, f"{term}: {len(sentences)} sentences"
        plain = re.sub(r"\]\([^)]*\)", "]", ROLE.sub("", definition))
        assert not re.search(r"`[^`]+`|\b[a-z]+_[a-z_]+\b", plain), f"{term}: code name"


def test_glossary_is_in_the_contents() -> None:
    index = (NOTEBOOKS / "index.md").read_text(encoding="utf-8")
    reference = index[index.index(":caption: Reference") :]
    assert "\nglossary\n" in reference


def test_every_term_role_resolves() -> None:
    defined = {t.casefold() for t in glossary_entries(GLOSSARY.read_text(encoding="utf-8"))}
    used = used_terms(paths.project_root())
    unresolved = {t: sorted(f) for t, f in used.items() if t.casefold() not in defined}
    assert not unresolved, f"{{term}} roles with no glossary entry: {unresolved}"
