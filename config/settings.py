"""Settings for Partnership Assurance, read from the environment.

Every value has a safe local default (SQLite, a broker that needs no server, email to the console) so that
`make run` works on a fresh machine; a deployment overrides them with environment variables, listed in the
README. Nothing here exists only in production.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# The demo partnership: seeded people, relaxed MFA. Never on in a real deployment.
DEMO = env.bool("DEMO", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="local-only-secret-key-change-me-in-every-deployment-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rules",
    "simple_history",
    "django_celery_beat",
    "django_filters",
    "csp",
    # The partnership core, then the governance cycle inside it (each a Django app of its own: the tracker first,
    # as impact updates, the Board pack and reminders build on it), then the evidence apps.
    "cscp",
    "cscp.actions",
    "cscp.impact",
    "cscp.boardpack",
    "cscp.reminders",
    "scorecards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages, so that the session-lifetime middleware can say why it signed someone out.
    "cscp.middleware.SessionLifetimeMiddleware",
    "cscp.middleware.RequireMFAMiddleware",
    "cscp.middleware.PrivateResponsesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes must come last.
    "axes.middleware.AxesMiddleware",
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
                "csp.context_processors.nonce",
                "cscp.context_processors.partnership",
            ],
        },
    },
]

# Database: SQLite locally, PostgreSQL (or anything dj-database-url reads) from DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections that are checked before use, so a PostgreSQL restart costs no failed request.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # The web server, worker and beat share one SQLite file under `make run`: wait for locks rather than fail,
    # and let readers work while one process writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, for the test database too: the test that runs a real Celery worker shares it.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(VAR_DIR / "test.sqlite3")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cscp.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "cscp:sign-in"
LOGIN_REDIRECT_URL = "cscp:home"
LOGOUT_REDIRECT_URL = "cscp:signed-out"
# Invitation and password-reset links last three days.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# Sessions live in the database (not Redis) so pages keep working when Redis is down. They end after
# 30 minutes idle (the cookie is renewed on every request) and after 8 hours in all (our middleware).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in limits (docs/adr/0003). django-axes locks the PAIR of username and address after AXES_FAILURE_LIMIT
# failed sign-ins within AXES_COOLOFF_HOURS: the attacker's address is locked, while the real person at their own
# address can still sign in. Attempts refused by a lock are not counted again, so a locked attacker cannot keep
# raising the account's count. State is in the database (axes' models).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Every failure is also logged (with its address) for the ceiling below; kept as long as other sign-in records.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The locked-out page, with the offer of an emailed unlock link (cscp/lockout.py).
AXES_LOCKOUT_CALLABLE = "cscp.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# A username's failures from ALL addresses slow it down instead of locking it: once it has had
# SIGN_IN_THROTTLE_AFTER failures within AXES_COOLOFF_HOURS, each further attempt must come at least
# SIGN_IN_THROTTLE_FIRST_DELAY_SECONDS after the last failure, doubling with every further failure up to
# SIGN_IN_THROTTLE_MAX_DELAY_SECONDS. The page answers at once with how long to wait; nothing sleeps.
SIGN_IN_THROTTLE_AFTER = env.int("SIGN_IN_THROTTLE_AFTER", default=5)
SIGN_IN_THROTTLE_FIRST_DELAY_SECONDS = env.int("SIGN_IN_THROTTLE_FIRST_DELAY_SECONDS", default=2)
SIGN_IN_THROTTLE_MAX_DELAY_SECONDS = env.int("SIGN_IN_THROTTLE_MAX_DELAY_SECONDS", default=300)
# NIST SP 800-63B: no more than 100 consecutive failed attempts on one account. After this many failures since the
# account last signed in, it is locked at every address until it is unlocked (emailed link or password reset).
SIGN_IN_FAILURE_CEILING = env.int("SIGN_IN_FAILURE_CEILING", default=100)
# A locked-out person may ask for a link that unlocks their account: it works once, for UNLOCK_LINK_SECONDS, and
# at most one is emailed per account every UNLOCK_EMAIL_MINUTES.
UNLOCK_LINK_SECONDS = env.int("UNLOCK_LINK_SECONDS", default=60 * 60)
UNLOCK_EMAIL_MINUTES = env.int("UNLOCK_EMAIL_MINUTES", default=15)

# Time-based one-time codes for partnership admins and the Independent Scrutineer.
REQUIRE_MFA = env.bool("REQUIRE_MFA", default=not DEMO)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Partnership Assurance")

# Security headers. Transport security is on whenever DEBUG is off; a deployment behind a TLS proxy sets
# SECURE_PROXY_SSL_HEADER via SECURE_PROXY_SSL=true and SECURE_SSL_REDIRECT=true.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# The container health check calls the app over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
if env.bool("SECURE_PROXY_SSL", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
# Off: it would also put commas in ids and years ("2,026"). Templates use |intcomma where a number is a quantity.
USE_THOUSAND_SEPARATOR = False
# Our en-GB formats: dates in full ("27 November 2026"), see cscp/formats/en_GB/formats.py.
FORMAT_MODULE_PATH = ["cscp.formats"]

# Static files: govuk-frontend's compiled CSS, JS and assets, served by whitenoise.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded and generated files go through Django's storage API; a multi-server deployment points the
# default storage at S3-compatible storage with STORAGE_BACKEND=s3 and the AWS_* variables.
_default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if env.str("STORAGE_BACKEND", default="filesystem") == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=""),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

# Forms in the GOV.UK Design System.
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: the console locally; a deployment sets EMAIL_URL (smtp+tls://user:password@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Partnership Assurance <no-reply@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# PDFs (cscp/pdf.py): no layout from more HTML than this, nor for longer than these seconds. A person waiting for a
# PDF gets the shorter budget, within gunicorn's 30-second timeout; the worker making Board packs the longer.
PDF_MAX_HTML_BYTES = env.int("PDF_MAX_HTML_BYTES", default=5_000_000)
PDF_MAX_SECONDS = env.float("PDF_MAX_SECONDS", default=60.0)
PDF_MAX_SECONDS_IN_REQUEST = env.float("PDF_MAX_SECONDS_IN_REQUEST", default=20.0)

# Celery: a broker that needs no server locally (kombu's filesystem transport, see docs/adr/0002);
# Redis in CI and in deployments via CELERY_BROKER_URL.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    # A Redis that accepts connections but never answers must not hold a request: every read and write on the broker
    # gives up after two seconds (more than the worker's 1 s poll of the queue), and publishing is not retried, so a
    # page that queues a task answers within 3 s whatever Redis does (the outbox and beat catch up, and an import
    # falls back to running in the request).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 2.0, "socket_connect_timeout": 2.0}
CELERY_TASK_IGNORE_RESULT = True
# When the broker is down, give up queueing quickly: the outbox and the beat schedule catch up later, and a request
# should not hang waiting for Redis.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
# A task whose worker process is killed part-way goes back on the queue, to run again: tasks are idempotent (a unique
# key in the database), so running twice does the work once.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Each app registers its own beat entries when it starts (cscp/schedules.py); beat collects them.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Django's admin is kept for superusers as a last resort; the product's own pages are where work is done.
ADMIN_URL = env.str("ADMIN_URL", default="django-admin/")
