"""The register's local settings: the shipped local.toml, a force's own file, and (for
tests) a Django setting.

    rules = local_rules()
    rules.risk_review_months          # 3
    rules.working.add_working_days(d, 45)

Sources, later ones winning key by key:

1. `local.toml` beside this module (the defaults of shared/domain.md, Staffordshire areas);
2. the TOML file named by SAFEGUARD_SAFEGUARDING_CONFIG (a force's own rules and areas);
3. the Django setting SAFEGUARDING_OVERRIDES, a dict of the same keys: tests use it with
   override_settings. Not an environment setting.

A malformed file or value stops start-up with one line naming the key (env.SettingError).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..env import SettingError
from ..localconf import LocalConfig
from .workingdays import WorkingCalendar

SHIPPED = Path(__file__).resolve().parent / "local.toml"
CONFIG_VARIABLE = "SAFEGUARD_SAFEGUARDING_CONFIG"


@dataclass(frozen=True)
class AreaSpec:
    name: str
    ons_code: str
    towns: tuple[str, ...]


@dataclass(frozen=True)
class AuthoritySpec:
    """A local authority's front door: the districts whose children it receives referrals
    for, the agency on the platform that decides them, and the provider it commissions for
    return home interviews. Agencies are named; the first name that is an active agency
    on the platform is used (a force lists its own agency's name, the demo its own)."""

    name: str
    districts: tuple[str, ...]  # ONS codes
    front_door: tuple[str, ...]
    rhi_provider: tuple[str, ...]


@dataclass(frozen=True)
class LocalRules:
    risk_review_months: int
    repeat_missing_episodes: int
    repeat_missing_days: int
    notice_review_months: int
    unscreened_months: int
    unscreened_risk_factors: int
    suggestion_window_days: int
    away_episodes_owe_interview: bool
    order_expiry_warning_days: int
    due_soon_days: int
    police_risk_grades: tuple[tuple[str, str], ...]
    extra_bank_holidays: tuple[tuple[date, str], ...]
    moved_bank_holidays: tuple[date, ...]
    areas: tuple[AreaSpec, ...]
    local_authorities: tuple[AuthoritySpec, ...]
    working: WorkingCalendar = field(compare=False, repr=False)

    def police_grade_label(self, code: str) -> str:
        return dict(self.police_risk_grades).get(code, code)


def _positive(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise SettingError(f"safeguarding setting {key}={value!r}: expected a whole number >= 1")
    return value


def _date(value: Any, key: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise SettingError(f"safeguarding setting {key}: {value!r} is not a date") from None


def _flag(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise SettingError(f"safeguarding setting {key}={value!r}: expected true or false")
    return value


KEYS = {"risk_review_months", "repeat_missing_episodes", "repeat_missing_days",
        "notice_review_months", "unscreened_months", "unscreened_risk_factors",
        "suggestion_window_days", "away_episodes_owe_interview", "order_expiry_warning_days",
        "due_soon_days", "police_risk_grades", "extra_bank_holidays", "moved_bank_holidays",
        "areas", "local_authorities"}


def _build(data: dict[str, Any]) -> LocalRules:
    unknown = sorted(set(data) - KEYS)
    if unknown:
        # A misspelt key would otherwise leave the shipped value silently in force.
        raise SettingError(f"safeguarding settings: unknown key(s) {', '.join(unknown)}")
    try:
        grades = tuple((str(g["code"]), str(g["label"])) for g in data["police_risk_grades"])
        extra = tuple(
            (_date(item["date"], "extra_bank_holidays"), str(item["name"]))
            for item in data.get("extra_bank_holidays", [])
        )
        moved = tuple(_date(d, "moved_bank_holidays") for d in data.get("moved_bank_holidays", []))
        areas = tuple(
            AreaSpec(str(a["name"]), str(a["ons_code"]), tuple(str(t) for t in a.get("towns", [])))
            for a in data["areas"]
        )
        authorities = tuple(_authority(a) for a in data.get("local_authorities", []))
    except (KeyError, TypeError) as exc:
        raise SettingError(f"safeguarding settings: missing or malformed {exc}") from None
    _check_authorities(authorities)
    if not grades:
        raise SettingError("safeguarding setting police_risk_grades: at least one grade")
    if len({code for code, _ in grades}) != len(grades):
        raise SettingError("safeguarding setting police_risk_grades: codes must be unique")
    if len({a.ons_code for a in areas}) != len(areas):
        raise SettingError("safeguarding setting areas: ONS codes must be unique")
    return LocalRules(
        risk_review_months=_positive(data, "risk_review_months"),
        repeat_missing_episodes=_positive(data, "repeat_missing_episodes"),
        repeat_missing_days=_positive(data, "repeat_missing_days"),
        notice_review_months=_positive(data, "notice_review_months"),
        unscreened_months=_positive(data, "unscreened_months"),
        unscreened_risk_factors=_positive(data, "unscreened_risk_factors"),
        suggestion_window_days=_positive(data, "suggestion_window_days"),
        away_episodes_owe_interview=_flag(data, "away_episodes_owe_interview"),
        order_expiry_warning_days=_positive(data, "order_expiry_warning_days"),
        due_soon_days=_positive(data, "due_soon_days"),
        police_risk_grades=grades,
        extra_bank_holidays=extra,
        moved_bank_holidays=moved,
        areas=areas,
        local_authorities=authorities,
        working=WorkingCalendar(dict(extra), moved),
    )


def _names(value: Any, key: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    if not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise SettingError(f"safeguarding setting local_authorities: {key} needs at least "
                           "one agency name")
    return names


def _authority(item: dict[str, Any]) -> AuthoritySpec:
    return AuthoritySpec(
        name=str(item["name"]),
        districts=tuple(str(code) for code in item["districts"]),
        front_door=_names(item["front_door"], "front_door"),
        rhi_provider=_names(item.get("rhi_provider", item["front_door"]), "rhi_provider"),
    )


def _check_authorities(authorities: tuple[AuthoritySpec, ...]) -> None:
    """Each district belongs to one authority at most. (A code not in `areas` matches no
    child: a force that lists its own areas lists its own authorities too.)"""
    seen: dict[str, str] = {}
    for authority in authorities:
        for code in authority.districts:
            if code in seen:
                raise SettingError(f"safeguarding setting local_authorities: district {code} "
                                   f"is in both {seen[code]} and {authority.name}")
            seen[code] = authority.name


CONFIG = LocalConfig(SHIPPED, CONFIG_VARIABLE, "SAFEGUARDING_OVERRIDES", _build)


def local_rules() -> LocalRules:
    """The rules in force (cheap: built once per distinct set of overrides)."""
    return CONFIG.rules()
