"""The demo cohort (16.8, 19): about 60 trainees in three regions, each standing of the cockpit filled, built through
the services so the evidence and the dates hold. The whole demo is loaded once for the module (it is slow) and
committed for real, as ``make run`` does; afterwards the database is flushed and what the migrations had put
there restored (as a serialized-rollback transactional test does)."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from certificates.models import Certificate
from certificates.requirements import check
from cockpit import demo as cohort_demo
from cockpit.services import cohort_figures
from courses.models import Attempt, CourseCompletion
from lms.models import Region, RoleAssignment, StaffProfile
from lms.roles import Role
from mentorship.models import AccountabilityRecord, Approval, MentorAssessment, RideAlong, SkillAssessment

pytestmark = pytest.mark.django_db


def _load():
    call_command("load_standards", stdout=io.StringIO())
    call_command("load_programs", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def _counts():
    return {m._meta.label: m._default_manager.count() for app in
            ("lms", "courses", "mentorship", "certificates", "wrongbook", "progress")
            for m in apps.get_app_config(app).get_models()}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # What the migrations put there (Wagtail's pages, groups and permissions…), put back after the flush, as a
        # serialized-rollback transactional test does: the tests after this module find the database they expect.
        snapshot = connection.creation.serialize_db_to_string()
        try:
            _load()
            first = _counts()
            call_command("load_demo", stdout=io.StringIO())
            yield first
        finally:
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(snapshot)
            # The rows came back with their ids; PostgreSQL's sequences, reset by the flush, must follow them or
            # the next insert collides with a restored row (SQLite needs nothing: it takes the largest id).
            statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


def _local(moment):
    return timezone.localdate(moment)


def trainees(region=None):
    profiles = StaffProfile.objects.filter(user__role_assignments__role=Role.TRAINEE)
    if region:
        profiles = profiles.filter(region__code=region)
    return profiles


def test_it_has_about_sixty_trainees_in_three_regions(demo):
    assert trainees().count() >= 55
    for code in ("sh", "hz", "gz"):
        assert trainees(code).count() >= 18, code


def test_each_region_has_someone_in_every_standing_the_cockpit_shows(demo):
    from certificates.models import Program

    program = Program.objects.get(code="CS-ONBOARD")
    for code in ("sh", "hz", "gz"):
        figures, quizzes = cohort_figures(trainees(code), program)
        for standing in ("certified", "at_risk", "overdue", "on_track", "without_mentor", "started", "theory",
                         "complete"):
            assert figures[standing] > 0, (code, standing)
        assert quizzes and all(tried for _title, _passed, tried in quizzes), code
        assert any(passed < tried for _title, passed, tried in quizzes), code
        waiting = Attempt.objects.filter(state=Attempt.State.AWAITING_MARKING, user__profile__region__code=code)
        assert waiting.exists(), code


def test_every_region_has_trips_in_every_state(demo):
    states = set(RideAlong.objects.filter(trainee__profile__region__code__in=["sh", "hz", "gz"])
                 .values_list("state", flat=True))
    assert states == set(RideAlong.State.values)


def test_every_certificate_holder_meets_every_requirement_and_was_certified_after_the_evidence(demo):
    certificates = list(Certificate.objects.select_related("holder", "program"))
    assert Certificate.objects.filter(program__code="CS-ONBOARD", status=Certificate.Status.VALID).count() >= 3
    for certificate in certificates:
        requirements = check(certificate.holder, certificate.program)
        assert all(r.met for r in requirements), certificate.holder.username
        courses = list(certificate.program.required_courses.all())
        counted = Attempt.objects.filter(user=certificate.holder, quiz__practice=False).exclude(finished_at=None)
        for attempt in counted.select_related("quiz"):
            if any(attempt.quiz.path.startswith(c.path) for c in courses):
                assert _local(attempt.finished_at) <= certificate.issued_on, certificate.holder.username
        for completion in CourseCompletion.objects.filter(user=certificate.holder, course__in=courses):
            assert _local(completion.completed_at) <= certificate.issued_on
        trips = RideAlong.objects.counting_toward_certificate().filter(trainee=certificate.holder)
        if any(r.kind == "ride_alongs" for r in requirements):
            assert trips.exists()
            assert all(_local(trip.sign_off.signed_at) <= certificate.issued_on for trip in trips)


def test_the_dates_of_every_trip_make_sense(demo):
    trips = list(RideAlong.objects.select_related("trainee"))
    assert len(trips) > 20
    for trip in trips:
        name = (trip.trainee.username, trip.pk)
        # No trip before the theory courses (M6): each completed before the request.
        theory = CourseCompletion.objects.filter(user=trip.trainee, course__required_before_ride_along=True)
        assert theory.exists(), name
        assert all(c.completed_at <= trip.requested_at for c in theory), name
        for approval in trip.approvals.exclude(decision=Approval.Decision.PENDING):
            # Decided after the request and never after the trip took place.
            assert trip.requested_at <= approval.decided_at, name
            assert _local(approval.decided_at) <= trip.start_date, name
        if trip.started_at:
            assert _local(trip.started_at) >= trip.start_date, name
        if trip.completed_at:
            assert trip.ended_on <= trip.end_date and _local(trip.completed_at) >= trip.ended_on, name
        if trip.state == RideAlong.State.SIGNED_OFF:
            assert trip.sign_off.signed_at >= trip.completed_at and _local(trip.sign_off.signed_at) >= trip.ended_on
    assert RideAlong.objects.counting_toward_certificate().count() >= 8


def test_assessments_come_after_the_trips_they_judge(demo):
    records = AccountabilityRecord.objects.filter(kind=AccountabilityRecord.Kind.SKILL_NOT_MASTERED)
    assert records.count() >= 2
    for record in records.select_related("assessment", "ride_along__sign_off"):
        assert record.assessment.assessed_at > record.ride_along.sign_off.signed_at
    for assessment in SkillAssessment.objects.all():
        for trip in RideAlong.objects.filter(trainee=assessment.trainee, sign_off__skills_covered=assessment.skill):
            assert assessment.assessed_at > trip.sign_off.signed_at
    for assessment in MentorAssessment.objects.exclude(ride_along=None):
        assert assessment.assessed_at > assessment.ride_along.sign_off.signed_at


def test_mentors_are_regular_staff_assigned_by_the_lead_of_the_trainees_region(demo):
    from mentorship.access import is_training_lead_for
    from mentorship.models import MentorAssignment

    assignments = MentorAssignment.objects.filter(trainee__profile__in=trainees()).select_related(
        "mentor__profile", "trainee", "assigned_by")
    assert assignments.count() >= 45
    for assignment in assignments:
        assert assignment.mentor.profile.is_regular
        if assignment.assigned_by:
            assert is_training_lead_for(assignment.assigned_by, assignment.trainee)
    regions = {c: set(MentorAssignment.objects.current().filter(trainee__profile__region__code=c)
                      .values_list("mentor", flat=True)) for c in ("sh", "hz", "gz")}
    assert all(len(mentors) >= 3 for mentors in regions.values())
    assert RoleAssignment.objects.filter(role=Role.TRAINING_LEAD, region__in=Region.objects.filter(
        code__in=["east", "south"])).count() == 2


def test_the_chain_trainee_has_weak_clauses_a_focused_trip_and_a_scored_checklist(demo):
    from wrongbook.models import BookEntry, Observation
    from wrongbook.services import weakest_clauses

    username = next(p[0] for p in cohort_demo.people() if p[3] == cohort_demo.CHAIN_REGION and p[4].kind == "one_trip")
    trainee = StaffProfile.objects.get(user__username=username).user
    weak = weakest_clauses(trainee)
    assert weak and BookEntry.objects.filter(user=trainee).exists()
    # The wrong answers came from the real quiz flow: a practice attempt, answers graded wrong, filed by clause.
    assert trainee.clause_answers.filter(correct=False).exists()
    trip = RideAlong.objects.get(trainee=trainee, state=RideAlong.State.SIGNED_OFF)
    assert trip.focus_clauses and set(trip.focus_clauses) <= set(
        trainee.clause_answers.filter(correct=False).values_list("clause_id", flat=True))
    observations = Observation.objects.filter(sign_off=trip.sign_off)
    assert set(observations.values_list("score", flat=True)) == set(Observation.Score.values)
    needs_work = observations.get(score=Observation.Score.NEEDS_WORK)
    assert trip.sign_off.weak_points.filter(description__contains=needs_work.clause_id).exists()
    assert trip.sign_off.plan_items.filter(description__contains=needs_work.clause_id).exists()


def test_loading_it_again_changes_nothing(demo):
    assert _counts() == demo


def test_the_demo_sends_no_mail_and_leaves_the_mail_setting_as_it_was(demo):
    """The made-up people's mail goes nowhere while the demo loads, and only then: the test run's outbox still
    collects what the services send afterwards."""
    from django.conf import settings
    from django.core import mail

    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    mail.send_mail("主题", "正文", None, ["someone@example.cn"])
    assert len(mail.outbox) == 1
