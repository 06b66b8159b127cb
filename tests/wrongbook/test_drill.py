"""Drills of the 错题本 through the views: other questions of the due clause, answers hidden until given,
each answer taken once, nobody else's drill reachable."""

import random

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from wrongbook.models import BookEntry, ClauseAnswer, Drill
from wrongbook.services import start_drill

from .conftest import at, take


@pytest.fixture
def filed(bank, cast):
    """The trainee got both clauses wrong in the practice quiz on October 1st."""
    with time_machine.travel(at(1), tick=False):
        take(bank.quiz, cast.trainee, correct=False)
    return cast.trainee


def drill_answer(client, drill, number, *, right):
    item = drill.items.get(order=number - 1)
    chosen = [i for i, o in enumerate(item.options) if o["correct"] == right][:1]
    return client.post(reverse("wrongbook:drill_item", args=[drill.pk, number]), {"option": chosen})


def test_nothing_is_due_on_the_day_a_clause_is_filed(filed):
    with time_machine.travel(at(1, 18), tick=False), pytest.raises(ValidationError):
        start_drill(user=filed)


def test_a_drill_draws_other_questions_of_the_due_clauses(bank, filed):
    missed = {bank.q1[0].pk, bank.q2[0].pk}
    with time_machine.travel(at(2), tick=False):
        drill = start_drill(user=filed, rng=random.Random(1))
    items = list(drill.items.all())
    assert {i.clause_id for i in items} == {"WB-01", "WB-02"}
    assert not {i.question_id for i in items} & missed
    # WB-01 has two other questions, WB-02 one: other questions only, two per clause at most.
    assert sorted(i.clause_id for i in items) == ["WB-01", "WB-01", "WB-02"]


def test_the_drill_page_shows_no_answer_before_it_is_given(client, bank, filed):
    client.force_login(filed)
    with time_machine.travel(at(2), tick=False):
        response = client.post(reverse("wrongbook:drill_start"))
        drill = Drill.objects.get(user=filed)
        assert response.url == reverse("wrongbook:drill_item", args=[drill.pk, 1])
        page = client.get(response.url).content.decode()
    assert "is-correct" not in page and "解析" not in page and '"correct"' not in page
    assert "正确项" in page  # the options are shown, not which is right


def test_after_answering_the_page_shows_the_right_answer_and_the_lesson(client, bank, filed):
    bank.certifying.fixed_questions.all().delete()  # no question of the drill is in a certifying quiz's pool
    client.force_login(filed)
    with time_machine.travel(at(2), tick=False):
        client.post(reverse("wrongbook:drill_start"))
        drill = Drill.objects.get(user=filed)
        response = drill_answer(client, drill, 1, right=False)
        page = client.get(response.url).content.decode()
    assert "is-correct" in page and "解析" in page
    assert f"{bank.lesson.url}#clause-" in page


def test_an_answer_sent_twice_is_taken_once(client, bank, filed):
    client.force_login(filed)
    with time_machine.travel(at(2), tick=False):
        client.post(reverse("wrongbook:drill_start"))
        drill = Drill.objects.get(user=filed)
        drill_answer(client, drill, 1, right=True)
        drill_answer(client, drill, 1, right=False)  # double tap, reload, resend
    item = drill.items.get(order=0)
    assert item.correct is True
    assert ClauseAnswer.objects.filter(drill_item=item).count() == 1


def test_an_empty_or_forged_answer_is_refused_and_nothing_saved(client, bank, filed):
    client.force_login(filed)
    with time_machine.travel(at(2), tick=False):
        client.post(reverse("wrongbook:drill_start"))
        drill = Drill.objects.get(user=filed)
        url = reverse("wrongbook:drill_item", args=[drill.pk, 1])
        assert client.post(url, {}).status_code == 400
        assert client.post(url, {"option": ["99"]}).status_code == 400
        assert client.post(url, {"option": ["x"]}).status_code == 400
    assert not drill.items.filter(answered_at__isnull=False).exists()


def test_another_learner_cannot_see_or_answer_the_drill(client, bank, cast, filed):
    with time_machine.travel(at(2), tick=False):
        drill = start_drill(user=filed)
    url = reverse("wrongbook:drill_item", args=[drill.pk, 1])
    for person in (cast.other_trainee, cast.mentor, cast.lead):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"option": ["0"]}).status_code == 404
    assert not drill.items.filter(answered_at__isnull=False).exists()


def test_a_double_tap_on_start_makes_one_drill(client, filed):
    client.force_login(filed)
    with time_machine.travel(at(2), tick=False):
        first = client.post(reverse("wrongbook:drill_start"))
        second = client.post(reverse("wrongbook:drill_start"))
    assert first.url == second.url
    assert Drill.objects.filter(user=filed).count() == 1


def test_the_book_shows_weak_clauses_with_their_lesson(client, bank, filed):
    client.force_login(filed)
    with time_machine.travel(at(2), tick=False):
        page = client.get(reverse("wrongbook:book")).content.decode()
    assert "WB-01" in page and "起身迎客" in page and "客户走近窗口时起身" in page
    assert f"{bank.lesson.url}#clause-WB-01" in page


def test_the_empty_book_says_so(client, cast):
    client.force_login(cast.trainee)
    response = client.get(reverse("wrongbook:book"))
    assert response.status_code == 200
    assert "wrong-answer book is empty" in response.content.decode() or "错题本是空的" in response.content.decode()


def test_drilling_right_on_two_different_days_takes_the_clauses_out(client, bank, filed):
    client.force_login(filed)
    for day in (2, 4):
        with time_machine.travel(at(day), tick=False):
            client.post(reverse("wrongbook:drill_start"))
            drill = Drill.objects.get(user=filed, finished_at__isnull=True)
            for number in range(1, drill.items.count() + 1):
                drill_answer(client, drill, number, right=True)
            drill.refresh_from_db()
            assert drill.finished_at is not None
    assert not BookEntry.objects.in_book().filter(user=filed).exists()
    with time_machine.travel(at(4), tick=False):
        page = client.get(reverse("wrongbook:book")).content.decode()
    assert "WB-01" in page  # under "left the book lately"


def test_a_question_of_a_certifying_quiz_not_passed_yet_keeps_its_answer_hidden(client, bank, filed):
    """The quiz engine hides a certifying quiz's answers between retries; a drill drawing its questions does too."""
    client.force_login(filed)
    with time_machine.travel(at(2), tick=False):
        client.post(reverse("wrongbook:drill_start"))
        drill = Drill.objects.get(user=filed)
        withheld = drill.items.filter(question__in=[bank.q1[1], bank.q2[1]])
        assert withheld.exists() and not any(i.may_reveal for i in withheld)
        number = withheld.first().order + 1
        response = drill_answer(client, drill, number, right=False)
        page = client.get(response.url).content.decode()
    assert "is-correct" not in page and "解析" not in page
    assert "答错" in page or "Wrong" in page


def test_once_the_certifying_quiz_is_passed_its_questions_show_their_answers(bank, filed):
    from wrongbook.services import certifying_questions_not_passed

    assert certifying_questions_not_passed(filed, bank.q1) == {bank.q1[1].pk}
    with time_machine.travel(at(1, 15), tick=False):
        take(bank.certifying, filed, correct=True)
    assert certifying_questions_not_passed(filed, bank.q1) == set()
