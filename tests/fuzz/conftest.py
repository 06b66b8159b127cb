"""Shared helpers for the property-based tests: each example runs in a savepoint rolled back afterwards."""

import contextlib
import os
import re

from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.db import transaction
from django.utils.html import escape
from hypothesis import HealthCheck, settings

# FUZZ_EXAMPLES=500 for a longer hunt. Function-scoped fixtures (the cast) are shared by the examples of one test; every example
# rolls its writes back (``rolled_back``), so they cannot leak into the next one.
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow],
)
FUZZ = settings.get_profile("fuzz")


@contextlib.contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- what a refusal must look like: a message in Chinese, shown to the user -------------------------------

CHINESE = re.compile(r"[\u3400-\u9fff]")


def assert_chinese(message):
    assert CHINESE.search(str(message)), f"not a Chinese message: {message!r}"


def form_errors(form):
    """Every error of ``form`` (and of its formsets, for the Wagtail admin forms)."""
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    for formset in getattr(form, "formsets", {}).values():
        errors += [str(e) for e in formset.non_form_errors()]
        errors += [str(e) for f in formset.forms for field_errors in f.errors.values() for e in field_errors]
    return errors


def assert_form_came_back(response, name="form"):
    """The page came back (200) with the form and its errors, each in Chinese and shown on the page."""
    assert response.status_code == 200, response.status_code
    errors = form_errors(response.context[name])
    assert errors, "the form came back without an error"
    page = response.content.decode()
    for error in errors:
        assert_chinese(error)
        assert escape(error) in page, error
    return errors


def post(client, url, data, **extra):
    """POST without the flash messages of earlier examples, so ``flashed`` shows this request's only."""
    client.cookies.pop(getattr(django_settings, "MESSAGE_COOKIE_NAME", "messages"), None)
    return client.post(url, data, **extra)


def flashed(response):
    """(level, text) of the messages this request added."""
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def assert_redirect_with_message(response):
    """A one-button POST: a redirect and exactly one message in Chinese; True when it is a success."""
    assert response.status_code == 302, response.status_code
    messages = flashed(response)
    assert len(messages) == 1, messages
    level, text = messages[0]
    assert_chinese(text)
    assert level in ("success", "error"), messages
    return level == "success"
