"""Intelligence's local rules: the shipped local.toml, a force's own file, and (for tests)
a Django setting; and the hash sets referrals and sightings are matched against.

    rules = intel_rules()
    rules.ip_link_window            # timedelta(hours=24)
    rules.factor("category_a").weight

Sources, later ones winning key by key: `local.toml` beside this module; the TOML file
named by SAFEGUARD_INTEL_CONFIG; the Django setting INTELLIGENCE_OVERRIDES (tests only).
A malformed file or value stops start-up with one line naming the key (env.SettingError).
"""

from __future__ import annotations

import csv
import ipaddress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings

from ..env import SettingError, env_list
from ..localconf import LocalConfig

SHIPPED = Path(__file__).resolve().parent / "local.toml"
CONFIG_VARIABLE = "SAFEGUARD_INTEL_CONFIG"
FACTOR_KEYS = ("category_a", "volume", "distribution", "new_material", "access_to_children",
               "previous_convictions", "band", "recency")
KEYS = {"ip_link_window_hours", "default_country_code", "category_a",
        "api_requests_per_minute", "api_max_bytes", "live_chart_hours", "score", "ip_ranges",
        "ip_ranges_csv", "postcodes", "reopen_on_new_activity", "band_hours",
        "social_care_referral_hours"}
BANDS = ("immediate", "days", "weeks")
BAND_FACTOR = {"label": "Time-to-action band", "weight": 30,
               "cap": 2}
# Decisions that a subject seen again afterwards can come back from (reopening.py).
REOPENABLE = ("nfa", "referred")


@dataclass(frozen=True)
class FactorSpec:
    key: str
    label: str
    weight: float
    cap: float  # the value at which the factor gives its full weight (recency: unused)


@dataclass(frozen=True)
class RecencyStep:
    days: int
    fraction: float


@dataclass(frozen=True)
class IntelRules:
    ip_link_window: timedelta
    default_country_code: str
    category_a: frozenset[str]
    api_requests_per_minute: int
    api_max_bytes: int
    live_chart_hours: int
    factors: tuple[FactorSpec, ...]
    recency_steps: tuple[RecencyStep, ...]
    ip_ranges: tuple[tuple[str, str], ...]   # (CIDR, district ONS code)
    postcodes: tuple[tuple[str, str], ...]   # (prefix, district ONS code)
    reopen_on_new_activity: frozenset[str] = frozenset(REOPENABLE)
    # Time to action per band (protection/assessment.py), and the clock for referring a
    # child at the subject's address to children's social care.
    band_hours: tuple[tuple[str, int], ...] = (("immediate", 24), ("days", 168),
                                               ("weeks", 672))
    social_care_referral_hours: int = 24

    def hours_for(self, band: str) -> int:
        return dict(self.band_hours)[band]

    def factor(self, key: str) -> FactorSpec:
        for spec in self.factors:
            if spec.key == key:
                return spec
        raise KeyError(key)


def _number(value: Any, key: str, minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise SettingError(f"intelligence setting {key}={value!r}: expected a number >= {minimum}")
    return float(value)


def _whole(data: dict[str, Any], key: str, minimum: int = 1) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingError(
            f"intelligence setting {key}={value!r}: expected a whole number >= {minimum}")
    return value


def _factors(score: Any) -> tuple[tuple[FactorSpec, ...], tuple[RecencyStep, ...]]:
    if not isinstance(score, dict):
        raise SettingError("intelligence setting score: expected a table of factors")
    unknown = sorted(set(score) - set(FACTOR_KEYS))
    if unknown:
        raise SettingError(f"intelligence setting score: unknown factor(s) {', '.join(unknown)}")
    specs = []
    steps: tuple[RecencyStep, ...] = ()
    for key in FACTOR_KEYS:
        table = score.get(key)
        if table is None and key == "band":
            # Added after forces wrote their own [score] tables: absent, the shipped one.
            table = dict(BAND_FACTOR)
        if not isinstance(table, dict):
            raise SettingError(f"intelligence setting score.{key}: missing")
        weight = _number(table.get("weight"), f"score.{key}.weight")
        if key == "recency":
            raw_steps = table.get("steps", [])
            try:
                steps = tuple(sorted(
                    (RecencyStep(int(s["days"]), float(s["fraction"])) for s in raw_steps),
                    key=lambda s: s.days))
            except (KeyError, TypeError, ValueError):
                raise SettingError("intelligence setting score.recency.steps: each step needs "
                                   "days and fraction") from None
            if any(s.days < 1 or not 0 <= s.fraction <= 1 for s in steps):
                raise SettingError("intelligence setting score.recency.steps: days >= 1 and "
                                   "0 <= fraction <= 1")
            cap = 1.0
        else:
            cap = _number(table.get("cap"), f"score.{key}.cap", minimum=1)
        specs.append(FactorSpec(key, str(table.get("label", key)), weight, cap))
    return tuple(specs), steps


def _ranges(data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    ranges = []
    try:
        for item in data.get("ip_ranges", []):
            ranges.append((str(item["cidr"]), str(item["district"])))
    except (KeyError, TypeError):
        raise SettingError("intelligence setting ip_ranges: each needs cidr and district") from None
    extra = data.get("ip_ranges_csv")
    if extra:
        # A force's own table may hold thousands of ranges: a CSV with cidr,district.
        path = Path(str(extra)).expanduser()
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                for line, row in enumerate(csv.DictReader(handle), start=2):
                    if not row.get("cidr") or not row.get("district"):
                        raise SettingError(
                            f"intelligence setting ip_ranges_csv: {path} line {line}: "
                            "needs cidr and district")
                    ranges.append((row["cidr"].strip(), row["district"].strip()))
        except OSError as exc:
            raise SettingError(f"intelligence setting ip_ranges_csv: cannot read {path}: "
                               f"{exc.strerror}") from exc
    for cidr, _ in ranges:
        try:
            ipaddress.ip_network(cidr, strict=True)
        except ValueError as exc:
            raise SettingError(f"intelligence setting ip_ranges: {cidr!r}: {exc}") from None
    return tuple(ranges)


def _build(data: dict[str, Any]) -> IntelRules:
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise SettingError(f"intelligence settings: unknown key(s) {', '.join(unknown)}")
    factors, steps = _factors(data.get("score"))
    try:
        postcodes = tuple((str(p["prefix"]), str(p["district"]))
                          for p in data.get("postcodes", []))
    except (KeyError, TypeError):
        raise SettingError("intelligence setting postcodes: each needs prefix and district"
                           ) from None
    country = str(data.get("default_country_code", ""))
    if not country.isdigit() or not 1 <= len(country) <= 3:
        raise SettingError(f"intelligence setting default_country_code={country!r}: 1 to 3 "
                           "digits, e.g. \"44\"")
    reopen = data.get("reopen_on_new_activity", list(REOPENABLE))
    if not isinstance(reopen, list) or any(r not in REOPENABLE for r in reopen):
        raise SettingError(f"intelligence setting reopen_on_new_activity={reopen!r}: a list "
                           f"of statuses from {', '.join(REOPENABLE)}")
    category_a = data.get("category_a")
    if not isinstance(category_a, list) or not all(isinstance(c, str) for c in category_a):
        raise SettingError("intelligence setting category_a: a list of category names")
    hours = data.get("band_hours")
    if not isinstance(hours, dict) or sorted(hours) != sorted(BANDS) or any(
            isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in hours.values()):
        raise SettingError(f"intelligence setting band_hours={hours!r}: a table of whole "
                           f"hours >= 1 for each of {', '.join(BANDS)}")
    return IntelRules(
        ip_link_window=timedelta(hours=_whole(data, "ip_link_window_hours")),
        default_country_code=country,
        category_a=frozenset(category_a),
        api_requests_per_minute=_whole(data, "api_requests_per_minute"),
        api_max_bytes=_whole(data, "api_max_bytes", minimum=1024),
        live_chart_hours=_whole(data, "live_chart_hours", minimum=2),
        factors=factors,
        recency_steps=steps,
        ip_ranges=_ranges(data),
        postcodes=postcodes,
        reopen_on_new_activity=frozenset(reopen),
        band_hours=tuple((band, int(hours[band])) for band in BANDS),
        social_care_referral_hours=_whole(data, "social_care_referral_hours"),
    )


CONFIG = LocalConfig(SHIPPED, CONFIG_VARIABLE, "INTELLIGENCE_OVERRIDES", _build)


def intel_rules() -> IntelRules:
    """The rules in force (built once per distinct set of overrides)."""
    return CONFIG.rules()


def hashset_names() -> list[str] | None:
    """The hash sets to match against, in priority order; None: every known-bad set in
    the store. SAFEGUARD_INTEL_HASHSETS (comma-separated), or the Django setting
    INTELLIGENCE_HASHSETS (tests)."""
    configured = getattr(settings, "INTELLIGENCE_HASHSETS", None)
    if configured is not None:
        return list(configured)
    names = env_list("SAFEGUARD_INTEL_HASHSETS", [])
    return names or None


def hashset_root() -> Path:
    """The engine's store under SAFEGUARD_HOME (as the triage worker uses it)."""
    return Path(settings.HOME) / "hashsets"
