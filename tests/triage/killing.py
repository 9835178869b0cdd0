"""Kill a real triage process with SIGKILL once its journal holds enough records."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path


def kill_after(command: Sequence[str], journal: Path, records: int) -> int:
    """Start `command`, SIGKILL it when `journal` has `records` committed; return how many
    records were committed then. Fails if the run finished first."""
    proc = subprocess.Popen(list(command))
    committed = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists():
            try:
                con = sqlite3.connect(journal)
                try:
                    committed = con.execute("select count(*) from records").fetchone()[0]
                finally:
                    con.close()
            except sqlite3.Error:
                committed = 0
            if committed >= records:
                break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    return committed
