"""Lessons read → course completion, and the ride-along prerequisites other apps rely on."""

import pytest
from django.db import transaction

from courses.models import CourseCompletion, CoursePage, LessonPage
from courses.services import (
    check_course_completion,
    completed_course_ids,
    ensure_training_index,
    mark_lesson_read,
    missing_ride_along_prerequisites,
)
from lms.signals import course_completed


def _course(code, *, lessons=1, required=False):
    index = ensure_training_index()
    course = CoursePage(title=f"课程 {code}", slug=code.lower(), code=code, required_before_ride_along=required)
    index.add_child(instance=course)
    pages = []
    for n in range(lessons):
        lesson = LessonPage(title=f"{code} 第{n + 1}课", slug=f"{code.lower()}-{n + 1}")
        course.add_child(instance=lesson)
        pages.append(lesson)
    return course, pages


@pytest.mark.django_db
def test_training_index_is_created_once():
    assert ensure_training_index().pk == ensure_training_index().pk


def test_a_course_completes_when_every_lesson_is_read(cast):
    course, (first, second) = _course("WIN", lessons=2)
    assert mark_lesson_read(cast.trainee, first) is False
    assert mark_lesson_read(cast.trainee, second) is True
    assert completed_course_ids(cast.trainee) == {course.pk}
    assert completed_course_ids(cast.other_trainee) == set()


def test_completion_is_recorded_once_and_announced_once(cast, django_capture_on_commit_callbacks):
    course, (lesson,) = _course("WIN")
    received = []
    course_completed.connect(lambda **kw: received.append(kw["course"].pk), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            mark_lesson_read(cast.trainee, lesson)
            mark_lesson_read(cast.trainee, lesson)
            check_course_completion(cast.trainee, course)
    finally:
        course_completed.disconnect(dispatch_uid="t")
    assert CourseCompletion.objects.filter(user=cast.trainee, course=course).count() == 1
    assert received == [course.pk]


def test_missing_prerequisites_lists_required_courses_not_completed(cast):
    required, (lesson,) = _course("WIN", required=True)
    _course("DISCIPLINE", required=False)
    assert [c.pk for c in missing_ride_along_prerequisites(cast.trainee)] == [required.pk]
    with transaction.atomic():
        mark_lesson_read(cast.trainee, lesson)
    assert missing_ride_along_prerequisites(cast.trainee) == []


def test_an_unpublished_required_course_is_not_a_prerequisite(cast):
    course, _ = _course("WIN", required=True)
    CoursePage.objects.filter(pk=course.pk).update(live=False)
    assert missing_ride_along_prerequisites(cast.trainee) == []
