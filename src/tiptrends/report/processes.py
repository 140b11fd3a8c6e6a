"""The processes behind ``_build``: one lock, children that die with their parent, stale ones reaped.

Everything that writes ``_build`` (``tiptrends render``, ``tiptrends profile``, the golden
update, which renders) holds one lock, :func:`build_lock` (``_build/.render.lock``). The
lock is an ``flock``: the system releases it when its holder dies, even by ``kill -9``.

The processes a holder starts must not outlive it:

- render workers and the Sphinx process ask the system for a signal when their parent dies
  (:func:`die_with_parent`: ``prctl(PR_SET_PDEATHSIG)`` on Linux, a watchdog thread on the
  parent's pid elsewhere); a worker then kills its kernel, Sphinx its whole process group;
- kernels poll their parent themselves (ipykernel's parent poller, ``JPY_PARENT_PID``);
- each of these processes is registered in ``_build/.processes/`` (:func:`register`) with
  its start time, and the next holder of the lock kills whichever is still running
  (:func:`reap_stale`): nothing from a killed run races the next one.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

#: The one lock of ``_build`` (name kept from when only renders took it).
LOCK_NAME = ".render.lock"
#: Folder of the registered processes of the lock's holder.
REGISTRY = ".processes"

_PR_SET_PDEATHSIG = 1


def _start_time(pid: int) -> str | None:
    """Start time of process ``pid`` (clock ticks since boot, Linux); None when it is gone.

    Tells a registered process from a later one that reuses its pid. Without ``/proc`` the
    pid alone is used (``"?"``).
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return "?"
    # the command name (field 2) may hold spaces: fields after its closing parenthesis
    fields = stat.rsplit(")", 1)[-1].split()
    if fields and fields[0] == "Z":
        return None  # a zombie has finished
    return fields[19] if len(fields) > 19 else "?"


def _alive(pid: int) -> bool:
    if not Path("/proc").is_dir():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return _start_time(pid) is not None


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Have this process receive ``signum`` when its parent dies.

    On Linux the kernel sends it (``prctl(PR_SET_PDEATHSIG)``, set through ctypes); elsewhere,
    or when that call fails, a daemon thread watches the parent's pid. Call it early in a
    child process; a parent that is already gone triggers the signal at once.
    """
    parent = os.getppid()
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if not armed:
        watch_parent(parent, lambda: os.kill(os.getpid(), signum))
    if os.getppid() != parent or parent == 1:  # died before the request took effect
        os.kill(os.getpid(), signum)


def watch_parent(parent: int, on_gone: Callable[[], None], interval: float = 0.5) -> None:
    """Call ``on_gone`` (in a daemon thread) once process ``parent`` is no longer our parent."""

    def watch() -> None:
        while os.getppid() == parent and _alive(parent):
            time.sleep(interval)
        on_gone()

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def register(build: Path, pid: int, *, group: bool = False, role: str = "") -> None:
    """Record process ``pid`` (``group``: its whole process group) for :func:`reap_stale`."""
    start = _start_time(pid)
    if start is None:
        return
    folder = build / REGISTRY
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        record = {"pid": pid, "start": start, "group": group, "role": role}
        (folder / f"{pid}.json").write_text(json.dumps(record))


def unregister(build: Path, pid: int) -> None:
    """Forget process ``pid`` (it has ended normally)."""
    with contextlib.suppress(OSError):
        (build / REGISTRY / f"{pid}.json").unlink()


def reap_stale(build: Path, grace: float = 3.0) -> list[str]:
    """Kill the registered processes of an earlier holder of the lock that still run.

    Call it holding :func:`build_lock`: every registered process then belongs to a run that
    has ended (its holder was killed). SIGTERM first, SIGKILL after ``grace`` seconds.

    Returns
    -------
    list of str
        ``"<role> <pid>"`` of each process stopped.
    """
    folder = build / REGISTRY
    stopped, targets = [], []
    for f in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(f.read_text())
            pid, start = int(record["pid"]), str(record["start"])
        except (OSError, ValueError, KeyError, TypeError):
            f.unlink(missing_ok=True)
            continue
        now = _start_time(pid)
        if pid != os.getpid() and now is not None and (now == start or "?" in (now, start)):
            targets.append((pid, bool(record.get("group")), f))
            stopped.append(f"{record.get('role') or 'process'} {pid}")
        else:
            f.unlink(missing_ok=True)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid, group, _ in targets:
            with contextlib.suppress(OSError):
                if group:
                    os.killpg(pid, sig)
                else:
                    os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(_alive(pid) for pid, _, _ in targets):
            time.sleep(0.05)
    for _, _, f in targets:
        f.unlink(missing_ok=True)
    return stopped


@contextlib.contextmanager
def build_lock(build: Path, say: Callable[[str], None] = print) -> Iterator[None]:
    """Hold the one lock of ``build`` (waiting for another holder), reaping a killed run's leftovers.

    Raises
    ------
    OSError
        When ``build`` cannot be created or the lock file written.
    """
    from filelock import FileLock, Timeout

    build.mkdir(parents=True, exist_ok=True)
    path = build / LOCK_NAME
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        say(f"waiting for another render or profile to finish ({path})")
        lock.acquire()
    try:
        for leftover in reap_stale(build):
            say(f"stopped {leftover} left running by a killed run")
        yield
    finally:
        lock.release()
