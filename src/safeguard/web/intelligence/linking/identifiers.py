"""Identifiers, normalised so that the same account written two ways links (docs/intelligence.md,
"Linking rules"). No Django: plain functions, pinned by tests/web/intelligence/test_identifiers.py.

    normalise(Kind.EMAIL, " Alex.Example+chat@Example.ORG ")   # "alex.example@example.org"
    normalise(Kind.PHONE, "07700 900123")                        # "+447700900123"
    normalise(Kind.USERNAME, "Dark_Fox", scope="ExampleChat")    # "examplechat:dark_fox"

`IdentifierError` says why a value cannot be an identifier of its kind.
"""

from __future__ import annotations

import enum
import ipaddress
import re

MAX_LENGTH = 300


class Kind(enum.StrEnum):
    EMAIL = "email"
    USERNAME = "username"      # scoped by service: "service:name"
    ACCOUNT_ID = "account_id"  # scoped by service: "service:id"
    PHONE = "phone"
    IP = "ip"
    CLIENT_ID = "client_id"    # scoped by network: "network:id"


LABELS = {
    Kind.EMAIL: "Email address",
    Kind.USERNAME: "User name",
    Kind.ACCOUNT_ID: "Account ID",
    Kind.PHONE: "Telephone number",
    Kind.IP: "IP address",
    Kind.CLIENT_ID: "Client ID",
}
SCOPED = frozenset({Kind.USERNAME, Kind.ACCOUNT_ID, Kind.CLIENT_ID})


class IdentifierError(ValueError):
    """The value cannot be an identifier of that kind; the message says why."""


# Addresses that identify nobody on the internet: kept on the record, never linked
# (every home router hands out 192.168.1.x). Documentation ranges are not listed: they
# stand in for public addresses in the demo and the tests.
NOT_LINKABLE = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
    "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8",
))

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-.]+$")
_SPACES = re.compile(r"\s+")


def scope_name(scope: str) -> str:
    """A service or network name as it scopes an identifier: lower case, single spaces."""
    return _SPACES.sub(" ", scope.strip().lower())


def normalise_email(value: str) -> str:
    text = value.strip().lower()
    if not _EMAIL.match(text) or len(text) > MAX_LENGTH:
        raise IdentifierError("not an email address")
    local, _, domain = text.rpartition("@")
    # Plus-addressing ("name+tag@") reaches the same mailbox at the providers that offer it.
    local = local.split("+", 1)[0] or local
    return f"{local}@{domain}"


def normalise_phone(value: str, country_code: str = "44") -> str:
    text = value.strip()
    if not _PHONE_CHARACTERS.match(text):
        raise IdentifierError("a telephone number has digits, spaces, brackets, dots, dashes "
                              "and an optional leading +")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif digits.startswith("0"):
        number = country_code + digits[1:]
    else:
        number = digits
    if not 7 <= len(number) <= 15:  # E.164: at most 15 digits with the country code
        raise IdentifierError("a telephone number has 7 to 15 digits with its country code")
    return f"+{number}"


def normalise_ip(value: str) -> str:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        raise IdentifierError("not an IPv4 or IPv6 address") from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def ip_is_linkable(normalised: str) -> bool:
    address = ipaddress.ip_address(normalised)
    return not any(address in network for network in NOT_LINKABLE
                   if network.version == address.version)


def normalise(kind: str, value: str, *, scope: str = "", country_code: str = "44") -> str:
    """The form two records must share for their identifiers to be the same."""
    if not isinstance(value, str) or not value.strip():
        raise IdentifierError("empty")
    if kind == Kind.EMAIL:
        return normalise_email(value)
    if kind == Kind.PHONE:
        return normalise_phone(value, country_code)
    if kind == Kind.IP:
        return normalise_ip(value)
    if kind in SCOPED:
        if not scope.strip():
            raise IdentifierError("needs the service or network it belongs to")
        name = _SPACES.sub(" ", value.strip())
        if kind != Kind.ACCOUNT_ID:
            name = name.lower()  # user names and client IDs are not case-sensitive
        result = f"{scope_name(scope)}:{name}"
        if len(result) > MAX_LENGTH:
            raise IdentifierError(f"longer than {MAX_LENGTH} characters")
        return result
    raise IdentifierError(f"unknown identifier kind {kind!r}")


def linkable(kind: str, normalised: str) -> bool:
    """Whether an identifier may link records at all (private addresses may not)."""
    return kind != Kind.IP or ip_is_linkable(normalised)
