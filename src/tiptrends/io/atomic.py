"""Atomic file writes: readers see the old file or the new one, never half of one.

Every file the project writes (curated tables and their stamps, the raw cache, figures,
executed notebooks, the site, ``results.json``) goes through :func:`write_atomic`: the
content is written to a temporary file in the target's folder, given the permissions of the
rest of the build (``0o644`` less the umask; ``mkstemp`` alone would leave ``0o600``) and
renamed into place with :func:`os.replace`. A failure removes the temporary file.

A process killed between the two steps cannot clean up after itself, so temporary names
carry the writer's process id (``.<name>.<pid>.<random>.tmp``) and
:func:`remove_stale_temporaries` deletes those whose process is gone.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Permissions of every written file before the umask (owner writes, everyone reads).
FILE_MODE = 0o644

_TEMP_RE = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)\.[^.]+\.tmp$")


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def write_atomic(path: str | Path, write: Callable[[Path], None], *, mode: int = FILE_MODE) -> Path:
    """Write ``path`` atomically with ``write(temporary_path)``.

    Parameters
    ----------
    path : str or Path
        The target file; its folder is created when missing.
    write : callable
        Called with the temporary file's path (in the target's folder); writes the content.
    mode : int
        Permissions of the final file, less the process umask (default ``0o644``).

    Returns
    -------
    Path
        The target.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp"
    )
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, mode & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def write_bytes_atomic(path: str | Path, data: bytes, *, mode: int = FILE_MODE) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`write_atomic`)."""
    return write_atomic(path, lambda tmp: tmp.write_bytes(data), mode=mode)


def write_text_atomic(path: str | Path, text: str, *, mode: int = FILE_MODE) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"), mode=mode)


def write_json_atomic(path: str | Path, data: Any) -> Path:
    """Write ``data`` as indented JSON with sorted keys to ``path`` atomically."""
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    return write_text_atomic(path, text)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except (OverflowError, OSError):
        return False
    return True


def remove_stale_temporaries(
    folder: str | Path, legacy: tuple[str, ...] = (".*.tmp",)
) -> list[Path]:
    """Delete temporary files left in ``folder`` by writers that were killed.

    A temporary file whose name carries the id of a running process belongs to a write in
    progress and is kept; one whose process is gone, or with no process id in its name
    (written before ids were recorded), is removed.

    Parameters
    ----------
    folder : str or Path
        The folder to clean (not its subfolders).
    legacy : tuple of str
        Glob patterns of temporary names to consider, besides this module's own.

    Returns
    -------
    list of Path
        The files removed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    candidates = {p for pattern in (".*.tmp", *legacy) for p in folder.glob(pattern)}
    for candidate in sorted(candidates):
        match = _TEMP_RE.match(candidate.name)
        if match and _process_alive(int(match["pid"])):
            continue
        try:
            candidate.unlink()
        except FileNotFoundError:
            continue
        removed.append(candidate)
    return removed


def rename_into_place(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    """Rename ``src`` over ``dst`` in one step (both on one file system): the swap of a
    prepared file or folder, used where several outputs are put in place together."""
    os.replace(src, dst)
