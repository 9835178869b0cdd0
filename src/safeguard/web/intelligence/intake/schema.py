"""The referral document: its schema, a validator whose errors name the field, and the same
schema as JSON Schema (schema/referral-1.schema.json, generated from SPEC: a test fails
when the shipped file and SPEC disagree).

    errors = validate(document)       # [] or [FieldError("files[0].md5", "expected ...")]
    check(document)                   # raises SchemaError(errors) when not valid

The schema is modelled on what online services send national centres about apparent child
sexual abuse material: the incident and its time, the reporting service, the files (with
digests and names) and the account's identifiers (email address, user name, account ID,
telephone number, and IP addresses each with the time it was seen). docs/intelligence.md
documents every field. No Django here.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from safeguard.triage import DIGESTS

SCHEMA_VERSION = "safeguard.referral/1"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "referral-1.schema.json"
SCHEMA_ID = "https://safeguard.example.org/schemas/referral-1.schema.json"
FUTURE_TOLERANCE = timedelta(days=1)

_HEX = {"md5": 32, "sha1": 40, "sha256": 64}


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field or 'document'}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class SchemaError(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


# The spec: a handful of node types, enough for this document ---------------------------


@dataclass(frozen=True)
class Str:
    max_length: int
    fmt: str = ""        # date-time, email, ip, phone, md5, sha1, sha256, country
    description: str = ""


@dataclass(frozen=True)
class Int:
    minimum: int
    maximum: int
    description: str = ""


@dataclass(frozen=True)
class Bool:
    description: str = ""


@dataclass(frozen=True)
class Const:
    value: str
    description: str = ""


@dataclass(frozen=True)
class Field:
    node: Any
    required: bool = False


@dataclass(frozen=True)
class Obj:
    fields: dict[str, Field]
    one_of_needed: tuple[str, ...] = ()  # at least one of these must be given
    description: str = ""


@dataclass(frozen=True)
class Arr:
    items: Any
    min_items: int = 0
    max_items: int = 1000
    description: str = ""


DATE_TIME = "RFC 3339 date and time with its offset, e.g. 2026-03-01T21:14:00Z"

IP_EVENT = Obj({
    "ip": Field(Str(45, "ip", "IPv4 or IPv6 address."), required=True),
    "time": Field(Str(40, "date-time", "When the address was seen. " + DATE_TIME),
                  required=True),
    "event": Field(Str(50, description="What happened then, e.g. login, upload.")),
    "port": Field(Int(0, 65535, "Source port, where the service logged it (CGNAT).")),
}, description="An IP address with the time the service saw it.")

ACCOUNT = Obj({
    "email": Field(Str(254, "email", "Email address of the account.")),
    "username": Field(Str(200, description="User name (screen name) on the service.")),
    "display_name": Field(Str(200, description="Name shown on the account (kept, never "
                                               "used to link).")),
    "account_id": Field(Str(200, description="The service's own ID of the account.")),
    "phone": Field(Str(32, "phone", "Telephone number, with or without country code.")),
    "ip_events": Field(Arr(IP_EVENT, 1, 1000, "Addresses the account used, with times.")),
}, one_of_needed=("email", "username", "account_id", "phone", "ip_events"),
    description="An account the report is about.")

FILE = Obj({
    "name": Field(Str(300, description="File name as uploaded.")),
    "md5": Field(Str(32, "md5", "MD5, 32 hexadecimal characters.")),
    "sha1": Field(Str(40, "sha1", "SHA-1, 40 hexadecimal characters.")),
    "sha256": Field(Str(64, "sha256", "SHA-256, 64 hexadecimal characters.")),
    "size": Field(Int(0, 2**53, "Size in bytes.")),
    "uploaded_at": Field(Str(40, "date-time", "When it was uploaded. " + DATE_TIME)),
    "distributed": Field(Bool("Sent to others or made public (true), or kept private "
                              "(false); absent: not known.")),
    "viewed_by_service": Field(Bool("Whether the service's staff viewed the file.")),
}, one_of_needed=DIGESTS, description="A file the report is about.")

SPEC = Obj({
    "schema": Field(Const(SCHEMA_VERSION, "The schema and its version."), required=True),
    "report_id": Field(Str(100, description="The national centre's reference for the "
                                            "report: unique, re-sending it is harmless."),
                       required=True),
    "received_via": Field(Str(200, description="The national centre (or force) that "
                                               "forwarded it.")),
    "reporting_service": Field(Obj({
        "name": Field(Str(200, description="The online service that made the report."),
                      required=True),
        "type": Field(Str(100, description="e.g. social media, messaging, cloud storage.")),
    }, description="Who reported."), required=True),
    "incident": Field(Obj({
        "time": Field(Str(40, "date-time", "When it happened. " + DATE_TIME), required=True),
        "type": Field(Str(200, description="e.g. apparent child sexual abuse material.")),
        "description": Field(Str(5000, description="The service's account of it.")),
    }, description="What was reported and when."), required=True),
    "accounts": Field(Arr(ACCOUNT, 1, 50, "The accounts involved (at least one)."),
                      required=True),
    "files": Field(Arr(FILE, 0, 10000, "The files reported.")),
    "location": Field(Obj({
        "country": Field(Str(2, "country", "ISO 3166-1 alpha-2 code, e.g. GB.")),
        "region": Field(Str(100, description="Region or county.")),
        "town": Field(Str(100, description="Town or city.")),
        "postcode": Field(Str(10, description="Postcode or its outward code.")),
    }, description="Where the service placed the account (e.g. by IP geolocation).")),
}, description="A referral: one report from an online service about one incident.")


# Validation ------------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{6,32}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def parse_time(value: str) -> datetime | None:
    """An aware datetime from RFC 3339 text, or None. Surrounding spaces are dropped, as
    the schema check drops them (a fuzz finding: " 2026-..." passed the check and then
    failed here)."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _format_error(fmt: str, value: str, now: datetime | None) -> str:
    if fmt == "date-time":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return f"not a date and time ({DATE_TIME})"
        if moment.tzinfo is None:
            return "needs its time zone offset (Z or +01:00)"
        if now is not None and moment > now + FUTURE_TOLERANCE:
            return "is in the future"
    elif fmt == "email" and not _EMAIL.match(value):
        return "not an email address"
    elif fmt == "phone" and (not _PHONE.match(value) or
                             not 7 <= sum(c.isdigit() for c in value) <= 15):
        return "not a telephone number (7 to 15 digits; spaces, brackets, dashes and a leading +)"
    elif fmt == "ip":
        try:
            ipaddress.ip_address(value)
        except ValueError:
            return "not an IPv4 or IPv6 address"
    elif fmt in _HEX and not re.fullmatch(rf"[0-9a-fA-F]{{{_HEX[fmt]}}}", value):
        return f"expected {_HEX[fmt]} hexadecimal characters"
    elif fmt == "country" and not _COUNTRY.match(value):
        return "expected a two-letter country code in capitals, e.g. GB"
    return ""


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check(node: Any, value: Any, path: str, errors: list[FieldError],
           now: datetime | None) -> None:
    if isinstance(node, Const):
        if value != node.value:
            errors.append(FieldError(path, f"expected {node.value!r}"))
    elif isinstance(node, Str):
        if not isinstance(value, str):
            errors.append(FieldError(path, "expected text"))
        elif not value.strip():
            errors.append(FieldError(path, "is empty"))
        elif len(value) > node.max_length:
            errors.append(FieldError(path, f"longer than {node.max_length} characters"))
        elif node.fmt and (problem := _format_error(node.fmt, value.strip(), now)):
            errors.append(FieldError(path, problem))
    elif isinstance(node, Int):
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(FieldError(path, "expected a whole number"))
        elif not node.minimum <= value <= node.maximum:
            errors.append(FieldError(path, f"expected {node.minimum} to {node.maximum}"))
    elif isinstance(node, Bool):
        if not isinstance(value, bool):
            errors.append(FieldError(path, "expected true or false (a JSON boolean)"))
    elif isinstance(node, Arr):
        if not isinstance(value, list):
            errors.append(FieldError(path, "expected a list"))
            return
        if len(value) < node.min_items:
            errors.append(FieldError(path, f"needs at least {node.min_items} item"
                                           f"{'s' if node.min_items > 1 else ''}"))
        if len(value) > node.max_items:
            errors.append(FieldError(path, f"more than {node.max_items} items"))
            return
        for index, item in enumerate(value):
            _check(node.items, item, f"{path}[{index}]", errors, now)
    elif isinstance(node, Obj):
        if not isinstance(value, dict):
            errors.append(FieldError(path, "expected an object"))
            return
        for key in value:
            if key not in node.fields:
                errors.append(FieldError(_join(path, str(key)), "unknown field"))
        for key, spec in node.fields.items():
            if key in value and value[key] is not None:
                _check(spec.node, value[key], _join(path, key), errors, now)
            elif spec.required:
                errors.append(FieldError(_join(path, key), "required"))
        if node.one_of_needed and not any(value.get(k) for k in node.one_of_needed):
            errors.append(FieldError(path, "give at least one of "
                                           + ", ".join(node.one_of_needed)))
    else:  # pragma: no cover - a mistake in SPEC
        raise TypeError(f"unknown schema node {node!r}")


def validate(document: Any, now: datetime | None = None) -> list[FieldError]:
    """Every problem with `document`, each naming its field ("files[0].md5")."""
    errors: list[FieldError] = []
    _check(SPEC, document, "", errors, now)
    return errors


def check(document: Any, now: datetime | None = None) -> dict[str, Any]:
    errors = validate(document, now)
    if errors:
        raise SchemaError(errors)
    return document  # type: ignore[no-any-return]


# JSON Schema -----------------------------------------------------------------------------


def _json(node: Any) -> dict[str, Any]:
    out: dict[str, Any]
    if isinstance(node, Const):
        out = {"const": node.value}
    elif isinstance(node, Str):
        out = {"type": "string", "minLength": 1, "maxLength": node.max_length}
        if node.fmt == "date-time":
            out["format"] = "date-time"
        elif node.fmt == "email":
            out["format"] = "email"
        elif node.fmt == "ip":
            out["anyOf"] = [{"format": "ipv4"}, {"format": "ipv6"}]
        elif node.fmt == "phone":
            out["pattern"] = _PHONE.pattern
        elif node.fmt in _HEX:
            out["pattern"] = f"^[0-9a-fA-F]{{{_HEX[node.fmt]}}}$"
        elif node.fmt == "country":
            out["pattern"] = _COUNTRY.pattern
    elif isinstance(node, Int):
        out = {"type": "integer", "minimum": node.minimum, "maximum": node.maximum}
    elif isinstance(node, Bool):
        out = {"type": "boolean"}
    elif isinstance(node, Arr):
        out = {"type": "array", "items": _json(node.items), "minItems": node.min_items,
               "maxItems": node.max_items}
    elif isinstance(node, Obj):
        out = {
            "type": "object",
            "properties": {key: _json(spec.node) for key, spec in node.fields.items()},
            "required": [key for key, spec in node.fields.items() if spec.required],
            "additionalProperties": False,
        }
        if node.one_of_needed:
            out["anyOf"] = [{"required": [key]} for key in node.one_of_needed]
    else:  # pragma: no cover
        raise TypeError(f"unknown schema node {node!r}")
    if getattr(node, "description", ""):
        out = {"description": node.description, **out}
    return out


def json_schema() -> dict[str, Any]:
    """SPEC as JSON Schema (draft 2020-12): what schema/referral-1.schema.json holds."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Safeguard referral, version 1",
        **_json(SPEC),
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


@dataclass
class Documents:
    """The referrals of an import file: one referral, a list, or {"referrals": [...]}."""

    items: list[Any] = field(default_factory=list)
    form: str = "one"  # "one", "list" or "referrals"

    def path(self, index: int) -> str:
        """Where referral `index` sits in the file, as error paths start."""
        if self.form == "referrals":
            return f"referrals[{index}]"
        return f"[{index}]" if self.form == "list" else ""


def documents_of(data: Any) -> Documents:
    if isinstance(data, dict) and "referrals" in data and "schema" not in data:
        items = data["referrals"]
        if not isinstance(items, list):
            raise SchemaError([FieldError("referrals", "expected a list of referrals")])
        return Documents(items, "referrals")
    if isinstance(data, list):
        return Documents(data, "list")
    return Documents([data], "one")


def prefixed(path: str, error: FieldError) -> FieldError:
    if not path:
        return error
    joined = f"{path}.{error.field}" if error.field else path
    return FieldError(joined, error.message)
