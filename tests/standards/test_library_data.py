"""The shipped data itself: ids, coverage and question mix, without a database."""

import re
from pathlib import Path

from django.conf import settings

from courses.standards import data

COURSE_CODES = ["WIN", "FIRST", "HALL", "SPECIAL", "PHONE", "DISCIPLINE", "MENTORING", "ONSITE"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_eight_courses_have_fixed_codes_in_order():
    assert [c["code"] for c in data.load_library()] == COURSE_CODES


def test_every_clause_is_tested_by_a_question():
    cov = data.coverage(data.load_library())
    assert len(cov) >= 60
    assert [cid for cid, keys in cov.items() if not keys] == []


def test_each_course_has_at_least_twelve_questions_of_every_objective_type():
    for course in data.load_library():
        assert len(course["questions"]) >= 12, course["code"]
        assert {"single", "multiple", "true_false"} <= {q["type"] for q in course["questions"]}, course["code"]
    assert sum(len(c["questions"]) for c in data.load_library()) >= 84


def test_win_teaches_and_asks_the_organisations_arrival_time():
    (win,) = [c for c in data.load_library() if c["code"] == "WIN"]
    (arrive,) = [c for c in win["clauses"] if c["id"] == "WIN-10"]
    assert "[[arrive_early_minutes]]" in arrive["rule"] and "10 分钟" not in arrive["rule"]
    rule_questions = [q for q in win["questions"] if q.get("site_rule") == "arrive_early_minutes"]
    assert [q["clauses"] for q in rule_questions] == [["WIN-10"]]


def test_every_question_has_an_explanation_and_a_correct_option():
    for course in data.load_library():
        for q in course["questions"]:
            if q["type"] == "essay":
                assert q["reference_answer"].strip() and 2 <= len(q["points"]) <= 5
                continue
            assert q["explanation"].strip()
            assert q.get("site_rule") or any(o["correct"] for o in q["options"])


def test_the_rules_questions_may_ask_for_are_the_organisations_settings():
    from courses import site_rules

    assert set(data.SITE_RULES) == set(site_rules.RULES)
    assert data.RULE_OPTIONS == site_rules.OPTIONS_PER_RULE_QUESTION


def test_lesson_text_is_chinese():
    for course in data.load_library():
        assert CJK.search(course["title"]) and CJK.search(course["summary"])
        for lesson in course["lessons"]:
            assert CJK.search(lesson["title"])


def _course(code):
    return next(c for c in data.load_library() if c["code"] == code)


def test_mentoring_clauses_follow_rules_m1_to_m13_numbered_as_the_regulation_numbers_them():
    """Clauses MENTORING-01…13 are rules M1…M13, shown to learners as the regulation's 第一条…第十三条: the
    internal rule ids (M6 …) appear in no title, lesson text, question or explanation."""
    mentoring = _course("MENTORING")
    titles = [c["title"] for c in mentoring["clauses"]]
    numerals = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三".split()
    assert [t.split()[0] for t in titles] == [f"第{n}条" for n in numerals]
    shown = Path(settings.BASE_DIR, "courses", "standards", "07_mentoring.toml").read_text(encoding="utf-8")
    shown = "\n".join(line for line in shown.splitlines() if not line.startswith("#"))
    assert not re.search(r"(?<![A-Z0-9-])M\d+(?!\d)", shown)


def test_certification_programme_requires_every_course():
    (programme,) = data.load_programs()
    assert programme["title"] == "客服新员工上岗认证"
    assert programme["courses"] == COURSE_CODES
    assert set(programme["courses"]) <= set(COURSE_CODES)
    assert programme["min_signed_off_ride_alongs"] >= 2
    assert programme["validity_months"] == 24


def test_practice_exam_has_twenty_numbered_questions_over_courses_1_to_3():
    from courses.standards.loader import practice_clause_ids

    text = data.PRACTICE_EXAM.read_text(encoding="utf-8")
    numbers = [int(n) for n in re.findall(r"^(\d+)\.", text, flags=re.M)]
    assert numbers == list(range(1, 21))
    notes = re.findall(r"^答案解析:(.*)$", text, flags=re.M)
    assert len(notes) == 20
    known = {c["id"] for course in data.load_library()[:3] for c in course["clauses"]}
    for note in notes:
        ids = practice_clause_ids(note)
        assert ids and set(ids) <= known, note


def _text(code):
    """Everything a learner reads of a course: lessons, clauses, phrases, questions and explanations."""
    path = next(p for p in data.course_files() if p.stem.split("_", 1)[1] == code.lower())
    return path.read_text(encoding="utf-8")


def test_the_onsite_course_gates_ride_alongs_and_teaches_the_seed_rules():
    onsite = _course("ONSITE")
    assert onsite["title"] == "上门服务规范" and onsite["required_before_ride_along"] is True
    assert len(onsite["clauses"]) >= 8
    rules = "".join(c["rule"] for c in onsite["clauses"])
    for fact in ("四统一", "四携带", "鞋套", "敲门声音要轻", "允许", "到访不遇", "人走地净", "握手", "15 分钟",
                 "8 小时", "批量", "虚假回告", "不得隐瞒"):
        assert fact in rules, fact


def test_mentoring_m5_is_a_duty_both_ways_and_the_regional_head_has_one_name():
    m5 = next(c for c in _course("MENTORING")["clauses"] if c["id"] == "MENTORING-05")
    assert m5["rule"].count("有义务") == 2
    text = _text("MENTORING")
    assert "大区负责人" in text and "区域负责人" not in text


def test_discipline_balances_cash_with_轧账_and_demotes_middle_managers_for_drinking():
    text = _text("DISCIPLINE")
    assert "轧账" in text and "扎账" not in text
    discipline = _course("DISCIPLINE")
    drinking = next(c for c in discipline["clauses"] if c["id"] == "DISCIPLINE-04")
    q04 = next(q for q in discipline["questions"] if q["key"] == "DISCIPLINE-Q04")
    assert "中层以上干部" in drinking["rule"] and "中层以上干部" in q04["explanation"]
