"""Home-page panel of the 错题本 (see lms.home): the trainee's weak clauses and what is due today (counted with the
page's other numbers)."""

from django.utils import timezone

from lms.counting import Read
from lms.home import Panel
from lms.roles import Role

from .models import BookEntry


def _weak(*, user_id):
    return BookEntry.objects.filter(user_id=user_id, in_book=True)


def _due(*, user_id, today):
    return _weak(user_id=user_id).filter(due_on__lte=today)


def panels(request, profile):
    if not profile.has_role(Role.TRAINEE):
        return []
    user_id = request.user.pk
    return [Panel(Role.TRAINEE, "wrongbook/panels/book.html", order=15, then=_badge, counts={
        "weak": Read(_weak, user_id=user_id), "due": Read(_due, user_id=user_id, today=timezone.localdate())})]


def _badge(panel):
    panel.count = panel.context["due"] or None
    return panel
