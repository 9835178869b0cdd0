"""Districts from IP ranges, postcodes and towns; the IP table flattened for bisection."""

from __future__ import annotations

import ipaddress
import random
import time

import pytest
from django.test import override_settings

from safeguard.web.core.models import Area
from safeguard.web.intelligence.intake.areas import (
    AreaResolver,
    build_resolver,
    flatten,
    postcode_keys,
)

from .helpers import IntelTestCase


def test_nested_blocks_are_flattened_most_specific_first() -> None:
    table = flatten([(0, 255, 1), (64, 127, 2), (96, 103, 3), (200, 210, 4), (300, 310, 5)])
    assert list(zip(table.starts, table.ends, table.districts, strict=True)) == [
        (0, 63, 1), (64, 95, 2), (96, 103, 3), (104, 127, 2), (128, 199, 1), (200, 210, 4),
        (211, 255, 1), (300, 310, 5)]
    assert [table.find(n) for n in (0, 70, 100, 127, 128, 205, 256, 305, 400)] == [
        1, 2, 3, 2, 1, 4, None, 5, None]


def test_flattening_matches_a_brute_force_lookup() -> None:
    rng = random.Random(7)
    blocks = []
    for _ in range(200):
        network = ipaddress.ip_network(
            f"10.{rng.randrange(4)}.{rng.randrange(256)}.0/{rng.choice([16, 20, 22, 24, 26])}",
            strict=False)
        blocks.append((str(network), rng.randrange(1, 9)))
    resolver = AreaResolver(blocks, [], {})
    networks = {}
    for cidr, district in blocks:
        networks[ipaddress.ip_network(cidr)] = district  # the later one, as the resolver
    for _ in range(2000):
        address = ipaddress.ip_address(f"10.{rng.randrange(5)}.{rng.randrange(256)}."
                                       f"{rng.randrange(256)}")
        covering = [n for n in networks if address in n]
        expected = networks[max(covering, key=lambda n: n.prefixlen)] if covering else None
        assert resolver.ip(str(address)) == expected


def test_ipv6_and_mapped_addresses() -> None:
    resolver = AreaResolver([("2001:db8:1000::/36", 1), ("2001:db8:1000:8000::/49", 2),
                             ("203.0.113.0/24", 3)], [], {})
    assert resolver.ip("2001:db8:1000::1") == 1
    assert resolver.ip("2001:db8:1000:8000::5") == 2
    assert resolver.ip("2001:db8:2000::1") is None
    assert resolver.ip("::ffff:203.0.113.9") == 3
    assert resolver.ip("not an address") is None


def test_a_large_table_is_fast() -> None:
    blocks = [(f"{a}.{b}.0.0/16", (a * 256 + b) % 9 + 1) for a in range(11, 50)
              for b in range(0, 256, 2)]
    resolver = AreaResolver(blocks, [], {})
    started = time.perf_counter()
    for n in range(20_000):
        resolver.ip(f"{11 + n % 39}.{n % 256}.1.1")
    assert time.perf_counter() - started < 1.0  # ~10,000 ranges, 20,000 lookups


@pytest.mark.parametrize(("postcode", "keys"), [
    ("ST16 2AB", ["ST16 2", "ST16", "ST"]),
    ("st162ab", ["ST16 2", "ST16", "ST"]),
    ("B79 7AA", ["B79 7", "B79", "B"]),
    ("ST16", ["ST16", "ST"]),
    ("", []),
])
def test_postcode_keys(postcode: str, keys: list[str]) -> None:
    assert postcode_keys(postcode) == keys


def test_the_longest_postcode_prefix_wins() -> None:
    resolver = AreaResolver([], [("ST", 1), ("ST16", 2), ("ST16 9", 3)], {})
    assert [resolver.postcode(p) for p in ("ST16 2AB", "ST16 9ZZ", "ST4 1AA", "WS1 1AA")] == [
        2, 3, 1, None]


class ConfiguredTablesTests(IntelTestCase):
    def test_the_shipped_tables_resolve_the_demo_districts(self) -> None:
        resolver = build_resolver()
        code = {area.pk: area.ons_code for area in Area.objects.all()}
        assert resolver.warnings == []
        self.assertEqual(code[resolver.resolve(ip="203.0.113.7") or 0], "E06000021")
        self.assertEqual(code[resolver.resolve(ip="203.0.113.245") or 0], "E07000195")
        self.assertEqual(code[resolver.resolve(ip="2001:db8:3000::9") or 0], "E07000199")
        self.assertEqual(code[resolver.resolve(postcode="ws13 6aa") or 0], "E07000194")
        self.assertEqual(code[resolver.resolve(town="burton-upon-trent") or 0], "E07000193")
        self.assertEqual(code[resolver.resolve(town="Newcastle under Lyme") or 0], "E07000195")
        # IP first, then postcode, then town.
        self.assertEqual(code[resolver.resolve(ip="198.51.100.230", postcode="ST16 2AB",
                                               town="Leek") or 0], "E07000199")
        self.assertIsNone(resolver.resolve(ip="192.0.2.1", town="Atlantis"))

    @override_settings(INTELLIGENCE_OVERRIDES={"ip_ranges": [
        {"cidr": "192.0.2.0/24", "district": "E99999999"}]})
    def test_an_unknown_district_is_a_warning(self) -> None:
        resolver = build_resolver()
        self.assertEqual(resolver.warnings,
                         ["IP range 192.0.2.0/24: no active district with ONS code E99999999"])
