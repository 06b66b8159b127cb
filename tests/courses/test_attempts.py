"""The quiz engine: attempts as a state machine, snapshots, autosave with sequence numbers, scoring, marking."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses.models import Attempt, CourseCompletion, Question, QuestionOption, QuizPage
from courses.services import (
    MarkingRefused,
    QuizRefused,
    category_progress,
    category_scores,
    close_overdue_attempts,
    finish_attempt,
    mark_answer,
    marking_queue,
    save_answer,
    start_attempt,
    wrong_answers,
)

from .conftest import answer_all, make_category, make_course, make_question, make_quiz


def test_starting_snapshots_questions_so_later_bank_edits_change_nothing(learner):
    question = make_question(stem="原题干")
    quiz = make_quiz(questions=[question])
    attempt = start_attempt(learner, quiz)
    question.stem = "改过的题干"
    question.save()
    QuestionOption.objects.filter(question=question, correct=True).update(correct=False, text="改")
    snap = attempt.questions.get()
    assert snap.stem == "原题干"
    assert [o["text"] for o in snap.options] == ["正确项", "错误项一", "错误项二"]
    assert snap.correct_positions() == {0}


def test_a_resumed_attempt_is_reused_never_duplicated(learner):
    quiz = make_quiz(questions=[make_question()])
    first = start_attempt(learner, quiz)
    assert start_attempt(learner, quiz).pk == first.pk
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1


def test_attempt_numbers_are_unique_and_increase_per_learner_and_quiz(learner, cast):
    quiz = make_quiz(questions=[make_question()])
    numbers = []
    for _ in range(3):
        attempt = start_attempt(learner, quiz)
        numbers.append(attempt.number)
        finish_attempt(attempt)
    assert numbers == [1, 2, 3]
    assert start_attempt(cast.other_trainee, quiz).number == 1


def test_a_quiz_with_no_questions_refuses_to_start_with_a_clear_message(learner):
    quiz = make_quiz()
    with pytest.raises(QuizRefused, match="没有试题"):
        start_attempt(learner, quiz)


def test_a_draft_quiz_is_refused_to_learners(learner):
    quiz = make_quiz(questions=[make_question()], live=False)
    with pytest.raises(QuizRefused, match="尚未发布"):
        start_attempt(learner, quiz)


def test_single_attempt_refuses_a_second_attempt_with_a_clear_message(learner):
    quiz = make_quiz(questions=[make_question()], attempts_allowed=1)
    finish_attempt(start_attempt(learner, quiz))
    with pytest.raises(QuizRefused, match="1 次"):
        start_attempt(learner, quiz)


def test_a_quiz_of_a_course_with_unfinished_prerequisites_is_locked(learner):
    basic = make_course("BASIC", lessons=1)
    advanced = make_course("ADV")
    advanced.prerequisites.add(basic)
    advanced.save()
    quiz = make_quiz(advanced, questions=[make_question()])
    with pytest.raises(QuizRefused, match="课程 BASIC"):
        start_attempt(learner, quiz)
    CourseCompletion.objects.create(user=learner, course=basic)
    assert start_attempt(learner, quiz).is_open


def test_pass_mark_above_100_is_refused(db):
    from django.core.exceptions import ValidationError

    quiz = make_quiz(questions=[make_question()])
    quiz.pass_mark = 101
    with pytest.raises(ValidationError):
        quiz.full_clean()


def test_a_stale_or_repeated_submit_changes_nothing(learner):
    quiz = make_quiz(questions=[make_question(), make_question()])
    attempt = start_attempt(learner, quiz)
    seq = attempt.seq
    assert save_answer(attempt, position=0, seq=seq, selected=[1]).accepted
    repeated = save_answer(attempt, position=0, seq=seq, selected=[2])  # double click / back button / 2nd tab
    assert not repeated.accepted and repeated.reason == "stale"
    assert attempt.questions.get(order=0).selected == [1]
    assert repeated.attempt.seq == seq + 1


def test_going_back_to_change_an_answer_before_finishing(learner):
    quiz = make_quiz(questions=[make_question(), make_question()])
    attempt = start_attempt(learner, quiz)
    save_answer(attempt, position=0, seq=0, selected=[1], go_to=1)
    save_answer(attempt, position=1, seq=1, selected=[0], go_to=0)
    result = save_answer(attempt, position=0, seq=2, selected=[0])
    assert result.accepted
    attempt, _ = finish_attempt(attempt)
    assert attempt.score == Decimal("100.00")


def test_single_choice_takes_one_answer_only(learner):
    quiz = make_quiz(questions=[make_question()])
    attempt = start_attempt(learner, quiz)
    result = save_answer(attempt, position=0, seq=0, selected=[0, 1])
    assert not result.accepted and result.reason == "invalid"
    assert save_answer(attempt, position=0, seq=0, selected=[7]).reason == "invalid"


def test_multiple_choice_is_all_or_nothing(learner):
    quiz = make_quiz(questions=[make_question(type=Question.Type.MULTIPLE)] * 1)
    attempt = start_attempt(learner, quiz)
    save_answer(attempt, position=0, seq=0, selected=[0])  # one of the two right ones
    attempt, _ = finish_attempt(attempt)
    assert attempt.score == 0
    other = start_attempt(learner, quiz)
    save_answer(other, position=0, seq=0, selected=[0, 1])
    other, _ = finish_attempt(other)
    assert other.score == 100


def test_score_is_a_percentage_and_wrong_answers_are_recorded_per_attempt(learner):
    questions = [make_question() for _ in range(3)]
    quiz = make_quiz(questions=questions, pass_mark=60)
    attempt = start_attempt(learner, quiz)
    save_answer(attempt, position=0, seq=0, selected=[0])
    save_answer(attempt, position=1, seq=1, selected=[0])
    save_answer(attempt, position=2, seq=2, selected=[1])
    attempt, finished = finish_attempt(attempt)
    assert finished and attempt.state == Attempt.State.FINISHED
    assert attempt.score == Decimal("66.67") and attempt.passed
    assert [a.question_id for a in wrong_answers(attempt)] == [questions[2].pk]


def test_score_never_exceeds_100(learner):
    quiz = make_quiz(questions=[make_question()])
    attempt = answer_all(start_attempt(learner, quiz))
    attempt, _ = finish_attempt(attempt)
    assert attempt.score == 100
    # Even if a marker sets every answer right again, the score stays capped.
    mark_answer(attempt.questions.get(), correct=True, by=learner)
    attempt.refresh_from_db()
    assert attempt.score == 100


def test_finishing_twice_gives_one_result(learner):
    quiz = make_quiz(questions=[make_question()])
    attempt = answer_all(start_attempt(learner, quiz))
    first, done_first = finish_attempt(attempt)
    second, done_second = finish_attempt(attempt)
    assert (done_first, done_second) == (True, False)
    assert second.finished_at == first.finished_at and second.score == first.score


def test_answers_after_finishing_are_refused(learner):
    quiz = make_quiz(questions=[make_question()])
    attempt = start_attempt(learner, quiz)
    finish_attempt(attempt)
    assert save_answer(attempt, position=0, seq=0, selected=[0]).reason == "closed"


def test_the_attempt_closes_at_the_deadline_on_the_next_request(learner):
    quiz = make_quiz(questions=[make_question()], time_limit_minutes=10)
    start = timezone.now() - datetime.timedelta(minutes=30)
    attempt = start_attempt(learner, quiz, now=start)
    assert attempt.deadline == start + datetime.timedelta(minutes=10)
    result = save_answer(attempt, position=0, seq=0, selected=[0])
    assert result.reason == "closed"
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.finished_at == attempt.deadline
    assert attempt.questions.get().selected == []


def test_the_periodic_command_closes_attempts_left_open(learner, cast):
    quiz = make_quiz(questions=[make_question()], time_limit_minutes=5)
    late = start_attempt(learner, quiz, now=timezone.now() - datetime.timedelta(minutes=6))
    on_time = start_attempt(cast.other_trainee, quiz)
    call_command("close_overdue_attempts", stdout=open("/dev/null", "w"))
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.state == Attempt.State.FINISHED and late.finished_at == late.deadline
    assert on_time.is_open
    assert close_overdue_attempts() == 0


def test_an_overdue_attempt_is_not_resumed(learner):
    quiz = make_quiz(questions=[make_question()], time_limit_minutes=5)
    old = start_attempt(learner, quiz, now=timezone.now() - datetime.timedelta(minutes=6))
    new = start_attempt(learner, quiz)
    assert new.pk != old.pk and new.number == 2


@pytest.mark.parametrize("grading, passed", [(QuizPage.Grading.HIGHEST, True), (QuizPage.Grading.LAST, False)])
def test_grading_highest_or_last_decides_the_pass(learner, grading, passed):
    quiz = make_quiz(questions=[make_question()], grading=grading)
    finish_attempt(answer_all(start_attempt(learner, quiz), correct=True))
    finish_attempt(answer_all(start_attempt(learner, quiz), correct=False))
    assert quiz.is_passed_by(learner) is passed


def test_passing_the_quiz_completes_the_course(learner):
    course = make_course(lessons=0)
    quiz = make_quiz(course, questions=[make_question()])
    finish_attempt(answer_all(start_attempt(learner, quiz)))
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()


def test_a_practice_quiz_does_not_count_for_the_course(learner):
    course = make_course(lessons=1)
    quiz = make_quiz(course, questions=[make_question()], practice=True)
    finish_attempt(answer_all(start_attempt(learner, quiz)))
    assert not CourseCompletion.objects.filter(user=learner).exists()


def test_essays_wait_for_marking_and_the_mark_recomputes_score_and_pass(learner, cast):
    essay = make_question(type=Question.Type.ESSAY, reference_answer="先道歉，再说明")
    quiz = make_quiz(questions=[make_question(), essay], pass_mark=100)
    attempt = answer_all(start_attempt(learner, quiz))
    attempt, _ = finish_attempt(attempt)
    assert attempt.state == Attempt.State.AWAITING_MARKING and not attempt.passed and attempt.score == 50
    queued = list(marking_queue(cast.lead))
    assert [q.stem for q in queued] == [essay.stem]
    assert list(marking_queue(cast.other_lead)) == []
    attempt = mark_answer(queued[0], correct=True, by=cast.lead)
    assert attempt.state == Attempt.State.MARKED and attempt.passed and attempt.score == 100
    assert attempt.marked_by == cast.lead and attempt.marked_at is not None
    assert list(marking_queue(cast.lead)) == []


def test_a_marker_can_switch_an_essay_answer_and_the_score_follows(learner, cast):
    essay = make_question(type=Question.Type.ESSAY)
    quiz = make_quiz(questions=[essay], pass_mark=50)
    attempt, _ = finish_attempt(answer_all(start_attempt(learner, quiz)))
    answer = attempt.questions.get()
    assert mark_answer(answer, correct=True, by=cast.lead).score == 100
    switched = mark_answer(answer, correct=False, by=cast.supervisor)
    assert switched.score == 0 and not switched.passed
    assert [(m.correct, m.marked_by) for m in answer.marks.all()] == [(True, cast.lead), (False, cast.supervisor)]


def test_an_attempt_in_progress_cannot_be_marked(learner, cast):
    quiz = make_quiz(questions=[make_question(type=Question.Type.ESSAY)])
    attempt = start_attempt(learner, quiz)
    with pytest.raises(MarkingRefused):
        mark_answer(attempt.questions.get(), correct=True, by=cast.lead)


def test_scores_per_category_and_sub_category(learner):
    service = make_category("服务规范")
    words = make_category("文明用语", parent=service)
    conduct = make_category("仪容仪表", parent=service)
    quiz = make_quiz(questions=[make_question(words), make_question(words), make_question(conduct)])
    attempt = start_attempt(learner, quiz)
    save_answer(attempt, position=0, seq=0, selected=[0])
    save_answer(attempt, position=1, seq=1, selected=[1])
    save_answer(attempt, position=2, seq=2, selected=[0])
    attempt, _ = finish_attempt(attempt)
    rows = {(r["parent"], r["name"]): (r["correct"], r["possible"]) for r in category_scores(attempt.questions.all())}
    assert rows == {("", "服务规范"): (2, 3), ("服务规范", "文明用语"): (1, 2), ("服务规范", "仪容仪表"): (1, 1)}


def test_progress_per_category_per_learner_counts_correct_of_possible(learner, cast):
    window = make_category("窗口")
    bank = make_category("银行")
    quiz = make_quiz(questions=[make_question(window), make_question(bank)])
    attempt = start_attempt(learner, quiz)
    save_answer(attempt, position=0, seq=0, selected=[0])
    finish_attempt(attempt)
    finish_attempt(answer_all(start_attempt(learner, quiz)))
    assert category_progress(learner) == {"窗口": (2, 2), "银行": (1, 2)}
    assert category_progress(cast.other_trainee) == {}


def test_max_questions_draws_a_subset(learner):
    quiz = make_quiz(questions=[make_question() for _ in range(6)], max_questions=4)
    assert start_attempt(learner, quiz).questions.count() == 4


def test_random_draws_take_n_questions_from_a_category_and_its_sub_categories(learner):
    parent = make_category("大类")
    child = make_category("小类", parent=parent)
    for _ in range(3):
        make_question(parent)
        make_question(child)
    quiz = make_quiz(draws=[(parent, 5)])
    assert start_attempt(learner, quiz).questions.count() == 5


def test_random_order_shuffles_questions_and_options(learner):
    import random

    questions = [make_question() for _ in range(8)]
    quiz = make_quiz(questions=questions, shuffle_questions=True, shuffle_options=True)
    attempt = start_attempt(learner, quiz, rng=random.Random(3))
    drawn = [aq.question_id for aq in attempt.questions.all()]
    assert sorted(drawn) == sorted(q.pk for q in questions) and drawn != [q.pk for q in questions]
    orders = {tuple(o["text"] for o in aq.options) for aq in attempt.questions.all()}
    assert len(orders) > 1


def test_under_immediately_an_answered_question_is_locked(learner):
    quiz = make_quiz(questions=[make_question()], show_answers=QuizPage.ShowAnswers.IMMEDIATELY, practice=True)
    attempt = start_attempt(learner, quiz)
    save_answer(attempt, position=0, seq=0, selected=[1])
    assert save_answer(attempt, position=0, seq=1, selected=[0]).reason == "locked"


def test_a_course_not_open_to_all_is_only_for_those_assigned(learner, cast):
    from courses.models import CourseAssignment

    course = make_course(open_to_all=False)
    quiz = make_quiz(course, questions=[make_question()])
    with pytest.raises(QuizRefused, match="分配"):
        start_attempt(cast.other_trainee, quiz)
    CourseAssignment.objects.create(course=course, post=cast.org.field)
    assert start_attempt(learner, quiz).is_open
