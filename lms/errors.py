"""Error pages in the site frame, in the visitor's language (400, 403, 404, 500 and the CSRF failure).

Django's defaults answer a bare English "403 Forbidden" when no template is found, and render the CSRF failure
page without the request (so without the site frame). These views render the project's templates with the
request. The 500 page must never fail itself: if the framed page cannot be drawn (the database is down, a
context processor breaks), a plain page without anything that needs the request is served instead.
"""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.encoding import force_str

logger = logging.getLogger(__name__)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    # A refusal raised with a reason (the services' translated PermissionDenied messages) says why; a bare
    # PermissionDenied (the role check) only says that the page belongs to another role.
    reason = force_str(exception.args[0]) if exception is not None and exception.args else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    try:
        from django_guid import get_guid

        return render(request, "500.html", {"request_id": get_guid()}, status=500)
    except Exception:  # the error page itself must not fail: fall back to the page that needs nothing
        logger.exception("The framed 500 page could not be rendered")
        from django.conf import settings

        html = render_to_string("500_plain.html", {"lms_site_name": settings.WAGTAIL_SITE_NAME})
        return HttpResponseServerError(html)
