"""The formats a hash set can be imported from, in one explicit registry.

Order matters for detection: the most specific signature first (a VICS JSON object, an
SQLite file, the fixed NSRL and ICSE headers), then any CSV with a digest column, and
the loosest last (a line of hex).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ...errors import HashSetError, NotThisFormat, UsageError
from .base import Chunk, HashSetFormat, ReadContext
from .nsrl import NsrlV2, NsrlV3
from .text import CsvList, Icse, Sums
from .vics import Vics

AUTO = "auto"


class FormatRegistry:
    """Formats by their stored NAME; a duplicate name is a programming error."""

    def __init__(self, formats: Iterable[type[HashSetFormat]]) -> None:
        self._formats: dict[str, type[HashSetFormat]] = {}
        for fmt in formats:
            if fmt.NAME in self._formats or fmt.NAME == AUTO:
                raise ValueError(f"duplicate hash set format name {fmt.NAME!r}")
            self._formats[fmt.NAME] = fmt

    def __iter__(self) -> Iterator[type[HashSetFormat]]:
        return iter(self._formats.values())

    def __len__(self) -> int:
        return len(self._formats)

    def names(self) -> tuple[str, ...]:
        return tuple(self._formats)

    def get(self, name: str) -> type[HashSetFormat]:
        try:
            return self._formats[name]
        except KeyError:
            raise UsageError(
                f"unknown hash set format {name!r}: choose {AUTO}, {', '.join(self._formats)}"
            ) from None

    def detect(self, path: Path, display: str | None = None) -> type[HashSetFormat]:
        """The first format whose sniff accepts `path`; HashSetError if none does."""
        reasons: list[str] = []
        for fmt in self:
            try:
                fmt.sniff(path)
            except NotThisFormat as exc:
                reasons.append(f"{fmt.NAME}: {exc}")
                continue
            return fmt
        raise HashSetError(
            f"{display or path}: not a hash set format Safeguard reads ({'; '.join(reasons)})"
        )

    def resolve(
        self, path: Path, name: str | None, display: str | None = None
    ) -> type[HashSetFormat]:
        """`name` (checked against the file) or, for None/"auto", the detected format."""
        if name is None or name == AUTO:
            return self.detect(path, display)
        fmt = self.get(name)
        try:
            fmt.sniff(path)
        except NotThisFormat as exc:
            raise HashSetError(f"{display or path}: not a {fmt.NAME} file: {exc}") from None
        return fmt


FORMATS = FormatRegistry((Vics, NsrlV3, NsrlV2, Icse, CsvList, Sums))

__all__ = [
    "AUTO",
    "FORMATS",
    "Chunk",
    "CsvList",
    "FormatRegistry",
    "HashSetFormat",
    "Icse",
    "NsrlV2",
    "NsrlV3",
    "ReadContext",
    "Sums",
    "Vics",
]
