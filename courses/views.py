"""Quiz-taking, results, attempt lists and the marking queue. Rules live in services/models."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.access import require_role
from lms.roles import Role

from .access import (
    can_mark,
    get_markable_answer_or_404,
    get_own_attempt_or_404,
    get_visible_attempt_or_404,
    page_privacy_refusal,
)
from .forms import MarkForm, RoundGrantForm
from .models import Attempt, QuizPage
from .services import (
    MarkingRefused,
    QuizRefused,
    attempts_visible_to,
    category_scores,
    clauses_to_study,
    finish_attempt,
    grant_new_round,
    mark_answer,
    marking_queue,
    may_grant_round,
    move_to,
    save_answer,
    start_attempt,
    start_refusal,
)

PAGE_SIZE = 25


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def quiz_start(request, quiz_id):
    try:
        quiz = QuizPage.objects.get(pk=quiz_id)
    except QuizPage.DoesNotExist:
        raise Http404 from None
    try:
        refusal = page_privacy_refusal(request, quiz)
        if refusal:
            raise QuizRefused(refusal)
        attempt = start_attempt(request.user, quiz)
    except QuizRefused as exc:
        messages.error(request, str(exc))
        target = quiz if quiz.live else quiz.get_parent()
        return redirect(target.url or "home")
    return redirect("courses:question", attempt.pk, attempt.position + 1)


def _closed_redirect(request, attempt):
    return redirect("courses:result", attempt.pk)


def _submit(request, attempt, number):
    """Save the answer to question ``number`` and, for 交卷, hand the attempt in: one service call."""
    action = request.POST.get("action", "next")
    target = {"prev": number - 1, "next": number + 1}.get(action, number)
    goto = request.POST.get("goto", "")
    if goto.isascii() and goto.isdigit():  # not "²", which isdigit() accepts and int() refuses
        target = int(goto)
    result = save_answer(
        attempt,
        position=number - 1,
        seq=request.POST.get("seq"),
        selected=request.POST.getlist("option"),
        text=request.POST.get("text", ""),
        go_to=target - 1,
        finish=action == "finish",
    )
    if result.reason == "missing":
        raise Http404
    if _wants_json(request):
        return JsonResponse({"accepted": result.accepted, "seq": result.attempt.seq, "reason": result.reason,
                             "message": result.message})
    if result.reason == "closed":
        if result.message:
            messages.warning(request, result.message)
        return _closed_redirect(request, attempt)
    if result.reason in ("stale", "invalid"):
        (messages.warning if result.reason == "stale" else messages.error)(request, result.message)
        return redirect("courses:question", attempt.pk, number)
    if result.finished:
        return _closed_redirect(request, attempt)
    return redirect("courses:question", attempt.pk, result.attempt.position + 1)


@login_required
def attempt_question(request, pk, number):
    """One question of an attempt in progress; POST saves it (autosave or navigation) and may hand it in."""
    attempt = get_own_attempt_or_404(request.user, pk)
    if request.method == "POST":
        return _submit(request, attempt, number)
    if attempt.is_overdue():
        finish_attempt(attempt)
        messages.warning(request, _("The time is up: your attempt was closed at the deadline."))
        return _closed_redirect(request, attempt)
    if not attempt.is_open:
        return _closed_redirect(request, attempt)
    answers = list(attempt.questions.all())
    if not 1 <= number <= len(answers):
        raise Http404
    answer = answers[number - 1]
    if attempt.position != answer.order:
        move_to(attempt, answer.order)
    reveal = attempt.may_show_answers(answer)
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "answer": answer,
        "number": number,
        "total": len(answers),
        "answers": answers,
        "answered_count": sum(1 for a in answers if a.is_answered),
        "reveal": reveal,
        "rows": answer.review_rows() if reveal else answer.option_rows(),
        "autosave": not attempt.quiz.immediate_feedback,
        "seconds_left": attempt.seconds_left(),
    }
    return render(request, "courses/attempt_question.html", context)


@login_required
@require_POST
def attempt_finish(request, pk):
    try:
        attempt, _finished = finish_attempt(Attempt(pk=pk), user=request.user)
    except Attempt.DoesNotExist:  # not yours, or no such attempt: the same 404 as every other attempt view
        raise Http404 from None
    return _closed_redirect(request, attempt)


@login_required
def attempt_result(request, pk):
    """The result and review of a finished attempt, within the quiz's review settings."""
    attempt = get_visible_attempt_or_404(request.user, pk)
    if attempt.is_open:
        if attempt.user_id == request.user.pk:
            return redirect("courses:question", attempt.pk, attempt.position + 1)
        raise Http404
    return _render_result(request, attempt)


def _render_result(request, attempt, grant_form=None, status=200):
    own = attempt.user_id == request.user.pk
    quiz = attempt.quiz
    answers = list(attempt.questions.all())
    marker = can_mark(request.user) and not own
    # Training leads see everything to mark; anyone else (the learner, a mentor) within the quiz's settings.
    reveal = attempt.may_show_answers() or marker
    standing = quiz.standing(attempt.user, rounds=quiz.round_grants.filter(learner=attempt.user)
                             .select_related("granted_by__profile"))
    latest = standing.last is not None and standing.last.pk == attempt.pk
    round_over = latest and standing.exhausted
    course = quiz.course
    may_grant = round_over and not own and may_grant_round(request.user, attempt.user)
    context = {
        "attempt": attempt,
        "quiz": quiz,
        "own": own,
        "reveal": reveal,
        "items": [{"answer": a, "rows": a.review_rows() if reveal else a.option_rows()} for a in answers],
        "categories": category_scores(answers) if reveal or not quiz.certifying else [],
        "objective": [a for a in answers if not a.is_essay],
        "objective_right": sum(1 for a in answers if not a.is_essay and a.correct),
        "pending": attempt.awaiting_marking,
        "result_text": quiz.result_text(attempt.passed) if attempt.state in Attempt.DECIDED else "",
        "can_mark": marker,
        "standing": standing,
        "round_over": round_over,
        "study": clauses_to_study(course, standing.round_answers() if round_over else answers),
        "retry": own and latest and not (attempt.passed and quiz.certifying)
        and start_refusal(request.user, quiz, standing=standing) is None,
        # A refused grant shows its form with the reason, whatever the round's state.
        "grant_form": grant_form if grant_form is not None else (RoundGrantForm() if may_grant else None),
    }
    return render(request, "courses/attempt_result.html", context, status=status)


@login_required
@require_POST
def grant_round(request, pk):
    """The learner's training lead grants a new round of attempts (the attempt names the quiz and the learner).

    lms.access policy: 403 without the training lead's role, 404 for an attempt outside the lead's scope, 403 for
    a lead who is not this learner's (``may_grant_round``)."""
    require_role(request.user, Role.TRAINING_LEAD)
    attempt = get_visible_attempt_or_404(request.user, pk)
    if attempt.is_open:
        raise Http404
    if not may_grant_round(request.user, attempt.user):
        raise PermissionDenied
    form = RoundGrantForm(request.POST)
    if form.is_valid():
        try:
            grant = grant_new_round(quiz=attempt.quiz, learner=attempt.user, by=request.user,
                                    reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Round %(number)d granted: the learner may take the quiz again.")
                             % {"number": grant.number})
            return redirect("courses:result", attempt.pk)
    return _render_result(request, attempt, grant_form=form, status=400)


@login_required
def attempt_list(request):
    """The user's own attempts; a training lead also sees everyone's in their scope."""
    attempts = attempts_visible_to(request.user).exclude(user__isnull=True).order_by("-started_at", "-pk")
    mine_only = request.GET.get("mine") == "1"
    if mine_only:
        attempts = attempts.filter(user=request.user)
    quiz_id = request.GET.get("quiz", "")
    if quiz_id.isdigit():
        attempts = attempts.filter(quiz_id=int(quiz_id))
    state = request.GET.get("state", "")
    if state in Attempt.State.values:
        attempts = attempts.filter(state=state)
    page = Paginator(attempts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "courses/attempt_list.html", {
        "page": page, "mine_only": mine_only, "quizzes": QuizPage.objects.live().order_by("path"),
        "quiz_id": quiz_id, "state": state, "states": Attempt.State.choices,
    })


@login_required
def marking(request):
    require_role(request.user, Role.TRAINING_LEAD)
    queue = marking_queue(request.user).exclude(attempt__user=request.user)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "courses/marking_queue.html", {"page": page})


@login_required
def mark(request, pk):
    answer = get_markable_answer_or_404(request.user, pk)
    form = MarkForm(request.POST or None, initial={"correct": None})
    if request.method == "POST" and form.is_valid():
        try:
            mark_answer(answer, correct=form.cleaned_data["correct"], by=request.user,
                        comment=form.cleaned_data["comment"])
        except MarkingRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Mark saved."))
            return redirect(reverse("courses:marking"))
    marks = answer.marks.select_related("marked_by__profile")
    return render(request, "courses/mark_answer.html", {"answer": answer, "form": form, "marks": marks})
