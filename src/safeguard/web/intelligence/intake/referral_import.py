"""Taking in referrals: validate, keep, match the files, resolve the district, link.

    outcome = import_referral(actor, document, channel=Channel.API, matcher=m, resolver=r)
    outcome.referral, outcome.duplicate, outcome.subjects

    result = import_referrals(actor, load_referral_file(path), channel=Channel.FILE)

Every referral is one transaction (with the linking lock): it is kept whole with its
links and counters, or not at all. Re-sending a report (same agency, same report ID)
changes nothing and says so. A referral that fails validation is refused with every
problem naming its field; in a file, the others still go in (`strict` refuses the file).
Each referral taken in is audited as a `create` (a collection, DPA 2018 s62).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from ...core.clock import now
from ..conf import intel_rules
from ..linking.identifiers import IdentifierError, Kind, linkable, normalise
from ..linking.rules import Observed, ReferralLinks, link_referral
from ..models import REFERRED_ROLES, ChildAtRisk, ChildStatus, Referral, ReferralFile, file_key
from ..protection.children import protect
from ..protection.social_care import refer_all
from ..scoring.reopening import reopen_seen_since_decision
from ..scoring.score import rescore_ids
from ..scoring.stats import SubjectDelta, add_subject_files, bump_subjects
from .areas import AreaResolver, build_resolver
from .auditing import Actor, record
from .catalogue import Digests, FileInfo, catalogue_files
from .locking import import_lock
from .matching import Matcher
from .schema import FieldError, SchemaError, check, documents_of, parse_time, prefixed, validate


class ReferralFileError(ValueError):
    """The file is not JSON, or not a referral document at all; says where."""


@dataclass
class Outcome:
    referral: Referral
    duplicate: bool = False
    links: ReferralLinks | None = None
    known_files: int = 0
    reopened: list[int] = field(default_factory=list)  # subjects back on the queue
    notes: list[str] = field(default_factory=list)  # children kept, routed, referred


@dataclass
class FileResult:
    created: int = 0
    duplicates: int = 0
    invalid: int = 0
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    subjects: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.invalid == 0


def load_referral_file(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise ReferralFileError(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError:
        raise ReferralFileError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ReferralFileError(f"{path}: not JSON: {exc.msg} at line {exc.lineno}, "
                                f"column {exc.colno}") from None


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise SchemaError([FieldError("", "the body is not UTF-8 text")]) from None
    except json.JSONDecodeError as exc:
        raise SchemaError([FieldError("", f"not JSON: {exc.msg} at line {exc.lineno}, "
                                          f"column {exc.colno}")]) from None


def observed_identifiers(document: dict[str, Any], incident: datetime, country_code: str
                         ) -> tuple[list[Observed], list[FieldError]]:
    """The referral's identifiers, normalised and merged by identity (an address seen at
    several times becomes one identifier seen from the first to the last)."""
    service = str(document["reporting_service"]["name"])
    found: dict[tuple[str, str], Observed] = {}
    errors: list[FieldError] = []

    def add(kind: str, raw: str, path: str, first: datetime, last: datetime) -> None:
        try:
            value = normalise(kind, raw, scope=service, country_code=country_code)
        except IdentifierError as exc:
            errors.append(FieldError(path, str(exc)))
            return
        key = (kind, value)
        if key in found:
            item = found[key]
            item.first, item.last = min(item.first, first), max(item.last, last)
        else:
            found[key] = Observed(kind, value, raw.strip(), first, last, linkable(kind, value))

    for a, account in enumerate(document["accounts"]):
        for name, kind in (("email", Kind.EMAIL), ("username", Kind.USERNAME),
                           ("account_id", Kind.ACCOUNT_ID), ("phone", Kind.PHONE)):
            if account.get(name):
                add(kind, str(account[name]), f"accounts[{a}].{name}", incident, incident)
        for e, event in enumerate(account.get("ip_events") or []):
            moment = parse_time(str(event["time"]))
            assert moment is not None  # validated
            add(Kind.IP, str(event["ip"]), f"accounts[{a}].ip_events[{e}].ip", moment, moment)
    return list(found.values()), errors


def _district(document: dict[str, Any], resolver: AreaResolver) -> int | None:
    events = [event for account in document["accounts"]
              for event in account.get("ip_events") or []]
    for event in sorted(events, key=lambda e: str(e["time"]), reverse=True):
        district = resolver.ip(str(event["ip"]))
        if district:
            return district
    location = document.get("location") or {}
    return resolver.resolve(postcode=str(location.get("postcode") or ""),
                            town=str(location.get("town") or ""))


@dataclass(frozen=True)
class Source:
    """A referral read from another format (intake/ncmec.py): the format, the text as
    sent, and the facts that matter for risk beyond the schema."""

    format: str
    text: str
    facts: dict[str, Any]


def import_referral(actor: Actor, document: Any, *, channel: str, matcher: Matcher,
                    resolver: AreaResolver, token_id: int | None = None,
                    source: Source | None = None) -> Outcome:
    """Take in one referral; SchemaError (every problem, by field) if it is not valid."""
    rules = intel_rules()
    check(document, now())
    incident = parse_time(document["incident"]["time"])
    assert incident is not None
    observed, errors = observed_identifiers(document, incident, rules.default_country_code)
    if errors:
        raise SchemaError(errors)
    with transaction.atomic():
        import_lock()
        existing = Referral.objects.filter(owning_agency=actor.agency,
                                           report_id=document["report_id"].strip()).first()
        if existing is not None:
            return Outcome(existing, duplicate=True)
        referral = _keep(actor, document, incident, channel, resolver, token_id, source)
        files, catalogue = _files(referral, document, matcher)
        links = link_referral(actor, referral, observed, rules.ip_link_window)
        known = _count(referral, links, files, catalogue)
        reopened = reopen_seen_since_decision(actor, (s.pk for s in links.subjects))
        notes = protect(actor, referral, links.subjects)
        notes += refer_all(actor, list(ChildAtRisk.objects.filter(
            referral=referral, role__in=REFERRED_ROLES, status=ChildStatus.TO_REFER)))
        rescore_ids(s.pk for s in links.subjects)
        record(actor, "create", referral, channel=channel,
               subjects=[s.label for s in links.subjects], files=len(files), known_files=known,
               merged=[f"S-{a:06d} into S-{b:06d}" for a, b in links.merged],
               conflicts=links.conflicts, reopened=[f"S-{pk:06d}" for pk in reopened])
    return Outcome(referral, links=links, known_files=known, reopened=reopened, notes=notes)


def _keep(actor: Actor, document: dict[str, Any], incident: datetime, channel: str,
          resolver: AreaResolver, token_id: int | None, source: Source | None) -> Referral:
    service = document["reporting_service"]
    event = document["incident"]
    location = document.get("location") or {}
    return Referral.objects.create(
        owning_agency=actor.agency,
        report_id=document["report_id"].strip(),
        received_via=str(document.get("received_via") or "").strip(),
        reporting_service=str(service["name"]).strip(),
        service_type=str(service.get("type") or "").strip(),
        incident_type=str(event.get("type") or "").strip(),
        incident_at=incident,
        description=str(event.get("description") or ""),
        country=str(location.get("country") or ""),
        town=str(location.get("town") or "").strip(),
        postcode=str(location.get("postcode") or "").strip().upper(),
        district_id=_district(document, resolver),
        channel=channel,
        imported_by=actor.user,
        token_id=token_id,
        document=document,
        **({"source_format": source.format, "source": source.text, "facts": source.facts}
           if source is not None else {}),
    )


def _files(referral: Referral, document: dict[str, Any], matcher: Matcher
           ) -> tuple[list[ReferralFile], dict[str, FileInfo]]:
    entries = document.get("files") or []
    notes = (referral.facts or {}).get("files", [])
    batch: dict[str, Digests] = {}
    rows = []
    for entry in entries:
        digests = Digests(str(entry.get("md5") or "").lower(), str(entry.get("sha1") or "")
                          .lower(), str(entry.get("sha256") or "").lower(),
                          str(entry.get("name") or ""))
        key = file_key(digests.md5, digests.sha1, digests.sha256)
        batch.setdefault(key, digests)
        rows.append((key, digests, entry))
    catalogue = catalogue_files(batch, matcher)
    made = [
        ReferralFile(referral=referral, file_id=catalogue[key].id, name=d.name[:300], md5=d.md5,
                     sha1=d.sha1, sha256=d.sha256, size=entry.get("size"),
                     uploaded_at=parse_time(str(entry["uploaded_at"]))
                     if entry.get("uploaded_at") else None,
                     distributed=entry.get("distributed"),
                     viewed_by_service=entry.get("viewed_by_service"),
                     annotations=notes[index].get("annotations", []) if index < len(notes)
                     else [])
        for index, (key, d, entry) in enumerate(rows)
    ]
    ReferralFile.objects.bulk_create(made)
    return made, catalogue


def _count(referral: Referral, links: ReferralLinks, files: list[ReferralFile],
           catalogue: dict[str, FileInfo]) -> int:
    """The counters of every subject the referral joined (stats.py)."""
    by_id = {info.id: info for info in catalogue.values()}
    deltas: dict[int, SubjectDelta] = {}
    for link in links.links:
        delta = deltas.setdefault(link.subject_id, SubjectDelta(referrals=1))
        delta.seen(link.first_seen_at)
        delta.seen(link.last_seen_at)
    shared = sum(1 for f in files if f.distributed and by_id[f.file_id].known)
    for delta in deltas.values():
        delta.located(referral.incident_at, referral.district_id)
        delta.distributions = shared
    new_pairs = add_subject_files((s, f.file_id) for s in deltas for f in files)
    for subject_id, file_id in new_pairs:
        info = by_id[file_id]
        delta = deltas[subject_id]
        if info.known:
            delta.known += 1
            delta.category_a += info.category_a
        else:
            delta.unknown += 1
    bump_subjects(deltas)
    return sum(1 for info in by_id.values() if info.known)


def import_referrals(actor: Actor, data: Any, *, channel: str, strict: bool = False
                     ) -> FileResult:
    """Every referral of an import file (one, a list, or {"referrals": [...]})."""
    result = FileResult()
    try:
        documents = documents_of(data)
    except SchemaError as exc:
        result.invalid, result.errors = 1, exc.errors
        return result
    moment = now()
    if strict:
        for index, document in enumerate(documents.items):
            problems = validate(document, moment)
            if problems:
                result.invalid += 1
                result.errors.extend(prefixed(documents.path(index), e) for e in problems)
        if result.errors:
            return result
    resolver = build_resolver()
    result.warnings.extend(resolver.warnings)
    with Matcher.configured() as matcher:
        result.warnings.extend(matcher.warnings)
        for index, document in enumerate(documents.items):
            try:
                outcome = import_referral(actor, document, channel=channel, matcher=matcher,
                                          resolver=resolver)
            except SchemaError as exc:
                result.invalid += 1
                result.errors.extend(prefixed(documents.path(index), e) for e in exc.errors)
                continue
            if outcome.duplicate:
                result.duplicates += 1
            else:
                result.notes.extend(outcome.notes)
                result.created += 1
                assert outcome.links is not None
                result.subjects.update(s.pk for s in outcome.links.subjects)
    return result
