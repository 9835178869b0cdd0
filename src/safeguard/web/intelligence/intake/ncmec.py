"""NCMEC CyberTipline reports, as the NCA forwards them, read into referrals.

    report = build(_parse(name, xml), number, file_details)   # ncmec_package.py reads
    report.document      # a safeguard.referral/1 document      # files, folders, ZIPs
    report.facts         # what matters for risk (children, flags)

The XML is NCMEC's own reporting schema (the public XSD behind the CyberTipline reporting
API; field list from the generated types of Boostport/ncmec-go, cybertipline/types.go): a
`<report>` (incident summary, the reported person or user, victims, intended recipients)
and, for each file, a `<fileDetails>` naming its `reportId`. A package is those XML
documents with, optionally, the files themselves (hashed here; never opened or shown).

Every element this module reads is checked against the schema's element names: an
unknown element is an error naming its path (`report/incidentSummary/escalate`), never
ignored. Sections it keeps but does not read into fields (the reporter, law enforcement,
the internet details other than IP captures) stay in the XML kept with the referral.
No Django here: a library that the import and the fuzz tests call.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .schema import SCHEMA_VERSION, parse_time, validate

FORMAT = "ncmec-cybertipline"
RECEIVED_VIA = "NCMEC CyberTipline, forwarded by the NCA"
MAX_XML = 20 * 1024 * 1024  # one XML document; a report is kilobytes
MAX_ATTACHED = 512 * 1024 * 1024  # one attached file, hashed as a stream

# The elements read, and the names each may hold (the XSD's, in types.go order).
_PERSON = {"firstName", "lastName", "phone", "email", "address", "age", "dateOfBirth"}
_ACCOUNT = {"espIdentifier", "espService", "compromisedAccount", "screenName",
            "displayName", "profileUrl", "profileBio", "ipCaptureEvent", "deviceId",
            "priorCTReports", "groupIdentifier", "accountTemporarilyDisabled",
            "accountPermanentlyDisabled", "estimatedLocation", "allEmailsReported",
            "associatedAccount", "additionalInfo"}
CHILDREN: dict[str, set[str]] = {
    "report": {"batchedReport", "incidentSummary", "internetDetails", "lawEnforcement",
               "reporter", "personOrUserReported", "intendedRecipient", "victim",
               "additionalInfo"},
    "incidentSummary": {"incidentType", "platform", "escalateToHighPriority",
                        "reportAnnotations", "incidentDateTime",
                        "incidentDateTimeDescription"},
    "reportAnnotations": {"sextortion", "csamSolicitation", "minorToMinorInteraction",
                          "spam", "sadisticOnlineExploitation"},
    "personOrUserReported": _ACCOUNT | {"personOrUserReportedPerson", "vehicleDescription",
                                        "thirdPartyUserReported"},
    "intendedRecipient": _ACCOUNT | {"intendedRecipientPerson"},
    "victim": _ACCOUNT | {"victimPerson", "schoolName"},
    "personOrUserReportedPerson": _PERSON,
    "intendedRecipientPerson": _PERSON,
    "victimPerson": _PERSON,
    "address": {"address", "city", "zipCode", "state", "nonUsaState", "country"},
    "ipCaptureEvent": {"ipAddress", "eventName", "dateTime", "possibleProxy", "port"},
    "estimatedLocation": {"city", "region", "countryCode"},
    "fileDetails": {"reportId", "fileId", "fileName", "originalFileName",
                    "uploadedToEspTimestamp", "locationOfFile", "fileViewedByEsp",
                    "exifViewedByEsp", "publiclyAvailable", "fileRelevance", "potentialMeme",
                    "fileAnnotations", "industryClassification", "originalFileHash",
                    "ipCaptureEvent", "deviceId", "details", "additionalInfo"},
    "fileAnnotations": {"animeDrawingVirtualHentai", "potentialMeme", "viral",
                        "possibleSelfProduction", "physicalHarm", "violenceGore",
                        "bestiality", "liveStreaming", "infant", "generativeAi"},
}
REPORT_FLAGS = CHILDREN["reportAnnotations"]
FILE_FLAGS = CHILDREN["fileAnnotations"]
_HASHES = {"md5": "md5", "sha1": "sha1", "sha-1": "sha1", "sha256": "sha256",
           "sha-256": "sha256"}
_HEX = {"md5": 32, "sha1": 40, "sha256": 64}
_NUMBER = re.compile(r"(\d{4,15})")


class NcmecError(ValueError):
    """A report that cannot be read: every problem, each naming its element."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems[:5]))
        self.source = source
        self.problems = problems


@dataclass
class Report:
    number: str
    source: str                     # the file (and member) it came from
    xml: str                        # the report as received, with its file details
    document: dict[str, Any]        # safeguard.referral/1
    facts: dict[str, Any]           # escalation, annotations, people, files' annotations
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Doc:
    name: str
    root: Element
    text: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Reader:
    """Walks one document, collecting every problem with its element path."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def kids(self, node: Element, path: str) -> list[tuple[str, Element]]:
        allowed = CHILDREN.get(_local(node.tag), set())
        found = []
        for child in node:
            name = _local(child.tag)
            if name not in allowed:
                self.problems.append(f"{path}/{name}: not an element of the NCMEC schema here")
                continue
            found.append((name, child))
        return found

    def text(self, node: Element | None) -> str:
        return (node.text or "").strip() if node is not None else ""

    def flag(self, node: Element, path: str) -> bool:
        value = self.text(node).lower()
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        self.problems.append(f"{path}: expected true or false, found {value[:20]!r}")
        return False

    def time(self, node: Element, path: str) -> str:
        value = self.text(node)
        moment = parse_time(value)
        if moment is None:
            self.problems.append(f"{path}: expected a date and time with its offset "
                                 f"(2026-03-01T21:14:00Z), found {value[:40]!r}")
            return ""
        return moment.isoformat()

    def integer(self, node: Element, path: str, low: int, high: int) -> int | None:
        value = self.text(node)
        if not value.isdigit() or not low <= int(value) <= high:
            self.problems.append(f"{path}: expected a whole number {low} to {high}, "
                                 f"found {value[:20]!r}")
            return None
        return int(value)


def _person(r: _Reader, node: Element, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {"emails": [], "phones": [], "addresses": []}
    for name, child in r.kids(node, path):
        where = f"{path}/{name}"
        if name in ("firstName", "lastName"):
            out[name] = r.text(child)[:100]
        elif name == "email":
            if r.text(child):
                out["emails"].append(r.text(child))
        elif name == "phone":
            code = (child.get("countryCallingCode") or "").strip().lstrip("+")
            if r.text(child):
                out["phones"].append(f"+{code} {r.text(child)}" if code else r.text(child))
        elif name == "address":
            out["addresses"].append(_address(r, child, where))
        elif name == "age":
            out["age"] = r.integer(child, where, 0, 130)
        elif name == "dateOfBirth":
            value = r.text(child)
            try:
                out["date_of_birth"] = datetime.strptime(value[:10], "%Y-%m-%d").date(
                ).isoformat()
            except ValueError:
                r.problems.append(f"{where}: expected a date (YYYY-MM-DD), found "
                                  f"{value[:20]!r}")
    return out


def _address(r: _Reader, node: Element, path: str) -> dict[str, str]:
    parts = {name: r.text(child)[:200] for name, child in r.kids(node, path)}
    parts["type"] = (node.get("type") or "").strip()
    return parts


def _ip_event(r: _Reader, node: Element, path: str) -> dict[str, Any] | None:
    event: dict[str, Any] = {}
    for name, child in r.kids(node, path):
        where = f"{path}/{name}"
        if name == "ipAddress":
            event["ip"] = r.text(child)
        elif name == "dateTime":
            event["time"] = r.time(child, where)
        elif name == "eventName" and r.text(child):
            event["event"] = r.text(child)[:50]
        elif name == "port":
            port = r.integer(child, where, 0, 65535)
            if port is not None:
                event["port"] = port
        elif name == "possibleProxy":
            r.flag(child, where)
    if not event.get("ip"):
        r.problems.append(f"{path}/ipAddress: missing")
        return None
    if "time" not in event:
        # An address without its time identifies nobody (addresses are reassigned).
        r.warnings.append(f"{path}: IP {event['ip']} has no dateTime: not linked")
        return None
    return event if event["time"] else None


def _account(r: _Reader, node: Element, path: str, person_tag: str) -> dict[str, Any]:
    """The reported person, a victim or an intended recipient: who they are and how."""
    out: dict[str, Any] = {"ip_events": [], "display_names": [], "prior_reports": []}
    for name, child in r.kids(node, path):
        where = f"{path}/{name}"
        if name == person_tag:
            out["person"] = _person(r, child, where)
        elif name in ("screenName", "espIdentifier", "espService", "schoolName",
                      "groupIdentifier"):
            out[name] = r.text(child)[:200]
        elif name == "displayName":
            out["display_names"].append(r.text(child)[:200])
        elif name == "ipCaptureEvent":
            if (event := _ip_event(r, child, where)) is not None:
                out["ip_events"].append(event)
        elif name == "priorCTReports":
            number = r.integer(child, where, 1, 10**15)
            if number is not None:
                out["prior_reports"].append(number)
        elif name == "estimatedLocation":
            out["location"] = {n: r.text(c)[:100] for n, c in r.kids(child, where)}
        elif name in ("compromisedAccount", "allEmailsReported", "thirdPartyUserReported"):
            out[name] = r.flag(child, where)
    return out


def _summary(r: _Reader, node: Element, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {"annotations": []}
    for name, child in r.kids(node, path):
        where = f"{path}/{name}"
        if name == "incidentDateTime":
            out["time"] = r.time(child, where)
        elif name == "reportAnnotations":
            out["annotations"] = sorted(n for n, c in r.kids(child, where)
                                        if r.flag(c, f"{where}/{n}"))
        elif name in ("incidentType", "platform", "escalateToHighPriority",
                      "incidentDateTimeDescription"):
            out[name] = r.text(child)[:5000]
    return out


def _file(r: _Reader, node: Element, path: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(reportId, the referral/1 file entry, its facts)."""
    entry: dict[str, Any] = {}
    facts: dict[str, Any] = {"annotations": [], "other_hashes": []}
    number = ""
    for name, child in r.kids(node, path):
        where = f"{path}/{name}"
        if name == "reportId":
            number = r.text(child)
        elif name in ("fileName", "originalFileName"):
            entry.setdefault("name", r.text(child)[:300])
            if name == "originalFileName":
                entry["name"] = r.text(child)[:300]
        elif name == "uploadedToEspTimestamp":
            if moment := r.time(child, where):
                entry["uploaded_at"] = moment
        elif name == "publiclyAvailable":
            entry["distributed"] = r.flag(child, where)
        elif name == "fileViewedByEsp":
            entry["viewed_by_service"] = r.flag(child, where)
        elif name == "potentialMeme":
            if r.flag(child, where):
                facts["annotations"].append("potentialMeme")
        elif name == "fileAnnotations":
            facts["annotations"].extend(n for n, c in r.kids(child, where)
                                        if r.flag(c, f"{where}/{n}"))
        elif name == "industryClassification":
            facts["industry_classification"] = r.text(child)[:4]
        elif name == "originalFileHash":
            kind = (child.get("hashType") or "").strip().lower()
            value = r.text(child).lower()
            digest = _HASHES.get(kind)
            if digest is None:
                facts["other_hashes"].append({"type": kind[:20], "value": value[:300]})
            elif len(value) != _HEX[digest] or not all(c in "0123456789abcdef" for c in value):
                r.problems.append(f"{where}[@hashType={kind}]: expected {_HEX[digest]} "
                                  "hexadecimal characters")
            else:
                entry[digest] = value
    facts["annotations"] = sorted(set(facts["annotations"]))
    return number, entry, facts


# Documents: a file, a folder, a ZIP ----------------------------------------------------


def _parse(name: str, data: bytes) -> _Doc:
    if len(data) > MAX_XML:
        raise NcmecError(name, [f"larger than {MAX_XML // (1024 * 1024)} MB"])
    try:
        root = fromstring(data)
    except DefusedXmlException as exc:
        raise NcmecError(name, [f"refused: {type(exc).__name__} (entities or a DTD are "
                                "not accepted)"]) from None
    except ParseError as exc:
        raise NcmecError(name, [f"not well-formed XML: {exc}"]) from None
    except (LookupError, ValueError) as exc:
        # An XML declaration naming an encoding Python does not know ("U0TF-8"): the
        # parser asks the codec registry and gets a LookupError (a hypothesis finding).
        raise NcmecError(name, [f"not readable XML: {exc}"]) from None
    return _Doc(name, root, data.decode("utf-8", errors="replace"))


def _digests(path: Path, member: str) -> dict[str, str]:
    hashers = {"md5": hashlib.md5(), "sha1": hashlib.sha1(), "sha256": hashlib.sha256()}
    total = 0
    if member:
        with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
            chunks: Iterator[bytes] = iter(lambda: handle.read(1 << 20), b"")
            for chunk in chunks:
                total += len(chunk)
                if total > MAX_ATTACHED:
                    raise NcmecError(f"{path.name}/{member}", ["attached file too large"])
                for h in hashers.values():
                    h.update(chunk)
    else:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                for h in hashers.values():
                    h.update(chunk)
    return {k: h.hexdigest() for k, h in hashers.items()}


def build(doc: _Doc, number: str, file_docs: list[_Doc],
          attached: dict[str, tuple[Path, str]] | None = None) -> Report:
    """One report and its file details into a referral/1 document and its facts."""
    r = _Reader(doc.name)
    if _local(doc.root.tag) != "report":
        raise NcmecError(doc.name, [f"root element <{_local(doc.root.tag)}>: expected <report>"])
    if not number:
        r.problems.append("report: no CyberTipline report number (name the file by it, e.g. "
                          "123456789.xml, or include its fileDetails with reportId)")
    summary: dict[str, Any] = {}
    reported: dict[str, Any] | None = None
    victims: list[dict[str, Any]] = []
    recipients: list[dict[str, Any]] = []
    p2p_events: list[dict[str, Any]] = []
    for name, child in r.kids(doc.root, "report"):
        where = f"report/{name}"
        if name == "incidentSummary":
            summary = _summary(r, child, where)
        elif name == "personOrUserReported":
            reported = _account(r, child, where, "personOrUserReportedPerson")
        elif name == "victim":
            victims.append(_account(r, child, f"{where}[{len(victims)}]", "victimPerson"))
        elif name == "intendedRecipient":
            recipients.append(_account(r, child, f"{where}[{len(recipients)}]",
                                       "intendedRecipientPerson"))
        elif name == "internetDetails":
            for event in child.iter():
                if _local(event.tag) == "ipCaptureEvent":
                    found = _ip_event(r, event, f"{where}/peer2peerIncident/ipCaptureEvent")
                    if found:
                        p2p_events.append(found)
    files: list[dict[str, Any]] = []
    file_facts: list[dict[str, Any]] = []
    for fdoc in file_docs:
        fr = _Reader(fdoc.name)
        _, entry, facts = _file(fr, fdoc.root, f"{fdoc.name}: fileDetails")
        r.problems.extend(fr.problems)
        r.warnings.extend(fr.warnings)
        if not any(k in entry for k in _HEX) and attached and entry.get("name") in attached:
            entry.update(_digests(*attached[entry["name"]]))
        if not any(k in entry for k in _HEX):
            r.problems.append(f"{fdoc.name}: fileDetails/originalFileHash: no MD5, SHA1 or "
                              "SHA256 (and the file is not in the package)")
        files.append(entry)
        file_facts.append(facts)
    if "time" not in summary:
        r.problems.append("report/incidentSummary/incidentDateTime: missing")
    service = summary.get("platform") or (reported or {}).get("espService") or ""
    if not service:
        r.problems.append("report/incidentSummary/platform: missing (and no "
                          "personOrUserReported/espService): the service scopes user names")
    accounts = _accounts(reported, p2p_events)
    if not accounts:
        r.problems.append("report/personOrUserReported: no identifier (screenName, "
                          "espIdentifier, email, phone or ipCaptureEvent)")
    if r.problems:
        raise NcmecError(doc.name, r.problems)
    document: dict[str, Any] = {
        "schema": SCHEMA_VERSION, "report_id": number, "received_via": RECEIVED_VIA,
        "reporting_service": {"name": service[:200]},
        "incident": {"time": summary["time"]},
        "accounts": accounts,
    }
    if summary.get("incidentType"):
        document["incident"]["type"] = summary["incidentType"][:200]
    if summary.get("incidentDateTimeDescription"):
        document["incident"]["description"] = summary["incidentDateTimeDescription"]
    if files:
        document["files"] = files
    if location := _location(reported):
        document["location"] = location
    problems = [_element_of(e.field, file_docs) + f": {e.message}"
                for e in validate(document)]
    if problems:
        raise NcmecError(doc.name, problems)
    person = (reported or {}).get("person") or {}
    facts = {
        "format": FORMAT,
        "escalation": summary.get("escalateToHighPriority", ""),
        "annotations": summary.get("annotations", []),
        "prior_reports": sorted(set((reported or {}).get("prior_reports", []))),
        "subject": {"age": person.get("age"), "date_of_birth": person.get("date_of_birth"),
                    "addresses": person.get("addresses", [])},
        "victims": [_child(v, "victimPerson") for v in victims],
        "recipients": [_child(v, "intendedRecipientPerson") for v in recipients],
        "files": file_facts,
    }
    xml = "\n".join([doc.text, *(f.text for f in file_docs)])
    return Report(number, doc.name, xml, document, facts, r.warnings)


_PATHS = [
    (re.compile(r"^accounts\[0\]\.username"), "report/personOrUserReported/screenName"),
    (re.compile(r"^accounts\[0\]\.account_id"), "report/personOrUserReported/espIdentifier"),
    (re.compile(r"^accounts\[0\]\.ip_events\[(\d+)\]\.?(\w*)"),
     "report/personOrUserReported/ipCaptureEvent[\\1] \\2"),
    (re.compile(r"^accounts\[\d+\]\.(email|phone)"),
     "report/personOrUserReported/personOrUserReportedPerson/\\1"),
    (re.compile(r"^location\.(\w+)"), "report/personOrUserReported (address: \\1)"),
]


def _element_of(path: str, file_docs: list[_Doc]) -> str:
    """The element a referral/1 field came from, for an error that names what was sent."""
    if match := re.match(r"^files\[(\d+)\]\.?(\w*)", path):
        index = int(match.group(1))
        name = file_docs[index].name if index < len(file_docs) else path
        return f"{name}: fileDetails ({match.group(2) or 'file'})"
    for pattern, replacement in _PATHS:
        if pattern.match(path):
            return pattern.sub(replacement, path, count=1).strip()
    return f"report ({path or 'document'})"


def _accounts(reported: dict[str, Any] | None, p2p: list[dict[str, Any]]
              ) -> list[dict[str, Any]]:
    if reported is None:
        return [{"ip_events": p2p[:1000]}] if p2p else []
    person = reported.get("person") or {}
    first: dict[str, Any] = {}
    for key, name in (("screenName", "username"), ("espIdentifier", "account_id")):
        if reported.get(key):
            first[name] = reported[key]
    if reported["display_names"]:
        first["display_name"] = reported["display_names"][0]
    emails, phones = list(person.get("emails", [])), list(person.get("phones", []))
    if emails:
        first["email"] = emails.pop(0)
    if phones:
        first["phone"] = phones.pop(0)
    events = (reported["ip_events"] + p2p)[:1000]
    if events:
        first["ip_events"] = events
    accounts = [first] if set(first) - {"display_name"} else []
    accounts += [{"email": e} for e in emails] + [{"phone": p} for p in phones]
    return accounts[:50]


def _location(reported: dict[str, Any] | None) -> dict[str, str]:
    if reported is None:
        return {}
    homes = (reported.get("person") or {}).get("addresses", [])
    estimated = reported.get("location") or {}
    out: dict[str, str] = {}
    country = (homes[0].get("country") if homes else "") or estimated.get("countryCode", "")
    if len(country) == 2 and country.isalpha():
        out["country"] = country.upper()
    if homes and homes[0].get("zipCode"):
        out["postcode"] = homes[0]["zipCode"][:10]
    town = (homes[0].get("city") if homes else "") or estimated.get("city", "")
    if town:
        out["town"] = town[:100]
    region = (homes[0].get("nonUsaState") if homes else "") or estimated.get("region", "")
    if region:
        out["region"] = region[:100]
    return out


def _child(account: dict[str, Any], tag: str) -> dict[str, Any]:
    """A victim or intended recipient, as the report names them (for identification)."""
    person = account.get("person") or {}
    return {
        "first_name": person.get("firstName", ""), "last_name": person.get("lastName", ""),
        "age": person.get("age"), "date_of_birth": person.get("date_of_birth"),
        "screen_name": account.get("screenName", ""),
        "esp_identifier": account.get("espIdentifier", ""),
        "display_name": (account.get("display_names") or [""])[0],
        "school": account.get("schoolName", ""),
        "addresses": person.get("addresses", []),
        "location": account.get("location", {}),
        "emails": person.get("emails", []), "phones": person.get("phones", []),
    }
