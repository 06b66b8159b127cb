"""The ``[quiz]`` settings of a course's certifying quiz (14.3): ``attempts`` per round, default 3."""

import copy

import pytest

from courses.models import QuizPage
from courses.standards import data, loader


@pytest.fixture
def win_only():
    return [data.load_library()[0]]


@pytest.mark.django_db
def test_the_certifying_quiz_gets_the_attempts_per_round_of_its_data(win_only):
    changed = copy.deepcopy(win_only)
    changed[0]["quiz"]["attempts"] = 2
    loader.load_library(changed)
    quiz = QuizPage.objects.get(slug=f"{win_only[0]['slug']}-quiz")
    assert quiz.certifying and quiz.attempts_allowed == 2


@pytest.mark.django_db
def test_without_attempts_the_default_is_three_and_a_change_updates_the_page(win_only):
    without = copy.deepcopy(win_only)
    without[0]["quiz"].pop("attempts", None)
    loader.load_library(without)
    quiz = QuizPage.objects.get(slug=f"{win_only[0]['slug']}-quiz")
    assert quiz.attempts_allowed == 3
    four = copy.deepcopy(without)
    four[0]["quiz"]["attempts"] = 4
    report = loader.load_library(four)
    quiz.refresh_from_db()
    assert quiz.attempts_allowed == 4 and f"quiz {win_only[0]['code']}" in report.updated


@pytest.mark.django_db
def test_a_certifying_quiz_without_attempts_is_refused(win_only):
    zero = copy.deepcopy(win_only)
    zero[0]["quiz"]["attempts"] = 0
    with pytest.raises(data.LibraryError, match="attempts"):
        loader.load_library(zero)
    assert not QuizPage.objects.exists()
