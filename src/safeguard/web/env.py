"""Settings from the environment, through small helpers that fail loudly.

Every setting the web platform reads from the environment goes through one of these
helpers, so that a typo or a missing secret stops the server at start-up with one clear
line instead of running with a silent default. Each helper also accepts `NAME_FILE`: the
path of a file holding the value (Docker and systemd secrets), so that secrets need not
sit in the process environment. tests/web/test_docs.py checks that every name read here
is documented in docs/web.md.

No Django import: `safeguard serve` reads these before Django starts.
"""

from __future__ import annotations

import os
from pathlib import Path


class SettingError(Exception):
    """A setting is missing or malformed; the message names it and says what is expected."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def raw(name: str) -> str | None:
    """The value of NAME, or of the file NAME_FILE names; None when neither is set."""
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if value is not None and file_name is not None:
        # Two sources for one secret is a deployment mistake: refuse rather than guess.
        raise SettingError(f"{name} and {name}_FILE are both set; set only one")
    if file_name is not None:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingError(f"{name}_FILE: cannot read {file_name}: {exc.strerror}") from exc
    return value


def env_str(name: str, default: str | None = None) -> str:
    """A string setting; without a default, a missing or empty value raises."""
    value = raw(name)
    if value is None or value == "":
        if default is None:
            raise SettingError(f"{name} is required but not set (or set {name}_FILE)")
        return default
    return value


def env_optional(name: str) -> str | None:
    """A string setting that may be absent (None), e.g. DATABASE_URL."""
    value = raw(name)
    return value if value else None


def env_bool(name: str, default: bool) -> bool:
    value = raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingError(f"{name}={value!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    value = raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(f"{name}={value!r}: expected a whole number") from None
    if minimum is not None and number < minimum:
        raise SettingError(f"{name}={number}: must be at least {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks are dropped."""
    value = raw(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).strip().lower()
    if value not in choices:
        raise SettingError(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


def env_path(name: str, default: Path) -> Path:
    value = raw(name)
    return Path(value).expanduser() if value else default
