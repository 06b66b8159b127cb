"""Question banks in Excel: one question per row, with a template to download."""

import io

from django.utils.translation import gettext as _

from .base import MAX_QUESTIONS, ParsedBank, ParsedOption, ParsedQuestion, too_many_questions
from .text import FALSE_WORDS, TRUE_WORDS, TYPE_WORDS, _TRAD

LETTERS = "ABCDEFGH"
MAX_COLUMNS = 32  # columns read from each row; the template has 15
HEADERS = ["题型", "题干"] + [f"选项{letter}" for letter in LETTERS] + ["正确答案", "答案解析", "条款", "情境"]
TYPE_ALIASES = {**TYPE_WORDS, "单选": "single", "多选": "multiple", "判断": "true_false", "简答": "essay",
                "问答": "essay"}


SCENARIO_WORDS = TRUE_WORDS | {"情境", "情境题", "Y", "y", "yes", "1"}


class ExcelFormatError(ValueError):
    pass


def template_workbook():
    """The blank template with one example per type, as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "题库"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(["单选题", "窗口工作人员应提前多少分钟到岗？", "5分钟", "10分钟", "30分钟", "", "", "", "", "", "B",
               "提前10分钟到岗，做好班前准备。", "WIN-01", ""])
    ws.append(["多选题", "客户走近窗口时，你该怎么做？", "主动起身或问候", "面带微笑", "等客户先开口", "低头继续录入", "", "",
               "", "", "AB", "来有迎声。", "", "是"])
    ws.append(["判断题", "客户询问时可以说“领导不在”。", "对", "错", "", "", "", "", "", "", "错", "属于服务禁语。", ""])
    ws.append(["简答题", "请简述首问负责制。", "", "", "", "", "", "", "", "", "第一个被询问的人负责到底……", "", ""])
    ws.column_dimensions["B"].width = 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_workbook(data):
    """A ``ParsedBank`` from an .xlsx: streamed, refused past ``MAX_QUESTIONS`` rows (see ``lms.spreadsheets``)."""
    from lms.spreadsheets import SpreadsheetRefused, read_sheet

    try:
        title, rows = read_sheet(data, max_rows=MAX_QUESTIONS, max_cols=MAX_COLUMNS, too_many=too_many_questions())
        return _parse_rows(title, rows)
    except SpreadsheetRefused as exc:
        raise ExcelFormatError(str(exc)) from exc


def _parse_rows(title, rows):
    header = [_cell(c).translate(_TRAD) for c in next(rows, [])]
    columns = {name: i for i, name in enumerate(header) if name}
    missing = [h for h in ("题型", "题干", "正确答案") if h not in columns]
    if missing:
        raise ExcelFormatError(_("Missing columns: %(columns)s. Download the template.") % {"columns": "、".join(missing)})
    bank = ParsedBank(title=title)
    number = 0
    for row in rows:
        values = [_cell(c) for c in row]
        if not any(values):
            continue
        number += 1

        def get(name):
            i = columns.get(name)
            return values[i] if i is not None and i < len(values) else ""

        type_word = get("题型").translate(_TRAD).strip("[]［］ ")
        question = ParsedQuestion(number=number, type=TYPE_ALIASES.get(type_word, ""), type_word=type_word)
        question.stem = get("题干")
        question.explanation = get("答案解析")
        question.clause_ids = get("条款")
        question.scenario = get("情境") in SCENARIO_WORDS
        answer = get("正确答案").translate(_TRAD).replace(" ", "").replace(",", "").replace("，", "").replace("、", "")
        if question.type == "essay":
            question.reference_answer = get("正确答案")
        else:
            options = [ParsedOption(label=letter, text=get(f"选项{letter}")) for letter in LETTERS]
            while options and not options[-1].text:
                options.pop()
            if question.type == "true_false" and not options:
                options = [ParsedOption("A", "对"), ParsedOption("B", "错")]
            for option in options:
                if question.type == "true_false" and answer in TRUE_WORDS | FALSE_WORDS:
                    option.correct = (option.text in TRUE_WORDS) == (answer in TRUE_WORDS)
                else:
                    option.correct = option.label in answer.upper()
            question.options = options
        bank.questions.append(question)
    return bank
