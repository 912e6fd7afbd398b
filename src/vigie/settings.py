"""Django settings, read from VIGIE_* environment variables and nothing else.

With no variable set, Vigie runs on its embedded defaults: a SQLite database, a generated secret key and
a job queue on a SQLite file, all kept in a per-user data directory so a restart keeps everything.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
import platformdirs
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (container secrets)."""
    path = os.environ.get(name + "_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc}") from None
    return os.environ.get(name, "")


DATA_DIR = Path(env_str("VIGIE_DATA_DIR") or platformdirs.user_data_dir("vigie", appauthor=False))
DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
MEDIA_ROOT = DATA_DIR / "files"


def _persistent_secret_key() -> str:
    """Generated once, kept in the data directory with owner-only permissions."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env_secret("VIGIE_SECRET_KEY") or _persistent_secret_key()
# Key material for secrets stored in the database (directory credentials); empty: derived from SECRET_KEY.
# Changing it (or SECRET_KEY when it is empty) makes stored credentials unreadable: enter them again.
VIGIE_CREDENTIALS_KEY = env_secret("VIGIE_CREDENTIALS_KEY")
DEBUG = env_bool("VIGIE_DEBUG", False)
ALLOWED_HOSTS = env_list("VIGIE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("VIGIE_CSRF_TRUSTED_ORIGINS", [])
# Address of a reverse proxy whose X-Forwarded-For is believed; empty: the socket peer is the client.
TRUSTED_PROXIES = env_list("VIGIE_TRUSTED_PROXIES", [])
# Where `vigie serve` listens.
VIGIE_HOST = env_str("VIGIE_HOST", "127.0.0.1")
VIGIE_PORT = env_int("VIGIE_PORT", 8000)
# Its web processes (one per processor: each runs Python one thread at a time) and threads per process.
VIGIE_WEB_PROCESSES = env_int("VIGIE_WEB_PROCESSES", os.cpu_count() or 1)
VIGIE_WEB_THREADS = env_int("VIGIE_WEB_THREADS", 4)

# Exposure scans: the DNS servers that resolve the scope's names (none: names are not resolved, only
# addresses and ranges are scanned; a schedule may name its own), the vulnerability base written by
# `vigie vulndb import` (default: in the data directory), a CA bundle that TLS chains are verified against.
VIGIE_EXPOSURE_NAMESERVERS = env_list("VIGIE_EXPOSURE_NAMESERVERS", [])
VIGIE_EXPOSURE_DNS_PORT = env_int("VIGIE_EXPOSURE_DNS_PORT", 53)
VIGIE_EXPOSURE_VULNDB = env_str("VIGIE_EXPOSURE_VULNDB")
VIGIE_EXPOSURE_CAFILE = env_str("VIGIE_EXPOSURE_CAFILE")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "vigie.core",
    "vigie.organisations",
    "vigie.accounts",
    "vigie.compliance",
    "vigie.actions",
    "vigie.directory",
    "vigie.exercises",
    "vigie.exposure",
    "vigie.continuity",
    "vigie.steering",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vigie.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vigie.accounts.middleware.SecondFactorRequiredMiddleware",
    "vigie.accounts.middleware.PasswordChangeRequiredMiddleware",
    "vigie.accounts.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vigie.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "vigie.urls"
WSGI_APPLICATION = "vigie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vigie.core.context_processors.navigation",
            ],
        },
    },
]
# Django's, with <select> written in Python: lists offering thousands of organisations render in milliseconds.
FORM_RENDERER = "vigie.core.renderers.FormRenderer"

DATABASE_URL = env_str("VIGIE_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'vigie.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the job worker write while pages read; IMMEDIATE avoids lock upgrades that fail at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-vigie.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "steering:home"
OTP_TOTP_ISSUER = "Vigie"

# Accounts: lockout after repeated failures, idle sessions expire.
VIGIE_LOCKOUT_THRESHOLD = env_int("VIGIE_LOCKOUT_THRESHOLD", 5)
VIGIE_LOCKOUT_MINUTES = env_int("VIGIE_LOCKOUT_MINUTES", 15)
SESSION_COOKIE_AGE = env_int("VIGIE_SESSION_MINUTES", 60) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the expiry counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("VIGIE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:  # served over HTTPS: browsers should never come back over plain HTTP
    SECURE_HSTS_SECONDS = env_int("VIGIE_HSTS_SECONDS", 31536000)
if TRUSTED_PROXIES:  # the proxy terminates TLS and says so
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("VIGIE_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve from the package when collectstatic has not run

# Uploads: imports are small; refuse anything larger before it reaches a parser.
VIGIE_MAX_UPLOAD_BYTES = env_int("VIGIE_MAX_UPLOAD_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = VIGIE_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = VIGIE_MAX_UPLOAD_BYTES
# Active Directory snapshots uploaded for analysis (vigie.directory): far larger than imports.
VIGIE_MAX_SNAPSHOT_BYTES = env_int("VIGIE_MAX_SNAPSHOT_MB", 512) * 1024 * 1024

# Jobs. No broker configured: kombu's SQL transport on a SQLite file in the data directory, consumed by
# the worker that `vigie serve` starts. With a broker URL, any number of `vigie worker` processes.
BROKER_URL = env_str("VIGIE_BROKER_URL")
CELERY_BROKER_URL = BROKER_URL or f"sqla+sqlite:///{DATA_DIR / 'jobs.sqlite3'}"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # progress and results live in the Job table
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# E-mail (reminders of the action plan and deadlines), through Django's SMTP backend.
# VIGIE_SMTP_TLS: "starttls" (default), "ssl" (implicit TLS, usually port 465) or "none" (a local relay).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("VIGIE_SMTP_HOST", "localhost")
EMAIL_PORT = env_int("VIGIE_SMTP_PORT", 587)
EMAIL_HOST_USER = env_str("VIGIE_SMTP_USER")
EMAIL_HOST_PASSWORD = env_secret("VIGIE_SMTP_PASSWORD")
SMTP_TLS = env_str("VIGIE_SMTP_TLS", "starttls").lower()
if SMTP_TLS not in ("starttls", "ssl", "none"):
    raise ImproperlyConfigured(f"VIGIE_SMTP_TLS must be starttls, ssl or none, not {SMTP_TLS!r}")
EMAIL_USE_TLS = SMTP_TLS == "starttls"
EMAIL_USE_SSL = SMTP_TLS == "ssl"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env_str("VIGIE_EMAIL_FROM", "vigie@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails start with this address (e.g. https://vigie.ght-example.fr); empty: paths only.
VIGIE_EMAIL_BASE_URL = env_str("VIGIE_EMAIL_BASE_URL")
# Reminders go out for actions and deadlines due within this many days (and for everything late).
VIGIE_REMINDER_DAYS = env_int("VIGIE_EMAIL_REMINDER_DAYS", 7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("VIGIE_LOG_LEVEL", "INFO")},
}

NINJA_PAGINATION_PER_PAGE = 100
