"""17.4 Data outside its scope: a mentor's private records on their person page, and care check-ins (M11) after a
change of mentor."""

import datetime

from django.urls import reverse

from courses.services import finish_attempt, start_attempt
from mentorship.services import assess_mentor, assign_mentor, record_care_check_in

from ..courses.conftest import answer_all, make_question, make_quiz
from .helpers import END, START, approve_all, at, request_trip


def _person(client, viewer, person):
    client.force_login(viewer)
    return client.get(reverse("person", args=[person.profile.pk])).content.decode()


def _mentor_with_private_records(cast):
    """The regional head assessed the mentor (score 83); the mentor took a quiz (a 50 % result)."""
    assess_mentor(mentor=cast.mentor, assessor=cast.regional_head, result="good", score=83, notes="带教认真")
    quiz = make_quiz(questions=[make_question(), make_question()], title="导师自测")
    attempt = start_attempt(cast.mentor, quiz)
    attempt = answer_all(attempt, correct=False)
    finish_attempt(attempt)
    return quiz


def test_a_trainee_does_not_read_their_mentors_assessment_or_quiz_results(client, cast):
    quiz = _mentor_with_private_records(cast)
    page = _person(client, cast.trainee, cast.mentor)
    assert cast.mentor.profile.name in page  # the trainee may see who their mentor is
    assert "导师考核" not in page and "（83）" not in page and "带教认真" not in page
    assert quiz.title not in page and "课程与测验" not in page and "最近的测验成绩" not in page


def test_those_entitled_read_the_mentors_assessment_and_results(client, cast):
    quiz = _mentor_with_private_records(cast)
    for viewer in (cast.lead, cast.regional_head, cast.mentor):
        page = _person(client, viewer, cast.mentor)
        assert "导师考核" in page and "（83）" in page, viewer
        assert quiz.title in page, viewer


def test_a_trainee_does_not_see_the_trips_their_mentor_led_with_others(client, cast):
    from ..factories import make_person

    other = make_person("trainee2", role="trainee", region=cast.org.sh, post=cast.org.field, name="另一位新员工")
    assign_mentor(trainee=other, mentor=cast.mentor)
    request_trip(cast, trainee=other)
    approve_all(cast, request_trip(cast, start_date=END + datetime.timedelta(days=5),
                                   end_date=END + datetime.timedelta(days=6)))
    page = _person(client, cast.trainee, cast.mentor)
    assert "另一位新员工" not in page
    assert "另一位新员工" in _person(client, cast.lead, cast.mentor)


# --- M11 care check-ins follow the current assignment ----------------------------------------------------------------


def _care(client, viewer, trainee):
    client.force_login(viewer)
    return client.get(reverse("mentorship:care", args=[trainee.profile.pk]))


def test_m11_a_former_mentor_without_entries_no_longer_reads_the_check_ins(client, cast, clock):
    assign_mentor(trainee=cast.trainee, mentor=cast.other_mentor, assigned_by=cast.lead, reason="调岗",
                  start_date=START)
    clock.move_to(at(START + datetime.timedelta(days=1)))
    record_care_check_in(mentor=cast.other_mentor, trainee=cast.trainee, life="家中有事，情绪低落")
    assert _care(client, cast.other_mentor, cast.trainee).status_code == 200
    assert _care(client, cast.mentor, cast.trainee).status_code == 404
    assert "情绪低落" not in _person(client, cast.mentor, cast.trainee)


def test_m11_a_former_mentor_keeps_only_their_own_entries(client, cast, clock):
    record_care_check_in(mentor=cast.mentor, trainee=cast.trainee, work="适应良好")
    assign_mentor(trainee=cast.trainee, mentor=cast.other_mentor, assigned_by=cast.lead, reason="调岗",
                  start_date=START)
    clock.move_to(at(START + datetime.timedelta(days=1)))
    record_care_check_in(mentor=cast.other_mentor, trainee=cast.trainee, life="家中有事，情绪低落")
    page = _care(client, cast.mentor, cast.trainee)
    html = page.content.decode()
    assert page.status_code == 200 and "适应良好" in html and "情绪低落" not in html
    assert "新关怀记录" not in html  # no longer the mentor: nothing to write
    assert _care(client, cast.mentor, cast.trainee).status_code == 200
    client.force_login(cast.mentor)
    assert client.post(reverse("mentorship:care", args=[cast.trainee.profile.pk]),
                       {"date": "2026-10-14", "work": "x"}).status_code == 403
    for follower in (cast.other_mentor, cast.lead, cast.post_head):
        html = _care(client, follower, cast.trainee).content.decode()
        assert "适应良好" in html and "情绪低落" in html
