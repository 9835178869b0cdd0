"""The review's local rules: the shipped review.toml, a force's own file, and (for tests) a
Django setting.

    rules = review_rules()
    rules.graders_needed        # 3: agreeing graders, none dissenting, before it is final
    rules.senior_roles          # who settles a dispute: forensic examiners

Sources, later ones winning key by key: `review.toml` beside this module; the TOML file
named by SAFEGUARD_REVIEW_CONFIG; the Django setting REVIEW_OVERRIDES (tests only). A
malformed file or value stops the page with one line naming the key (env.SettingError).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safeguard.triage import UsageError, category_codes

from ..env import SettingError
from ..localconf import LocalConfig

SHIPPED = Path(__file__).resolve().parent / "review.toml"
CONFIG_VARIABLE = "SAFEGUARD_REVIEW_CONFIG"
KEYS = {"graders_needed", "break_minutes", "thumbnail_px", "reveal_px", "max_media_mb",
        "page_size", "vics_category_codes", "correction_roles", "senior_roles"}
# The roles that review at all (access.REVIEW_ROLES): correcting a final category and
# settling a dispute are given to some of them.
ROLE_KEYS = ("correction_roles", "senior_roles")
REVIEWING_ROLES = ("forensic_examiner", "image_reviewer")
# (minimum, maximum) of each whole-number key.
LIMITS = {
    "graders_needed": (1, 9),
    "break_minutes": (5, 240),
    "thumbnail_px": (64, 480),
    "reveal_px": (160, 2048),
    "max_media_mb": (1, 4096),
    "page_size": (4, 200),
}


@dataclass(frozen=True)
class ReviewRules:
    graders_needed: int
    break_minutes: int
    thumbnail_px: int
    reveal_px: int
    max_media_mb: int
    page_size: int
    vics_category_codes: dict[str, int]
    correction_roles: frozenset[str] = frozenset({"forensic_examiner"})
    senior_roles: frozenset[str] = frozenset({"forensic_examiner"})

    @property
    def max_media_bytes(self) -> int:
        return self.max_media_mb * 1024 * 1024


def _build(data: dict[str, Any]) -> ReviewRules:
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise SettingError(f"{CONFIG_VARIABLE}: unknown key(s) {', '.join(unknown)}")
    numbers: dict[str, int] = {}
    for key, (low, high) in LIMITS.items():
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise SettingError(
                f"{CONFIG_VARIABLE}: {key} = {value!r}: expected a whole number {low}–{high}"
            )
        numbers[key] = value
    try:
        # The engine's own check of the map (non-negative integers).
        codes = category_codes({"vics_category_codes": data.get("vics_category_codes", {})})
    except UsageError as exc:
        raise SettingError(f"{CONFIG_VARIABLE}: {exc}") from None
    roles: dict[str, frozenset[str]] = {}
    for key in ROLE_KEYS:
        given = data.get(key, ["forensic_examiner"])
        if not isinstance(given, list) or any(role not in REVIEWING_ROLES for role in given):
            raise SettingError(f"{CONFIG_VARIABLE}: {key} = {given!r}: a list of "
                               f"{', '.join(REVIEWING_ROLES)}")
        roles[key] = frozenset(given)
    return ReviewRules(vics_category_codes=codes, correction_roles=roles["correction_roles"],
                       senior_roles=roles["senior_roles"], **numbers)


CONFIG = LocalConfig(SHIPPED, CONFIG_VARIABLE, "REVIEW_OVERRIDES", _build)


def review_rules() -> ReviewRules:
    """The rules in force (built once per distinct set of overrides)."""
    return CONFIG.rules()
