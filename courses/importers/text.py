"""Question banks as text, the way online exam tools (问卷星 and the like) export them.

The parser does not rely on line breaks: PDF extraction often leaves a whole exam on one
line. It finds each question by its type marker (``[单选题]``), walks back to the expected
question number, and splits options on the expected next letter (A, B, C…). Traditional
characters in the markers (``[單選題]``, ``(正確答案)``) are accepted, as are half- and
full-width brackets and punctuation.
"""

import re
from itertools import islice

from .base import MAX_QUESTIONS, BankTooLarge, ParsedBank, ParsedOption, ParsedQuestion, too_many_questions

CORRECT = "\x00"  # stands in for "(正确答案)" once found

_TRAD = str.maketrans({"單": "单", "選": "选", "題": "题", "斷": "断", "簡": "简", "問": "问", "確": "确",
                       "參": "参", "對": "对", "錯": "错", "誤": "误", "條": "条", "款": "款"})

TYPE_WORDS = {
    "单选题": "single",
    "多选题": "multiple",
    "判断题": "true_false",
    "简答题": "essay",
    "问答题": "essay",
}

# A type marker in either script, before ``_normalise_markers`` (counted to refuse oversized banks early).
_ANY_MARKER = re.compile(r"[\[［【]\s*[^\[\]［］【】\s]{1,8}?[题題]\s*[\]］】]")
_MARKER = re.compile(r"[\[［【]\s*([^\[\]［］【】\s]{1,8}?题)\s*[\]］】]\s*[*＊]?")
_CORRECT = re.compile(r"[(（]\s*正确答案\s*[)）]")
_EXPLANATION = re.compile(r"答案解析\s*[:：]")
_REFERENCE = re.compile(r"参考答案\s*[:：]")
_CLAUSES = re.compile(r"[(（]?\s*条款(?:编号)?\s*[:：]\s*((?:[A-Z][A-Z0-9]*-\d{2,3}[\s,，、]*)+)[)）]?")
_SCENARIO = re.compile(r"^\s*[*＊]?\s*[\[［【]\s*情[境景]\s*[\]］】]\s*[*＊]?")
_BLANK = re.compile(r"\s*[(（]\s*[)）]\s*$")
TRUE_WORDS = {"对", "正确", "對", "正確", "是", "√", "✓"}
FALSE_WORDS = {"错", "错误", "錯", "錯誤", "否", "×", "✗"}


def _normalise_markers(text):
    """Markers only are translated to simplified forms; question texts stay as written."""

    def fix(match):
        return match.group(0).translate(_TRAD)

    text = re.sub(r"[\[［【][^\[\]［］【】]{1,8}[\]］】]", fix, text)
    text = re.sub(r"[(（]\s*正[確确]答案\s*[)）]", lambda m: CORRECT, text)
    text = re.sub(r"參考答案|参考答案", "参考答案", text)
    text = re.sub(r"條款", "条款", text)
    return text


def _number_pattern(n):
    return re.compile(rf"(?<![\d.．]){n}\s*[.、．](?!\d)")


def _find_number(text, n, start, end):
    """Position of question number ``n`` in ``text[start:end]`` (first match), or None."""
    match = _number_pattern(n).search(text, start, end)
    return match if match else None


def _option_pattern(letter):
    return re.compile(rf"(?:{letter}\s*[.、．:：]|(?:^|(?<=[\s*＊{CORRECT}])){letter}\s+)", re.M)


def _split_options(body):
    """Lettered options A… in order; returns (options, rest_before_first_option)."""
    options = []
    first = _option_pattern("A").search(body)
    if not first:
        return [], body
    positions = [(first.start(), first.end())]
    letters = "ABCDEFGH"
    for letter in letters[1:]:
        match = _option_pattern(letter).search(body, positions[-1][1])
        if not match:
            break
        positions.append((match.start(), match.end()))
    for i, (start, content_start) in enumerate(positions):
        end = positions[i + 1][0] if i + 1 < len(positions) else len(body)
        raw = body[content_start:end]
        correct = CORRECT in raw
        text = " ".join(raw.replace(CORRECT, " ").split())
        options.append(ParsedOption(label=letters[i], text=text, correct=correct))
    return options, body[: first.start()]


def _true_false_options(body):
    """Unlettered 对/错 (正确/错误) options."""
    options = []
    for match in re.finditer(rf"(正确|正確|错误|錯誤|对|對|错|錯|是|否|√|×)\s*({CORRECT})?", body):
        options.append(ParsedOption(label="AB"[len(options)] if len(options) < 2 else "?", text=match.group(1),
                                    correct=bool(match.group(2))))
        if len(options) == 2:
            break
    return options


def _parse_segment(number, type_word, stem, body):
    question = ParsedQuestion(number=number, type=TYPE_WORDS.get(type_word, ""), type_word=type_word)
    question.stem = _BLANK.sub("", " ".join(stem.split())).strip()
    scenario = _SCENARIO.match(body)
    if scenario:
        question.scenario = True
        body = body[scenario.end():]
    clauses = _CLAUSES.search(body)
    if clauses:
        question.clause_ids = ", ".join(c for c in re.split(r"[,，、\s]+", clauses.group(1)) if c)
        body = body[: clauses.start()] + body[clauses.end():]
    explanation = _EXPLANATION.search(body)
    if explanation:
        text = body[explanation.end():].replace(CORRECT, "")
        text = re.sub(r"^\s*解析\s*[:：]", "", text)
        question.explanation = " ".join(text.split())
        body = body[: explanation.start()]
    reference = _REFERENCE.search(body)
    if reference:
        question.reference_answer = " ".join(body[reference.end():].split())
        body = body[: reference.start()]
    if question.type in ("single", "multiple", "true_false"):
        options, _ = _split_options(body)
        if not options and question.type == "true_false":
            options = _true_false_options(body)
        question.options = options
    return question


def parse_text(text):
    """Parse an exported exam; returns a ``ParsedBank`` (never raises for bad questions).

    Linear in the length of ``text``. A text with more than ``MAX_QUESTIONS`` type markers raises
    ``BankTooLarge`` before any other work (the markers are counted lazily, up to one over the limit).
    """
    if next(islice(_ANY_MARKER.finditer(text), MAX_QUESTIONS, None), None) is not None:
        raise BankTooLarge(too_many_questions())
    text = _normalise_markers(text.replace("\r\n", "\n").replace("\u3000", " "))
    markers = list(_MARKER.finditer(text))
    bank = ParsedBank()
    segments = []  # (number, number_start, stem_start, marker)
    orphans = []  # numbered questions without a type marker
    search_from = 0
    expected = 1
    for marker in markers:
        match = _find_number(text, expected, search_from, marker.start())
        if match is None:
            # Numbering does not continue: take the last number before the marker.
            candidates = list(re.finditer(r"(?<![\d.．])(\d{1,4})\s*[.、．](?!\d)", text[search_from: marker.start()]))
            if not candidates:
                bank.errors.append({"number": expected, "message": "missing_number"})
                search_from = marker.end()  # the next marker's number is looked for after this one (linear)
                continue
            last = candidates[-1]
            number = int(last.group(1))
            segments.append((number, search_from + last.start(), search_from + last.end(), marker))
        else:
            # Numbers n+1, n+2… before this marker mean question n had no type marker at all.
            while (following := _find_number(text, expected + 1, match.end(), marker.start())) is not None:
                orphans.append(_orphan(expected, text[match.end(): following.start()]))
                expected += 1
                match = following
            number = expected
            segments.append((number, match.start(), match.end(), marker))
        expected = number + 1
        search_from = marker.end()
    if segments:
        lines = [line.strip() for line in text[: segments[0][1]].splitlines() if line.strip()]
        bank.title = lines[-1] if lines else ""
    for i, (number, _start, stem_start, marker) in enumerate(segments):
        end = segments[i + 1][1] if i + 1 < len(segments) else len(text)
        trailing = None
        if i + 1 == len(segments):
            # A numbered question after the last marker has no type marker at all.
            trailing = _find_number(text, number + 1, marker.end(), end)
            if trailing is not None:
                end = trailing.start()
        question = _parse_segment(number, marker.group(1), text[stem_start: marker.start()], text[marker.end(): end])
        bank.questions.append(question)
        if trailing is not None:
            orphans.append(_orphan(number + 1, text[trailing.end():]))
    if not segments:
        first = _find_number(text, 1, 0, len(text))
        if first is not None:
            orphans.append(_orphan(1, text[first.end():]))
    bank.questions = sorted(bank.questions + orphans, key=lambda q: q.number)
    return bank


def _orphan(number, text):
    question = ParsedQuestion(number=number, type="", type_word="")
    question.stem = " ".join(text.split())[:200]
    return question
