"""Identifiers normalised so that the same account written two ways is one identifier."""

from __future__ import annotations

import pytest

from safeguard.web.intelligence.linking.identifiers import (
    IdentifierError,
    Kind,
    linkable,
    normalise,
)


@pytest.mark.parametrize(("kind", "value", "scope", "expected"), [
    (Kind.EMAIL, " Alex.Example@Example.ORG ", "", "alex.example@example.org"),
    (Kind.EMAIL, "alex+chat@example.org", "", "alex@example.org"),
    (Kind.PHONE, "07700 900123", "", "+447700900123"),
    (Kind.PHONE, "+44 (0)7700-900123".replace("(0)", ""), "", "+447700900123"),
    (Kind.PHONE, "0044 7700 900123", "", "+447700900123"),
    (Kind.PHONE, "+1 555 0100 123", "", "+15550100123"),
    (Kind.IP, "203.0.113.7", "", "203.0.113.7"),
    (Kind.IP, "::ffff:203.0.113.7", "", "203.0.113.7"),
    (Kind.IP, "2001:DB8:1000:0:0:0:0:1", "", "2001:db8:1000::1"),
    (Kind.USERNAME, "Dark_Fox", "ExampleChat", "examplechat:dark_fox"),
    (Kind.USERNAME, "dark_fox", "  Example   Chat ", "example chat:dark_fox"),
    (Kind.ACCOUNT_ID, "AbC123", "ExampleChat", "examplechat:AbC123"),
    (Kind.CLIENT_ID, "-PEER-01", "ExampleP2P", "examplep2p:-peer-01"),
])
def test_it_normalises(kind: str, value: str, scope: str, expected: str) -> None:
    assert normalise(kind, value, scope=scope) == expected


@pytest.mark.parametrize(("kind", "value", "scope", "message"), [
    (Kind.EMAIL, "alex.example.org", "", "not an email address"),
    (Kind.PHONE, "12345", "", "7 to 15 digits"),
    (Kind.PHONE, "tel: 07700 900123", "", "digits, spaces"),
    (Kind.IP, "203.0.113.300", "", "not an IPv4 or IPv6 address"),
    (Kind.USERNAME, "dark_fox", "", "needs the service"),
    (Kind.EMAIL, "   ", "", "empty"),
])
def test_it_says_why_a_value_is_not_an_identifier(kind: str, value: str, scope: str,
                                                  message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        normalise(kind, value, scope=scope)


def test_the_country_code_is_a_setting() -> None:
    assert normalise(Kind.PHONE, "0612 345678", country_code="31") == "+31612345678"


@pytest.mark.parametrize(("address", "expected"), [
    ("203.0.113.7", True), ("198.51.100.1", True), ("2001:db8::1", True),
    ("10.1.2.3", False), ("192.168.1.20", False), ("172.20.0.1", False),
    ("100.64.1.1", False), ("127.0.0.1", False), ("fe80::1", False), ("fd00::1", False),
])
def test_private_and_shared_addresses_never_link(address: str, expected: bool) -> None:
    assert linkable(Kind.IP, normalise(Kind.IP, address)) is expected
    assert linkable(Kind.EMAIL, "a@example.org")
