"""Derived data products: tables computed from the curated tables, built once, read fast.

A *product* is a named result of a builder function (a DataFrame, a mapping of names to
DataFrames, or a dataclass whose fields are all DataFrames, such as
:class:`tiptrends.methods.vintage.DataBases`). :func:`load_or_build` returns the product
from ``data/curated/derived/`` (per-user when installed) when it is current, else builds,
writes and returns it. Every table is a Parquet file ``<name>.<table>.parquet``; the stamp
``<name>.json`` is written last and records:

* ``inputs``: the sha256 of every input file (curated tables, configuration files);
* ``code``: one sha256 over the code of the named modules and of every ``tiptrends``
  module they import, directly or not (found by reading their ``import`` statements), and the
  versions of Python, pandas, numpy and pyarrow. A module's code is its syntax tree without
  docstrings, comments or layout (:func:`code_text`): editing the prose of a module leaves
  its products current; any change to what it executes makes them stale;
* ``tables``: each file's sha256, size, rows and column dtypes.

A product is ``current`` when all three match; a changed input or module makes it
``stale`` (:func:`status` names what changed) and a file that differs from its stamp
``DAMAGED``; both are rebuilt by the next :func:`load_or_build`. Writes are atomic
(:mod:`tiptrends.io.atomic`), so readers see the old product or the new one. Before the stamp
is written each table is read back and compared with the built one, values, dtypes, index
and ``attrs`` exactly (the schema check): a product that Parquet cannot hold exactly is
refused rather than stored.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import importlib
import json
import platform
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io.atomic import write_atomic, write_text_atomic

STAMP_VERSION = 2
"""Version of the stamp layout (part of the rebuild key)."""

_PACKAGES = ("pandas", "numpy", "pyarrow")


def derived_dir() -> Path:
    """Return ``data/curated/derived/`` (per-user when installed without a checkout)."""
    return paths.curated_dir() / "derived"


def stamp_path(name: str) -> Path:
    """The stamp of product ``name``."""
    return derived_dir() / f"{name}.json"


def table_path(name: str, table: str) -> Path:
    """The Parquet file of table ``table`` of product ``name``."""
    return derived_dir() / f"{name}.{table}.parquet"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _module_file(module: str) -> Path | None:
    """Source file of a ``tiptrends`` module, found without importing it (None: not a module)."""
    root = Path(__file__).resolve().parents[1]  # the tiptrends package
    parts = module.split(".")[1:]
    for file in (root.joinpath(*parts).with_suffix(".py"), root.joinpath(*parts, "__init__.py")):
        if parts and file.is_file() or not parts and file.name == "__init__.py":
            return file
    return None


def code_cache_path() -> Path:
    """Per-module results of reading a source file (its ``tiptrends`` imports and the sha256
    of its :func:`code_text`), kept so that a new process (each kernel) does not parse every
    module again.

    Entries are keyed by module name and the sha256 of the file's bytes, so any edit is seen;
    Python's version is part of the key (``ast.dump`` may differ between versions). The file
    is a cache in the build folder, not data: no product or render reads it as an input.
    """
    return paths.build_dir() / "code-cache.json"


_code_cache: dict[str, dict] | None = None
_code_cache_dirty = False


def _cache_key() -> str:
    return f"{STAMP_VERSION} {platform.python_version()}"


def _read_code_cache() -> dict[str, dict]:
    global _code_cache
    if _code_cache is None:
        try:
            data = json.loads(code_cache_path().read_text(encoding="utf-8"))
            ok = isinstance(data, dict) and data.get("key") == _cache_key()
            _code_cache = data["modules"] if ok and isinstance(data.get("modules"), dict) else {}
        except (OSError, ValueError):
            _code_cache = {}
    return _code_cache


def _write_code_cache() -> None:
    """Store the module results read in this process (skipped when the folder is read-only)."""
    global _code_cache_dirty
    if not _code_cache_dirty or _code_cache is None:
        return
    text = json.dumps({"key": _cache_key(), "modules": _code_cache}, sort_keys=True)
    try:
        write_text_atomic(code_cache_path(), text + "\n")
    except OSError:
        pass  # an unwritable data folder: the next process reads the sources again
    _code_cache_dirty = False


def _module_info(module: str, file: Path) -> tuple[frozenset[str], str]:
    """(``tiptrends`` modules imported anywhere in ``file``, sha256 of its code text)."""
    global _code_cache_dirty
    data = file.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    cache = _read_code_cache()
    entry = cache.get(module)
    if isinstance(entry, dict) and entry.get("sha256") == digest:
        return frozenset(entry["imports"]), entry["code"]
    imports, code = _read_module(module, file.name, data)
    cache[module] = {"sha256": digest, "imports": sorted(imports), "code": code}
    _code_cache_dirty = True
    return imports, code


def _read_module(module: str, file_name: str, data: bytes) -> tuple[frozenset[str], str]:
    """Parse a module's source once: its ``tiptrends`` imports (function-level imports too)
    and the sha256 of its :func:`code_text`."""
    tree = ast.parse(data.decode("utf-8"))
    package = module if file_name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # submodules imported by name
    imports = frozenset(m for m in found if m == "tiptrends" or m.startswith("tiptrends."))
    return imports, hashlib.sha256(_tree_text(tree).encode()).hexdigest()


def _walk(modules: Iterable[str]) -> dict[str, tuple[Path, str]]:
    """The named modules and every ``tiptrends`` module they import, directly or not, each
    with its file and the sha256 of its code text (each file read once)."""
    todo, seen = list(modules), {}
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        file = _module_file(module)
        if file is None:
            continue  # a name imported from a module, not a module
        imports, code = _module_info(module, file)
        seen[module] = (file, code)
        todo.extend(imports - seen.keys())
    return dict(sorted(seen.items()))


def code_modules(modules: Iterable[str]) -> dict[str, Path]:
    """The named modules and every ``tiptrends`` module they import, directly or not."""
    return {module: file for module, (file, _) in _walk(modules).items()}


class _NoDocstrings(ast.NodeTransformer):
    """Drops every statement that is a lone string (docstrings, attribute docstrings)."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for name in ("body", "orelse", "finalbody"):
            body = getattr(node, name, None)
            if isinstance(body, list):
                kept = [s for s in body if not _lone_string(s)]
                setattr(node, name, kept or [ast.Pass()])
        return node


def _lone_string(statement: ast.AST) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def code_text(source: str) -> str:
    r"""What a module executes, as text: its syntax tree without docstrings (the lone strings
    of module, class and function bodies), comments, blank lines, line numbers or layout.

    Two sources with the same code text compile to the same behaviour except through
    ``__doc__`` and line numbers in tracebacks, which no product reads.

    Examples
    --------
    >>> code_text("def f():\n    'Doc.'\n    return 1  # one") == code_text("def f(): return 1")
    True
    >>> code_text("def f(): return 1") == code_text("def f(): return 2")
    False
    """
    return _tree_text(ast.parse(source))


def _tree_text(tree: ast.Module) -> str:
    return ast.dump(_NoDocstrings().visit(tree), include_attributes=False)


@functools.cache
def _version(package: str) -> str:
    """Installed version of ``package`` (read once per process)."""
    return metadata.version(package)


def code_digest(modules: Iterable[str]) -> str:
    """sha256 over the code (:func:`code_text`) of :func:`code_modules` and the package
    versions."""
    h = hashlib.sha256(f"stamp {STAMP_VERSION} python {platform.python_version()}".encode())
    for package in _PACKAGES:
        h.update(f"{package} {_version(package)}\n".encode())
    for module, (_, code) in _walk(modules).items():
        h.update(f"{module}\n".encode())
        h.update(bytes.fromhex(code))
    _write_code_cache()
    return h.hexdigest()


def _input_key(path: Path) -> str:
    """An input's name in a stamp: its path relative to the project root, and a curated table
    as ``data/curated/<name>`` wherever the curated folder is (per-user when installed), so
    that stamps written in a checkout and in an installation name the same inputs alike."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(paths.project_root().resolve()).as_posix()
    except ValueError:
        pass
    try:
        return "data/curated/" + resolved.relative_to(paths.curated_dir().resolve()).as_posix()
    except ValueError:
        return str(path)


def input_digests(inputs: Iterable[str | Path]) -> dict[str, str]:
    """sha256 of each input file by its path relative to the project (``"missing"`` if absent)."""
    out = {}
    for p in map(Path, inputs):
        out[_input_key(p)] = _sha256(p) if p.is_file() else "missing"
    return out


def read_stamp(name: str) -> dict | None:
    """The stamp of product ``name`` or None."""
    try:
        return json.loads(stamp_path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _changes(stamp: dict, inputs: Mapping[str, str], code: str) -> list[str]:
    changed = [k for k, v in inputs.items() if stamp.get("inputs", {}).get(k) != v]
    changed += [f"{k} (removed)" for k in stamp.get("inputs", {}) if k not in inputs]
    if stamp.get("code") != code:
        changed.append("code")
    return changed


def _damaged(name: str, stamp: dict) -> list[str]:
    bad = []
    for table, info in stamp.get("tables", {}).items():
        p = table_path(name, table)
        if not p.is_file() or p.stat().st_size != info["size"] or _sha256(p) != info["sha256"]:
            bad.append(p.name)
    return bad


def status(
    name: str, *, inputs: Sequence[str | Path] = (), code: Sequence[str] = ()
) -> tuple[str, list[str]]:
    """``("current" | "stale" | "missing" | "DAMAGED", what changed)`` of product ``name``."""
    stamp = read_stamp(name)
    if stamp is None:
        return "missing", []
    changed = _changes(stamp, input_digests(inputs), code_digest(code))
    if changed:
        return "stale", changed
    damaged = _damaged(name, stamp)
    return ("DAMAGED", damaged) if damaged else ("current", [])


# ----------------------------------------------------------------------------- tables
def _tables(product: Any) -> tuple[dict[str, pd.DataFrame], str]:
    """A product as named tables and the kind to rebuild it as."""
    if isinstance(product, pd.DataFrame):
        return {"table": product}, "frame"
    if dataclasses.is_dataclass(product) and not isinstance(product, type):
        cls = type(product)
        tables = {f.name: getattr(product, f.name) for f in dataclasses.fields(product)}
        kind = f"dataclass:{cls.__module__}:{cls.__qualname__}"
    elif isinstance(product, Mapping):
        tables, kind = dict(product), "mapping"
    else:
        raise TypeError(f"a derived product is a DataFrame, mapping or dataclass, not {product!r}")
    for key, t in tables.items():
        if not isinstance(t, pd.DataFrame):
            raise TypeError(f"derived table {key!r} is not a DataFrame")
    return tables, kind


def _product(tables: dict[str, pd.DataFrame], kind: str) -> Any:
    if kind == "frame":
        return tables["table"]
    if kind == "mapping":
        return tables
    _, module, qualname = kind.split(":")
    cls: Any = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part)
    return cls(**tables)


def _schema(t: pd.DataFrame) -> dict[str, str]:
    return {str(c): str(d) for c, d in t.dtypes.items()}


def _check_round_trip(name: str, key: str, built: pd.DataFrame, path: Path) -> None:
    back = pd.read_parquet(path)
    try:
        pd.testing.assert_frame_equal(back, built, check_exact=True)
        if back.attrs != built.attrs:
            raise AssertionError(f"attrs differ: {back.attrs!r} != {built.attrs!r}")
    except AssertionError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "differs"
        raise DataError(
            path, f"derived table {name}.{key} does not survive Parquet ({first})"
        ) from None


def build(
    name: str,
    builder: Callable[[], Any],
    *,
    inputs: Sequence[str | Path] = (),
    code: Sequence[str] = (),
) -> Any:
    """Build product ``name`` with ``builder()``, write it and its stamp, and return it."""
    digests, code_hash = input_digests(inputs), code_digest(code)
    product = builder()
    write(name, product, digests, code_hash, code)
    return product


def write(
    name: str, product: Any, digests: Mapping[str, str], code_hash: str, code: Sequence[str]
) -> None:
    """Write ``product``'s tables, check them and write its stamp last (see the module)."""
    tables, kind = _tables(product)
    info = {}
    for key, t in tables.items():
        p = table_path(name, key)
        write_atomic(p, lambda tmp, t=t: t.to_parquet(tmp, engine="pyarrow"))
        _check_round_trip(name, key, t, p)
        info[key] = {
            "sha256": _sha256(p),
            "size": p.stat().st_size,
            "rows": len(t),
            "columns": _schema(t),
        }
    stamp = {
        "name": name,
        "kind": kind,
        "stamp_version": STAMP_VERSION,
        "inputs": dict(digests),
        "code": code_hash,
        "modules": list(code_modules(code)),
        "tables": info,
    }
    write_text_atomic(stamp_path(name), json.dumps(stamp, indent=1, sort_keys=True) + "\n")


def load(name: str) -> Any:
    """Product ``name`` as stored (no staleness check; :func:`load_or_build` checks)."""
    stamp = read_stamp(name)
    if stamp is None:
        raise DataError(stamp_path(name), "derived product not built (run `tiptrends data build`)")
    tables = {}
    for key, info in stamp["tables"].items():
        t = pd.read_parquet(table_path(name, key))
        if _schema(t) != info["columns"] or len(t) != info["rows"]:
            raise DataError(table_path(name, key), "derived table does not match its stamp")
        tables[key] = t
    return _product(tables, stamp["kind"])


def load_or_build(
    name: str,
    builder: Callable[[], Any],
    *,
    inputs: Sequence[str | Path] = (),
    code: Sequence[str] = (),
) -> Any:
    """Product ``name``: read when current, else built by ``builder()`` and written.

    Parameters
    ----------
    name : str
        File name of the product (letters, digits, ``_``, ``-``, ``=``).
    builder : callable
        ``builder() -> DataFrame | mapping of DataFrames | dataclass of DataFrames``.
    inputs : sequence of path
        Files the product is computed from (curated tables, configuration files).
    code : sequence of str
        Modules whose code computes it (their ``tiptrends`` imports are included).

    Returns
    -------
    The product, of the type ``builder`` returns.
    """
    digests, code_hash = input_digests(inputs), code_digest(code)
    stamp = read_stamp(name)
    if stamp is not None and not _changes(stamp, digests, code_hash) and not _damaged(name, stamp):
        try:
            return load(name)
        except (DataError, OSError, ValueError):
            pass  # unreadable despite its stamp: rebuilt below
    product = builder()
    try:
        write(name, product, digests, code_hash, code)
    except OSError:
        pass  # a read-only data folder: the product is computed as without a store
    return product
