"""M10, M13: skill assessments by the training lead, mentor accountability, mentor assessments."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lms.roles import Role
from lms.signals import skill_assessed
from mentorship.models import AccountabilityRecord, MentorAssignment, RecordLocked, SkillAssessment
from mentorship.access import accountability_visible_to, assessment_reports_for
from mentorship.services import assess_mentor, assess_skill, passed_skill_ids

from .helpers import END, at, signed_off_trip, skill
from ..factories import make_person


@pytest.fixture(autouse=True)
def after_the_trips(clock):
    """Assessments come a week after the helpers' trips ended (a trip not yet over is no evidence, M10)."""
    import datetime

    clock.move_to(at(END + datetime.timedelta(days=7)), tick=True)


def test_m13_the_training_lead_assesses_and_the_signal_is_sent(cast, django_capture_on_commit_callbacks):
    received = []
    skill_assessed.connect(lambda **kw: received.append(kw["assessment"].pk), weak=False, dispatch_uid="t-sa")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            a = assess_skill(trainee=cast.trainee, skill=skill(), assessor=cast.lead, result="passed", score=90)
    finally:
        skill_assessed.disconnect(dispatch_uid="t-sa")
    assert received == [a.pk]
    assert passed_skill_ids(cast.trainee) == {skill().pk}


def test_m13_only_a_training_lead_of_the_region_assesses(cast):
    for user in (cast.other_lead, cast.supervisor, cast.regional_head):
        with pytest.raises(PermissionDenied):
            assess_skill(trainee=cast.trainee, skill=skill(), assessor=user, result="passed")


def test_m13_the_trainees_own_mentor_may_not_assess(cast):
    MentorAssignment.objects.filter(trainee=cast.trainee).update(mentor=cast.lead)
    with pytest.raises(ValidationError):
        assess_skill(trainee=cast.trainee, skill=skill(), assessor=cast.lead, result="passed")


def test_m10_failing_a_skill_the_signed_off_trip_covered_holds_the_mentor_accountable(cast, mailoutbox,
                                                                                       django_capture_on_commit_callbacks):
    ride_along = signed_off_trip(cast, skills=[skill()])
    with django_capture_on_commit_callbacks(execute=True):
        assessment = assess_skill(trainee=cast.trainee, skill=skill(), assessor=cast.lead, result="failed", score=40)
    record = AccountabilityRecord.objects.get(kind=AccountabilityRecord.Kind.SKILL_NOT_MASTERED)
    assert (record.person, record.ride_along, record.assessment) == (cast.mentor, ride_along, assessment)
    assert [m.to for m in mailoutbox] == [[cast.lead.email]]


def test_m10_failing_a_skill_no_trip_covered_holds_nobody_accountable(cast):
    signed_off_trip(cast, skills=[skill()])
    assess_skill(trainee=cast.trainee, skill=skill("装机培训"), assessor=cast.lead, result="failed")
    assert not AccountabilityRecord.objects.exists()


def test_m10_passing_holds_nobody_accountable(cast):
    signed_off_trip(cast, skills=[skill()])
    assess_skill(trainee=cast.trainee, skill=skill(), assessor=cast.lead, result="passed")
    assert not AccountabilityRecord.objects.exists()


def test_m10_the_record_is_visible_to_the_regional_head_and_the_lead_only(cast):
    signed_off_trip(cast, skills=[skill()])
    assess_skill(trainee=cast.trainee, skill=skill(), assessor=cast.lead, result="failed")
    assert accountability_visible_to(cast.lead).count() == 1
    assert accountability_visible_to(cast.regional_head).count() == 1
    assert accountability_visible_to(cast.other_lead).count() == 0
    assert accountability_visible_to(cast.mentor).count() == 0


def test_m10_the_latest_assessment_decides_what_is_passed(cast):
    assess_skill(trainee=cast.trainee, skill=skill(), assessor=cast.lead, result="passed")
    assess_skill(trainee=cast.trainee, skill=skill(), assessor=cast.lead, result="failed")
    assert passed_skill_ids(cast.trainee) == set()


def test_audit_an_assessment_cannot_be_edited(cast):
    a = assess_skill(trainee=cast.trainee, skill=skill(), assessor=cast.lead, result="failed")
    a.result = SkillAssessment.Result.PASSED
    with pytest.raises(RecordLocked):
        a.save()
    with pytest.raises(RecordLocked):
        a.delete()


def test_m13_the_regional_head_assesses_mentors_of_their_region(cast):
    assess_mentor(mentor=cast.mentor, assessor=cast.regional_head, result="good", score=85)
    with pytest.raises(PermissionDenied):
        assess_mentor(mentor=cast.other_mentor, assessor=cast.regional_head, result="good")
    with pytest.raises(PermissionDenied):
        assess_mentor(mentor=cast.mentor, assessor=cast.lead, result="good")


def test_m13_whoever_approved_the_trip_may_assess_its_mentor(cast):
    ride_along = signed_off_trip(cast)
    assess_mentor(mentor=cast.mentor, assessor=cast.post_head, result="excellent", ride_along=ride_along)
    with pytest.raises(PermissionDenied):
        assess_mentor(mentor=cast.mentor, assessor=cast.post_head, result="good")


def test_m13_every_assessment_report_ends_up_with_the_training_lead(cast):
    ride_along = signed_off_trip(cast)
    assess_skill(trainee=cast.trainee, skill=skill(), assessor=cast.lead, result="passed")
    assess_mentor(mentor=cast.mentor, assessor=cast.regional_head, result="good")
    other_head = make_person("other_head", role=Role.REGIONAL_HEAD, region=cast.org.south, status="regular",
                             scope_region=cast.org.south)
    assess_mentor(mentor=cast.other_mentor, assessor=other_head, result="poor")
    reports = assessment_reports_for(cast.lead)
    assert reports["skills"].count() == 1
    assert [m.mentor for m in reports["mentors"]] == [cast.mentor]
    assert [s.ride_along for s in reports["sign_offs"]] == [ride_along]
    assert assessment_reports_for(cast.other_lead)["mentors"].get().mentor == cast.other_mentor
