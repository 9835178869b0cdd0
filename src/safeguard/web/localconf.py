"""A force's local rules for one app, in three layers, later ones winning key by key:

1. the TOML file shipped beside the app (the defaults of shared/domain.md);
2. the TOML file named by an environment setting (a force's own rules and areas);
3. a Django setting holding a dict of the same keys: tests use it with override_settings.
   Not an environment setting.

    CONFIG = LocalConfig(SHIPPED, "SAFEGUARD_REVIEW_CONFIG", "REVIEW_OVERRIDES", _build)
    CONFIG.rules()          # the app's frozen rules object, built by _build

The apps differ only in their keys and checks (their `_build`); reading, layering and
caching live here once. A malformed file or value stops start-up with one line naming
the file or key (env.SettingError), never a traceback.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from django.conf import settings

from .env import SettingError, env_optional

Rules = TypeVar("Rules")


class LocalConfig(Generic[Rules]):
    def __init__(self, shipped: Path, variable: str, overrides_setting: str,
                 build: Callable[[dict[str, Any]], Rules]) -> None:
        self.shipped = shipped
        self.variable = variable
        self.overrides_setting = overrides_setting
        self.build = build
        self._files: dict[str, Any] | None = None
        # Built once per distinct set of overrides: pages ask for the rules on every
        # request, and tests switch overrides with override_settings.
        self._built: dict[str, Rules] = {}

    def read(self, path: Path) -> dict[str, Any]:
        try:
            with path.open("rb") as handle:
                return tomllib.load(handle)
        except OSError as exc:
            raise SettingError(f"{self.variable}: cannot read {path}: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingError(f"{self.variable}: {path} is not valid TOML: {exc}") from exc
        except UnicodeDecodeError as exc:
            # tomllib decodes the whole file first: not UTF-8 is not TOML (a fuzz finding).
            raise SettingError(f"{self.variable}: {path} is not UTF-8 text (byte "
                               f"{exc.start}): TOML files are UTF-8") from exc

    def from_files(self) -> dict[str, Any]:
        """The shipped file with the force's file (if named) laid over it."""
        if self._files is None:
            data = self.read(self.shipped)
            local = env_optional(self.variable)
            if local is not None:
                data.update(self.read(Path(local).expanduser()))
            self._files = data
        return dict(self._files)

    def rules(self) -> Rules:
        overrides: dict[str, Any] = getattr(settings, self.overrides_setting, {}) or {}
        key = repr(sorted(overrides.items()))
        rules = self._built.get(key)
        if rules is None:
            rules = self._built[key] = self.build({**self.from_files(), **overrides})
        return rules

    def clear(self) -> None:
        """Forget what was read and built (tests that change the environment)."""
        self._files = None
        self._built.clear()
