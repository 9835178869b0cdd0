"""Anchors: the chain's head, written outside the database as it grows.

The chain alone proves that no row was altered in place; it cannot prove that the newest
rows were not removed, or the whole chain replaced, by someone who can write the
database. An anchor (sequence, hash) recorded elsewhere can: `safeguard audit verify`
checks the chain against the newest anchor and reports rows removed or rewritten since.

Anchors are appended, one JSON line each, to settings.AUDIT_ANCHOR_FILE (put it on
append-only or remote storage, or ship the lines to a SIEM: docs/web.md), each line with
an HMAC under the audit key so that a line cannot be forged without it:

    {"sequence": 1200, "hash": "3f5a...", "at": "2026-12-07T10:15:00+00:00", "mac": "..."}

A line is written after the transaction that added events commits (never for a head
that might roll back): when AUDIT_ANCHOR_EVERY events have been added since the last
anchor, when AUDIT_ANCHOR_SECONDS have passed while events are written, and when a
command that wrote events ends (`safeguard ...` registers `export_at_exit`).
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

_lock = threading.Lock()
_last_sequence: int | None = None  # newest anchored in this process (None: not read yet)
_last_time = 0.0
_wrote = False  # this process added events since its last anchor


@dataclass(frozen=True)
class Anchor:
    sequence: int
    hash: str
    at: str


class AnchorError(Exception):
    """The anchor file cannot be read, or a line in it was not written with the key."""


def _mac(sequence: int, digest: str, at: str) -> str:
    message = f"{sequence}:{digest}:{at}".encode()
    return hmac.new(settings.AUDIT_KEY, message, hashlib.sha256).hexdigest()


def read_anchors(path: Path | None = None) -> list[Anchor]:
    """Every anchor in the file, in file order; AnchorError naming a forged or damaged line.

    A missing file holds no anchors."""
    path = path or Path(settings.AUDIT_ANCHOR_FILE)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise AnchorError(f"{path}: cannot read the anchors: {exc.strerror}") from exc
    anchors: list[Anchor] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            anchor = Anchor(int(data["sequence"]), str(data["hash"]), str(data["at"]))
            mac = str(data["mac"])
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorError(f"{path}: line {number} is not an anchor ({exc})") from exc
        if not hmac.compare_digest(mac, _mac(anchor.sequence, anchor.hash, anchor.at)):
            raise AnchorError(f"{path}: line {number} was not written with the audit key "
                              "(forged, altered, or another installation's)")
        anchors.append(anchor)
    return anchors


def latest_anchor(path: Path | None = None) -> Anchor | None:
    anchors = read_anchors(path)
    return max(anchors, key=lambda a: a.sequence) if anchors else None


def export_head(path: Path | None = None) -> Anchor | None:
    """Append the committed head as an anchor (nothing when it is already anchored)."""
    from .chain import HEAD_PK
    from .models import ChainHead

    global _last_sequence, _last_time, _wrote
    head = ChainHead.objects.filter(pk=HEAD_PK).first()
    if head is None or head.sequence == 0:
        return None
    with _lock:
        if _last_sequence is None:
            _load_last(path)
        if _last_sequence is not None and head.sequence <= _last_sequence:
            _wrote = False
            return None
        anchor = Anchor(head.sequence, head.hash, datetime.now(UTC).isoformat(timespec="seconds"))
        line = json.dumps({"sequence": anchor.sequence, "hash": anchor.hash, "at": anchor.at,
                           "mac": _mac(anchor.sequence, anchor.hash, anchor.at)})
        target = path or Path(settings.AUDIT_ANCHOR_FILE)
        target.parent.mkdir(parents=True, exist_ok=True)
        # One write() to a file opened O_APPEND: lines of several processes never mix.
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
        _last_sequence, _last_time, _wrote = anchor.sequence, time.monotonic(), False
        return anchor


def _load_last(path: Path | None) -> None:
    global _last_sequence, _last_time
    try:
        newest = latest_anchor(path)
    except AnchorError:
        newest = None  # verify reports the damage; keep anchoring meanwhile
    _last_sequence = newest.sequence if newest else 0
    _last_time = time.monotonic()


def after_append(sequence: int) -> None:
    """Called by chain.append inside its transaction: anchor once it commits, if due."""
    global _wrote
    _wrote = True
    transaction.on_commit(lambda: _export_if_due(sequence))


def _export_if_due(sequence: int) -> None:
    with _lock:
        if _last_sequence is None:
            _load_last(None)
        assert _last_sequence is not None
        due = (sequence - _last_sequence >= settings.AUDIT_ANCHOR_EVERY
               or time.monotonic() - _last_time >= settings.AUDIT_ANCHOR_SECONDS)
    if due:
        export_head()


def export_at_exit() -> None:
    """Registered by the command line: a command that wrote events anchors its last one."""

    def export() -> None:
        if _wrote:
            try:
                export_head()
            except Exception as exc:  # at exit: say so, never mask the command's own end
                print(f"warning: the audit anchor was not written: {exc}")

    atexit.register(export)
