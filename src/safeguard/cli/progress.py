"""A terminal progress bar for triage (files/s, MB/s, ETA); quiet when not a terminal."""

from __future__ import annotations

import threading
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)


class RichProgress:
    """Fed from worker threads; rich's own lock keeps it consistent."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.fields[files]} files"),
            TextColumn("{task.fields[rate]:>6.0f} files/s"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._task: TaskID | None = None
        self._files = 0
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._label = "triage"

    def start(self, total_bytes: int | None) -> None:
        self._progress.start()
        self._started = time.monotonic()
        self._task = self._progress.add_task(self._label, total=total_bytes, files=0, rate=0.0)

    def workers(self, count: int, where: str) -> None:
        self._label = f"triage, {count} worker{'s' if count != 1 else ''} ({where})"
        if self._task is not None:
            self._progress.update(self._task, description=self._label)

    def advance(self, files: int = 0, nbytes: int = 0) -> None:
        if self._task is None:
            return
        with self._lock:
            self._files += files
            count = self._files
        elapsed = max(time.monotonic() - self._started, 1e-6)
        self._progress.update(self._task, advance=nbytes, files=count, rate=count / elapsed)

    def close(self) -> None:
        self._progress.stop()
