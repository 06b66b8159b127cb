"""M1: every regular employee may be a mentor; trainees get one, with history kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mentorship.models import MentorAssignment
from mentorship.services import assign_mentor, current_mentor


def test_m1_only_a_regular_employee_can_mentor(cast):
    with pytest.raises(ValidationError):
        assign_mentor(trainee=cast.other_trainee, mentor=cast.trainee)


def test_m1_a_trainee_cannot_mentor_themselves(cast):
    cast.trainee.profile.status = "regular"
    cast.trainee.profile.save()
    with pytest.raises(ValidationError):
        assign_mentor(trainee=cast.trainee, mentor=cast.trainee)


def test_m1_reassignment_keeps_the_history(cast):
    new = assign_mentor(
        trainee=cast.trainee, mentor=cast.other_mentor, assigned_by=cast.lead,
        start_date=datetime.date(2026, 10, 1), reason="调岗",
    )
    history = list(MentorAssignment.objects.filter(trainee=cast.trainee).order_by("start_date"))
    assert [a.mentor for a in history] == [cast.mentor, cast.other_mentor]
    assert history[0].end_date == datetime.date(2026, 9, 30)
    assert new.end_date is None and new.assigned_by == cast.lead
    assert current_mentor(cast.trainee) == cast.other_mentor


def test_m1_assigning_the_same_mentor_again_changes_nothing(cast):
    before = MentorAssignment.objects.count()
    assign_mentor(trainee=cast.trainee, mentor=cast.mentor)
    assert MentorAssignment.objects.count() == before
