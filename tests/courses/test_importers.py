"""Importing question banks: text exports (both layouts, both scripts), Excel, the command's JSON contract."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from courses.importers import import_file, parse, template_workbook
from courses.models import Question, QuestionCategory

SAMPLES = Path(__file__).parent / "samples"


def _run(*args):
    out = io.StringIO()
    try:
        call_command("import_questions", *map(str, args), stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue()


def _contract(data):
    """The exact JSON shape of the issue."""
    assert set(data) == {"title", "questions", "errors"}
    assert isinstance(data["title"], str)
    for q in data["questions"]:
        keys = {"number", "type", "stem", "options", "explanation"}
        keys |= {"answer"} if q["type"] == "true_false" else set()
        keys |= {"reference_answer"} if q["type"] == "essay" else set()
        assert set(q) == keys
        assert q["type"] in {"single", "multiple", "true_false", "essay"}
        assert isinstance(q["number"], int) and isinstance(q["stem"], str)
        for o in q["options"]:
            assert set(o) == {"label", "text", "correct"} and isinstance(o["correct"], bool)
    for e in data["errors"]:
        assert set(e) == {"number", "message"} and isinstance(e["number"], int)


@pytest.mark.parametrize("name", ["multiline.txt", "oneline.txt"])
def test_both_layouts_give_the_same_structure(name, db):
    code, out = _run(SAMPLES / name, "--category", "窗口", "--json", "--dry-run")
    data = json.loads(out)
    _contract(data)
    assert code == 0 and data["errors"] == []
    assert [q["type"] for q in data["questions"]] == ["single", "multiple", "true_false", "essay", "single"]
    assert [q["number"] for q in data["questions"]] == [1, 2, 3, 4, 5]
    assert Question.objects.count() == 0


def test_the_one_line_layout_splits_on_numbers_and_option_letters(db):
    data = parse((SAMPLES / "oneline.txt").read_bytes()).as_dict()
    assert data["title"] == "银行大堂服务考试"
    first = data["questions"][0]
    assert first["stem"] == "行动不便的客户来到网点，大堂经理应首先怎样做?"
    assert [(o["label"], o["text"], o["correct"]) for o in first["options"]] == [
        ("A", "请客户自行排队", False), ("B", "主动上前询问并协助", True), ("C", "让保安处理", False)]
    assert first["explanation"] == "主动上前，询问需求并提供协助"
    assert data["questions"][2]["answer"] is True
    assert data["questions"][3]["reference_answer"].startswith("This way, please.")


def test_multiline_markers_in_every_spelling(db):
    data = parse((SAMPLES / "multiline.txt").read_bytes()).as_dict()
    assert data["title"] == "窗口服务规范测试"
    multiple = data["questions"][1]
    assert [o["correct"] for o in multiple["options"]] == [True, True, True, False]  # 、 and full-width brackets
    assert data["questions"][0]["explanation"] == "提前10分钟到岗，做好开窗准备。"  # full-width colon
    assert data["questions"][2]["answer"] is False and [o["text"] for o in data["questions"][2]["options"]] == ["对", "错"]
    assert [o["text"] for o in data["questions"][4]["options"]][1] == "摆放“暂停服务”标识牌"  # "A 文本" layout


def test_traditional_characters_are_understood(db):
    data = parse((SAMPLES / "traditional.txt").read_bytes()).as_dict()
    assert data["errors"] == []
    assert [q["type"] for q in data["questions"]] == ["single", "true_false", "essay", "multiple"]
    assert data["questions"][0]["stem"] == "客戶進門時應做到？"  # the text itself is kept as written
    assert data["questions"][1]["answer"] is True
    assert data["questions"][2]["reference_answer"] == "您好、請、謝謝"


def test_invalid_questions_are_reported_by_number_and_nothing_is_imported(db):
    code, out = _run(SAMPLES / "malformed.txt", "--category", "窗口", "--json")
    data = json.loads(out)
    _contract(data)
    assert code == 1
    assert {(e["number"], e["message"]) for e in data["errors"]} == {
        (1, "没有选项"), (2, "没有正确答案"), (3, "单选题有 2 个正确答案"), (4, "未知题型“排序题”")}
    assert Question.objects.count() == 0 and not QuestionCategory.objects.filter(name="窗口").exists()


def test_skip_invalid_imports_the_valid_ones_and_lists_the_skipped(db):
    code, out = _run(SAMPLES / "malformed.txt", "--category", "窗口", "--skip-invalid")
    assert code == 0
    assert "跳过：1, 2, 3, 4" in out
    assert list(Question.objects.values_list("stem", flat=True)) == ["这是一道正常的题"]


def test_dry_run_writes_nothing(db):
    code, out = _run(SAMPLES / "multiline.txt", "--category", "窗口", "--dry-run")
    assert code == 0 and "不写入" in out
    assert Question.objects.count() == 0


def test_import_writes_questions_options_and_sub_category(db):
    code, _ = _run(SAMPLES / "multiline.txt", "--category", "服务规范/窗口")
    assert code == 0
    category = QuestionCategory.objects.get(name="窗口")
    assert category.parent.name == "服务规范"
    multiple = Question.objects.get(type="multiple")
    assert multiple.category == category
    assert [(o.text, o.correct) for o in multiple.options.order_by("sort_order")] == [
        ("来有迎声", True), ("问有答声", True), ("走有送声", True), ("置之不理", False)]
    essay = Question.objects.get(type="essay")
    assert essay.reference_answer.startswith("第一位被询问")


def test_a_question_without_a_type_marker_is_reported(db):
    bank = parse("考试1.第一题 [单选题] *A.甲(正确答案)B.乙2.第二题没有题型A.甲B.乙")
    assert [q.number for q in bank.questions] == [1]
    assert [e["number"] for e in bank.errors] == [2]


def test_json_output_is_exactly_one_object_even_for_an_unreadable_file(db, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK not really a zip")
    code, out = _run(broken, "--category", "窗口", "--json")
    assert code == 2
    data = json.loads(out)
    _contract(data)
    assert data["errors"][0]["number"] == 0


def test_import_file_with_a_source_key_prefix_is_idempotent(db):
    import_file(SAMPLES / "oneline.txt", "银行", source_key_prefix="seed001")
    result = import_file(SAMPLES / "oneline.txt", "银行", source_key_prefix="seed001")
    assert result.imported and len(result.updated) == 5 and not result.created
    assert Question.objects.count() == 5
    assert Question.objects.get(source_key="seed001:1").options.count() == 3


def _workbook(rows):
    from openpyxl import Workbook

    from courses.importers.excel import HEADERS

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_excel_template_imports_as_it_is(db, tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_workbook())
    code, out = _run(path, "--category", "窗口", "--json")
    data = json.loads(out)
    _contract(data)
    assert code == 0
    assert [q["type"] for q in data["questions"]] == ["single", "multiple", "true_false", "essay"]
    assert data["questions"][2]["answer"] is False
    assert Question.objects.get(type="single").clause_ids == "WIN-01"


def test_excel_rows_with_problems_are_reported_by_row_number(db):
    data = _workbook([
        ["单选题", "两个正确", "甲", "乙", "", "", "", "", "", "", "AB", "", ""],
        ["填空题", "未知题型", "", "", "", "", "", "", "", "", "", "", ""],
        ["多選題", "繁体题型", "甲", "乙", "丙", "", "", "", "", "", "A,C", "", ""],
        ["单选题", "没有答案", "甲", "乙", "", "", "", "", "", "", "", "", ""],
    ])
    bank = parse(data, "bank.xlsx")
    assert [q.stem for q in bank.questions] == ["繁体题型"]
    assert [o.correct for o in bank.questions[0].options] == [True, False, True]
    assert [e["number"] for e in bank.errors] == [1, 2, 4]


def test_a_question_without_a_type_marker_in_the_middle_is_reported_and_the_rest_kept(db):
    bank = parse("考试\n1.第一题 [单选题] *\nA.甲(正确答案)\nB.乙\n2.第二题忘了题型\nA.甲\nB.乙\n"
                 "3.第三题 [判断题]\n对(正确答案)\n错\n")
    assert [(q.number, q.stem) for q in bank.questions] == [(1, "第一题"), (3, "第三题")]
    assert [e["number"] for e in bank.errors] == [2]


def test_a_scenario_item_is_marked_after_its_type_in_text_and_in_a_column_in_excel(db, tmp_path):
    bank = parse("1.客户走近窗口，你先做什么？[单选题][情境]A.起身问候(正确答案)B.继续录入"
                 "2.五声服务有几声？[单选题]A.五声(正确答案)B.四声")
    assert [(q.number, q.scenario, q.stem) for q in bank.questions] == [
        (1, True, "客户走近窗口，你先做什么？"), (2, False, "五声服务有几声？")]
    assert [o.text for o in bank.questions[0].options] == ["起身问候", "继续录入"]
    import_file(template_workbook(), "窗口", filename="template.xlsx")
    assert list(Question.objects.filter(scenario=True).values_list("type", flat=True)) == ["multiple"]


# The 问卷星 excerpt of seed 001 (the tobacco customer-service exam), copied as it is: test data only, part of no course.
SEED_EXAM = SAMPLES / "seed_001_tobacco_exam.txt"
SEED_KEYS = {1: "B", 2: "B", 3: "C", 4: "B", 5: "C", **{n: "B" for n in range(6, 20)}}


def test_the_seed_exam_gives_nineteen_questions_with_the_seeds_keys_and_an_error_for_question_20(db):
    code, out = _run(SEED_EXAM, "--category", "烟草客户服务", "--json")
    data = json.loads(out)
    _contract(data)
    assert code == 1 and Question.objects.count() == 0
    assert data["title"] == "客户服务行为工作指引学习考试"
    assert [q["number"] for q in data["questions"]] == list(range(1, 20))
    assert {q["type"] for q in data["questions"]} == {"single"}
    keys = {q["number"]: "".join(o["label"] for o in q["options"] if o["correct"]) for q in data["questions"]}
    assert keys == SEED_KEYS
    assert all(len(q["options"]) == 3 for q in data["questions"])
    first = data["questions"][0]
    assert first["stem"] == "《卷烟营销客户服务行为工作指引(试行)》的发布日期是?"
    assert [o["text"] for o in first["options"]] == ["2023年9月1日", "2023年10月24日", "2023年11月30日"]
    assert first["explanation"] == "2023年10月24日"
    assert [e["number"] for e in data["errors"]] == [20]


def test_the_seed_exam_imports_its_nineteen_valid_questions_when_asked_to_skip_the_invalid_one(db):
    code, out = _run(SEED_EXAM, "--category", "烟草客户服务", "--skip-invalid")
    assert code == 0 and "20" in out
    assert Question.objects.count() == 19
    keys = [
        "".join("ABC"[i] for i, o in enumerate(q.options.order_by("sort_order")) if o.correct)
        for q in Question.objects.order_by("pk")
    ]
    assert keys == [SEED_KEYS[n] for n in range(1, 20)]
