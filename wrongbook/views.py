"""The 错题本 pages: the learner's book and drills. Rules live in services/models."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cockpit.services import filtered_cohort
from courses.services import lessons_teaching
from lms.access import require_role
from lms.roles import Role

from .access import get_learner_or_denied, get_own_drill_item_or_404
from .models import DAYS_TO_LEAVE, SPACING_DAYS
from .services import (
    answer_drill_item,
    book_for,
    heat_map_page,
    open_drill,
    practice_history,
    start_drill,
    with_results,
)

PAGE_SIZE = 25


@login_required
def book(request):
    """The learner's weak clauses, each with the lesson paragraph that teaches it, and the drill of those due."""
    today = timezone.localdate()
    weak, left = book_for(request.user, today=today)
    return render(request, "wrongbook/book.html", {
        "weak": weak, "left": left, "today": today, "due": sum(1 for w in weak if w.entry.is_due(today)),
        "drill": open_drill(request.user), "spacing": SPACING_DAYS, "days_to_leave": DAYS_TO_LEAVE,
    })


@login_required
@require_POST
def drill_start(request):
    try:
        drill = start_drill(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("wrongbook:book")
    first_open = drill.items.filter(answered_at__isnull=True).order_by("order").first()
    return redirect("wrongbook:drill_item", drill.pk, (first_open.order if first_open else 0) + 1)


@login_required
def drill_item(request, pk, number):
    """One drill question; POST checks the answer once (a resent form changes nothing), then shows why."""
    item = get_own_drill_item_or_404(request.user, pk, number)
    status = 200
    if request.method == "POST":
        try:
            answer_drill_item(item=item, user=request.user, selected=request.POST.getlist("option"))
            return redirect("wrongbook:drill_item", pk, number)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            status = 400
    items = list(item.drill.items.all())
    reveal = item.is_answered and item.may_reveal
    lesson = None
    if item.is_answered:
        lesson, title, _rule = lessons_teaching({item.clause_id}).get(item.clause_id, (None, "", ""))
    following = next((i for i in items if not i.is_answered and i.order != item.order), None)
    return render(request, "wrongbook/drill_item.html", {
        "drill": item.drill, "item": item, "number": number, "total": len(items), "reveal": reveal,
        "answered": item.is_answered,
        "rows": item.review_rows() if reveal else item.option_rows(), "lesson": lesson,
        "next_number": following.order + 1 if following else None,
        "done": all(i.is_answered for i in items), "right": sum(1 for i in items if i.correct),
    }, status=status)


@login_required
def history(request, pk=None):
    """A learner's drills, latest first, paginated: their own (no ``pk``), or a trainee's for their mentor or lead
    (``pk``: the staff profile; 404 outside the viewer's scope, 403 for a viewer who does not see others' results)."""
    learner = request.user if pk is None else get_learner_or_denied(request.user, pk)
    page = Paginator(practice_history(learner), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "wrongbook/history.html", {
        "learner": learner, "own": learner.pk == request.user.pk, "page": page, "drills": with_results(page)})


@login_required
def cohort_heat_map(request):
    """The lead's clause × trainee heat map of a cohort (the cockpit's filters): which clauses the cohort keeps
    getting wrong, to fix lessons or coaching. 403 without the lead's role; the cohort is the lead's scope."""
    require_role(request.user, Role.TRAINING_LEAD)
    filterset = filtered_cohort(request, with_mentor=False)
    page, heat = heat_map_page(filterset, viewer=request.user, number=request.GET.get("page"), per_page=PAGE_SIZE)
    return render(request, "wrongbook/heat_map.html", {"filter": filterset, "page": page, "heat": heat})
