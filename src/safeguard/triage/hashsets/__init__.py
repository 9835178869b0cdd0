"""Hash sets: formats in, the store, and exact lookups without loading a set into memory.

    store = HashSetStore.default()
    info = store.import_file("NSRLFile.txt", "nsrl", "known-good")
    with store.open("nsrl") as nsrl:
        rows = nsrl.lookup("sha1", ["a14bc8609e0c9be98f7fd1ae6348417fc4b6ed3a", ...])

docs/hashsets.md describes the formats, category schemes, store layout and bad-row policy.
"""

from .categories import (
    SCHEMES,
    UNCATEGORISED,
    Scheme,
    UkCategory,
    get_scheme,
    parse_category_map,
)
from .formats import AUTO, FORMATS, FormatRegistry, HashSetFormat
from .model import KINDS, KNOWN_BAD, KNOWN_GOOD, HashEntry, HashSetInfo
from .store import INDEX_VERSION, HashSet, HashSetStore, default_home

__all__ = [
    "AUTO",
    "FORMATS",
    "INDEX_VERSION",
    "KINDS",
    "KNOWN_BAD",
    "KNOWN_GOOD",
    "SCHEMES",
    "UNCATEGORISED",
    "FormatRegistry",
    "HashEntry",
    "HashSet",
    "HashSetFormat",
    "HashSetInfo",
    "HashSetStore",
    "Scheme",
    "UkCategory",
    "default_home",
    "get_scheme",
    "parse_category_map",
]
