"""Category schemes, and the map from a set's integer codes to a scheme's names.

Sets carry categories as integers (VICS) or letters (CSV lists). Entries store the
category *name* of one scheme, so that matching and reports never guess what "2" meant.
The integer codes a UK VICS file uses for A/B/C were not confirmed from a public source:
the default maps below are configuration, overridden per import (`--category-map`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..errors import UsageError

UNCATEGORISED = "uncategorised"
# A code or label the map does not know is kept visibly, never silently dropped or guessed.
UNMAPPED_PREFIX = "unmapped:"


@dataclass(frozen=True, slots=True)
class Scheme:
    """A grading scheme: its canonical names (most serious first) and its default map."""

    NAME: str
    names: tuple[str, ...]
    default_map: Mapping[int, str]
    description: str
    # Lower-cased spellings people write, normalised to canonical names.
    aliases: Mapping[str, str] = field(default_factory=dict)

    def canonical(self, label: str) -> str | None:
        """The canonical name for `label` ("b", "Category B", "CGI animation"), or None."""
        key = _label_key(label)
        for name in (*self.names, UNCATEGORISED):
            if _label_key(name) == key:
                return name
        return self.aliases.get(key)


def _label_key(label: str) -> str:
    key = re.sub(r"[\s_/]+", "-", label.strip().lower())
    # "Category A", "cat. a", "cat-a" all name A.
    return re.sub(r"^cat(egory)?\.?-?", "", key) or key


class UkCategory(enum.StrEnum):
    """The England and Wales legal grading (Sentencing Council, 2014), most serious first."""

    A = "A"
    B = "B"
    C = "C"


UK = Scheme(
    NAME="uk",
    names=tuple(category.value for category in UkCategory),
    # Assumed, not confirmed: 1→A, 2→B, 3→C, 0→uncategorised (VICS uses 0 for that).
    default_map={0: UNCATEGORISED, 1: UkCategory.A.value, 2: UkCategory.B.value,
                 3: UkCategory.C.value},
    description="England and Wales legal grading (Sentencing Council, 2014): A, B, C",
)
US = Scheme(
    NAME="us",
    names=(
        "child-abuse-material",
        "child-exploitive",
        "cgi-animation",
        "comparison",
        "non-pertinent",
    ),
    # The VICS US profile's published codes.
    default_map={
        0: "non-pertinent",
        1: "child-abuse-material",
        2: "child-exploitive",
        3: "cgi-animation",
        4: "comparison",
    },
    description="Project VIC (VICS) US categories 0-4",
    aliases={
        "cam": "child-abuse-material",
        "age-difficult": "child-exploitive",
        "child-exploitive-(non-cam)": "child-exploitive",
        "cgi": "cgi-animation",
        "animation": "cgi-animation",
        "comparison-images": "comparison",
    },
)


def _registry(schemes: tuple[Scheme, ...]) -> dict[str, Scheme]:
    found: dict[str, Scheme] = {}
    for scheme in schemes:
        if scheme.NAME in found:
            raise ValueError(f"duplicate category scheme name {scheme.NAME!r}")
        found[scheme.NAME] = scheme
    return found


SCHEMES: dict[str, Scheme] = _registry((UK, US))


def get_scheme(name: str) -> Scheme:
    try:
        return SCHEMES[name.strip().lower()]
    except KeyError:
        raise UsageError(f"unknown category scheme {name!r}: choose {', '.join(SCHEMES)}") from None


def parse_category_map(text: str) -> dict[int, str]:
    """`"1=A,2=B,3=C"` → {1: "A", 2: "B", 3: "C"}. Names are checked against the scheme
    when it is known (a VICS file names its profile only once it is read)."""
    mapping: dict[int, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        code, sep, label = item.partition("=")
        if not sep or not code.strip().isdigit() or not label.strip():
            raise UsageError(f"bad category map item {item!r}: write CODE=NAME, as in 1=A")
        mapping[int(code)] = label.strip()
    if not mapping:
        raise UsageError("empty category map: write CODE=NAME pairs, as in 1=A,2=B,3=C")
    return mapping


def check_category_map(mapping: Mapping[int, str], scheme: Scheme) -> dict[int, str]:
    """The map with each name made canonical; UsageError for a name the scheme lacks."""
    checked: dict[int, str] = {}
    for code, label in mapping.items():
        name = scheme.canonical(label)
        if name is None:
            raise UsageError(
                f"category map {code}={label}: {label!r} is not a category of the "
                f"{scheme.NAME} scheme ({', '.join((*scheme.names, UNCATEGORISED))})"
            )
        checked[int(code)] = name
    return checked


class CategoryMapper:
    """Turns a raw category (code or label) into a scheme name, warning once per oddity.

    Codes you list in `overrides` replace the default map's; codes you don't list keep it.
    """

    def __init__(
        self,
        scheme: Scheme,
        overrides: Mapping[int, str] | None,
        warn: Callable[[str], None],
    ) -> None:
        self.scheme = scheme
        self.map: dict[int, str] = {
            **scheme.default_map,
            **check_category_map(overrides or {}, scheme),
        }
        self._warn = warn
        self._unmapped: set[str] = set()

    def __call__(self, raw: object) -> str | None:
        if raw is None or isinstance(raw, bool):
            # JSON true/false is not a category; None means the list says nothing.
            return None if raw is None else self._unmapped_name(str(raw))
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, int):
            return self._code(raw)
        text = str(raw).strip()
        if not text:
            return None
        if text.isdigit():
            return self._code(int(text))
        name = self.scheme.canonical(text)
        return name if name is not None else self._unmapped_name(text)

    def _code(self, code: int) -> str:
        name = self.map.get(code)
        return name if name is not None else self._unmapped_name(str(code))

    def _unmapped_name(self, text: str) -> str:
        if text not in self._unmapped:
            self._unmapped.add(text)
            self._warn(
                f"category {text!r} is not in the {self.scheme.NAME} scheme's map; "
                f"stored as {UNMAPPED_PREFIX}{text} (use --category-map to map it)"
            )
        return UNMAPPED_PREFIX + text
