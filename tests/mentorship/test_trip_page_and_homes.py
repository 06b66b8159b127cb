"""15.3 and 16.7: the trip page, the ask form and the home panels show what the records' workflows say.

``RideAlong.actions_for(user)`` decides what each person may do now; the page and the homes only display it.
"""

import datetime

import pytest
from django.urls import reverse

from courses.models import CoursePage
from courses.services import ensure_training_index
from mentorship.models import RideAlong
from mentorship.services import assign_mentor, decide_approval, start_ride_along

from ..factories import make_person
from .helpers import END, START, TODAY, approve_all, at, happened_trip, request_trip, signed_off_trip

A = RideAlong.Action


def _page(client, user, ride_along):
    client.force_login(user)
    return client.get(reverse("mentorship:ride_along", args=[ride_along.pk])).content.decode()


def _home(client, user):
    client.force_login(user)
    return client.get("/").content.decode()


# --- the workflow, asked of the model ------------------------------------------------------------------------------


def test_actions_follow_the_state_the_person_and_the_date(cast):
    ride_along = request_trip(cast)
    assert ride_along.actions_for(cast.post_head) == {A.DECIDE}
    assert ride_along.actions_for(cast.mentor) == set()  # nothing before the first day
    assert ride_along.actions_for(cast.mentor, today=START) == {A.RECORD_UNAPPROVED}
    assert ride_along.actions_for(cast.lead, today=START) == {A.RECORD_UNAPPROVED}
    assert ride_along.actions_for(cast.trainee, today=START) == set()
    approve_all(cast, ride_along)
    ride_along.refresh_from_db()
    assert ride_along.actions_for(cast.post_head) == set()
    assert ride_along.actions_for(cast.mentor) == set()
    assert ride_along.actions_for(cast.mentor, today=START) == {A.START}
    assert ride_along.actions_for(cast.lead, today=START) == set()


def test_the_services_check_against_the_same_workflow(cast):
    from django.core.exceptions import PermissionDenied, ValidationError

    ride_along = approve_all(cast, request_trip(cast))
    with pytest.raises(PermissionDenied):
        start_ride_along(ride_along=ride_along, user=cast.lead, now=at(START))
    with pytest.raises(ValidationError):
        start_ride_along(ride_along=ride_along, user=cast.mentor, now=at(TODAY))
    start_ride_along(ride_along=ride_along, user=cast.mentor, now=at(START))
    ride_along.refresh_from_db()
    assert ride_along.actions_for(cast.lead, today=END) == {A.RECORD_HAPPENED}


def test_the_training_lead_records_from_the_trip_page_that_the_trip_happened(client, cast, clock):
    ride_along = approve_all(cast, request_trip(cast))
    start_ride_along(ride_along=ride_along, user=cast.mentor, now=at(START, 8))
    clock.move_to(at(END, 18))
    page = _page(client, cast.lead, ride_along)
    assert "登记出行已发生" in page
    client.post(reverse("mentorship:ride_along_happened", args=[ride_along.pk]))
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.COMPLETED and ride_along.completed_by == cast.lead
    assert ride_along.reimbursable is True


def test_no_raw_state_strings_in_the_mentorship_templates():
    """States are asked of the models (badge, actions); templates compare no state values."""
    import re
    from pathlib import Path

    from django.conf import settings

    values = {v for model in ("RideAlong", "Approval", "Question", "QuestionReport") for v in _states(model)}
    pattern = re.compile(r"""(==|!=)\s*['"](%s)['"]""" % "|".join(sorted(values)))
    found = [str(p) for p in (Path(settings.BASE_DIR) / "templates/mentorship").rglob("*.html")
             if pattern.search(p.read_text(encoding="utf-8"))]
    assert not found, found


def _states(name):
    from mentorship import models

    model = getattr(models, name)
    field = {"RideAlong": "State", "Approval": "Decision", "Question": "Status", "QuestionReport": "Review"}[name]
    return getattr(model, field).values


# --- 16.7 the trip page --------------------------------------------------------------------------------------------


def test_the_trip_page_names_who_is_asked_to_approve(client, cast):
    ride_along = request_trip(cast)
    page = _page(client, cast.mentor, ride_along)
    for approver in (cast.supervisor, cast.regional_manager, cast.post_head):
        assert f"等待 {approver.profile.name}" in page
    decide_approval(approval=ride_along.approvals.get(kind="post_head"), user=cast.post_head, approve=True)
    page = _page(client, cast.mentor, ride_along)
    assert f"等待 {cast.post_head.profile.name}" not in page and f"{cast.post_head.profile.name} · 2026-10-01" in page
    assert f"等待 {cast.supervisor.profile.name}" in page


def test_the_red_record_button_and_its_warning_only_for_a_trip_without_approvals(client, cast, clock):
    warning = "未经三方审批"
    pending = request_trip(cast)
    approved = approve_all(cast, request_trip(cast, start_date=END + datetime.timedelta(days=3),
                                              end_date=END + datetime.timedelta(days=4)))
    clock.move_to(at(END + datetime.timedelta(days=3), 9))
    page = _page(client, cast.mentor, pending)
    assert "登记出行已发生" in page and warning in page and "button danger" in page
    page = _page(client, cast.mentor, approved)
    assert "开始出行</button>" in page and "登记出行已发生" not in page and warning not in page
    start_ride_along(ride_along=approved, user=cast.mentor)
    page = _page(client, cast.mentor, approved)
    assert "登记出行已发生" in page and warning not in page and "button danger" not in page


def test_an_approved_trip_before_its_first_day_says_when_it_can_start(client, cast):
    ride_along = approve_all(cast, request_trip(cast))
    page = _page(client, cast.mentor, ride_along)
    assert "开始出行</button>" not in page and "2026-10-12 起可开始出行" in page


# --- 16.7 the homes --------------------------------------------------------------------------------------------------


def test_the_approvers_home_does_not_say_nothing_waits_under_waiting_approvals(client, cast):
    ride_along = request_trip(cast)
    for approver in (cast.supervisor, cast.regional_manager, cast.post_head):
        home = _home(client, approver)
        assert reverse("mentorship:ride_along", args=[ride_along.pk]) in home
        assert "暂无待你审批的事项" not in home and "没有等待您处理的事项" not in home


def test_the_regional_heads_panel_lists_the_mentors_of_the_region(client, cast):
    home = _home(client, cast.regional_head)
    assert "本大区导师" in home
    assert cast.mentor.profile.name in home and "1 名新员工" in home
    assert cast.other_mentor.profile.name not in home  # another 大区
    assert f"?mentor={cast.mentor.pk}" in home


def test_the_mentors_home_shows_a_refusal_with_its_reason(client, cast):
    ride_along = request_trip(cast)
    decide_approval(approval=ride_along.approvals.get(kind="post_head"), user=cast.post_head, approve=False,
                    comment="岗位实操尚未完成")
    home = _home(client, cast.mentor)
    assert "已驳回" in home and "岗位实操尚未完成" in home
    assert reverse("mentorship:ride_along", args=[ride_along.pk]) in home


def test_two_approved_trips_of_one_trainee_are_told_apart_by_their_dates(client, cast, clock):
    later = END + datetime.timedelta(days=3)
    approve_all(cast, request_trip(cast))
    approve_all(cast, request_trip(cast, start_date=later, end_date=later))
    home = _home(client, cast.mentor)
    assert "将于 2026-10-12 开始" in home and f"将于 {later.isoformat()} 开始" in home
    clock.move_to(at(later, 8))
    home = _home(client, cast.mentor)
    assert home.count("已批准：开始 李明轩 的出行") == 2
    assert "2026-10-12 – 2026-10-21" in home and f"{later.isoformat()} – {later.isoformat()}" in home


def test_the_mentors_home_lists_a_trip_to_record_and_one_to_sign_off(client, cast, clock):
    happened = happened_trip(cast)
    ongoing = approve_all(cast, request_trip(cast, start_date=END + datetime.timedelta(days=3),
                                             end_date=END + datetime.timedelta(days=4)))
    start_ride_along(ride_along=ongoing, user=cast.mentor, now=at(END + datetime.timedelta(days=3)))
    clock.move_to(at(END + datetime.timedelta(days=4), 17))
    home = _home(client, cast.mentor)
    assert reverse("mentorship:ride_along_sign_off", args=[happened.pk]) in home
    assert "登记 李明轩 的出行已发生" in home


# --- 16.7 the ask form and the request form ----------------------------------------------------------------------------


def test_the_ask_form_starts_at_the_trainees_mentor_and_lists_no_other_trainees(client, cast):
    client.force_login(cast.trainee)
    form = client.get(reverse("mentorship:question_ask")).context["form"]
    assert form["owner"].value() == cast.mentor.pk
    choices = set(form.fields["owner"].queryset)
    assert cast.mentor in choices and cast.post_head in choices
    assert cast.other_trainee not in choices and cast.trainee not in choices
    response = client.post(reverse("mentorship:question_ask"),
                           {"owner": cast.other_trainee.pk, "subject": "问题", "body": "内容"})
    assert response.status_code == 200 and not cast.trainee.questions_asked.exists()


def test_the_theory_gate_is_shown_before_the_form_is_filled(client, cast):
    index = ensure_training_index()
    index.add_child(instance=CoursePage(title="窗口服务规范", slug="win", code="WIN", required_before_ride_along=True))
    ready = make_person("ready", role="trainee", region=cast.org.sh, post=cast.org.field, name="已完成理论")
    assign_mentor(trainee=ready, mentor=cast.mentor)
    client.force_login(cast.mentor)
    response = client.get(reverse("mentorship:ride_along_new"))
    html = response.content.decode()
    assert "尚未完成出行前必修的理论课程" in html and "窗口服务规范" in html and "李明轩" in html
    choices = set(response.context["form"].fields["trainee"].queryset)
    assert cast.trainee not in choices


def test_with_no_trainee_ready_there_is_no_form_to_fill(client, cast):
    index = ensure_training_index()
    index.add_child(instance=CoursePage(title="窗口服务规范", slug="win", code="WIN", required_before_ride_along=True))
    client.force_login(cast.mentor)
    html = client.get(reverse("mentorship:ride_along_new")).content.decode()
    assert "窗口服务规范" in html and "提交申请" not in html


def test_a_signed_off_trip_page_offers_the_trainee_the_confirmation(client, cast):
    ride_along = signed_off_trip(cast)
    assert "确认签认" in _page(client, cast.trainee, ride_along)
    assert "确认签认" not in _page(client, cast.mentor, ride_along)
    assert "添加更正" in _page(client, cast.mentor, ride_along)
