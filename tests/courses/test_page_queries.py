"""The course and lesson pages read only what they show (issue 20), pinned: Wagtail's routing and the site frame
take their share, the page's own reading is one query (the course's items with the learner's states as columns, the
graded attempt of each quiz among them), plus the prerequisites only when one locks the course."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CourseAssignment, LessonRead
from courses.services import finish_attempt, start_attempt

from .conftest import answer_all, make_category, make_course, make_question, make_quiz

# The site, the page itself (one query whatever its depth: lms.routing), the session and the user, then the page's
# own reading of its course.
COURSE_PAGE = 5
LESSON_PAGE = 5  # the organisation's service rules, which the lesson body fills in, come with the course


def _queries(client, url):
    client.get(url)  # warm: content types and compiled reads are cached per process
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _reads(sql, table):
    """Whether a query reads ``table`` itself (not only in a subquery, where Django names its tables U0, V0…)."""
    return any(re.search(rf'FROM "{table}"(?! [A-Z]\d)', q) for q in sql)


@pytest.fixture
def course(learner):
    category = make_category("题库")
    course = make_course(lessons=3)
    make_quiz(course, draws=[(category, 2)], title="随机测验")
    make_quiz(course, questions=[make_question(category)], title="第二个测验")
    for _ in range(3):
        make_question(category)
    CourseAssignment.objects.create(course=course, user=learner, due_date=datetime.date(2030, 1, 1))
    return course


def test_the_course_page_reads_its_items_and_their_states_in_one_query(client, learner, course):
    client.force_login(learner)
    sql = _queries(client, course.url)
    assert len(sql) == COURSE_PAGE
    assert not _reads(sql, "courses_attempt")  # nothing attempted: not read
    assert not _reads(sql, "courses_coursepage_prerequisites")


def test_the_course_page_reads_the_graded_attempts_with_its_items_whatever_their_number(client, learner, course):
    quiz = course.quizzes().first().specific
    client.force_login(learner)
    finish_attempt(answer_all(start_attempt(learner, quiz)))
    sql = _queries(client, course.url)
    assert len(sql) == COURSE_PAGE
    assert not any(q.lstrip().startswith('SELECT "courses_attempt"') for q in sql)  # a column of the quiz's row
    assert "已通过" in client.get(course.url).content.decode()
    finish_attempt(answer_all(start_attempt(learner, quiz), correct=False))
    for lesson in course.lessons():
        LessonRead.objects.create(user=learner, lesson=lesson)
    assert len(_queries(client, course.url)) == COURSE_PAGE


def test_the_prerequisites_are_read_only_when_one_locks_the_course(client, learner, course):
    basic = make_course("BASIC", lessons=1)
    course.prerequisites.add(basic)
    course.save()
    client.force_login(learner)
    sql = _queries(client, course.url)
    assert len(sql) == COURSE_PAGE + 1
    assert _reads(sql, "courses_coursepage_prerequisites")


def test_the_lesson_page_reads_its_state_lock_and_neighbours_in_one_query(client, learner, course):
    first, second, _third = course.lessons()
    client.force_login(learner)
    assert len(_queries(client, second.url)) == LESSON_PAGE
    LessonRead.objects.create(user=learner, lesson=first)
    LessonRead.objects.create(user=learner, lesson=second)
    quiz = course.quizzes().first().specific
    finish_attempt(answer_all(start_attempt(learner, quiz)))
    sql = _queries(client, second.url)
    assert len(sql) == LESSON_PAGE  # attempts and due dates are not shown on a lesson: never read
    assert not _reads(sql, "courses_attempt")


def test_the_lesson_page_reads_the_service_rules_with_its_course(client, learner, course):
    client.force_login(learner)
    sql = _queries(client, course.lessons()[1].url)
    assert not any(q.lstrip().startswith('SELECT "courses_siterules"') for q in sql)
    assert _reads(sql, "courses_siterules") is False and any('"courses_siterules"' in q for q in sql)
