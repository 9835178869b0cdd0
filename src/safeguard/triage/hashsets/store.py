"""The hash-set store: imported lists kept as imported, and the indexes derived from them.

    $SAFEGUARD_HOME/hashsets/
      <name>/
        manifest.json        provenance: source path, sha256, size, format, kind, scheme, map
        source/<file>        the list exactly as imported (copied while it was digested)
        index/meta.json      which source digest and index version the index was built from
        index/<digest>.*     sorted exact indexes (see index.py)
        index/entries.sqlite per-entry attributes, when the format has any
      .import-<name>-<pid>-<token>/   an import in progress (renamed into place when done)

An import is built in a temporary folder and renamed into place, so a killed import
leaves no half set; a replaced set stays whole until the new one is complete. An index
whose recorded source digest or version does not match the manifest is rebuilt from the
kept list (after checking the list still has the digest recorded at import).
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from ... import __version__
from ..errors import HashSetError, UsageError
from ..hashing import DIGEST_SIZES, DIGESTS
from .categories import check_category_map, get_scheme
from .entries import ENTRIES_FILE, EntryReader, EntryWriter
from .formats import FORMATS, HashSetFormat, ReadContext
from .formats.base import MAX_WARNINGS
from .hexcodec import U8, decode_hex_strings
from .index import I64, DigestIndex, IndexBuilder, file_sizes
from .model import HashEntry, HashSetInfo, check_kind

# Bump when the index layout or what a format reads changes: every index is rebuilt.
INDEX_VERSION = 2
MANIFEST = "manifest.json"
SOURCE_DIR = "source"
INDEX_DIR = "index"
INDEX_META = "meta.json"
_COPY_BLOCK = 8 * 1024 * 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def default_home() -> Path:
    """$SAFEGUARD_HOME, else $XDG_DATA_HOME/safeguard, else ~/.local/share/safeguard."""
    home = os.environ.get("SAFEGUARD_HOME")
    if home:
        return Path(home).expanduser()
    data = os.environ.get("XDG_DATA_HOME")
    if data:
        return Path(data).expanduser() / "safeguard"
    return Path.home() / ".local" / "share" / "safeguard"


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise UsageError(
            f"bad hash set name {name!r}: use letters, digits, '.', '_' or '-' "
            "(up to 64, starting with a letter or digit)"
        )
    return name


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class HashSet:
    """An opened set: exact lookups through memory-mapped indexes, entries by row."""

    def __init__(self, folder: Path, info: HashSetInfo, meta: dict[str, Any]) -> None:
        self.folder = folder
        self.info = info
        index = folder / INDEX_DIR
        self._indexes = {
            d: DigestIndex(index, d, int(meta["digests"][d]["count"]), str(meta["row_dtype"]))
            for d in info.digests
        }
        self._entries = EntryReader(index / ENTRIES_FILE, info.name)

    @property
    def name(self) -> str:
        return self.info.name

    def lookup(self, digest: str, hex_digests: Sequence[str]) -> I64:
        """The entry row of each hex digest (either case), -1 where the set lacks it.

        A digest the set does not carry (sha256 on an NSRL v2 set) answers -1 throughout;
        `info.digests` says which it carries. A malformed query is a UsageError.
        """
        size = _digest_size(digest)
        values, ok = decode_hex_strings(hex_digests, size)
        if not ok.all():
            bad = hex_digests[int(np.flatnonzero(~ok)[0])]
            raise UsageError(f"not a {digest} digest: {bad!r}")
        return self.lookup_bytes(digest, values)

    def lookup_bytes(self, digest: str, digests: U8) -> I64:
        """As `lookup`, for digests already as an (n, size) uint8 array."""
        size = _digest_size(digest)
        if digests.ndim != 2 or digests.shape[1] != size:
            raise UsageError(f"{digest} digests must be an (n, {size}) uint8 array")
        index = self._indexes.get(digest)
        if index is None:
            return np.full(len(digests), -1, dtype=np.int64)
        return index.find(digests)

    def entry(self, row: int) -> HashEntry:
        """The attributes of entry `row` (as `lookup` returned it)."""
        return self.entries([row])[0]

    def entries(self, rows: Sequence[int]) -> list[HashEntry]:
        for row in rows:
            if not 0 <= int(row) < self.info.entries:
                raise IndexError(f"hash set {self.name!r} has no entry row {row}")
        return self._entries.get_many(rows)

    def vpdq_entries(self) -> Iterator[tuple[int, str]]:
        """(row, video signature JSON) of every entry that carries one."""
        return self._entries.vpdq()

    def pdq_entries(self) -> Iterator[tuple[int, str]]:
        """(row, 64-hex PDQ) of every entry carrying one: the perceptual index's input."""
        return self._entries.pdq()

    def close(self) -> None:
        self._entries.close()
        self._indexes.clear()

    def __enter__(self) -> HashSet:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _digest_size(digest: str) -> int:
    try:
        return DIGEST_SIZES[digest]
    except KeyError:
        raise UsageError(f"unknown digest {digest!r}: choose {', '.join(DIGESTS)}") from None


class HashSetStore:
    """Imported hash sets under one folder (`default_home()/hashsets` by default)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def default(cls) -> HashSetStore:
        return cls(default_home() / "hashsets")

    # -- importing ---------------------------------------------------------------------

    def import_file(
        self,
        path: Path | str,
        name: str,
        kind: str,
        fmt: str | None = None,
        scheme: str | None = None,
        category_map: Mapping[int, str] | None = None,
        replace: bool = False,
        strict: bool = False,
    ) -> HashSetInfo:
        """Import a list as set `name`: copy it (digesting it in the same pass), build its
        indexes, then rename the finished folder into place.

        Bad rows are skipped and counted (`strict` stops at the first instead); a file
        that cannot be parsed, or has no usable entry, raises HashSetError naming it.
        """
        check_name(name)
        check_kind(kind)
        if scheme is not None:
            chosen = get_scheme(scheme)
            scheme = chosen.NAME
            if category_map:
                category_map = check_category_map(category_map, chosen)
        display = str(path)
        source = Path(path)
        _check_source(source, display)
        format_cls = FORMATS.resolve(source, fmt, display)
        target = self.root / name
        if target.exists() and not replace:
            raise UsageError(f"hash set {name!r} already exists: use --replace to replace it")
        # Known-bad lists are sensitive police data: the store is private to its owner.
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._clean_leftovers()
        work = self.root / f".import-{name}-{os.getpid()}-{secrets.token_hex(4)}"
        work.mkdir()
        try:
            kept = work / SOURCE_DIR / (source.name or "list")
            kept.parent.mkdir()
            sha256, size = _copy_and_digest(source, kept, display)
            ctx = ReadContext(display, strict=strict, scheme=scheme, category_map=category_map)
            info = HashSetInfo(
                name=name,
                kind=kind,
                format=format_cls.NAME,
                source_path=str(source.resolve()),
                source_file=kept.relative_to(work).as_posix(),
                source_sha256=sha256,
                source_size=size,
                imported_at=_now(),
                entries=0,
                skipped=0,
                digests=(),
                strict=strict,
                tool_version=__version__,
            )
            _build_index(work, kept, format_cls, ctx, info)
            if info.entries == 0:
                first = f"; first problem: {info.warnings[0]}" if info.warnings else ""
                raise HashSetError(f"{display}: no usable hash entries{first}")
            _write_json(work / MANIFEST, info.as_dict())
            self._move_into_place(work, target, replace)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        return info

    def _move_into_place(self, work: Path, target: Path, replace: bool) -> None:
        if target.exists():
            if not replace:
                raise UsageError(f"hash set {target.name!r} already exists")
            # Killed between these two renames, the old set waits in .replaced-...; the
            # next import puts it back (see _clean_leftovers).
            old = self.root / f".replaced-{target.name}-{secrets.token_hex(4)}"
            target.rename(old)
            work.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(target)

    def _clean_leftovers(self) -> None:
        """Tidy after killed imports: remove their temporary folders once their process is
        gone, and put back a replaced set whose replacement never arrived."""
        for child in sorted(self.root.glob(".*-*")):
            kind, _, rest = child.name[1:].partition("-")
            if kind == "import" and not _alive(_pid_of(child.name)):
                shutil.rmtree(child, ignore_errors=True)
            elif kind == "replaced":
                name = rest.rpartition("-")[0]
                if _NAME.match(name) and not (self.root / name).exists():
                    child.rename(self.root / name)
                else:
                    shutil.rmtree(child, ignore_errors=True)
            elif kind == "removed":
                shutil.rmtree(child, ignore_errors=True)

    # -- reading -----------------------------------------------------------------------

    def list(self) -> list[HashSetInfo]:
        """Every readable set, by name. `damaged()` names the ones that are not."""
        found: list[HashSetInfo] = []
        for folder in self._folders():
            with contextlib.suppress(HashSetError):
                found.append(_read_manifest(folder))
        return found

    def damaged(self) -> builtins.list[tuple[str, str]]:
        """(name, why) for every set folder whose manifest cannot be read."""
        problems: builtins.list[tuple[str, str]] = []
        for folder in self._folders():
            try:
                _read_manifest(folder)
            except HashSetError as exc:
                problems.append((folder.name, str(exc)))
        return problems

    def _folders(self) -> builtins.list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def info(self, name: str) -> HashSetInfo:
        return _read_manifest(self._folder(name))

    def open(self, name: str) -> HashSet:
        """Open set `name`, first rebuilding its index if it is stale or damaged."""
        folder = self._folder(name)
        info = _read_manifest(folder)
        _check_kept(folder, info)
        meta = _read_index_meta(folder)
        if meta is None or not _index_fresh(folder, info, meta):
            info = self.rebuild(name)
            meta = _read_index_meta(folder)
            if meta is None:
                raise HashSetError(f"hash set {name!r}: its index could not be rebuilt")
        return HashSet(folder, info, meta)

    def rebuild(self, name: str) -> HashSetInfo:
        """Rebuild the index from the kept list, after checking its digest."""
        folder = self._folder(name)
        info = _read_manifest(folder)
        _check_kept(folder, info)
        if not self.verify(name):
            raise HashSetError(
                f"hash set {name!r} is damaged: its kept list no longer has the sha256 "
                f"recorded at import ({info.source_sha256[:16]}...); import it again"
            )
        for stale in folder.glob(".index-*"):
            if not _alive(_pid_of(stale.name)):
                shutil.rmtree(stale, ignore_errors=True)
        ctx = ReadContext(
            info.source_path,
            strict=info.strict,
            scheme=info.scheme,
            category_map=info.category_map,
        )
        _build_index(folder, folder / info.source_file, FORMATS.get(info.format), ctx, info)
        _write_json(folder / MANIFEST, info.as_dict())
        return info

    def verify(self, name: str) -> bool:
        """Whether the kept list still has the sha256 recorded at import (reads it all)."""
        folder = self._folder(name)
        info = _read_manifest(folder)
        digest = hashlib.sha256()
        try:
            with (folder / info.source_file).open("rb") as stream:
                while block := stream.read(_COPY_BLOCK):
                    digest.update(block)
        except OSError as exc:
            raise HashSetError(f"hash set {name!r}: cannot read its kept list: {exc}") from None
        return digest.hexdigest() == info.source_sha256

    def remove(self, name: str) -> None:
        folder = self._folder(name)
        trash = self.root / f".removed-{name}-{secrets.token_hex(4)}"
        folder.rename(trash)  # one step: the set is gone, even if the delete is cut short
        shutil.rmtree(trash, ignore_errors=True)

    def _folder(self, name: str) -> Path:
        check_name(name)
        folder = self.root / name
        if not folder.is_dir():
            raise HashSetError(f"no hash set named {name!r} in {self.root}")
        return folder


# -- helpers ---------------------------------------------------------------------------


def _check_source(source: Path, display: str) -> None:
    try:
        if not source.exists():
            raise HashSetError(f"{display}: no such file")
        if source.is_dir():
            raise HashSetError(f"{display}: is a folder, not a hash set file")
        if source.stat().st_size == 0:
            raise HashSetError(f"{display}: the file is empty")
        with source.open("rb"):
            pass
    except OSError as exc:
        raise HashSetError(f"{display}: cannot read it: {exc.strerror or exc}") from None


def _copy_and_digest(source: Path, kept: Path, display: str) -> tuple[str, int]:
    """Copy `source` to `kept`, digesting each block as it passes: one read of the list."""
    digest = hashlib.sha256()
    size = 0
    buffer = bytearray(_COPY_BLOCK)
    view = memoryview(buffer)
    try:
        with source.open("rb", buffering=0) as src, kept.open("wb") as dst:
            while n := src.readinto(buffer):
                digest.update(view[:n])
                dst.write(view[:n])
                size += n
    except OSError as exc:
        raise HashSetError(f"{display}: cannot copy it into the store: {exc}") from None
    return digest.hexdigest(), size


def _build_index(
    folder: Path, source: Path, fmt: type[HashSetFormat], ctx: ReadContext, info: HashSetInfo
) -> None:
    """Build `folder/index` from `source` aside, swap it in, and record the results in
    `info` (entries, skipped, digests, warnings...)."""
    work = folder / f".index-{os.getpid()}-{secrets.token_hex(4)}"
    work.mkdir()
    writer = EntryWriter(work / ENTRIES_FILE)
    try:
        builder = IndexBuilder(work)
        for chunk in fmt.read(source, ctx):
            first = builder.add(chunk)
            if chunk.entries is not None:
                writer.add(first, chunk.entries)
        writer.close()
        row_dtype, stats = builder.finish()
        digests = tuple(d for d in DIGESTS if d in stats)
        meta = {
            "index_version": INDEX_VERSION,
            "source_sha256": info.source_sha256,
            "rows": builder.rows,
            "row_dtype": row_dtype,
            "digests": {
                d: {"count": s.count, "duplicates": s.duplicates} for d, s in stats.items()
            },
            "files": _index_file_sizes(work, digests),
        }
        _write_json(work / INDEX_META, meta)
        _swap(work, folder / INDEX_DIR)
    except BaseException:
        writer.close()
        shutil.rmtree(work, ignore_errors=True)
        raise
    warnings = list(ctx.warnings)
    if ctx.warning_count > MAX_WARNINGS:
        warnings.append(f"... and {ctx.warning_count - MAX_WARNINGS} more warnings")
    info.entries = builder.rows
    info.skipped = ctx.skipped
    info.digests = digests
    info.duplicates = {d: s.duplicates for d, s in stats.items() if s.duplicates}
    info.scheme = ctx.scheme.NAME if ctx.scheme else None
    info.category_map = ctx.category_map
    info.pdq = writer.pdq
    info.warnings = warnings
    info.indexed_at = _now()


def _swap(new: Path, target: Path) -> None:
    if target.exists():
        old = target.with_name(f".index-old-{os.getpid()}-{secrets.token_hex(4)}")
        target.rename(old)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(target)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write whole or not at all: a reader never sees half a manifest."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    with tmp.open("w", encoding="utf-8") as out:
        json.dump(data, out, indent=2, sort_keys=True)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _read_manifest(folder: Path) -> HashSetInfo:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        info = HashSetInfo.from_dict(data)
    except FileNotFoundError:
        raise HashSetError(f"hash set {folder.name!r} is damaged: no {MANIFEST}") from None
    except (OSError, ValueError, KeyError, TypeError, UsageError) as exc:
        raise HashSetError(
            f"hash set {folder.name!r} is damaged: unreadable {MANIFEST} ({exc})"
        ) from None
    if info.name != folder.name:
        raise HashSetError(f"hash set {folder.name!r} is damaged: its manifest names {info.name!r}")
    return info


def _check_kept(folder: Path, info: HashSetInfo) -> None:
    kept = folder / info.source_file
    try:
        size = kept.stat().st_size
    except OSError:
        size = -1
    if size != info.source_size:
        raise HashSetError(
            f"hash set {info.name!r} is damaged: its kept list {info.source_file} is "
            "missing or has changed size; import it again"
        )


def _read_index_meta(folder: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads((folder / INDEX_DIR / INDEX_META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _index_fresh(folder: Path, info: HashSetInfo, meta: dict[str, Any]) -> bool:
    """Built by this index version, from this list, and every file still its full size."""
    try:
        if meta["index_version"] != INDEX_VERSION or meta["source_sha256"] != info.source_sha256:
            return False
        if sorted(meta["digests"]) != sorted(info.digests):
            return False
        recorded = dict(meta["files"])
    except (KeyError, TypeError, ValueError):
        return False
    return _index_file_sizes(folder / INDEX_DIR, info.digests) == recorded


def _index_file_sizes(index: Path, digests: Sequence[str]) -> dict[str, int]:
    sizes = file_sizes(index, list(digests))
    entries = index / ENTRIES_FILE
    sizes[ENTRIES_FILE] = entries.stat().st_size if entries.exists() else -1
    return sizes


def _pid_of(folder_name: str) -> int:
    """The process id in `.import-<name>-<pid>-<token>` or `.index-<pid>-<token>`."""
    parts = folder_name.rsplit("-", 2)
    try:
        return int(parts[-2])
    except (IndexError, ValueError):
        return -1


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
