"""17.1 Evidence rules where the records are written, tried through the screens as the wrong person and at the wrong
time: a ride-along counts toward a certificate only when three different people approved it before it happened and
the mentor signed it off after it ended; the dates of a trip hold; M10 holds the mentor who led the trip accountable.
"""

import datetime

import pytest
from django.urls import reverse

from lms.models import RoleAssignment
from lms.roles import Role
from mentorship.models import AccountabilityRecord, Approval, RideAlong, SignOff
from mentorship.services import assign_mentor, signed_off_ride_along_count

from ..factories import make_person
from .helpers import END, START, TODAY, approve_all, at, request_trip, signed_off_trip, skill


def _url(name, *args):
    return reverse(f"mentorship:{name}", args=args)


def _decide(client, ride_along, approval, decision="approve", comment="同意"):
    prefix = f"a{approval.pk}"
    return client.post(_url("approval_decide", ride_along.pk, approval.pk),
                       {f"{prefix}-decision": decision, f"{prefix}-comment": comment}, follow=True)


def _messages(response):
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def _sign_off(client, ride_along):
    return client.post(_url("ride_along_sign_off", ride_along.pk), {"performance": "能独立完成装机",
                                                                   "skills_covered": [skill().pk]}, follow=True)


# --- what counts toward a certificate ----------------------------------------------------------------------------


def test_a_trip_never_approved_can_be_reported_on_but_does_not_count(client, cast, clock):
    ride_along = request_trip(cast)
    client.force_login(cast.mentor)
    clock.move_to(at(END, 18))
    client.post(_url("ride_along_happened", ride_along.pk))
    clock.move_to(at(END + datetime.timedelta(days=1)))
    page = _sign_off(client, ride_along).content.decode()
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.SIGNED_OFF and SignOff.objects.filter(ride_along=ride_along).exists()
    assert signed_off_ride_along_count(cast.trainee) == 0
    assert not RideAlong.objects.counting_toward_certificate().exists()
    assert "不计入认证" in page


def test_a_trip_approved_by_three_people_and_signed_off_after_it_ended_counts(client, cast):
    ride_along = signed_off_trip(cast)
    assert signed_off_ride_along_count(cast.trainee) == 1
    client.force_login(cast.lead)
    page = client.get(_url("ride_along", ride_along.pk)).content.decode()
    assert "计入认证要求" in page and "不计入认证" not in page


def test_approvals_by_fewer_than_three_people_do_not_count_even_if_the_records_say_so(cast):
    ride_along = signed_off_trip(cast)
    # Records bent behind the services' back: the post head's approval now names the supervisor.
    Approval.objects.filter(ride_along=ride_along, kind=Approval.Kind.POST_HEAD).update(decided_by=cast.supervisor)
    assert signed_off_ride_along_count(cast.trainee) == 0
    ride_along.refresh_from_db()
    assert not ride_along.approvals_complete()


def test_a_sign_off_dated_before_the_trip_ended_does_not_count(cast):
    ride_along = signed_off_trip(cast)
    SignOff.objects.filter(ride_along=ride_along).update(signed_at=at(START))
    assert signed_off_ride_along_count(cast.trainee) == 0


# --- three approvals, three different accounts -----------------------------------------------------------------------


@pytest.fixture
def two_hats(cast):
    """The supervisor of 华东 is also the regional manager of 杭州; another manager sits above, for all of 华东."""
    RoleAssignment.objects.create(user=cast.supervisor, role=Role.REGIONAL_MANAGER, region=cast.org.hz)
    return make_person("east_manager", role=Role.REGIONAL_MANAGER, region=cast.org.east, status="regular",
                       scope_region=cast.org.east, name="华东区域经理")


def test_one_person_with_two_approver_roles_decides_only_one_approval(client, cast, two_hats):
    ride_along = request_trip(cast)
    supervisor_approval = ride_along.approvals.get(kind=Approval.Kind.TRAINING_SUPERVISOR)
    manager_approval = ride_along.approvals.get(kind=Approval.Kind.REGIONAL_MANAGER)
    client.force_login(cast.supervisor)
    page = client.get(_url("ride_along", ride_along.pk)).content.decode()
    # Only the supervisor's approval: nobody else could give it, while a manager above can give the other.
    assert page.count("提交决定") == 1
    assert _decide(client, ride_along, manager_approval).status_code == 403
    _decide(client, ride_along, supervisor_approval)
    assert _decide(client, ride_along, manager_approval).status_code == 403
    manager_approval.refresh_from_db()
    assert manager_approval.decision == Approval.Decision.PENDING
    assert "提交决定" not in client.get(_url("ride_along", ride_along.pk)).content.decode()
    # The next holder up the tree is asked: it waits on their home page, and they decide it.
    client.force_login(two_hats)
    assert _url("ride_along", ride_along.pk) in client.get("/").content.decode()
    _decide(client, ride_along, manager_approval)
    client.force_login(cast.post_head)
    _decide(client, ride_along, ride_along.approvals.get(kind=Approval.Kind.POST_HEAD))
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.APPROVED
    assert len(set(ride_along.approvals.values_list("decided_by", flat=True))) == 3


def test_the_second_approval_of_one_person_no_longer_waits_on_their_home_page(client, cast, two_hats):
    """With a second supervisor for 华东 as well, either approval can be theirs — until they decide one."""
    make_person("supervisor2", role=Role.TRAINING_SUPERVISOR, region=cast.org.east, status="regular",
                scope_region=cast.org.east)
    ride_along = request_trip(cast)
    client.force_login(cast.supervisor)
    home = client.get("/").content.decode()
    assert home.count(_url("ride_along", ride_along.pk)) == 2
    _decide(client, ride_along, ride_along.approvals.get(kind=Approval.Kind.TRAINING_SUPERVISOR))
    assert _url("ride_along", ride_along.pk) not in client.get("/").content.decode()


def test_a_trip_whose_approvals_only_one_person_could_give_is_refused_at_the_request(client, cast):
    """The supervisor is also the only regional manager and the only post head: one signature, refused."""
    RoleAssignment.objects.filter(user__in=[cast.regional_manager, cast.post_head]).delete()
    RoleAssignment.objects.create(user=cast.supervisor, role=Role.REGIONAL_MANAGER, region=cast.org.hz)
    RoleAssignment.objects.create(user=cast.supervisor, role=Role.POST_HEAD, post=cast.org.field)
    client.force_login(cast.mentor)
    response = client.post(_url("ride_along_new"), {
        "trainee": cast.trainee.pk, "destination_region": cast.org.hz.pk, "cities": "杭州",
        "start_date": START.isoformat(), "end_date": END.isoformat(),
    })
    assert response.status_code == 200 and "三个不同的人" in response.content.decode()
    assert not RideAlong.objects.exists()


# --- dates ----------------------------------------------------------------------------------------------------------


def _request_form(client, cast, start, end):
    client.force_login(cast.mentor)
    return client.post(_url("ride_along_new"), {
        "trainee": cast.trainee.pk, "destination_region": cast.org.hz.pk, "cities": "杭州",
        "start_date": start.isoformat(), "end_date": end.isoformat(), "skills": [skill().pk],
    })


def test_a_trip_cannot_be_requested_for_dates_already_past(client, cast):
    response = _request_form(client, cast, TODAY - datetime.timedelta(days=3), TODAY - datetime.timedelta(days=1))
    assert response.status_code == 200 and "已过去的日期" in response.content.decode()
    assert not RideAlong.objects.exists()
    assert _request_form(client, cast, TODAY, TODAY).status_code == 302  # from today on is fine


def test_a_trip_cannot_overlap_another_trip_of_the_trainee(client, cast):
    first = request_trip(cast)
    response = _request_form(client, cast, END, END + datetime.timedelta(days=2))
    assert response.status_code == 200 and "不能与其重叠" in response.content.decode()
    assert list(RideAlong.objects.all()) == [first]
    # A rejected trip no longer holds its dates.
    client.force_login(cast.post_head)
    _decide(client, first, first.approvals.get(kind=Approval.Kind.POST_HEAD), "reject", "暂缓")
    assert _request_form(client, cast, END, END + datetime.timedelta(days=2)).status_code == 302


def test_a_trip_cannot_overlap_an_approved_trip_of_the_trainee(client, cast):
    first = request_trip(cast)
    approve_all(cast, first)
    first.refresh_from_db()
    assert first.state == RideAlong.State.APPROVED
    response = _request_form(client, cast, START - datetime.timedelta(days=2), START)
    assert response.status_code == 200 and "不能与其重叠" in response.content.decode()
    assert list(RideAlong.objects.all()) == [first]


def test_a_trip_cannot_start_before_its_first_day(client, cast, clock):
    ride_along = approve_all(cast, request_trip(cast))
    client.force_login(cast.mentor)
    response = client.post(_url("ride_along_start", ride_along.pk), follow=True)
    assert "2026-10-12" in _messages(response) and "第一天" in _messages(response)
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.APPROVED
    clock.move_to(at(START, 8))
    client.post(_url("ride_along_start", ride_along.pk))
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.STARTED


def test_a_trip_dated_ahead_cannot_be_started_recorded_and_signed_off_today(client, cast):
    """The probe of 17.1: a trip of 12–21 October worked through on 1 October."""
    ride_along = approve_all(cast, request_trip(cast))
    client.force_login(cast.mentor)
    client.post(_url("ride_along_start", ride_along.pk))
    client.post(_url("ride_along_happened", ride_along.pk), {"early_finish_reason": "提前完成"})
    _sign_off(client, ride_along)
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.APPROVED and not SignOff.objects.exists()


def test_an_unapproved_trip_cannot_be_recorded_as_happened_before_its_first_day(client, cast):
    ride_along = request_trip(cast)
    client.force_login(cast.mentor)
    response = client.post(_url("ride_along_happened", ride_along.pk), {"early_finish_reason": "x"}, follow=True)
    assert "第一天" in _messages(response)
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.REQUESTED and not AccountabilityRecord.objects.exists()


def test_an_early_finish_needs_a_reason_which_is_recorded(client, cast, clock):
    ride_along = approve_all(cast, request_trip(cast))
    client.force_login(cast.mentor)
    clock.move_to(at(START, 8))
    client.post(_url("ride_along_start", ride_along.pk))
    early = START + datetime.timedelta(days=3)
    clock.move_to(at(early, 17))
    page = client.get(_url("ride_along", ride_along.pk)).content.decode()
    assert "提前结束的原因" in page
    response = client.post(_url("ride_along_happened", ride_along.pk), {"early_finish_reason": " "}, follow=True)
    assert "提前结束的原因" in _messages(response)
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.STARTED
    client.post(_url("ride_along_happened", ride_along.pk), {"early_finish_reason": "客户提前完成验收"})
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.COMPLETED
    assert (ride_along.ended_on, ride_along.early_finish_reason) == (early, "客户提前完成验收")
    # Signed off after it ended (early), the trip counts; the page says when and why it ended.
    _sign_off(client, ride_along)
    assert signed_off_ride_along_count(cast.trainee) == 1
    assert "客户提前完成验收" in client.get(_url("ride_along", ride_along.pk)).content.decode()


def test_on_or_after_its_last_day_no_reason_is_asked(client, cast, clock):
    ride_along = approve_all(cast, request_trip(cast))
    client.force_login(cast.mentor)
    clock.move_to(at(START, 8))
    client.post(_url("ride_along_start", ride_along.pk))
    clock.move_to(at(END + datetime.timedelta(days=2), 9))
    assert "提前结束的原因" not in client.get(_url("ride_along", ride_along.pk)).content.decode()
    client.post(_url("ride_along_happened", ride_along.pk))
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.COMPLETED and ride_along.ended_on == END
    assert ride_along.early_finish_reason == ""


def test_approvals_are_not_given_after_the_trip_was_due_to_end(client, cast, clock):
    ride_along = request_trip(cast)
    clock.move_to(at(END + datetime.timedelta(days=1)))
    client.force_login(cast.post_head)
    response = _decide(client, ride_along, ride_along.approvals.get(kind=Approval.Kind.POST_HEAD))
    assert "已无法审批" in _messages(response)
    assert not ride_along.approvals.exclude(decision=Approval.Decision.PENDING).exists()


# --- M10 after a change of mentor --------------------------------------------------------------------------------------


def test_m10_the_mentor_who_led_the_trip_answers_for_it_after_a_change_of_mentor(client, cast, clock):
    ride_along = signed_off_trip(cast, skills=[skill()])
    assign_mentor(trainee=cast.trainee, mentor=cast.post_head, assigned_by=cast.lead,
                  start_date=END + datetime.timedelta(days=3), reason="调岗")
    clock.move_to(at(END + datetime.timedelta(days=10)))
    client.force_login(cast.lead)
    client.post(_url("skill_assess"), {"trainee": cast.trainee.pk, "skill": skill().pk, "result": "failed",
                                       "score": "40"})
    record = AccountabilityRecord.objects.get(kind=AccountabilityRecord.Kind.SKILL_NOT_MASTERED)
    assert (record.person, record.ride_along) == (cast.mentor, ride_along)


def test_m10_a_failed_skill_does_not_cite_a_trip_that_has_not_ended(client, cast, clock):
    # A trip recorded with an end in the future (the record the review found: signed off on 30 November for a trip
    # of 10-12 December) is not the trip that taught the skill yet: no accountability record cites it.
    ride_along = signed_off_trip(cast, skills=[skill()])
    RideAlong.objects.filter(pk=ride_along.pk).update(ended_on=END + datetime.timedelta(days=30))
    clock.move_to(at(END + datetime.timedelta(days=2)))
    client.force_login(cast.lead)
    client.post(_url("skill_assess"), {"trainee": cast.trainee.pk, "skill": skill().pk, "result": "failed",
                                       "score": "40"})
    assert cast.trainee.skill_assessments.filter(result="failed").count() == 1
    assert not AccountabilityRecord.objects.filter(kind=AccountabilityRecord.Kind.SKILL_NOT_MASTERED).exists()
    RideAlong.objects.filter(pk=ride_along.pk).update(ended_on=END)
    client.post(_url("skill_assess"), {"trainee": cast.trainee.pk, "skill": skill().pk, "result": "failed",
                                       "score": "40"})
    record = AccountabilityRecord.objects.get(kind=AccountabilityRecord.Kind.SKILL_NOT_MASTERED)
    assert record.ride_along == ride_along
