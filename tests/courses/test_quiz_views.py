"""Taking a quiz through the web: question by question, autosave, stale submits, results, access."""

import pytest
from django.urls import reverse

from courses.models import Attempt, Question, QuizPage
from courses.services import finish_attempt, start_attempt

from .conftest import answer_all, make_course, make_question, make_quiz

SECRET_EXPLANATION = "解析秘密XYZ"
SECRET_FEEDBACK = "反馈秘密XYZ"
SECRET_REFERENCE = "参考答案秘密XYZ"


@pytest.fixture
def quiz(db):
    q1 = make_question(explanation=SECRET_EXPLANATION)
    q1.options.filter(correct=True).update(feedback=SECRET_FEEDBACK)
    q2 = make_question(type=Question.Type.MULTIPLE, explanation=SECRET_EXPLANATION)
    return make_quiz(questions=[q1, q2], pass_mark=50)


def _start(client, user, quiz):
    client.force_login(user)
    response = client.post(reverse("courses:quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=user, quiz=quiz, state="in_progress")
    assert response.status_code == 302 and response.url == reverse("courses:question", args=[attempt.pk, 1])
    return attempt


def test_a_learner_takes_a_quiz_question_by_question_and_sees_the_result(client, learner, quiz):
    attempt = _start(client, learner, quiz)
    page = client.get(reverse("courses:question", args=[attempt.pk, 1]))
    assert page.status_code == 200 and "第 1 题，共 2 题" in page.text
    client.post(reverse("courses:question", args=[attempt.pk, 1]), {"seq": 0, "option": "0", "action": "next"})
    response = client.post(reverse("courses:question", args=[attempt.pk, 2]),
                           {"seq": 1, "option": ["0", "1"], "action": "finish"})
    assert response.url == reverse("courses:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.score == 100
    result = client.get(response.url)
    assert "100%" in result.text and "已通过" in result.text


def test_the_learner_resumes_where_they_were(client, learner, quiz):
    attempt = _start(client, learner, quiz)
    client.post(reverse("courses:question", args=[attempt.pk, 1]), {"seq": 0, "option": "1", "action": "next"})
    response = client.post(reverse("courses:quiz_start", args=[quiz.pk]))
    assert response.url == reverse("courses:question", args=[attempt.pk, 2])
    page = client.get(reverse("courses:question", args=[attempt.pk, 1]))
    assert 'value="1" checked' in page.text


def test_autosave_answers_json_with_the_new_sequence_number(client, learner, quiz):
    attempt = _start(client, learner, quiz)
    url = reverse("courses:question", args=[attempt.pk, 1])
    response = client.post(url, {"seq": 0, "option": "2", "action": "save"}, headers={"Accept": "application/json"})
    assert response.json() == {"accepted": True, "seq": 1, "reason": "", "message": ""}
    stale = client.post(url, {"seq": 0, "option": "0", "action": "save"}, headers={"Accept": "application/json"})
    assert stale.json()["accepted"] is False and stale.json()["reason"] == "stale"
    assert attempt.questions.get(order=0).selected == [2]


def test_a_stale_form_post_changes_nothing_and_shows_the_current_state(client, learner, quiz):
    attempt = _start(client, learner, quiz)
    url = reverse("courses:question", args=[attempt.pk, 1])
    client.post(url, {"seq": 0, "option": "1", "action": "next"})
    response = client.post(url, {"seq": 0, "option": "0", "action": "next"}, follow=True)
    assert "页面已过期" in response.text
    assert response.redirect_chain[-1][0] == url
    assert attempt.questions.get(order=0).selected == [1]


def test_going_back_with_the_previous_button_keeps_the_answer_editable(client, learner, quiz):
    attempt = _start(client, learner, quiz)
    client.post(reverse("courses:question", args=[attempt.pk, 1]), {"seq": 0, "option": "1", "action": "next"})
    back = client.post(reverse("courses:question", args=[attempt.pk, 2]), {"seq": 1, "action": "prev"})
    assert back.url == reverse("courses:question", args=[attempt.pk, 1])
    client.post(reverse("courses:question", args=[attempt.pk, 1]), {"seq": 2, "option": "0", "action": "save"})
    assert attempt.questions.get(order=0).selected == [0]


def test_the_quiz_page_says_why_a_second_attempt_is_refused(client, learner):
    quiz = make_quiz(questions=[make_question()], attempts_allowed=1)
    finish_attempt(start_attempt(learner, quiz))
    client.force_login(learner)
    page = client.get(quiz.url)
    assert "本轮 1 次作答机会已用完" in page.text
    response = client.post(reverse("courses:quiz_start", args=[quiz.pk]), follow=True)
    assert "本轮 1 次作答机会已用完" in response.text
    assert Attempt.objects.filter(user=learner).count() == 1


def test_another_learner_cannot_open_my_attempt(client, learner, cast, quiz):
    attempt = start_attempt(learner, quiz)
    client.force_login(cast.other_trainee)
    assert client.get(reverse("courses:question", args=[attempt.pk, 1])).status_code == 404
    finish_attempt(attempt)
    assert client.get(reverse("courses:result", args=[attempt.pk])).status_code == 404


def test_a_training_lead_sees_attempts_in_scope_only(client, learner, cast, quiz):
    attempt, _ = finish_attempt(start_attempt(learner, quiz))
    client.force_login(cast.lead)
    assert client.get(reverse("courses:result", args=[attempt.pk])).status_code == 200
    assert quiz.title in client.get(reverse("courses:attempts")).text
    client.force_login(cast.other_lead)
    assert client.get(reverse("courses:result", args=[attempt.pk])).status_code == 404
    assert "李明轩" not in client.get(reverse("courses:attempts")).text


def test_an_overdue_attempt_closes_when_the_learner_comes_back(client, learner, quiz):
    import datetime

    from django.utils import timezone

    QuizPage.objects.filter(pk=quiz.pk).update(time_limit_minutes=1)
    quiz.refresh_from_db()
    attempt = start_attempt(learner, quiz, now=timezone.now() - datetime.timedelta(minutes=2))
    client.force_login(learner)
    response = client.get(reverse("courses:question", args=[attempt.pk, 1]))
    assert response.url == reverse("courses:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.finished_at == attempt.deadline


def test_a_training_lead_marks_an_essay_from_the_queue(client, learner, cast):
    essay = make_question(type=Question.Type.ESSAY, reference_answer=SECRET_REFERENCE)
    quiz = make_quiz(questions=[essay], pass_mark=100)
    attempt, _ = finish_attempt(answer_all(start_attempt(learner, quiz)))
    answer = attempt.questions.get()
    client.force_login(cast.lead)
    queue = client.get(reverse("courses:marking"))
    assert reverse("courses:mark", args=[answer.pk]) in queue.text
    form = client.get(reverse("courses:mark", args=[answer.pk]))
    assert "我的回答" in form.text and SECRET_REFERENCE in form.text
    client.post(reverse("courses:mark", args=[answer.pk]), {"correct": "1", "comment": "好"})
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.MARKED and attempt.passed and attempt.marked_by == cast.lead
    client.force_login(cast.other_lead)
    assert client.get(reverse("courses:mark", args=[answer.pk])).status_code == 404
    client.force_login(learner)
    assert client.get(reverse("courses:marking")).status_code == 403


def test_answers_at_end_shows_every_question_with_mine_and_the_right_answer(client, learner, quiz):
    QuizPage.objects.filter(pk=quiz.pk).update(attempts_allowed=1)  # the round's last attempt
    attempt = start_attempt(learner, quiz)
    from courses.services import save_answer

    save_answer(attempt, position=0, seq=0, selected=[1])
    finish_attempt(attempt)
    client.force_login(learner)
    page = client.get(reverse("courses:result", args=[attempt.pk])).text
    assert page.count("review-item") == 2
    assert "（您的答案）" in page and "is-correct" in page and SECRET_EXPLANATION in page


@pytest.mark.parametrize("passed, text", [(True, "恭喜通过"), (False, "请再复习")])
def test_success_and_fail_texts_by_pass_mark(client, learner, passed, text):
    quiz = make_quiz(questions=[make_question()], success_text="恭喜通过", fail_text="请再复习", pass_mark=100)
    attempt, _ = finish_attempt(answer_all(start_attempt(learner, quiz), correct=passed))
    client.force_login(learner)
    page = client.get(reverse("courses:result", args=[attempt.pk])).text
    assert text in page
    assert ({"恭喜通过", "请再复习"} - {text}).pop() not in page


def test_drafts_are_hidden_from_course_lists_and_refused(client, learner):
    course = make_course(lessons=0)
    make_quiz(course, questions=[make_question()], title="已发布测验")
    draft = make_quiz(course, questions=[make_question()], title="草稿测验", live=False)
    client.force_login(learner)
    page = client.get(course.url).text
    assert "已发布测验" in page and "草稿测验" not in page
    response = client.post(reverse("courses:quiz_start", args=[draft.pk]), follow=True)
    assert "尚未发布" in response.text
    assert not Attempt.objects.filter(quiz=draft).exists()


def test_question_images_are_shown_with_alt_text(client, learner):
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.images.models import Image

    image = Image.objects.create(title="柜台", file=get_test_image_file())
    question = make_question()
    Question.objects.filter(pk=question.pk).update(image=image, image_alt="柜台前站立服务的员工")
    quiz = make_quiz(questions=[question])
    attempt = _start(client, learner, quiz)
    page = client.get(reverse("courses:question", args=[attempt.pk, 1])).text
    assert 'alt="柜台前站立服务的员工"' in page


def test_a_trainee_does_not_see_their_mentors_attempts(client, learner, cast, quiz):
    attempt, _ = finish_attempt(start_attempt(cast.mentor, quiz))
    client.force_login(learner)
    assert client.get(reverse("courses:result", args=[attempt.pk])).status_code == 404
    client.force_login(cast.mentor)
    mine, _ = finish_attempt(start_attempt(learner, quiz))
    assert client.get(reverse("courses:result", args=[mine.pk])).status_code == 200


def test_the_attempt_list_filters_by_quiz_and_state(client, learner, cast, quiz):
    other = make_quiz(questions=[make_question()], title="另一个测验")
    finish_attempt(start_attempt(learner, quiz))
    start_attempt(learner, other)
    client.force_login(cast.lead)
    page = client.get(reverse("courses:attempts"), {"quiz": other.pk}).text
    assert "另一个测验</a>" in page and f">{quiz.title}</a>" not in page
    finished = client.get(reverse("courses:attempts"), {"state": "finished"}).text
    assert f">{quiz.title}</a>" in finished and "另一个测验</a>" not in finished


def test_save_and_hand_in_is_one_service_call_in_one_transaction(client, learner, quiz, monkeypatch):
    """15.3: the answer of the last question and the hand-in are saved together or not at all."""
    import courses.services
    import courses.views

    attempt = _start(client, learner, quiz)
    calls = []
    real_save = courses.views.save_answer
    monkeypatch.setattr(courses.views, "save_answer", lambda *a, **kw: calls.append(kw) or real_save(*a, **kw))
    monkeypatch.setattr(courses.views, "finish_attempt", lambda *a, **kw: pytest.fail("finished outside the save"))

    def broken(*args, **kwargs):
        raise RuntimeError("course completion failed")

    monkeypatch.setattr(courses.services, "check_course_completion", broken)
    url = reverse("courses:question", args=[attempt.pk, 2])
    with pytest.raises(RuntimeError):
        client.post(url, {"seq": 0, "option": ["0", "1"], "action": "finish"})
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.seq == 0 and attempt.questions.get(order=1).selected == []

    monkeypatch.undo()
    monkeypatch.setattr(courses.views, "save_answer", lambda *a, **kw: calls.append(kw) or real_save(*a, **kw))
    monkeypatch.setattr(courses.views, "finish_attempt", lambda *a, **kw: pytest.fail("finished outside the save"))
    response = client.post(url, {"seq": 0, "option": ["0", "1"], "action": "finish"})
    assert response.url == reverse("courses:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.questions.get(order=1).selected == [0, 1]
    assert [kw["finish"] for kw in calls] == [True, True]


def test_a_post_to_a_question_that_does_not_exist_is_404(client, learner, quiz):
    attempt = _start(client, learner, quiz)
    response = client.post(reverse("courses:question", args=[attempt.pk, 9]), {"seq": 0, "action": "save"})
    assert response.status_code == 404


def test_the_quiz_page_closes_an_attempt_past_its_deadline(client, learner, quiz):
    import datetime

    from django.utils import timezone

    QuizPage.objects.filter(pk=quiz.pk).update(time_limit_minutes=1)
    quiz.refresh_from_db()
    attempt = start_attempt(learner, quiz, now=timezone.now() - datetime.timedelta(minutes=5))
    client.force_login(learner)
    page = client.get(quiz.url).text
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.finished_at == attempt.deadline
    assert "继续作答" not in page and "再做一次" in page
