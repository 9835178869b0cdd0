"""Hash sets: formats in, the store, and exact lookups without loading a set into memory.

    store = HashSetStore.default()
    info = store.import_file("NSRLFile.txt", "nsrl", "known-good")
    with store.open("nsrl") as nsrl:
        rows = nsrl.lookup("sha1", ["a14bc8609e0c9be98f7fd1ae6348417fc4b6ed3a", ...])

docs/hashsets.md describes the formats, category schemes, store layout and bad-row policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

if TYPE_CHECKING:
    from .categories import (
        SCHEMES,
        UNCATEGORISED,
        Scheme,
        UkCategory,
        get_scheme,
        parse_category_map,
    )
    from .formats import AUTO, FORMATS, FormatRegistry, HashSetFormat
    from .handle import HashSet
    from .home import default_home
    from .model import KINDS, KNOWN_BAD, KNOWN_GOOD, HashEntry, HashSetInfo
    from .store import INDEX_VERSION, HashSetStore

# The names are loaded when first used (PEP 562), as safeguard.triage's are: a run with no
# hash set imports model.py (matching's types) and home.py (default_home), and must not
# pay for the list formats and the store (tests/triage/test_startup_imports.py). Each
# name and the module that defines it, as imported above for mypy and the contracts.
_LAZY: dict[str, str] = {
    **dict.fromkeys(["SCHEMES", "UNCATEGORISED", "Scheme", "UkCategory", "get_scheme",
                     "parse_category_map"], ".categories"),
    **dict.fromkeys(["AUTO", "FORMATS", "FormatRegistry", "HashSetFormat"], ".formats"),
    **dict.fromkeys(["KINDS", "KNOWN_BAD", "KNOWN_GOOD", "HashEntry", "HashSetInfo"],
                    ".model"),
    **dict.fromkeys(["INDEX_VERSION", "HashSetStore"], ".store"),
    # Where store.py has them from: a run's HashSet type and $SAFEGUARD_HOME, without it.
    "HashSet": ".handle",
    "default_home": ".home",
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())

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
