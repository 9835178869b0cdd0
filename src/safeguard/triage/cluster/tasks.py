"""What runs on a Dask worker: one batch examined, after the worker has checked, once,
that it sees the evidence the coordinator fingerprinted."""

from __future__ import annotations

import threading

from ..batches import Batch, BatchOutcome, ExamineSettings, examine_batch
from ..errors import UsageError
from .evidence import Fingerprint, difference, fingerprints


class OtherEvidence(UsageError):
    """This worker does not see the evidence the coordinator sees."""


_checked: set[tuple[str, str]] = set()
_checked_lock = threading.Lock()


def run_batch(batch: Batch, settings: ExamineSettings, paths: list[str],
              expected: list[Fingerprint]) -> BatchOutcome:
    """Examine `batch` on this worker. `paths` and `expected`: the files (or folder) of
    the batch's evidence item and their fingerprints on the coordinator."""
    token = (batch.evidence, repr(expected))
    with _checked_lock:
        known = token in _checked
    if not known:
        for path, mine, theirs in zip(paths, expected, fingerprints(paths), strict=True):
            problem = difference(path, mine, theirs)
            if problem:
                raise OtherEvidence(f"the cluster's worker {_worker_name()} does not see the "
                                    f"evidence this run reads: {problem}")
        with _checked_lock:
            _checked.add(token)
    return examine_batch(batch, settings)


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return "(unknown)"
