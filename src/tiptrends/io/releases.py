"""Adding a new release of the UNODC GLOTIP country data to the project.

UNODC publishes every release of ``data_glotip.xlsx`` under the same URL, so a new release is a
new file, pinned by its own checksum. :func:`add_glotip_release` does every step that makes it
usable (``tiptrends data add-release PATH`` runs it, then the revision diagnostics against the
previous release; see ``data/README.md``, "Adding a UNODC release"):

1. reads the file with :func:`tiptrends.io.readers.unodc.read_glotip` (every check of the
   reader; the release date comes from cell A2, the period from the data);
2. refuses a file already in the manifest, or an id or raw path taken by another file;
3. copies it, read-only, to ``data/raw/unodc/data_glotip_<release date>.xlsx``;
4. appends its entry (with its sha256) to ``data/sources.toml``;
5. builds the curated table.

Nothing is changed unless the file reads cleanly, and the manifest is written atomically, last
but one: a failed build leaves the entry in place and ``tiptrends data build`` finishes it.
Loaders find the release by name (``load_glotip("2026")`` or ``load_glotip("2026-06-30")``)
with no code change: the GLOTIP releases are the manifest's sources read by the UNODC reader.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io import curate, sources
from tiptrends.io.atomic import write_atomic, write_text_atomic

#: Reader name of the UNODC GLOTIP sources in ``data/sources.toml``.
UNODC_READER = "unodc"

_MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True)
class AddedRelease:
    """What :func:`add_glotip_release` did."""

    source_id: str
    release: str
    period: str
    rows: int
    sha256: str
    raw_path: Path
    previous: str | None


def glotip_sources() -> dict[str, sources.Source]:
    """The manifest's UNODC GLOTIP releases (source id -> source), oldest release first."""
    found = [s for s in sources.load_manifest().values() if s.reader == UNODC_READER]
    return {s.id: s for s in sorted(found, key=lambda s: s.release)}


def release_names() -> dict[str, str]:
    """Names accepted for a GLOTIP release -> source id.

    Each release answers to its source id (``glotip_2025``), the part after ``glotip_``
    (``2025``) and its release date (``2025-04-14``); ``latest`` names the newest release.
    """
    names: dict[str, str] = {}
    for sid, source in glotip_sources().items():
        names[sid] = sid
        names[source.release] = sid
        names[sid.removeprefix("glotip_")] = sid
        names["latest"] = sid  # sorted oldest first: the last one wins
    return names


def _long_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _toml_entry(source_id: str, fields: dict[str, str]) -> str:
    # TOML basic strings accept JSON's escapes for the characters json.dumps produces
    lines = [f"[sources.{source_id}]"]
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def unwritable_folder(*folders: Path) -> None:
    """Raise OSError (exit 3 from the CLI) for the first folder that cannot be written.

    Each folder is created if needed and a temporary file is written in it and removed, so
    read-only mounts, permissions and a path running through a file are all caught.
    """
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            raise OSError(exc.errno, f"cannot write to {folder}: {exc.strerror}") from None


def add_glotip_release(
    path: str | Path,
    *,
    source_id: str | None = None,
    build: bool = True,
    also_writable: Sequence[Path] = (),
) -> AddedRelease:
    """Check a new ``data_glotip.xlsx``, pin it in the manifest and build its curated table.

    Parameters
    ----------
    path : str or Path
        The downloaded workbook.
    source_id : str, optional
        Id in the manifest; default ``glotip_<year of the release date>``.
    build : bool
        Build the curated table (default True).
    also_writable : sequence of Path
        Further folders the caller will write to afterwards (the CLI's revisions table):
        checked with the others before anything is written.

    Returns
    -------
    AddedRelease
        The new source's id, release date, period, rows, sha256, cached raw file and the id
        of the previous (newest older) release, if any.

    Raises
    ------
    DataError
        When the file fails the reader's checks, is already in the manifest, or its id or
        raw path is taken by another file. Nothing is written then.
    OSError
        When a folder it (or the caller, ``also_writable``) writes to cannot be written;
        checked first, so nothing is written then either.
    """
    from tiptrends.io.readers._common import check_readable_file
    from tiptrends.io.readers.unodc import read_glotip

    path = Path(path)
    check_readable_file(path)
    sha256 = sources.sha256_of(path)  # a file pinned already is refused before it is read
    manifest = sources.load_manifest()
    for existing in manifest.values():
        if existing.sha256 == sha256:
            raise DataError(path, f"already in data/sources.toml as {existing.id!r}")
    table = read_glotip(path)  # DataError on anything the reader refuses
    release = str(table["release"].iloc[0])
    years = table["year"].astype(int)
    period = f"{years.min()}-{years.max()}"
    sid = source_id or f"glotip_{release[:4]}"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", sid):
        raise DataError(path, f"source id {sid!r} must be lower-case letters, digits and '_'")
    if sid in manifest:
        raise DataError(
            path,
            f"source id {sid!r} is already in data/sources.toml for another file "
            f"(release {manifest[sid].release}); choose another with --id",
        )
    relative = f"unodc/data_glotip_{release}.xlsx"
    if any(s.file == relative for s in manifest.values()):
        raise DataError(path, f"data/raw/{relative} is already pinned to another file")
    older = [s for s in glotip_sources().values() if s.release < release]
    previous = older[-1].id if older else None

    target = paths.raw_dir() / relative
    manifest_file = paths.manifest_path()
    # every folder written below, checked before anything is pinned: a failure half-way
    # would leave a pinned release that a retry refuses as "already in sources.toml"
    folders = [target.parent, manifest_file.parent]
    folders += [paths.curated_dir()] if build else []
    unwritable_folder(*folders, *also_writable)
    write_atomic(target, lambda tmp: shutil.copyfile(path, tmp), mode=0o444)
    long_date = _long_date(release)
    entry = _toml_entry(
        sid,
        {
            "title": f"UNODC Global Report on Trafficking in Persons: country data "
            f"(GLOTIP dataset), release of {long_date}",
            "file": relative,
            "publisher": "United Nations Office on Drugs and Crime (UNODC)",
            "homepage": "https://dataunodc.un.org/dp-trafficking-persons",
            "url": "https://dataunodc.un.org/sites/dataunodc.un.org/files/data_glotip.xlsx",
            "url_note": "UNODC publishes every release under the same file name; the URL serves "
            "the newest release, so once superseded this one comes from the mirror or the raw "
            f"cache. Added with `tiptrends data add-release` from {path.name}.",
            "release": release,
            "period": period,
            "licence": "UNODC data portal terms of use (free reuse with attribution to UNODC)",
            "citation": f"UNODC ({release[:4]}). Trafficking in persons: country data "
            f"(data_glotip.xlsx, release of {long_date}). United Nations Office on Drugs and "
            "Crime, Vienna.",
            "sha256": sha256,
            "reader": UNODC_READER,
        },
    )
    text = manifest_file.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + entry
    tomllib.loads(text)  # never write a manifest that does not parse
    write_text_atomic(manifest_file, text)
    if build:
        # the table just checked is the pinned file's (same sha256): not read a second time
        curate.build(sid, allow_download=False, read_table=table)
    return AddedRelease(sid, release, period, len(table), sha256, target, previous)
