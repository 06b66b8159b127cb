"""Free text in the courses app: an essay answer saved while taking a quiz, and the question form of the Wagtail
admin, the reason for a new round of attempts. No server error; either the whole change or a message in Chinese and
nothing changed."""

import json

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import event, given
from hypothesis import strategies as st

from courses.models import Attempt, AttemptQuestion, Question, QuestionOption
from courses.services import finish_attempt, start_attempt
from tests.courses.conftest import make_category, make_question, make_quiz

from .conftest import FUZZ, assert_chinese, assert_form_came_back, flashed, form_errors, post, rolled_back
from .test_free_text_forms_fuzz import texts

# --- the essay answer of an attempt ---------------------------------------------------------------------------


@pytest.fixture
def attempt(cast):
    quiz = make_quiz(questions=[make_question(type=Question.Type.ESSAY), make_question()])
    return start_attempt(cast.trainee, quiz)


def _attempt_state(attempt):
    return (Attempt.objects.filter(pk=attempt.pk).values("seq", "position", "state").get(),
            list(AttemptQuestion.objects.filter(attempt=attempt).order_by("order")
                 .values("selected", "text_answer", "answered_at")))


def _save(client, attempt, data, as_json):
    extra = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    return post(client, f"/courses/attempts/{attempt.pk}/q/1/", {"action": "save", **data}, **extra)


@FUZZ
@given(text=texts, seq=st.one_of(st.none(), texts, st.sampled_from(["1", "-1", "٠", "99999999999999999999"])),
       goto=st.one_of(st.none(), st.sampled_from(["2", "0", "99", "²", "٢", "１"]), texts), as_json=st.booleans())
def test_an_essay_answer_is_saved_whole_or_refused_with_a_message(cast, client, attempt, text, seq, goto, as_json):
    client.force_login(cast.trainee)
    data = {"text": text, "seq": str(attempt.seq) if seq is None else seq}
    if goto is not None:
        data["goto"] = goto
    with rolled_back():
        before = _attempt_state(attempt)
        response = _save(client, attempt, data, as_json)
        after = _attempt_state(attempt)
        if as_json:
            assert response.status_code == 200, response.status_code
            result = json.loads(response.content)
            accepted, message = result["accepted"], result["message"]
        else:
            assert response.status_code == 302, response.status_code
            messages = flashed(response)
            accepted, message = not messages, " ".join(m for _level, m in messages)
        event("saved" if accepted else "refused")
        if accepted:
            assert "\x00" not in text  # refused with a message: PostgreSQL cannot store it
            assert after[0]["seq"] == before[0]["seq"] + 1
            assert after[1][0]["text_answer"] == text.strip()
            assert (after[1][0]["answered_at"] is not None) == bool(text.strip())
            assert after[1][1] == before[1][1]  # the other question is untouched
        else:
            assert_chinese(message)
            assert after == before


# --- the question form of the Wagtail admin -------------------------------------------------------------------


@pytest.fixture
def editor(cast):
    from lms.services import assign_role

    assign_role(user=cast.editor, role="content_editor")
    return cast.editor


def _question_data(category, type_, stem, explanation, reference_answer, clause_ids, options):
    data = {"category": category.pk, "type": type_, "stem": stem, "explanation": explanation,
            "reference_answer": reference_answer, "clause_ids": clause_ids, "tags": "", "image_alt": "",
            "options-TOTAL_FORMS": len(options), "options-INITIAL_FORMS": 0,
            "options-MIN_NUM_FORMS": 0, "options-MAX_NUM_FORMS": 1000}
    for i, (text, correct, feedback) in enumerate(options):
        data[f"options-{i}-text"] = text
        data[f"options-{i}-feedback"] = feedback
        data[f"options-{i}-ORDER"] = i + 1
        if correct:
            data[f"options-{i}-correct"] = "on"
    return data


# Options: a right and a wrong one with fuzzed text (valid for every type but true/false when the text is), or
# anything at all.
option_rows = st.one_of(
    st.tuples(st.one_of(st.just("安抚客户"), texts), st.one_of(st.just("挂断电话"), texts)).map(
        lambda t: [(t[0], True, ""), (t[1], False, "")]),
    st.lists(st.tuples(st.one_of(st.sampled_from(["对", "错", "甲"]), texts), st.booleans(),
                       st.one_of(st.just(""), texts)), max_size=4),
)
question_types = st.sampled_from([*Question.Type.values, "fill_in"])


@FUZZ
@given(stem=st.one_of(st.just("客户投诉时首先应当？"), texts), explanation=st.one_of(st.just(""), texts),
       reference_answer=st.one_of(st.just(""), texts),
       clause_ids=st.one_of(st.just(""), texts), type_=question_types, options=option_rows)
def test_a_question_is_created_in_the_admin_whole_or_explained(cast, client, editor, stem, explanation,
                                                               reference_answer, clause_ids, type_, options):
    client.force_login(editor)
    category = make_category()
    with rolled_back():
        before = Question.objects.count(), QuestionOption.objects.count()
        response = post(client, reverse("wagtailsnippets_courses_question:add"), _question_data(
            category, type_, stem, explanation, reference_answer, clause_ids, options))
        if response.status_code == 302:
            event("saved")
            question = Question.objects.latest("pk")
            assert (Question.objects.count(), QuestionOption.objects.count()) == (before[0] + 1,
                                                                                  before[1] + len(options))
            assert (question.type, question.stem, question.explanation, question.reference_answer,
                    question.clause_ids) == (type_, stem.strip(), explanation.strip(), reference_answer.strip(),
                                             clause_ids.strip())
            assert [(o.text, o.correct, o.feedback) for o in question.options.order_by("sort_order")] == [
                (text.strip(), correct, feedback.strip()) for text, correct, feedback in options]
        else:
            event("refused")
            assert_form_came_back(response)
            assert (Question.objects.count(), QuestionOption.objects.count()) == before


# --- the reason for a new round of attempts ------------------------------------------------------------------


@pytest.fixture
def used_up(cast):
    """The trainee's only attempt of a one-attempt round, failed: their lead may grant a new round."""
    quiz = make_quiz(questions=[make_question()], attempts_allowed=1)
    attempt = start_attempt(cast.trainee, quiz)
    return finish_attempt(attempt)[0]


@FUZZ
@given(reason=texts)
def test_a_new_round_is_granted_with_its_reason_or_refused_in_chinese(cast, client, used_up, reason):
    from courses.models import RoundGrant

    client.force_login(cast.lead)
    with rolled_back():
        response = post(client, reverse("courses:grant_round", args=[used_up.pk]), {"reason": reason})
        if response.status_code == 302:
            event("granted")
            assert RoundGrant.objects.get().reason == reason.strip()
        else:
            event("refused")
            assert response.status_code == 400, response.status_code
            errors = form_errors(response.context["grant_form"])
            assert errors
            for error in errors:
                assert_chinese(error)
                assert escape(error) in response.content.decode(), error
            assert not RoundGrant.objects.exists()


# --- the success branches above are reachable ------------------------------------------------------------


def test_the_courses_forms_accept_ordinary_text(cast, client, attempt, editor):
    client.force_login(cast.trainee)
    response = _save(client, attempt, {"text": " 先安抚客户情绪，再记录问题。 ", "seq": str(attempt.seq)}, as_json=False)
    assert response.status_code == 302 and not flashed(response)
    assert AttemptQuestion.objects.get(attempt=attempt, order=0).text_answer == "先安抚客户情绪，再记录问题。"
    stale = _save(client, attempt, {"text": "另一个回答", "seq": str(attempt.seq)}, as_json=True)
    assert json.loads(stale.content)["accepted"] is False
    assert AttemptQuestion.objects.get(attempt=attempt, order=0).text_answer == "先安抚客户情绪，再记录问题。"

    client.force_login(editor)
    response = post(client, reverse("wagtailsnippets_courses_question:add"), _question_data(
        make_category(), "single", "客户投诉时首先应当？", "先安抚", "", "",
        [("安抚客户", True, "对"), ("挂断电话", False, "")]))
    assert response.status_code == 302
    assert Question.objects.get(stem="客户投诉时首先应当？").options.count() == 2


def test_the_grant_form_accepts_an_ordinary_reason(cast, client, used_up):
    from courses.models import RoundGrant

    client.force_login(cast.lead)
    response = post(client, reverse("courses:grant_round", args=[used_up.pk]), {"reason": " 已复习，准予补考。 "})
    assert response.status_code == 302 and RoundGrant.objects.get().reason == "已复习，准予补考。"


def test_damaged_quiz_posts_are_refused_with_a_message_not_a_server_error(cast, client, attempt):
    """Found by the fuzz test above: a non-numeric ``seq`` or a ``goto`` of "²" was a 500, and a NUL character in
    an essay answer was stored on SQLite but a 500 on PostgreSQL."""
    client.force_login(cast.trainee)
    before = _attempt_state(attempt)
    for data in ({"text": "回答", "seq": ""}, {"text": "回答", "seq": "abc"}, {"text": "回\x00答", "seq": str(attempt.seq)}):
        result = json.loads(_save(client, attempt, data, as_json=True).content)
        assert result["accepted"] is False
        assert_chinese(result["message"])
    assert _attempt_state(attempt) == before
    response = _save(client, attempt, {"text": "回答", "seq": str(attempt.seq), "goto": "²"}, as_json=False)
    assert response.status_code == 302 and response["Location"].endswith("/q/1/")
    assert AttemptQuestion.objects.get(attempt=attempt, order=0).text_answer == "回答"
