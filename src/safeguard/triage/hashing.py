"""One-pass multi-digest: MD5, SHA-1 and SHA-256 from a single read of each file.

hashlib releases the GIL while it digests a buffer, so threads give real parallelism:
small files are spread over worker threads (one file each), and a large file has its
digests computed side by side, one thread per digest, while the next chunk is read.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

from .errors import UsageError
from .filetypes import HEAD_SIZE
from .readonly import open_readonly
from .records import DIGESTS, Digest

DIGEST_SIZES: dict[str, int] = {Digest.MD5: 16, Digest.SHA1: 20, Digest.SHA256: 32}
# hashlib's own constructors (OpenSSL's, in C): hashlib.new is a Python function that
# looks the name up first, half of a small file's cost of starting its two digests.
_CONSTRUCTORS: dict[str, Callable[[memoryview], hashlib._Hash]] = {
    Digest.MD5: hashlib.md5, Digest.SHA1: hashlib.sha1, Digest.SHA256: hashlib.sha256}

# Files up to this size are read whole into one buffer and digested in turn; larger ones
# go through the chunked path with one thread per digest. 4 MiB keeps each digest's
# update long enough to amortise the hand-off, and small enough to stay in L2/L3 cache.
CHUNK_SIZE = 4 * 1024 * 1024

_local = threading.local()
_digest_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def parse_digests(text: str) -> tuple[Digest, ...]:
    """`"md5,sha1"` → ("md5", "sha1") in canonical order; unknown names are a usage error."""
    names = [n.strip().lower().replace("-", "") for n in text.split(",") if n.strip()]
    unknown = sorted(set(names) - set(DIGESTS))
    if unknown or not names:
        given = ", ".join(unknown) or "(none given)"
        raise UsageError(f"unknown digest {given}: choose from {', '.join(DIGESTS)}")
    return tuple(d for d in DIGESTS if d in names)


# Files whose first bytes satisfy a `keep` predicate (pictures, for their perceptual hash)
# come back whole, up to this size, so they are decoded from the bytes already read.
KEEP_LIMIT = 256 * 1024 * 1024

Keep = Callable[[bytes], bool]


@dataclass(slots=True)
class Digested:
    """The result of reading one file once."""

    digests: dict[str, str]
    head: bytes
    size: int
    data: bytes | None = None  # the whole content, when the caller asked to keep it


def _buffers() -> tuple[bytearray, bytearray]:
    """Two reusable CHUNK_SIZE buffers per thread: one being read, one being digested."""
    bufs: tuple[bytearray, bytearray] | None = getattr(_local, "buffers", None)
    if bufs is None:
        bufs = (bytearray(CHUNK_SIZE), bytearray(CHUNK_SIZE))
        _local.buffers = bufs
    return bufs


def _forget_pool() -> None:
    """In a forked child (workers.py) the parent's pool has no threads and its lock may
    be held: start afresh."""
    global _digest_pool, _pool_lock
    _digest_pool = None
    _pool_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


def _pool() -> ThreadPoolExecutor:
    global _digest_pool
    with _pool_lock:
        if _digest_pool is None:
            _digest_pool = ThreadPoolExecutor(max_workers=len(DIGESTS), thread_name_prefix="digest")
        return _digest_pool


def _readinto_full(stream: BinaryIO, view: memoryview) -> int:
    """Fill `view` unless the stream ends first; return the bytes read."""
    return _fill(stream.readinto, view)  # type: ignore[attr-defined]


def _fill(readinto: Callable[[memoryview], int | None], view: memoryview) -> int:
    """Fill `view` by `readinto` calls unless the source ends first; the bytes read."""
    total = 0
    while total < len(view):
        n = readinto(view[total:])
        if not n:
            break
        total += n
    return total


def digest_stream(
    stream: BinaryIO,
    names: Sequence[str] = DIGESTS,
    on_bytes: Callable[[int], None] | None = None,
    keep: Keep | None = None,
) -> Digested:
    """Read `stream` to its end once and return its digests and first bytes (and the
    whole content when `keep(head)` says so)."""
    hashers = [hashlib.new(n) for n in names]
    first, second = _buffers()
    view = memoryview(first)
    n = _readinto_full(stream, view)
    head = bytes(view[: min(n, HEAD_SIZE)])
    kept: list[bytes] | None = [] if keep is not None and keep(head) else None
    total = n
    if n < CHUNK_SIZE:
        # Whole file in one buffer: digest it here; other files use the other core.
        chunk = view[:n]
        for h in hashers:
            h.update(chunk)
        if kept is not None:
            kept.append(bytes(chunk))
        if on_bytes:
            on_bytes(n)
    else:
        total = _digest_chunked(stream, hashers, first, second, n, on_bytes, kept)
    data = None
    if kept is not None and total <= KEEP_LIMIT:
        data = kept[0] if len(kept) == 1 else b"".join(kept)
    return Digested(
        {name: h.hexdigest() for name, h in zip(names, hashers, strict=True)}, head, total, data
    )


def digest_path(
    path: str | os.PathLike[str],
    names: Sequence[str] = DIGESTS,
    on_bytes: Callable[[int], None] | None = None,
    keep: Keep | None = None,
    *,
    follow: bool = False,
) -> Digested:
    """Digest a regular file. Large files are memory-mapped and each digest walks the map
    in its own thread: no copy into Python buffers, so MD5 (the slowest) sets the pace.
    `follow`: `path` may itself be a symbolic link (an evidence item named by the user)."""
    fd = open_readonly(path, follow=follow)
    try:
        size = os.fstat(fd).st_size
        if size < CHUNK_SIZE:
            return _digest_small(fd, size, names, on_bytes, keep)
        # Evidence is static and read-only; a file truncated under us while mapped would
        # fault, which is why only regular files of the evidence take this path.
        with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as mapped:
            mapped.madvise(mmap.MADV_SEQUENTIAL)
            view = memoryview(mapped)
            try:
                hashers = [hashlib.new(n) for n in names]
                pool = _pool()
                reporter = on_bytes if on_bytes else None
                pending = [pool.submit(_walk_map, h, view, size, None) for h in hashers[1:]]
                _walk_map(hashers[0], view, size, reporter)
                for f in pending:
                    f.result()
                head = bytes(view[:HEAD_SIZE])
                wanted = keep is not None and keep(head) and size <= KEEP_LIMIT
                data = bytes(view) if wanted else None
            finally:
                view.release()
        return Digested(
            {name: h.hexdigest() for name, h in zip(names, hashers, strict=True)},
            head,
            size,
            data,
        )
    finally:
        os.close(fd)


def _digest_small(fd: int, size: int, names: Sequence[str],
                  on_bytes: Callable[[int], None] | None, keep: Keep | None) -> Digested:
    """A file that fits one buffer, read straight into it: no file object, and no second
    read to meet its end (a regular file's read is short only at its end). Most files of
    a folder of small files take this path, where every microsecond an item is a share
    of the run (docs/benchmarks.md, the hashing benchmark)."""
    view = memoryview(_buffers()[0])
    wanted = size + 1  # one byte more than fstat says: a file that grew is read on
    n = os.readv(fd, [view[:wanted]])
    if n == wanted:  # it grew since fstat (not evidence at rest): read it as a stream
        os.lseek(fd, 0, os.SEEK_SET)
        with os.fdopen(os.dup(fd), "rb", buffering=0) as stream:
            return digest_stream(stream, names, on_bytes, keep)
    if n < size:  # shrank, or a short read: finish as a stream would
        n += _fill(lambda part: os.readv(fd, [part]), view[n:wanted])
    chunk = view[:n]
    hashers = [_CONSTRUCTORS[name](chunk) for name in names]
    head = bytes(view[: min(n, HEAD_SIZE)])
    data = bytes(chunk) if keep is not None and keep(head) else None
    if on_bytes:
        on_bytes(n)
    return Digested({name: h.hexdigest() for name, h in zip(names, hashers, strict=True)},
                    head, n, data)


def _walk_map(
    hasher: hashlib._Hash,
    view: memoryview,
    size: int,
    on_bytes: Callable[[int], None] | None,
) -> None:
    for offset in range(0, size, CHUNK_SIZE):
        piece = view[offset : offset + CHUNK_SIZE]
        hasher.update(piece)
        if on_bytes:
            on_bytes(len(piece))
        piece.release()


def _digest_chunked(
    stream: BinaryIO,
    hashers: list[hashlib._Hash],
    current: bytearray,
    spare: bytearray,
    n: int,
    on_bytes: Callable[[int], None] | None,
    kept: list[bytes] | None = None,
) -> int:
    """Digest a large stream: each digest in its own thread while the next chunk is read."""
    pool = _pool()
    total = 0
    while n:
        chunk = memoryview(current)[:n]
        pending: list[Future[None]] = [pool.submit(h.update, chunk) for h in hashers]
        total += n
        if kept is not None:
            if total <= KEEP_LIMIT:
                kept.append(bytes(chunk))
            else:
                kept.clear()
        n = _readinto_full(stream, memoryview(spare))
        for f in pending:
            f.result()
        if on_bytes:
            on_bytes(len(chunk))
        current, spare = spare, current
    return total
