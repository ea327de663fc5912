"""Django settings, from the environment (see README, "Running the platform").

JALON_DATA_DIR     folder for the SQLite database, uploads and secrets (default ./var)
DATABASE_URL       e.g. postgres://user@127.0.0.1:5432/jalon (default: SQLite in JALON_DATA_DIR)
JALON_SECRET_KEY   secret key (default: generated once and kept in JALON_DATA_DIR/secret_key)
JALON_DEBUG        1 to enable Django's debug mode (never in production)
JALON_ALLOWED_HOSTS comma-separated host names (default 127.0.0.1,localhost)
JALON_SECURE_COOKIES 0 to allow cookies over plain HTTP on a non-local host (default 1)
JALON_MAX_UPLOAD_MB largest inventory file accepted (default 50)
JALON_EMAIL_BACKEND, JALON_FROM_EMAIL, JALON_EMAIL_HOST, JALON_EMAIL_PORT, JALON_EMAIL_USER,
JALON_EMAIL_PASSWORD, JALON_EMAIL_TLS=1   outgoing mail (invitations, password resets)
JALON_PUBLICFORMS_ADDRESS_LIMIT, JALON_PUBLICFORMS_ORGANISATION_LIMIT   public forms accepted per
                   10 minutes from one address (default 5), per hour for one organisation (200)
JALON_TRUSTED_PROXIES comma-separated addresses or networks of the reverse proxies in front of
                   Jalon (e.g. 127.0.0.1); from them only, X-Forwarded-For gives the client's
                   address (sign-in throttling) and X-Forwarded-Proto: https marks the request
                   secure. Default: none (REMOTE_ADDR is the client). See docs/deployment.md.
JALON_HSTS_SECONDS HSTS max-age sent over TLS (default 31536000, 0 turns it off);
JALON_HSTS_SUBDOMAINS=1 adds includeSubDomains
JALON_TASK_BACKEND the task queue: `database` (default: a table of this database) or `rq`
                   (Redis through RQ, for workers on several machines; docs/deployment.md)
JALON_REDIS_URL    with `rq`: the Redis server and database (default redis://127.0.0.1:6379/0)
JALON_RQ_JOB_TIMEOUT with `rq`: ceiling of any job in seconds (default 21600)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from jalon import taskqueue

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("JALON_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
UPLOAD_DIR = DATA_DIR / "uploads"


def _secret_key() -> str:
    if key := os.environ.get("JALON_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("JALON_DEBUG") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get(
    "JALON_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "jalon.tenancy",
    "jalon.privacy",
    "jalon.publicforms",
    "jalon.kit",
    "jalon.publishing",
    "jalon.accounts",
    "jalon.inventory",
    "jalon.footprint",
    "jalon.strategy",
    "jalon.operators",
    "jalon.catalogue",
    "jalon.audits",
    "jalon.algorithms",
    "jalon.gdpr",
    "jalon.feedback",
    "jalon.reports",
    "jalon.budget",
    "jalon.datacentres",
    "jalon.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jalon.kit.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jalon.kit.middleware.ContentSecurityPolicyMiddleware",
    # Anonymous reads of a public home, answered from memory before the session, the locale,
    # authentication… and the database (publishing/fastpath.py).
    "jalon.publishing.fastpath.PublicHomeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jalon.urls"
WSGI_APPLICATION = "jalon.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [PACKAGE_DIR / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "jalon.tenancy.context.tenancy",
        "jalon.kit.navigation.context",
        "jalon.publishing.navigation.context",
    ]},
}]

DATABASES = {"default": dj_database_url.config(
    default=f"sqlite:///{DATA_DIR / 'jalon.sqlite3'}", conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the task worker write while pages read.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords: argon2 first (OWASP's recommendation), others only to read old hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Cookies and headers. Browsers treat 127.0.0.1 and localhost as secure contexts, so Secure
# cookies work for the demo over plain HTTP there.
SECURE_COOKIES = os.environ.get("JALON_SECURE_COOKIES", "1") == "1"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)

TRUSTED_PROXIES = [p.strip() for p in os.environ.get("JALON_TRUSTED_PROXIES", "").split(",")
                   if p.strip()]
if TRUSTED_PROXIES:
    # Only behind a proxy that sets this header itself; Jalon must then listen on an address
    # that only the proxy reaches (docs/deployment.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HSTS (RFC 6797): on every response served over TLS — request.is_secure(), i.e. HTTPS itself
# or, behind JALON_TRUSTED_PROXIES, X-Forwarded-Proto: https — browsers then refuse plain HTTP
# to this host for a year (ANSSI, "Recommandations de sécurité relatives à TLS", R4).
# Browsers ignore the header over plain HTTP, so it is never sent there. JALON_HSTS_SECONDS=0
# turns it off; JALON_HSTS_SUBDOMAINS=1 extends it to every subdomain (only if they all serve
# HTTPS).
SECURE_HSTS_SECONDS = int(os.environ.get("JALON_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("JALON_HSTS_SUBDOMAINS") == "1"
SECURE_HSTS_PRELOAD = False
# Permissions-Policy on every response (kit.middleware.PermissionsPolicyMiddleware): every
# powerful feature denied to Jalon's pages and whatever they embed; interest-cohort (FLoC) and
# browsing-topics (its successor) opt the site out of ad-topic profiling. Only features the
# browsers recognise: Chromium logs a console error for an unknown one (checked with Debian's
# Chromium 156, which knows all of these but not "bluetooth" nor "battery").
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
    "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection", "interest-cohort",
    "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
    "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking"))

MAX_UPLOAD_MB = int(os.environ.get("JALON_MAX_UPLOAD_MB", "50"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "/static/"
# The project's own stylesheet lives beside the settings, not inside an app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = os.environ.get("JALON_EMAIL_BACKEND",
                               "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("JALON_FROM_EMAIL", "jalon@localhost")
# With JALON_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (docs/deployment.md).
EMAIL_HOST = os.environ.get("JALON_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("JALON_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("JALON_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("JALON_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("JALON_EMAIL_TLS") == "1"

# The task queue (jalon/taskqueue.py): the database by default, Redis through RQ with
# JALON_TASK_BACKEND=rq. django-rq's settings are only read by the RQ backend and worker.
_TASK_BACKEND = taskqueue.backend_path(os.environ.get("JALON_TASK_BACKEND"))
_TASK_QUEUES = ["default"]
TASKS = {"default": {"BACKEND": _TASK_BACKEND, "QUEUES": _TASK_QUEUES}}
REDIS_URL = os.environ.get("JALON_REDIS_URL") or taskqueue.DEFAULT_REDIS_URL
RQ_QUEUES = taskqueue.rq_queues(
    REDIS_URL, _TASK_QUEUES,
    int(os.environ.get("JALON_RQ_JOB_TIMEOUT", str(taskqueue.DEFAULT_RQ_JOB_TIMEOUT))))
if taskqueue.is_rq(_TASK_BACKEND):
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db") + 1, "django_rq")

# Import jobs (inventory/jobs.py): a running import renews its lease every 10 s; one older
# than IMPORT_LEASE_SECONDS means its worker died, and the sweep (every IMPORT_SWEEP_SECONDS
# in `jalon worker`) queues it again, up to IMPORT_MAX_ATTEMPTS runs, or fails it. Each step
# runs under a time limit and an address-space ceiling (RLIMIT_AS; 0 = none).
IMPORT_LEASE_SECONDS = int(os.environ.get("JALON_IMPORT_LEASE_SECONDS", "90"))
IMPORT_SWEEP_SECONDS = float(os.environ.get("JALON_IMPORT_SWEEP_SECONDS", "60"))
IMPORT_MAX_ATTEMPTS = int(os.environ.get("JALON_IMPORT_MAX_ATTEMPTS", "2"))
IMPORT_TIME_LIMIT_SECONDS = int(os.environ.get("JALON_IMPORT_TIME_LIMIT", "900"))
IMPORT_MEMORY_LIMIT_MB = int(os.environ.get("JALON_IMPORT_MEMORY_MB", "8192"))

# Per process. Room for every public page of a large operator (two entries per page and
# language: its HTML and its full response, publishing/fastpath.py): with Django's default of
# 300 entries, 400 members read in turn were rebuilt on every read (bench_scale_public.py).
# "shared": what every web worker reads, files in the data folder: a public page is built once
# for all workers (publishing/fastpath.page_html).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "OPTIONS": {"MAX_ENTRIES": 5000}},
          "shared": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                     "LOCATION": str(DATA_DIR / "cache" / "pages"),
                     "OPTIONS": {"MAX_ENTRIES": 20000}}}

# Sign-in throttling (accounts/throttle.py): attempts per window, per account and per address.
LOGIN_ATTEMPTS = int(os.environ.get("JALON_LOGIN_ATTEMPTS", "5"))
LOGIN_WINDOW_SECONDS = int(os.environ.get("JALON_LOGIN_WINDOW", "900"))
# How long the audit trail keeps who an account event was about (identifier or e-mail) before
# blanking it, the event itself staying: the CNIL's recommendation on logging is 6 months to
# 1 year (délibération 2021-122); one year by default.
AUDIT_PERSONAL_DAYS = int(os.environ.get("JALON_AUDIT_PERSONAL_DAYS", "365"))

# Anonymous public forms (publicforms): accepted submissions per window, per client address
# (across every organisation) and per organisation; size limits of one submission.
PUBLICFORMS_ADDRESS_LIMIT = int(os.environ.get("JALON_PUBLICFORMS_ADDRESS_LIMIT", "5"))
PUBLICFORMS_ADDRESS_WINDOW_SECONDS = 600
PUBLICFORMS_ORGANISATION_LIMIT = int(os.environ.get("JALON_PUBLICFORMS_ORGANISATION_LIMIT",
                                                    "200"))
PUBLICFORMS_ORGANISATION_WINDOW_SECONDS = 3600
PUBLICFORMS_MAX_BODY_BYTES = 64 * 1024
PUBLICFORMS_MAX_FIELD_CHARS = 5000
PUBLICFORMS_MAX_FIELDS = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 403 is logged as one line, without the PermissionDenied traceback (jalon.kit.logfilters).
    "filters": {"permission_denied": {
        "()": "jalon.kit.logfilters.PermissionDeniedWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["permission_denied"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Tokens, sign-in and audit (issue 10 item 4; docs/security.md) ---------------------------
# Sign-in throttling (accounts/throttle.py): LOGIN_ATTEMPTS (above) password checks per window
# for one account from one address; for one account from every address; for one address
# across every account (an office behind one address is many people).
LOGIN_ACCOUNT_ATTEMPTS = int(os.environ.get("JALON_LOGIN_ACCOUNT_ATTEMPTS", "20"))
LOGIN_ADDRESS_ATTEMPTS = int(os.environ.get("JALON_LOGIN_ADDRESS_ATTEMPTS", "100"))
# A browser that signed in to an account keeps a device cookie this many days (0: none); its
# attempts then escape the account-wide limit that an attacker could exhaust to lock the owner.
LOGIN_DEVICE_DAYS = int(os.environ.get("JALON_LOGIN_DEVICE_DAYS", "180"))
# API tokens: lifetime chosen at creation (default and longest, in days).
API_TOKEN_DEFAULT_DAYS = int(os.environ.get("JALON_API_TOKEN_DEFAULT_DAYS", "90"))
API_TOKEN_MAX_DAYS = int(os.environ.get("JALON_API_TOKEN_MAX_DAYS", "365"))
# API rate limit per token: requests per sliding window of API_RATE_WINDOW_SECONDS (429 and
# Retry-After beyond it; 0 turns the limit off).
API_RATE_LIMIT = int(os.environ.get("JALON_API_RATE_LIMIT", "600"))
API_RATE_WINDOW_SECONDS = int(os.environ.get("JALON_API_RATE_WINDOW", "60"))
# The audit trail records the address and user agent of the request behind each event.
MIDDLEWARE = [*MIDDLEWARE, "jalon.tenancy.audit.RequestContextMiddleware"]
# Second factor (accounts/otp.py): TOTP and backup codes through django-otp.
INSTALLED_APPS = [*INSTALLED_APPS, "django_otp", "django_otp.plugins.otp_totp",
                  "django_otp.plugins.otp_static"]
MIDDLEWARE = [*MIDDLEWARE, "django_otp.middleware.OTPMiddleware",
              "jalon.accounts.otp.SecondFactorMiddleware"]
OTP_TOTP_ISSUER = "Jalon"
