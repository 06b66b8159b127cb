"""standards_lint and the admin's 题库质量 view: one measure of how guessable a bank is."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from courses.models import LessonPage, Question

from .conftest import make_category, make_course, make_question, make_quiz
from .test_admin import editor_client  # noqa: F401 - fixture

OLD_PATTERN = {"longest_key", "true_false_balance", "multiple_pattern", "scenarios", "pool_per_draw", "pool_size",
               "essays", "untested_clauses"}


def _lint(*args):
    out = io.StringIO()
    try:
        call_command("standards_lint", *args, stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue()


def _course_with_clauses(code, clauses):
    course = make_course(code)
    body = [{"type": "clause", "value": {"clause_id": cid, "title": cid, "rule": "规则", "do": [], "dont": []}}
            for cid in clauses]
    course.add_child(instance=LessonPage(title=f"{code} 第一课", slug=f"{code.lower()}-one", body=json.dumps(body)))
    return course


def old_pattern_bank(code="OLD"):
    """A bank as the first library wrote them: 15 items for a draw of 10, the key the longest option, every
    multiple choice 3 of 4, 错 for most true/false keys, no scenarios, no written answers, one clause untested."""
    course = _course_with_clauses(code, [f"{code}-01", f"{code}-02", f"{code}-03"])
    category = make_category(f"{code} 旧题库")
    clause = f"{code}-01"
    for n in range(7):
        q = make_question(category, stem=f"单选{n}", options=[
            (f"按规定完整地做到第{n}项要求并主动说明", True), ("不用管", False), ("等领导", False), ("随便", False)])
        q.clause_ids = clause
        q.save()
    for n in range(4):
        q = make_question(category, type=Question.Type.MULTIPLE, stem=f"多选{n}", options=[
            ("做法一", True), ("做法二", True), ("做法三", True), ("如何绕过考勤制度", False)])
        q.clause_ids = f"{code}-02"
        q.save()
    for n in range(4):
        make_question(category, type=Question.Type.TRUE_FALSE, stem=f"判断{n}",
                      options=[("正确", n == 0), ("错误", n != 0)])
    make_quiz(course, draws=[(category, 10)], title=f"{code} 测验")
    return category


def good_bank(code="NEW"):
    """A bank written to the rules: 27 objective items for a draw of 10 plus 2 written answers."""
    clauses = [f"{code}-01", f"{code}-02"]
    course = _course_with_clauses(code, clauses)
    parent = make_category(f"{code} 新题库")
    objective = make_category(f"{code} 新题库 · 客观题", parent)
    essays = make_category(f"{code} 新题库 · 简答题", parent)

    def item(type, options, scenario, n):
        q = make_question(objective, type=type, stem=f"{type}{n}", options=options)
        Question.objects.filter(pk=q.pk).update(scenario=scenario, clause_ids=clauses[n % 2])

    for n in range(12):  # single choice: the key the longest in 3 of 12
        key = "提前十分钟到岗并备好资料" if n < 3 else "提前十分钟到岗"
        item(Question.Type.SINGLE, [(key, True), ("提前五分钟到岗", False), ("准点到岗即可", False)], n % 2 == 0, n)
    for n in range(9):  # multiple choice: 2, 3 or all correct
        correct = [2, 3, 4][n % 3]
        item(Question.Type.MULTIPLE, [(f"做法{i}", i < correct) for i in range(4)], n % 3 == 0, n)
    for n in range(6):  # true/false: half false
        item(Question.Type.TRUE_FALSE, [("正确", n % 2 == 0), ("错误", n % 2 == 1)], False, n)
    for n in range(2):
        q = make_question(essays, type=Question.Type.ESSAY, stem=f"请写出你对客户说的话{n}")
        Question.objects.filter(pk=q.pk).update(scenario=True, clause_ids=clauses[n])
    make_quiz(course, draws=[(objective, 10), (essays, 1)], title=f"{code} 测验")
    return parent


def test_it_fails_on_a_bank_written_to_the_old_pattern(db):
    category = old_pattern_bank()
    code, out = _lint("--category", category.name, "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    (bank,) = report["categories"]
    assert {f["code"] for f in bank["findings"]} == OLD_PATTERN
    assert bank["single_choice"] == {"items": 7, "key_uniquely_longest": 7, "share": 1.0}
    assert bank["true_false"]["key_false"] == 3 and bank["multiple_choice"]["correct_options"] == {"3": 4}
    assert bank["clauses_without_question"] == ["OLD-03"]
    assert bank["draws"] == [{"quiz": "OLD 测验", "course": "课程 OLD", "practice": False, "essays": False,
                              "count": 10, "pool": 15, "ratio": 1.5}]


def test_it_passes_on_a_good_bank_and_finds_it_by_the_course_code(db):
    good_bank()
    code, out = _lint("--category", "NEW")
    assert code == 0, out
    assert "NEW 新题库 — course NEW: OK" in out
    assert "single choice: key uniquely longest 3/12 (25%" in out
    assert "multiple choice (9): 2 correct: 3, 3 correct: 3, all correct: 3" in out
    assert "draw: NEW 测验: 1 written answers from 2 (2.0x)" in out


def test_all_of_the_above_is_reported_wherever_it_appears(db):
    category = make_category("以上都对")
    make_question(category, options=[("甲", False), ("乙", False), ("以上都对", True)])
    make_question(category, type=Question.Type.MULTIPLE, options=[("甲", True), ("以上答案都不正确", True), ("乙", False)])
    make_question(category, options=[("以上三人中职位最高者", True), ("乙", False)])
    code, out = _lint("--category", category.name, "--json")
    (bank,) = json.loads(out)["categories"]
    assert code == 1 and len(bank["all_or_none_of_the_above"]) == 2


def test_without_a_category_only_the_shipped_banks_decide_the_exit(db):
    bad = old_pattern_bank()
    code, out = _lint()
    assert code == 0 and f"{bad.name} — course OLD: OUT OF BOUNDS" in out


def test_an_unknown_category_is_an_error(db):
    assert _lint("--category", "没有这个题库")[0] == 2


def test_editors_see_the_same_summary_with_the_warnings_explained_in_chinese(editor_client):  # noqa: F811
    category = old_pattern_bank()
    good = good_bank()
    index = editor_client.get(reverse("courses_quality:index"))
    assert index.status_code == 200
    assert category.name in index.text and good.name in index.text
    assert "8 条警告" in index.text and "达到要求" in index.text
    page = editor_client.get(reverse("courses_quality:category", args=[category.pk]))
    assert page.status_code == 200
    text = page.text
    assert "7 / 7" in text and "OLD-03" in text
    assert "正确选项恰是唯一最长" in text and "只选最长的选项" in text
    assert len(page.context["report"].findings) == len(OLD_PATTERN)
    assert "没有试题考查这些条款" in text
    good_page = editor_client.get(reverse("courses_quality:category", args=[good.pk]))
    assert "达到要求" in good_page.text and "3 / 12" in good_page.text


def test_the_category_listing_and_the_menu_lead_to_the_summary(editor_client):  # noqa: F811
    category = make_category("菜单测试")
    listing = editor_client.get(reverse("wagtailsnippets_courses_questioncategory:list"))
    assert reverse("courses_quality:category", args=[category.pk]) in listing.text
    admin = editor_client.get(reverse("wagtailadmin_home"))
    assert reverse("courses_quality:index") in admin.text


def test_people_without_access_to_the_bank_get_403(client, cast):
    client.force_login(cast.trainee)
    category = make_category("权限测试")
    assert client.get(reverse("courses_quality:category", args=[category.pk])).status_code in (302, 403)
