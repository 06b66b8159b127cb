"""A small course whose lesson teaches two clauses, with questions on each, for the 错题本 tests."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from courses.models import LessonPage
from courses.services import start_attempt
from tests.courses.conftest import answer_all, make_category, make_course, make_question, make_quiz

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour=10):
    """A moment on 2026-10-``day`` in Shanghai (the product's time zone)."""
    return datetime.datetime(2026, 10, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def bank(db):
    course = make_course("WB")
    lesson = LessonPage(title="迎送规范", slug="wb-l1", body=[
        ("clause", {"clause_id": "WB-01", "title": "起身迎客", "rule": "客户走近窗口时起身、微笑、问候。", "do": [], "dont": []}),
        ("clause", {"clause_id": "WB-02", "title": "唱收唱付", "rule": "收付款项时报出金额。", "do": [], "dont": []}),
    ])
    course.add_child(instance=lesson)
    category = make_category("错题本测试")
    q1 = [make_question(category, clauses="WB-01", stem=f"迎客题{n}") for n in range(3)]
    q2 = [make_question(category, clauses="WB-02", stem=f"唱收题{n}") for n in range(2)]
    quiz = make_quiz(course, questions=[q1[0], q2[0]], practice=True, title="练习")
    certifying = make_quiz(course, questions=[q1[1], q2[1]], title="认证测验")
    return SimpleNamespace(course=course, lesson=lesson, category=category, q1=q1, q2=q2, quiz=quiz,
                           certifying=certifying)


def take(quiz, user, *, correct, now=None):
    """Start and hand in an attempt at ``quiz`` with every answer right or wrong."""
    from courses.services import finish_attempt

    attempt = start_attempt(user, quiz, now=now)
    answer_all(attempt, correct=correct)
    finish_attempt(attempt, now=now)
    attempt.refresh_from_db()
    return attempt
