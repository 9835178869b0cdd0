"""Settings for the web tests: the real settings, read under a fixed test environment.

The environment is set only while safeguard.web.settings is imported and then restored,
so that nothing leaks into the engine's tests (SAFEGUARD_HOME above all). DATABASE_URL
passes through: scripts/with-postgres.sh sets it for the PostgreSQL run.
"""

import os
import tempfile
from pathlib import Path

_TEST_ENV = {
    "SAFEGUARD_MODE": "demo",
    "SAFEGUARD_SECRET_KEY": "tests-only-not-a-secret-" + "k" * 40,
    "SAFEGUARD_HOME": str(Path(tempfile.gettempdir()) / "safeguard-web-tests"),
    "SAFEGUARD_HTTPS": "false",
    "SAFEGUARD_AUDIT_KEY": "tests-only-audit-key-" + "a" * 32,
}
_CLEARED = [
    name
    for name in os.environ
    if name.startswith("SAFEGUARD_") and name not in _TEST_ENV
]
_saved = dict(os.environ)
try:
    for name in _CLEARED:
        del os.environ[name]
    os.environ.update(_TEST_ENV)
    from safeguard.web.settings import *  # noqa: F403
    from safeguard.web.settings import INSTALLED_APPS
finally:
    os.environ.clear()
    os.environ.update(_saved)

INSTALLED_APPS = [*INSTALLED_APPS, "tests.web.records"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # The live-server tests' flush must get past the audit tables' DELETE guard.
    DATABASES["default"]["ENGINE"] = "tests.web.sqlite_backend"  # noqa: F405
    # In memory, as Django gives the stock engine: pytest-django recognises only that
    # engine's name and would give each xdist worker a file beside the home folder.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
ROOT_URLCONF = "tests.web.urls"
# Fast hashing in tests; the production list (Argon2 first) is checked in test_settings.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# django-otp slows repeated wrong codes down; tests of lockout count them instead.
OTP_TOTP_THROTTLE_FACTOR = 0
AXES_VERBOSE = False
