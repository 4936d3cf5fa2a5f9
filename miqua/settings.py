"""MIQUA settings.

Everything that differs between a laptop and production comes from environment variables.
Without any of them the app runs embedded: a SQLite file next to the code, Celery tasks run
eagerly in-process, mail printed to the console. Production sets at least DJANGO_DEBUG=false,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

import base64
import hashlib
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The project's own 404 and 500 pages, in the user's language, even with DEBUG on (the demo):
# Django's technical pages list every URL pattern or show code and settings. False brings
# them back for a developer; the console log has every 500's traceback either way.
MIQUA_FRIENDLY_ERRORS = env.bool("MIQUA_FRIENDLY_ERRORS", default=True)
# The fallback key is only good for a laptop: production refuses to start without its own.
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="django-insecure-miqua-local-development-key-never-in-production"
)
if not DEBUG and SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production needs its own secret key.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    # The second factor: an authenticator app (TOTP), recovery codes, security keys (WebAuthn).
    "allauth.mfa",
    "rules",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # /health/ (miqua/ops/health.py): its template and `manage.py health_check`.
    "health_check",
    # Database triggers declared on models: the audit table refuses UPDATE and DELETE on
    # PostgreSQL (installed by the migrations; nothing on SQLite).
    "pgtrigger",
    "miqua.accounts",
    "miqua.audit",
    "quarters",
    "credits",
    "committees",
    "guarantors",
    "monitoring",
    # The GDPR duties (Art. 15 information, Art. 17 erasure): on top of the domain apps.
    "miqua.privacy",
    # The project package on top of the apps: the management commands that join them.
    "miqua.apps.MiquaConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF: its process_view reads the request body first (see miqua/errors.py).
    "miqua.errors.ErrorPagesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "miqua.accounts.middleware.UserLanguageMiddleware",
    "miqua.accounts.middleware.QuarterScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Staff: signed out after idle minutes, and no page before their second factor is set up.
    # After the messages (they say why) and htmx (a fragment request is told to reload).
    "miqua.accounts.middleware.StaffIdleTimeoutMiddleware",
    "miqua.accounts.middleware.SecondFactorRequiredMiddleware",
]

if not DEBUG:
    # Production serves the collected, compressed assets itself (runserver does it in DEBUG).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "miqua.urls"
FORM_RENDERER = "miqua.forms.FormRenderer"
WSGI_APPLICATION = "miqua.wsgi.application"
ASGI_APPLICATION = "miqua.asgi.application"

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
                "miqua.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL in the usual form (postgres://user@host:5432/db, sqlite:////abs/path.sqlite3).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: our queries are short, and for the monthly check's arrears query
    # (50,000 loans, ./dev bench) compiling cost 0.5 s of a 0.8 s run while the query itself
    # takes 0.3 s. PGJIT=on gives the server's default back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit={'on' if env.bool('PGJIT', default=False) else 'off'}"
    )
    # The test database of a parallel or repeated run gets its own name from the env.
    if env.str("DATABASE_TEST_NAME", default=""):
        DATABASES["default"]["TEST"] = {"NAME": env.str("DATABASE_TEST_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker --------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Shared between gunicorn workers, so the login rate limit holds across all of them.
    CACHES = {
        "default": {
            "BACKEND": "miqua.cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="miqua"),
        }
    }
    # Sessions are read from Redis and kept in the database as well (written through): one
    # query less on every page, and a restarted Redis signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery queues: the 15th's check never waits behind other work ----------------------------
# Two queues, each with workers of its own in docker-compose.yml: "checks" carries the monthly
# disruption check (and its catch-up), "default" everything else (mail, ballots' deadlines).
# A burst of mail after a check, or any long task, fills "default" only. The bank statement
# import is no task: it runs in the request or `manage.py import_bank_statement` and never
# meets a worker. A worker started without -Q (./dev worker) takes both queues.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name) for name in ("default", "checks")
]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_DEFAULT_EXCHANGE = "default"
CELERY_TASK_DEFAULT_ROUTING_KEY = "default"
CELERY_TASK_ROUTES = {"monitoring.tasks.run_monthly_checks": {"queue": "checks"}}
# Every minute each queue's worker notes the time in the cache (miqua/ops/tasks.py); /health/
# reports a queue whose note is older than this (seconds) as down: its worker or beat is gone.
MIQUA_WORKER_HEARTBEAT_SECONDS = 60
MIQUA_WORKER_HEARTBEAT_MAX_AGE = env.int("MIQUA_WORKER_HEARTBEAT_MAX_AGE", default=300)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Berlin"
# Periodic jobs; each is idempotent (a rerun or a second worker changes nothing twice).
CELERY_BEAT_SCHEDULE: dict = {
    "close-due-ballots": {"task": "committees.tasks.close_due_ballots", "schedule": 300.0},
    "ballot-deadline-reminders": {
        "task": "committees.tasks.send_deadline_reminders",
        "schedule": 3600.0,
    },
    # The monthly disruption check as of the 15th (catches up missed months).
    "monthly-disruption-check": {
        "task": "monitoring.tasks.run_monthly_checks",
        "schedule": crontab(hour=6, minute=0, day_of_month=15),
    },
    # A 15th the worker missed (down for maintenance, say) is caught up the next morning, as of
    # that 15th; on any other day the task finds nothing to do and books nothing.
    "monthly-disruption-check-catch-up": {
        "task": "monitoring.tasks.run_monthly_checks",
        "schedule": crontab(hour=6, minute=30),
    },
    # Art. 17 GDPR: erase the personal data whose periods ended (every night; a person once).
    "gdpr-erasures": {
        "task": "miqua.privacy.tasks.run_erasures",
        "schedule": crontab(hour=3, minute=0),
    },
}
# The heartbeat of each queue's worker, sent to that queue; a missed one is dropped, not
# piled up behind a stopped worker.
CELERY_BEAT_SCHEDULE.update(
    {
        f"worker-heartbeat-{queue.name}": {
            "task": "miqua.ops.tasks.worker_heartbeat",
            "schedule": float(MIQUA_WORKER_HEARTBEAT_SECONDS),
            "kwargs": {"queue": queue.name},
            "options": {"queue": queue.name, "expires": MIQUA_WORKER_HEARTBEAT_SECONDS},
        }
        for queue in CELERY_TASK_QUEUES
    }
)
# Art. 17 GDPR: the personal data of an application that never became a loan are erased this
# many months after its end (rejected, withdrawn, lapsed); those of a loan this many years after
# it closed (the retention of the commercial and tax codes, HGB § 257, AO § 147).
MIQUA_ERASE_UNFUNDED_MONTHS = env.int("MIQUA_ERASE_UNFUNDED_MONTHS", default=6)
MIQUA_RETENTION_YEARS = env.int("MIQUA_RETENTION_YEARS", default=10)
# Above this share of disrupted loans (percent) a month requires quality measures.
MIQUA_DISRUPTION_STANDARD_PERCENT = Decimal("10.00")
# The microfinancier carries the loans outside the quarters itself, up to this share (percent)
# of the total outstanding portfolio; the portfolio dashboard warns from WARN percent of it on.
MIQUA_OWN_LIABILITY_CAP_PERCENT = Decimal("20.00")
MIQUA_OWN_LIABILITY_WARN_PERCENT = Decimal("80.00")
# The dashboards' figures and the home pages' counts are kept this long at most (seconds; 0: not
# kept); any change a service makes gives fresh ones at once (miqua/audit/read_cache.py).
MIQUA_READ_CACHE_SECONDS = env.int("MIQUA_READ_CACHE_SECONDS", default=600)
# Links in mail point here (mail is sent by workers, which know no request).
MIQUA_BASE_URL = env.str("MIQUA_BASE_URL", default="http://127.0.0.1:8000")

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "miqua.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MIQUA] "
# Failed logins only (a successful one takes its attempt back). Five per account within 15
# minutes lock that account's login for the rest of the window: the guard against guessing a
# password. Per network address the limit is a guard against a sweep over many accounts, and
# must not lock out an office whose people all sign in through one router: 30 a minute and
# 300 an hour is more than a quarter office or the back office fails even on a bad Monday
# morning (allauth's default of 10 a minute locked out a whole office after a few typos),
# while a sweep from one address stays below 7,200 guesses a day spread over accounts that
# each still allow only 5 per 15 minutes. The message says when to try again
# (miqua/accounts/adapter.py). The account's limit comes first, so attempts on a locked account
# do not use up the office's allowance. Every sign-in (successful or not) per address is limited
# too, by allauth to 30 a minute; raised to 60 so that it never cuts in before the failed-login
# limit, whose message says when to try again (a page in the user's language, 429.html, for
# the rest).
ACCOUNT_RATE_LIMITS = {"login_failed": "5/15m/key,30/m/ip,300/h/ip", "login": "60/m/ip"}
# Behind a reverse proxy every request comes from the proxy's address: the number of proxies
# in front (usually 1) lets the limits above read the client's address from X-Forwarded-For.
# 0 (the default) trusts no such header: only set it when a proxy in front sets it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# --- Second factor and idle sessions ----------------------------------------------------------
# allauth's MFA: an authenticator app (TOTP) with recovery codes, and security keys (WebAuthn)
# where the browser offers them (https, or http://localhost). Signing in with a passkey alone
# stays off: a key is the second factor after the password, not a door of its own beside the
# one rate-limited sign-in form.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "MIQUA"
# allauth refuses a second factor while one of the account's addresses is unverified, against
# someone who signs up with another's address and then locks the owner out with a factor of
# their own. There is no sign-up here: the back office creates every account. Refusing would
# trap staff in front of the setup page they must pass.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Staff and administrators see no page before they have set up a second factor: by default
# wherever DEBUG is off (production). Users marked `mfa_exempt` (seed_demo's logins and the
# load benchmark's) sign in with the password alone.
MIQUA_MFA_REQUIRED = env.bool("MIQUA_MFA_REQUIRED", default=not DEBUG)
# Staff sessions end after this many minutes without a request (0: never). Other roles keep
# SESSION_COOKIE_AGE.
MIQUA_STAFF_IDLE_MINUTES = env.int("MIQUA_STAFF_IDLE_MINUTES", default=30)

# --- Mail -------------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@mail.example.org:587, switches to SMTP.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MIQUA <noreply@miqua.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "miqua" / "locale"]
# Users are in Germany whatever language they read: English dates day-first, times 24-hour.
FORMAT_MODULE_PATH = ["miqua.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "static")
# miqua/static is found as the static folder of the `miqua` app (no STATICFILES_DIRS: it would
# be found twice).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded documents in S3-compatible object storage (MinIO, a cloud's) when MIQUA_S3_BUCKET is
# set, so that several web and worker containers share them; else the local folder MEDIA_ROOT.
# Either way they leave only through the permission-checked download view, which streams them
# (credits/views/documents.py): the bucket is private and no signed URL reaches a browser.
MIQUA_S3_BUCKET = env.str("MIQUA_S3_BUCKET", default="")
if MIQUA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MIQUA_S3_BUCKET,
            # MinIO's address (e.g. http://minio:9000); none for AWS itself.
            "endpoint_url": env.str("MIQUA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MIQUA_S3_REGION", default="") or None,
            # Read by boto3 from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when not set here.
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # MinIO serves buckets under its own address, not as subdomains.
            "addressing_style": env.str("MIQUA_S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Uploads hold personal data: they live outside the static tree and are never served directly
# (there is no MEDIA_URL route); a view checks the scope and the right before it sends one.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MIQUA_UPLOAD_MAX_BYTES = env.int("MIQUA_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# The texts of a form together (files not counted); every text box has its own, much lower,
# limit. A request over it gets a page that says so (miqua/errors.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A file over MIQUA_UPLOAD_MAX_BYTES is not stored beyond the limit (miqua/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "miqua.uploads.LimitedFileUploadHandler",
]

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # The containers' healthcheck asks /health/ over plain http from inside the container.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)

# --- Content security policy (django-csp) -----------------------------------------------------
# Every response tells the browser where its page may load anything from: this site only, no
# inline script or event handler (the behaviour is in miqua/static/miqua/*.js), no inline style
# but the one block of the self-contained error pages (templates/_standalone.css), allowed by its
# hash; no plugins, no frames around our pages (as X_FRAME_OPTIONS), forms sent only to us.
# Images may also be data: URIs: the QR code of the two-factor setup (django-allauth) and the
# icons of the API docs' stylesheet (Swagger UI) are such; an image cannot run script.
# First in MIDDLEWARE, so the header is also on what an outer middleware answers itself
# (WhiteNoise's static files in production).
MIDDLEWARE.insert(0, "miqua.content_policy.ContentSecurityPolicyMiddleware")
_STANDALONE_STYLE_HASH = base64.b64encode(
    hashlib.sha256((BASE_DIR / "templates" / "_standalone.css").read_bytes()).digest()
).decode()
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", f"'sha256-{_STANDALONE_STYLE_HASH}'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Operations: backups and /health/ (miqua/ops/) ---------------------------------------------
# `./dev backup` writes its archives here (README, "Backups").
MIQUA_BACKUP_DIR = env.path("MIQUA_BACKUP_DIR", default=BASE_DIR / "var" / "backups")
# /health/ reports a disk (MEDIA_ROOT, var/) fuller than this (percent) as unhealthy.
MIQUA_HEALTH_DISK_MAX_PERCENT = env.float("MIQUA_HEALTH_DISK_MAX_PERCENT", default=90.0)

# The API (miqua/api/): the same roles and quarter scope as the pages (api/scoping.py).
REST_FRAMEWORK = {
    # Token first: a request without credentials is answered 401 with `WWW-Authenticate: Token`
    # (the first class names the challenge; the session has none, which would give 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the browsable HTML of DRF carries inline scripts (no place under a content
    # security policy) and renders its forms after the view has left the user's scope. The
    # documentation to browse is the Swagger UI at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The services' ValidationError (Django's) answers 400 with its messages.
    "EXCEPTION_HANDLER": "miqua.api.exceptions.exception_handler",
    # Requests per user (token or session) and per address for the anonymous, counted in the
    # cache (Redis in production, shared by every process): MIQUA_API_RATE_USER/_ANON below.
    # DRF counts after the permission check, so today's endpoints answer the anonymous 401
    # before any count; theirs guards an endpoint opened to them one day.
    "DEFAULT_THROTTLE_CLASSES": [
        "miqua.api.throttling.UserRateThrottle",
        "miqua.api.throttling.AnonRateThrottle",
    ],
    # The client's address behind the proxy: DRF reads X-Forwarded-For only this far (without
    # it, DRF would take the whole header, which a client can write itself).
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
}
# DRF's rates ("600/min"): generous for a script that walks the lists page by page, a wall for
# one that loops.
MIQUA_API_RATE_USER = env.str("MIQUA_API_RATE_USER", default="600/min")
MIQUA_API_RATE_ANON = env.str("MIQUA_API_RATE_ANON", default="60/min")

SPECTACULAR_SETTINGS = {
    "TITLE": "MIQUA API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs for signed-in users only (session or token), like the API.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI and ReDoc from our own static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Besides the success, each operation documents its 400/401/403/404 answers.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "miqua.api.schema.document_errors",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint and its font tools narrate every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
