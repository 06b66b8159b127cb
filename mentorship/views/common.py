"""What every 传帮带 screen shares: paging, the form page, and turning a service's refusal into a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from ..access import get_ride_along_or_404

PAGE_SIZE = 20


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def error_text(exc):
    return " ".join(exc.messages)


def form_page(request, form, title, *, submit_label=None, intro=None, back=None, status=200):
    return render(request, "mentorship/form_page.html",
                  {"form": form, "title": title, "submit_label": submit_label, "intro": intro, "back": back},
                  status=status)


def apply_service(request, form, action, success_message):
    """Run a service with a valid form; a refusal becomes a form error (nothing half-saved)."""
    try:
        result = action()
    except ValidationError as exc:
        form.add_error(None, error_text(exc))
        return None
    messages.success(request, success_message)
    return result if result is not None else True


def post_action(request, action, success_message):
    """A one-button POST: success or a clear refusal message; PermissionDenied stays a 403."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, success_message)


def step_refused(request, record, action):
    """A page for one workflow step (``mentorship.workflow``): the wrong person gets 403; the right person at
    the wrong time or state gets the reason as a message and True (the caller sends them back)."""
    refusal = record.refusal(action, record.parties_for(request.user))
    if isinstance(refusal, PermissionDenied):
        raise refusal
    if refusal is not None:
        messages.error(request, error_text(refusal))
        return True
    return False


def trip_step_page(request, pk, action, form_class, write, success_message, title, **page):
    """The page of one step of a ride-along's workflow: 404 outside the scope, 403 for the wrong person, the
    reason and back to the trip at the wrong time; else the form, and on a valid POST ``write(ride_along,
    form)`` (a service call) with a refusal shown on the form. ``page``: ``form_page`` options (``intro`` may
    be a function of the trip), ``form_kwargs``: a function of the trip giving the form's extra arguments."""
    ride_along = get_ride_along_or_404(request.user, pk)
    if step_refused(request, ride_along, action):
        return redirect("mentorship:ride_along", pk)
    form_kwargs = page.pop("form_kwargs", None)
    form = form_class(request.POST or None, **(form_kwargs(ride_along) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        if apply_service(request, form, lambda: write(ride_along, form), success_message):
            return redirect("mentorship:ride_along", pk)
    if callable(page.get("intro")):
        page["intro"] = page["intro"](ride_along)
    return form_page(request, form, title, back=ride_along, **page)


def post_form(request, form, action, success_message, invalid_message):
    """A small POST form on a detail page: a valid form runs ``action(cleaned_data)`` (``post_action``), an
    invalid one says ``invalid_message``; the caller redirects back to the page either way."""
    if form.is_valid():
        post_action(request, lambda: action(form.cleaned_data), success_message)
    else:
        messages.error(request, invalid_message)
