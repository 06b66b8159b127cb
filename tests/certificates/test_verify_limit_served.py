"""17.6: the verify limit holds across the workers of a real gunicorn (the counters live in the shared cache).

Per-process memory let 117 of 200 lookups from one address through a limit of 30 behind 4 workers. Here the site
runs under gunicorn with 4 workers on the production settings, once with the database cache (production without
Redis) and once with a real Redis, and 60 simultaneous lookups from one address get exactly the limit's 200s.
"""

import contextlib
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from lms.settings.base import DATABASE_CACHE
from tests.servers import database_url_of, gunicorn, redis_server, site_env

pytestmark = pytest.mark.django_db(transaction=True)
LIMIT = 10
LOOKUPS = 60


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _fresh_database_cache():
    with override_settings(CACHES={"default": DATABASE_CACHE}):
        call_command("createcachetable", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(DATABASE_CACHE['LOCATION'])}")


@pytest.mark.parametrize("store", ["database", "redis"])
def test_the_verify_limit_holds_across_four_gunicorn_workers(store, certified, tmp_path):
    extra = {"CERTIFICATES_VERIFY_LIMIT": LIMIT, "CERTIFICATES_VERIFY_WINDOW": 600}
    with contextlib.ExitStack() as stack:
        if store == "redis":
            extra["REDIS_URL"] = stack.enter_context(redis_server(tmp_path)).url
        else:
            _fresh_database_cache()
        env = site_env(database_url_of(connection), tmp_path, **extra)
        site = stack.enter_context(gunicorn(env, workers=4, log=tmp_path / "gunicorn.log"))
        url = site.base + certified.certificate.get_verify_path()
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(_status, [url] * LOOKUPS))
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == LOOKUPS - LIMIT, statuses
