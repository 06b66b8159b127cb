"""Production: everything secret or site-specific comes from the environment.

Required: ``DJANGO_SECRET_KEY``, ``DATABASE_URL``, ``DJANGO_ALLOWED_HOSTS``,
``WAGTAILADMIN_BASE_URL``. See the README for the full list.
"""

import os

from .base import *  # noqa: F401,F403
from .base import (
    DATABASE_CACHE, DATABASES, LMS_BEHIND_PROXY, PRIVATE_ROOT, TASKS, file_storages, keep_connections, shared_cache,
)
from .env import envbool, envint, envlist, envsecret, envstr

DEBUG = False
SECRET_KEY = envsecret("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")
WAGTAILADMIN_BASE_URL = envsecret("WAGTAILADMIN_BASE_URL")
envsecret("DATABASE_URL")  # base.py parsed it; production must not fall back to SQLite
keep_connections(DATABASES["default"])
# Certificates are signed with the organisation's own key: never a generated one.
CERTIFICATES_SIGNING_SELF_SIGNED = False

# Never per-process memory: throttles and cached fragments must be the same for every worker and server.
# The database cache's table is created by `migrate` (lms.signals).
CACHES = shared_cache(DATABASE_CACHE)

# Media and private files in an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set, else on local disk.
STORAGES = file_storages(os.environ, private_root=PRIVATE_ROOT,
                         staticfiles="whitenoise.storage.CompressedManifestStaticFilesStorage")

# HTTPS: on by default; an intranet behind a TLS-terminating proxy sets the header name.
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("DJANGO_SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = envbool("DJANGO_SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = envbool("DJANGO_CSRF_COOKIE_SECURE", True)
if LMS_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = envstr("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
SERVER_EMAIL = envstr("SERVER_EMAIL", "lms@localhost")

if envstr("LMS_TASKS_BACKEND", "database") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
