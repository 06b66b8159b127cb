"""The kept progress rows always equal the rows recomputed from the source records.

A property test plays random sequences of events — lessons read, attempts started,
finished, waiting for marking and marked, new rounds granted, ride-alongs in every state with their
evidence (approvals by one or several people, the dates, the sign-off),
skill assessments, checklist items and topics, course assignments to a person, a post
or a region, certificates issued and revoked, a person moving post, the program
changing — and after each sequence compares every kept row with ``compute``.
"""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certificates.models import Certificate, Program
from courses.models import (
    Attempt, AttemptQuestion, CourseAssignment, CourseCompletion, LessonRead, QuizPage, RoundGrant,
)
from lms.roles import Role
from mentorship.models import Approval, ChecklistItem, ChecklistTopic, RideAlong, SignOff, Skill, SkillAssessment
from progress import services
from progress.models import Progress
from tests.certificates.conftest import make_course
from tests.factories import make_person

NOW = datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 10, 1)


@pytest.fixture
def stage(cast):
    trainees = [cast.trainee, cast.other_trainee, make_person("t3", role=Role.TRAINEE, region=cast.org.hz)]
    win, win_lesson = make_course("WIN", quiz=True)
    hall, hall_lesson = make_course("HALL")
    quiz = QuizPage.objects.child_of(win).get()
    quiz.attempts_allowed = 2
    quiz.save()
    skills = [Skill.objects.create(name="测试技能甲"), Skill.objects.create(name="测试技能乙")]
    topics = list(ChecklistTopic.objects.filter(active=True)[:2])
    ChecklistTopic.objects.exclude(pk__in=[t.pk for t in topics]).update(active=False)  # two topics to complete
    program = Program.objects.create(code="P", name="上岗认证", min_ride_alongs=1, checklist_required=True,
                                     validity_months=12)
    program.required_courses.set([win, hall])
    program.required_skills.set(skills[:1])
    return {"cast": cast, "trainees": trainees, "courses": [win, hall], "lessons": [win_lesson, hall_lesson],
            "quiz": quiz, "skills": skills, "topics": topics, "program": program}


T = st.integers(0, 2)
events = st.one_of(
    st.tuples(st.just("read"), T, st.integers(0, 1)),
    st.tuples(st.just("start"), T),
    st.tuples(st.just("finish"), T, st.booleans()),
    st.tuples(st.just("essay"), T),
    st.tuples(st.just("mark"), T, st.booleans()),
    st.tuples(st.just("trip"), T, st.sampled_from([s for s, _ in RideAlong.State.choices])),
    st.tuples(st.just("sign_off"), T),
    st.tuples(st.just("approve"), T, st.integers(0, 2), st.integers(0, 2)),  # (trainee, kind, approver)
    st.tuples(st.just("record"), T),
    st.tuples(st.just("grant"), T),
    st.tuples(st.just("assess"), T, st.integers(0, 1), st.sampled_from(["passed", "failed"])),
    st.tuples(st.just("ack"), T, st.integers(0, 1), st.booleans()),
    st.tuples(st.just("topic"), st.integers(0, 1), st.booleans()),
    st.tuples(st.just("assign"), st.sampled_from(["user", "post", "region"]), T, st.integers(-30, 30)),
    st.tuples(st.just("unassign"),),
    st.tuples(st.just("complete"), T, st.integers(0, 1)),
    st.tuples(st.just("issue"), T, st.integers(-400, 400)),
    st.tuples(st.just("revoke"), T),
    st.tuples(st.just("move"), T),
    st.tuples(st.just("program"), st.integers(0, 3), st.booleans()),
)


def _play(stage, event):
    cast, trainees, program = stage["cast"], stage["trainees"], stage["program"]
    kind, *args = event
    user = trainees[args[0]] if args and kind not in ("topic", "assign", "program", "unassign") else None
    quiz = stage["quiz"]
    if kind == "read":
        LessonRead.objects.get_or_create(user=user, lesson=stage["lessons"][args[1]])
    elif kind in ("start", "essay"):
        if not Attempt.objects.filter(user=user, quiz=quiz, state=Attempt.State.IN_PROGRESS).exists():
            number = Attempt.objects.filter(user=user, quiz=quiz).count() + 1
            round_ = RoundGrant.objects.filter(learner=user, quiz=quiz).count() + 1
            round_try = Attempt.objects.filter(user=user, quiz=quiz, round=round_).count() + 1
            attempt = Attempt.objects.create(user=user, quiz=quiz, number=number, round=round_, round_try=round_try,
                                             started_at=NOW)
            if kind == "essay":
                AttemptQuestion.objects.create(attempt=attempt, order=1, type="essay", stem="话术", text_answer="您好")
                attempt.state, attempt.finished_at = Attempt.State.AWAITING_MARKING, NOW
                attempt.save(update_fields=["state", "finished_at", "score", "passed"])
    elif kind == "finish":
        attempt = Attempt.objects.filter(user=user, quiz=quiz, state=Attempt.State.IN_PROGRESS).first()
        if attempt:
            attempt.state, attempt.passed, attempt.score, attempt.finished_at = "finished", args[1], 90, NOW
            attempt.save(update_fields=["state", "finished_at", "score", "passed"])
    elif kind == "mark":
        answer = AttemptQuestion.objects.filter(attempt__user=user, correct__isnull=True, type="essay").first()
        if answer:
            answer.correct = args[1]
            answer.save(update_fields=["correct"])
            attempt = answer.attempt
            attempt.state, attempt.passed = Attempt.State.MARKED, args[1]
            attempt.save(update_fields=["state", "score", "passed", "marked_at"])
    elif kind == "trip":
        RideAlong.objects.create(trainee=user, mentor=cast.mentor, destination_region=cast.org.hz, cities=["杭州"],
                                 start_date=TODAY, end_date=TODAY, state=args[1])
    elif kind == "sign_off":
        trip = RideAlong.objects.filter(trainee=user).exclude(state=RideAlong.State.SIGNED_OFF).first()
        if trip:
            trip.state = RideAlong.State.SIGNED_OFF
            trip.save(update_fields=["state"])
            if not SignOff.objects.filter(ride_along=trip).exists():
                SignOff.objects.create(ride_along=trip, performance="好", signed_by=cast.mentor, signed_at=NOW)
    elif kind == "approve":  # one approval of a kind, by one of three people (the same person may approve twice)
        trip = RideAlong.objects.filter(trainee=user).order_by("pk").first()
        approvers = [cast.supervisor, cast.regional_manager, cast.post_head]
        if trip:
            Approval.objects.get_or_create(ride_along=trip, kind=Approval.Kind.values[args[1]], defaults={
                "decision": Approval.Decision.APPROVED, "decided_by": approvers[args[2]], "decided_at": NOW})
    elif kind == "record":  # the trip approved before it happened, and the day it ended
        trip = RideAlong.objects.filter(trainee=user).order_by("pk").first()
        if trip:
            trip.approved_before_trip, trip.ended_on = True, trip.end_date
            trip.save(update_fields=["approved_before_trip", "ended_on"])
    elif kind == "grant":  # the lead opens a new round after the learner's latest attempt
        last = Attempt.objects.filter(user=user, quiz=quiz).order_by("-number").first()
        if last and not RoundGrant.objects.filter(learner=user, quiz=quiz, number=last.round + 1).exists():
            RoundGrant.objects.create(quiz=quiz, learner=user, number=last.round + 1, granted_by=cast.lead,
                                      reason="补考")
    elif kind == "assess":
        SkillAssessment.objects.create(trainee=user, skill=stage["skills"][args[1]], result=args[2],
                                       assessor=cast.lead)
    elif kind == "ack":
        item, _ = ChecklistItem.objects.get_or_create(trainee=user, topic=stage["topics"][args[1]],
                                                      defaults={"covered_by": cast.mentor})
        if args[2] and item.acknowledged_at is None:
            item.acknowledged_at = NOW
            item.save(update_fields=["acknowledged_at"])
    elif kind == "topic":
        topic = stage["topics"][args[0]]
        topic.active = args[1]
        topic.save()
    elif kind == "assign":
        target, who, days = args
        fields = {"user": {"user": trainees[who]}, "post": {"post": cast.org.field},
                  "region": {"region": cast.org.east}}[target]
        CourseAssignment.objects.create(course=stage["courses"][who % 2],
                                        due_date=TODAY + datetime.timedelta(days=days), **fields)
    elif kind == "unassign":
        assignment = CourseAssignment.objects.order_by("pk").first()
        if assignment:
            assignment.delete()
    elif kind == "complete":
        CourseCompletion.objects.get_or_create(user=user, course=stage["courses"][args[1]])
    elif kind == "issue":
        cycle = Certificate.objects.filter(holder=user, program=program).count() + 1
        Certificate.objects.create(program=program, holder=user, cycle=cycle, holder_name="某", employee_no="E",
                                   program_name="P", issued_on=TODAY,
                                   expires_on=TODAY + datetime.timedelta(days=args[1]))
    elif kind == "revoke":
        certificate = Certificate.objects.filter(holder=user, status=Certificate.Status.VALID).first()
        if certificate:
            certificate.status = Certificate.Status.REVOKED
            certificate.save(update_fields=["status"])
    elif kind == "move":
        profile = user.profile
        profile.post = cast.org.hall if profile.post_id == cast.org.field.pk else cast.org.field
        profile.save()
    elif kind == "program":
        program.min_ride_alongs = args[0]
        program.save()
        program.required_skills.set(stage["skills"][: 1 + args[1]])


class _Rollback(Exception):
    pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(events, max_size=12))
def test_the_kept_rows_equal_the_rows_recomputed_from_the_records(stage, sequence, time_machine):
    time_machine.move_to(NOW)
    try:
        with transaction.atomic():
            for event in sequence:
                _play(stage, event)
            assert services.differences() == []
            # Everyone with a profile has a row of the active program.
            assert Progress.objects.filter(program=stage["program"]).count() == \
                Progress.objects.values("user").distinct().count() > 0
            raise _Rollback
    except _Rollback:
        pass
