"""A test-wise candidate cannot pass a certifying quiz (issue 14, done-when).

The candidate never reads a lesson: in single choice they take the longest option, in true/false they
always answer 错, in multiple choice they tick every option but the shortest, and they write nothing for a
written answer. Each simulated attempt is drawn by the quiz engine itself (``QuizPage.draw_questions``: the
quiz's fixed questions, its random draws with the clause blueprint, ``max_questions``), snapshotted as an
attempt snapshots it (options shuffled, the organisation's rule values filled in) and scored by the engine's
own scoring against the quiz's pass mark. Such a candidate must pass at most 5 % of attempts.
"""

import random

import pytest

from courses.models import Attempt, Question, QuizPage
from courses.services import _rescore, _snapshot
from courses.site_rules import current_rules
from courses.standards import data, loader

from ..courses.conftest import make_category, make_course, make_question, make_quiz

ATTEMPTS = 200
MAX_PASS_RATE = 0.05
FALSE = ("错误", "错")


def _length(text):
    return len("".join(str(text).split()))


def guess(answer, rng):
    """The positions the test-wise candidate ticks in one snapshotted question (ties broken at random)."""
    options = answer.options
    lengths = [_length(o["text"]) for o in options]
    if answer.type == Question.Type.TRUE_FALSE:
        (false,) = [i for i, o in enumerate(options) if o["text"] in FALSE]
        return [false]
    if answer.type == Question.Type.SINGLE:
        return [rng.choice([i for i, n in enumerate(lengths) if n == max(lengths)])]
    if answer.type == Question.Type.MULTIPLE:
        dropped = rng.choice([i for i, n in enumerate(lengths) if n == min(lengths)])
        return [i for i in range(len(options)) if i != dropped]
    return []  # a written answer: nothing written


def guesser_passes(quiz, rng, questions, rules):
    """One attempt of the test-wise candidate at ``quiz``: whether it passes."""
    attempt = Attempt(quiz=quiz, pass_mark=quiz.pass_mark)
    answers = [
        _snapshot(questions[q.pk], order, attempt, shuffle_options=quiz.shuffle_options, rng=rng, rules=rules)
        for order, q in enumerate(quiz.draw_questions(rng=rng))
    ]
    for answer in answers:
        answer.selected = guess(answer, rng)
        answer.correct = False if answer.is_essay else answer.grade()  # an empty written answer scores 0
    _rescore(attempt, answers)
    return attempt.passed


def guesser_pass_rate(quiz, *, seed):
    rng = random.Random(seed)
    rules = current_rules()
    questions = {
        q.pk: q for q in Question.objects.select_related("category__parent", "image").prefetch_related("options")
    }
    return sum(guesser_passes(quiz, rng, questions, rules) for _ in range(ATTEMPTS)) / ATTEMPTS


def too_guessable(quizzes):
    """``{quiz title: pass rate}`` of the quizzes the test-wise candidate passes more than 5 % of the time."""
    rates = {quiz.title: guesser_pass_rate(quiz, seed=f"guesser-{quiz.pk}") for quiz in quizzes}
    return {title: rate for title, rate in rates.items() if rate > MAX_PASS_RATE}


@pytest.mark.django_db
def test_a_test_wise_candidate_passes_no_shipped_certifying_quiz_more_than_5_percent_of_the_time():
    courses = data.load_library()
    loader.load_library(courses)
    quizzes = list(QuizPage.objects.live().filter(practice=False).order_by("path"))
    assert {quiz.course.code for quiz in quizzes} >= {course["code"] for course in courses}

    assert too_guessable(quizzes) == {}


def old_pattern_quiz():
    """A certifying quiz over a bank as the first library wrote them: the key the longest single-choice option,
    every multiple choice 3 of 4 with a short absurd option, 错 for most true/false keys, 18 items for 10."""
    course = make_course("OLDPATTERN")
    category = make_category("旧题库")
    for n in range(8):
        make_question(category, stem=f"单选{n}", options=[
            ("按规定完整地做到这一项要求并主动说明", True), ("提前五分钟", False), ("等领导安排", False)])
    for n in range(5):
        make_question(category, type=Question.Type.MULTIPLE, stem=f"多选{n}", options=[
            ("主动问候客户", True), ("认真倾听诉求", True), ("一次告知清楚", True), ("推脱", False)])
    for n in range(5):
        make_question(category, type=Question.Type.TRUE_FALSE, stem=f"判断{n}",
                      options=[("正确", n == 0), ("错误", n != 0)])
    return make_quiz(course, draws=[(category, 10)], title="旧题库测验", pass_mark=80, shuffle_options=True,
                     shuffle_questions=True)


@pytest.mark.django_db
def test_the_check_fails_a_quiz_over_a_bank_written_to_the_old_pattern():
    quiz = old_pattern_quiz()
    assert quiz.certifying

    failed = too_guessable([quiz])

    assert list(failed) == ["旧题库测验"] and failed["旧题库测验"] > 0.5
