"""18.6: /health/ for load balancers, and a request id in every log line and response."""

import datetime
import io
import json
import logging

from django.test import override_settings
from django.utils import timezone
from django_guid.log_filters import CorrelationId

from tests.servers import free_port

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _health(client, **headers):
    response = client.get("/health/", **headers)
    return response, json.loads(response.content)


def test_it_reports_every_dependency_healthy(client, db):
    response, body = _health(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "cache": True, "storage": True, "task_queue": True}
    assert response["Cache-Control"] == "no-store"


@override_settings(ALLOWED_HOSTS=["lms.example.cn"], SECURE_SSL_REDIRECT=True)
def test_it_answers_a_balancer_probing_the_servers_address_over_http(client, db):
    response, body = _health(client, HTTP_HOST="10.0.0.12:8000")
    assert response.status_code == 200 and body["status"] == "ok"


def test_it_needs_no_login_and_sets_no_cookie(client, db):
    response, _ = _health(client)
    assert not response.cookies


def test_a_stopped_cache_is_a_503_naming_the_cache(client, db):
    dead = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
                        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    with override_settings(CACHES=dead):
        response, body = _health(client)
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError", "ms": body["checks"]["cache"]["ms"]}
    assert body["checks"]["database"]["ok"] is True


def test_it_reports_the_task_queues_lag_and_marks_a_long_one_degraded(client, db, settings):
    from certificates.tasks import certificates_daily
    from django_tasks_db.models import DBTaskResult

    settings.LMS_HEALTH_MAX_QUEUE_LAG = 600
    with override_settings(TASKS=DB_TASKS):
        certificates_daily.using(backend="default").enqueue()
        DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=20))
        response, body = _health(client)
    queue = body["checks"]["task_queue"]
    assert response.status_code == 200  # a busy queue does not take the server out of rotation
    assert body["status"] == "degraded"
    assert queue["waiting"] == 1 and 1190 <= queue["lag_s"] <= 1300 and queue["lagging"] is True


def test_every_response_carries_a_request_id_and_keeps_the_proxys(client, db):
    fresh = client.get("/accounts/login/")["X-Request-ID"]
    assert len(fresh) == 32 and int(fresh, 16) >= 0
    given = "0123456789abcdef0123456789abcdef"
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_log_lines_of_a_request_carry_its_id(client, db):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(CorrelationId("request_id"))
    handler.setFormatter(logging.Formatter("[%(request_id)s] %(message)s"))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        given = "fedcba9876543210fedcba9876543210"
        assert client.get("/no-such-page/", HTTP_X_REQUEST_ID=given).status_code == 404
    finally:
        logger.removeHandler(handler)
    assert f"[{given}] Not Found: /no-such-page/" in stream.getvalue()
