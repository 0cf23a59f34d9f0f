"""Leases on folders: which builds and temporary folders a running process is using. No HTTP.

A lease is a shared ``flock`` on the file ``.lease`` inside the folder, held open for as long
as the folder is in use: by ``ikg serve`` on the build it serves, by ``ikg build`` on the
folder it is writing, by ``ikg export`` on the build it reads and on its working folder. The
operating system drops the lock when the process ends, however it ends (SIGKILL included),
so a folder left behind by a killed process is never leased, and one that is leased is never
removed: clean-ups take the lock exclusively (without waiting) before removing anything.

``flock`` locks belong to an open file, not to a process, so a lease taken in this process
also keeps this process's own clean-ups away from the folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.errors import StoreError

__all__ = ["LEASE_FILE", "Lease", "lease", "lease_new", "in_use", "exclusive", "remove_folder"]

#: The file, inside a leased folder, that the lease locks.
LEASE_FILE = ".lease"


class Lease:
    """A held lease on ``folder``; :meth:`release` it (or leave the ``with`` block, or end the
    process) when the folder is no longer in use. Get one with :func:`lease`."""

    def __init__(self, folder: Path, fd: int) -> None:
        self.folder = folder
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        """Whether the lease is still held."""
        return self._fd is not None

    def release(self) -> None:
        """Let the folder go (again: nothing happens)."""
        if self._fd is not None:
            os.close(self._fd)  # closing the file drops the lock
            self._fd = None

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __del__(self) -> None:
        self.release()


def lease(folder: Path | str) -> Lease:
    """Lease ``folder``: while the lease is held, no clean-up removes it.

    Waits only while a clean-up is removing the folder (and then fails).

    Raises
    ------
    StoreError
        When the folder does not exist (or was removed meanwhile), or the lock file cannot be
        made.
    """
    folder = Path(folder)
    path = folder / LEASE_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError as e:
        raise StoreError(f"cannot lease {folder}: {e}") from e
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        # a clean-up renames a folder away (under its exclusive lock) before removing it: the
        # file locked here must still be the one at the path
        here, locked = os.stat(path), os.fstat(fd)
        if (here.st_dev, here.st_ino) != (locked.st_dev, locked.st_ino):
            raise FileNotFoundError(f"{folder} was removed")
    except OSError as e:
        os.close(fd)
        raise StoreError(f"cannot lease {folder}: {e}") from e
    return Lease(folder, fd)


def lease_new(make: Callable[[], Path], attempts: int = 5) -> Lease:
    """A new folder, made by ``make`` and leased before any clean-up can take it for a leftover
    (when one did, in the moment between, another folder is made).

    Raises
    ------
    StoreError
        When ``attempts`` folders in a row were removed before they could be leased, or one
        cannot be made.
    """
    failure: StoreError | None = None
    for _ in range(attempts):
        try:
            folder = make()
        except OSError as e:
            raise StoreError(f"cannot make a folder: {e}") from e
        try:
            return lease(folder)
        except StoreError as e:
            failure = e
    raise StoreError(f"{attempts} new folders were removed before they could be leased; "
                     f"the last: {failure}")


def in_use(folder: Path | str) -> bool:
    """Whether a process (this one included) holds a lease on ``folder``."""
    try:
        fd = os.open(Path(folder) / LEASE_FILE, os.O_RDONLY)
    except OSError:  # no lock file: nobody ever leased it
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


@contextmanager
def exclusive(folder: Path | str) -> Iterator[bool]:
    """Inside the block: True when nobody leases ``folder``, and nobody can start to until the
    block ends (the place to :func:`remove_folder` it); False when it is leased, gone or
    cannot be locked. Never waits."""
    try:
        fd = os.open(Path(folder) / LEASE_FILE, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def remove_folder(folder: Path) -> None:
    """Remove ``folder``, inside :func:`exclusive` (which said True). It is first renamed to a
    hidden ``...removing-<pid>`` name, so that a lease about to start on it fails instead of
    holding a folder half deleted; a removal cut short leaves that name, a leftover like any
    other for the next clean-up."""
    doomed = folder.with_name(f".{folder.name.lstrip('.')}.removing-{os.getpid()}")
    try:
        os.rename(folder, doomed)
    except OSError:
        doomed = folder
    shutil.rmtree(doomed, ignore_errors=True)
