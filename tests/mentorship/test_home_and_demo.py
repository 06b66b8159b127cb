"""Home panels per role (what waits for me, with counts) and the demo data of the module."""

import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mentorship.models import AccountabilityRecord, Guidance, Question, RideAlong

from .helpers import START, approve_all, at, request_trip


def test_each_approver_sees_the_trip_waiting_on_their_home_page(client, cast):
    ride_along = request_trip(cast)
    for user in (cast.supervisor, cast.regional_manager, cast.post_head):
        client.force_login(user)
        html = client.get("/").content.decode()
        assert "等待我审批的老带新出行" in html
        assert reverse("mentorship:ride_along", args=[ride_along.pk]) in html
    client.force_login(cast.lead)
    assert reverse("mentorship:ride_along", args=[ride_along.pk]) not in client.get("/").content.decode()


def test_the_mentor_sees_what_waits_and_the_trainee_sees_the_sign_off_to_confirm(client, cast, clock):
    ride_along = approve_all(cast, request_trip(cast))
    client.force_login(cast.mentor)
    html = client.get("/").content.decode()
    assert "已批准：李明轩 的出行将于 2026-10-12 开始" in html and "已批准：开始" not in html
    clock.move_to(at(START, 8))
    html = client.get("/").content.decode()
    assert "已批准：开始 李明轩 的出行" in html and "2026-10-12 – 2026-10-21" in html
    client.force_login(cast.trainee)
    assert "没有等待您处理的事项" in client.get("/").content.decode()
    assert ride_along


def test_the_lead_panel_links_to_the_reports(client, cast):
    client.force_login(cast.lead)
    html = client.get("/").content.decode()
    assert reverse("mentorship:reports") in html and "没有导师的新员工" in html


def test_demo_has_trips_in_each_state_questions_and_an_accountability_record(db):
    out = open("/dev/null", "w")
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    states = set(RideAlong.objects.values_list("state", flat=True))
    assert states == set(RideAlong.State.values) - {RideAlong.State.COMPLETED} | {RideAlong.State.COMPLETED}
    assert Question.objects.filter(status=Question.Status.ACCEPTED).exists()
    assert Question.objects.exclude(status=Question.Status.ACCEPTED).exists()
    # Written through the services at the moment they happened: the open question was asked six days ago, and
    # the trainee confirmed one guidance session (both with the clock moved, not patched afterwards).
    five_days_ago = timezone.now() - datetime.timedelta(days=5)
    assert Question.objects.filter(asked_by__username="demo-trainee", status=Question.Status.OPEN,
                                   asked_at__lt=five_days_ago).exists()
    assert Guidance.objects.filter(trainee__username="demo-trainee", trainee_confirmed_at__isnull=False).count() == 1
    assert AccountabilityRecord.objects.filter(kind=AccountabilityRecord.Kind.SKILL_NOT_MASTERED).exists()
    assert RideAlong.objects.count() == 6


def test_every_demo_role_sees_its_pages(client, db):
    from django.contrib.auth import get_user_model

    from lms.demo import DEMO_ACCOUNTS

    call_command("load_demo", stdout=open("/dev/null", "w"))
    User = get_user_model()
    trips = list(RideAlong.objects.all())
    for username in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        client.force_login(user)
        assert client.get("/").status_code == 200, username
        for trip in trips:
            assert client.get(reverse("mentorship:ride_along", args=[trip.pk])).status_code in (200, 404), username
    client.force_login(User.objects.get(username="demo-lead"))
    trainee = User.objects.get(username="demo-trainee")
    html = client.get(reverse("person", args=[trainee.profile.pk])).content.decode()
    assert "传帮带" in html and "装机培训" in html
    for tab in ("skills", "mentors", "sign_offs", "accountability", "question_reports"):
        assert client.get(reverse("mentorship:reports") + f"?tab={tab}").status_code == 200
    client.force_login(User.objects.get(username="demo-post-head"))
    html = client.get("/").content.decode()
    assert "等待我答复的提问" in html and "等待我审批的老带新出行" in html


def test_m5_a_manager_sees_conduct_reports_sent_to_them_on_the_home_page(client, cast):
    from mentorship.services import file_conduct_report

    file_conduct_report(reporter=cast.mentor, subject=cast.trainee, occurred_on=datetime.date(2026, 10, 1),
                        description="违规")
    client.force_login(cast.post_head)
    assert "发给我的违规举报" in client.get("/").content.decode()
    client.force_login(cast.lead)
    assert "发给我的违规举报" not in client.get("/").content.decode()


def _mentor_home(client, mentor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(mentor)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    return len(queries), html


def _busy_trainee(cast, n):
    """A trainee of the mentor with a trip waiting for approval, an approved one, a question and a report."""
    from mentorship.models import ConductReport
    from mentorship.services import ask_question, assign_mentor, escalate_question
    from tests.factories import make_person

    trainee = make_person(f"busy{n}", role="trainee", region=cast.org.sh, post=cast.org.field, name=f"忙碌{n}")
    assign_mentor(trainee=trainee, mentor=cast.mentor)
    request_trip(cast, trainee=trainee)
    later = START + datetime.timedelta(days=30)
    approve_all(cast, request_trip(cast, trainee=trainee, start_date=later, end_date=later))
    ask_question(trainee=trainee, owner=cast.mentor, subject=f"问题{n}", body="怎么办")
    question = ask_question(trainee=trainee, owner=cast.other_mentor, subject=f"升级{n}", body="怎么办")
    escalate_question(question=question, user=cast.other_mentor, to=cast.mentor)
    report = ConductReport.objects.create(reporter=trainee, subject=cast.other_mentor, occurred_on=datetime.date(
        2026, 10, 1), direction=ConductReport.Direction.ABOUT_REGULAR, description="违规")
    report.recipients.add(cast.mentor)
    return trainee


def test_the_mentor_home_runs_as_many_queries_for_many_trainees_and_trips_as_for_one(client, cast):
    _busy_trainee(cast, 0)
    one, html = _mentor_home(client, cast.mentor)
    assert "忙碌0" in html and "问题0" in html and "升级0" in html and "发给我的违规举报" in html
    for n in range(1, 6):
        _busy_trainee(cast, n)
    many, html = _mentor_home(client, cast.mentor)
    assert all(f"忙碌{n}" in html and f"升级{n}" in html for n in range(6))
    assert html.count("已批准：") == 6
    assert many == one
