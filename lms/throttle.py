"""Rate limits shared by every worker and server, keyed on the real client address.

The counters live in the default cache: Redis when ``REDIS_URL`` is set, otherwise (in production) the database
cache, whose ``incr`` is atomic (``lms.cache.DatabaseCache``), so N gunicorn workers on M servers count one limit.
"""

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The address of the client that sent the request.

    ``REMOTE_ADDR`` unless the site runs behind its own reverse proxy (``DJANGO_BEHIND_PROXY``): then the address
    that proxy appended to ``X-Forwarded-For`` (the entry ``LMS_TRUSTED_PROXY_COUNT`` from the right). Entries further
    left were written by the client and are never trusted, so a visitor cannot pick someone else's bucket.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.LMS_BEHIND_PROXY:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    count = settings.LMS_TRUSTED_PROXY_COUNT
    if len(forwarded) >= count:
        return forwarded[-count]
    return remote


def over_limit(scope, request, *, limit, window):
    """Count one hit of this client on ``scope``; True once it has made more than ``limit`` in ``window`` seconds.

    The window starts at the client's first hit (``add`` creates the counter with its expiry; ``incr`` keeps it).
    """
    key = f"throttle:{scope}:{client_ip(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit
