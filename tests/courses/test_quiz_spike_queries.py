"""The three requests of the quiz spike (start, first question, hand in) read what they need once: their query
counts are pinned here, and do not grow with the number of questions drawn (no query per question)."""

import pytest
from django.urls import reverse

from courses.models import Attempt, Question

from .conftest import make_category, make_question, make_quiz

START_QUERIES = 21  # the progress rows marked started by one read in the attempt's transaction (was an UPDATE and an EXISTS)
QUESTION_QUERIES = 4
FINISH_QUERIES = 9  # no program: the attempt read once, under its lock (10 with a separate owner check; 13 before)


def _quiz(draw):
    """A certifying quiz with one fixed question and a random draw of ``draw`` from a pool of ``draw + 3``."""
    pool = make_category(f"题库{draw}")
    for n in range(draw + 3):
        make_question(pool, type=Question.Type.MULTIPLE if n % 3 else Question.Type.SINGLE)
    return make_quiz(questions=[make_question()], draws=[(pool, draw)], attempts_allowed=3)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    warm_up = _quiz(2)  # the learner has started something before (their progress rows exist), the site is known
    client.get(client.post(reverse("courses:quiz_start", args=[warm_up.pk])).url)
    return client


@pytest.mark.parametrize("draw", [4, 12])
def test_the_spike_requests_read_a_fixed_number_of_times_whatever_the_draw(
    signed_in, learner, draw, django_assert_num_queries
):
    quiz = _quiz(draw)
    with django_assert_num_queries(START_QUERIES):
        start = signed_in.post(reverse("courses:quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get(quiz=quiz, user=learner)
    assert start.url == reverse("courses:question", args=[attempt.pk, 1])
    assert attempt.questions.count() == draw + 1

    with django_assert_num_queries(QUESTION_QUERIES):
        page = signed_in.get(start.url)
    assert page.status_code == 200 and f"共 {draw + 1} 题" in page.text

    with django_assert_num_queries(FINISH_QUERIES):
        finish = signed_in.post(reverse("courses:finish", args=[attempt.pk]))
    assert finish.url == reverse("courses:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED


def test_each_snapshot_keeps_the_options_of_its_own_question(signed_in, learner):
    quiz = _quiz(6)
    signed_in.post(reverse("courses:quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get(quiz=quiz, user=learner)
    for answer in attempt.questions.select_related("question"):
        expected = sorted(o.text for o in answer.question.options.all())
        assert sorted(o["text"] for o in answer.options) == expected


# With a certification program requiring the quiz's course, the hand-in also moves the learner's progress row: only
# the part attempts make (progress.services.refresh_attempts: the courses' facts, the quiz bits, the risks), not the
# whole row (32 queries per hand-in before).
FINISH_QUERIES_IN_A_PROGRAM = 20


def test_a_hand_in_moves_only_the_attempts_part_of_the_progress_row(signed_in, learner, django_assert_num_queries):
    from certificates.models import Program
    from progress.models import Progress

    quiz = _quiz(4)
    program = Program.objects.create(code="SPIKE", name="上岗认证", validity_months=12)
    program.required_courses.set([quiz.get_parent()])
    start = signed_in.post(reverse("courses:quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get(quiz=quiz, user=learner)
    row = Progress.objects.get(user=learner, program=program)
    assert row.started and not row.quizzes_tried

    with django_assert_num_queries(FINISH_QUERIES_IN_A_PROGRAM):
        signed_in.post(reverse("courses:finish", args=[attempt.pk]))
    row.refresh_from_db()
    assert start.status_code == 302
    # Handed in with nothing answered: tried, not passed, and the course's facts count no pass.
    assert row.quizzes_tried and not row.quizzes_passed
    assert row.facts.get(f"course:{quiz.get_parent().pk}", {}).get("passed", 0) == 0


def test_someone_elses_hand_in_is_not_found_and_leaves_the_attempt_open(client, cast, learner):
    quiz = _quiz(2)
    client.force_login(learner)
    client.post(reverse("courses:quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get(quiz=quiz, user=learner)
    for stranger in (cast.other_trainee, cast.lead):  # another learner, and a lead who may see the attempt
        client.force_login(stranger)
        assert client.post(reverse("courses:finish", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS and attempt.finished_at is None
