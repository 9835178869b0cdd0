"""Sightings from monitoring systems' CSV exports (docs/intelligence.md, "Sightings CSV").

    result = import_sightings(actor, path, source="Monitor (example)")

Columns (a header row names them, in any order; other columns are ignored):
`observed_at` (RFC 3339 with offset), `identifier_type` (ip, client_id or account),
`identifier`, `network` (required for client_id and account: the network or service the
identifier belongs to), `md5` / `sha1` / `sha256` (at least one), and optionally `port`,
`file_name`, `postcode`, `town`.

Rows are read a batch at a time (50,000). Per batch: the files are found or added to the
catalogue, the new ones matched against the hash sets with one lookup per set and digest
(catalogue.py, matching.py); districts resolved (areas.py, cached per identifier); rows
attributed to links and subjects (linking.py); then the sightings are written with COPY
on PostgreSQL (bulk_create elsewhere) and the counters, distinct files and hourly
presence updated in a few statements (stats.py). A batch is one transaction, under the
linking lock. A bad row is skipped and counted, the first 20 kept as warnings with their
line; `strict` refuses the whole file at the first (nothing is imported).
"""

from __future__ import annotations

import csv
import gc
import io
import queue
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from safeguard.triage import DIGESTS

from ..conf import intel_rules
from ..linking.identifiers import IdentifierError, Kind, ip_is_linkable, normalise
from ..linking.rules import BatchAttribution, attribute_batch, create_episodes
from ..models import Sighting, SightingImport, file_key
from ..partitions import ensure_months, month_start, partitioned
from ..scoring.reopening import reopen_seen_since_decision
from ..scoring.stats import (
    LinkDelta,
    SubjectDelta,
    add_presence,
    add_subject_files_counted,
    bump_links,
    bump_subjects,
)
from .areas import AreaResolver, build_resolver
from .auditing import Actor, record
from .bulk import allocate_ids, copy_into
from .catalogue import Digests, FileInfo, catalogue_files
from .locking import import_lock
from .matching import Matcher
from .schema import parse_time

BATCH = 50_000
MAX_WARNINGS = 20
REQUIRED = ("observed_at", "identifier_type", "identifier")
DIGEST_COLUMNS = DIGESTS
TYPES = {"ip": Kind.IP, "client_id": Kind.CLIENT_ID, "account": Kind.USERNAME}
LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64}
_HEX = {name: re.compile(rf"^[0-9a-fA-F]{{{n}}}$") for name, n in LENGTHS.items()}
COLUMNS = ("id", "agency_id", "batch_id", "observed_at", "kind", "value", "port", "file_id",
           "file_name", "known", "district_id", "link_id", "subject_id")
COPY_TYPES = ("int8", "int8", "int8", "timestamptz", "text", "text", "int4", "int8", "text",
              "bool", "int8", "int8", "int8")


class SightingFileError(ValueError):
    """The file cannot be imported at all (no header, a missing column, strict mode)."""


class BadRow(ValueError):
    pass


@dataclass(slots=True)
class Row:
    line: int
    observed_at: datetime
    kind: str
    value: str
    shown: str
    port: int | None
    key: str
    digests: Digests
    file_name: str
    district: int | None


@dataclass
class SightingResult:
    batch: SightingImport
    rows: int = 0
    imported: int = 0
    skipped: int = 0
    known: int = 0
    new_subjects: int = 0
    reopened: int = 0  # decided subjects seen again since, back on the queue
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.imported / self.seconds if self.seconds else 0.0


class RowReader:
    """Parses rows, with the caches that make a million rows cheap."""

    def __init__(self, handle: IO[str], name: str,
                 resolver: AreaResolver | None = None) -> None:
        self.name = name
        self._resolver = resolver
        self._places: dict[tuple[str, str, str], int | None] = {}
        self.reader = csv.reader(handle)
        try:
            header = next(self.reader)
        except StopIteration:
            raise SightingFileError(f"{name}: empty file (a header row is needed)") from None
        except csv.Error as exc:
            raise SightingFileError(f"{name}: not CSV: {exc}") from None
        self.columns = {title.strip().lower(): i for i, title in enumerate(header)}
        missing = [c for c in REQUIRED if c not in self.columns]
        if missing:
            raise SightingFileError(f"{name}: missing column(s) {', '.join(missing)} "
                                    "(docs/intelligence.md, \"Sightings CSV\")")
        if not any(c in self.columns for c in DIGEST_COLUMNS):
            raise SightingFileError(f"{name}: needs a digest column: md5, sha1 or sha256")
        self._identifiers: dict[tuple[str, str, str], str] = {}
        self._files: dict[tuple[str, str, str], tuple[str, Digests]] = {}
        where = self.columns.get
        self._at, self._type = where("observed_at", -1), where("identifier_type", -1)
        self._identifier, self._network = where("identifier", -1), where("network", -1)
        self._md5, self._sha1 = where("md5", -1), where("sha1", -1)
        self._sha256, self._port = where("sha256", -1), where("port", -1)
        self._name, self._postcode = where("file_name", -1), where("postcode", -1)
        self._town = where("town", -1)

    def rows(self) -> Iterator[Row | BadRow]:
        line = 1
        while True:
            try:
                cells = next(self.reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line += 1
                yield BadRow(f"{self.name} line {line}: not CSV: {exc}")
                continue
            line = self.reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            try:
                yield self.parse(cells, line)
            except BadRow as exc:
                yield BadRow(f"{self.name} line {line}: {exc}")

    def parse(self, cells: list[str], line: int) -> Row:
        get = self._get
        moment = parse_time(get(cells, self._at))
        if moment is None:
            raise BadRow("observed_at: not a date and time with its offset "
                         "(e.g. 2026-03-01T21:14:00Z)")
        kind = TYPES.get(get(cells, self._type).lower())
        if kind is None:
            raise BadRow("identifier_type: expected ip, client_id or account")
        shown = get(cells, self._identifier)
        network = get(cells, self._network)
        cache_key = (kind, shown, network)
        value = self._identifiers.get(cache_key)
        if value is None:
            try:
                value = normalise(kind, shown, scope=network)
            except IdentifierError as exc:
                raise BadRow(f"identifier: {exc}") from None
            if kind == Kind.IP and not ip_is_linkable(value):
                raise BadRow("identifier: a private or shared address identifies nobody")
            self._identifiers[cache_key] = value
        texts = (get(cells, self._md5), get(cells, self._sha1), get(cells, self._sha256))
        found = self._files.get(texts)
        if found is None:
            found = self._files[texts] = self._file(texts)
        port_text = get(cells, self._port)
        port = None
        if port_text:
            if not port_text.isdigit() or int(port_text) > 65535:
                raise BadRow("port: expected 0 to 65535")
            port = int(port_text)
        postcode, town = get(cells, self._postcode), get(cells, self._town)
        place = (value if kind == Kind.IP else "", postcode, town)
        if place in self._places:
            district = self._places[place]
        else:
            district = self._places[place] = (
                self._resolver.resolve(ip=place[0], postcode=postcode, town=town)
                if self._resolver is not None else None)
        return Row(line, moment, kind, value, shown, port, found[0], found[1],
                   get(cells, self._name)[:300], district)

    def _file(self, texts: tuple[str, str, str]) -> tuple[str, Digests]:
        for name, text in zip(DIGEST_COLUMNS, texts, strict=True):
            if text and not _HEX[name].match(text):
                raise BadRow(f"{name}: expected {LENGTHS[name]} hexadecimal characters")
        md5, sha1, sha256 = (text.lower() for text in texts)
        key = file_key(md5, sha1, sha256)
        if not key:
            raise BadRow("no md5, sha1 or sha256")
        return key, Digests(md5, sha1, sha256)

    @staticmethod
    def _get(cells: list[str], index: int) -> str:
        try:
            return cells[index].strip() if index >= 0 else ""
        except IndexError:  # a short row
            return ""


def import_sightings(actor: Actor, path: Path, *, source: str, strict: bool = False,
                     batch_size: int = BATCH) -> SightingResult:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            if strict:
                check_strict(handle, path.name)
                handle.seek(0)
            return import_stream(actor, handle, path.name, source=source,
                                 batch_size=batch_size)
    except OSError as exc:
        raise SightingFileError(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError:
        raise SightingFileError(f"{path}: not UTF-8 text") from None


def check_strict(handle: IO[str], name: str) -> None:
    for item in RowReader(handle, name).rows():
        if isinstance(item, BadRow):
            raise SightingFileError(f"{item} (strict: nothing imported)")


def import_text(actor: Actor, text: str, name: str, *, source: str, strict: bool = False
                ) -> SightingResult:
    if strict:
        check_strict(io.StringIO(text, newline=""), name)
    return import_stream(actor, io.StringIO(text, newline=""), name, source=source)


def import_stream(actor: Actor, handle: IO[str], name: str, *, source: str,
                  batch_size: int = BATCH) -> SightingResult:
    started = time.perf_counter()
    resolver = build_resolver()
    reader = RowReader(handle, name, resolver)
    batch = SightingImport.objects.create(owning_agency=actor.agency, source=source[:100],
                                          file_name=name[:300], imported_by=actor.user)
    result = SightingResult(batch)
    result.warnings.extend(resolver.warnings)
    # The cyclic garbage collector would walk the batch's hundreds of thousands of young
    # objects again and again (none of them in cycles): a third of the import's time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _read_and_import(actor, reader, batch, result, batch_size)
    finally:
        if collecting:
            gc.enable()
    result.seconds = time.perf_counter() - started
    with transaction.atomic():
        batch.finished_at = timezone.now()
        batch.rows, batch.imported, batch.skipped = result.rows, result.imported, result.skipped
        batch.known, batch.new_subjects = result.known, result.new_subjects
        batch.warnings = result.warnings[:MAX_WARNINGS]
        batch.save()
        record(actor, "create", batch, rows=result.rows, imported=result.imported,
               skipped=result.skipped, known=result.known, new_subjects=result.new_subjects,
               reopened=result.reopened, source=source)
    return result


def _read_and_import(actor: Actor, reader: RowReader, batch: SightingImport,
                     result: SightingResult, batch_size: int) -> None:
    """Rows are read and parsed in a thread of their own while this one writes the batch
    before: the database works on one core while Python parses on the other.

    PostgreSQL: the months' partitions are made before each batch's transaction, so that
    its DDL locks are not held while the batch is written; each month is asked for once
    an import (on SQLite nothing is asked)."""
    ensured: set[datetime] | None = set() if partitioned() else None
    with Matcher.configured() as matcher:
        result.warnings.extend(matcher.warnings)
        for rows, bad in _parsed_batches(reader, batch_size):
            result.rows += len(rows) + len(bad)
            result.skipped += len(bad)
            result.warnings.extend(bad[:max(0, MAX_WARNINGS - len(result.warnings))])
            if rows:
                if ensured is not None:
                    months = {month_start(row.observed_at) for row in rows} - ensured
                    if months:
                        ensure_months(months)
                        ensured |= months
                _import_batch(actor, batch, rows, matcher, result)


_DONE = object()


def _parsed_batches(reader: RowReader, batch_size: int
                    ) -> Iterator[tuple[list[Row], list[str]]]:
    """(rows, problems) a batch at a time, parsed one batch ahead in a reader thread."""
    batches: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            rows: list[Row] = []
            bad: list[str] = []
            for item in reader.rows():
                if isinstance(item, BadRow):
                    bad.append(str(item))
                else:
                    rows.append(item)
                if len(rows) >= batch_size:
                    if not _hand_over(batches, (rows, bad), stop):
                        return
                    rows, bad = [], []
            if rows or bad:
                _hand_over(batches, (rows, bad), stop)
            _hand_over(batches, _DONE, stop)
        except BaseException as exc:  # handed to the importing thread, which raises it
            _hand_over(batches, exc, stop)

    thread = threading.Thread(target=produce, name="sightings-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = batches.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=10)


def _hand_over(batches: queue.Queue[Any], item: Any, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            batches.put(item, timeout=0.5)
            return True
        except queue.Full:
            continue
    return False


def _import_batch(actor: Actor, batch: SightingImport, rows: list[Row], matcher: Matcher,
                  result: SightingResult) -> None:
    agency_id = actor.agency.pk
    window = intel_rules().ip_link_window

    with transaction.atomic():
        import_lock()
        wanted: dict[str, Digests] = {}
        for row in rows:
            if row.key not in wanted:
                wanted[row.key] = Digests(row.digests.md5, row.digests.sha1,
                                          row.digests.sha256, row.file_name)
        files = catalogue_files(wanted, matcher)
        ids = allocate_ids(Sighting, len(rows), block=True)
        triples = [(row.kind, row.value, row.observed_at) for row in rows]
        attribution = attribute_batch(agency_id, triples, window)
        create_episodes(agency_id, attribution, triples, [row.shown for row in rows], ids)
        _write(batch, rows, ids, files, attribution)
        touched = _update_counters(agency_id, rows, files, attribution, result)
        result.reopened += len(reopen_seen_since_decision(actor, touched))
    result.imported += len(rows)
    result.new_subjects += attribution.new_subjects


def _write(batch: SightingImport, rows: list[Row], ids: list[int], files: dict[str, FileInfo],
           attribution: BatchAttribution) -> None:
    episodes, row_episode = attribution.episodes, attribution.row_episode
    agency_id = batch.owning_agency_id
    values = []
    for index, row in enumerate(rows):
        episode = episodes[row_episode[index]]
        info = files[row.key]
        values.append((ids[index], agency_id, batch.pk, row.observed_at, row.kind, row.value,
                       row.port, info.id, row.file_name, info.known, row.district,
                       episode.link_id, episode.subject_id))
    if connection.vendor == "postgresql":
        copy_into(Sighting._meta.db_table, COLUMNS, COPY_TYPES, values)
        return
    # SQLite: one prepared INSERT for every row (the ORM's bulk_create spends its time
    # building objects and SQL, not writing).
    adapt = connection.ops.adapt_datetimefield_value
    sql = (f"INSERT INTO {Sighting._meta.db_table} ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join(['%s'] * len(COLUMNS))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*v[:3], adapt(v[3]), *v[4:]) for v in values])


def _update_counters(agency_id: int, rows: list[Row], files: dict[str, FileInfo],
                     attribution: BatchAttribution, result: SightingResult) -> list[int]:
    """Moves the counters of every subject the batch touched; returns those subjects."""
    episodes, row_episode = attribution.episodes, attribution.row_episode
    subjects: dict[int, SubjectDelta] = {}
    pairs = set()
    presence = set()
    known = 0
    for row, position in zip(rows, row_episode, strict=True):
        subject_id = episodes[position].subject_id
        assert subject_id is not None
        info = files[row.key]
        district = row.district
        delta = subjects.get(subject_id)
        if delta is None:
            delta = subjects[subject_id] = SubjectDelta()
        delta.sightings += 1
        delta.seen(row.observed_at, district)
        pairs.add((subject_id, info.id))
        if info.known:
            delta.distributions += 1
            known += 1
            presence.add((agency_id, row.observed_at.replace(minute=0, second=0,
                                                             microsecond=0),
                          district or 0, subject_id))
    result.known += known
    links = {
        e.link_id: LinkDelta(e.sightings, e.first, e.last)
        for e in episodes if e.link_id is not None and e.sightings and e.old_first is not None
    }
    bump_links(links)
    by_id = {info.id: info for info in files.values()}
    for subject_id, (known, category_a, unknown) in add_subject_files_counted(
            pairs, by_id).items():
        delta = subjects[subject_id]
        delta.known += known
        delta.category_a += category_a
        delta.unknown += unknown
    bump_subjects(subjects)
    add_presence(presence)
    return list(subjects)
