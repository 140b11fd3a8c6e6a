"""The raw-source manifest (``data/sources.toml``), fetching and checksum verification.

A raw file is obtained, in this order, from:

1. the raw cache ``data/raw/`` when its sha256 matches the manifest;
2. the local mirror named by ``TIPTRENDS_DATA_MIRROR`` (same layout), copied into the cache;
3. the official URL, downloaded with pooch (which verifies the checksum).

A checksum mismatch is always an error naming the file and both hashes: a newer upstream
release is never accepted silently.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io.atomic import remove_stale_temporaries, write_atomic, write_json_atomic

#: Environment variable naming the local mirror of the raw files.
MIRROR_ENV = "TIPTRENDS_DATA_MIRROR"

#: Where a raw file came from (recorded in ``data/raw/.origin.json``).
ORIGINS = ("raw cache", "mirror", "download")


@dataclass(frozen=True)
class Source:
    """One raw source as described in the manifest."""

    id: str
    title: str
    file: str
    publisher: str
    homepage: str
    url: str
    release: str
    period: str
    licence: str
    citation: str
    sha256: str
    reader: str
    url_note: str = ""
    redistribute: bool = True
    """Whether the book may offer the file and its curated table for download (licence)."""

    @property
    def raw_path(self) -> Path:
        """Path of the file in the raw cache."""
        return paths.raw_dir() / self.file


_REQUIRED = (
    "title",
    "file",
    "publisher",
    "homepage",
    "url",
    "release",
    "period",
    "licence",
    "citation",
    "sha256",
    "reader",
)


def load_manifest(path: Path | None = None) -> dict[str, Source]:
    """Read the source manifest.

    Parameters
    ----------
    path
        Manifest file; defaults to ``data/sources.toml``.

    Returns
    -------
    dict
        Source id -> :class:`Source`, in manifest order.
    """
    path = path or paths.manifest_path()
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise DataError(path, "source manifest not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(path, f"source manifest is not valid TOML ({exc})") from None
    unknown = sorted(set(doc) - {"sources"})
    if unknown:
        raise DataError(path, f"unknown top-level key(s) {', '.join(unknown)}")
    entries = doc.get("sources", {})
    if not isinstance(entries, dict):
        raise DataError(path, "'sources' must be a table of [sources.<id>] tables")
    out: dict[str, Source] = {}
    for sid, entry in entries.items():
        out[sid] = _source(path, sid, entry, out)
    if not out:
        raise DataError(path, "source manifest lists no sources")
    return out


_FIELDS = frozenset(_REQUIRED) | {"url_note", "redistribute"}
#: Fields that hold a boolean rather than text.
_FLAGS = frozenset({"redistribute"})


def _source(path: Path, sid: str, entry: object, before: dict[str, Source]) -> Source:
    """One ``[sources.<id>]`` table -> :class:`Source`, or a one-line DataError."""
    if not isinstance(entry, dict):
        raise DataError(path, f"source {sid!r} must be a table, got {entry!r}")
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise DataError(path, f"source {sid!r}: unknown key(s) {', '.join(unknown)}")
    not_text = [k for k, v in entry.items() if k not in _FLAGS and not isinstance(v, str)]
    if not_text:
        k = not_text[0]
        raise DataError(path, f"source {sid!r}: {k} must be a string, got {entry[k]!r}")
    not_flag = [k for k in _FLAGS & set(entry) if not isinstance(entry[k], bool)]
    if not_flag:
        k = not_flag[0]
        raise DataError(path, f"source {sid!r}: {k} must be true or false, got {entry[k]!r}")
    missing = [k for k in _REQUIRED if not entry.get(k, "").strip()]
    if missing:
        raise DataError(path, f"source {sid!r} lacks {', '.join(missing)}")
    if not re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]):
        raise DataError(path, f"source {sid!r} has a malformed sha256 (64 lower-case hex digits)")
    if entry["reader"] == "unodc":
        try:
            date.fromisoformat(entry["release"])
            valid = bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["release"]))
        except ValueError:
            valid = False
        if not valid:
            raise DataError(
                path,
                f"source {sid!r}: release {entry['release']!r} of a GLOTIP file must be its "
                "release date, YYYY-MM-DD",
            )
    for other in before.values():
        if other.file == entry["file"]:
            raise DataError(
                path, f"source {sid!r}: same file as source {other.id!r} ({other.file})"
            )
    return Source(id=sid, **entry)


def get_source(source_id: str) -> Source:
    """Return one source of the manifest by id (``DataError`` if unknown)."""
    manifest = load_manifest()
    if source_id not in manifest:
        raise DataError(
            paths.manifest_path(), f"unknown source {source_id!r}; known: {', '.join(manifest)}"
        )
    return manifest[source_id]


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _origin_file() -> Path:
    return paths.raw_dir() / ".origin.json"


def _record_origin(source: Source, origin: str) -> None:
    log = read_origins()
    log[source.id] = origin
    write_json_atomic(_origin_file(), log)


def read_origins() -> dict[str, str]:
    """Return source id -> where its cached raw file came from."""
    try:
        return json.loads(_origin_file().read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _differs(path: Path, expected: str) -> str | None:
    """Describe how ``path`` differs from the pinned checksum, or None when it matches."""
    actual = sha256_of(path)
    if actual == expected:
        return None
    size = path.stat().st_size
    if size == 0:
        return f"file is empty (0 bytes; expected sha256 {expected})"
    return f"checksum mismatch: expected sha256 {expected}, got {actual} ({size} bytes)"


def _copy_verified(src: Path, source: Source) -> None:
    """Copy the mirror file ``src`` into the raw cache atomically after verifying its checksum."""
    problem = _differs(src, source.sha256)
    if problem is not None:
        raise DataError(
            src,
            f"{problem}; the bad copy is in the mirror {src.parent} ({MIRROR_ENV}), not in "
            "data/raw/: replace it with the release pinned in data/sources.toml, or unset "
            f"{MIRROR_ENV} to use the official URL",
        )
    dest = source.raw_path
    write_atomic(dest, lambda tmp: shutil.copyfile(src, tmp), mode=0o444)


def _mirror_folder() -> Path | None:
    """The mirror folder, or None when unset; DataError when it is set but does not exist."""
    mirror = paths.mirror_dir()
    if mirror is not None and not mirror.is_dir():
        raise DataError(
            None,
            f"mirror folder {mirror} (named by {MIRROR_ENV}) does not exist; "
            f"correct or unset {MIRROR_ENV}",
        )
    return mirror


def fetch(source_id: str, *, allow_download: bool = True) -> tuple[Path, str]:
    """Make one raw file available in the raw cache, verified by checksum.

    Parameters
    ----------
    source_id
        Id of the source in the manifest.
    allow_download
        Try the official URL (with pooch) when neither cache nor mirror has the file.

    Returns
    -------
    (Path, str)
        The cached file and where it came from ("raw cache", "mirror" or "download").

    Raises
    ------
    DataError
        On a checksum mismatch (naming both hashes and where the bad copy is), an empty
        file, a mirror folder that does not exist, or when no copy can be obtained.
    """
    source = get_source(source_id)
    cached = source.raw_path
    remove_stale_temporaries(cached.parent, legacy=(".part-*",))  # .part-*: older copies
    # a mirror named but absent is bad input even when the cache is complete (README: exit 2)
    mirror = _mirror_folder()
    if cached.exists():
        problem = _differs(cached, source.sha256)
        if problem is None:
            return cached, read_origins().get(source.id, "raw cache")
        raise DataError(
            cached,
            f"{problem} in the raw cache {cached.parent} "
            "(delete the cached file to fetch it again, or update data/sources.toml deliberately)",
        )
    if mirror is not None and (mirror / source.file).exists():
        _copy_verified(mirror / source.file, source)
        _record_origin(source, "mirror")
        return cached, "mirror"
    if mirror is None:
        no_mirror = f"no mirror ({MIRROR_ENV} is not set)"
    else:
        no_mirror = f"not in the mirror {mirror}"
    if not allow_download:
        raise DataError(
            cached, f"raw file missing: not in data/raw/, {no_mirror}, and downloads disabled"
        )
    import pooch  # imported here: only needed for downloads

    try:
        pooch.retrieve(
            source.url,
            known_hash=f"sha256:{source.sha256}",
            fname=Path(source.file).name,
            path=cached.parent,
            progressbar=False,
        )
    except ValueError as exc:  # pooch's checksum mismatch
        raise DataError(cached, f"downloaded file rejected: {str(exc).splitlines()[0]}") from None
    except Exception as exc:  # network errors of any kind
        raise DataError(
            cached,
            f"raw file missing: not in data/raw/, {no_mirror}, and download from "
            f"{source.url} failed ({type(exc).__name__}); run `make data` where the download "
            f"works, or set {MIRROR_ENV} to a folder holding the raw files",
        ) from None
    _record_origin(source, "download")
    return cached, "download"


def fetch_all(*, allow_download: bool = True) -> dict[str, tuple[Path, str]]:
    """Fetch every source of the manifest; see :func:`fetch`."""
    return {sid: fetch(sid, allow_download=allow_download) for sid in load_manifest()}


def verify(source_id: str) -> str:
    """Return the checksum status of a cached raw file: "verified", "missing" or "MISMATCH"."""
    source = get_source(source_id)
    if not source.raw_path.exists():
        return "missing"
    return "verified" if sha256_of(source.raw_path) == source.sha256 else "MISMATCH"
