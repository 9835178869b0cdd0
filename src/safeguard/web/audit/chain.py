"""The hash chain: canonical serialisation, append under a lock, and verification.

hash(n) = HMAC-SHA-256( key, canonical(row n without its hash, incl. previous_hash) )

The key (settings.AUDIT_KEY) is held outside the database: whoever can write the
database can remove or rewrite rows, but cannot give a rewritten row a hash that
verifies (docs/web.md, "The audit log": what verify proves and what it cannot). Rows
written before the chain was keyed (chain_version 1) carry a plain SHA-256 and are still
verified as such, but only before the first keyed row: after it, an unkeyed row is a
forgery.

The canonical form is JSON with sorted keys, no spaces, UTF-8, the timestamp in UTC
ISO 8601 with microseconds, and the row's format version, so that the same row gives the
same bytes on SQLite and PostgreSQL and in any later release.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction

from .models import AuditEvent, ChainHead

FORMAT_VERSION = 2  # what append() writes
LEGACY_VERSION = 1  # SHA-256 without a key
GENESIS_HASH = "0" * 64
HEAD_PK = 1


def canonical(event: AuditEvent) -> bytes:
    content: dict[str, Any] = {
        "v": event.chain_version,
        "sequence": event.sequence,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "agency_id": event.agency_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "justification": event.justification,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
        "details": event.details,
        "previous_hash": event.previous_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    if event.chain_version == LEGACY_VERSION:
        return hashlib.sha256(canonical(event)).hexdigest()
    return hmac.new(settings.AUDIT_KEY, canonical(event), hashlib.sha256).hexdigest()


def normalise_details(details: dict[str, Any]) -> dict[str, Any]:
    """What the database will give back: JSON types only, so the hash survives storage."""
    normalised: dict[str, Any] = json.loads(json.dumps(details, default=str))
    return normalised


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    # First append on a fresh (or flushed) database: writers may race to create it. The
    # loser gets the unique key's IntegrityError or, on PostgreSQL, the head trigger's
    # refusal ("the audit chain has one head") when the winner committed between this
    # writer's look and its insert; either way the head now exists and is locked below.
    try:
        with transaction.atomic():
            ChainHead.objects.create(pk=HEAD_PK, sequence=0, hash=GENESIS_HASH)
    except DatabaseError:
        if not ChainHead.objects.filter(pk=HEAD_PK).exists():
            raise
    return ChainHead.objects.select_for_update().get(pk=HEAD_PK)


def append(event: AuditEvent) -> AuditEvent:
    """Give `event` the next sequence number and its hash, and store it.

    The chain head is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
    transactions serialise writers) until the surrounding transaction ends, so two
    writers never both extend the same head. Called inside the caller's transaction, the
    event commits or rolls back with the change it records.
    """
    with transaction.atomic():
        head = _locked_head()
        event.sequence = head.sequence + 1
        event.previous_hash = head.hash
        event.chain_version = FORMAT_VERSION
        event.details = normalise_details(event.details or {})
        event.hash = compute_hash(event)
        event.save()
        ChainHead.objects.filter(pk=HEAD_PK).update(sequence=event.sequence, hash=event.hash)
        from .anchors import after_append

        after_append(event.sequence)
    return event


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    head_sequence: int
    head_hash: str
    problem: str = ""
    sequence: int | None = None  # the first row found wrong or missing
    legacy: int = 0  # rows written before the chain was keyed

    def summary(self) -> str:
        if self.ok:
            text = f"audit chain intact: {self.checked} events, head {self.head_hash}"
            if self.legacy:
                text += (f" ({self.legacy} early events were written before the chain was "
                         "keyed: only an anchor proves them)")
            return text
        return f"audit chain broken at row {self.sequence}: {self.problem}"


def verify_chain(
    anchor: tuple[int, str] | None = None, chunk_size: int = 2000
) -> Verification:
    """Walk the chain from the first row; report the first row altered or removed.

    `anchor` (sequence, hash): a head recorded earlier, outside this database. Without
    one, a chain rewritten or truncated as a whole (head included) would look intact.
    """
    expected = 1
    previous = GENESIS_HASH
    checked = 0
    legacy = 0
    keyed = False

    def broken(sequence: int, problem: str) -> Verification:
        return Verification(False, checked, expected - 1, previous, problem, sequence)

    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size)
    for event in events:
        if event.chain_version == LEGACY_VERSION:
            if keyed:
                return broken(expected, f"row {expected} carries an unkeyed hash after keyed "
                              "rows: it was forged without the key")
            legacy += 1
        elif event.chain_version == FORMAT_VERSION:
            keyed = True
        else:
            return broken(expected, f"row {expected} names chain version "
                          f"{event.chain_version}, which no release writes")
        if event.sequence != expected:
            gap = (
                f"row {expected} is missing"
                if event.sequence - expected == 1
                else f"rows {expected} to {event.sequence - 1} are missing"
            )
            return broken(expected, f"{gap} (the next row is {event.sequence})")
        if event.previous_hash != previous:
            return broken(
                expected,
                f"row {expected} does not link to row {expected - 1}: "
                "a row before it was altered or replaced",
            )
        if compute_hash(event) != event.hash:
            return broken(expected, f"row {expected} was altered (its content no longer "
                          "matches its hash, or it was hashed with another key)")
        if anchor is not None and event.sequence == anchor[0] and event.hash != anchor[1]:
            return broken(expected, f"row {expected} does not match the anchor: the chain "
                          "was rewritten from here or before")
        previous = event.hash
        expected += 1
        checked += 1
    last = expected - 1
    if anchor is not None and anchor[0] > last:
        return broken(last + 1, f"the anchor names row {anchor[0]} but the chain ends at "
                      f"row {last}: rows were removed")
    head = ChainHead.objects.filter(pk=HEAD_PK).first()
    if head is None:
        if last:
            return broken(last, "the chain head row is missing")
        return Verification(True, 0, 0, GENESIS_HASH)
    if head.sequence > last:
        return broken(
            last + 1,
            f"rows {last + 1} to {head.sequence} were removed from the end "
            f"(the chain head records {head.sequence} events)",
        )
    if head.sequence != last or head.hash != previous:
        return broken(last, "the chain head does not match the last row")
    return Verification(True, checked, last, previous, legacy=legacy)
