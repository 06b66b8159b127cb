"""M6, M9: ride-alongs need three approvals found from the org data, then a locked sign-off."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses.models import CoursePage
from courses.services import ensure_training_index
from lms.signals import ride_along_signed_off
from mentorship.access import approvers_for
from mentorship.models import AccountabilityRecord, Approval, RecordLocked, RideAlong
from mentorship.services import (
    amend_sign_off,
    confirm_sign_off,
    decide_approval,
    record_trip_happened,
    signed_off_ride_along_count,
    start_ride_along,
)

from .helpers import END, START, approve_all, at, happened_trip, request_trip, signed_off_trip


def test_m6_request_creates_three_pending_approvals(cast):
    ride_along = request_trip(cast)
    assert ride_along.state == RideAlong.State.REQUESTED
    assert sorted(a.kind for a in ride_along.approvals.all()) == sorted(Approval.Kind.values)
    assert {a.decision for a in ride_along.approvals.all()} == {Approval.Decision.PENDING}


def test_m6_approvers_are_found_from_the_org_data(cast):
    ride_along = request_trip(cast)
    assert list(approvers_for(ride_along, Approval.Kind.TRAINING_SUPERVISOR)) == [cast.supervisor]
    assert list(approvers_for(ride_along, Approval.Kind.REGIONAL_MANAGER)) == [cast.regional_manager]
    assert list(approvers_for(ride_along, Approval.Kind.POST_HEAD)) == [cast.post_head]


def test_m6_request_is_refused_when_no_manager_covers_the_destination(cast):
    with pytest.raises(ValidationError):
        request_trip(cast, destination_region=cast.org.gz)
    assert not RideAlong.objects.exists()


def test_m1_only_the_current_mentor_requests_a_trip(cast):
    with pytest.raises(PermissionDenied):
        request_trip(cast, mentor=cast.other_mentor)


def test_m9_a_trainee_without_the_required_theory_courses_cannot_go(cast):
    index = ensure_training_index()
    index.add_child(instance=CoursePage(title="窗口服务规范", slug="win", code="WIN", required_before_ride_along=True))
    with pytest.raises(ValidationError, match="窗口服务规范"):
        request_trip(cast)
    assert not RideAlong.objects.exists()


def test_m6_the_trip_cannot_start_before_three_approvals(cast):
    ride_along = request_trip(cast)
    for approval in ride_along.approvals.exclude(kind=Approval.Kind.POST_HEAD):
        user = cast.supervisor if approval.kind == Approval.Kind.TRAINING_SUPERVISOR else cast.regional_manager
        decide_approval(approval=approval, user=user, approve=True)
    with pytest.raises(ValidationError):
        start_ride_along(ride_along=ride_along, user=cast.mentor)
    # Even if someone forces the state, the approvals decide.
    RideAlong.objects.filter(pk=ride_along.pk).update(state=RideAlong.State.APPROVED)
    with pytest.raises(ValidationError):
        start_ride_along(ride_along=ride_along, user=cast.mentor)


def test_m6_all_three_approvals_let_the_mentor_start(cast):
    ride_along = approve_all(cast, request_trip(cast))
    assert ride_along.state == RideAlong.State.APPROVED
    started = start_ride_along(ride_along=ride_along, user=cast.mentor, now=at(START))
    assert started.state == RideAlong.State.STARTED and started.started_by == cast.mentor


def test_m6_only_the_mentor_starts_the_trip(cast):
    ride_along = approve_all(cast, request_trip(cast))
    with pytest.raises(PermissionDenied):
        start_ride_along(ride_along=ride_along, user=cast.trainee)


def test_m6_one_rejection_closes_the_trip_with_its_reason(cast):
    ride_along = request_trip(cast)
    approval = ride_along.approvals.get(kind=Approval.Kind.POST_HEAD)
    decide_approval(approval=approval, user=cast.post_head, approve=False, comment="岗位培训未完成")
    ride_along.refresh_from_db()
    assert ride_along.state == RideAlong.State.REJECTED
    other = ride_along.approvals.get(kind=Approval.Kind.TRAINING_SUPERVISOR)
    with pytest.raises(ValidationError):
        decide_approval(approval=other, user=cast.supervisor, approve=True)


def test_m6_a_rejection_needs_a_comment(cast):
    approval = request_trip(cast).approvals.get(kind=Approval.Kind.POST_HEAD)
    with pytest.raises(ValidationError):
        decide_approval(approval=approval, user=cast.post_head, approve=False, comment=" ")


def test_m6_the_wrong_person_cannot_decide(cast):
    approval = request_trip(cast).approvals.get(kind=Approval.Kind.POST_HEAD)
    for user in (cast.mentor, cast.supervisor, cast.lead, cast.trainee):
        with pytest.raises(PermissionDenied):
            decide_approval(approval=approval, user=user, approve=True)


def test_audit_a_decided_approval_records_who_and_when_and_is_locked(cast):
    approval = request_trip(cast).approvals.get(kind=Approval.Kind.POST_HEAD)
    decide_approval(approval=approval, user=cast.post_head, approve=True, comment="同意")
    approval.refresh_from_db()
    assert approval.decided_by == cast.post_head and approval.decided_at is not None
    with pytest.raises(ValidationError):
        decide_approval(approval=approval, user=cast.post_head, approve=False, comment="改主意")
    approval.comment = "悄悄改"
    with pytest.raises(RecordLocked):
        approval.save(update_fields=["comment"])


def test_m6_a_trip_that_happened_without_approvals_is_not_reimbursable_and_flags_the_mentor(cast):
    ride_along = request_trip(cast)
    record_trip_happened(ride_along=ride_along, user=cast.mentor, now=at(END, 18))
    ride_along.refresh_from_db()
    assert ride_along.reimbursable is False and ride_along.approved_before_trip is False
    record = AccountabilityRecord.objects.get()
    assert record.person == cast.mentor and record.kind == AccountabilityRecord.Kind.UNAPPROVED_TRIP


def test_m6_an_approved_trip_that_happened_is_reimbursable(cast):
    ride_along = happened_trip(cast)
    assert ride_along.reimbursable is True and ride_along.ended_on == END
    assert not AccountabilityRecord.objects.exists()


def test_m9_sign_off_records_weak_points_plan_and_skills_and_sends_the_signal(cast, django_capture_on_commit_callbacks):
    received = []
    ride_along_signed_off.connect(lambda **kw: received.append(kw["trainee"]), weak=False, dispatch_uid="t-ra")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ride_along = signed_off_trip(cast)
    finally:
        ride_along_signed_off.disconnect(dispatch_uid="t-ra")
    sign_off = ride_along.sign_off
    assert ride_along.state == RideAlong.State.SIGNED_OFF
    assert sign_off.weak_points.get().skill.name == "售后问题分析"
    assert sign_off.plan_items.get().due_date == START + datetime.timedelta(days=30)
    assert [s.name for s in sign_off.skills_covered.all()] == ["上门服务流程"]
    assert received == [cast.trainee]
    assert signed_off_ride_along_count(cast.trainee) == 1
    assert signed_off_ride_along_count(cast.other_trainee) == 0


def test_m9_the_report_reaches_the_training_lead_and_the_post_head(cast, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signed_off_trip(cast)
    report_to = {m.to[0] for m in mailoutbox if "报告" in m.subject}
    assert report_to == {cast.lead.email, cast.post_head.email}


def test_audit_a_signed_off_report_is_locked_and_amended_with_a_reason(cast):
    sign_off = signed_off_trip(cast).sign_off
    sign_off.performance = "改过的"
    with pytest.raises(RecordLocked):
        sign_off.save()
    with pytest.raises(ValidationError):
        amend_sign_off(sign_off=sign_off, user=cast.mentor, reason="", correction="x")
    with pytest.raises(PermissionDenied):
        amend_sign_off(sign_off=sign_off, user=cast.lead, reason="笔误", correction="x")
    amendment = amend_sign_off(sign_off=sign_off, user=cast.mentor, reason="笔误", correction="应为：表现优秀")
    assert amendment.created_by == cast.mentor and sign_off.amendments.count() == 1


def test_m9_the_trainee_confirms_once(cast):
    sign_off = signed_off_trip(cast).sign_off
    with pytest.raises(PermissionDenied):
        confirm_sign_off(sign_off=sign_off, user=cast.mentor)
    confirm_sign_off(sign_off=sign_off, user=cast.trainee, comment="认同")
    with pytest.raises(ValidationError):
        confirm_sign_off(sign_off=sign_off, user=cast.trainee)


def test_m9_a_trip_can_only_be_signed_off_after_it_happened(cast):
    from mentorship.services import sign_off_ride_along

    ride_along = approve_all(cast, request_trip(cast))
    with pytest.raises(ValidationError):
        sign_off_ride_along(ride_along=ride_along, user=cast.mentor, performance="好")


def test_m6_the_approver_hears_that_a_trip_waits(cast, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_trip(cast)
    assert {m.to[0] for m in mailoutbox} == {cast.supervisor.email, cast.regional_manager.email, cast.post_head.email}
    assert "等待您审批" in mailoutbox[0].subject


def test_m6_pending_approvals_for_matches_who_may_decide(cast):
    from mentorship.access import may_decide, pending_approvals_for

    ride_along = request_trip(cast)
    for user in (cast.supervisor, cast.regional_manager, cast.post_head, cast.lead, cast.mentor, cast.regional_head):
        expected = {a.pk for a in ride_along.approvals.all() if may_decide(user, a)}
        assert {a.pk for a in pending_approvals_for(user)} == expected
    assert len(pending_approvals_for(cast.post_head)) == 1
