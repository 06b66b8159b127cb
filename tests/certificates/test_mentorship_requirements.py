"""Eligibility for each mentorship requirement, through the mentorship app's own services and events."""

import pytest

from certificates import requirements
from certificates.models import Certificate
from mentorship.models import ChecklistTopic, SkillAssessment
from mentorship.services import acknowledge_topic, assess_skill, mark_topic_covered

from ..mentorship.helpers import signed_off_trip, skill


@pytest.fixture
def full_program(world, complete):
    """The onboarding program with every kind of requirement; the trainee has done the courses."""
    program = world.program
    program.min_ride_alongs = 1
    program.checklist_required = True
    program.save()
    program.required_skills.set([skill()])
    complete(world.cast.trainee, world.win_lesson)
    complete(world.cast.trainee, world.hall_lesson)
    return world


def _met(world):
    return {r.kind: r.met for r in requirements.check(world.cast.trainee, world.program)}


def _do_checklist(cast, capture):
    with capture(execute=True):
        for topic in ChecklistTopic.objects.filter(active=True):
            item = mark_topic_covered(trainee=cast.trainee, topic=topic, mentor=cast.mentor)
            acknowledge_topic(item=item, trainee=cast.trainee)


def test_each_requirement_is_checked_and_the_last_event_issues(full_program, django_capture_on_commit_callbacks):
    world, cast = full_program, full_program.cast
    assert _met(world) == {"course": True, "ride_alongs": False, "skill": False, "checklist": False}

    with django_capture_on_commit_callbacks(execute=True):
        signed_off_trip(cast)  # M6/M9: three approvals, trip, mentor's sign-off → ride_along_signed_off
    assert _met(world)["ride_alongs"] is True
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assess_skill(trainee=cast.trainee, skill=skill(), assessor=cast.lead, result=SkillAssessment.Result.PASSED)
    assert _met(world)["skill"] is True
    assert not Certificate.objects.exists()

    _do_checklist(cast, django_capture_on_commit_callbacks)  # M7 → checklist_completed
    certificate = Certificate.objects.get(holder=cast.trainee)
    kinds = [r["kind"] for r in certificate.requirements_met]
    assert sorted(kinds) == ["checklist", "course", "course", "ride_alongs", "skill"]
    assert {"kind": "skill", "name": skill().name, "label": f"技能考核：{skill().name}"} in certificate.requirements_met


def test_a_failed_skill_assessment_does_not_count(full_program, django_capture_on_commit_callbacks):
    cast = full_program.cast
    with django_capture_on_commit_callbacks(execute=True):
        assess_skill(trainee=cast.trainee, skill=skill(), assessor=cast.lead, result=SkillAssessment.Result.FAILED)
    assert _met(full_program)["skill"] is False


def test_fewer_signed_off_ride_alongs_than_required_is_not_enough(full_program, django_capture_on_commit_callbacks):
    full_program.program.min_ride_alongs = 2
    full_program.program.save()
    with django_capture_on_commit_callbacks(execute=True):
        signed_off_trip(full_program.cast)
    assert _met(full_program)["ride_alongs"] is False
