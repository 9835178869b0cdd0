"""Worker processes on this machine: every core digesting, whatever the walk costs.

On threads, the main thread's walk, resume check and journal shared the GIL with the
digesting threads, and a run of small files reached about 60 % of what the cores can
digest. Here each worker is a process of its own (forked, so it starts in milliseconds
with the engine already imported), fed batches of entries through a pipe; it sends back
journal rows, a large archive's as they are made. The coordinating process only walks,
inserts rows and reports.

A worker dies with the run: the kernel kills it when its parent dies (`kill -9` of the
run included), and it lets go of the output folder's lock at once, so `--resume` can
start straight away. A worker that dies on its own (a parser's crash in C on a hostile
file) has its batches redone by the others; a batch that kills a second worker stops
the run with a message naming its items, and the journal keeps what was done.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import queue
import signal
import threading
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from .batches import Batch, BatchOutcome, ExamineSettings, examine_batch
from .dispatch import Dispatcher, RunState
from .errors import EvidenceError, ResumeRefused
from .records import FileEntry

# Batches waiting at each worker: one being examined, one ready behind it.
DEPTH = 2
# A batch is redone once after its worker died; the second death stops the run.
ATTEMPTS = 2


@dataclass
class _Stopped:
    """The batch met a reason to stop the whole run (a changed file on resume)."""

    number: int
    error: BaseException


@dataclass
class _Failed:
    """The worker failed outside any one item's examination (a bug)."""

    number: int
    text: str


class _Worker:
    def __init__(self, context: Any, settings: ExamineSettings, lock_fd: int | None) -> None:
        ours, theirs = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(theirs, settings, lock_fd, os.getpid()),
            name="safeguard-examine", daemon=True)
        self.process.start()
        theirs.close()
        self.conn: Connection = ours
        self.outstanding: dict[int, Batch] = {}
        self.nbytes = 0
        self.alive = True

    def send(self, batch: Batch) -> None:
        self.outstanding[batch.number] = batch
        self.nbytes += batch.nbytes
        self.conn.send(batch)

    def done(self, number: int) -> Batch:
        batch = self.outstanding.pop(number)
        self.nbytes -= batch.nbytes
        return batch

    def how_it_died(self) -> str:
        self.process.join(timeout=5)
        code = self.process.exitcode
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                return f"killed by {signal.Signals(-code).name}"
        return f"exit status {code}"


class LocalProcesses(Dispatcher):
    """`count` worker processes for the files that have a path on this machine."""

    def __init__(self, run: RunState, settings: ExamineSettings, count: int,
                 lock_fd: int | None) -> None:
        super().__init__(run, settings)
        # Forked: no second import of the engine (half a second a process here).
        context = multiprocessing.get_context("fork")
        self.workers = [_Worker(context, settings, lock_fd) for _ in range(count)]
        self.attempts: dict[int, int] = {}
        self.retry: list[Batch] = []
        run.progress.workers(count, "this machine")

    def readable(self, position: int, entry: FileEntry) -> bool:
        return entry.local_path is not None

    def slots(self) -> int:
        return max(1, sum(w.alive for w in self.workers))

    def _live(self) -> list[_Worker]:
        live = [w for w in self.workers if w.alive]
        if not live:
            raise EvidenceError("every worker process has died: the run stops; what was "
                                "done is journalled (--resume finishes it)")
        return live

    def _send(self, batch: Batch) -> None:
        self.retry.append(batch)
        while self.retry:
            worker = min(self._live(), key=lambda w: (len(w.outstanding), w.nbytes))
            if len(worker.outstanding) >= DEPTH:
                self._collect(block=True)
                continue
            worker.send(self.retry.pop(0))

    def _busy(self) -> bool:
        if self.retry:
            self._send(self.retry.pop(0))
        return any(w.outstanding for w in self.workers if w.alive)

    def _collect(self, block: bool) -> None:
        live = {w.conn: w for w in self._live()}
        timeout = self.run.commit_seconds if block else 0
        for conn in wait(list(live), timeout):
            worker = live[conn]  # type: ignore[index]
            try:
                while worker.alive and worker.conn.poll():
                    self._message(worker, worker.conn.recv())
            except (EOFError, OSError):
                self._lost(worker)

    def _message(self, worker: _Worker, message: object) -> None:
        if isinstance(message, BatchOutcome):
            batch = (worker.done(message.number) if message.final
                     else worker.outstanding[message.number])
            self._arrived(message, batch)
        elif isinstance(message, _Stopped):
            raise message.error
        elif isinstance(message, _Failed):
            batch = worker.outstanding[message.number]
            raise RuntimeError(f"a worker process failed examining {batch.describe()}:\n"
                               f"{message.text}")

    def _lost(self, worker: _Worker) -> None:
        worker.alive = False
        how = worker.how_it_died()
        for batch in worker.outstanding.values():
            attempts = self.attempts[batch.number] = self.attempts.get(batch.number, 0) + 1
            if attempts >= ATTEMPTS:
                raise EvidenceError(
                    f"{batch.describe()}: the worker processes examining these items died "
                    f"{attempts} times ({how}): the run stops; what was done is journalled "
                    "(--resume retries the rest)")
            self.retry.append(batch)
        worker.outstanding.clear()

    def close(self) -> None:
        for worker in self.workers:
            if worker.alive:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        for worker in self.workers:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()


# -- in the worker process ------------------------------------------------------------


def _serve(conn: Connection, settings: ExamineSettings, lock_fd: int | None,
           parent: int) -> None:
    _die_with(parent)
    if lock_fd is not None:
        # Closed, never unlocked: the lock is the run's (flock is shared with the parent's
        # descriptor), and a killed run's resume must not find it held by its workers.
        with contextlib.suppress(OSError):
            os.close(lock_fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    # Batches are read as they come, so that the coordinator never waits to send one
    # while this process waits to send its rows back.
    batches: queue.SimpleQueue[Batch | None] = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(conn, batches), daemon=True).start()
    sending = threading.Lock()

    def emit(message: object) -> None:
        with sending:
            conn.send(message)

    while (batch := batches.get()) is not None:
        try:
            outcome = examine_batch(batch, settings, emit)
        except ResumeRefused as exc:
            emit(_Stopped(batch.number, exc))
        except BaseException as exc:  # reported to the coordinator, which stops
            emit(_Failed(batch.number, "".join(traceback.format_exception(exc))))
        else:
            emit(outcome)


def _receive(conn: Connection, batches: queue.SimpleQueue[Batch | None]) -> None:
    try:
        while True:
            batch = conn.recv()
            batches.put(batch)
            if batch is None:
                return
    except (EOFError, OSError):
        batches.put(None)  # the coordinator has gone


_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux); elsewhere it ends
    when its pipe closes, after the batch at hand."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        # The process's own symbols hold libc's (find_library would run ldconfig).
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(0)
