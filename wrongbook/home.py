"""Home-page panel of the 错题本 (see lms.home): the trainee's weak clauses and what is due today."""

from django.db.models import Count, Q
from django.utils import timezone

from lms.home import Panel
from lms.roles import Role

from .models import BookEntry


def panels(request, profile):
    if not profile.has_role(Role.TRAINEE):
        return []
    figures = BookEntry.objects.filter(user=request.user, in_book=True).aggregate(
        weak=Count("pk"), due=Count("pk", filter=Q(due_on__lte=timezone.localdate())))
    return [Panel(Role.TRAINEE, "wrongbook/panels/book.html", figures, order=15, count=figures["due"] or None)]
