"""The trainee home reads only what it shows (issue 20): the assigned courses, their items, the learner's facts and
the training index link come in one query, whatever the number of courses; a trainee with nothing waiting in
mentorship pays one count query for it, not a list."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CourseAssignment, TrainingIndexPage

from .conftest import make_course


def _home(client, learner):
    client.force_login(learner)
    client.get("/")  # warm: content types and compiled reads are cached per process
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries], response.content.decode()


def _assign(course, learner, days):
    CourseAssignment.objects.create(course=course, user=learner, due_date=datetime.date(2030, 1, days))


def test_the_trainee_home_reads_its_courses_and_the_index_in_one_query_whatever_their_number(client, learner):
    _assign(make_course("ONE", lessons=2), learner, 1)
    one, html = _home(client, learner)
    assert "课程 ONE" in html
    index = TrainingIndexPage.objects.get()
    assert f'href="{index.url}"' in html
    for n in range(2, 6):
        _assign(make_course(f"MORE{n}", lessons=3), learner, n)
    many, html = _home(client, learner)
    assert all(f"课程 MORE{n}" in html for n in range(2, 6))
    assert len(many) == len(one)
    assert sum('"courses_courseassignment"' in q for q in many) == 1  # inside the one outline query
    assert not any(q.lstrip().startswith('SELECT "courses_courseassignment"') for q in many)


def test_the_trainee_home_without_courses_still_links_the_training_index(client, learner):
    make_course("UNASSIGNED", lessons=1)
    _sql, html = _home(client, learner)
    assert "课程 UNASSIGNED" not in html
    assert f'href="{TrainingIndexPage.objects.get().url}"' in html


def test_a_sign_off_to_confirm_is_listed_only_when_there_is_one(client, learner):
    sql, html = _home(client, learner)
    assert not any(q.lstrip().startswith('SELECT "mentorship_signoff"') for q in sql)
    assert "确认出行签认" not in html


# The session, the user, their roles, the courses' outline, every panel's numbers and the mentor (mentorship's waits,
# the 错题本, certificates and refreshers: one query), the certification progress rows (with their programs' courses
# and skills), the site (for the links).
TRAINEE_HOME = 7


def test_the_trainee_homes_numbers_are_counted_in_one_query_and_its_count_is_pinned(client, learner):
    _assign(make_course("ONE", lessons=2), learner, 1)
    sql, html = _home(client, learner)
    counted = [q for q in sql if '"wrongbook_bookentry"' in q]
    assert len(counted) == 1
    assert all(f'"{table}"' in counted[0] for table in (
        "mentorship_guidance", "mentorship_checklistitem", "certificates_certificate", "certificates_refresher"))
    assert not any(q.lstrip().startswith(('SELECT "certificates_certificate"', 'SELECT "certificates_refresher"'))
                   for q in sql)  # nothing to list: the lists are not read
    assert "我的证书" in html
    assert len(sql) == TRAINEE_HOME
