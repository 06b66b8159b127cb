"""Each requirement of a program answers "does she meet it" and "who meets it" from one rule.

A property test builds random small worlds (course completions, ride-alongs in every state,
skill assessments with equal timestamps, checklist items on active and retired topics) and
checks that, for every requirement, the per-person face and the set face agree.
"""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certificates import requirements
from certificates.models import Program
from mentorship.catalogue import ensure_catalogues
from mentorship.models import Approval, ChecklistItem, ChecklistTopic, RideAlong, SignOff, Skill, SkillAssessment
from tests.factories import make_person
from lms.roles import Role

from ..mentorship.helpers import signed_off_trip
from .conftest import make_course

BASE = datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)
STATES = [s for s, _label in RideAlong.State.choices]


@pytest.fixture
def stage(cast):
    """Fixed pieces the random worlds are built on: three trainees, two courses, two skills, three topics."""
    trainees = [cast.trainee, cast.other_trainee, make_person("t3", role=Role.TRAINEE, region=cast.org.sh)]
    courses = [make_course("WIN")[0], make_course("HALL")[0]]
    skills = [Skill.objects.create(name="测试技能甲"), Skill.objects.create(name="测试技能乙")]
    ChecklistTopic.objects.all().delete()
    topics = [ChecklistTopic.objects.create(title=f"主题{n}", order=n) for n in range(3)]
    program = Program.objects.create(code="P", name="上岗认证")
    return cast, trainees, courses, skills, topics, program


worlds = st.fixed_dictionaries({
    "completions": st.sets(st.tuples(st.integers(0, 2), st.integers(0, 1))),
    # (trainee, state, evidence): a trip's approvals and sign-off, whole, bent (two approvals by one person,
    # a sign-off dated before the end) or missing — only whole evidence on a signed-off trip counts (17.1).
    "trips": st.lists(st.tuples(st.integers(0, 2), st.sampled_from(STATES),
                                st.sampled_from(["whole", "one_person_twice", "early_sign_off", "none"])), max_size=8),
    "min_ride_alongs": st.integers(0, 3),
    # (trainee, skill, result, minute): equal minutes are ties, broken by the later id.
    "assessments": st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1), st.sampled_from(["passed", "failed"]),
                                      st.integers(0, 3)), max_size=8),
    "active_topics": st.lists(st.booleans(), min_size=3, max_size=3),
    "items": st.dictionaries(st.tuples(st.integers(0, 2), st.integers(0, 2)), st.booleans()),  # acknowledged?
    "required_skills": st.sets(st.integers(0, 1)),
    "checklist_required": st.booleans(),
    "required_courses": st.sets(st.integers(0, 1)),
})


def _evidence(cast, trip, how):
    """The records a trip's counting rests on, as the services write them (or bent as ``how`` says)."""
    approvers = [cast.supervisor, cast.regional_manager, cast.post_head]
    if how == "one_person_twice":
        approvers[2] = cast.supervisor
    for kind, user in zip(Approval.Kind.values, approvers):
        Approval.objects.create(ride_along=trip, kind=kind, decision=Approval.Decision.APPROVED, decided_by=user,
                                decided_at=BASE - datetime.timedelta(days=5))
    RideAlong.objects.filter(pk=trip.pk).update(approved_before_trip=True, ended_on=trip.end_date)
    signed = trip.end_date - datetime.timedelta(days=1) if how == "early_sign_off" else trip.end_date
    SignOff.objects.create(ride_along=trip, performance="好", signed_by=cast.mentor,
                           signed_at=datetime.datetime.combine(signed, datetime.time(20), tzinfo=datetime.UTC))


def _build(stage, world):
    cast, trainees, courses, skills, topics, program = stage
    from courses.models import CourseCompletion

    for t, c in world["completions"]:
        CourseCompletion.objects.create(user=trainees[t], course=courses[c])
    for t, state, evidence in world["trips"]:
        trip = RideAlong.objects.create(trainee=trainees[t], mentor=cast.mentor, destination_region=cast.org.hz,
                                        cities=["杭州"], start_date=datetime.date(2026, 10, 1),
                                        end_date=datetime.date(2026, 10, 2), state=state)
        if evidence != "none":
            _evidence(cast, trip, evidence)
    for t, s, result, minute in world["assessments"]:
        a = SkillAssessment.objects.create(trainee=trainees[t], skill=skills[s], result=result, assessor=cast.lead)
        SkillAssessment.objects.filter(pk=a.pk).update(assessed_at=BASE + datetime.timedelta(minutes=minute))
    for topic, active in zip(topics, world["active_topics"]):
        ChecklistTopic.objects.filter(pk=topic.pk).update(active=active)
    for (t, k), acknowledged in world["items"].items():
        ChecklistItem.objects.create(trainee=trainees[t], topic=topics[k], covered_by=cast.mentor,
                                     acknowledged_at=BASE if acknowledged else None)
    Program.objects.filter(pk=program.pk).update(min_ride_alongs=world["min_ride_alongs"],
                                                 checklist_required=world["checklist_required"])
    program.refresh_from_db()
    program.required_courses.set([courses[i] for i in world["required_courses"]])
    program.required_skills.set([skills[i] for i in world["required_skills"]])
    return trainees, program


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds)
def test_the_two_faces_of_every_requirement_agree(stage, world):
    try:
        with transaction.atomic():  # each example starts from the stage again
            _check_faces(*_build(stage, world))
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


def _check_faces(trainees, program):
    reqs = requirements.requirements_of(program)
    ids = {t.pk for t in trainees}
    pairs = requirements.met_pairs(reqs)
    for r in reqs:
        who = set(r.users_meeting()) & ids
        assert who == {t.pk for t in trainees if r.met_for(t)}, r.key
        assert who == {uid for key, uid in pairs if key == r.key} & ids, r.key
    for t in trainees:
        statuses = requirements.check(t, program)
        assert [s.key for s in statuses] == [r.key for r in reqs]
        assert [s.met for s in statuses] == [r.met_for(t) for r in reqs]
        assert requirements.met_pairs(reqs, [t.pk]) == {(k, u) for k, u in pairs if u == t.pk}


def _assess(cast, skill, result, when):
    a = SkillAssessment.objects.create(trainee=cast.trainee, skill=skill, result=result, assessor=cast.lead)
    SkillAssessment.objects.filter(pk=a.pk).update(assessed_at=when)


def test_the_latest_skill_result_wins_and_equal_times_go_to_the_later_record(stage):
    cast, _trainees, _courses, (skill, _other), _topics, program = stage
    program.required_skills.set([skill])
    (req,) = requirements.requirements_of(program)
    _assess(cast, skill, "passed", BASE)
    _assess(cast, skill, "failed", BASE + datetime.timedelta(hours=1))
    assert not req.met_for(cast.trainee)
    _assess(cast, skill, "passed", BASE + datetime.timedelta(hours=1))  # same time, recorded later
    assert req.met_for(cast.trainee)
    assert list(req.users_meeting()) == [cast.trainee.pk]


def test_only_ride_alongs_that_count_toward_a_certificate_are_counted(stage):
    cast, _trainees, _courses, _skills, _topics, program = stage
    program.min_ride_alongs = 2
    program.save()
    ensure_catalogues()  # the seeded skills the helper's trip covers
    signed_off_trip(cast)  # three approvers, signed off after it ended: counts
    for state in (RideAlong.State.SIGNED_OFF, RideAlong.State.COMPLETED):  # no approvals, no sign-off: do not
        RideAlong.objects.create(trainee=cast.trainee, mentor=cast.mentor, destination_region=cast.org.hz,
                                 cities=["杭州"], start_date=datetime.date(2026, 10, 1),
                                 end_date=datetime.date(2026, 10, 2), state=state)
    (status,) = requirements.check(cast.trainee, program)
    assert (status.met, status.label, status.snapshot) == (
        False, "已签认的老带新出行 1 次（要求 2 次）", {"kind": "ride_alongs", "count": 1, "required": 2})


def test_nobody_completes_a_checklist_without_active_topics(stage):
    cast, _trainees, _courses, _skills, topics, program = stage
    program.checklist_required = True
    program.save()
    for topic in topics:
        ChecklistItem.objects.create(trainee=cast.trainee, topic=topic, covered_by=cast.mentor, acknowledged_at=BASE)
    (req,) = requirements.requirements_of(program)
    assert req.met_for(cast.trainee)
    ChecklistTopic.objects.update(active=False)
    assert not req.met_for(cast.trainee) and not req.users_meeting().exists()


def test_a_quiz_passed_twice_counts_once_and_one_waiting_for_marking_is_not_passed(stage):
    from courses.models import Attempt, AttemptQuestion, QuizPage

    cast, _trainees, _courses, _skills, _topics, program = stage
    course, _lesson = make_course("FIRST", quiz=True)
    quiz = QuizPage.objects.child_of(course).get()
    program.required_courses.set([course])
    for number in (1, 2):
        Attempt.objects.create(user=cast.trainee, quiz=quiz, number=number, state="finished", passed=True, score=100,
                               finished_at=BASE)
    waiting = Attempt.objects.create(user=cast.other_trainee, quiz=quiz, number=1,
                                     state=Attempt.State.AWAITING_MARKING, finished_at=BASE)
    AttemptQuestion.objects.create(attempt=waiting, order=1, type="essay", stem="话术", text_answer="您好")
    (passed,) = requirements.check(cast.trainee, program)
    (marking,) = requirements.check(cast.other_trainee, program)
    assert passed.text == "课时 0/1，测验 1/1"
    assert (marking.met, marking.state, marking.text) == (False, "partial", "课时 0/1，测验 0/1 · 待评阅")
