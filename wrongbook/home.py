"""Home-page panel of the 错题本 (see lms.home): the trainee's weak clauses and what is due today (counted with the
page's other numbers)."""

from django.utils import timezone

from lms.home import Panel
from lms.roles import Role

from .models import BookEntry


def panels(request, profile):
    if not profile.has_role(Role.TRAINEE):
        return []
    weak = BookEntry.objects.filter(user=request.user, in_book=True)
    return [Panel(Role.TRAINEE, "wrongbook/panels/book.html", order=15,
                  counts={"weak": weak, "due": weak.filter(due_on__lte=timezone.localdate())}, then=_badge)]


def _badge(panel):
    panel.count = panel.context["due"] or None
    return panel
