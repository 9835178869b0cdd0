"""Django settings for the Safeguard web platform.

Every value that differs between deployments comes from the environment through the loud
helpers of `safeguard.web.env`; docs/web.md lists them all (a test checks). Two modes:

- `production` (the default, so that a forgotten setting fails closed): a secret key is
  required, DEBUG is refused, cookies are Secure and HSTS is on (TLS in front is assumed).
- `demo`: for the demo and for development on loopback; a secret key is generated and
  kept under $SAFEGUARD_HOME, cookies work over plain http. Never for real data.
"""

from __future__ import annotations

import secrets
import sys
from datetime import timedelta
from pathlib import Path

from .env import (
    SettingError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_optional,
    env_path,
    env_str,
)

MODE = env_choice("SAFEGUARD_MODE", "production", ("production", "demo"))
PRODUCTION = MODE == "production"
DEBUG = env_bool("SAFEGUARD_DEBUG", False)
if PRODUCTION and DEBUG:
    # DEBUG pages show settings and stack frames: never with real data.
    raise SettingError("SAFEGUARD_DEBUG is refused in production mode (set SAFEGUARD_MODE=demo)")


def _default_home() -> Path:
    # The engine's rule (SAFEGUARD_HOME, else the XDG data folder), so that the web
    # database sits beside the hash sets.
    from safeguard.triage import default_home

    return default_home()


HOME = env_path("SAFEGUARD_HOME", _default_home())


def _secret_key() -> str:
    key = env_optional("SAFEGUARD_SECRET_KEY")
    if key is not None:
        if PRODUCTION and len(key) < 50:
            raise SettingError("SAFEGUARD_SECRET_KEY must be at least 50 characters")
        return key
    if PRODUCTION:
        raise SettingError(
            "SAFEGUARD_SECRET_KEY (or SAFEGUARD_SECRET_KEY_FILE) is required in production "
            "mode; for a demo on this machine set SAFEGUARD_MODE=demo"
        )
    # Demo: generate once and keep it, so that sessions survive a restart.
    path = HOME / "web" / "demo-secret-key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    generated = secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(generated, encoding="utf-8")
    print(
        f"SAFEGUARD_MODE=demo: generated a secret key in {path} (demo only, never real data)",
        file=sys.stderr,
    )
    return generated


SECRET_KEY = _secret_key()


def _audit_key() -> bytes:
    """The key of the audit chain's HMAC: never in the database, so that whoever can write
    the database cannot re-hash a rewritten history (docs/web.md, "The audit log")."""
    key = env_optional("SAFEGUARD_AUDIT_KEY")
    if key is not None:
        if len(key) < 32:
            raise SettingError("SAFEGUARD_AUDIT_KEY must be at least 32 characters")
        return key.encode("utf-8")
    if PRODUCTION:
        raise SettingError(
            "SAFEGUARD_AUDIT_KEY (or SAFEGUARD_AUDIT_KEY_FILE) is required in production "
            "mode: the audit chain is keyed with it; keep it away from the database"
        )
    path = HOME / "web" / "demo-audit-key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    generated = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(generated, encoding="utf-8")
    return generated.encode("utf-8")


AUDIT_KEY = _audit_key()
# Where the chain's head is written outside the database (append-only lines, each with
# its own MAC), and how often: every AUDIT_ANCHOR_EVERY events, every AUDIT_ANCHOR_SECONDS
# while events are written, and when a command that wrote events ends.
AUDIT_ANCHOR_FILE = env_path("SAFEGUARD_AUDIT_ANCHOR_FILE", HOME / "web" / "audit-anchors.log")
AUDIT_ANCHOR_EVERY = env_int("SAFEGUARD_AUDIT_ANCHOR_EVERY", 100, minimum=1)
AUDIT_ANCHOR_SECONDS = env_int("SAFEGUARD_AUDIT_ANCHOR_SECONDS", 300, minimum=1)

# TLS is terminated in front of the app in production (a reverse proxy or load balancer);
# the demo serves plain http on loopback, where Secure cookies would never be sent back.
HTTPS = env_bool("SAFEGUARD_HTTPS", PRODUCTION)
BEHIND_PROXY = env_bool("SAFEGUARD_BEHIND_PROXY", False)

ALLOWED_HOSTS = env_list("SAFEGUARD_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("SAFEGUARD_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "safeguard.web.core",
    "safeguard.web.accounts",
    "safeguard.web.audit",
    "safeguard.web.investigations",
    "safeguard.web.triage_runs",
    "safeguard.web.review",
    "safeguard.web.safeguarding",
    "safeguard.web.intelligence",
    "safeguard.web.partners",
    "safeguard.web.statistics",
    "safeguard.web.retention",
]

MIDDLEWARE = [
    # Outermost, so that every response (static files and error pages too) carries them.
    "safeguard.web.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "safeguard.web.middleware.IdleTimeoutMiddleware",
    "safeguard.web.middleware.RequireVerifiedMiddleware",
    "safeguard.web.core.audit_pages.middleware.AccessDeniedMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged on the request into the page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeguard.web.urls"
WSGI_APPLICATION = "safeguard.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeguard.web.core.context.navigation",
            ],
            # Dates, times and sizes (core/formats.py), the pager and the error summary, in every
            # template.
            "builtins": ["safeguard.web.core.templatetags.formats",
                         "safeguard.web.core.templatetags.parts"],
        },
    },
]

DATABASE_URL = env_optional("DATABASE_URL")
if DATABASE_URL:
    import dj_database_url

    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("SAFEGUARD_DB_CONN_MAX_AGE", 60, minimum=0)
        )
    }
else:
    HOME.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(HOME / "web.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN: two writers queue instead of
                # both reading the audit chain head and failing on upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

# PostgreSQL: the role that owns the tables, for migrations only; DATABASE_URL's role then
# runs the platform without the owner's power over triggers (dbroles.py, docs/web.md).
OWNER_DATABASE_URL = env_optional("SAFEGUARD_OWNER_DATABASE_URL")
if OWNER_DATABASE_URL:
    if not DATABASE_URL:
        raise SettingError("SAFEGUARD_OWNER_DATABASE_URL needs DATABASE_URL (PostgreSQL)")
    import dj_database_url

    DATABASES["owner"] = dj_database_url.parse(OWNER_DATABASE_URL)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out username before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_MIN_LENGTH = env_int("SAFEGUARD_PASSWORD_MIN_LENGTH", 12, minimum=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

# Sessions: server-side, cookie-bound, short-lived.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = HTTPS
# "__Host-" makes the browser refuse the cookie unless Secure, host-only and Path=/.
SESSION_COOKIE_NAME = "__Host-safeguard-session" if HTTPS else "safeguard-session"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("SAFEGUARD_SESSION_MAX_HOURS", 10, minimum=1) * 3600
IDLE_TIMEOUT = timedelta(minutes=env_int("SAFEGUARD_IDLE_MINUTES", 15, minimum=1))

# CSRF token in the session: no second cookie for script to read.
CSRF_USE_SESSIONS = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "safeguard.web.core.views.csrf_failure"

SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin", not "no-referrer": no URL (which can name a record) ever leaves the site
# either way, but under "no-referrer" browsers send `Origin: null` with form posts and
# Django's CSRF origin check then refuses every form (found by the browser tests).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The content security policy: everything from this origin, nothing inline.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# TOTP (django-otp).
OTP_TOTP_ISSUER = env_str("SAFEGUARD_TOTP_ISSUER", "Safeguard")
OTP_TOTP_THROTTLE_FACTOR = 1
# How long an enrolment link an administrator issues stays good (single use).
ENROLMENT_LINK_HOURS = env_int("SAFEGUARD_ENROLMENT_LINK_HOURS", 72, minimum=1)

# Lockout (django-axes): by username, since many users share a police network's address.
AXES_FAILURE_LIMIT = env_int("SAFEGUARD_LOCKOUT_FAILURES", 5, minimum=1)
_cooloff = env_int("SAFEGUARD_LOCKOUT_MINUTES", 30, minimum=0)
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff) if _cooloff else None
AXES_LOCKOUT_PARAMETERS = ["username"]
# Beside the lockout by username, a throttle by client address: failed sign-ins from one
# address in 15 minutes beyond which it is refused (core/accounts_pages/login.py), so that one
# client cannot lock every account in turn.
SIGNIN_FAILURES_PER_ADDRESS = env_int("SAFEGUARD_SIGNIN_FAILURES_PER_ADDRESS", 30, minimum=1)
# axes.W006 asks for the address too; but a station behind one NAT address would lock
# everyone out on a few typos, and a sprayed password alone gets nobody past the TOTP code.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_LOCKOUT_CALLABLE = "safeguard.web.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "safeguard.web.audit.context.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password", "code", "new_password1", "new_password2"]

# Evidence is read on the server, never uploaded: an exhibit's evidence path must lie in
# one of these folders (symbolic links resolved), so that triage and review cannot be
# pointed at the server's own files.
EVIDENCE_ROOTS = [
    str(Path(root).expanduser())
    for root in env_list("SAFEGUARD_EVIDENCE_ROOTS", [str(HOME / "evidence")])
]

# A Dask scheduler (tcp://host:8786) whose workers examine the platform's triage jobs,
# read the same evidence at the same paths (docs/scaling.md); unset: the worker's own cores.
TRIAGE_CLUSTER = env_optional("SAFEGUARD_CLUSTER")

# Request bodies, capped by the server before they are read (bodylimits.py).
MAX_BODY_ANONYMOUS = env_int("SAFEGUARD_MAX_BODY_ANONYMOUS_KB", 64, minimum=1) * 1024
MAX_BODY_API = env_int("SAFEGUARD_MAX_BODY_API_KB", 2048, minimum=1) * 1024
MAX_BODY_SIGNED_IN = env_int("SAFEGUARD_MAX_BODY_KB", 10240, minimum=1) * 1024
MAX_UPLOAD = env_int("SAFEGUARD_MAX_UPLOAD_MB", 256, minimum=1) * 1024 * 1024

# DPA 2018 s62: how long one justification covers further looks at the same record.
JUSTIFICATION_WINDOW = timedelta(minutes=env_int("SAFEGUARD_JUSTIFICATION_MINUTES", 30, minimum=1))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Static files are found in the apps and served by WhiteNoise without a collectstatic
# step: a handful of files, scanned once at start-up.
WHITENOISE_USE_FINDERS = True
# Files served at the site's root: browsers ask for /favicon.ico on every page.
WHITENOISE_ROOT = Path(__file__).resolve().parent / "core" / "root"
WHITENOISE_AUTOREFRESH = DEBUG

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

_log_level = env_choice(
    "SAFEGUARD_LOG_LEVEL", "warning", ("debug", "info", "warning", "error")
).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # 403 and 404: one line each, not a traceback (logfilters.py).
    "filters": {"routine_refusals": {"()": "safeguard.web.logfilters.RoutineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["routine_refusals"]}},
    "root": {"handlers": ["console"], "level": _log_level},
}
