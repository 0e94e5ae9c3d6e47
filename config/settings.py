"""Tiermark settings: one module, configured from the environment.

Every setting that differs between a laptop and production is read from an
environment variable with a safe local default, so ``make run`` works with no
configuration at all (SQLite, a filesystem Celery queue, console email) while
production sets ``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY`` and friends.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TIERMARK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean flag such as ``DJANGO_DEBUG=false`` from the environment."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Fail closed: a forgotten variable means production (no tracebacks, no URL lists, HTTPS, a real secret).
# The development profile is asked for explicitly: `make run` and bin/dev-server set DJANGO_DEBUG=true,
# the test suite through tests/settings.py.
DEBUG = env_bool("DJANGO_DEBUG", False)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789abcdefghijklmnop"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError(
        "SECRET_KEY must be set: DJANGO_DEBUG is off (the default), so Tiermark runs with production "
        "settings and refuses to start without a secret. Set SECRET_KEY (and ALLOWED_HOSTS), or set "
        "DJANGO_DEBUG=true on a development machine (make run does)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# --- HTTPS and cookies: strict unless DEBUG; behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER. ---
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (config.middleware): scripts only from this site, never inline or eval; inline
# styles stay allowed (Django's admin and the Swagger UI page use them). The one hash admits
# django-import-export's "select all fields" handler on its export form:
# onchange="onSelectToggleChange(event)".
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self' 'unsafe-hashes' "
    "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "registry.axes_names.AxesConfig",  # django-axes, with Chinese names in the admin
    "registry",
    "cultivation",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, before anything that reads a session
    "corsheaders.middleware.CorsMiddleware",
    "config.middleware.BodySizeLimitMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.NoStoreMiddleware",  # Cache-Control: no-store for the API and signed-in pages
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside the session's save: a request's replica reads stop once it writes (registry.read_replica).
    "config.middleware.ReadReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database: PostgreSQL in production via DATABASE_URL, SQLite otherwise. ---
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tiermark.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite serves the demo, the worker and beat at once: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# PostgreSQL's JIT compiler spends 20-100 ms compiling each large aggregate and wins nothing back at this
# register's sizes (the uncached dashboard at a million firms: 3.0 s with it, 2.6 s without), so the
# app's connections turn it off unless DATABASE_JIT=on. Set on the connection, not the server: other
# databases on the same server keep their own setting. (A PgBouncer in front needs "options" in its
# ignore_startup_parameters, or DATABASE_JIT=on and jit=off in the role's settings instead.)
DATABASE_JIT = env_bool("DATABASE_JIT", False)


def _postgres_options(database: dict) -> None:
    if database["ENGINE"] == "django.db.backends.postgresql" and not DATABASE_JIT:
        database.setdefault("OPTIONS", {})["options"] = "-c jit=off"


_postgres_options(DATABASES["default"])
# A PostgreSQL streaming replica for reads that may lag (the dashboard, the API's lists and change feed),
# when DATABASE_REPLICA_URL is set; without it every read goes to the primary, as it always did. Which reads
# go where is decided by registry.read_replica (docs/ARCHITECTURE.md, docs/OPERATIONS.md "More machines"):
# writes, transactions, the admin, the portal and anything after a write stay on the primary, and a person
# who wrote reads the primary for DATABASE_REPLICA_PIN_SECONDS (keep it above the replica's usual lag).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
READ_REPLICA: str | None = None
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    )
    # A replica that is down fails a connection within 3 s; the read is then done on the primary.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    _postgres_options(DATABASES["replica"])
    # Under the test runner the replica is the test database itself (there is no test replica to create).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    READ_REPLICA = "replica"
DATABASE_REPLICA_PIN_SECONDS = max(1, int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "10")))
DATABASE_ROUTERS = ["registry.read_replica.ReadReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "registry.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out address or account before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"

# --- Language: Chinese first, English second. ---
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Static files are served by the app itself (WhiteNoise), behind nginx (deploy/nginx/tiermark.conf). With
# DEBUG off they are the hashed, compressed copies `manage.py collectstatic` writes to STATIC_ROOT (deploying
# runs it, docs/OPERATIONS.md), each cached by browsers for a year under a name that changes with its
# content; a page naming a file that was never collected fails loudly instead of serving a stale copy. With
# DEBUG on (`make run`, the test suite) they are read from the source folders, no collectstatic needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# --- Email: console locally, SMTP when EMAIL_HOST is set. ---
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tiermark@localhost")

# Alert volume (issue 21): a scan may raise thousands of alerts for one person in a night. Each person
# gets at most ALERT_EMAIL_DAILY_LIMIT immediate alert emails a day; the rest wait for the daily digest,
# which counts every kind and tier but quotes at most ALERT_DIGEST_MAX_ITEMS alerts (the newest).
ALERT_EMAIL_DAILY_LIMIT = max(0, int(os.environ.get("ALERT_EMAIL_DAILY_LIMIT", "50")))
ALERT_DIGEST_MAX_ITEMS = max(1, int(os.environ.get("ALERT_DIGEST_MAX_ITEMS", "50")))

# --- Celery: Redis when REDIS_URL is set, a filesystem queue under var/ otherwise. ---
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # visibility_timeout: a message taken by a worker that dies unacknowledged (acks_late) is handed out
    # again after this many seconds; it must exceed the longest task. Short socket timeouts keep a publish
    # from hanging when Redis is unreachable (the caller logs it; the flush task sends what is pending).
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
    }
else:
    for folder in ("queue", "processed", "results", "control"):
        (CELERY_QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{CELERY_QUEUE_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        # The exchange table; kombu's default is ./control, which would litter the working directory
        # (tests/reliability/test_queue_files.py publishes and broadcasts, and finds every file under var/).
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
# Reliability (docs/RELIABILITY.md, docs/OPERATIONS.md): the database holds what has to happen, the queue
# only triggers it. Tasks are idempotent and acknowledged after they finish, so a killed worker's task runs
# again; one message at a time per worker process, so a kill loses at most that one to the timeout above.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A publish while Redis is down fails within about a second instead of retrying at length (the result
# store's default policy blocked the caller ~19 s); the caller logs it and the flush task catches up.
_SHORT_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
CELERY_TASK_PUBLISH_RETRY_POLICY = _SHORT_RETRY
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": _SHORT_RETRY}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
CELERY_REDIS_SOCKET_TIMEOUT = 10
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = False

# --- Caches: process memory by default; the dashboard's figures in Redis when REDIS_URL is set, so every
# worker shares them and their data version (cultivation.dashboard_cache). ---
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "dashboard": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "tiermark",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dashboard"},
    # Counters of the password-reset throttle (registry.password_reset): shared by every web worker.
    "throttle": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "tiermark-throttle",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
    # Who wrote in the last DATABASE_REPLICA_PIN_SECONDS and so reads the primary (registry.read_replica):
    # shared by every web process, as the person's next request may reach any of them.
    "replica_pins": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "tiermark-pins",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "replica_pins"},
}

# --- REST framework and the OpenAPI schema. ---
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an unauthenticated call a 401 (not a 403).
    # Session auth (the portal's) still enforces CSRF on unsafe methods.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ExpiringTokenAuthentication",  # DRF's token, refused after API_TOKEN_TTL_DAYS
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only (uploads declare MultiPartParser on their view): the schema then gives each body one content
    # type, which is what generated clients need. api.parsers.JSONParser: deeply nested JSON is a 400.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "api.filtering.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/min"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/min"),
    },
}
# API tokens expire this many days after they were issued (api.authentication); a new password or a
# deactivation deletes them at once (registry.models.User.save).
API_TOKEN_TTL_DAYS = max(1, int(os.environ.get("API_TOKEN_TTL_DAYS", "90")))
# How long the change feed (/api/changes/) keeps its entries; an older cursor is answered 410 (resync).
CHANGE_FEED_RETENTION_DAYS = max(1, int(os.environ.get("CHANGE_FEED_RETENTION_DAYS", "90")))
SPECTACULAR_SETTINGS = {
    "TITLE": "Tiermark API",
    "DESCRIPTION": "优质企业梯度培育 registry: firms, figures, eligibility, applications and alerts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
        "api.schema_examples.add_parameter_examples",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "cultivation.workflow.Status",
        "DesignationStatusEnum": "cultivation.models.designations.Designation.Status",
        "PoolStatusEnum": "cultivation.models.pool.PoolMembership.Status",
        "ApplicationKindEnum": "cultivation.models.applications.Application.Kind",
        "TargetKindEnum": "cultivation.models.targets.Target.Kind",
        "ImportKindEnum": "registry.models.ImportJob.Kind",
        "ImportStatusEnum": "registry.models.ImportJob.Status",
        "DisqualificationCodeEnum": "cultivation.rules.attestations.DISQUALIFICATION_CHOICES",
        "AttestationCodeEnum": "cultivation.rules.attestations.ATTESTATION_CHOICES",
        "MaturityLevelEnum": "cultivation.rules.maturity.LEVEL_CHOICES",
        "ListingStageEnum": "cultivation.rules.listing.LISTING_STAGE_CHOICES",
        "ListingBoardEnum": "cultivation.rules.listing.BOARD_CHOICES",
        "FirmStageEnum": "registry.stages.Stage",
        "RecognitionLevelEnum": "cultivation.rules.digital.RECOGNITION_CHOICES",
        "UpgradeKindEnum": "cultivation.rules.digital.UPGRADE_KIND_CHOICES",
        "UpgradeStatusEnum": "cultivation.rules.digital.UPGRADE_STATUS_CHOICES",
        # The eligibility answer's components (api.serializers.eligibility_report):
        "CriterionStatusEnum": "api.serializers.eligibility_report.STATUSES",
        "CriterionKindEnum": "cultivation.rules.criteria.KINDS",
        "ComparisonEnum": "api.serializers.eligibility_report.COMPARISONS",
    },
}

# --- CORS: off by default (no origin allowed); list trusted front-end origins to open /api/ to them. ---
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", "")
CORS_URLS_REGEX = r"^/api/.*$"
# A browser client edits without overwriting (docs/API.md): it reads ``ETag``, sends ``If-Match``/``Prefer``.
CORS_EXPOSE_HEADERS = ["ETag"]
CORS_ALLOW_HEADERS = (*default_headers, "if-match", "prefer")

# --- Imports and exports. ---
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Formula escaping is done by our resources (registry.resources), which also cover + - @.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# Imports accept CSV (UTF-8) and XLSX only; registry.forms.CheckedImportForm checks the content matches.
# The register's admins offer these and, for export, CSV with a BOM (registry.file_formats).
IMPORT_FORMATS = [base_formats.CSV, base_formats.XLSX]
EXPORT_FORMATS = [base_formats.CSV, base_formats.XLSX]
# Rows per imported file (after the header row), counted before anything is parsed into records: a file
# over IMPORT_MAX_ROWS is refused whole; over IMPORT_SYNC_MAX_ROWS it runs as a background job
# (registry.imports; its page is under 导入任务) instead of the in-request preview. docs/PERFORMANCE.md.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "20000"))
IMPORT_SYNC_MAX_ROWS = int(os.environ.get("IMPORT_SYNC_MAX_ROWS", "1000"))

MAX_REQUEST_BODY = 1024 * 1024  # JSON and form bodies
MAX_UPLOAD_BODY = 12 * 1024 * 1024  # multipart: evidence files (10 MB) and imports
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- Login throttling (django-axes): the admin, the portal sign-in and POST /api/token/. ---
# After AXES_FAILURE_LIMIT failures from one address OR for one username, both are refused for
# AXES_COOLOFF_MINUTES (counted from the last failure). Programme admins see and reset lockouts in the
# admin under "Axes" (delete the access attempt). Behind a proxy (BEHIND_PROXY) the client address is
# read from X-Forwarded-For as the proxy wrote it; otherwise REMOTE_ADDR, which a client cannot forge.
AXES_ENABLED = True
AXES_VERBOSE = False  # no start-up banner on every management command
AXES_BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the cool-down ends when the page says it will
AXES_LOCKOUT_CALLABLE = "registry.login_throttle.lockout_response"  # templates/registration/lockout.html, 429
AXES_CLIENT_IP_CALLABLE = "registry.login_throttle.client_ip"
AXES_USERNAME_CALLABLE = "registry.login_throttle.username"  # as typed, cut to the longest possible
AXES_TRUSTED_PROXY_COUNT = int(os.environ.get("AXES_TRUSTED_PROXY_COUNT", "1"))  # proxies in front
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure, kept for the admins (capped per user by axes)

# --- Password reset throttling (registry.password_reset): at most PASSWORD_RESET_LIMIT requests from one
# address, and as many for one email address, per PASSWORD_RESET_WINDOW_MINUTES counted from the first
# request (further requests do not extend it); more are answered 429. A Celery worker sends the email.
PASSWORD_RESET_LIMIT = max(1, int(os.environ.get("PASSWORD_RESET_LIMIT", "5")))
PASSWORD_RESET_WINDOW = timedelta(minutes=float(os.environ.get("PASSWORD_RESET_WINDOW_MINUTES", "60")))

# Demo accounts' password (seed_demo); documented in README.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "tiermark-demo")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# The level of the national SME digital-level self-assessment (1-4) at or above which a firm counts as
# digitally transformed. The programme's texts name no level: 2 ("二级及以上") is our reading, provisional
# [U] (docs/DECISIONS.md P13); a programme can set its own.
DIGITAL_TRANSFORMED_MIN_LEVEL = int(os.environ.get("DIGITAL_TRANSFORMED_MIN_LEVEL", "2"))
