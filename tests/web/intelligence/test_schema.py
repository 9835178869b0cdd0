"""The referral schema: the validator names each field; the shipped JSON Schema is SPEC's."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from safeguard.web.intelligence.intake.schema import (
    SCHEMA_FILE,
    documents_of,
    json_schema,
    json_schema_text,
    validate,
)

DOC = Path(__file__).resolve().parents[3] / "docs" / "intelligence.md"
NOW = datetime(2026, 3, 3, 12, tzinfo=UTC)


def example() -> dict[str, Any]:
    """The example referral of docs/intelligence.md."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- example-referral -->\n```json\n(.*?)\n```", text, re.S)
    assert block, "docs/intelligence.md has no example referral"
    document: dict[str, Any] = json.loads(block.group(1))
    return document


def errors(document: Any) -> list[str]:
    return [str(e) for e in validate(document, NOW)]


def test_the_documented_example_is_valid() -> None:
    assert errors(example()) == []


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d.pop("report_id"), ["report_id: required"]),
    (lambda d: d.update(report_id=""), ["report_id: is empty"]),
    (lambda d: d.update(report_id=42), ["report_id: expected text"]),
    (lambda d: d.update(schema="safeguard.referral/2"),
     ["schema: expected 'safeguard.referral/1'"]),
    (lambda d: d.update(colour="blue"), ["colour: unknown field"]),
    (lambda d: d["incident"].update(time="2026-03-01T21:14:00"),
     ["incident.time: needs its time zone offset (Z or +01:00)"]),
    (lambda d: d["incident"].update(time="2026-04-01T21:14:00Z"),
     ["incident.time: is in the future"]),
    (lambda d: d.update(accounts=[]), ["accounts: needs at least 1 item"]),
    (lambda d: d["accounts"][0].clear(),
     ["accounts[0]: give at least one of email, username, account_id, phone, ip_events"]),
    (lambda d: d["accounts"][0].update(email="not-an-email"),
     ["accounts[0].email: not an email address"]),
    (lambda d: d["accounts"][0].update(phone="call me"),
     ["accounts[0].phone: not a telephone number (7 to 15 digits; spaces, brackets, dashes "
      "and a leading +)"]),
    (lambda d: d["accounts"][0]["ip_events"][0].update(ip="300.1.2.3"),
     ["accounts[0].ip_events[0].ip: not an IPv4 or IPv6 address"]),
    (lambda d: d["accounts"][0]["ip_events"][0].update(port=70000),
     ["accounts[0].ip_events[0].port: expected 0 to 65535"]),
    (lambda d: d["files"][0].update(md5="abc"),
     ["files[0].md5: expected 32 hexadecimal characters"]),
    (lambda d: d["files"][1].update(distributed="true"),
     ["files[1].distributed: expected true or false (a JSON boolean)"]),
    (lambda d: d["files"][0].update(size=-1), ["files[0].size: expected 0 to 9007199254740992"]),
    (lambda d: d["location"].update(country="gb"),
     ["location.country: expected a two-letter country code in capitals, e.g. GB"]),
    (lambda d: d.update(files="none"), ["files: expected a list"]),
])
def test_each_problem_names_its_field(change: Any, expected: list[str]) -> None:
    document = copy.deepcopy(example())
    change(document)
    assert errors(document) == expected


def test_every_problem_is_reported_at_once() -> None:
    document = example()
    document.pop("incident")
    document["files"][0]["md5"] = "zz"
    document["accounts"][0]["email"] = "nobody"
    assert errors(document) == ["incident: required", "accounts[0].email: not an email address",
                                "files[0].md5: expected 32 hexadecimal characters"]


def test_a_document_that_is_not_an_object() -> None:
    assert errors([1, 2]) == [": expected an object"] or errors([1, 2]) == [
        "document: expected an object"]


def test_import_files_hold_one_a_list_or_a_batch() -> None:
    one = example()
    assert documents_of(one).path(0) == ""
    assert documents_of([one, one]).path(1) == "[1]"
    assert documents_of({"referrals": [one]}).path(0) == "referrals[0]"


def test_the_shipped_json_schema_is_the_validators() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == json_schema_text(), (
        "regenerate: python -c 'from safeguard.web.intelligence.intake.schema import "
        "json_schema_text as t; print(t(), end=\"\")' > " + str(SCHEMA_FILE))


def test_the_json_schema_describes_every_field() -> None:
    schema = json_schema()
    assert schema["required"] == ["schema", "report_id", "reporting_service", "incident",
                                  "accounts"]
    assert schema["additionalProperties"] is False
    account = schema["properties"]["accounts"]["items"]
    assert [a["required"] for a in account["anyOf"]] == [
        ["email"], ["username"], ["account_id"], ["phone"], ["ip_events"]]
    file = schema["properties"]["files"]["items"]
    assert file["properties"]["md5"]["pattern"] == "^[0-9a-fA-F]{32}$"

    def described(node: dict[str, Any], path: str) -> None:
        for key, child in node.get("properties", {}).items():
            assert child.get("description"), f"{path}{key} has no description"
            described(child, f"{path}{key}.")
            if "items" in child:
                described(child["items"], f"{path}{key}[].")

    described(schema, "")


def test_the_documentation_lists_every_field() -> None:
    text = DOC.read_text(encoding="utf-8")

    def walk(node: dict[str, Any], path: str) -> list[str]:
        found = []
        for key, child in node.get("properties", {}).items():
            found.append(f"{path}{key}")
            found.extend(walk(child, f"{path}{key}."))
            if "items" in child:
                found.extend(walk(child["items"], f"{path}{key}[]."))
        return found

    missing = [field for field in walk(json_schema(), "") if f"`{field}`" not in text]
    assert missing == []
