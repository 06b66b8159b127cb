"""Test settings: fast hashing, in-memory cache and mail, SQLite in a file.

The SQLite test database lives in a file (not ``:memory:``) so tests that use
several threads exercise the same locking that production SQLite does.
"""

from .base import *  # noqa: F401,F403
from .base import DATABASES, STORAGES, VAR_DIR
from .env import envstr

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
PRIVATE_ROOT = VAR_DIR / "test-private"
STORAGES = {**STORAGES, "private": {**STORAGES["private"], "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None}}}
WAGTAILADMIN_BASE_URL = "http://testserver"
# A self-signed signing pair of the tests' own, created on first use.
CERTIFICATES_SIGNING_KEY = str(VAR_DIR / "test-signing" / "signing-key.pem")
CERTIFICATES_SIGNING_CERT = str(VAR_DIR / "test-signing" / "signing-cert.pem")

# Worker processes started by tests (tests/certificates/test_bulk.py) use the database task backend.
if envstr("LMS_TASKS_BACKEND", "") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
