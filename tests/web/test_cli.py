"""`safeguard serve`, `safeguard web create-admin`, and the engine staying Django-free."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner

from safeguard.cli import main
from safeguard.web.accounts.models import Agency, Role, User
from safeguard.web.audit.models import Action, AuditEvent


@pytest.mark.django_db
def test_serve_migrates_then_serves_with_waitress(monkeypatch: pytest.MonkeyPatch) -> None:
    served: dict[str, Any] = {}
    migrated: list[str] = []

    def fake_serve(app: Any, **options: Any) -> None:
        served.update(options, app=app)

    monkeypatch.setattr("waitress.serve", fake_serve)
    import django.core.management

    real = django.core.management.call_command
    monkeypatch.setattr(django.core.management, "call_command",
                        lambda name, *a, **k: migrated.append(name) or real(name, *a, **k))
    result = CliRunner().invoke(main, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert migrated == ["migrate"]
    assert served["host"] == "127.0.0.1"
    assert served["port"] == 8123
    assert callable(served["app"])
    assert "Serving on http://127.0.0.1:8123/" in result.output


@pytest.mark.django_db
def test_create_admin_makes_a_platform_administrator() -> None:
    result = CliRunner().invoke(
        main,
        ["web", "create-admin", "root", "--agency", "Staffordshire Police (test)",
         "--password", "a-long-admin-passphrase-9"],
    )
    assert result.exit_code == 0, result.output
    root = User.objects.get(username="root")
    assert root.role == Role.ADMINISTRATOR
    assert root.manages_all_agencies
    assert root.agency == Agency.objects.get(name="Staffordshire Police (test)")
    created = AuditEvent.objects.filter(action=Action.CREATE, object_type="accounts.user").get()
    assert created.actor_username == "command line"


@pytest.mark.django_db
def test_create_admin_enforces_the_password_rules() -> None:
    result = CliRunner().invoke(
        main, ["web", "create-admin", "root", "--agency", "X", "--password", "short"]
    )
    assert result.exit_code == 2
    assert "at least 12 characters" in result.output
    assert not User.objects.filter(username="root").exists()


def test_the_cli_imports_no_django() -> None:
    code = (
        "import sys, safeguard.cli\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_the_web_commands_are_documented() -> None:
    from .test_docs import DOC

    text = DOC.read_text(encoding="utf-8")
    for command in ("safeguard serve", "safeguard audit verify", "safeguard web seed-demo",
                    "safeguard web totp", "safeguard web create-admin",
                    "safeguard web manage"):
        assert command in text, command
    for option in ("--host", "--port", "--threads", "--no-migrate", "--anchor"):
        assert f"`{option}" in text, option


def test_demo_mode_refuses_to_serve_beyond_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("waitress.serve", lambda app, **options: None)
    from django.test import override_settings

    with override_settings(MODE="demo"):
        for host in ("0.0.0.0", "192.0.2.10", "::"):
            result = CliRunner().invoke(main, ["serve", "--host", host, "--no-migrate"])
            assert result.exit_code == 2, (host, result.output)
            assert "demo mode serves this machine only" in result.output
        result = CliRunner().invoke(main, ["serve", "--host", "::1", "--no-migrate"])
        assert result.exit_code == 0, result.output
