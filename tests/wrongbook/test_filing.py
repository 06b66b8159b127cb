"""Every graded quiz answer, certifying and practice, files its clauses in the learner's 错题本."""

import time_machine

from courses.models import Question
from courses.services import finish_attempt, mark_answer, save_answer, start_attempt
from tests.courses.conftest import make_question, make_quiz
from wrongbook.models import BookEntry, ClauseAnswer

from .conftest import at, take


def entry(user, clause_id):
    return BookEntry.objects.get(user=user, clause_id=clause_id)


def test_wrong_answers_in_a_practice_quiz_file_their_clauses(bank, cast):
    with time_machine.travel(at(1), tick=False):
        take(bank.quiz, cast.trainee, correct=False)
    assert entry(cast.trainee, "WB-01").in_book
    assert entry(cast.trainee, "WB-02").in_book
    assert ClauseAnswer.objects.filter(user=cast.trainee, correct=False, source="quiz").count() == 2


def test_wrong_answers_in_a_certifying_quiz_are_filed_too(bank, cast):
    with time_machine.travel(at(1), tick=False):
        take(bank.certifying, cast.trainee, correct=False)
    assert set(BookEntry.objects.in_book().filter(user=cast.trainee).values_list("clause_id", flat=True)) == {
        "WB-01", "WB-02"}


def test_right_answers_file_nothing_into_the_book(bank, cast):
    with time_machine.travel(at(1), tick=False):
        take(bank.quiz, cast.trainee, correct=True)
    assert not BookEntry.objects.in_book().filter(user=cast.trainee).exists()


def test_a_question_left_blank_is_not_an_answer_and_is_not_filed(bank, cast):
    with time_machine.travel(at(1), tick=False):
        attempt = start_attempt(cast.trainee, bank.quiz)
        finish_attempt(attempt)
    assert not ClauseAnswer.objects.filter(user=cast.trainee).exists()


def test_right_quiz_answers_on_two_later_days_take_the_clause_out(bank, cast):
    with time_machine.travel(at(1), tick=False):
        take(bank.quiz, cast.trainee, correct=False)
    with time_machine.travel(at(2), tick=False):
        take(bank.quiz, cast.trainee, correct=True)
    assert entry(cast.trainee, "WB-01").in_book
    with time_machine.travel(at(5), tick=False):
        take(bank.quiz, cast.trainee, correct=True)
    assert not entry(cast.trainee, "WB-01").in_book


def test_the_book_follows_the_markers_final_verdict_on_a_written_answer(bank, cast):
    essay = make_question(bank.category, type=Question.Type.ESSAY, clauses="WB-03", reference_answer="您好")
    quiz = make_quiz(bank.course, questions=[essay], practice=True)
    with time_machine.travel(at(1), tick=False):
        attempt = start_attempt(cast.trainee, quiz)
        save_answer(attempt, position=0, seq=attempt.seq, text="喂", finish=True)
    assert not BookEntry.objects.filter(user=cast.trainee, clause_id="WB-03").exists()  # waits for marking
    answer = attempt.questions.get()
    mark_answer(answer, correct=False, by=cast.lead)
    assert entry(cast.trainee, "WB-03").in_book
    mark_answer(answer, correct=True, by=cast.lead)
    assert not entry(cast.trainee, "WB-03").in_book
    assert ClauseAnswer.objects.filter(user=cast.trainee, clause_id="WB-03").count() == 1


def test_each_learner_has_a_book_of_their_own(bank, cast):
    with time_machine.travel(at(1), tick=False):
        take(bank.quiz, cast.trainee, correct=False)
        take(bank.quiz, cast.other_trainee, correct=True)
    assert not BookEntry.objects.in_book().filter(user=cast.other_trainee).exists()
