"""Servicedesk settings: every value comes from the environment (12-factor).

The embedded default (no variables set) runs on SQLite under var/, a local-memory
cache and Celery's file-system broker, so that `make run` works on a bare machine.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SERVICEDESK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-0123456789abcdef"

# Loopback names are always allowed so that container health checks reach /healthz.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") + ["127.0.0.1", "localhost"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "servicedesk",
    "accounts",
    "assets",
    "notifications",
    "tickets",
    "sla",
    "inspections",
    "spareparts",
    "training",
    "kb",  # issue 17: knowledge base and customer self-service
    "operations",  # metrics, backup, personal data (issue 19): above every other app
    "reports",  # issue 18: operation reports per customer, top layer beside operations
]

MIDDLEWARE = [
    "operations.telemetry.RequestTelemetryMiddleware",  # request id, metrics, access log (issue 19)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "servicedesk.middleware.UserTimezoneMiddleware",
    "servicedesk.middleware.UploadLimitMiddleware",
    "servicedesk.idempotency.IdempotencyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "accounts.context_processors.background_status",  # issue 11: the banner
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'servicedesk.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + immediate transactions + a busy timeout let the web server and the
    # Celery worker write side by side without "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
# Issue 15 (speed at a million tickets): PostgreSQL session settings chosen by measurement
# (bench/README.md): no parallel workers for request queries (a Gather cost ~100 ms of
# start-up on 2 busy cores for a 12 ms search) and no JIT (no query of ours reaches its
# threshold at 1 M tickets; compiling would only add latency when one does).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c max_parallel_workers_per_gather=0"
    )
# The hot read queries run as statements PostgreSQL prepares once per connection
# (servicedesk.db.fetch_prepared). Turn off behind a pooler in transaction mode
# (PgBouncer's), which may hand the next query another server session.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    # Background work (issue 11): an unacknowledged message comes back after 10
    # minutes, above the longest hard time limit, so a running task is never doubled.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_FILESYSTEM_DIR = Path(os.environ.get("CELERY_FILESYSTEM_DIR", VAR_DIR / "celery"))
    # The embedded broker (issue 11): atomic file-system channel, see servicedesk/broker.py.
    CELERY_BROKER_URL = "sdfiles://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "out"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "out"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
CELERY_RESULT_BACKEND = (
    os.environ.get("CELERY_RESULT_BACKEND") or None
)  # results are not needed in production
CELERY_TASK_IGNORE_RESULT = not CELERY_RESULT_BACKEND
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# With Redis one message at a time per process. The file-system broker has no event
# loop: the worker acknowledges between two-second polls, so it takes a few messages
# ahead, or a burst of e-mails would hold the periodic tasks up for minutes.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1 if REDIS_URL else 8
# --- Background work (issue 11): time limits, retries, outbox, heartbeats ----------
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", 300))
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", 240))
TASK_RETRY_BACKOFF_MAX = 300  # retries back off up to 5 min, below visibility_timeout
# Outbox delivery (notifications.outbox): a claim's lease outlives the hard time limit;
# a run stops claiming after OUTBOX_TIME_BUDGET seconds, well inside the soft limit.
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", CELERY_TASK_TIME_LIMIT + 60))
OUTBOX_BATCH_SIZE = int(os.environ.get("OUTBOX_BATCH_SIZE", 20))
OUTBOX_TIME_BUDGET = float(os.environ.get("OUTBOX_TIME_BUDGET", 60))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", 8))
OUTBOX_RETRY_BASE = float(os.environ.get("OUTBOX_RETRY_BASE", 30))
OUTBOX_RETRY_MAX = float(os.environ.get("OUTBOX_RETRY_MAX", 1800))
# Heartbeats of the worker and beat (servicedesk.heartbeats); /healthz answers 503
# naming a process whose heartbeat is older than HEARTBEAT_STALE_AFTER seconds.
HEARTBEAT_INTERVAL = float(os.environ.get("HEARTBEAT_INTERVAL", 30))
HEARTBEAT_STALE_AFTER = float(os.environ.get("HEARTBEAT_STALE_AFTER", 150))
# Requests during a database or broker outage: 503 with this Retry-After (seconds).
OUTAGE_RETRY_AFTER = int(os.environ.get("OUTAGE_RETRY_AFTER", 30))
# An Idempotency-Key left "in progress" by a killed process is released after this.
IDEMPOTENCY_LEASE_SECONDS = int(os.environ.get("IDEMPOTENCY_LEASE_SECONDS", 60))
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Periodic work. Each entry names a task that derives its work from database
# state, so a missed run only delays work. Apps add their entries here.
CELERY_BEAT_SCHEDULE = {
    "servicedesk-heartbeat": {
        "task": "servicedesk.tasks.heartbeat",
        "schedule": timedelta(minutes=5),
    },
    "notifications-deliver-outbox": {
        "task": "notifications.tasks.deliver_outbox",  # issue 11
        "schedule": timedelta(seconds=30),
    },
    "sla-sweep": {"task": "sla.tasks.sweep_clocks", "schedule": timedelta(minutes=1)},
    # issue 15: fold the dashboard's fresh daily-fact rows (sla/facts.py)
    "sla-compact-facts": {"task": "sla.tasks.compact_facts", "schedule": timedelta(minutes=1)},
    # issue 14: next year's holidays when the package knows them; 90-day coverage notice
    "sla-calendar-coverage": {
        "task": "sla.tasks.calendar_coverage",
        "schedule": timedelta(hours=24),
    },
    "tickets-poll-imap": {"task": "tickets.tasks.poll_imap", "schedule": timedelta(minutes=2)},
    "inspections-generate": {
        "task": "inspections.tasks.generate_due",
        "schedule": timedelta(hours=1),
    },
    "inspections-mark-missed": {
        "task": "inspections.tasks.mark_missed",
        "schedule": timedelta(hours=1),
    },
    "spareparts-reorder": {
        "task": "spareparts.tasks.check_reorder_points",
        "schedule": timedelta(minutes=15),
    },
    "training-obligations": {
        "task": "training.tasks.check_obligations",
        "schedule": timedelta(hours=1),
    },
    # issue 18: the monthly and quarterly operation reports of the last closed period
    # (once each; the interval only says how soon after a month's end they are made)
    "reports-operation-reports": {
        "task": "reports.tasks.schedule_operation_reports",
        "schedule": timedelta(
            seconds=float(os.environ.get("OPERATION_REPORTS_CHECK_SECONDS", 3600))
        ),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- i18n and time --------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per locale, the same on pages, notifications, e-mails and PDFs.
FORMAT_MODULE_PATH = ["servicedesk.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads: one limit for every attachment, photo and signature (413 above it).
MAX_UPLOAD_SIZE = int(os.environ.get("MAX_UPLOAD_SIZE", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_SIZE + 256 * 1024  # multipart framing
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
ALLOWED_UPLOAD_TYPES = {
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "message/rfc822",
}

# --- E-mail ---------------------------------------------------------------
if os.environ.get("EMAIL_URL"):
    vars().update(dj_email_url.parse(os.environ["EMAIL_URL"]))
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND",
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Servicedesk <servicedesk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
IMAP_URL = os.environ.get("IMAP_URL", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# SMS provider of notifications.channels (issue 17): "console" (development) or "aliyun".
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
SMS_ALIYUN_ENDPOINT = os.environ.get("SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
SMS_ALIYUN_ACCESS_KEY_ID = os.environ.get("SMS_ALIYUN_ACCESS_KEY_ID", "")
SMS_ALIYUN_ACCESS_KEY_SECRET = os.environ.get("SMS_ALIYUN_ACCESS_KEY_SECRET", "")
SMS_ALIYUN_SIGN_NAME = os.environ.get("SMS_ALIYUN_SIGN_NAME", "")
SMS_ALIYUN_TEMPLATE_CODE = os.environ.get("SMS_ALIYUN_TEMPLATE_CODE", "")

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "servicedesk.api.permissions.RolePermission",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "servicedesk.api.filters.FilterBackend",
        "servicedesk.api.filters.UpdatedAfterFilter",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "servicedesk.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "servicedesk.api.exceptions.exception_handler",
    # DRF's JSON written by orjson (issue 15; falls back to DRF's renderer when unsure)
    "DEFAULT_RENDERER_CLASSES": ["servicedesk.api.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=30),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "UPDATE_LAST_LOGIN": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Servicedesk API",
    "DESCRIPTION": (
        "After-sales service desk: fault reports, SLA, inspections, spare parts, training."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    # Several models have a `status`; give each choice set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.Ticket.Status",
        "VisitStatusEnum": "tickets.models.Visit.Status",
        "InspectionStatusEnum": "inspections.models.Inspection.Status",
        "OperationReportStatusEnum": "reports.models.OperationReport.Status",  # issue 18
        "EquipmentStatusEnum": "assets.models.Equipment.Status",  # issue 18
        "FaultImpactEnum": "sla.models.Impact",  # issue 18: a policy's downtime rules
    },
}

# --- Security (production) ------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG and env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = not DEBUG and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = []

# --- Operations (issue 19): logs, metrics, error reporting, backups --------
# JSON lines in production, readable lines in development; every line carries the
# request id, which travels into Celery tasks (operations.requestid).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "operations.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "operations.logs.JsonFormatter"},
        "text": {"()": "operations.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# The worker logs through LOGGING above instead of Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# /metrics answers a bearer token, or clients in these networks (the scraper's).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128")
WORKER_METRICS_PORT = int(os.environ.get("WORKER_METRICS_PORT", 0))  # the worker's own /metrics
# Error reporting: off unless a DSN is set; personal data is scrubbed before sending.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "production")
SENTRY_RELEASE = os.environ.get("SENTRY_RELEASE", "")
SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0"))
# Backups: `manage.py backup` writes here; the scheduled one keeps the newest BACKUP_KEEP.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", 7))
if env_bool("BACKUP_SCHEDULED", True):
    CELERY_BEAT_SCHEDULE["operations-backup"] = {
        "task": "operations.tasks.scheduled_backup",
        "schedule": timedelta(hours=float(os.environ.get("BACKUP_INTERVAL_HOURS", 24))),
    }

# --- Security hardening (issue 13): lockouts, revocable tokens, CSP, API docs -------
INSTALLED_APPS += ["rest_framework_simplejwt.token_blacklist", "axes", "csp"]
# django-axes counts failed logins (page login, token endpoint) per account and per
# client address; a locked-out caller gets 429 with Retry-After (accounts.security).
# AxesBackend only checks the lockout (and serves get_user); ModelBackend logs in.
AUTHENTICATION_BACKENDS = [
    "accounts.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "servicedesk.security.PermissionsPolicyMiddleware",
    "servicedesk.security.AuditMiddleware",
    "axes.middleware.AxesMiddleware",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one alone locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_VERBOSE = False  # accounts.security writes one structured line per lockout
# The client address is REMOTE_ADDR unless the deployment says how many proxies it
# trusts: a forged X-Forwarded-For must not give a guesser fresh addresses.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", 0))
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)
# Password reset requests per client address and per e-mail address in an hour.
PASSWORD_RESET_RATE = {"ip": 10, "email": 3, "window": 3600}
SIMPLE_JWT.update(
    {
        "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
        "ROTATE_REFRESH_TOKENS": True,
        "BLACKLIST_AFTER_ROTATION": True,
        "TOKEN_OBTAIN_SERIALIZER": "accounts.tokens.TokenObtainPairSerializer",
    }
)
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "accounts.tokens.JWTAuthentication",  # refuses tokens issued before a password change
    "rest_framework.authentication.SessionAuthentication",
]
# The schema and the API docs need a signed-in user unless this opens them.
PUBLIC_API_DOCS = DEBUG or env_bool("SERVICEDESK_PUBLIC_API_DOCS", False)
# Content-Security-Policy: no inline script anywhere; htmx and the pages' own scripts
# are files under /static/. Inline <style> blocks carry the request's nonce.
from csp.constants import NONCE  # noqa: E402 (with the block it belongs to)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(self), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()"
)
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "servicedesk.api.schema.AutoSchema"
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "servicedesk.api.schema.add_error_responses",
]
SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] = ["servicedesk.security.ApiDocsPermission"]
LOGGING["loggers"]["servicedesk.audit"] = {"level": "INFO"}
