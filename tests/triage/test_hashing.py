import hashlib
import io
import os

import pytest

from safeguard.triage import hashing
from safeguard.triage.errors import UsageError
from safeguard.triage.hashing import CHUNK_SIZE, digest_path, digest_stream, parse_digests


def reference(data: bytes, names=("md5", "sha1", "sha256")) -> dict[str, str]:
    return {n: hashlib.new(n, data).hexdigest() for n in names}


@pytest.mark.parametrize(
    "size", [0, 1, 511, 512, 4096, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17]
)
def test_it_matches_hashlib_from_a_stream(size):
    data = os.urandom(size)
    result = digest_stream(io.BytesIO(data))
    assert result.digests == reference(data)
    assert result.size == size
    assert result.head == data[:512]


@pytest.mark.parametrize("size", [0, 100, CHUNK_SIZE, 2 * CHUNK_SIZE + 5])
def test_it_matches_hashlib_from_a_path(tmp_path, size):
    data = os.urandom(size)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    result = digest_path(path, ("md5", "sha1"))
    assert result.digests == reference(data, ("md5", "sha1"))
    assert result.size == size


def test_it_reports_progress_for_every_byte(tmp_path):
    data = os.urandom(2 * CHUNK_SIZE + 3)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    seen = []
    digest_path(path, ("md5",), seen.append)
    assert sum(seen) == len(data)
    seen.clear()
    digest_stream(io.BytesIO(data), ("sha1",), seen.append)
    assert sum(seen) == len(data)


def test_it_parses_digest_lists_in_canonical_order():
    assert parse_digests("sha1, MD5") == ("md5", "sha1")
    assert parse_digests("sha-256") == ("sha256",)
    with pytest.raises(UsageError, match="crc32"):
        parse_digests("md5,crc32")
    with pytest.raises(UsageError):
        parse_digests(" , ")


def test_it_never_writes_to_the_file(tmp_path):
    path = tmp_path / "evidence.bin"
    path.write_bytes(os.urandom(CHUNK_SIZE * 2))
    os.chmod(path, 0o444)
    before = os.stat(path)
    digest_path(path)
    after = os.stat(path)
    assert (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size)
    assert hashing.DIGESTS == ("md5", "sha1", "sha256")
