"""The graded attempt read with the quiz's row (the course page, the home, issue 20) is the one
``QuizPage.graded_attempt`` picks, under either grading, whatever the mix of passes, attempts awaiting marking,
scores, ties and open attempts."""

import datetime
import random
from decimal import Decimal

import pytest

from courses.models import Attempt, QuizPage
from courses.selectors import course_progress

from .conftest import make_course, make_quiz

STATES = [Attempt.State.FINISHED, Attempt.State.MARKED, Attempt.State.AWAITING_MARKING]
WHEN = datetime.datetime(2026, 10, 1, tzinfo=datetime.timezone.utc)


def _random_attempts(quiz, user, rng):
    count = rng.randint(0, 5)
    for number in range(1, count + 1):
        open_ = number == count and rng.random() < 0.3
        state = Attempt.State.IN_PROGRESS if open_ else rng.choice(STATES)
        score = None if state != Attempt.State.FINISHED and rng.random() < 0.4 else Decimal(rng.choice([40, 60, 80]))
        Attempt.objects.create(quiz=quiz, user=user, number=number, state=state, score=score,
                               passed=state == Attempt.State.FINISHED and score is not None and score >= 80
                               and rng.random() < 0.8, started_at=WHEN)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
def test_the_graded_attempt_read_with_the_quiz_is_the_models_choice(learner, seed):
    rng = random.Random(seed)
    course = make_course(lessons=1)
    quizzes = [make_quiz(course, title=f"测验{n}", grading=grading)
               for n, grading in enumerate(QuizPage.Grading.values * 3)]
    for quiz in quizzes:
        _random_attempts(quiz, learner, rng)
    progress = course_progress(learner, course)
    assert len(progress.quizzes) == len(quizzes)
    for quiz, graded, passed in progress.quizzes:
        expected = quiz.graded_attempt(learner)
        assert (graded and graded.pk) == (expected and expected.pk), quiz.grading
        if expected is not None:
            assert (graded.number, graded.state, graded.score, graded.passed) == (
                expected.number, expected.state, expected.score, expected.passed)
            assert graded.awaiting_marking == expected.awaiting_marking
        assert passed == bool(expected and expected.passed)
