"""The package's layers, enforced from its imports (an AST walk of ``src/tiptrends``).

io -> checked tables; methods -> general methods; analyses -> one module per chapter;
report -> style, results, site. Imports go downward only, chapters never import each
other, and there is no import circle anywhere (function-level imports included).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tiptrends

PACKAGE = Path(tiptrends.__file__).resolve().parent
LEAVES = {"tiptrends.paths", "tiptrends.vocab", "tiptrends.errors", "tiptrends.settings"}
#: For each layer, the layers it may import (the leaves are always allowed).
ALLOWED = {
    "io": {"io"},
    "methods": {"io", "methods"},
    "analyses": {"io", "methods"},
    "report": {"io", "methods", "report"},
}


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = ["tiptrends", *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str], root: Path = PACKAGE) -> set[str]:
    """Every tiptrends module that ``path`` imports, at any depth of the file."""
    me = module_name(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()

    def longest_known(name: str) -> str:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name

    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [longest_known(a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # a submodule when the name is one, else the module the name is defined in
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else longest_known(base)
                for a in node.names
            ]
        else:
            continue
        found.update(n for n in names if n.startswith("tiptrends") and n != me)
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    files = sorted(root.rglob("*.py"))
    known = {module_name(f, root) for f in files}
    return {module_name(f, root): imported_modules(f, known, root) for f in files}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[1] in ALLOWED else None


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for mod, deps in graph.items():
        layer = layer_of(mod)
        if layer is None:
            continue  # leaves, cli and the package itself
        for dep in deps:
            dep_layer = layer_of(dep)
            if dep in LEAVES or dep == f"tiptrends.{layer}":
                continue
            if layer == "analyses" and dep_layer == "analyses":
                problems.append(f"chapter {mod} imports chapter {dep}")
            elif dep_layer not in ALLOWED[layer]:
                problems.append(f"{mod} ({layer}) imports {dep} ({dep_layer or 'top level'})")
    return sorted(problems)


def leaf_violations(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"leaf {m} imports {d}" for m in LEAVES for d in graph.get(m, ()) if d not in LEAVES
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            # a package's __init__ is not a dependency of its own modules
            if w not in graph or v.startswith(w + "."):
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_layer_imports_downward_only() -> None:
    assert layer_violations(import_graph()) == []


def test_leaves_import_only_leaves() -> None:
    assert leaf_violations(import_graph()) == []


def test_no_import_circle() -> None:
    assert cycles(import_graph()) == []


def test_every_layer_is_a_documented_subpackage() -> None:
    for layer in ALLOWED:
        init = PACKAGE / layer / "__init__.py"
        assert init.is_file(), f"missing {init}"
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert "May import" in doc, f"{init} does not say what it may import"


# --- the checker itself fails on planted wrong-way imports ---------------------------------


def _plant(tmp_path: Path, files: dict[str, str]) -> dict[str, set[str]]:
    root = tmp_path / "tiptrends"
    for rel, text in {"__init__.py": "", **files}.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    for layer in ALLOWED:
        (root / layer).mkdir(exist_ok=True)
        (root / layer / "__init__.py").touch()
    return import_graph(root)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"io/data.py": "from tiptrends.methods import aggregate\n", "methods/aggregate.py": ""},
            "tiptrends.io.data (io) imports tiptrends.methods.aggregate (methods)",
        ),
        (
            {
                "methods/a.py": "def f():\n    from tiptrends.analyses.forms import g\n",
                "analyses/forms.py": "",
            },
            "tiptrends.methods.a (methods) imports tiptrends.analyses.forms (analyses)",
        ),
        (
            {
                "analyses/forms.py": "from tiptrends.analyses import profiles\n",
                "analyses/profiles.py": "",
            },
            "chapter tiptrends.analyses.forms imports chapter tiptrends.analyses.profiles",
        ),
        (
            {
                "analyses/flows.py": "from tiptrends.report.style import plot\n",
                "report/style.py": "",
            },
            "tiptrends.analyses.flows (analyses) imports tiptrends.report.style (report)",
        ),
        (
            {"report/style.py": "from ..analyses import flows\n", "analyses/flows.py": ""},
            "tiptrends.report.style (report) imports tiptrends.analyses.flows (analyses)",
        ),
    ],
)
def test_checker_catches_a_planted_wrong_way_import(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    assert expected in layer_violations(_plant(tmp_path, files))


def test_checker_catches_a_planted_circle(tmp_path: Path) -> None:
    graph = _plant(
        tmp_path,
        {
            "methods/a.py": "from tiptrends.methods import b\n",
            "methods/b.py": "def f():\n    import tiptrends.methods.a\n",
        },
    )
    assert cycles(graph) == [["tiptrends.methods.a", "tiptrends.methods.b"]]


def test_checker_catches_a_leaf_importing_a_layer(tmp_path: Path) -> None:
    graph = _plant(tmp_path, {"vocab.py": "from tiptrends.io import data\n", "io/data.py": ""})
    assert leaf_violations(graph) == ["leaf tiptrends.vocab imports tiptrends.io.data"]
