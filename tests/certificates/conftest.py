"""A small certification world: two courses with one lesson each, and a program requiring both."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from certificates.models import Program
from courses.models import CoursePage, LessonPage, QuizPage
from courses.services import ensure_training_index, mark_lesson_read


def make_course(code, *, quiz=False):
    index = ensure_training_index()
    course = CoursePage(title=f"课程{code}", slug=code.lower(), code=code)
    index.add_child(instance=course)
    lesson = LessonPage(title=f"{code} 第1课", slug=f"{code.lower()}-1")
    course.add_child(instance=lesson)
    if quiz:
        course.add_child(instance=QuizPage(title=f"{code} 测验", slug=f"{code.lower()}-quiz"))
    return course, lesson


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(cast):
    win, win_lesson = make_course("WIN")
    hall, hall_lesson = make_course("HALL")
    program = Program.objects.create(code="CS-ONBOARD", name="客服新员工上岗认证", name_en="Customer-service onboarding",
                                     validity_months=24, recert_window_days=60)
    program.required_courses.set([win, hall])
    program.recert_courses.set([win])
    return SimpleNamespace(cast=cast, program=program, win=win, hall=hall, win_lesson=win_lesson,
                           hall_lesson=hall_lesson)


@pytest.fixture
def complete(django_capture_on_commit_callbacks):
    """Complete a course the way a learner does (reading its lesson), running on-commit reactions."""

    def _complete(user, lesson):
        with django_capture_on_commit_callbacks(execute=True):
            mark_lesson_read(user, lesson)

    return _complete


@pytest.fixture
def certified(world, complete):
    """The cast's trainee holding the program's certificate (PDF rendered)."""
    complete(world.cast.trainee, world.win_lesson)
    complete(world.cast.trainee, world.hall_lesson)
    world.certificate = world.cast.trainee.certificates.get()
    return world
