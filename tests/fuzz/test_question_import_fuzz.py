"""The question importer (courses/importers) under damaged exports: no crash, a clear message, all or nothing."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from courses.importers import ImportError_, import_file, parse
from courses.models import Question, QuestionCategory, QuestionOption

from .conftest import FUZZ, rolled_back

SAMPLE_LINES = (Path(__file__).resolve().parents[2] / "courses" / "standards" / "practice_exam.txt").read_text(
    encoding="utf-8").splitlines()[:40]


def counts():
    return Question.objects.count(), QuestionOption.objects.count(), QuestionCategory.objects.count()


# A real export with lines dropped, duplicated, swapped or replaced by junk.
edits = st.lists(
    st.tuples(st.sampled_from(["drop", "dup", "junk", "swap"]), st.integers(0, len(SAMPLE_LINES) - 1),
              st.text(max_size=30)),
    max_size=6,
)


def _damaged(edit_list):
    lines = list(SAMPLE_LINES)
    for kind, index, junk in edit_list:
        index %= max(len(lines), 1)
        if not lines:
            break
        if kind == "drop":
            del lines[index]
        elif kind == "dup":
            lines.insert(index, lines[index])
        elif kind == "junk":
            lines[index] = junk
        else:
            lines[index], lines[-1] = lines[-1], lines[index]
    return "\n".join(lines)


def _check_bank(bank):
    for error in bank.errors:
        assert str(error).strip()


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8"))),
       filename=st.sampled_from(["q.txt", "q.xlsx", "q"]))
def test_arbitrary_files_parse_or_are_refused_with_a_message(db, data, filename):
    try:
        bank = parse(data, filename)
    except ImportError_ as exc:
        assert str(exc).strip()
    else:
        _check_bank(bank)


@FUZZ
@given(edit_list=edits)
def test_a_damaged_export_imports_completely_or_not_at_all(db, edit_list):
    text = _damaged(edit_list)
    with rolled_back():
        before = counts()
        try:
            result = import_file(text.encode("utf-8"), "服务规范/练习", filename="exam.txt")
        except ImportError_ as exc:
            assert str(exc).strip()
            assert counts() == before
            return
        _check_bank(result.bank)
        if result.imported:
            assert Question.objects.count() == before[0] + len(result.bank.questions)
        else:
            assert counts()[:2] == before[:2]
