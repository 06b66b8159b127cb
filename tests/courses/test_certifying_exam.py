"""The certifying quiz of a course (14.3), through the views: attempts per round, the training lead's new round,
answers hidden between retries, the blueprint draw, written answers counted only once marked."""

import re
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.models import Attempt, CourseCompletion, LessonPage, Question, QuizPage, RoundGrant
from mentorship.models import RecordLocked

from .conftest import make_category, make_course, make_question, make_quiz

CLAUSES = [("EX-01", "着装规范"), ("EX-02", "文明用语"), ("EX-03", "首问负责"), ("EX-04", "一次性告知"),
           ("EX-05", "暂停服务")]
EXPLANATION = "解析：见条款"


def _clause(cid, title):
    return ("clause", {"clause_id": cid, "title": title, "rule": f"{title}的规定", "do": [], "dont": []})


@pytest.fixture
def course(db):
    course = make_course("EX")
    for n, chunk in enumerate([CLAUSES[:3], CLAUSES[3:]], start=1):
        lesson = LessonPage(title=f"第{n}课", slug=f"ex-l{n}", body=[_clause(cid, title) for cid, title in chunk])
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    return course


@pytest.fixture
def bank(course):
    """Four objective items per clause and two essays, in two categories as the standards loader files them."""
    parent = make_category("考试课程")
    objective = make_category("考试课程 · 客观题", parent=parent)
    essays = make_category("考试课程 · 简答题", parent=parent)
    for cid, title in CLAUSES:
        for n in range(4):
            make_question(objective, stem=f"{title}第{n}题", explanation=f"{EXPLANATION}{cid}", clauses=cid)
    for cid in ("EX-02", "EX-03"):
        make_question(essays, type=Question.Type.ESSAY, stem=f"请写出话术（{cid}）", reference_answer="参考话术甲",
                      marking_points="先问候\n再说明", clauses=cid)
    return objective, essays


@pytest.fixture
def quiz(course, bank):
    """The course's certifying quiz: five objective items (no essay), pass mark 80 %, 3 attempts per round."""
    objective, _essays = bank
    return make_quiz(course, draws=[(objective, 5)], pass_mark=80, title="考试测验")


def _start(client, quiz):
    response = client.post(reverse("courses:quiz_start", args=[quiz.pk]))
    match = re.match(r"/courses/attempts/(\d+)/q/\d+/$", response.url)
    assert match, response.url
    return Attempt.objects.get(pk=int(match.group(1)))


def _take(client, quiz, *, right=True, essay="我的话术"):
    """Start an attempt through the views, answer every question (right or wrong) and hand it in."""
    attempt = _start(client, quiz)
    answers = list(attempt.questions.all())
    for n, answer in enumerate(answers, start=1):
        data = {"seq": Attempt.objects.get(pk=attempt.pk).seq, "action": "finish" if n == len(answers) else "next"}
        if answer.is_essay:
            data["text"] = essay
        else:
            positions = [i for i, o in enumerate(answer.options) if bool(o["correct"]) == right]
            data["option"] = [str(p) for p in (positions if right else positions[:1])]
        response = client.post(reverse("courses:question", args=[attempt.pk, n]), data)
        assert response.status_code == 302
    assert response.url == reverse("courses:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert not attempt.is_open
    return attempt


def _fail_a_round(client, quiz):
    return [_take(client, quiz, right=False) for _ in range(quiz.attempts_allowed)]


# --- attempts per round ---------------------------------------------------------------------------------------


def test_a_certifying_quiz_allows_three_attempts_then_shows_what_to_study(client, learner, quiz):
    client.force_login(learner)
    attempts = _fail_a_round(client, quiz)
    assert [(a.round, a.round_try, a.number) for a in attempts] == [(1, 1, 1), (1, 2, 2), (1, 3, 3)]
    refused = client.post(reverse("courses:quiz_start", args=[quiz.pk]), follow=True)
    assert "本轮 3 次作答机会已用完" in refused.text
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 3
    page = client.get(quiz.url).text
    assert "本轮 3 次作答机会已用完" in page and "再做一次" not in page
    # What to study: every clause got wrong, linked to the lesson that teaches it.
    lesson = LessonPage.objects.get(slug="ex-l2")
    assert f'href="{lesson.url}#clause-EX-04"' in page and "一次性告知" in page


def test_a_practice_quiz_keeps_unlimited_attempts(client, learner, course, bank):
    practice = make_quiz(course, draws=[(bank[0], 3)], practice=True, title="练习")
    client.force_login(learner)
    for _ in range(5):
        _take(client, practice, right=False)
    assert Attempt.objects.filter(quiz=practice).count() == 5


def test_the_result_offers_try_again_while_attempts_remain(client, learner, quiz):
    client.force_login(learner)
    first = _take(client, quiz, right=False)
    page = client.get(reverse("courses:result", args=[first.pk])).text
    assert "再做一次" in page and "本轮还可作答 2 次" in page
    _take(client, quiz, right=False)
    assert "再做一次" not in client.get(reverse("courses:result", args=[first.pk])).text  # not the latest any more
    last = _take(client, quiz, right=False)
    assert "再做一次" not in client.get(reverse("courses:result", args=[last.pk])).text


def test_a_passed_certifying_quiz_does_not_offer_try_again(client, learner, quiz):
    client.force_login(learner)
    passed = _take(client, quiz, right=True)
    assert passed.passed
    assert "再做一次" not in client.get(reverse("courses:result", args=[passed.pk])).text


def test_a_try_after_a_pass_opens_a_new_round_by_itself(client, learner, quiz):
    """A refresher or another try after passing is not one of the failed round's attempts."""
    client.force_login(learner)
    _take(client, quiz, right=False)
    _take(client, quiz, right=False)
    _take(client, quiz, right=True)
    again = _take(client, quiz, right=False)
    assert (again.round, again.round_try) == (2, 1)


# --- the training lead's new round ----------------------------------------------------------------------------


def test_the_training_lead_grants_a_new_round_recorded_with_who_when_and_why(client, learner, cast, quiz):
    client.force_login(learner)
    last = _fail_a_round(client, quiz)[-1]
    client.force_login(cast.lead)
    result = client.get(reverse("courses:result", args=[last.pk])).text
    assert 'name="reason"' in result
    response = client.post(reverse("courses:grant_round", args=[last.pk]), {"reason": "已复习薄弱条款，补考"})
    assert response.status_code == 302
    grant = RoundGrant.objects.get()
    assert (grant.quiz, grant.learner, grant.number, grant.granted_by) == (quiz, learner, 2, cast.lead)
    assert grant.reason == "已复习薄弱条款，补考" and grant.granted_at is not None
    shown = client.get(reverse("courses:result", args=[last.pk])).text
    assert "已复习薄弱条款，补考" in shown and 'name="reason"' not in shown  # the round is open: no second grant

    client.force_login(learner)
    page = client.get(quiz.url).text
    assert "第 2 轮" in page and "已复习薄弱条款，补考" in page and cast.lead.profile.name in page
    again = _take(client, quiz, right=False)
    assert (again.round, again.round_try, again.number) == (2, 1, 4)
    _take(client, quiz, right=False)
    _take(client, quiz, right=False)
    assert "本轮 3 次作答机会已用完" in client.post(reverse("courses:quiz_start", args=[quiz.pk]), follow=True).text


@pytest.mark.parametrize("who, status", [("other_lead", 404), ("other_trainee", 403), ("regional_manager", 403),
                                         ("mentor", 403), ("supervisor", 403), ("trainee", 403)])
def test_nobody_but_the_learners_training_lead_grants_a_round(client, cast, quiz, who, status):
    client.force_login(cast.trainee)
    last = _fail_a_round(client, quiz)[-1]
    client.force_login(getattr(cast, who))
    response = client.post(reverse("courses:grant_round", args=[last.pk]), {"reason": "想再考"})
    assert response.status_code == status
    assert not RoundGrant.objects.exists()


def test_a_round_is_not_granted_without_a_reason_or_while_attempts_remain(client, learner, cast, quiz):
    client.force_login(learner)
    first = _take(client, quiz, right=False)
    client.force_login(cast.lead)
    early = client.post(reverse("courses:grant_round", args=[first.pk]), {"reason": "提前补考"})
    assert early.status_code == 400 and "每一次作答都已用完" in early.text
    client.force_login(learner)
    _take(client, quiz, right=False)
    last = _take(client, quiz, right=False)
    client.force_login(cast.lead)
    blank = client.post(reverse("courses:grant_round", args=[last.pk]), {"reason": "   "})
    assert blank.status_code == 400 and "请说明" in blank.text
    assert not RoundGrant.objects.exists()
    assert client.post(reverse("courses:grant_round", args=[last.pk]), {"reason": "补考"}).status_code == 302
    twice = client.post(reverse("courses:grant_round", args=[last.pk]), {"reason": "再补考"})
    assert twice.status_code == 400 and RoundGrant.objects.count() == 1


def test_a_granted_round_cannot_be_edited_or_deleted(client, learner, cast, quiz):
    client.force_login(learner)
    last = _fail_a_round(client, quiz)[-1]
    client.force_login(cast.lead)
    client.post(reverse("courses:grant_round", args=[last.pk]), {"reason": "补考"})
    grant = RoundGrant.objects.get()
    grant.reason = "改过的理由"
    with pytest.raises(RecordLocked):
        grant.save()
    with pytest.raises(RecordLocked):
        grant.delete()


# --- answers hidden between retries -----------------------------------------------------------------------------


def _revealed(html):
    return EXPLANATION in html or "is-correct" in html or "正确答案" in html


def test_answers_are_hidden_between_retries_and_shown_after_the_last_attempt(client, learner, quiz):
    client.force_login(learner)
    first = _take(client, quiz, right=False)
    page = client.get(reverse("courses:result", args=[first.pk])).text
    assert not _revealed(page)
    # The learner still sees which clauses they got wrong, linked to the lessons.
    lesson = LessonPage.objects.get(slug="ex-l1")
    assert "出错的条款" in page and f'href="{lesson.url}#clause-EX-01"' in page
    second = _take(client, quiz, right=False)
    assert not _revealed(client.get(reverse("courses:result", args=[second.pk])).text)
    assert not _revealed(client.get(reverse("courses:result", args=[first.pk])).text)
    last = _take(client, quiz, right=False)
    assert _revealed(client.get(reverse("courses:result", args=[last.pk])).text)


def test_answers_are_shown_after_the_attempt_that_passes(client, learner, quiz):
    client.force_login(learner)
    failed = _take(client, quiz, right=False)
    passed = _take(client, quiz, right=True)
    assert _revealed(client.get(reverse("courses:result", args=[passed.pk])).text)
    assert not _revealed(client.get(reverse("courses:result", args=[failed.pk])).text)


def test_a_certifying_quiz_refuses_immediate_answers_and_unlimited_attempts(db):
    quiz = make_quiz(questions=[make_question()])
    quiz.show_answers, quiz.attempts_allowed = QuizPage.ShowAnswers.IMMEDIATELY, 0
    with pytest.raises(ValidationError) as refused:
        quiz.full_clean()
    assert {"show_answers", "attempts_allowed"} <= set(refused.value.message_dict)
    quiz.practice = True
    quiz.full_clean()


# --- the blueprint draw ----------------------------------------------------------------------------------------


def test_each_attempt_draws_afresh_one_item_per_clause_before_any_gets_a_second(client, learner, course, bank):
    objective, essays = bank
    quiz = make_quiz(course, draws=[(objective, 7), (essays, 1)], practice=True, title="蓝图")
    client.force_login(learner)
    drawn = []
    for _ in range(4):
        attempt = _take(client, quiz, right=False)
        questions = list(attempt.questions.all())
        groups = Counter(a.clause_id_list()[0] for a in questions if not a.is_essay)
        assert set(groups) == {cid for cid, _title in CLAUSES}  # every clause group once …
        assert sorted(groups.values()) == [1, 1, 1, 2, 2]  # … before any gets a second
        assert sum(a.is_essay for a in questions) == 1  # the written answers are their own count
        drawn.append(frozenset(a.question_id for a in questions))
    assert len(set(drawn)) > 1


def test_a_draw_smaller_than_the_clause_groups_takes_each_group_at_most_once(client, learner, quiz):
    QuizPage.objects.filter(pk=quiz.pk).update(attempts_allowed=5)
    quiz.random_draws.update(count=4)
    client.force_login(learner)
    for _ in range(3):
        attempt = _take(client, quiz, right=False)
        groups = Counter(a.clause_id_list()[0] for a in attempt.questions.all())
        assert len(groups) == 4 and set(groups.values()) == {1}


# --- written answers ---------------------------------------------------------------------------------------------


@pytest.fixture
def quiz_with_essay(course, bank):
    objective, essays = bank
    return make_quiz(course, draws=[(objective, 4), (essays, 1)], pass_mark=80, title="含简答测验")


def test_written_answers_count_only_once_marked(client, learner, cast, course, quiz_with_essay):
    client.force_login(learner)
    for lesson in course.lessons():
        client.post(lesson.url, {"mark_read": "1"})
    attempt = _take(client, quiz_with_essay, right=True)
    assert attempt.state == Attempt.State.AWAITING_MARKING and not attempt.passed
    result = client.get(reverse("courses:result", args=[attempt.pk])).text
    assert "待评阅" in result and "已通过" not in result and "参考话术甲" not in result
    assert "待评阅" in client.get(quiz_with_essay.url).text
    assert "待评阅" in client.get(reverse("courses:attempts") + "?mine=1").text
    assert not CourseCompletion.objects.filter(user=learner, course=course).exists()
    # No retry while the marker has not decided.
    refused = client.post(reverse("courses:quiz_start", args=[quiz_with_essay.pk]), follow=True)
    assert "等待培训负责人评阅" in refused.text

    client.force_login(cast.lead)
    essay = attempt.questions.get(type=Question.Type.ESSAY)
    client.post(reverse("courses:mark", args=[essay.pk]), {"correct": "1"})
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.MARKED and attempt.passed and attempt.score == 100
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()
    client.force_login(learner)
    assert "已通过" in client.get(reverse("courses:result", args=[attempt.pk])).text


def test_a_written_answer_marked_wrong_is_part_of_the_score(client, learner, cast, quiz_with_essay):
    client.force_login(learner)
    attempt = _take(client, quiz_with_essay, right=True)
    client.force_login(cast.lead)
    client.post(reverse("courses:mark", args=[attempt.questions.get(type=Question.Type.ESSAY).pk]), {"correct": "0"})
    attempt.refresh_from_db()
    assert attempt.score == 80 and attempt.passed  # 4 of 5
    QuizPage.objects.filter(pk=quiz_with_essay.pk).update(pass_mark=90)
    client.force_login(learner)
    second = _take(client, quiz_with_essay, right=True)
    client.force_login(cast.lead)
    client.post(reverse("courses:mark", args=[second.questions.get(type=Question.Type.ESSAY).pk]), {"correct": "0"})
    second.refresh_from_db()
    assert second.score == 80 and second.pass_mark == 90 and not second.passed


def test_the_marker_sees_the_reference_answer_and_the_marking_points_as_drawn(client, learner, cast, quiz_with_essay):
    client.force_login(learner)
    attempt = _take(client, quiz_with_essay, right=True)
    essay = attempt.questions.get(type=Question.Type.ESSAY)
    Question.objects.filter(pk=essay.question_id).update(marking_points="改过的要点", reference_answer="改过的话术")
    client.force_login(cast.lead)
    page = client.get(reverse("courses:mark", args=[essay.pk])).text
    assert "参考话术甲" in page and "先问候" in page and "再说明" in page
    assert "改过的要点" not in page and "改过的话术" not in page


def test_the_progress_matrix_shows_an_attempt_waiting_for_marking(client, learner, cast, course, quiz_with_essay):
    from certificates.models import Program

    program = Program.objects.create(code="EXP", name="考试认证", validity_months=12, min_ride_alongs=0,
                                     checklist_required=False)
    program.required_courses.add(course)
    client.force_login(learner)
    _take(client, quiz_with_essay, right=True)
    client.force_login(cast.lead)
    matrix = client.get(reverse("cockpit:matrix"), {"program": program.pk}).text
    assert "待评阅" in matrix


# --- one rule, two faces ------------------------------------------------------------------------------------------


def test_the_sql_face_of_a_used_up_round_agrees_with_the_learners_standing(client, cast, quiz, quiz_with_essay):
    def agree():
        for user in (cast.trainee, cast.other_trainee):
            for q in (quiz, quiz_with_essay):
                sql = Attempt.objects.rounds_used_up().filter(quiz=q, user=user).exists()
                assert sql == q.standing(user).exhausted, (user, q)

    client.force_login(cast.trainee)
    agree()
    for _ in range(3):
        _take(client, quiz, right=False)
        agree()
    client.force_login(cast.lead)
    client.post(reverse("courses:grant_round", args=[Attempt.objects.filter(quiz=quiz).last().pk]), {"reason": "补考"})
    agree()
    client.force_login(cast.other_trainee)
    for right in (False, False, True):
        _take(client, quiz, right=right)
        agree()
    _take(client, quiz_with_essay, right=True)  # waits for marking: not used up
    agree()


# --- existing data --------------------------------------------------------------------------------------------


def test_the_migration_brings_existing_attempts_and_quizzes_under_the_rules(learner, course, bank):
    import importlib

    from django.apps import apps

    from courses.models import AttemptQuestion

    migration = importlib.import_module("courses.migrations.0006_certifying_rounds")
    objective, essays = bank
    quiz = make_quiz(course, draws=[(objective, 2), (essays, 1)], title="旧测验")
    QuizPage.objects.filter(pk=quiz.pk).update(attempts_allowed=0, show_answers="immediately")
    practice = make_quiz(course, draws=[(objective, 2)], practice=True, title="旧练习")
    QuizPage.objects.filter(pk=practice.pk).update(attempts_allowed=0, show_answers="immediately")
    for number in (1, 2):
        attempt = Attempt.objects.create(quiz=quiz, user=learner, number=number, state=Attempt.State.FINISHED)
        for order, question in enumerate([Question.objects.filter(category=objective).first(),
                                          Question.objects.filter(category=essays).first()]):
            AttemptQuestion.objects.create(attempt=attempt, order=order, question=question, type=question.type,
                                           stem=question.stem, correct=None if question.type == "essay" and number == 2
                                           else True)
    migration.forwards(apps, None)
    first, second = Attempt.objects.filter(quiz=quiz).order_by("number")
    assert (first.state, second.state) == (Attempt.State.FINISHED, Attempt.State.AWAITING_MARKING)
    assert [(a.round, a.round_try) for a in (first, second)] == [(1, 1), (1, 2)]
    essay = second.questions.get(type=Question.Type.ESSAY)
    assert essay.clause_ids == "EX-02" and essay.marking_point_list() == ["先问候", "再说明"]
    assert second.questions.get(type=Question.Type.SINGLE).clause_ids == "EX-01"
    quiz.refresh_from_db()
    practice.refresh_from_db()
    assert (quiz.attempts_allowed, quiz.show_answers) == (3, "after_attempt")
    assert (practice.attempts_allowed, practice.show_answers) == (0, "immediately")


def test_the_person_page_shows_the_lead_who_waits_for_a_new_round_and_the_rounds_granted(client, learner, cast, quiz):
    client.force_login(learner)
    last = _fail_a_round(client, quiz)[-1]
    client.force_login(cast.lead)
    person = reverse("person", args=[learner.profile.pk])
    page = client.get(person).text
    assert "等待批准新一轮作答" in page and reverse("courses:result", args=[last.pk]) in page
    client.post(reverse("courses:grant_round", args=[last.pk]), {"reason": "已约谈，复习后补考"})
    page = client.get(person).text
    assert "等待批准新一轮作答" not in page
    assert "已批准的新一轮作答" in page and "已约谈，复习后补考" in page and "第 2 轮" in page
