"""Serving the platform from several processes that share one listening socket.

One waitress process serves with threads, but Python runs one thread at a time: on a
machine with several cores, pages that are busy in Python (the audit row, the session,
template rendering) queue behind each other. `safeguard serve --processes N` binds the
socket once, then forks N waitress processes that accept from it; the kernel hands each
connection to one of them. The parent only waits, and stops them all on Ctrl-C or SIGTERM.

Several processes need a database that several processes may write at once (PostgreSQL;
SQLite would refuse writers while one holds its lock). Nothing else is kept per process
that must be shared: sessions, the audit chain and the concern form's rate-limit counts
(partners/ratelimit.py) are all in the database.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=1024)


def serve_forked(serve_one: Callable[[socket.socket], Any], sock: socket.socket,
                 processes: int) -> int:
    """Fork `processes` children each running serve_one(sock); wait for them. Returns
    the exit status: 0 when stopped by a signal, else 1 (a child stopped by itself)."""
    from django.db import connections

    # A connection opened before the fork would be shared by every child: close it, so
    # that each process opens its own.
    connections.close_all()
    alive: set[int] = set()
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in alive:  # only those not yet collected: a collected pid may be reused
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    # Before the first fork: a Ctrl-C while forking must still reach the children made.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(processes):
        if stopping:
            break
        pid = os.fork()
        if pid == 0:  # the child
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            status = 0
            try:
                serve_one(sock)
            except BaseException:  # report it, then leave without the parent's cleanup
                import traceback

                traceback.print_exc()
                status = 1
            finally:
                os._exit(status)
        alive.add(pid)
    if stopping:
        stop(signal.SIGTERM, None)
    status = 0
    while alive:
        # Each server child by its pid, never "any child": the triage worker started
        # beside the server (`--worker`) is the caller's to collect.
        for pid in list(alive):
            try:
                done, code = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, code = pid, 0
            if done:
                alive.discard(pid)
                if not stopping:
                    # One process died by itself: stop the others rather than serve at
                    # part strength without anyone noticing.
                    print(f"Server process {pid} stopped (status {code}): stopping the "
                          "others.", file=sys.stderr)
                    status = 1
                    stop(signal.SIGTERM, None)
        time.sleep(0.2)
    sock.close()
    return status
