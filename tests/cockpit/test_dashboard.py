"""The cohort dashboard: only training leads, only their regions, figures that match the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CourseAssignment, CourseCompletion, CoursePage
from courses.services import ensure_training_index
from lms.roles import Role
from tests.factories import make_person


@pytest.fixture
def course(db):
    """A course a program requires (overdue and the funnel are read from the program's progress rows)."""
    from certificates.models import Program

    index = ensure_training_index()
    page = CoursePage(title="窗口服务", slug="win", code="WIN")
    index.add_child(instance=page)
    Program.objects.create(code="WIN-P", name="窗口上岗认证").required_courses.set([page])
    return page


@pytest.mark.parametrize("who", ["trainee", "mentor", "supervisor", "regional_head", "post_head", "editor"])
def test_only_training_leads_have_a_cockpit(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get("/cockpit/").status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/cockpit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_lead_sees_the_trainees_of_their_regions_only(client, cast):
    client.force_login(cast.lead)
    response = client.get("/cockpit/")
    assert response.status_code == 200
    assert response.context["figures"]["trainees"] == 1  # cast.trainee in 上海; other_trainee is in the south


def test_overdue_counts_trainees_with_a_past_due_course_not_completed(client, cast, course):
    CourseAssignment.objects.create(course=course, post=cast.org.field, due_date=datetime.date(2026, 1, 1))
    client.force_login(cast.lead)
    assert client.get("/cockpit/").context["figures"]["overdue"] == 1
    CourseCompletion.objects.create(user=cast.trainee, course=course)
    assert client.get("/cockpit/").context["figures"]["overdue"] == 0


def test_region_assignments_reach_trainees_of_regions_below(client, cast, course):
    CourseAssignment.objects.create(course=course, region=cast.org.east, due_date=datetime.date(2026, 1, 1))
    client.force_login(cast.lead)
    assert client.get("/cockpit/").context["figures"]["overdue"] == 1


def test_filters_narrow_the_figures(client, cast):
    make_person("t2", role=Role.TRAINEE, region=cast.org.hz, post=cast.org.hall)
    client.force_login(cast.lead)
    assert client.get("/cockpit/").context["figures"]["trainees"] == 2
    assert client.get("/cockpit/", {"region": cast.org.hz.pk}).context["figures"]["trainees"] == 1


def test_the_dashboard_query_count_does_not_grow_with_the_cohort(client, cast, course):
    CourseAssignment.objects.create(course=course, region=cast.org.east, due_date=datetime.date(2026, 1, 1))
    client.force_login(cast.lead)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/cockpit/").status_code == 200
        return len(ctx.captured_queries)

    queries()  # fills the caches every page shares (the region tree)
    small = queries()
    for n in range(15):
        user = make_person(f"extra{n}", role=Role.TRAINEE, region=cast.org.sh, post=cast.org.field)
        CourseCompletion.objects.create(user=user, course=course)
    assert queries() == small


def test_the_funnel_counts_each_stage(client, cast, course):
    from certificates.models import Program
    from courses.models import LessonPage
    from courses.services import mark_lesson_read

    lesson = LessonPage(title="第1课", slug="win-1")
    course.add_child(instance=lesson)
    Program.objects.create(code="P", name="上岗认证").required_courses.set([course])  # a second program
    make_person("t2", role=Role.TRAINEE, region=cast.org.sh, post=cast.org.field)
    mark_lesson_read(cast.trainee, lesson)
    client.force_login(cast.lead)
    chart = client.get("/cockpit/").context["funnel_chart"]
    assert [b.value for b in chart.bars] == [2, 1, 1, 1, 0]


def test_the_mentor_filter_finds_the_mentor_by_name_or_number_and_narrows_the_figures(client, cast):
    from mentorship.models import MentorAssignment

    t2 = make_person("t2", role=Role.TRAINEE, region=cast.org.hz)
    m2 = make_person("m2", role=Role.MENTOR, region=cast.org.hz, status="regular", name="赵老师", employee_no="M0042")
    MentorAssignment.objects.create(trainee=t2, mentor=m2, start_date=datetime.date(2026, 9, 1))
    client.force_login(cast.lead)
    assert client.get("/cockpit/", {"mentor": "赵"}).context["figures"]["trainees"] == 1
    assert client.get("/cockpit/", {"mentor": "M004"}).context["figures"]["trainees"] == 1
    assert client.get("/cockpit/", {"mentor": "王建国"}).context["figures"]["trainees"] == 1  # cast.trainee's
    assert client.get("/cockpit/", {"mentor": "林"}).context["figures"]["trainees"] == 0
