"""``GET /health/`` for load balancers: can this app server do its work right now?

It answers before any other middleware (no session, no host check, no HTTPS redirect: a load balancer probes the
server's own address over plain HTTP) with JSON and HTTP 200 when the database, the shared cache and the file
storage answer, else 503, so the balancer takes the server out of rotation. The task queue's lag (how long the
oldest waiting background task has waited) is reported too; a lag over ``LMS_HEALTH_MAX_QUEUE_LAG`` seconds marks
the site "degraded" but keeps 200: a busy queue is the workers' problem, not a reason to stop serving pages.
Nothing secret is shown: each failing check gives only the error's class name.
"""

import json
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone

PATH = "/health/"


def _timed(check):
    started = time.perf_counter()
    try:
        result = {"ok": True, **(check() or {})}
    except Exception as error:  # any failure of a dependency is a failed check, never a 500
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_storage():
    """The private storage (certificate PDFs) is reachable: a lookup of a name that never exists."""
    storage = storages["private"] if "private" in settings.STORAGES else storages["default"]
    storage.exists(f"health/{uuid.uuid4().hex}")
    return {"backend": type(storage).__name__}


def check_task_queue():
    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db"):
        return {"backend": backend.rsplit(".", 1)[-1], "waiting": 0, "lag_s": 0.0}
    from django.db.models import Count, Min
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready().aggregate(count=Count("id"), oldest=Min("enqueued_at"))
    lag = (timezone.now() - waiting["oldest"]).total_seconds() if waiting["oldest"] else 0.0
    return {"backend": "database", "waiting": waiting["count"], "lag_s": round(lag, 1),
            "lagging": lag > settings.LMS_HEALTH_MAX_QUEUE_LAG}


def report():
    checks = {"database": _timed(check_database), "cache": _timed(check_cache), "storage": _timed(check_storage),
              "task_queue": _timed(check_task_queue)}
    serving = all(checks[name]["ok"] for name in ("database", "cache", "storage"))
    queue = checks["task_queue"]
    if not serving:
        status = "fail"
    elif not queue["ok"] or queue.get("lagging"):
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "checks": checks}, serving


class HealthCheckMiddleware:
    """Answers ``GET``/``HEAD /health/``; every other request passes through untouched. Put it first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        body, serving = report()
        response = HttpResponse(json.dumps(body), content_type="application/json", status=200 if serving else 503)
        response["Cache-Control"] = "no-store"
        return response
