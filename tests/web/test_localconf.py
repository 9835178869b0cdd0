"""The three-layer local rules shared by the apps (safeguard.web.localconf)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from safeguard.web.env import SettingError
from safeguard.web.localconf import LocalConfig


def _config(tmp_path: Path, built: list[dict[str, Any]]) -> LocalConfig[dict[str, Any]]:
    shipped = tmp_path / "shipped.toml"
    shipped.write_text("a = 1\nb = 2\n")

    def build(data: dict[str, Any]) -> dict[str, Any]:
        built.append(data)
        return data
    return LocalConfig(shipped, "SAFEGUARD_TEST_CONFIG", "TEST_OVERRIDES", build)


def test_layers_win_key_by_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[dict[str, Any]] = []
    config = _config(tmp_path, built)
    local = tmp_path / "force.toml"
    local.write_text("b = 20\nc = 30\n")
    monkeypatch.setenv("SAFEGUARD_TEST_CONFIG", str(local))
    assert config.rules() == {"a": 1, "b": 20, "c": 30}
    with override_settings(TEST_OVERRIDES={"c": 300}):
        assert config.rules() == {"a": 1, "b": 20, "c": 300}
    assert config.rules() == {"a": 1, "b": 20, "c": 30}
    assert len(built) == 2   # one build per distinct set of overrides, then cached


def test_clear_reads_the_files_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path, [])
    assert config.rules()["b"] == 2
    local = tmp_path / "force.toml"
    local.write_text("b = 5\n")
    monkeypatch.setenv("SAFEGUARD_TEST_CONFIG", str(local))
    assert config.rules()["b"] == 2
    config.clear()
    assert config.rules()["b"] == 5


@pytest.mark.parametrize("text, message", [
    ("b = [", "SAFEGUARD_TEST_CONFIG: .*force.toml is not valid TOML"),
    (None, "SAFEGUARD_TEST_CONFIG: cannot read .*force.toml"),
])
def test_a_bad_force_file_names_the_setting_and_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | None,
        message: str) -> None:
    config = _config(tmp_path, [])
    local = tmp_path / "force.toml"
    if text is not None:
        local.write_text(text)
    monkeypatch.setenv("SAFEGUARD_TEST_CONFIG", str(local))
    with pytest.raises(SettingError, match=message):
        config.rules()
