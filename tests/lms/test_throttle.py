"""Throttles: the real client address behind the proxy, and counters every worker shares (17.6, 17.7)."""

import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from lms.throttle import client_ip, over_limit

DB_CACHE = {"default": {"BACKEND": "lms.cache.DatabaseCache", "LOCATION": "lms_cache_test"}}


def _request(remote="10.0.0.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(LMS_BEHIND_PROXY=False)
def test_it_ignores_the_forwarded_header_when_not_behind_a_proxy():
    assert client_ip(_request("203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


@override_settings(LMS_BEHIND_PROXY=True, LMS_TRUSTED_PROXY_COUNT=1)
def test_it_takes_the_address_our_proxy_appended_behind_a_proxy():
    # The client wrote the first entry itself; nginx appended the address it saw.
    assert client_ip(_request("127.0.0.1", forwarded="1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("127.0.0.1", forwarded="198.51.100.7")) == "198.51.100.7"


@override_settings(LMS_BEHIND_PROXY=True, LMS_TRUSTED_PROXY_COUNT=2)
def test_it_walks_back_through_each_trusted_proxy():
    assert client_ip(_request("127.0.0.1", forwarded="1.2.3.4, 198.51.100.7, 10.1.1.1")) == "198.51.100.7"


@override_settings(LMS_BEHIND_PROXY=True)
def test_it_falls_back_to_the_peer_without_a_forwarded_header():
    assert client_ip(_request("10.9.9.9")) == "10.9.9.9"


@override_settings(LMS_BEHIND_PROXY=True)
def test_visitors_behind_the_proxy_have_their_own_buckets(db):
    one, two = _request("127.0.0.1", "198.51.100.1"), _request("127.0.0.1", "198.51.100.2")
    assert [over_limit("t", one, limit=2, window=60) for _ in range(3)] == [False, False, True]
    assert over_limit("t", two, limit=2, window=60) is False
    # A spoofed first entry does not move the visitor into another bucket.
    assert over_limit("t", _request("127.0.0.1", "198.51.100.2, 198.51.100.1"), limit=2, window=60) is True


@pytest.fixture
def db_cache(db):
    from django.core.management import call_command

    with override_settings(CACHES=DB_CACHE):
        call_command("createcachetable", verbosity=0)
        cache = caches["default"]
        cache.clear()
        yield cache


def test_the_database_cache_counts_and_keeps_the_counters_expiry(db_cache):
    db_cache.add("n", 0, timeout=60)
    assert [db_cache.incr("n") for _ in range(3)] == [1, 2, 3]
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=61)):
        assert db_cache.get("n") is None  # incr did not push the expiry out
        with pytest.raises(ValueError):
            db_cache.incr("n")


def test_the_throttle_window_restarts_after_it_expires(db_cache):
    request = _request()
    assert [over_limit("w", request, limit=1, window=60) for _ in range(2)] == [False, True]
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=61)):
        assert over_limit("w", request, limit=1, window=60) is False
