"""M6 with the shipped library: a mentor's ride-along request is refused, in Chinese and with nothing saved,
until the trainee has completed the theory required before a ride-along, 上门服务规范 (ONSITE) included."""

import random

import pytest
from django.urls import reverse

from courses.models import CoursePage, Question
from courses.services import finish_attempt, mark_answer, mark_lesson_read, save_answer, start_attempt
from courses.standards import data, loader
from mentorship.models import RideAlong

from .helpers import skill

GATED = ("MENTORING", "ONSITE")


def _complete(user, course, marker):
    """The learner reads every lesson and passes the certifying quiz; the training lead marks the written answers."""
    for lesson in course.lessons():
        mark_lesson_read(user, lesson)
    for quiz in course.quizzes():
        attempt = start_attempt(user, quiz, rng=random.Random(3))
        for answer in attempt.questions.all():
            attempt.refresh_from_db()
            if answer.is_essay:
                save_answer(attempt, position=answer.order, seq=attempt.seq, text=answer.reference_answer)
            else:
                right = [i for i, o in enumerate(answer.options) if o["correct"]]
                save_answer(attempt, position=answer.order, seq=attempt.seq, selected=right)
        attempt, _ = finish_attempt(attempt)
        for answer in attempt.questions.filter(type=Question.Type.ESSAY):
            mark_answer(answer, correct=True, by=marker)


def _request(client, cast):
    return client.post(reverse("mentorship:ride_along_new"), {
        "trainee": cast.trainee.pk, "destination_region": cast.org.hz.pk, "cities": "杭州",
        "start_date": "2026-10-12", "end_date": "2026-10-21", "skills": [skill().pk], "purpose": "上门装机",
    })


@pytest.mark.django_db
def test_the_ride_along_request_is_refused_until_the_onsite_theory_is_done(client, cast):
    loader.load_library([c for c in data.load_library() if c["code"] in GATED])
    courses = {c.code: c for c in CoursePage.objects.live()}
    assert all(c.required_before_ride_along for c in courses.values())
    client.force_login(cast.mentor)

    response = _request(client, cast)
    html = response.content.decode()
    assert response.status_code == 200 and "尚未完成出行前必修的理论课程" in html
    assert "传帮带制度" in html and "上门服务规范" in html
    assert not RideAlong.objects.exists()

    _complete(cast.trainee, courses["MENTORING"], cast.lead)
    response = _request(client, cast)
    html = response.content.decode()
    assert response.status_code == 200 and "上门服务规范" in html and "传帮带制度" not in html
    assert not RideAlong.objects.exists()

    _complete(cast.trainee, courses["ONSITE"], cast.lead)
    response = _request(client, cast)
    assert response.status_code == 302
    assert RideAlong.objects.get().trainee == cast.trainee
