"""Credentials for encrypted volumes: passwords, recovery passwords, keys.

A credential is evidence-grade secret material: it must never reach a log, the journal,
a report or an error message. Each is held in a `Secret`, whose text form is always
"<hidden>", so a `repr` of the options, a traceback's locals or an f-string cannot spill
it; only the unlocking code asks for `.reveal()`.

    keys = VolumeKeys.parse(["password=s3cret", "recovery-password:p2=1234-…",
                             "key:disk.img=00112233…"])

A credential may name the volume it is for (`KIND:VOLUME=VALUE`): VOLUME is the evidence
file's name, a partition (`p2`), or both (`disk.img:p2`). One that names none is tried on
every encrypted volume.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError

PASSWORD = "password"
RECOVERY = "recovery-password"
KEY = "key"
KINDS = (PASSWORD, RECOVERY, KEY)


class Secret:
    """A credential's value; never shown."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret(<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Credential:
    kind: str
    secret: Secret
    volume: str = ""  # "" or "*" for any volume

    def fits(self, evidence: str, partition: str) -> bool:
        """Whether this credential is for the volume `partition` ("p2 (sector 2048)", or
        "" for the whole evidence) of the evidence file `evidence`."""
        if self.volume in ("", "*"):
            return True
        name = Path(evidence).name
        number = partition.split(" ", 1)[0]
        wanted = {name, str(evidence), number, f"{name}:{number}", f"{evidence}:{number}"}
        return self.volume in wanted


@dataclass(frozen=True, slots=True)
class VolumeKeys:
    """Every credential the examiner gave, in the order given."""

    credentials: tuple[Credential, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.credentials)

    def for_volume(self, evidence: str, partition: str = "") -> list[Credential]:
        return [c for c in self.credentials if c.fits(evidence, partition)]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> VolumeKeys:
        """`KIND[:VOLUME]=VALUE` entries (the keys file's lines, or the options'); a bad
        one is a UsageError that shows the entry's kind and volume, never its value."""
        found: list[Credential] = []
        for number, entry in enumerate(entries, start=1):
            entry = entry.strip()
            if not entry or entry.startswith("#"):
                continue
            name, sep, value = entry.partition("=")
            kind, _, volume = name.strip().partition(":")
            if not sep or not value or kind not in KINDS:
                raise UsageError(f"credential {number} ({kind or 'empty'}): expected "
                                 f"KIND[:VOLUME]=VALUE with KIND one of {', '.join(KINDS)}")
            found.append(Credential(kind, Secret(value), volume.strip()))
        return cls(tuple(found))

    @classmethod
    def from_file(cls, path: str | Path) -> VolumeKeys:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: the keys file cannot be read: {exc}") from None
        return cls.parse(text.splitlines())

    def __add__(self, other: VolumeKeys) -> VolumeKeys:
        return VolumeKeys(self.credentials + other.credentials)
