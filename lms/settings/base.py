"""Settings shared by every environment.

SQLite is the embedded default; ``DATABASE_URL`` switches to PostgreSQL (or any
database dj-database-url understands). Environment-specific modules
(``dev``, ``test``, ``production``) import this one and override what differs.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .directory import DIRECTORY_BACKEND, directory_settings
from .env import envbool, envint, envstr

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(envstr("LMS_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = envstr("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    # Project apps first so their templates and translations win.
    "lms",
    "courses",
    "mentorship",
    "certificates",
    "progress",
    "cockpit",
    "wrongbook",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third party
    "axes",
    "django_guid",
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # A request id for every request (from the proxy's X-Request-ID, else a new one), in every log line and the
    # response; then /health/ answered before anything that needs a session, a known host or HTTPS.
    "django_guid.middleware.guid_middleware",
    "lms.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # AxesMiddleware should be the last middleware.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "lms.wsgi.application"
# A refused form post shows the site's own page (in the frame, in the visitor's language), like the other errors.
CSRF_FAILURE_VIEW = "lms.errors.csrf_failure"

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}


def configure_sqlite(database):
    """Make SQLite wait for a writer instead of failing with "database is locked".

    WAL lets readers work while one connection writes; ``timeout`` is the busy
    timeout in seconds; ``IMMEDIATE`` takes the write lock when a transaction
    begins, so two writers queue up instead of deadlocking on lock upgrade.
    """
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return database
    options = database.setdefault("OPTIONS", {})
    options.setdefault("timeout", 30)
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault(
        "init_command",
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    )
    return database


configure_sqlite(DATABASES["default"])


def configure_postgresql(database):
    """Switch off PostgreSQL's JIT compilation for the app's connections, and let the hot reads be prepared.

    The app's queries are short; JIT compiles a query whose estimated cost passes a
    threshold, and a cohort count over 10,000 people spends ~140 ms compiling for a few
    milliseconds of work (measured on the cockpit's figures).

    Django switches psycopg's prepared statements off (``prepare_threshold=None``, for connection poolers in
    transaction mode, which this deployment does not use). Django's own cursors bind on the client and never
    prepare whatever this says; the hot reads of ``lms.prepared`` run on a server-binding cursor, and psycopg
    prepares such a statement the second time a connection runs it (so with ``DATABASE_CONN_MAX_AGE`` > 0 a
    worker's connection plans the course outline once, not on every page).

    Those statements use one generic plan (``plan_cache_mode=force_generic_plan``). Left to choose, PostgreSQL
    planned the course outline again on every call: its generic plan's estimate is higher than the plans made for
    the values, although it runs as fast (measured at 10,000 trainees: the trainee's course list 1.77 → 0.63 ms,
    the course page's outline 1.81 → 1.13 ms, the certification panel's read unchanged). The prepared reads look
    rows up by the learner's and the page's keys, where a plan made for the values has nothing to gain. Django's
    own queries are not prepared, so this setting does not reach them.
    """
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    options = database.setdefault("OPTIONS", {})
    options["options"] = (options.get("options", "") + " -c jit=off -c plan_cache_mode=force_generic_plan").strip()
    options.setdefault("prepare_threshold", 2)


configure_postgresql(DATABASES["default"])


def keep_connections(database):
    """The app servers' connection handling (production, and the benchmark that measures it): each connection kept
    for a minute unless ``DATABASE_CONN_MAX_AGE`` says otherwise, checked before a request reuses it. No connection
    set-up per request, and on PostgreSQL the learner pages' prepared reads (``lms.prepared``) are planned once per
    connection."""
    database["CONN_MAX_AGE"] = envint("DATABASE_CONN_MAX_AGE", 60)
    database["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any other backend runs.
    "axes.backends.AxesStandaloneBackend",
    "lms.backends.UsernameOrEmployeeNumberBackend",
]
# Directory login (LDAP / Active Directory) when LDAP_SERVER_URI is set: see lms.directory and the README.
_DIRECTORY = directory_settings(os.environ)
globals().update(_DIRECTORY)
if _DIRECTORY:
    AUTHENTICATION_BACKENDS.append(DIRECTORY_BACKEND)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
# Failures count per account (lms.backends.lockout_key resolves username, employee number and padded or
# differently-cased variants to the one account), from any address: rotating addresses does not reset the count.
# No lockout per address: a branch's desks often share one NAT address, and five typos at one desk must not lock the
# whole branch out (axes.W006 asks for one; the per-account counter is what stops guessing).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "lms.backends.lockout_key"
AXES_CLIENT_IP_CALLABLE = "lms.throttle.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- Reverse proxy ------------------------------------------------------------------
# Behind our own reverse proxy (nginx, a load balancer), the client's address is the entry that proxy appended to
# X-Forwarded-For (LMS_TRUSTED_PROXY_COUNT proxies in a row); see lms.throttle.client_ip.
LMS_BEHIND_PROXY = envbool("DJANGO_BEHIND_PROXY", False)
LMS_TRUSTED_PROXY_COUNT = envint("DJANGO_TRUSTED_PROXY_COUNT", 1)

# --- Cache ---------------------------------------------------------------------------
# The cache holds what every worker must share (throttle counters, cached page fragments): Redis when REDIS_URL is
# set; otherwise the environment's fallback: per-process memory for development, the database in production.
DATABASE_CACHE = {"BACKEND": "lms.cache.DatabaseCache", "LOCATION": "lms_cache"}


def shared_cache(fallback):
    url = envstr("REDIS_URL", "")
    if not url:
        return {"default": fallback}
    # Short socket timeouts: a stopped Redis makes a request fail fast (and /health/ say so) instead of hanging.
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                        "KEY_PREFIX": "lms", "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}


CACHES = shared_cache({"BACKEND": "django.core.cache.backends.locmem.LocMemCache"})

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# The override catalog first: corrected Chinese for Wagtail/Django strings (see its header), then the core's.
LOCALE_PATHS = [BASE_DIR / "locale_overrides", BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Private files (certificate PDFs, cohort zips): never under MEDIA_URL, served only by views that check access.
PRIVATE_ROOT = VAR_DIR / "private"


def file_storages(env, *, private_root, staticfiles):
    """Django's STORAGES from the environment: local folders, or one S3-compatible bucket when AWS_STORAGE_BUCKET_NAME
    is set (then every app server and worker reads and writes the same files).

    ``default`` holds media (Wagtail images and documents), ``private`` what is served only through views that check
    access. In the bucket both are private objects (under ``media/`` and ``private/``); a media URL is signed and
    valid for AWS_QUERYSTRING_EXPIRE seconds, private files are streamed by their views.
    """
    bucket = env.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": "certificates.storage.PrivateFileSystemStorage",
                        "OPTIONS": {"location": private_root, "base_url": None}},
            "staticfiles": {"BACKEND": staticfiles},
        }
    options = {
        "bucket_name": bucket,
        "endpoint_url": env.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env.get("AWS_S3_REGION_NAME") or None,
        "access_key": env.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": env.get("AWS_SECRET_ACCESS_KEY") or None,
        "addressing_style": env.get("AWS_S3_ADDRESSING_STYLE", "path"),
        "signature_version": "s3v4",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": int(env.get("AWS_QUERYSTRING_EXPIRE", "300")),
        "file_overwrite": False,
    }
    s3 = "storages.backends.s3.S3Storage"
    return {
        "default": {"BACKEND": s3, "OPTIONS": {**options, "location": "media"}},
        "private": {"BACKEND": s3, "OPTIONS": {**options, "location": "private"}},
        "staticfiles": {"BACKEND": staticfiles},
    }


STORAGES = file_storages(os.environ, private_root=PRIVATE_ROOT,
                         staticfiles="django.contrib.staticfiles.storage.StaticFilesStorage")

# --- Wagtail -------------------------------------------------------------------
WAGTAIL_SITE_NAME = envstr("LMS_SITE_NAME", "客服培训与认证平台")
WAGTAILADMIN_BASE_URL = envstr("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False  # intranet: never call out
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt", "csv"]

# --- Background tasks ------------------------------------------------------------
# Run immediately by default; production switches to the database backend and a worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- E-mail ----------------------------------------------------------------------
EMAIL_BACKEND = envstr("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# For the file backend (the browser journeys read the invitation from there).
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# Invitation and 忘记密码 links (one-time tokens) work for this long.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "lms@localhost")

# --- Organisation shown on pages and certificates ---------------------------------
LMS_ORGANISATION_NAME = envstr("LMS_ORGANISATION_NAME", "客户服务中心")
LMS_ORGANISATION_NAME_EN = envstr("LMS_ORGANISATION_NAME_EN", "Customer Service Centre")
# A static path or an absolute file path; shown on certificates.
LMS_ORGANISATION_LOGO = envstr("LMS_ORGANISATION_LOGO", "certificates/logo.svg")
# Public certificate verification: at most this many lookups per IP address per window (seconds).
CERTIFICATES_VERIFY_RATE = (envint("CERTIFICATES_VERIFY_LIMIT", 30), envint("CERTIFICATES_VERIFY_WINDOW", 600))
# The organisation's signing key and certificate (PEM files) for the PAdES signature on every certificate PDF.
# Development and tests create a self-signed pair there on first use (``manage.py certificates_signing_key``);
# production must point at the organisation's own pair.
CERTIFICATES_SIGNING_KEY = envstr("CERTIFICATES_SIGNING_KEY", str(VAR_DIR / "signing" / "signing-key.pem"))
CERTIFICATES_SIGNING_CERT = envstr("CERTIFICATES_SIGNING_CERT", str(VAR_DIR / "signing" / "signing-cert.pem"))
CERTIFICATES_SIGNING_KEY_PASSWORD = envstr("CERTIFICATES_SIGNING_KEY_PASSWORD", "")
CERTIFICATES_SIGNING_SELF_SIGNED = True  # create a self-signed development pair when the files are missing
# The certificate font cut down from Noto Serif CJK SC (certificates/fonts.py), built once per machine; kept
# outside LMS_VAR_DIR so test and demo databases in other folders share it.
CERTIFICATES_FONT_DIR = envstr("CERTIFICATES_FONT_DIR", str(BASE_DIR / "var" / "fonts"))
# Bulk issuing: people per claim of a worker (each claim is one task, so several workers share a run), when
# the workers render the PDFs and when they only issue (rendering off: the claim's fixed queries spread wider).
CERTIFICATES_BULK_BATCH = envint("CERTIFICATES_BULK_BATCH", 20)
CERTIFICATES_BULK_DB_BATCH = envint("CERTIFICATES_BULK_DB_BATCH", 250)

# Extension points: each domain app contributes home-page panels and demo data.
LMS_HOME_PANEL_PROVIDERS = [
    "courses.home.panels",
    "mentorship.home.panels",
    "certificates.home.panels",
    "progress.home.panels",
    "wrongbook.home.panels",
]
LMS_PERSON_SECTION_PROVIDERS = [
    "courses.person.sections",
    "progress.person.sections",
    "certificates.person.sections",
    "mentorship.person.sections",
    "wrongbook.person.sections",
]
# Who sees whom beyond regions and posts (lms.access): functions (user) -> Q over StaffProfile.
LMS_SCOPE_PROVIDERS = [
    "mentorship.access.people_scope",
]
# Columns and filters the apps add to the people list (lms.people).
LMS_PEOPLE_COLUMN_PROVIDERS = [
    "mentorship.people.columns",
]
LMS_DEMO_LOADERS = [
    "courses.demo.load",
    "mentorship.demo.load",
    "certificates.demo.load",
    "wrongbook.demo.load",
    "cockpit.demo.load",  # the cohort: after the others (it uses their accounts and the observation checklists)
]

# 传帮带: a question not resolved within this many working days is overdue (M4).
MENTORSHIP_QUESTION_OVERDUE_WORKING_DAYS = envint("MENTORSHIP_QUESTION_OVERDUE_WORKING_DAYS", 2)

# --- Request ids, health, logs -----------------------------------------------------------
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",  # nginx: proxy_set_header X-Request-ID $request_id;
    "VALIDATE_GUID": True,  # a malformed incoming id is replaced, never logged
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
    "INTEGRATIONS": [],
}
# /health/ reports the site "degraded" when the oldest waiting background task has waited longer (seconds).
LMS_HEALTH_MAX_QUEUE_LAG = envint("LMS_HEALTH_MAX_QUEUE_LAG", 900)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}
