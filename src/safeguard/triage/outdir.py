"""The output folder of one run: locked while the run holds it, with its spool inside.

Two runs writing one --out at once would each redo the other's work and fight over the
reports (seen: one ended in a traceback renaming files.csv). The first run takes an
exclusive lock on `.safeguard.lock` for as long as it runs, before it even looks for a
journal, so that the check and the start cannot interleave; a second run is refused
naming the folder and the process holding it. The lock is the kernel's (flock): a run
killed with -9 releases it with its process, and the file itself is left in place (a
waiting process may already hold it open).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from .errors import UsageError
from .expansion import clear_spool

LOCK_NAME = ".safeguard.lock"
SPOOL_NAME = ".spool"


class OutputFolder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def lock_fd(self) -> int | None:
        """The locked descriptor, for worker processes to close (never unlock) when they
        start (workers.py): the lock then dies with the run alone."""
        return self._fd

    @property
    def spool(self) -> Path:
        """Copies of nested archives too large for memory; emptied at start and end."""
        return self.path / SPOOL_NAME

    def __enter__(self) -> OutputFolder:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise UsageError(f"{self.path}: cannot use as the output folder: "
                             f"{exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise UsageError(
                f"{self.path} is in use by another triage run (process {holder}): wait for "
                "it to finish, or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        clear_spool(self.spool)  # what a killed run left behind
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        clear_spool(self.spool)
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
