"""Correct flags, feedback and explanations are never in the HTML (or JSON) before they may be shown."""

import pytest
from django.urls import reverse

from courses.models import Question, QuizPage
from courses.services import finish_attempt, save_answer, start_attempt

from .conftest import make_question, make_quiz

SECRETS = ["解析一号", "解析二号", "反馈一号", "参考答案三号", "解析三号"]
CORRECT_MARKERS = ["is-correct", "正确答案", '"correct"', "答对", "答错"]


def _quiz(show_answers):
    q1 = make_question(explanation="解析一号")
    q1.options.filter(correct=True).update(feedback="反馈一号")
    q2 = make_question(type=Question.Type.MULTIPLE, explanation="解析二号")
    q3 = make_question(type=Question.Type.ESSAY, explanation="解析三号", reference_answer="参考答案三号")
    # Immediate feedback is for practice quizzes; a certifying quiz refuses it.
    practice = show_answers == QuizPage.ShowAnswers.IMMEDIATELY
    return make_quiz(questions=[q1, q2, q3], show_answers=show_answers, practice=practice)


def _assert_hidden(html, secrets=SECRETS, markers=CORRECT_MARKERS):
    for secret in secrets + markers:
        assert secret not in html, secret


# The person page's 错题本 says which clauses were answered wrong (by design: the learner sees the clauses they got
# wrong, 14.3); which option is right, explanations and reference answers stay hidden there too.
PERSON_PAGE_MARKERS = [m for m in CORRECT_MARKERS if m not in ("答对", "答错")]


@pytest.mark.parametrize("mode", [m.value for m in QuizPage.ShowAnswers])
def test_nothing_is_revealed_before_answering_in_any_mode(client, learner, mode):
    quiz = _quiz(mode)
    client.force_login(learner)
    _assert_hidden(client.get(quiz.url).text)
    client.post(reverse("courses:quiz_start", args=[quiz.pk]))
    attempt = quiz.attempts.get()
    for n in (1, 2, 3):
        _assert_hidden(client.get(reverse("courses:question", args=[attempt.pk, n])).text)


@pytest.mark.parametrize("mode", [QuizPage.ShowAnswers.AFTER_ATTEMPT, QuizPage.ShowAnswers.NEVER])
def test_nothing_is_revealed_while_answering_unless_immediately(client, learner, mode):
    quiz = _quiz(mode)
    attempt = start_attempt(learner, quiz)
    client.force_login(learner)
    url = reverse("courses:question", args=[attempt.pk, 1])
    json = client.post(url, {"seq": 0, "option": "0", "action": "save"}, headers={"Accept": "application/json"})
    _assert_hidden(json.text)
    client.post(reverse("courses:question", args=[attempt.pk, 3]), {"seq": 1, "text": "答", "action": "save"})
    for n in (1, 2, 3):
        _assert_hidden(client.get(reverse("courses:question", args=[attempt.pk, n])).text)


def test_immediately_reveals_only_the_answered_question(client, learner):
    quiz = _quiz(QuizPage.ShowAnswers.IMMEDIATELY)
    attempt = start_attempt(learner, quiz)
    client.force_login(learner)
    client.post(reverse("courses:question", args=[attempt.pk, 1]), {"seq": 0, "option": "0", "action": "check"})
    first = client.get(reverse("courses:question", args=[attempt.pk, 1])).text
    assert "解析一号" in first and "is-correct" in first
    _assert_hidden(client.get(reverse("courses:question", args=[attempt.pk, 2])).text)
    _assert_hidden(client.get(reverse("courses:question", args=[attempt.pk, 3])).text)


def test_never_hides_answers_on_the_result_page_too(client, learner):
    quiz = _quiz(QuizPage.ShowAnswers.NEVER)
    attempt = start_attempt(learner, quiz)
    save_answer(attempt, position=0, seq=0, selected=[0])
    save_answer(attempt, position=2, seq=1, text="我的回答")
    finish_attempt(attempt)
    client.force_login(learner)
    page = client.get(reverse("courses:result", args=[attempt.pk])).text
    assert "我的回答" in page
    _assert_hidden(page)
    _assert_hidden(client.get(quiz.url).text)


def test_after_the_attempt_the_review_of_a_practice_quiz_shows_answers_and_explanations(client, learner):
    quiz = _quiz(QuizPage.ShowAnswers.AFTER_ATTEMPT)
    QuizPage.objects.filter(pk=quiz.pk).update(practice=True)
    attempt = start_attempt(learner, quiz)
    finish_attempt(attempt)
    client.force_login(learner)
    page = client.get(reverse("courses:result", args=[attempt.pk])).text
    assert all(s in page for s in ["解析一号", "解析二号", "参考答案三号", "is-correct"])


def test_a_mentor_sees_a_trainees_result_within_the_quiz_settings(client, learner, cast):
    quiz = _quiz(QuizPage.ShowAnswers.NEVER)
    attempt = start_attempt(learner, quiz)
    finish_attempt(attempt)
    client.force_login(cast.mentor)
    page = client.get(reverse("courses:result", args=[attempt.pk]))
    assert page.status_code == 200
    _assert_hidden(page.text)
    client.force_login(cast.lead)
    assert "解析一号" in client.get(reverse("courses:result", args=[attempt.pk])).text


def _fail(learner, quiz):
    attempt = start_attempt(learner, quiz)
    save_answer(attempt, position=0, seq=0, selected=[1])  # the wrong option
    return finish_attempt(attempt)[0]


def test_a_certifying_quiz_reveals_nothing_between_retries_and_everything_after_the_last(client, learner, cast):
    quiz = _quiz(QuizPage.ShowAnswers.AFTER_ATTEMPT)  # certifying, 3 attempts per round
    client.force_login(learner)
    earlier = []
    for _ in range(2):
        attempt = _fail(learner, quiz)
        earlier.append(attempt)
        for url in (reverse("courses:result", args=[attempt.pk]), quiz.url, reverse("courses:attempts"),
                    reverse("courses:attempts") + "?mine=1"):
            _assert_hidden(client.get(url).text)
        _assert_hidden(client.get(reverse("person", args=[learner.profile.pk])).text, markers=PERSON_PAGE_MARKERS)
        client.force_login(cast.mentor)
        _assert_hidden(client.get(reverse("courses:result", args=[attempt.pk])).text)
        client.force_login(learner)
    last = _fail(learner, quiz)
    page = client.get(reverse("courses:result", args=[last.pk])).text
    assert all(s in page for s in ["解析一号", "解析二号", "参考答案三号", "is-correct"])
    for attempt in earlier:
        _assert_hidden(client.get(reverse("courses:result", args=[attempt.pk])).text)


def test_a_certifying_quiz_reveals_the_answers_of_the_attempt_that_passes(client, learner):
    quiz = _quiz(QuizPage.ShowAnswers.AFTER_ATTEMPT)
    QuizPage.objects.filter(pk=quiz.pk).update(pass_mark=30)
    quiz.refresh_from_db()
    failed = _fail(learner, quiz)
    attempt = start_attempt(learner, quiz)
    save_answer(attempt, position=0, seq=0, selected=[0])  # 1 of 3 right: 33 %
    passed, _ = finish_attempt(attempt)
    assert passed.passed
    client.force_login(learner)
    assert "解析一号" in client.get(reverse("courses:result", args=[passed.pk])).text
    _assert_hidden(client.get(reverse("courses:result", args=[failed.pk])).text)


def test_a_written_answer_waiting_for_marking_keeps_the_reference_answer_hidden(client, learner):
    quiz = _quiz(QuizPage.ShowAnswers.AFTER_ATTEMPT)
    QuizPage.objects.filter(pk=quiz.pk).update(attempts_allowed=1)
    attempt = start_attempt(learner, quiz)
    save_answer(attempt, position=2, seq=0, text="我的话术")
    attempt, _ = finish_attempt(attempt)
    assert attempt.awaiting_marking
    client.force_login(learner)
    page = client.get(reverse("courses:result", args=[attempt.pk])).text
    assert "我的话术" in page and "待评阅" in page
    _assert_hidden(page)
