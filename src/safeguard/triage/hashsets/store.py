"""The hash-set store: imported lists kept as imported, and the indexes derived from them.

    $SAFEGUARD_HOME/hashsets/
      <name>/
        manifest.json        provenance: source path, sha256, size, format, kind, scheme, map
        source/<file>        the list exactly as imported (copied while it was digested)
        index/meta.json      which source digest and index version the index was built from
        index/<digest>.*     sorted exact indexes (see digest_index.py)
        index/entries.sqlite per-entry attributes, when the format has any
      .import-<name>-<pid>-<token>/   an import in progress (renamed into place when done)

An import is built in a temporary folder and renamed into place, so a killed import
leaves no half set; a replaced set stays whole until the new one is complete. An index
whose recorded source digest or version does not match the manifest is rebuilt from the
kept list (after checking the list still has the digest recorded at import).

The parts: home.py (where the store is, set names), manifest.py (manifest.json and the
kept list's checks), indexing.py (building and freshness of indexes), handle.py (an opened
set); this module imports, opens, lists, rebuilds and removes sets.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import os
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path

from ... import __version__
from ..errors import HashSetError, UsageError
from .categories import check_category_map, get_scheme
from .formats import FORMATS, ReadContext
from .handle import HashSet
from .home import NAME_PATTERN, check_name, default_home
from .indexing import INDEX_VERSION, build_index, index_fresh, read_index_meta
from .manifest import MANIFEST, check_kept, now, read_manifest, write_json
from .model import HashSetInfo, check_kind

SOURCE_DIR = "source"
_COPY_BLOCK = 8 * 1024 * 1024


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
                imported_at=now(),
                entries=0,
                skipped=0,
                digests=(),
                strict=strict,
                tool_version=__version__,
            )
            build_index(work, kept, format_cls, ctx, info)
            if info.entries == 0:
                first = f"; first problem: {info.warnings[0]}" if info.warnings else ""
                raise HashSetError(f"{display}: no usable hash entries{first}")
            write_json(work / MANIFEST, info.as_dict())
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
                if NAME_PATTERN.match(name) and not (self.root / name).exists():
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
                found.append(read_manifest(folder))
        return found

    def damaged(self) -> builtins.list[tuple[str, str]]:
        """(name, why) for every set folder whose manifest cannot be read."""
        problems: builtins.list[tuple[str, str]] = []
        for folder in self._folders():
            try:
                read_manifest(folder)
            except HashSetError as exc:
                problems.append((folder.name, str(exc)))
        return problems

    def _folders(self) -> builtins.list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def info(self, name: str) -> HashSetInfo:
        return read_manifest(self._folder(name))

    def open(self, name: str) -> HashSet:
        """Open set `name`, first rebuilding its index if it is stale or damaged."""
        folder = self._folder(name)
        info = read_manifest(folder)
        check_kept(folder, info)
        meta = read_index_meta(folder)
        if meta is None or not index_fresh(folder, info, meta):
            info = self.rebuild(name)
            meta = read_index_meta(folder)
            if meta is None:
                raise HashSetError(f"hash set {name!r}: its index could not be rebuilt")
        return HashSet(folder, info, meta)

    def rebuild(self, name: str) -> HashSetInfo:
        """Rebuild the index from the kept list, after checking its digest."""
        folder = self._folder(name)
        info = read_manifest(folder)
        check_kept(folder, info)
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
        build_index(folder, folder / info.source_file, FORMATS.get(info.format), ctx, info)
        write_json(folder / MANIFEST, info.as_dict())
        return info

    def verify(self, name: str) -> bool:
        """Whether the kept list still has the sha256 recorded at import (reads it all)."""
        folder = self._folder(name)
        info = read_manifest(folder)
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


__all__ = ["INDEX_VERSION", "HashSet", "HashSetStore", "check_name", "default_home"]
