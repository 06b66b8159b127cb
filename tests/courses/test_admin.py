"""The question bank in the Wagtail admin and the import screens (upload → preview → confirm)."""

from pathlib import Path

import pytest
from django.urls import reverse

from courses.models import Question

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def editor_client(client, cast):
    from lms.services import assign_role

    assign_role(user=cast.editor, role="content_editor")
    client.force_login(cast.editor)
    return client


def test_editors_manage_the_question_bank_in_the_admin(editor_client):
    from .conftest import make_question

    question = make_question(stem="窗口题目")
    listing = editor_client.get(reverse("wagtailsnippets_courses_question:list"))
    assert listing.status_code == 200 and "窗口题目" in listing.text
    edit = editor_client.get(reverse("wagtailsnippets_courses_question:edit", args=[question.pk]))
    assert edit.status_code == 200 and "options-TOTAL_FORMS" in edit.text
    assert editor_client.get(reverse("wagtailsnippets_courses_questioncategory:list")).status_code == 200
    assert editor_client.get(reverse("wagtailsnippets_courses_courseassignment:list")).status_code == 200


def test_upload_preview_then_confirm_imports_the_file(editor_client):
    with open(SAMPLES / "multiline.txt", "rb") as f:
        preview = editor_client.post(reverse("courses_import:upload"), {"file": f, "category": "窗口"})
    assert preview.status_code == 200 and "五声服务" in preview.text
    assert Question.objects.count() == 0
    token = preview.context["token"]
    done = editor_client.post(reverse("courses_import:confirm"), {"token": token})
    assert done.status_code == 302
    assert Question.objects.count() == 5


def test_the_preview_lists_invalid_questions_and_confirm_refuses_without_skip(editor_client):
    with open(SAMPLES / "malformed.txt", "rb") as f:
        preview = editor_client.post(reverse("courses_import:upload"), {"file": f, "category": "窗口"})
    assert "没有正确答案" in preview.text
    token = preview.context["token"]
    editor_client.post(reverse("courses_import:confirm"), {"token": token})
    assert Question.objects.count() == 0
    editor_client.post(reverse("courses_import:confirm"), {"token": token, "skip_invalid": "1"})
    assert Question.objects.count() == 1


def test_the_excel_template_downloads(editor_client):
    response = editor_client.get(reverse("courses_import:template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_trainees_cannot_import(client, cast):
    client.force_login(cast.trainee)
    response = client.get(reverse("courses_import:upload"))
    assert response.status_code in (302, 403)
