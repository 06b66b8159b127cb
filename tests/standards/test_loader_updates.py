"""load_standards on a database an older library filled: shipped questions it still owns follow the data,
editors' changes are kept, questions that left the data are retired, written answers get their own draw."""

import copy
import datetime
from pathlib import Path

import pytest

from courses.models import Question, QuestionCategory, QuizPage
from courses.standards import data, loader

OLD_WIN = Path(__file__).parent / "samples" / "01_win_old.toml"


def old_win():
    return data.load_course(OLD_WIN)


def as_before_fingerprints(course):
    """The database as the loader before ``source_hash`` left it: every question directly in the course category."""
    parent = QuestionCategory.objects.get(name=loader.category_names(course)[0])
    Question.objects.filter(source_key__startswith="WIN-").update(source_hash="", category=parent)
    return parent


def edited_by_an_editor_back_then(key, **changes):
    """An editor's save after the load (before fingerprints): ``updated_at`` moves on."""
    question = Question.objects.get(source_key=key)
    Question.objects.filter(pk=question.pk).update(
        updated_at=question.created_at + datetime.timedelta(hours=1), **changes
    )


def new_win():
    """The old course rewritten to the new format: a changed stem, a rule question, a scenario, an essay,
    two questions left out."""
    course = copy.deepcopy(old_win())
    q01, q10, q11, _q98, _q99 = course["questions"]
    q01["stem"] = "你正准备开窗口，发现工牌落在更衣柜里了。你该怎么做？"
    q01["scenario"] = True
    rule = {
        "key": "WIN-Q10", "type": "single", "site_rule": "arrive_early_minutes",
        "rule_candidates": [5, 10, 15, 20, 30], "option_template": "提前 {} 分钟到岗", "scenario": False,
        "stem": "按本单位规定，窗口人员应提前多久到岗？", "clauses": ["WIN-10"],
        "explanation": "本单位规定提前 [[arrive_early_minutes]] 分钟到岗。", "options": [],
    }
    essay = {
        "key": "WIN-Q30", "type": "essay", "scenario": True, "clauses": ["WIN-10"], "explanation": "",
        "stem": "离下班还有五分钟，一位客户赶来办业务。请写出你对客户说的话。",
        "reference_answer": "您好，请坐，我马上为您办理。", "points": ["先问候", "不以快下班为由拒绝"], "options": [],
    }
    course["questions"] = [q01, rule, q11, essay]
    course["quiz"]["essays"] = 1
    return course


@pytest.fixture
def upgraded(db):
    """An old database (old library, no fingerprints, one question edited by an editor) brought up to date."""
    old = old_win()
    loader.load_library([old])
    as_before_fingerprints(old)
    edited_by_an_editor_back_then("WIN-Q99", stem="编辑改写：下列哪些做法符合着装要求？")
    return loader.load_library([new_win()])


def test_a_question_the_loader_owns_follows_the_data(upgraded):
    question = Question.objects.get(source_key="WIN-Q01")
    assert question.stem.startswith("你正准备开窗口") and question.scenario
    assert "question WIN-Q01" in upgraded.updated


def test_an_objective_item_becomes_a_rule_question_without_option_rows(upgraded):
    question = Question.objects.get(source_key="WIN-Q10")
    assert question.site_rule == "arrive_early_minutes" and question.rule_candidates == "5, 10, 15, 20, 30"
    assert not question.options.exists()
    assert [text for text, ok in question.resolved_options({"arrive_early_minutes": 15}) if ok] == ["提前 15 分钟到岗"]


def test_a_written_answer_is_loaded_with_its_marking_points(upgraded):
    essay = Question.objects.get(source_key="WIN-Q30")
    assert essay.type == "essay" and essay.reference_answer == "您好，请坐，我马上为您办理。"
    assert essay.marking_point_list() == ["先问候", "不以快下班为由拒绝"]
    assert essay.category.name == "窗口服务行为规范与文明用语 · 简答题"


def test_a_question_that_left_the_data_is_retired_not_deleted(upgraded):
    retired = Question.objects.get(source_key="WIN-Q98")
    assert not retired.active
    assert "question WIN-Q98" in upgraded.retired


def test_an_editors_question_is_kept_in_use_even_when_it_left_the_data(upgraded):
    kept = Question.objects.get(source_key="WIN-Q99")
    assert kept.active and kept.stem.startswith("编辑改写")
    assert "question WIN-Q99 (no longer shipped)" in upgraded.kept


def test_questions_move_out_of_the_course_category_into_the_child_of_their_type(upgraded):
    parent = QuestionCategory.objects.get(name="1. 窗口服务行为规范与文明用语")
    assert not parent.questions.exists()
    objective = QuestionCategory.objects.get(name="窗口服务行为规范与文明用语 · 客观题")
    assert objective.parent == parent
    assert set(objective.questions.values_list("source_key", flat=True)) == {
        "WIN-Q01", "WIN-Q10", "WIN-Q11", "WIN-Q98", "WIN-Q99"
    }


def test_the_certifying_quiz_draws_objective_items_and_essays_separately(upgraded):
    import random

    quiz = QuizPage.objects.get(slug="win-quiz")
    # Numbered in that order, so every database reads them back alike (and a second load finds nothing to change).
    assert [(d.sort_order, d.category.name, d.count) for d in quiz.random_draws.all()] == [
        (0, "窗口服务行为规范与文明用语 · 客观题", 3), (1, "窗口服务行为规范与文明用语 · 简答题", 1)
    ]
    for seed in range(5):
        drawn = quiz.draw_questions(rng=random.Random(seed))
        assert sorted(q.type == "essay" for q in drawn) == [False, False, False, True]
        assert all(q.active for q in drawn)


def test_a_second_run_after_the_upgrade_changes_nothing(upgraded):
    again = loader.load_library([new_win()])
    assert not again.changed
    assert again.kept == ["question WIN-Q99 (no longer shipped)"]


def test_a_question_the_loader_wrote_is_kept_once_an_editor_changes_it(db):
    loader.load_library([new_win()])
    question = Question.objects.get(source_key="WIN-Q11")
    question.explanation = "编辑补充的解析。"
    question.save()
    changed = new_win()
    changed["questions"][2]["stem"] = "数据里改过的题干。"
    report = loader.load_library([changed])
    question.refresh_from_db()
    assert question.explanation == "编辑补充的解析。" and not question.stem.startswith("数据里")
    assert "question WIN-Q11" in report.kept


def test_an_editor_can_retire_a_shipped_question_and_the_loader_leaves_it_retired(db):
    loader.load_library([new_win()])
    question = Question.objects.get(source_key="WIN-Q11")
    question.active = False
    question.save()
    report = loader.load_library([new_win()])
    question.refresh_from_db()
    assert not question.active and "question WIN-Q11" in report.kept


def test_a_retired_key_that_comes_back_is_put_back_in_use(db):
    course = new_win()
    loader.load_library([course])
    shorter = copy.deepcopy(course)
    shorter["questions"] = [q for q in shorter["questions"] if q["key"] != "WIN-Q11"]
    loader.load_library([shorter])
    assert not Question.objects.get(source_key="WIN-Q11").active
    report = loader.load_library([course])
    assert Question.objects.get(source_key="WIN-Q11").active and "question WIN-Q11" in report.updated


def test_the_shipped_library_loads_over_the_old_one_and_settles(db):
    loader.load_library([old_win()])
    as_before_fingerprints(old_win())
    (win,) = [c for c in data.load_library() if c["code"] == "WIN"]
    first = loader.load_library([win])
    assert first.changed
    second = loader.load_library([win])
    assert not second.changed and second.kept == []
    shipped = {q["key"] for q in win["questions"]}
    for question in Question.objects.filter(source_key__startswith="WIN-"):
        assert question.active == (question.source_key in shipped), question.source_key


def test_practice_questions_follow_the_file_while_the_loader_owns_them(db, tmp_path, monkeypatch):
    text = data.PRACTICE_EXAM.read_text(encoding="utf-8")
    loader.load_practice_exam(loader.LoadReport())
    first = Question.objects.get(source_key="PRACTICE:1")
    changed = tmp_path / "practice_exam.txt"
    changed.write_text(text.replace(first.stem, "改写后的第一题题干？", 1), encoding="utf-8")
    monkeypatch.setattr(data, "PRACTICE_EXAM", changed)
    report = loader.LoadReport()
    loader.load_practice_exam(report)
    assert Question.objects.get(source_key="PRACTICE:1").stem == "改写后的第一题题干？"
    assert report.updated == ["question PRACTICE:1"]
