"""Business rules of the courses app that other apps rely on.

The quiz engine (attempts, scoring, marking) adds its own functions here.
"""

import random
from functools import partial
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Locale, Page, Site

from lms.signals import answers_graded, course_completed

from .models import (
    AnswerMark,
    Attempt,
    AttemptQuestion,
    CourseCompletion,
    CoursePage,
    LessonRead,
    Question,
    QuizPage,
    RoundGrant,
    TrainingIndexPage,
)
from .selectors import (  # noqa: F401 (reads live in selectors; re-exported for the callers of services)
    CourseProgress,
    assignments_for,
    completed_course_ids,
    course_progress,
    missing_ride_along_prerequisites,
    my_courses,
    progress_for_courses,
)
from .site_rules import current_rules, fill


def ensure_training_index():
    """The training home page (培训中心), created under the site root on first use."""
    index = TrainingIndexPage.objects.first()
    if index:
        return index
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root = site.root_page if site else _ensure_site().root_page
    index = TrainingIndexPage(title=_("Training centre"), slug="training", locale=Locale.get_default())
    root.add_child(instance=index)
    index.save_revision().publish()
    return index


def _ensure_site():
    """The page-tree root, a home page and the default site, as Wagtail's migrations create them.

    Needed only on a database emptied since (a flushed test database, a bare install).
    """
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant

    locale, _created = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    home = root.get_first_child()
    if home is None:
        home = root.add_child(instance=Page(title="Home", slug="home", locale=locale))
    return Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


@transaction.atomic
def mark_lesson_read(user, lesson):
    """Record that ``user`` read ``lesson`` (once), then re-check the course."""
    LessonRead.objects.get_or_create(user=user, lesson=lesson)
    return check_course_completion(user, lesson.get_parent().specific)


def course_requirements_met(user, course):
    """All live lessons read and all live, counted quizzes passed."""
    lesson_ids = set(course.lessons().values_list("pk", flat=True))
    read = set(LessonRead.objects.filter(user=user, lesson_id__in=lesson_ids).values_list("lesson_id", flat=True))
    if lesson_ids - read:
        return False
    return all(quiz.is_passed_by(user) for quiz in course.quizzes().filter(practice=False))


def check_course_completion(user, course):
    """Record the completion once when the requirements are met; send ``course_completed`` after commit."""
    if CourseCompletion.objects.filter(user=user, course=course).exists():
        return True
    if not course_requirements_met(user, course):
        return False
    _, created = CourseCompletion.objects.get_or_create(user=user, course=course)
    if created:
        transaction.on_commit(lambda: course_completed.send(sender=CoursePage, user=user, course=course))
    return True


# --- Quiz engine ----------------------------------------------------------------------------


NO_QUESTIONS = gettext_lazy("This quiz has no questions yet, so it cannot be started.")


class QuizRefused(Exception):
    """A learner may not start (or continue) a quiz; the message says why, in words for the learner."""


class MarkingRefused(Exception):
    pass


def start_refusal(user, quiz, *, completed=None, standing=None, check_questions=True):
    """Why ``user`` may not start a new attempt at ``quiz`` now, or None when they may.

    ``completed`` (course ids) and ``standing`` (``QuizPage.standing``) may be given, already read;
    ``check_questions=False`` leaves out "the quiz has questions" (for a caller that draws them next).
    """
    if not quiz.live:
        return _("This quiz is not published yet.")
    course = quiz.course
    if not course.live:
        return _("This course is not published.")
    if not course.open_to_all and not assignments_for(user).filter(course=course).exists():
        return _("This course is only for the people it is assigned to.")
    missing = course.missing_prerequisites(partial(completed_course_ids, user) if completed is None else completed)
    if missing:
        return _("Complete these courses first: %(courses)s.") % {"courses": "、".join(c.title for c in missing)}
    standing = standing or quiz.standing(user)
    if quiz.certifying and standing.awaiting:
        return _("Your last attempt waits for a training lead to mark its written answers; you can try again "
                 "once it is marked.")
    if standing.exhausted:
        return _("You have used all %(count)d attempts of this round. Study the clauses you got wrong below; "
                 "your training lead can grant you a new round.") % {"count": standing.allowed}
    if check_questions and not quiz.has_questions():
        return str(NO_QUESTIONS)
    return None


def _snapshot(question, order, attempt, *, shuffle_options, rng, rules):
    """The attempt's own copy of ``question``, with the organisation's rule values filled in (``site_rules``)."""
    return AttemptQuestion(attempt=attempt, order=order,
                           **question_snapshot(question, shuffle_options=shuffle_options, rng=rng, rules=rules))


def question_snapshot(question, *, shuffle_options, rng, rules):
    """The fields of a copy of ``question`` as a learner sees it (stem, options in the order shown, explanation…)
    with the organisation's rule values filled in: quiz attempts and the 错题本's drills keep such copies, so later
    edits of the bank never change a past answer. ``question`` comes with its category (and parent) and options."""
    if question.site_rule:
        options = [
            {"id": None, "text": text, "correct": correct, "feedback": ""}
            for text, correct in question.resolved_options(rules)
        ]
    else:
        options = [
            {"id": o.pk, "text": fill(o.text, rules), "correct": o.correct, "feedback": fill(o.feedback, rules)}
            for o in sorted(question.options.all(), key=lambda o: (o.sort_order or 0, o.pk))
        ]
    if shuffle_options and question.type in (Question.Type.SINGLE, Question.Type.MULTIPLE):
        rng.shuffle(options)
    category = question.category
    return dict(
        question=question,
        type=question.type,
        stem=fill(question.stem, rules),
        options=options,
        explanation=fill(question.explanation, rules),
        reference_answer=fill(question.reference_answer, rules),
        marking_points=fill(question.marking_points, rules),
        clause_ids=question.clause_ids,
        category_name=category.name,
        parent_category_name=category.parent.name if category.parent_id else "",
        image=question.image,
        image_alt=question.image_alt,
    )


def open_attempt(user, quiz, attempts=None):
    """The learner's attempt in progress at ``quiz`` (closing it first if its time is up), or None.

    ``attempts`` (the learner's attempts at the quiz, already read) saves the query.
    """
    if attempts is None:
        attempt = quiz.attempts.filter(user=user, state=Attempt.State.IN_PROGRESS).first()
    else:
        attempt = next((a for a in attempts if a.is_open), None)
    if attempt is not None and attempt.is_overdue():
        finish_attempt(attempt)
        return None
    return attempt


def start_attempt(user, quiz, *, rng=None, now=None):
    """Resume the learner's open attempt, or start a new one with its questions snapshotted.

    Refuses (``QuizRefused``) a draft quiz, a quiz whose course prerequisites are not done,
    exhausted attempts and a quiz without questions.
    """
    rng = rng or random.Random()
    now = now or timezone.now()
    attempts = list(quiz.attempts.filter(user=user))
    existing = open_attempt(user, quiz, attempts)
    if existing is not None:
        return existing
    standing = quiz.standing(user, attempts=attempts)
    reason = start_refusal(user, quiz, standing=standing, check_questions=False)
    if reason:
        raise QuizRefused(reason)
    questions = quiz.draw_questions(rng=rng)  # with their options, categories and images
    if not questions:
        raise QuizRefused(str(NO_QUESTIONS))
    # The site rules are read only if a drawn question needs them (a rule question or a [[rule]] token).
    rules = SimpleLazyObject(current_rules)
    try:
        with transaction.atomic():
            # A simultaneous start numbers its attempt the same: the unique constraints send it to the except below.
            number = max((a.number for a in attempts), default=0) + 1
            deadline = now + timezone.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
            attempt = Attempt.objects.create(
                quiz=quiz, user=user, number=number, started_at=now, deadline=deadline, pass_mark=quiz.pass_mark,
                round=standing.round, round_try=standing.used + 1,
            )
            AttemptQuestion.objects.bulk_create(
                [
                    _snapshot(q, i, attempt, shuffle_options=quiz.shuffle_options, rng=rng, rules=rules)
                    for i, q in enumerate(questions)
                ]
            )
    except IntegrityError:
        # A simultaneous start (double click, second tab) created it first: use that one.
        attempt = quiz.attempts.get(user=user, state=Attempt.State.IN_PROGRESS)
    return attempt


@dataclass
class SaveResult:
    accepted: bool
    attempt: Attempt
    reason: str = ""  # "stale", "closed", "locked", "invalid", "missing"
    message: str = ""
    finished: bool = False  # the attempt was handed in by this call


def _lock(attempt_pk, user=None):
    # Only the attempt's row (of=self): locking the joined quiz page too made every hand-in hold the quiz row that
    # every start's foreign-key check needs at commit, while the starts held the progress tally the hand-ins move
    # next: a deadlock on PostgreSQL under a spike (make cluster).
    rows = Attempt.objects.select_for_update(of=("self",)).select_related("quiz")
    if user is not None:  # the owner's own hand-in: someone else's attempt is not found (Attempt.DoesNotExist)
        rows = rows.filter(user=user)
    return rows.get(pk=attempt_pk)


def save_answer(attempt, *, position, seq, selected=None, text="", go_to=None, finish=False, now=None):
    """Save one answer and, when ``finish`` is asked, hand the attempt in: one call, one transaction.

    A submit whose ``seq`` is not the attempt's current one changes nothing (and finishes nothing).
    ``selected`` holds option positions (as shown); ``text`` is an essay answer. ``go_to`` moves the
    learner's place (resume point, clamped to the questions there are) after saving. An attempt past
    its deadline is closed at the deadline instead.
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = _lock(attempt.pk)
        if current.is_overdue(now):
            _finish_locked(current, now=now)
            return SaveResult(False, current, "closed", _("The time is up: your attempt was closed at the deadline."))
        if not current.is_open:
            return SaveResult(False, current, "closed", _("This attempt is already finished."))
        answers = list(current.questions.all())
        answer = next((a for a in answers if a.order == position), None)
        if answer is None:
            return SaveResult(False, current, "missing", _("No such question."))
        try:
            stale = seq is None or int(seq) != current.seq
        except (TypeError, ValueError):  # a damaged sequence number: the page cannot be trusted either
            stale = True
        if stale:
            return SaveResult(False, current, "stale",
                              _("This page was out of date; nothing was changed. Here is your current answer."))
        refused = _store_answer(current, answer, selected=selected, text=text, now=now)
        if refused is not None and refused.reason != "locked":
            return refused
        if refused is None:
            current.seq += 1
        if go_to is not None:
            current.position = min(max(0, int(go_to)), len(answers) - 1)
        current.save(update_fields=["seq", "position"])
        if finish:
            _finish_locked(current, now=now, answers=answers)
        result = refused or SaveResult(True, current)
        result.finished = finish
        return result


def _store_answer(attempt, answer, *, selected, text, now):
    """Write the learner's answer to ``answer`` (of the locked, open ``attempt``); a SaveResult when refused."""
    if answer.is_answered and attempt.quiz.immediate_feedback:
        return SaveResult(False, attempt, "locked", _("The answer to this question was already checked."))
    if answer.is_essay:
        if "\x00" in (text or ""):  # PostgreSQL cannot store it; refuse rather than fail
            return SaveResult(False, attempt, "invalid",
                              _("The answer contains a NUL character, which cannot be saved. Remove it and "
                                "try again."))
        answer.text_answer = (text or "").strip()
        answer.selected = []
        has_answer = bool(answer.text_answer)
    else:
        positions, error = answer.clean_selection(selected)
        if error:
            return SaveResult(False, attempt, "invalid", error)
        answer.selected = positions
        has_answer = bool(positions)
    answer.answered_at = now if has_answer else None
    answer.save(update_fields=["selected", "text_answer", "answered_at"])
    return None


def move_to(attempt, position):
    """Remember where the learner is, so a reload resumes there (no answer changes)."""
    Attempt.objects.filter(pk=attempt.pk, state=Attempt.State.IN_PROGRESS).update(position=max(0, int(position)))


def _rescore(attempt, answers=None):
    answers = list(attempt.questions.all()) if answers is None else answers
    total = len(answers)
    right = sum(1 for a in answers if a.correct is True)
    pending = any(a.needs_marking for a in answers)
    score = Decimal(100) * right / total if total else Decimal(0)
    attempt.score = min(Decimal(100), score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    attempt.passed = not pending and attempt.score >= attempt.pass_mark
    return pending


def _after_result(attempt):
    if attempt.passed and not attempt.quiz.practice:
        check_course_completion(attempt.user, attempt.quiz.get_parent().specific)


def _finish_locked(attempt, *, now=None, answers=None):
    now = now or timezone.now()
    answers = list(attempt.questions.all()) if answers is None else answers
    for answer in answers:
        if not answer.is_essay:
            answer.correct = answer.grade()
        elif not answer.text_answer:
            answer.correct = False  # nothing written: nothing to mark
    AttemptQuestion.objects.bulk_update(answers, ["correct"])
    pending = _rescore(attempt, answers)
    attempt.finished_at = min(now, attempt.deadline) if attempt.deadline else now
    attempt.state = Attempt.State.AWAITING_MARKING if pending else Attempt.State.FINISHED
    attempt.save(update_fields=["finished_at", "state", "score", "passed"])
    answers_graded.send(sender=Attempt, user_id=attempt.user_id,
                        answers=[a for a in answers if a.correct is not None])
    _after_result(attempt)


def finish_attempt(attempt, *, now=None, user=None):
    """Finish and score the attempt. Idempotent: a second (or simultaneous) finish changes nothing.

    Returns ``(attempt, finished_now)``. The row lock (PostgreSQL) or the IMMEDIATE
    transaction (SQLite) makes simultaneous finishes queue; the second sees it finished.
    With ``user``, only that person's own attempt is finished: anyone else's raises ``Attempt.DoesNotExist``
    (the hand-in request reads the attempt once, under its lock, instead of once to check and once to lock).
    """
    with transaction.atomic():
        current = _lock(attempt.pk, user=user)
        if not current.is_open:
            return current, False
        _finish_locked(current, now=now)
        return current, True


def close_overdue_attempts(now=None):
    """Finish every open attempt whose deadline has passed; the finish time is the deadline."""
    now = now or timezone.now()
    closed = 0
    for pk in Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lte=now).values_list("pk", flat=True):
        attempt, done = finish_attempt(Attempt(pk=pk), now=now)
        closed += done
    return closed


def mark_answer(answer, *, correct, by, comment=""):
    """A marker sets an answer right or wrong (essays; any answer may be switched). Records who and when.

    Re-computes the score and the pass; the attempt becomes "marked" when nothing waits any more.
    """
    with transaction.atomic():
        attempt = _lock(answer.attempt_id)
        if attempt.is_open:
            raise MarkingRefused(_("The attempt is still in progress."))
        answer = AttemptQuestion.objects.select_for_update().get(pk=answer.pk)
        now = timezone.now()
        answer.correct = bool(correct)
        answer.marked_by = by
        answer.marked_at = now
        answer.save(update_fields=["correct", "marked_by", "marked_at"])
        AnswerMark.objects.create(answer=answer, correct=bool(correct), marked_by=by, marked_at=now, comment=comment)
        pending = _rescore(attempt)
        if not pending:
            attempt.state = Attempt.State.MARKED
        attempt.marked_by = by
        attempt.marked_at = now
        attempt.save(update_fields=["state", "score", "passed", "marked_by", "marked_at"])
        answers_graded.send(sender=Attempt, user_id=attempt.user_id, answers=[answer])
        _after_result(attempt)
        return attempt


def may_grant_round(user, learner):
    """Whether ``user`` is the training lead of ``learner`` (the one who grants a new round of attempts)."""
    from mentorship.access import is_training_lead_for

    return user.is_authenticated and user.pk != learner.pk and is_training_lead_for(user, learner)


def grant_new_round(*, quiz, learner, by, reason, now=None):
    """``learner``'s training lead opens a new round of attempts at the certifying ``quiz``: who, when, why.

    Only once the round is used up (every attempt made, the last one failed and marked); refused
    (``PermissionDenied``) to anyone but the learner's training lead, and (``ValidationError``) without a
    reason, for a practice quiz, or while the learner still has attempts, waits for marking or has passed.
    """
    if not may_grant_round(by, learner):
        raise PermissionDenied(_("Only the learner's training lead may grant a new round."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the learner gets a new round."))
    if not quiz.certifying:
        raise ValidationError(_("A practice quiz has no rounds: its attempts are unlimited."))
    with transaction.atomic():
        last = quiz.attempts.select_for_update().filter(user=learner).order_by("-number").first()
        standing = quiz.standing(learner)
        if not standing.exhausted:
            raise ValidationError(_("A new round is granted only when every attempt of the round has been used "
                                    "without passing."))
        try:
            with transaction.atomic():
                return RoundGrant.objects.create(quiz=quiz, learner=learner, number=last.round + 1, granted_by=by,
                                                 granted_at=now or timezone.now(), reason=reason)
        except IntegrityError:  # granted at the same moment by someone else
            raise ValidationError(_("A new round has already been granted.")) from None


@dataclass
class StudyItem:
    """A clause the learner got wrong, with the lesson that teaches it."""

    clause_id: str
    title: str
    wrong: int
    lesson: object = None  # LessonPage, or None when no live lesson teaches the clause

    @property
    def url(self):
        return f"{self.lesson.url}#clause-{self.clause_id}" if self.lesson else ""


# The fields of a page read to link to it (``Page.url``) and to tell which course it belongs to.
LINKED_PAGE_FIELDS = ("id", "path", "depth", "url_path", "title", "locale_id", "live", "content_type_id")


def _clause_lessons(courses):
    """``{clause id: (lesson, clause title, rule text)}`` from the live lessons of ``courses`` (a queryset of course
    pages, read as a subquery of their paths: one query)."""
    from .models import LessonPage

    parent_path = Substr("path", 1, Length("path") - Page.steplen)
    lessons = (LessonPage.objects.live().alias(parent_path=parent_path)
               .filter(parent_path__in=courses.order_by().values("path")).order_by("path"))
    taught = {}
    # Only what is read here and what the lesson's URL needs: a lesson page has many more fields to load.
    for lesson in lessons.only(*LINKED_PAGE_FIELDS, "body"):
        # The stored blocks as they are (the clause's fields are plain text): turning every block of every lesson
        # into its Python value (rich text, lists, images) cost more than the rest of the pages that ask.
        for block in lesson.body.raw_data:
            if block["type"] == "clause":
                value = block["value"]
                taught.setdefault(value["clause_id"], (lesson, value["title"], value["rule"]))
    return taught


def lessons_teaching(clause_ids):
    """``{clause id: (lesson, clause title, rule text)}`` for ``clause_ids``, from the live lessons of the courses
    whose codes the ids name (``WIN-05`` → course WIN): one query whatever the number of clauses."""
    codes = {cid.split("-")[0] for cid in clause_ids}
    if not codes:
        return {}
    taught = _clause_lessons(CoursePage.objects.live().filter(code__in=codes))
    return {cid: taught[cid] for cid in clause_ids if cid in taught}


def clauses_to_study(course, answers):
    """The clauses ``answers`` (AttemptQuestion rows) got wrong, most often wrong first, each linked to the
    lesson that teaches it: the quiz's own course first, then the course whose code the clause id names."""
    wrong = Counter(cid for a in answers if a.correct is False for cid in a.clause_id_list())
    if not wrong:
        return []
    taught = _clause_lessons(CoursePage.objects.filter(pk=course.pk))
    others = {cid.split("-")[0] for cid in wrong if cid not in taught} - {course.code}
    if others:
        taught.update(_clause_lessons(CoursePage.objects.live().filter(code__in=others)))
    return [
        StudyItem(cid, taught[cid][1] if cid in taught else "", n, taught[cid][0] if cid in taught else None)
        for cid, n in sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def marking_queue(viewer):
    """Essay answers waiting for a marker, among learners ``viewer`` may see (lms.access scope)."""
    from lms.access import profile_scope
    from lms.models import StaffProfile

    users = StaffProfile.objects.filter(profile_scope(viewer)).values("user")
    return (
        AttemptQuestion.objects.filter(
            type=Question.Type.ESSAY, correct__isnull=True, attempt__state=Attempt.State.AWAITING_MARKING,
            attempt__user__in=users,
        )
        .select_related("attempt__quiz", "attempt__user__profile")
        .order_by("attempt__finished_at", "order")
    )


def essays_to_mark_for(viewer):
    """The written answers waiting for ``viewer`` to mark: in their scope, not their own (the home and the
    cockpit count this)."""
    return marking_queue(viewer).exclude(attempt__user=viewer)


def sees_others_results(viewer):
    """Only people with a role beyond trainee (leads, mentors, supervisors…) see others' results (attempts,
    scores, course progress), within their scope: a trainee's scope includes their mentor, whose results are
    not theirs to see."""
    from lms.access import roles_of
    from lms.roles import Role

    return viewer.is_superuser or bool(roles_of(viewer) - {Role.TRAINEE})


def attempts_visible_to(viewer):
    """Attempts ``viewer`` may see: their own, and everyone's in their scope (lms.access) for people who
    see others' results (``sees_others_results``)."""
    from lms.access import profile_scope
    from lms.models import StaffProfile

    attempts = Attempt.objects.select_related("quiz", "user__profile")
    if not sees_others_results(viewer):
        return attempts.filter(user=viewer)
    users = StaffProfile.objects.filter(profile_scope(viewer)).values("user")
    return attempts.filter(Q(user=viewer) | Q(user__in=users))


def category_scores(answers):
    """Correct of possible per category, and per parent category over its sub-categories.

    ``answers`` are AttemptQuestion rows. Returns a list of dicts ``{name, parent, correct,
    possible, percent}``: sub-categories appear as ``parent / child`` rows and the parent
    row sums them.
    """
    rows = {}
    for a in answers:
        keys = [(a.parent_category_name, a.category_name)] if a.parent_category_name else [("", a.category_name)]
        if a.parent_category_name:
            keys.append(("", a.parent_category_name))
        for key in keys:
            row = rows.setdefault(key, {"parent": key[0], "name": key[1], "correct": 0, "possible": 0})
            row["possible"] += 1
            row["correct"] += 1 if a.correct else 0
    result = sorted(rows.values(), key=lambda r: (r["parent"] or r["name"], r["parent"] != "", r["name"]))
    for row in result:
        row["percent"] = round(100 * row["correct"] / row["possible"]) if row["possible"] else 0
    return result


def category_progress(user):
    """Correct of possible per category over all of ``user``'s finished attempts (one query)."""
    rows = (
        AttemptQuestion.objects.filter(attempt__user=user)
        .exclude(attempt__state=Attempt.State.IN_PROGRESS)
        .values("category_name")
        .annotate(possible=Count("pk"), correct=Count("pk", filter=Q(correct=True)))
        .order_by("category_name")
    )
    return {r["category_name"]: (r["correct"], r["possible"]) for r in rows}


def wrong_answers(attempt):
    """The questions this attempt got wrong (django-quiz-app recorded them per attempt)."""
    return [a for a in attempt.questions.all() if a.correct is False]
