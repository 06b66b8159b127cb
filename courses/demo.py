"""Demo data of the courses app, called by `manage.py load_demo` (idempotent).

Assigns the live courses (loaded by `manage.py load_standards`) to the demo trainees with
due dates, and gives them some progress: the main demo trainee goes on ride-alongs in the
mentorship demo, so they have finished every course required before a ride-along (the M6
theory gate; the first course when none is marked): lessons read, quiz passed, its written
answers marked by the trainee's training lead; and started the next course; another has read
one lesson. Without courses (standards not loaded) it does nothing.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from lms.demo import at, days_ago

from .models import Attempt, CourseAssignment, CoursePage, LessonRead, Question
from .services import (
    QuizRefused,
    completed_course_ids,
    finish_attempt,
    mark_answer,
    mark_lesson_read,
    save_answer,
    start_attempt,
)

TRAINEES = ["demo-trainee", "zhang.yuxuan", "liu.zihan"]
THEORY_DAYS_AGO = 70  # demo-trainee completes the first theory course then, the others every other day
REASON = "新员工入职培训"


def hand_in(user, quiz, *, wrong=0, seed=7):
    """An attempt at ``quiz`` handed in the way a learner does it, on the clock's time: the first ``wrong`` objective
    answers wrong, the others right, a written answer with its reference answer. None when the quiz refuses."""
    try:
        attempt = start_attempt(user, quiz, rng=random.Random(seed))
    except QuizRefused:
        return None
    missed = 0
    for answer in attempt.questions.all():
        attempt.refresh_from_db()
        if answer.is_essay:
            save_answer(attempt, position=answer.order, seq=attempt.seq, text=answer.reference_answer or "示范回答")
            continue
        chosen = [i for i, o in enumerate(answer.options) if o["correct"]]
        if missed < wrong:
            chosen, missed = [i for i, o in enumerate(answer.options) if not o["correct"]][:1], missed + 1
        save_answer(attempt, position=answer.order, seq=attempt.seq, selected=chosen)
    attempt, _ = finish_attempt(attempt)
    return attempt


def mark_written_answers(attempt, *, correct=True):
    """The learner's training lead marks the written answers of ``attempt`` still waiting (right by default)."""
    from mentorship.access import training_leads_of

    lead = training_leads_of(attempt.user).first()
    for answer in attempt.questions.filter(type=Question.Type.ESSAY, correct__isnull=True) if lead else []:
        attempt = mark_answer(answer, correct=correct, by=lead, comment="示范评阅")
    return attempt


def _pass_quiz(user, quiz):
    """Answer every question right; a written answer gets its reference answer, marked right by the
    learner's training lead."""
    if Attempt.objects.filter(user=user, quiz=quiz).exists():
        return
    attempt = hand_in(user, quiz)
    if attempt is not None and attempt.awaiting_marking:
        mark_written_answers(attempt)


def complete_course(user, course):
    """``user`` completes ``course`` the way a learner does: every lesson read, every quiz passed (idempotent)."""
    for lesson in course.lessons():
        mark_lesson_read(user, lesson)
    for quiz in course.quizzes():
        _pass_quiz(user, quiz)


@transaction.atomic
def load(stdout=None):
    courses = list(CoursePage.objects.live().order_by("path"))
    users = {u.username: u for u in get_user_model().objects.filter(username__in=TRAINEES).select_related("profile")}
    if not courses or not users:
        if stdout:
            stdout.write("courses: no courses or demo trainees yet, nothing assigned")
        return
    for username, user in users.items():
        start = getattr(getattr(user, "profile", None), "hire_date", None) or datetime.date(2026, 9, 1)
        for i, course in enumerate(courses):
            CourseAssignment.objects.get_or_create(
                course=course, user=user,
                defaults={"due_date": start + datetime.timedelta(days=14 * (i + 1)), "reason": REASON},
            )
    trainee = users.get("demo-trainee")
    if trainee:
        theory = [c for c in courses if c.required_before_ride_along] or courses[:1]
        for n, course in enumerate(theory):
            if set(course.prerequisites.values_list("pk", flat=True)) <= completed_course_ids(trainee):
                # Done weeks before the mentorship demo's first trip (requested 50 days ago): theory first (M6).
                with at(days_ago(THEORY_DAYS_AGO - 2 * n)):
                    complete_course(trainee, course)
        following = [c for c in courses if c not in theory][:1]
        for course in following:
            for lesson in course.lessons()[:1]:
                LessonRead.objects.get_or_create(user=trainee, lesson=lesson)
    other = users.get("zhang.yuxuan")
    if other:
        for lesson in courses[0].lessons()[:1]:
            LessonRead.objects.get_or_create(user=other, lesson=lesson)
    if stdout:
        stdout.write(f"courses: {len(courses)} courses assigned to {len(users)} demo trainees")
