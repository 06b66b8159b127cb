"""Ride-alongs with a focus (19.3): the request proposes the trainee's weakest clauses and the skills not yet
passed; the mentor confirms or edits; the trip page shows the focus to the approvers."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentorship.catalogue import ensure_catalogues
from mentorship.models import RideAlong, SkillAssessment
from mentorship.services import propose_focus
from tests.mentorship.helpers import END, START, TODAY, request_trip, skill
from tests.mentorship.helpers import at as trip_at

from .conftest import at, take


@pytest.fixture
def weak(bank, cast):
    """The trainee got WB-01 wrong twice and WB-02 once (September, before the trips of the helpers)."""
    ensure_catalogues()
    with time_machine.travel(at(1).replace(month=9), tick=False):
        take(bank.quiz, cast.trainee, correct=False)
        take(bank.certifying, cast.trainee, correct=False)
    from wrongbook.models import BookEntry

    BookEntry.objects.filter(user=cast.trainee, clause_id="WB-01").update(wrong_count=5)
    return cast.trainee


@pytest.fixture
def today():
    with time_machine.travel(trip_at(TODAY, 9), tick=True):
        yield


def test_the_proposal_is_the_weakest_clauses_and_the_skills_not_passed(cast, weak, today):
    SkillAssessment.objects.create(trainee=cast.trainee, skill=skill(), result=SkillAssessment.Result.FAILED,
                                   assessor=cast.lead, notes="话术不熟")
    clauses, skills = propose_focus(cast.trainee)
    assert clauses == ["WB-01", "WB-02"]
    assert skills == [skill()]


def test_the_request_form_proposes_the_focus(client, cast, weak, today):
    client.force_login(cast.mentor)
    page = client.get(reverse("mentorship:ride_along_new")).content.decode()
    assert "WB-01、WB-02" in page


def test_the_mentor_edits_the_focus_and_the_approvers_see_it(client, bank, cast, weak, today):
    client.force_login(cast.mentor)
    response = client.post(reverse("mentorship:ride_along_new"), {
        "trainee": cast.trainee.pk, "destination_region": cast.org.hz.pk, "cities": "杭州",
        "start_date": START.isoformat(), "end_date": END.isoformat(), "skills": [skill().pk],
        "focus_clauses": "wb-02, WB-01、WB-02",
    })
    assert response.status_code == 302
    trip = RideAlong.objects.get()
    assert trip.focus_clauses == ["WB-02", "WB-01"]
    client.force_login(cast.supervisor)  # an approver
    page = client.get(reverse("mentorship:ride_along", args=[trip.pk])).content.decode()
    assert f"{bank.lesson.url}#clause-WB-02" in page and "唱收唱付" in page


def test_a_focus_that_is_not_clause_ids_is_refused_and_nothing_saved(client, cast, weak, today):
    client.force_login(cast.mentor)
    response = client.post(reverse("mentorship:ride_along_new"), {
        "trainee": cast.trainee.pk, "destination_region": cast.org.hz.pk, "cities": "杭州",
        "start_date": START.isoformat(), "end_date": END.isoformat(), "focus_clauses": "礼貌用语",
    })
    assert response.status_code == 200
    assert not RideAlong.objects.exists()


def test_the_service_refuses_more_than_five_focus_clauses(cast, today):
    ensure_catalogues()
    with pytest.raises(ValidationError):
        request_trip(cast, focus_clauses=[f"WB-0{n}" for n in range(1, 7)])
    assert not RideAlong.objects.exists()
