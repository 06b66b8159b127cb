"""The organisation's own values for rules the seeds disagree on: lessons show them, questions ask for them."""

import random

import pytest
from django.core.exceptions import ValidationError

from courses.models import Question, SiteRules
from courses.services import start_attempt
from courses.site_rules import current_rules, fill, rule_options

from .conftest import make_category, make_question, make_quiz


def make_rule_question(rule="arrive_early_minutes", candidates="5, 10, 15, 20, 30", template="提前 {} 分钟到岗"):
    return Question.objects.create(
        category=make_category(), type=Question.Type.SINGLE, stem="按本单位规定，上班应提前多久到岗？",
        site_rule=rule, rule_candidates=candidates, option_template=template,
    )


def test_tokens_are_filled_with_the_site_value(db):
    assert fill("请提前 [[arrive_early_minutes]] 分钟到岗，铃响 [[answer_within_rings]] 声内接听。") == (
        "请提前 10 分钟到岗，铃响 3 声内接听。"
    )
    assert fill("[[no_such_rule]] 不变") == "[[no_such_rule]] 不变"


def test_the_key_follows_the_setting_and_never_collides_with_a_distractor(db):
    for value in (5, 10, 15, 30):
        options = rule_options("arrive_early_minutes", "5, 10, 15, 20, 30", "提前 {} 分钟", {"arrive_early_minutes": value})
        assert len(options) == 4
        assert [text for text, correct in options if correct] == [f"提前 {value} 分钟"]
        assert len({text for text, _ in options}) == 4


def test_a_changed_setting_changes_what_a_new_attempt_asks(cast):
    question = make_rule_question()
    quiz = make_quiz(questions=[question], shuffle_options=True)
    setting = SiteRules.load()
    setting.arrive_early_minutes = 15
    setting.save()
    attempt = start_attempt(cast.trainee, quiz, rng=random.Random(1))
    (snapshot,) = attempt.questions.all()
    assert [o["text"] for o in snapshot.options if o["correct"]] == ["提前 15 分钟到岗"]
    assert current_rules()["arrive_early_minutes"] == 15


def test_token_in_an_ordinary_question_is_filled_in_the_attempt(cast):
    question = make_question(stem="电话铃响几声内应接听？标准是 [[answer_within_rings]] 声。")
    attempt = start_attempt(cast.trainee, make_quiz(questions=[question]))
    assert attempt.questions.get().stem.endswith("标准是 3 声。")


@pytest.mark.parametrize("fields", [
    {"type": Question.Type.MULTIPLE},
    {"rule_candidates": "5, 10, 15"},
    {"rule_candidates": "5, ten, 15, 20"},
    {"option_template": "提前分钟"},
])
def test_a_rule_question_that_cannot_build_its_options_is_refused(db, fields):
    question = Question(category=make_category(), stem="?", site_rule="arrive_early_minutes",
                        rule_candidates="5, 10, 15, 20", option_template="提前 {} 分钟", type=Question.Type.SINGLE)
    for name, value in fields.items():
        setattr(question, name, value)
    with pytest.raises(ValidationError):
        question.clean()


def test_retired_questions_are_not_drawn(cast):
    category = make_category("退役测试")
    kept = make_question(category, stem="在用")
    retired = make_question(category, stem="已停用")
    Question.objects.filter(pk=retired.pk).update(active=False)
    quiz = make_quiz(draws=[(category, 2)])
    assert [q.pk for q in quiz.draw_questions(rng=random.Random(0))] == [kept.pk]


def test_the_rules_read_with_the_lesson_are_the_settings_before_and_after_it_is_saved(db, learner):
    from courses.models import SiteRules
    from courses.selectors import lesson_progress

    from .conftest import make_course

    lesson = make_course(lessons=1).lessons().first()
    assert not SiteRules.objects.exists()
    assert lesson_progress(learner, lesson).site_rules == current_rules() == {
        "arrive_early_minutes": 10, "answer_within_rings": 3}
    setting = SiteRules.load()
    setting.arrive_early_minutes, setting.answer_within_rings = 25, 5
    setting.save()
    assert lesson_progress(learner, lesson).site_rules == current_rules() == {
        "arrive_early_minutes": 25, "answer_within_rings": 5}
