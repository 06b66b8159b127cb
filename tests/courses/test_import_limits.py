"""Question-bank uploads with bounded work (17.7): oversized workbooks and crafted texts are refused in Chinese
(or parsed linearly), and nothing is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bench.uploads import BANK_HEADER, BANK_ROW, question_bank_rows, repeated_marker_text, spread_marker_text
from courses.importers import MAX_QUESTIONS, ImportError_, import_file, parse
from courses.models import Question, QuestionCategory

from .test_admin import editor_client  # noqa: F401 - fixture


def _upload(client, data, name):
    form = {"file": SimpleUploadedFile(name, data), "category": "超大题库"}
    return client.post(reverse("courses_import:upload"), form)


def _nothing_saved(client):
    return not Question.objects.exists() and not QuestionCategory.objects.exists() and "question_import" not in client.session


def test_a_workbook_of_100000_rows_is_refused_through_the_screen(editor_client):  # noqa: F811
    response = _upload(editor_client, question_bank_rows(100_000), "bank.xlsx")
    assert response.status_code == 200
    assert "解压后过大" in response.text and response.context["bank"] is None
    assert _nothing_saved(editor_client)


def test_a_workbook_one_question_over_the_limit_is_refused(db):
    from bench.uploads import xlsx_with_rows

    data = xlsx_with_rows(BANK_HEADER, BANK_ROW, MAX_QUESTIONS + 1)
    with pytest.raises(ImportError_) as refused:
        parse(data, "bank.xlsx")
    assert str(refused.value) == f"文件中的试题超过 {MAX_QUESTIONS} 道，请拆分成几个文件。"
    assert len(parse(xlsx_with_rows(BANK_HEADER, BANK_ROW, MAX_QUESTIONS), "bank.xlsx").questions) == MAX_QUESTIONS


def test_a_text_of_a_type_marker_repeated_to_5_mb_is_refused_through_the_screen(editor_client):  # noqa: F811
    data = repeated_marker_text()
    assert 4 * 1024 * 1024 < len(data) < 5 * 1024 * 1024
    response = _upload(editor_client, data, "bank.txt")
    assert f"试题超过 {MAX_QUESTIONS} 道" in response.text and response.context["bank"] is None
    assert _nothing_saved(editor_client)


def test_a_text_of_1000_unnumbered_markers_over_5_mb_is_parsed_into_errors_and_nothing_is_imported(db):
    result = import_file(spread_marker_text(), "超大题库", filename="bank.txt")
    assert not result.imported and len(result.bank.errors) == MAX_QUESTIONS and not result.bank.questions
    assert not Question.objects.exists()


def test_a_file_over_5_mb_is_refused_by_the_importer_too(db, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "bank.txt"
    path.write_bytes("1.x [单选题] A.a(正确答案)B.b ".encode() * 200_000)
    assert path.stat().st_size > 5 * 1024 * 1024
    with pytest.raises(CommandError, match="文件超过 5 MB"):
        call_command("import_questions", str(path), "--category", "超大题库")
    assert not Question.objects.exists()


def test_an_option_longer_than_the_bank_can_hold_is_reported_not_cut(db):
    bank = parse(f"1.题干 [单选题] *A.{'长' * 501}(正确答案)B.短".encode(), "bank.txt")
    assert not bank.questions
    assert [e["message"] for e in bank.errors] == ["选项 A 超过 500 个字"]


def test_a_question_text_longer_than_the_limit_is_reported(db):
    bank = parse(f"1.{'问' * 2001} [判断题] *A.对(正确答案)B.错".encode(), "bank.txt")
    assert [e["message"] for e in bank.errors] == ["题干超过 2000 个字"]
