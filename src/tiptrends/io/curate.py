"""Build curated Parquet tables from the verified raw files.

Each source of the manifest becomes ``data/curated/<source id>.parquet`` plus a stamp
``<source id>.json`` recording every input it was built from (the raw sha256, the reader
version, and the digest of each mapping table and library table the build reads,
:meth:`Reader.inputs`), the sha256 and size of the curated file itself, and the digest of the
code of the schema every row passed at build (:func:`schema_checked`: loaders then need not
check the table again, nor import pandera). A table is rebuilt
when any of them no longer matches (or when forced): a changed raw file, reader or mapping,
and also a curated file damaged or replaced after the build. Writes are atomic (:mod:`tiptrends.io.atomic`): the table goes to a
temporary file in the same folder and is renamed into place, and the stamp is written last,
so a failed build leaves no partial curated file behind; temporary files of a killed build
are removed by the next one.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pandas as pd

from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io import sources
from tiptrends.io.atomic import remove_stale_temporaries, write_atomic, write_json_atomic

if TYPE_CHECKING:
    import pandera.pandas as pa

#: Status of a curated table (see :func:`status`).
CURRENT, NOT_BUILT, STALE, DAMAGED = "current", "not built", "stale", "DAMAGED"


@dataclass(frozen=True)
class Reader:
    """How one kind of raw file is read: module, function and optional post-processing."""

    module: str
    function: str
    country_columns: tuple[tuple[str, str | None], ...] = ()

    def load_module(self) -> ModuleType:
        """Import the reader module."""
        return importlib.import_module(self.module)

    @property
    def version(self) -> str:
        """Reader version plus a post-processing tag (both part of the rebuild key)."""
        base = str(getattr(self.load_module(), "READER_VERSION", "0"))
        return f"{base}+iso3.1" if self.country_columns else base

    def inputs(self) -> dict[str, str]:
        """Every input of the build besides the raw file and the reader, with its digest.

        Keys are paths relative to the project root (``data/mappings/country_names.csv``) or
        ``package:<name>`` for a library whose tables the build reads (country_converter);
        values are sha256 digests or versions. Part of the rebuild key: an edit of any of them
        makes the table stale.
        """
        if not self.country_columns:
            return {}
        from importlib.metadata import version

        from tiptrends.io.countries import COUNTRY_NAMES_FILE

        names = paths.mappings_dir() / COUNTRY_NAMES_FILE
        digest = sources.sha256_of(names) if names.is_file() else "missing"
        relative = names.relative_to(paths.project_root()).as_posix()
        return {relative: digest, "package:country_converter": version("country_converter")}

    def read(self) -> Callable[[Path], pd.DataFrame]:
        """Return the reader function."""
        return getattr(self.load_module(), self.function)


#: reader name (as in data/sources.toml) -> reader.
READERS: dict[str, Reader] = {
    "unodc": Reader("tiptrends.io.readers.unodc", "read_glotip"),
    "walkfree": Reader("tiptrends.io.readers.walkfree", "read_gsi", (("country", None),)),
    "ctdc": Reader("tiptrends.io.readers.ctdc", "read_ctdc"),
    "tip_kelley_heiss": Reader(
        "tiptrends.io.readers.tip", "read_tip_kelley_heiss", (("country", "iso"),)
    ),
    "du_tiers": Reader("tiptrends.io.readers.tip", "read_du_tiers", (("country", None),)),
    "du_flows": Reader(
        "tiptrends.io.readers.tip",
        "read_du_flows",
        (("origin", None), ("transit", None), ("destination", None)),
    ),
}


def reader_of(source: sources.Source) -> Reader:
    """The reader a manifest entry names (one-line DataError for an unknown reader name)."""
    if source.reader not in READERS:
        raise DataError(
            paths.manifest_path(),
            f"source {source.id!r}: unknown reader {source.reader!r}; one of {', '.join(READERS)}",
        )
    return READERS[source.reader]


def iso3_prefix(name_column: str) -> str:
    """Prefix of the ISO3 columns added for a name column ("" for ``country``)."""
    return "" if name_column == "country" else f"{name_column}_"


def curated_schema(reader: str) -> pa.DataFrameSchema | None:
    """The reader's schema extended with the ISO3 columns that the build adds."""
    import pandera.pandas as pa  # imported here: reading a curated table does not need it

    spec = READERS[reader]
    schema = getattr(spec.load_module(), "SCHEMA", None)
    if isinstance(schema, dict):  # a module with several readers keys its schemas by function
        schema = schema[spec.function]
    if schema is None or not spec.country_columns:
        return schema
    added = {}
    for name_column, _ in spec.country_columns:
        prefix = iso3_prefix(name_column)
        added[f"{prefix}iso3"] = pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=True)
        added[f"{prefix}iso3_match"] = pa.Column(
            str, pa.Check.isin(["code", "manual", "name", "unmatched"])
        )
    return schema.add_columns(added)


def schema_code(reader: str) -> str:
    """Digest of the code that defines the curated schema of ``reader``: its reader module,
    this module and every ``tiptrends`` module they import (:func:`tiptrends.io.derived.code_digest`)."""
    from tiptrends.io import derived

    return derived.code_digest([READERS[reader].module, __name__])


def schema_checked(source_id: str) -> bool:
    """True when the stamp records that the whole curated table passed the schema that the
    current code defines (checked at build; the stamp ties the file to the table checked)."""
    stamp = read_stamp(source_id)
    if stamp is None or "schema_checked" not in stamp:
        return False
    return stamp["schema_checked"] == schema_code(sources.get_source(source_id).reader)


def curated_path(source_id: str) -> Path:
    """Path of the curated Parquet table of a source."""
    return paths.curated_dir() / f"{source_id}.parquet"


def stamp_path(source_id: str) -> Path:
    """Path of the build stamp of a source."""
    return paths.curated_dir() / f"{source_id}.json"


def read_stamp(source_id: str) -> dict | None:
    """Return the build stamp of a curated table, or None when absent or unreadable."""
    try:
        return json.loads(stamp_path(source_id).read_text())
    except (FileNotFoundError, ValueError):
        return None


def stale_inputs(source_id: str) -> list[str]:
    """What changed since the curated table was built (empty when nothing did).

    Returns
    -------
    list of str
        ``"raw file"``, ``"reader"``, ``"stamp format"`` and every input of
        :meth:`Reader.inputs` whose digest differs from the stamp's (a path, or
        ``package:<name>``); ``["not built"]`` without a stamp.
    """
    source = sources.get_source(source_id)
    stamp = read_stamp(source_id)
    if stamp is None:
        return ["not built"]
    reader = reader_of(source)
    changed = []
    if stamp.get("sha256") != source.sha256:
        changed.append("raw file")
    if stamp.get("reader_version") != reader.version:
        changed.append("reader")
    if "curated_sha256" not in stamp or "schema_checked" not in stamp:
        changed.append("stamp format")
    recorded = stamp.get("inputs", {})
    current = reader.inputs()
    changed += sorted(
        k for k in recorded.keys() | current.keys() if recorded.get(k) != current.get(k)
    )
    return changed


def status(source_id: str) -> str:
    """Return the state of a curated table, checked against its stamp.

    Returns
    -------
    str
        ``"current"``; ``"not built"`` (no table or no stamp); ``"stale"`` (the raw checksum,
        the reader version or another input of the build, such as a mapping table, changed
        since the build (:func:`stale_inputs`), or the stamp predates file checksums);
        ``"DAMAGED"`` (the curated file's size or sha256 differs from the one recorded when
        it was built: overwritten, truncated or edited).
    """
    stamp = read_stamp(source_id)
    path = curated_path(source_id)
    if stamp is None or not path.exists():
        return NOT_BUILT
    if stale_inputs(source_id):
        return STALE
    if (
        path.stat().st_size != stamp.get("curated_bytes")
        or sources.sha256_of(path) != stamp["curated_sha256"]
    ):
        return DAMAGED
    return CURRENT


def is_current(source_id: str) -> bool:
    """True when the curated table exists, matches the raw checksum and reader version, and
    is byte for byte the file that was built (size and sha256 recorded in its stamp)."""
    return status(source_id) == CURRENT


def build_table(
    raw_file: Path, reader: str, *, read_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read one raw file with the named reader and apply its post-processing.

    Post-processing maps the country names of the Walk Free and TIP files to ISO3 with
    :func:`tiptrends.io.countries.attach_iso3` (the UNODC file carries ISO3 codes already).
    ``read_table``: the reader's output for ``raw_file``, read already (not read again).
    """
    spec = READERS[reader]
    table = spec.read()(raw_file) if read_table is None else read_table
    if spec.country_columns:
        from tiptrends.io.countries import attach_iso3

        for name_column, code_column in spec.country_columns:
            prefix = iso3_prefix(name_column)
            mapped = attach_iso3(table, name_column=name_column, code_column=code_column)
            table = mapped.rename(
                columns={"iso3": f"{prefix}iso3", "iso3_match": f"{prefix}iso3_match"}
            )
    return table


def build(
    source_id: str,
    *,
    force: bool = False,
    allow_download: bool = True,
    read_table: pd.DataFrame | None = None,
) -> tuple[Path, str]:
    """Fetch, read and write the curated table of one source.

    Parameters
    ----------
    source_id
        Id in ``data/sources.toml``.
    force
        Rebuild even when the stamp says the table is current.
    allow_download
        Passed to :func:`tiptrends.io.sources.fetch`.
    read_table
        The source's reader output for its raw file, when the caller has just read that file
        (``data add-release`` reads it to check it before pinning): not read a second time.
        The raw file is still fetched and its checksum verified, and the table is post-
        processed and checked against the curated schema as a read one would be.

    Returns
    -------
    (Path, str)
        The curated file and "built", "up to date" or "rebuilt (was DAMAGED)" (the curated
        file no longer matched the size and sha256 recorded in its stamp).
    """
    source = sources.get_source(source_id)
    reader_of(source)  # an unknown reader is bad input, before anything is fetched
    remove_stale_temporaries(paths.curated_dir())
    before = status(source_id)
    if not force and before == CURRENT:
        if not schema_checked(source_id):  # the schema's code changed: check the table again
            _check_again(source_id, source.reader)
        return curated_path(source_id), "up to date"
    changed = stale_inputs(source_id) if before == STALE else []
    # inputs digested before the read: a mapping edited during the build leaves it stale
    inputs = reader_of(source).inputs()
    raw_file, origin = sources.fetch(source_id, allow_download=allow_download)
    started = time.perf_counter()
    table = _check_schema(
        raw_file, source.reader, build_table(raw_file, source.reader, read_table=read_table)
    )
    target = curated_path(source_id)
    # remove the old stamp first: if anything below fails, the table is not taken as current
    stamp_path(source_id).unlink(missing_ok=True)
    written: dict[str, str | int] = {}

    def write_table(tmp: Path) -> None:
        table.to_parquet(tmp, index=False)
        written.update(sha256=sources.sha256_of(tmp), size=tmp.stat().st_size)

    write_atomic(target, write_table)
    stamp = {
        "source": source_id,
        "sha256": source.sha256,
        "reader_version": READERS[source.reader].version,
        "inputs": inputs,
        "curated_sha256": written["sha256"],
        "curated_bytes": written["size"],
        "schema_checked": schema_code(source.reader),
        "rows": len(table),
        "origin": origin,
        "seconds": round(time.perf_counter() - started, 3),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_json_atomic(stamp_path(source_id), stamp)
    if force:
        return target, "built"
    if before == DAMAGED:
        return target, "rebuilt (was DAMAGED)"
    if changed:
        return target, f"rebuilt (changed: {', '.join(changed)})"
    return target, "built"


def _check_schema(path: Path, reader: str, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` checked row by row against :func:`curated_schema` (the ISO3 columns the build
    adds included); DataError naming ``path`` if it fails."""
    schema = curated_schema(reader)
    if schema is None:
        return table
    from tiptrends.io.readers._common import validate

    return validate(path, schema, table)


def _check_again(source_id: str, reader: str) -> None:
    """Check a current table against the schema the code now defines (every row) and record
    it in the stamp; DataError naming the table if it fails."""
    path = curated_path(source_id)
    _check_schema(path, reader, pd.read_parquet(path))
    stamp = read_stamp(source_id) or {}
    stamp["schema_checked"] = schema_code(reader)
    write_json_atomic(stamp_path(source_id), stamp)


def build_all(*, force: bool = False, allow_download: bool = True) -> dict[str, tuple[Path, str]]:
    """Build every curated table of the manifest (see :func:`build`)."""
    return {
        sid: build(sid, force=force, allow_download=allow_download)
        for sid in sources.load_manifest()
    }


def read_curated(source_id: str) -> pd.DataFrame:
    """Read a curated table, building it first when missing, out of date or damaged."""
    if not is_current(source_id):
        build(source_id)
    path = curated_path(source_id)
    try:
        return pd.read_parquet(path)
    except Exception as exc:
        raise DataError(
            path,
            f"curated table unreadable ({type(exc).__name__}); run `tiptrends data build --force`",
        ) from None
