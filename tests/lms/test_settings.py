"""Settings: typed environment helpers, SQLite concurrency options, production checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lms.settings import base
from lms.settings.env import envbool, envint, envlist, envsecret

ROOT = Path(__file__).resolve().parents[2]


def test_it_reads_booleans_and_fails_on_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert envbool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        envbool("X_FLAG", False)


def test_it_reads_integers_and_fails_on_nonsense(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert envint("X_NUM", 0) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured):
        envint("X_NUM", 0)


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,,")
    assert envlist("X_HOSTS") == ["a.example", "b.example"]


def test_it_requires_secrets(monkeypatch):
    monkeypatch.delenv("X_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured):
        envsecret("X_SECRET")


def test_it_configures_sqlite_to_wait_for_writers():
    db = base.configure_sqlite({"ENGINE": "django.db.backends.sqlite3", "NAME": "x"})
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_it_leaves_other_databases_alone():
    db = base.configure_sqlite({"ENGINE": "django.db.backends.postgresql", "NAME": "x"})
    assert "OPTIONS" not in db


def test_it_uses_wal_on_the_live_sqlite_connection(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has no journal mode")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        DJANGO_SECRET_KEY="p" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
        DJANGO_ALLOWED_HOSTS="lms.example.internal",
        WAGTAILADMIN_BASE_URL="https://lms.example.internal",
        DATABASE_URL="sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
    )
    env.update(extra)
    return env


def test_it_passes_the_deploy_checks_in_production(tmp_path):
    from certificates.signing import create_self_signed

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    create_self_signed(key, cert)
    env = _production_env(CERTIFICATES_SIGNING_KEY=str(key), CERTIFICATES_SIGNING_CERT=str(cert))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_warns_in_production_when_certificates_cannot_be_signed(tmp_path):
    env = _production_env(CERTIFICATES_SIGNING_KEY=str(tmp_path / "none.pem"),
                          CERTIFICATES_SIGNING_CERT=str(tmp_path / "none-cert.pem"))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert "certificates.W001" in result.stdout + result.stderr


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def _production_setting(expression, **env):
    """``expression`` (over ``settings``) as the production settings give it with ``env`` set."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               f"print({expression})"],
        cwd=ROOT, env=_production_env(**env), capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _cache_backend(**env):
    return _production_setting("settings.CACHES['default']['BACKEND']", **env)


def test_production_shares_its_cache_through_the_database_without_redis():
    assert _cache_backend() == "lms.cache.DatabaseCache"


def test_production_shares_its_cache_through_redis_when_configured():
    assert _cache_backend(REDIS_URL="redis://127.0.0.1:6399/0") == "django.core.cache.backends.redis.RedisCache"


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    keep = "settings.DATABASES['default']['CONN_MAX_AGE'], settings.DATABASES['default']['CONN_HEALTH_CHECKS']"
    assert _production_setting(keep) == "60 True"
    assert _production_setting(keep, DATABASE_CONN_MAX_AGE="0") == "0 True"


def test_migrate_creates_the_database_caches_table(db):
    from django.apps import apps
    from django.db import connection
    from django.test import override_settings

    from lms.apps import create_cache_table

    with override_settings(CACHES={"default": {"BACKEND": "lms.cache.DatabaseCache", "LOCATION": "lms_cache_m"}}):
        create_cache_table(sender=apps.get_app_config("lms"), using="default", verbosity=0)
    assert "lms_cache_m" in connection.introspection.table_names()
