"""Where an identifier or a record is: IP ranges, postcodes and towns resolved to districts
(the safeguarding register's Area table) through the configurable tables of local.toml.

    resolver = build_resolver()           # once per import: the tables are read here
    resolver.resolve(ip="203.0.113.7")    # the Area pk of Stoke-on-Trent in the demo tables
    resolver.resolve(postcode="ST16 2AB") # Stafford
    resolver.resolve(town="Leek")         # Staffordshire Moorlands

IP lookups are a binary search over sorted integer ranges, one list for IPv4 and one for
IPv6. CIDR blocks are either nested or apart, so the table is first flattened into
disjoint segments in which the most specific block wins: a /28 inside a /24 takes its
own district. The order of `resolve` is IP, then postcode, then town: an address seen at
the time is better evidence than a place someone typed.
"""

from __future__ import annotations

import ipaddress
import re
from bisect import bisect_right
from dataclasses import dataclass, field

_INWARD = re.compile(r"^\d[A-Z]{2}$")
_TOWN_SEPARATORS = re.compile(r"[\s\-]+")


@dataclass
class _Ranges:
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    districts: list[int] = field(default_factory=list)

    def find(self, value: int) -> int | None:
        index = bisect_right(self.starts, value) - 1
        if index >= 0 and value <= self.ends[index]:
            return self.districts[index]
        return None


def flatten(blocks: list[tuple[int, int, int]]) -> _Ranges:
    """Disjoint sorted segments from (start, end, district) blocks that are nested or
    apart (as CIDR blocks always are); inside a nested block its own district wins."""
    out = _Ranges()

    def emit(start: int, end: int, district: int) -> None:
        if out.ends and out.ends[-1] == start - 1 and out.districts[-1] == district:
            out.ends[-1] = end  # contiguous with the same district: one segment
        else:
            out.starts.append(start)
            out.ends.append(end)
            out.districts.append(district)

    stack: list[tuple[int, int]] = []  # (end, district) of the blocks open at the cursor
    cursor = 0

    def paint(upto: int) -> None:
        nonlocal cursor
        if stack and cursor <= upto:
            emit(cursor, upto, stack[-1][1])
        cursor = max(cursor, upto + 1)

    for start, end, district in sorted(blocks, key=lambda b: (b[0], -b[1])):
        while stack and stack[-1][0] < start:
            paint(stack[-1][0])
            stack.pop()
        if stack:
            paint(start - 1)
        cursor = start
        stack.append((end, district))
    while stack:
        paint(stack[-1][0])
        stack.pop()
    return out


def normalise_postcode(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def postcode_keys(value: str) -> list[str]:
    """The table keys a postcode can match, most specific first: outward code and sector
    ("ST16 2"), outward code ("ST16"), area letters ("ST")."""
    text = normalise_postcode(value)
    if not text:
        return []
    if len(text) >= 5 and _INWARD.match(text[-3:]):
        outward, sector = text[:-3], text[-3]
        keys = [f"{outward} {sector}", outward]
    else:
        outward = text
        keys = [outward]
    letters = re.match(r"^[A-Z]+", outward)
    if letters and letters.group(0) != outward:
        keys.append(letters.group(0))
    return keys


def _table_postcode(prefix: str) -> str:
    # "ST16 2" (a sector) keeps its space; "st16" -> "ST16".
    parts = prefix.upper().split()
    return " ".join(parts[:2]) if len(parts) > 1 else "".join(parts)


def normalise_town(value: str) -> str:
    return _TOWN_SEPARATORS.sub(" ", value.strip().lower())


class AreaResolver:
    def __init__(self, ip_ranges: list[tuple[str, int]], postcodes: list[tuple[str, int]],
                 towns: dict[str, int]) -> None:
        self.warnings: list[str] = []
        v4: list[tuple[int, int, int]] = []
        v6: list[tuple[int, int, int]] = []
        seen: dict[str, int] = {}
        for cidr, district in ip_ranges:
            network = ipaddress.ip_network(cidr, strict=True)
            key = str(network)
            if key in seen and seen[key] != district:
                self.warnings.append(f"IP range {key} is listed twice with different districts; "
                                     "the later one is used")
            seen[key] = district
        for key, district in seen.items():
            network = ipaddress.ip_network(key)
            block = (int(network.network_address), int(network.broadcast_address), district)
            (v4 if network.version == 4 else v6).append(block)
        self._v4 = flatten(v4)
        self._v6 = flatten(v6)
        self._postcodes = {_table_postcode(prefix): district for prefix, district in postcodes}
        self._towns = dict(towns)

    def ip(self, value: str) -> int | None:
        try:
            address = ipaddress.ip_address(value.strip())
        except ValueError:
            return None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        table = self._v4 if address.version == 4 else self._v6
        return table.find(int(address))

    def postcode(self, value: str) -> int | None:
        for key in postcode_keys(value):
            if key in self._postcodes:
                return self._postcodes[key]
        return None

    def town(self, value: str) -> int | None:
        return self._towns.get(normalise_town(value))

    def resolve(self, *, ip: str = "", postcode: str = "", town: str = "") -> int | None:
        for found in (ip and self.ip(ip), postcode and self.postcode(postcode),
                      town and self.town(town)):
            if found:
                return found
        return None


def build_resolver() -> AreaResolver:
    """The resolver for the tables in force and the register's active areas."""
    from ...core.models import Area
    from ..conf import intel_rules

    rules = intel_rules()
    areas = list(Area.objects.filter(active=True))
    by_code = {area.ons_code: area.pk for area in areas}
    warnings: list[str] = []

    def district(code: str, where: str) -> int | None:
        if code not in by_code:
            warnings.append(f"{where}: no active district with ONS code {code}")
            return None
        return by_code[code]

    ip_ranges = [(cidr, d) for cidr, code in rules.ip_ranges
                 if (d := district(code, f"IP range {cidr}")) is not None]
    postcodes = [(prefix, d) for prefix, code in rules.postcodes
                 if (d := district(code, f"postcode {prefix}")) is not None]
    towns: dict[str, int] = {}
    for area in areas:
        towns[normalise_town(area.name)] = area.pk
        for town in area.towns:
            towns.setdefault(normalise_town(str(town)), area.pk)
    resolver = AreaResolver(ip_ranges, postcodes, towns)
    resolver.warnings[:0] = warnings
    return resolver
