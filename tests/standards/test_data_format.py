"""data.py reads the question format of TEAM.md and refuses what the loader could not publish faithfully."""

import re
import textwrap

import pytest

from courses.standards import data

COURSE = """
code = "TST"
order = 9
slug = "tst"
title = "测试课程"
summary = "摘要"

[quiz]
title = "测试课程测验"
draw = {draw}
essays = {essays}
pass_mark = 80

[[lessons]]
slug = "tst-one"
title = "第一课"
[[lessons.blocks]]
type = "clause"
id = "TST-01"
title = "条款一"
rule = "规则"

[[lessons]]
slug = "tst-two"
title = "第二课"
[[lessons.blocks]]
type = "paragraph"
text = "提前 [[arrive_early_minutes]] 分钟到岗。"

[[questions]]
key = "TST-Q01"
type = "single"
scenario = true
stem = "客户来了，你先做什么？"
clauses = ["TST-01"]
explanation = "解析"
options = [{{ text = "起身问候", correct = true }}, {{ text = "继续录入" }}]

[[questions]]
key = "TST-Q02"
type = "single"
site_rule = "arrive_early_minutes"
rule_candidates = [5, 10, 15, 20, 30]
option_template = "提前 {{}} 分钟到岗"
stem = "按本单位规定应提前多久到岗？"
clauses = ["TST-01"]
explanation = "本单位规定提前 [[arrive_early_minutes]] 分钟。"

[[questions]]
key = "TST-Q03"
type = "essay"
scenario = true
stem = "请写出你对客户说的话。"
clauses = ["TST-01"]
reference_answer = "您好，请坐。"
points = ["问候", "请坐"]
"""


def load(tmp_path, extra="", draw=2, essays=1, replace=None):
    text = COURSE.format(draw=draw, essays=essays) + textwrap.dedent(extra)
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "09_tst.toml"
    path.write_text(text, encoding="utf-8")
    return data.load_course(path)


def test_the_new_question_kinds_are_read_in_one_shape(tmp_path):
    course = load(tmp_path)
    choice, rule, essay = course["questions"]
    assert choice["scenario"] is True and rule["scenario"] is False
    assert rule["options"] == [] and rule["rule_candidates"] == [5, 10, 15, 20, 30]
    assert essay["options"] == [] and essay["points"] == ["问候", "请坐"] and essay["explanation"] == ""
    assert course["quiz"]["draw"] == 2 and course["quiz"]["essays"] == 1


@pytest.mark.parametrize("replace, message", [
    ({'points = ["问候", "请坐"]': 'points = ["问候"]'}, "2-5 marking points"),
    ({'reference_answer = "您好，请坐。"\n': ""}, "reference_answer"),
    ({'rule_candidates = [5, 10, 15, 20, 30]': 'rule_candidates = [5, 10, 15]'}, "at least 4 different values"),
    ({'option_template = "提前 {} 分钟到岗"': 'option_template = "提前几分钟"'}, "option_template"),
    ({'site_rule = "arrive_early_minutes"': 'site_rule = "lunch_minutes"'}, "unknown site_rule"),
    ({'key = "TST-Q03"\ntype = "essay"': 'key = "TST-Q03"\ntype = "essay"\nanswer = true'}, "unknown field(s) answer"),
    ({'scenario = true\nstem = "客户来了': 'scenario = "yes"\nstem = "客户来了'}, "scenario = true|false"),
    ({'key = "TST-Q01"': 'key = "WIN-Q01"'}, "start with TST-"),
])
def test_a_question_the_loader_could_not_publish_faithfully_is_refused(tmp_path, replace, message):
    with pytest.raises(data.LibraryError, match=re.escape(message)):
        load(tmp_path, replace=replace)


@pytest.mark.parametrize("draw, essays, message", [
    (3, 1, "draw = 3 but the bank has 2 objective"),
    (2, 2, "essays = 2 but the bank has 1 essays"),
])
def test_a_quiz_cannot_draw_more_than_its_bank_holds(tmp_path, draw, essays, message):
    with pytest.raises(data.LibraryError, match=message):
        load(tmp_path, draw=draw, essays=essays)
