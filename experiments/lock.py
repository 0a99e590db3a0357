"""One writer per results folder: an operating-system lock on ``<folder>/.cogov-lock``.

Two ``cogov sweep`` (or ``compare``, ``sensitivity``) on the same folder would each see the same
runs missing, run them all and store every run twice. :func:`folder_lock` takes an exclusive,
non-blocking lock on a file in the folder before anything is planned or written; a second writer is
refused at once with :class:`FolderInUse`, which names the holder (command, pid, host, since when)
from what the holder wrote into the lock file.

The lock is the kernel's (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows), held through an
open file descriptor: when its holder ends in any way — normally, by Ctrl-C, ``kill -9`` or a crash —
the operating system releases it. A folder is never left locked by a process that no longer exists,
so there is nothing to clean up by hand. The lock file itself stays (it is hidden, and readers of the
folder ignore it); its contents only describe the holder and are emptied on release.

Within one process the lock is re-entrant: a comparison that runs several sweeps on its folder holds
it once, across all of them. Readers (``load_runs``, ``cogov plot``, ``pandas.read_parquet``) take no
lock: every file in a results folder is written whole and renamed into place.

On a network filesystem the lock works where the filesystem supports ``flock`` (Linux NFS maps it to
NFS locks). Where locking is not supported at all, a warning says so and the sweep goes on unlocked.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import json
import os
import socket
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCK_FILE = ".cogov-lock"
"""Name of the lock file inside a results folder (hidden: dataset readers skip it)."""

_WINDOWS_LOCK_OFFSET = 1 << 30
"""Windows locks a byte range, and a locked range cannot be read by others: lock one byte far past the
holder's description so that a refused process can still read who holds the folder."""

_UNSUPPORTED = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}
_CONTENTION = {errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK}


class ResultsFolderError(RuntimeError):
    """A results folder cannot be used: it is in use, or it cannot be written. The message says which
    folder and what to do."""


class FolderInUse(ResultsFolderError):
    """Another process holds the folder's lock (:func:`folder_lock`)."""

    def __init__(self, directory: Path, holder: dict[str, Any] | None):
        self.directory = directory
        self.holder = holder or {}
        if holder:
            who = (f"{holder.get('command') or 'another process'} pid {holder.get('pid', '?')} "
                   f"on host {holder.get('host', '?')} since {holder.get('since', '?')}")
        else:  # it has locked the file and not yet said who it is, or wrote nothing readable
            who = "another process (it has not recorded which)"
        super().__init__(
            f"{directory} is in use by {who}: two writers would run and store every run twice. Wait for it "
            "to finish, stop it (its finished runs are kept), or choose another --out. The lock goes with its "
            "holder: if that process has ended, run the command again.")


@dataclass
class _Held:
    fd: int | None  # None where the filesystem cannot lock
    count: int


_held: dict[str, _Held] = {}
_guard = threading.Lock()


def program() -> str:
    """What this process is, for the lock file: ``cogov sweep`` for the command line, else the script."""
    argv = sys.argv
    script = Path(argv[0]).name if argv and argv[0] else "python"
    is_cli = script == "cogov" or Path(argv[0]).parts[-2:] in (("cogov", "cli.py"), ("cogov", "__main__.py"))
    if is_cli and len(argv) > 1:
        return f"cogov {argv[1]}"
    return f"python {script}"


def read_holder(directory: Path) -> dict[str, Any] | None:
    """What the current (or last) holder wrote into the folder's lock file; None if nothing readable."""
    try:
        text = (Path(directory) / LOCK_FILE).read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        holder = json.loads(text)
    except json.JSONDecodeError:
        return None
    return holder if isinstance(holder, dict) else None


@contextlib.contextmanager
def folder_lock(directory: Path | str, command: str | None = None) -> Iterator[None]:
    """Hold the results folder ``directory`` (created if missing) for writing, or raise :class:`FolderInUse`.

    Non-blocking: a second writer is refused at once rather than queued behind an hours-long sweep.
    ``command`` describes this process in the lock file (default: :func:`program`). Re-entrant within
    a process. Raises :class:`ResultsFolderError` if the folder cannot be created.
    """
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ResultsFolderError(f"cannot create the results folder {folder}: {exc.strerror or exc}") from exc
    key = os.path.realpath(folder)
    with _guard:
        held = _held.get(key)
        if held is not None:
            held.count += 1
        else:
            fd = _acquire(folder, command or program())
            held = _held[key] = _Held(fd, 1)
    try:
        yield
    finally:
        with _guard:
            held.count -= 1
            if held.count == 0:
                del _held[key]
                if held.fd is not None:
                    _release(held.fd)


def _acquire(folder: Path, command: str) -> int | None:
    """Lock the folder's lock file and describe this process in it; the descriptor, or None where the
    filesystem cannot lock (with a warning)."""
    path = folder / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by programs this process starts
    except OSError as exc:
        raise ResultsFolderError(f"cannot create the lock file {path}: {exc.strerror or exc}") from exc
    try:
        locked = _try_lock(fd)
    except OSError as exc:
        os.close(fd)
        if exc.errno in _UNSUPPORTED:
            warnings.warn(f"{folder}: this filesystem does not support file locks ({exc.strerror}); make sure no "
                          "other sweep writes to this folder at the same time", RuntimeWarning, stacklevel=4)
            return None
        raise ResultsFolderError(f"cannot lock {path}: {exc.strerror or exc}") from exc
    if not locked:
        os.close(fd)
        raise FolderInUse(folder, _holder_when_refused(folder))
    since = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    record = {"command": command, "pid": os.getpid(), "host": socket.gethostname(), "since": since,
              "argv": sys.argv}
    data = (json.dumps(record) + "\n").encode()
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)
    except OSError:
        pass  # the lock is what matters; a full disk must not stop us from holding it
    return fd


def _holder_when_refused(folder: Path) -> dict[str, Any] | None:
    """The holder's description. A holder that has just taken the lock may not have written it yet: the
    file is then empty, or still describes an earlier holder that has ended; wait a little for it."""
    for _ in range(20):
        holder = read_holder(folder)
        if holder and not _ended(holder):
            return holder
        time.sleep(0.05)
    return None


def _ended(holder: dict[str, Any]) -> bool:
    """The described process is known to have ended (it ran on this host and its pid is gone)."""
    if holder.get("host") != socket.gethostname() or not isinstance(holder.get("pid"), int) or os.name == "nt":
        return False  # another machine's process cannot be checked from here; os.kill would end it on Windows
    try:
        os.kill(holder["pid"], 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists (and belongs to someone else)
    return False


def _release(fd: int) -> None:
    try:
        os.ftruncate(fd, 0)  # the description is of a holder that no longer holds it
    except OSError:
        pass
    try:
        _unlock(fd)
    finally:
        os.close(fd)


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in _CONTENTION:
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in _CONTENTION:
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
