"""Settings come from loud environment helpers; production refuses unsafe defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from safeguard.web import env
from safeguard.web.env import SettingError


def test_it_reads_a_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEGUARD_X", "hello")
    assert env.env_str("SAFEGUARD_X") == "hello"


def test_it_reads_a_value_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.delenv("SAFEGUARD_X", raising=False)
    monkeypatch.setenv("SAFEGUARD_X_FILE", str(secret))
    assert env.env_str("SAFEGUARD_X") == "from-a-file"


def test_it_refuses_both_a_value_and_a_file(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("SAFEGUARD_X", "a")
    monkeypatch.setenv("SAFEGUARD_X_FILE", str(tmp_path / "b"))
    with pytest.raises(SettingError, match="both set"):
        env.env_str("SAFEGUARD_X")


def test_it_names_an_unreadable_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SAFEGUARD_X", raising=False)
    monkeypatch.setenv("SAFEGUARD_X_FILE", str(tmp_path / "missing"))
    with pytest.raises(SettingError, match="SAFEGUARD_X_FILE: cannot read"):
        env.env_str("SAFEGUARD_X")


def test_a_missing_required_value_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAFEGUARD_X", raising=False)
    monkeypatch.delenv("SAFEGUARD_X_FILE", raising=False)
    with pytest.raises(SettingError, match="SAFEGUARD_X is required"):
        env.env_str("SAFEGUARD_X")


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("off", False),
                                            ("FALSE", False)])
def test_booleans(monkeypatch: pytest.MonkeyPatch, raw: str, value: bool) -> None:
    monkeypatch.setenv("SAFEGUARD_X", raw)
    assert env.env_bool("SAFEGUARD_X", not value) is value


def test_a_malformed_boolean_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEGUARD_X", "perhaps")
    with pytest.raises(SettingError, match="SAFEGUARD_X='perhaps'"):
        env.env_bool("SAFEGUARD_X", False)


def test_numbers_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEGUARD_X", "ten")
    with pytest.raises(SettingError, match="whole number"):
        env.env_int("SAFEGUARD_X", 1)
    monkeypatch.setenv("SAFEGUARD_X", "8")
    with pytest.raises(SettingError, match="at least 12"):
        env.env_int("SAFEGUARD_X", 12, minimum=12)


def test_lists_and_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEGUARD_X", " a.example, b.example ,")
    assert env.env_list("SAFEGUARD_X", []) == ["a.example", "b.example"]
    monkeypatch.setenv("SAFEGUARD_X", "staging")
    with pytest.raises(SettingError, match="expected one of production, demo"):
        env.env_choice("SAFEGUARD_X", "production", ("production", "demo"))


def load_settings(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """Import the real settings module in a fresh process with only `variables` set."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("SAFEGUARD_") and k not in ("DATABASE_URL",
                                                             "DJANGO_SETTINGS_MODULE")}
    clean.update({"SAFEGUARD_HOME": str(tmp_path)}, **variables)
    code = ("import safeguard.web.settings as s\n"
            "print(s.MODE, s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
            "s.SESSION_COOKIE_NAME)")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=clean)


def test_production_is_the_default_and_needs_a_secret_key(tmp_path: Path) -> None:
    result = load_settings(tmp_path)
    assert result.returncode != 0
    assert "SAFEGUARD_SECRET_KEY (or SAFEGUARD_SECRET_KEY_FILE) is required" in result.stderr


def test_production_takes_the_keys_from_files(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("k" * 60)
    audit_key = tmp_path / "audit-key"
    audit_key.write_text("a" * 40)
    result = load_settings(tmp_path, SAFEGUARD_SECRET_KEY_FILE=str(key),
                           SAFEGUARD_AUDIT_KEY_FILE=str(audit_key))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["production", "False", "True", "31536000",
                                     "__Host-safeguard-session"]


def test_production_needs_an_audit_key_and_refuses_a_short_one(tmp_path: Path) -> None:
    result = load_settings(tmp_path, SAFEGUARD_SECRET_KEY="k" * 60)
    assert "SAFEGUARD_AUDIT_KEY (or SAFEGUARD_AUDIT_KEY_FILE) is required" in result.stderr
    result = load_settings(tmp_path, SAFEGUARD_SECRET_KEY="k" * 60, SAFEGUARD_AUDIT_KEY="x")
    assert "SAFEGUARD_AUDIT_KEY must be at least 32 characters" in result.stderr


def test_demo_mode_keeps_its_audit_key_outside_the_database(tmp_path: Path) -> None:
    assert load_settings(tmp_path, SAFEGUARD_MODE="demo").returncode == 0
    key = tmp_path / "web" / "demo-audit-key"
    assert len(key.read_text()) >= 32 and key.stat().st_mode & 0o077 == 0


def test_production_refuses_a_short_key(tmp_path: Path) -> None:
    result = load_settings(tmp_path, SAFEGUARD_SECRET_KEY="short")
    assert "at least 50 characters" in result.stderr


def test_production_refuses_debug(tmp_path: Path) -> None:
    result = load_settings(tmp_path, SAFEGUARD_SECRET_KEY="k" * 60, SAFEGUARD_DEBUG="1")
    assert "SAFEGUARD_DEBUG is refused in production mode" in result.stderr


def test_demo_mode_generates_a_key_and_says_so(tmp_path: Path) -> None:
    first = load_settings(tmp_path, SAFEGUARD_MODE="demo")
    assert first.returncode == 0, first.stderr
    assert "generated a secret key" in first.stderr
    assert first.stdout.split() == ["demo", "False", "False", "0", "safeguard-session"]
    key = (tmp_path / "web" / "demo-secret-key").read_text()
    assert len(key) >= 50
    assert (tmp_path / "web" / "demo-secret-key").stat().st_mode & 0o077 == 0
    second = load_settings(tmp_path, SAFEGUARD_MODE="demo")
    assert "generated" not in second.stderr
    assert (tmp_path / "web" / "demo-secret-key").read_text() == key


def test_a_typo_in_the_mode_is_refused(tmp_path: Path) -> None:
    result = load_settings(tmp_path, SAFEGUARD_MODE="prod")
    assert "SAFEGUARD_MODE='prod'" in result.stderr


def test_serve_reports_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SAFEGUARD_")
             and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    clean["SAFEGUARD_HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "safeguard.cli", "serve"],
                            capture_output=True, text=True, env=clean)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: SAFEGUARD_SECRET_KEY (or SAFEGUARD_SECRET_KEY_FILE) is required in production "
        "mode; for a demo on this machine set SAFEGUARD_MODE=demo"
    ]
