"""The one place where a command sets Django up: the web commands call `setup_django()`
first, inside their functions. Nothing here imports Django at module level, so that
`safeguard triage` and `safeguard hashset` never load it (tests/test_engine_isolation.py).

The web platform never imports the CLI; the CLI imports the web (no cycle).
"""

from __future__ import annotations

import os

from .exitcodes import ExitCode, fail


def setup_django() -> None:
    """Configure Django from the environment; a bad setting is one line and exit 2."""
    from safeguard.web.env import SettingError

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.web.settings")
    from django.apps import apps

    first = not apps.ready  # not in a process that set Django up already (the tests)
    try:
        import django

        django.setup()
    except SettingError as exc:
        fail(ExitCode.USAGE, str(exc))
    if first:
        from safeguard.web.audit.anchors import export_at_exit

        export_at_exit()  # a command that wrote audit events anchors the chain as it ends


def migrate_database() -> None:
    """Apply migrations: as the owner role when one is configured (PostgreSQL), granting
    the platform's own role what it needs afterwards (web/dbroles.py)."""
    from django.conf import settings
    from django.core.management import call_command

    from safeguard.web.dbroles import OWNER_ALIAS, grant_platform_role, platform_role

    if OWNER_ALIAS in settings.DATABASES:
        call_command("migrate", database=OWNER_ALIAS, interactive=False, verbosity=0)
        grant_platform_role(platform_role())
    else:
        call_command("migrate", interactive=False, verbosity=0)
