"""Training pages for learners: progress bars, locked items that say why, mark as read, home panel, person section."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import CourseAssignment, CourseCompletion, LessonRead
from courses.services import ensure_training_index, finish_attempt, start_attempt
from tests.factories import make_person

from .conftest import answer_all, make_category, make_course, make_question, make_quiz


def test_pages_require_login(client, db):
    course = make_course(lessons=1)
    response = client.get(course.url)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_course_page_shows_progress_and_what_is_done(client, learner):
    course = make_course(lessons=2)
    first = course.lessons().first()
    LessonRead.objects.create(user=learner, lesson=first)
    make_quiz(course, questions=[make_question()], title="结业测验")
    client.force_login(learner)
    page = client.get(course.url).text
    assert 'aria-valuenow="33"' in page and "已完成 1 / 3" in page
    assert "结业测验" in page and "未作答" in page


def test_locked_course_items_say_why(client, learner):
    basic = make_course("BASIC", lessons=1)
    advanced = make_course("ADV", lessons=1)
    advanced.prerequisites.add(basic)
    advanced.save()
    client.force_login(learner)
    page = client.get(advanced.url).text
    assert "完成以下课程后解锁" in page and "课程 BASIC" in page and "未解锁" in page
    lesson = advanced.lessons().first()
    assert "完成以下课程后解锁" in client.get(lesson.url).text
    client.post(lesson.url, {"mark_read": "1"})
    assert not LessonRead.objects.filter(user=learner).exists()


def test_mark_as_read_records_the_lesson_and_completes_the_course(client, learner):
    course = make_course(lessons=1)
    lesson = course.lessons().first()
    client.force_login(learner)
    response = client.post(lesson.url, {"mark_read": "1"}, follow=True)
    assert "已标记为已学习" in response.text and "课程已完成" in response.text
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()


def test_home_panel_lists_my_courses_with_progress_and_due_dates(client, learner, cast):
    course = make_course(lessons=2)
    CourseAssignment.objects.create(course=course, post=cast.org.field, due_date=datetime.date(2030, 1, 31))
    LessonRead.objects.create(user=learner, lesson=course.lessons().first())
    client.force_login(learner)
    page = client.get(reverse("home")).text
    assert course.title in page and "截止 2030-01-31" in page and 'aria-valuenow="50"' in page
    client.force_login(cast.other_trainee)
    assert course.title not in client.get(reverse("home")).text


def test_training_index_lists_assigned_and_open_courses(client, learner):
    assigned = make_course(lessons=1)
    other = make_course(lessons=1)
    CourseAssignment.objects.create(course=assigned, user=learner)
    client.force_login(learner)
    page = client.get(ensure_training_index().url).text
    assert page.index(assigned.title) < page.index("其他课程") < page.index(other.title)


def test_person_section_shows_courses_and_quiz_results_to_those_in_scope(client, learner, cast):
    course = make_course(lessons=0)
    CourseAssignment.objects.create(course=course, user=learner)
    quiz = make_quiz(course, questions=[make_question()], title="窗口规范测验")
    finish_attempt(answer_all(start_attempt(learner, quiz)))
    client.force_login(cast.lead)
    page = client.get(reverse("person", args=[learner.profile.pk])).text
    assert "课程与测验" in page and "窗口规范测验 #1" in page and "100%" in page


def test_lead_home_shows_the_marking_queue_count(client, learner, cast):
    from courses.models import Question

    quiz = make_quiz(questions=[make_question(type=Question.Type.ESSAY)])
    finish_attempt(answer_all(start_attempt(learner, quiz)))
    client.force_login(cast.lead)
    page = client.get(reverse("home")).text
    assert "有 1 道简答题等待您评阅" in page


# --- constant query counts --------------------------------------------------------------------


def _count(client, method, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302)
    return len(ctx.captured_queries)


def _grow(course, quiz, category, learners=6, questions=40):
    """More questions in the bank and more learners with attempts and reads."""
    for _ in range(questions):
        make_question(category)
    for n in range(learners):
        user = make_person(f"extra{n}-{course.pk}", role="trainee")
        LessonRead.objects.create(user=user, lesson=course.lessons().first())
        finish_attempt(answer_all(start_attempt(user, quiz)))


@pytest.fixture
def world(learner):
    category = make_category("题库")
    course = make_course(lessons=3)
    quiz = make_quiz(course, draws=[(category, 5)], title="随机测验")
    for _ in range(5):
        make_question(category)
    make_quiz(course, questions=[make_question(category)], title="第二个测验")
    CourseAssignment.objects.create(course=course, user=learner, due_date=datetime.date(2030, 1, 1))
    return course, quiz, category


def test_course_page_runs_a_constant_number_of_queries(client, learner, world):
    course, quiz, category = world
    client.force_login(learner)
    finish_attempt(answer_all(start_attempt(learner, quiz)))
    _count(client, "get", course.url)
    before = _count(client, "get", course.url)
    _grow(course, quiz, category)
    assert _count(client, "get", course.url) == before


def test_quiz_page_runs_a_constant_number_of_queries(client, learner, world):
    course, quiz, category = world
    client.force_login(learner)
    finish_attempt(answer_all(start_attempt(learner, quiz)))
    _count(client, "get", quiz.url)
    before = _count(client, "get", quiz.url)
    _grow(course, quiz, category)
    finish_attempt(answer_all(start_attempt(learner, quiz)))
    assert _count(client, "get", quiz.url) == before


def test_answer_submit_runs_a_constant_number_of_queries(client, learner, world):
    course, quiz, category = world
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    url = reverse("courses:question", args=[attempt.pk, 1])
    _count(client, "post", url, {"seq": 0, "option": "0", "action": "save"})
    before = _count(client, "post", url, {"seq": 1, "option": "1", "action": "save"})
    _count(client, "get", url)
    page_before = _count(client, "get", url)
    _grow(course, quiz, category)
    assert _count(client, "post", url, {"seq": 2, "option": "0", "action": "save"}) == before
    assert _count(client, "get", url) == page_before


def test_the_printable_record_includes_the_courses_section(client, learner, cast):
    course = make_course(lessons=1)
    CourseAssignment.objects.create(course=course, user=learner)
    client.force_login(cast.lead)
    response = client.get(reverse("person_record", args=[learner.profile.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_lesson_page_runs_a_constant_number_of_queries(client, learner, world):
    course, quiz, category = world
    lesson = course.lessons().first()
    client.force_login(learner)
    _count(client, "get", lesson.url)
    before = _count(client, "get", lesson.url)
    _grow(course, quiz, category)
    assert _count(client, "get", lesson.url) == before


def test_a_published_change_to_a_lesson_shows_at_once_despite_the_cached_body(client, learner):
    lesson = make_course(lessons=1).lessons().first().specific
    lesson.body = [("callout", {"kind": "tip", "text": "先安抚，再解释。"})]
    lesson.save_revision().publish()
    client.force_login(learner)
    assert "先安抚，再解释。" in client.get(lesson.url).content.decode()

    lesson.refresh_from_db()
    lesson.body = [("callout", {"kind": "tip", "text": "先倾听，再回应。"})]
    lesson.save_revision().publish()
    page = client.get(lesson.url).content.decode()
    assert "先倾听，再回应。" in page and "先安抚，再解释。" not in page
    assert "cache_key" not in page  # the template's note on the cache stays a comment
