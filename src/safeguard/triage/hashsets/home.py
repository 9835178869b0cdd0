"""Where hash sets live ($SAFEGUARD_HOME/hashsets) and what a set may be called."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import UsageError

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def default_home() -> Path:
    """$SAFEGUARD_HOME, else $XDG_DATA_HOME/safeguard, else ~/.local/share/safeguard."""
    home = os.environ.get("SAFEGUARD_HOME")
    if home:
        return Path(home).expanduser()
    data = os.environ.get("XDG_DATA_HOME")
    if data:
        return Path(data).expanduser() / "safeguard"
    return Path.home() / ".local" / "share" / "safeguard"


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise UsageError(
            f"bad hash set name {name!r}: use letters, digits, '.', '_' or '-' "
            "(up to 64, starting with a letter or digit)"
        )
    return name
