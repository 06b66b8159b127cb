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
REASON = "新员工入职培训"


def _pass_quiz(user, quiz):
    """Answer every question right; a written answer gets its reference answer, marked right by the
    learner's training lead."""
    if Attempt.objects.filter(user=user, quiz=quiz).exists():
        return
    try:
        attempt = start_attempt(user, quiz, rng=random.Random(7))
    except QuizRefused:
        return
    for answer in attempt.questions.all():
        attempt.refresh_from_db()
        if answer.is_essay:
            save_answer(attempt, position=answer.order, seq=attempt.seq, text=answer.reference_answer or "示范回答")
        else:
            right = [i for i, o in enumerate(answer.options) if o["correct"]]
            save_answer(attempt, position=answer.order, seq=attempt.seq, selected=right)
    attempt, _ = finish_attempt(attempt)
    if attempt.awaiting_marking:  # the written answers: marked right by the learner's training lead
        from mentorship.access import training_leads_of

        lead = training_leads_of(user).first()
        for answer in attempt.questions.filter(type=Question.Type.ESSAY, correct__isnull=True) if lead else []:
            mark_answer(answer, correct=True, by=lead, comment="示范评阅")


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
        for course in theory:
            if set(course.prerequisites.values_list("pk", flat=True)) <= completed_course_ids(trainee):
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
