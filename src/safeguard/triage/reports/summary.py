"""Summary figures: what a prosecutor reads first, accumulated in one pass over the records.

The builder sees each record once, in the same loop that writes files.csv, so a run of
millions of files is never held in memory. Only the identities of *matched* content are
kept (to count unique items per category), and matched items are few beside the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..hashsets.categories import UK, UNCATEGORISED
from ..records import Digest, FileType, Match, Record

# The UK legal grading (Sentencing Council, 2014) is listed first, in its own order, so the
# most serious category heads every table; any other names follow, sorted. UNCATEGORISED
# is the name under which a match from a hash set without categories (a bare md5sum list)
# is counted, listed after every named category.
UK_SCHEME: tuple[str, ...] = UK.names

# The digest that identifies content, in order of preference. SHA-1 first because it is
# what CAID and VICS sets key on beside MD5 and is not subject to MD5's practical collisions.
IDENTITY_DIGESTS: tuple[Digest, ...] = (Digest.SHA1, Digest.MD5, Digest.SHA256)


def content_identity(record: Record) -> str:
    """Who this content is, for 'unique' counts: the first digest available.

    A record with no digest at all (it could not be read) has no content to compare, so
    it is its own identity: it counts once, never merged with another unreadable file.
    """
    for name in IDENTITY_DIGESTS:
        value = record.digests.get(name)
        if value:
            return f"{name}:{value.lower()}"
    return "address:" + record.address.key()


def category_name(record: Record) -> str:
    return record.category or UNCATEGORISED


def category_order(names: Iterable[str]) -> list[str]:
    """The scheme's names in scheme order, then the rest sorted, `uncategorised` last."""
    present = set(names)
    scheme = [name for name in UK_SCHEME if name in present]
    others = sorted(present - set(UK_SCHEME) - {UNCATEGORISED})
    tail = [UNCATEGORISED] if UNCATEGORISED in present else []
    return scheme + others + tail


@dataclass(frozen=True, slots=True)
class CategoryFigures:
    """The figures for one category, over the records that matched into it.

    `images`/`videos` count matched records of that file type; `unique_*` count distinct
    content among them; `in_shared_location_*` count those found in a file-sharing
    program's folder (a court figure, like the others). `deleted`, `exact`, `perceptual`
    and `known_to_circulate` count every matched record of the category, whatever its
    file type. `known_to_circulate` is the hash set's IsDistributed flag: information
    about the picture, never a finding about the device, so never a court figure.
    """

    images: int = 0
    videos: int = 0
    unique_images: int = 0
    unique_videos: int = 0
    deleted: int = 0
    in_shared_location_images: int = 0
    in_shared_location_videos: int = 0
    exact: int = 0
    perceptual: int = 0
    known_to_circulate: int = 0
    # Matched records recovered by carving, from a thumbnail cache (and of those, whose
    # original is not on the evidence), or from inside another file (issue 17).
    carved: int = 0
    thumbnails: int = 0
    thumbnails_original_not_found: int = 0
    embedded: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "images": self.images,
            "videos": self.videos,
            "unique_images": self.unique_images,
            "unique_videos": self.unique_videos,
            "deleted": self.deleted,
            "in_shared_location_images": self.in_shared_location_images,
            "in_shared_location_videos": self.in_shared_location_videos,
            "exact": self.exact,
            "perceptual": self.perceptual,
            "known_to_circulate": self.known_to_circulate,
            "carved": self.carved,
            "thumbnails": self.thumbnails,
            "thumbnails_original_not_found": self.thumbnails_original_not_found,
            "embedded": self.embedded,
            # The same number under its earlier, misleading name, for readers of reports
            # from before (docs/report-format.md: deprecated).
            "distributed": self.known_to_circulate,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CategoryFigures:
        """as_dict's inverse. A report from before a figure existed reads it as 0, and
        `known_to_circulate` from its earlier name `distributed`."""
        circulate = data.get("known_to_circulate", data.get("distributed", 0))
        return cls(**{name: int(data.get(name, 0)) for name in _FIGURES},
                   known_to_circulate=int(circulate))


@dataclass(frozen=True, slots=True)
class Summary:
    """The run's figures. `categories` is in report order (see `category_order`)."""

    files: int = 0
    bytes: int = 0
    images: int = 0
    videos: int = 0
    archives: int = 0
    known_good: int = 0
    unmatched_images: int = 0
    unmatched_videos: int = 0
    deleted: int = 0
    carved: int = 0
    in_archives: int = 0
    in_shared_location: int = 0
    warnings: int = 0
    embedded: int = 0
    thumbnails: int = 0
    thumbnails_original_not_found: int = 0
    exact: int = 0
    perceptual: int = 0
    categories: dict[str, CategoryFigures] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        # Built in a fixed key order (not sort_keys) so that the categories keep the
        # scheme's order in report.json.
        return {
            "files": self.files,
            "bytes": self.bytes,
            "images": self.images,
            "videos": self.videos,
            "archives": self.archives,
            "known_good": self.known_good,
            "unmatched_images": self.unmatched_images,
            "unmatched_videos": self.unmatched_videos,
            "deleted": self.deleted,
            "carved": self.carved,
            "in_archives": self.in_archives,
            "in_shared_location": self.in_shared_location,
            "warnings": self.warnings,
            "embedded": self.embedded,
            "thumbnails": self.thumbnails,
            "thumbnails_original_not_found": self.thumbnails_original_not_found,
            "matches": {"exact": self.exact, "perceptual": self.perceptual},
            "categories": {name: figures.as_dict() for name, figures in self.categories.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Summary:
        """as_dict's inverse (report.json's `summary`); a missing figure reads as 0."""
        matches = data.get("matches") or {}
        categories = data.get("categories") or {}
        return cls(
            **{name: int(data.get(name, 0)) for name in _COUNTS},
            exact=int(matches.get("exact", 0)),
            perceptual=int(matches.get("perceptual", 0)),
            categories={str(name): CategoryFigures.from_dict(figures)
                        for name, figures in categories.items()},
        )


# The plain whole-number fields, read back by name.
_FIGURES = tuple(f for f in CategoryFigures.__dataclass_fields__ if f != "known_to_circulate")
_COUNTS = tuple(f for f in Summary.__dataclass_fields__
                if f not in ("exact", "perceptual", "categories"))


class _CategoryTally:
    """The mutable counts behind one CategoryFigures while the pass runs."""

    __slots__ = (
        "carved",
        "circulate",
        "deleted",
        "embedded",
        "exact",
        "image_ids",
        "images",
        "perceptual",
        "shared_images",
        "shared_videos",
        "thumbnails",
        "thumbnails_lost",
        "video_ids",
        "videos",
    )

    def __init__(self) -> None:
        self.images = 0
        self.videos = 0
        self.image_ids: set[str] = set()
        self.video_ids: set[str] = set()
        self.deleted = 0
        self.shared_images = 0
        self.shared_videos = 0
        self.circulate = 0
        self.exact = 0
        self.perceptual = 0
        self.carved = 0
        self.thumbnails = 0
        self.thumbnails_lost = 0
        self.embedded = 0

    def freeze(self) -> CategoryFigures:
        return CategoryFigures(
            images=self.images,
            videos=self.videos,
            unique_images=len(self.image_ids),
            unique_videos=len(self.video_ids),
            deleted=self.deleted,
            in_shared_location_images=self.shared_images,
            in_shared_location_videos=self.shared_videos,
            exact=self.exact,
            perceptual=self.perceptual,
            known_to_circulate=self.circulate,
            carved=self.carved,
            thumbnails=self.thumbnails,
            thumbnails_original_not_found=self.thumbnails_lost,
            embedded=self.embedded,
        )

    def merge(self, other: _CategoryTally) -> None:
        for name in self.__slots__:
            mine = getattr(self, name)
            if isinstance(mine, set):
                mine |= getattr(other, name)  # one content counted once across the parts
            else:
                setattr(self, name, mine + getattr(other, name))


class SummaryBuilder:
    """Accumulates a Summary from records seen one at a time."""

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0
        self.images = 0
        self.videos = 0
        self.archives = 0
        self.known_good = 0
        self.unmatched_images = 0
        self.unmatched_videos = 0
        self.deleted = 0
        self.carved = 0
        self.in_archives = 0
        self.in_shared_location = 0
        self.embedded = 0
        self.thumbnails = 0
        self.thumbnails_original_not_found = 0
        self.exact = 0
        self.perceptual = 0
        self._categories: dict[str, _CategoryTally] = {}

    def add(self, record: Record) -> None:
        self.files += 1
        self.bytes += record.size
        # A flag is added only when set: a test is cheaper than adding and storing a 0,
        # and most records set none (0.94 → 0.67 µs a record of 20,000 small files).
        if record.deleted:
            self.deleted += 1
        if record.carved:
            self.carved += 1
        if record.address.archive:
            self.in_archives += 1
        if record.shared_location:
            self.in_shared_location += 1
        if record.known_good:
            self.known_good += 1
        if record.embedded:
            self.embedded += 1
        if record.thumbnail:
            self.thumbnails += 1
        if record.original_not_found:
            self.thumbnails_original_not_found += 1
        kind = record.file_type
        if kind is FileType.IMAGE:
            self.images += 1
        elif kind is FileType.VIDEO:
            self.videos += 1
        elif kind is FileType.ARCHIVE:
            self.archives += 1

        if record.match is Match.NONE:
            # Unknown media is what matters most (it may show a child being abused now):
            # it counts as awaiting review unless a known-good set cleared it.
            if not record.known_good:
                if kind is FileType.IMAGE:
                    self.unmatched_images += 1
                elif kind is FileType.VIDEO:
                    self.unmatched_videos += 1
            return

        name = category_name(record)
        tally = self._categories.get(name)
        if tally is None:
            tally = self._categories[name] = _CategoryTally()
        if record.match is Match.EXACT:
            self.exact += 1
            tally.exact += 1
        else:
            self.perceptual += 1
            tally.perceptual += 1
        tally.deleted += record.deleted
        tally.carved += record.carved
        tally.thumbnails += record.thumbnail
        tally.thumbnails_lost += record.original_not_found
        tally.embedded += record.embedded
        tally.circulate += record.distributed
        if kind is FileType.IMAGE:
            tally.images += 1
            tally.image_ids.add(content_identity(record))
            tally.shared_images += record.shared_location
        elif kind is FileType.VIDEO:
            tally.videos += 1
            tally.video_ids.add(content_identity(record))
            tally.shared_videos += record.shared_location

    def merge(self, other: SummaryBuilder) -> None:
        """Add the figures of `other`, built over another part of the same run's records
        (reports/parts.py): the result is that of one builder over both parts."""
        for name, value in vars(other).items():
            if name != "_categories":
                setattr(self, name, getattr(self, name) + value)
        for category, tally in other._categories.items():
            mine = self._categories.get(category)
            if mine is None:
                self._categories[category] = tally
            else:
                mine.merge(tally)

    def finish(self, warnings: int) -> Summary:
        """The figures so far, with `warnings` (counted by the caller: they are not records)."""
        return Summary(
            files=self.files,
            bytes=self.bytes,
            images=self.images,
            videos=self.videos,
            archives=self.archives,
            known_good=self.known_good,
            unmatched_images=self.unmatched_images,
            unmatched_videos=self.unmatched_videos,
            deleted=self.deleted,
            carved=self.carved,
            in_archives=self.in_archives,
            in_shared_location=self.in_shared_location,
            warnings=warnings,
            embedded=self.embedded,
            thumbnails=self.thumbnails,
            thumbnails_original_not_found=self.thumbnails_original_not_found,
            exact=self.exact,
            perceptual=self.perceptual,
            categories={
                name: self._categories[name].freeze() for name in category_order(self._categories)
            },
        )


def summarise(records: Iterable[Record], warnings: int = 0) -> Summary:
    """The summary of `records` alone, for callers that need no other output."""
    builder = SummaryBuilder()
    for record in records:
        builder.add(record)
    return builder.finish(warnings)
