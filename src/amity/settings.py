"""Every setting comes from the environment; a bad value stops start-up naming the variable."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("AMITY_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true/false, yes/no, 1/0 or on/off")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name}={raw!r} holds no values")
    return items


def _secret_key() -> str:
    key = os.environ.get("AMITY_SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("AMITY_SECRET_KEY must be at least 32 characters long")
        return key
    # Local use: generate once and keep it in var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _database(url: str, variable: str) -> dict:
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'amity.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except Exception as exc:  # dj-database-url raises several kinds
        raise ImproperlyConfigured(f"{variable}={url!r} is not a database URL: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(f"{variable}={url!r}: only sqlite:/// and postgres:// URLs are supported")
    if engine.endswith("sqlite3"):
        # WAL for concurrent readers; IMMEDIATE so writers queue instead of failing.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
        }
    else:
        config["CONN_MAX_AGE"] = env_int("AMITY_DB_CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    return config


DEBUG = env_bool("AMITY_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("AMITY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
DEMO_PASSWORD = os.environ.get("AMITY_DEMO_PASSWORD", "amity-demo-2026")
if len(DEMO_PASSWORD) < 8:
    raise ImproperlyConfigured("AMITY_DEMO_PASSWORD must be at least 8 characters long")

_test_db = os.environ.get("AMITY_TEST_DATABASE_URL", "")
if _test_db:
    DATABASES = {"default": _database(_test_db, "AMITY_TEST_DATABASE_URL")}
else:
    DATABASES = {"default": _database(os.environ.get("DATABASE_URL", ""), "DATABASE_URL")}

INSTALLED_APPS = [
    # The Django admin with Amity's site: it signs in through Amity's own sign-in (throttled,
    # two-step for users with a TOTP device) and asks such users for a verified device.
    "amity.accounts.admin_app.AmityAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "simple_history",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "amity.core",
    "amity.accounts",
    "amity.partners",
    "amity.alliances",
    "amity.agreements",
    "amity.planning",
    "amity.governance",
    "amity.notifications",
    "amity.pipeline",
    "amity.funds",
    "amity.assessments",
    "amity.scorecards",
    "amity.webhooks",
    "amity.portal",
    "amity.comments",
    "amity.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # API POSTs with an Idempotency-Key run once (after authentication: keys are per user).
    "amity.core.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "amity.urls"
WSGI_APPLICATION = "amity.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "alliances:portfolio"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "amity.core.context_processors.amity",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("AMITY_PASSWORD_MIN_LENGTH", 12, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("AMITY_TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploads are written to a temporary name and linked into place when complete (no half files).
    "default": {"BACKEND": "amity.core.storage.AtomicFileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files once `collectstatic` has run (amity serve does it);
        # plain finders before that (tests, runserver).
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if (STATIC_ROOT / "staticfiles.json").exists() and not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# History reasons explain what happened in words ("auto-renewed to 2027-08-31 …"): no 100-char cap.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = not (STATIC_ROOT / "staticfiles.json").exists()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Amity's own settings.
AMITY_REPORTING_CURRENCY = os.environ.get("AMITY_REPORTING_CURRENCY", "EUR").upper()
if len(AMITY_REPORTING_CURRENCY) != 3 or not AMITY_REPORTING_CURRENCY.isalpha():
    raise ImproperlyConfigured("AMITY_REPORTING_CURRENCY must be a three-letter ISO 4217 code")
AMITY_FISCAL_YEAR_START_MONTH = env_int("AMITY_FISCAL_YEAR_START_MONTH", 1, minimum=1)
if AMITY_FISCAL_YEAR_START_MONTH > 12:
    raise ImproperlyConfigured("AMITY_FISCAL_YEAR_START_MONTH must be between 1 and 12")
AMITY_PAGE_SIZE = env_int("AMITY_PAGE_SIZE", 25, minimum=1)
#: Gross margin on alliance revenue, in percent: attributed margin = won revenue × this (KPIs).
AMITY_GROSS_MARGIN_PERCENT = env_int("AMITY_GROSS_MARGIN_PERCENT", 60, minimum=0)
if AMITY_GROSS_MARGIN_PERCENT > 100:
    raise ImproperlyConfigured("AMITY_GROSS_MARGIN_PERCENT must be between 0 and 100")
#: How often the re-tier review runs by itself (daily pass): "quarter" (default), "year" or "off".
AMITY_TIER_REVIEW = os.environ.get("AMITY_TIER_REVIEW", "quarter").lower()
if AMITY_TIER_REVIEW not in ("quarter", "year", "off"):
    raise ImproperlyConfigured("AMITY_TIER_REVIEW must be quarter, year or off")
#: Largest accepted upload (agreement documents, proofs), in megabytes.
AMITY_UPLOAD_MAX_MB = env_int("AMITY_UPLOAD_MAX_MB", 20, minimum=1)
#: Remind this many days before an agreement's notice deadline or expiry.
AMITY_REMINDER_DAYS = env_int("AMITY_REMINDER_DAYS", 30, minimum=1)
#: Public base URL, used in e-mails and calendar feeds (e.g. https://amity.example.com).
AMITY_BASE_URL = os.environ.get("AMITY_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

#: The task queue (Django's Tasks API, django-tasks backport). "database" (default) keeps the
#: queue in Amity's own database and runs it with `amity worker`; "redis" keeps it in Redis
#: (django-tasks-rq, `pip install 'amity[scale]'`; AMITY_REDIS_URL) and `amity worker` runs it
#: with RQ - any number of workers on any number of machines (docs/deploy.md); "immediate" runs
#: each task at once in the calling process; any other value is the dotted path of a task
#: backend class.
_TASK_BACKEND_NAMES = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
_tasks_backend = os.environ.get("AMITY_TASKS_BACKEND", "").strip() or "database"
if _tasks_backend not in _TASK_BACKEND_NAMES and (
    "." not in _tasks_backend or not all(part.isidentifier() for part in _tasks_backend.split("."))
):
    raise ImproperlyConfigured(
        f"AMITY_TASKS_BACKEND={_tasks_backend!r} is neither one of {', '.join(_TASK_BACKEND_NAMES)} "
        "nor the dotted path of a task backend class"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKEND_NAMES.get(_tasks_backend, _tasks_backend)}}
if TASKS["default"]["BACKEND"] == _TASK_BACKEND_NAMES["redis"]:
    import importlib.util

    _rq_installed = importlib.util.find_spec("django_tasks_rq") is not None
    if _tasks_backend == "redis" and not _rq_installed:
        raise ImproperlyConfigured(
            "AMITY_TASKS_BACKEND=redis needs the Redis task backend: pip install 'amity[scale]' "
            "(django-tasks-rq, rq)"
        )
    #: The Redis server of the task queue (redis://, rediss:// for TLS, or unix:// URLs).
    AMITY_REDIS_URL = os.environ.get("AMITY_REDIS_URL", "").strip() or "redis://127.0.0.1:6379/0"
    if not AMITY_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"AMITY_REDIS_URL={AMITY_REDIS_URL!r} is not a Redis URL: use redis://host:6379/0, "
            "rediss://… or unix:///path/redis.sock"
        )
    #: Seconds one task may run before RQ stops it (a large CRM import takes minutes).
    AMITY_TASK_TIMEOUT = env_int("AMITY_TASK_TIMEOUT", 3600, minimum=1)
    TASKS["default"]["QUEUES"] = ["default"]
    # django-rq's settings: one queue, "default", the queue every Amity task goes to.
    RQ_QUEUES = {"default": {"URL": AMITY_REDIS_URL, "DEFAULT_TIMEOUT": AMITY_TASK_TIMEOUT}}
    if _rq_installed:
        INSTALLED_APPS.append("django_rq")

EMAIL_BACKEND = os.environ.get("AMITY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("AMITY_FROM_EMAIL", "Amity <amity@localhost>")
EMAIL_HOST = os.environ.get("AMITY_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("AMITY_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("AMITY_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("AMITY_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("AMITY_EMAIL_USE_TLS", False)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security -----------------------------------------------------------------------------
# One switch for an installation served over HTTPS: AMITY_HTTPS=true turns on secure cookies,
# HSTS and the redirect to https. Off by default so `make demo` works on http://127.0.0.1.
AMITY_HTTPS = env_bool("AMITY_HTTPS", False)
#: Reverse proxies in front of Amity (nginx, Caddy, a load balancer) that set X-Forwarded-For
#: and X-Forwarded-Proto. 0: none, the client's address is the connection's.
AMITY_PROXY_COUNT = env_int("AMITY_PROXY_COUNT", 0, minimum=0)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; harmless either way
# AMITY_SECURE_COOKIES (older name) can still force secure cookies without the rest of AMITY_HTTPS.
SESSION_COOKIE_SECURE = env_bool("AMITY_SECURE_COOKIES", AMITY_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if AMITY_HTTPS:
    SECURE_SSL_REDIRECT = True
    # The health check answers on plain http too (load balancers and containers probe it so).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("AMITY_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("AMITY_HSTS_PRELOAD", False)
    # Preloading HSTS is a commitment for a whole domain that an operator makes at
    # hstspreload.org, not something Amity can decide for them: opt in with AMITY_HSTS_PRELOAD.
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
if AMITY_PROXY_COUNT:
    # Trust the proxy's word that the request came over https. The proxy must overwrite
    # (never pass through) X-Forwarded-Proto; see docs/security.md.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4): scripts only from our own static files, never inline
# code or eval. Style attributes stay allowed (Bootstrap's progress bars, ECharts' SVG); <style>
# elements do not. See docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# django-axes: lock out a username from one address after AMITY_LOGIN_FAILURES failed
# sign-ins, for AMITY_LOGIN_COOLOFF_MINUTES. Per username *and* address, so nobody can lock
# someone else out from elsewhere; each attempt while locked out starts the wait again.
AXES_FAILURE_LIMIT = env_int("AMITY_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AMITY_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "amity.accounts.signins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "amity.accounts.signins.client_ip"
AXES_VERBOSE = False

# django-otp: TOTP devices (authenticator apps); the secret key is never shown in the admin.
OTP_TOTP_ISSUER = os.environ.get("AMITY_OTP_ISSUER", "Amity")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("AMITY_LOG_LEVEL", "WARNING")},
}
