"""Benchmark settings: the product's settings plus the floor view's URLs; never used by the product.

The database comes from ``DATABASE_URL``, which ``bench.run`` sets to ``BENCH_DATABASE_URL`` or to
its own throw-away PostgreSQL server. Rendering tasks are not run on issue (dummy backend), so the
certificate figures can time database work and rendering separately.
"""

from lms.settings.base import *  # noqa: F401,F403
import os

from lms.settings.base import DATABASES, INSTALLED_APPS, STORAGES, VAR_DIR, keep_connections

DEBUG = False
SECRET_KEY = "bench-only-key"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.urls"
# The bare Wagtail page (bench.models.BarePage), the second floor.
INSTALLED_APPS = ["bench", *INSTALLED_APPS]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "bench-media"
# Database connections kept as production keeps them (lms.settings.production): the spike's gunicorn workers reuse
# theirs instead of connecting on every request. (The in-process page figures never closed theirs: the test client
# does not.)
keep_connections(DATABASES["default"])
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
# The render-throughput measurement runs real `db_worker` processes on the database task backend.
if os.environ.get("BENCH_TASKS") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PRIVATE_ROOT = VAR_DIR / "bench-private"
STORAGES = {**STORAGES, "private": {**STORAGES["private"], "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None}}}
AXES_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# The verify page is throttled per address; the benchmark is one address.
CERTIFICATES_VERIFY_RATE = (10**9, 60)
