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


def _preview(editor_client, sample, category="窗口"):
    with open(SAMPLES / sample, "rb") as f:
        return editor_client.post(reverse("courses_import:upload"), {"file": f, "category": category})


def test_a_refused_confirm_keeps_the_preview_with_its_errors(editor_client):
    token = _preview(editor_client, "malformed.txt").context["token"]
    refused = editor_client.post(reverse("courses_import:confirm"), {"token": token})
    assert refused.status_code == 200 and Question.objects.count() == 0
    assert "没有正确答案" in refused.text and "没有导入任何试题" in refused.text
    assert refused.context["token"] == token and 'name="skip_invalid"' in refused.text
    # The same preview can still be confirmed, skipping the invalid question, without uploading again.
    done = editor_client.post(reverse("courses_import:confirm"), {"token": token, "skip_invalid": "1"})
    assert done.status_code == 302 and Question.objects.count() == 1


def test_after_importing_it_lands_on_the_imported_category(editor_client):
    from courses.models import QuestionCategory

    from .conftest import make_question

    make_question(stem="另一个题库的题目")
    token = _preview(editor_client, "multiline.txt", category="服务规范/窗口").context["token"]
    done = editor_client.post(reverse("courses_import:confirm"), {"token": token})
    category = QuestionCategory.objects.get(name="窗口", parent__name="服务规范")
    assert done.url == reverse("wagtailsnippets_courses_question:list") + f"?category={category.pk}"
    listing = editor_client.get(done.url)
    assert "五声服务" in listing.text and "另一个题库的题目" not in listing.text


def test_the_preview_names_question_types_as_the_bank_does(editor_client):
    preview = _preview(editor_client, "multiline.txt")
    cells = [q.type_label for q in preview.context["bank"].questions]
    assert set(cells) <= {"单选题", "多选题", "判断题", "简答题（人工评阅）"} and "单选题" in cells
    assert "<td>single</td>" not in preview.text and "<td>true_false</td>" not in preview.text


def test_the_import_page_has_a_title(editor_client):
    page = editor_client.get(reverse("courses_import:upload"))
    assert "<title>导入试题" in page.text
    assert page.text.count("导入试题") >= 3  # the title, the accessible heading and the breadcrumb


def test_a_confirm_from_another_session_finds_nothing(editor_client, cast):
    from django.test import Client

    token = _preview(editor_client, "multiline.txt").context["token"]
    other = Client()
    other.force_login(cast.editor)
    response = other.post(reverse("courses_import:confirm"), {"token": token}, follow=True)
    assert "预览已过期" in response.text and Question.objects.count() == 0


def test_the_excel_template_downloads(editor_client):
    response = editor_client.get(reverse("courses_import:template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_trainees_cannot_import(client, cast):
    client.force_login(cast.trainee)
    response = client.get(reverse("courses_import:upload"))
    assert response.status_code in (302, 403)


def _question_form_data(category, type_, options):
    data = {"category": category.pk, "type": type_, "stem": "题干", "explanation": "", "reference_answer": "",
            "clause_ids": "", "tags": "", "image_alt": "",
            "options-TOTAL_FORMS": len(options), "options-INITIAL_FORMS": 0,
            "options-MIN_NUM_FORMS": 0, "options-MAX_NUM_FORMS": 1000}
    for i, (text, correct) in enumerate(options):
        data[f"options-{i}-text"] = text
        data[f"options-{i}-feedback"] = ""
        data[f"options-{i}-ORDER"] = i + 1
        if correct:
            data[f"options-{i}-correct"] = "on"
    return data


def test_the_admin_refuses_a_single_choice_question_with_two_correct_options(editor_client):
    from .conftest import make_category

    category = make_category()
    url = reverse("wagtailsnippets_courses_question:add")
    bad = editor_client.post(url, _question_form_data(category, "single", [("甲", True), ("乙", True)]))
    assert bad.status_code == 200 and "只能有一个正确选项" in bad.text
    assert Question.objects.count() == 0
    good = editor_client.post(url, _question_form_data(category, "single", [("甲", True), ("乙", False)]))
    assert good.status_code == 302
    assert Question.objects.get().options.count() == 2


def test_a_course_assignment_needs_exactly_one_target(cast):
    from django.core.exceptions import ValidationError

    from courses.models import CourseAssignment

    from .conftest import make_course

    assignment = CourseAssignment(course=make_course(), user=cast.trainee, post=cast.org.field)
    with pytest.raises(ValidationError):
        assignment.full_clean()


def test_a_quiz_page_with_fixed_and_random_questions_is_created_in_the_admin(client, django_user_model):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    from courses.models import QuizPage

    from .conftest import make_category, make_course, make_question

    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    course = make_course()
    category = make_category()
    question = make_question(category)
    data = nested_form_data({
        "title": "窗口服务测验", "slug": "win-quiz", "intro": rich_text(""),
        "fixed_questions": inline_formset([{"question": question.pk}]),
        "random_draws": inline_formset([{"category": category.pk, "count": 5}]),
        "shuffle_questions": "on", "shuffle_options": "on", "attempts_allowed": 3, "grading": "highest",
        "pass_mark": 80, "time_limit_minutes": "", "show_answers": "after_attempt", "max_questions": "",
        "success_text": "", "fail_text": "",
    })
    data["action-publish"] = "1"
    url = reverse("wagtailadmin_pages:add", args=["courses", "quizpage", course.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    quiz = QuizPage.objects.get(slug="win-quiz")
    assert quiz.live and quiz.fixed_questions.count() == 1 and quiz.random_draws.get().count == 5
    data["pass_mark"] = 120
    data["slug"] = "win-quiz-2"
    refused = client.post(url, data)
    assert refused.status_code == 200 and not QuizPage.objects.filter(slug="win-quiz-2").exists()


def test_an_editor_publishes_a_lesson_change_and_it_goes_live(editor_client):
    """No moderation workflow waiting on an empty group: the editor's own publish puts the change live."""
    from wagtail.models import Page, WorkflowState

    from courses.models import LessonPage

    from .conftest import make_course

    course = make_course(lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    form = editor_client.get(edit_url)
    assert form.status_code == 200
    assert "action-publish" in form.text and "action-submit" not in form.text
    response = editor_client.post(edit_url, {
        "title": "修订后的课时", "slug": lesson.slug, "body-count": "0", "action-publish": "publish",
    })
    assert response.status_code == 302, response.content[:2000]
    lesson.refresh_from_db()
    assert lesson.live and lesson.title == "修订后的课时" and not lesson.has_unpublished_changes
    assert not WorkflowState.objects.filter(object_id=str(lesson.pk)).exists()
    assert Page.objects.get(depth=2).title == "客服培训与认证平台"
