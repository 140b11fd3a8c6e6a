"""Build curated Parquet tables from the verified raw files.

Each source of the manifest becomes ``data/curated/<source id>.parquet`` plus a stamp
``<source id>.json`` recording the raw sha256 and the reader version it was built from.
A table is rebuilt only when either changes (or when forced). Writes are atomic: the table
goes to a temporary file in the same folder and is renamed into place, and the stamp is
written last, so a failed build leaves no partial curated file behind.
"""

from __future__ import annotations

import importlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pandas as pd
import pandera.pandas as pa

from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io import sources


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


def iso3_prefix(name_column: str) -> str:
    """Prefix of the ISO3 columns added for a name column ("" for ``country``)."""
    return "" if name_column == "country" else f"{name_column}_"


def curated_schema(reader: str) -> pa.DataFrameSchema | None:
    """The reader's schema extended with the ISO3 columns that the build adds."""
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


def is_current(source_id: str) -> bool:
    """True when the curated table exists and matches the raw checksum and reader version."""
    source = sources.get_source(source_id)
    stamp = read_stamp(source_id)
    return (
        stamp is not None
        and curated_path(source_id).exists()
        and stamp.get("sha256") == source.sha256
        and stamp.get("reader_version") == READERS[source.reader].version
    )


def _atomic_write_bytes(target: Path, write: Callable[[str], None]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_table(raw_file: Path, reader: str) -> pd.DataFrame:
    """Read one raw file with the named reader and apply its post-processing.

    Post-processing maps the country names of the Walk Free and TIP files to ISO3 with
    :func:`tiptrends.io.countries.attach_iso3` (the UNODC file carries ISO3 codes already).
    """
    spec = READERS[reader]
    table = spec.read()(raw_file)
    if spec.country_columns:
        from tiptrends.io.countries import attach_iso3

        for name_column, code_column in spec.country_columns:
            prefix = iso3_prefix(name_column)
            mapped = attach_iso3(table, name_column=name_column, code_column=code_column)
            table = mapped.rename(
                columns={"iso3": f"{prefix}iso3", "iso3_match": f"{prefix}iso3_match"}
            )
    return table


def build(source_id: str, *, force: bool = False, allow_download: bool = True) -> tuple[Path, str]:
    """Fetch, read and write the curated table of one source.

    Parameters
    ----------
    source_id
        Id in ``data/sources.toml``.
    force
        Rebuild even when the stamp says the table is current.
    allow_download
        Passed to :func:`tiptrends.io.sources.fetch`.

    Returns
    -------
    (Path, str)
        The curated file and "built" or "up to date".
    """
    source = sources.get_source(source_id)
    if not force and is_current(source_id):
        return curated_path(source_id), "up to date"
    raw_file, origin = sources.fetch(source_id, allow_download=allow_download)
    started = time.perf_counter()
    table = build_table(raw_file, source.reader)
    target = curated_path(source_id)
    # remove the old stamp first: if anything below fails, the table is not taken as current
    stamp_path(source_id).unlink(missing_ok=True)
    _atomic_write_bytes(target, lambda tmp: table.to_parquet(tmp, index=False))
    stamp = {
        "source": source_id,
        "sha256": source.sha256,
        "reader_version": READERS[source.reader].version,
        "rows": len(table),
        "origin": origin,
        "seconds": round(time.perf_counter() - started, 3),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _atomic_write_bytes(
        stamp_path(source_id), lambda tmp: Path(tmp).write_text(json.dumps(stamp, indent=1))
    )
    return target, "built"


def build_all(*, force: bool = False, allow_download: bool = True) -> dict[str, tuple[Path, str]]:
    """Build every curated table of the manifest (see :func:`build`)."""
    return {
        sid: build(sid, force=force, allow_download=allow_download)
        for sid in sources.load_manifest()
    }


def read_curated(source_id: str) -> pd.DataFrame:
    """Read a curated table, building it first when missing or out of date."""
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
