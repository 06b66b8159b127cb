"""load_standards: publishes the library once, changes nothing the second time, and leaves
pages an editor has changed alone."""

import copy
import json

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

from courses.models import CoursePage, LessonPage, Question, QuestionCategory, QuizPage, TrainingIndexPage
from courses.standards import data, loader


def _counts():
    return (Page.objects.count(), Revision.objects.count(), Question.objects.count(), QuestionCategory.objects.count())


@pytest.fixture
def win_only():
    """The first course alone keeps the editing tests fast."""
    return [data.load_library()[0]]


@pytest.mark.django_db
def test_a_second_run_changes_and_duplicates_nothing():
    first = loader.load_library()
    assert first.changed and not first.kept
    before = _counts()
    second = loader.load_library()
    assert not second.changed and second.kept == []
    assert _counts() == before
    assert CoursePage.objects.count() == 8
    assert Question.objects.filter(source_key__isnull=False).count() == sum(
        len(c["questions"]) for c in data.load_library()
    )


@pytest.mark.django_db
def test_the_command_reports_nothing_created_on_the_second_run(capsys):
    call_command("load_standards")
    call_command("load_standards")
    assert "0 created, 0 updated" in capsys.readouterr().out.splitlines()[-1]


@pytest.mark.django_db
def test_it_leaves_a_lesson_an_editor_changed(cast, win_only):
    loader.load_library(win_only)
    lesson = LessonPage.objects.get(slug="win-appearance")
    lesson.title = "第一课 仪容仪表（本单位修订版）"
    lesson.save_revision(user=cast.editor).publish()

    changed = copy.deepcopy(win_only)
    changed[0]["lessons"][0]["title"] = "第一课 新的标题"
    report = loader.load_library(changed)

    lesson.refresh_from_db()
    assert lesson.title == "第一课 仪容仪表（本单位修订版）"
    assert "lesson WIN/win-appearance" in report.kept
    assert any("kept editor's version: lesson WIN/win-appearance" == line for line in report.lines())


@pytest.mark.django_db
def test_it_leaves_an_editors_unpublished_draft(cast, win_only):
    loader.load_library(win_only)
    course = CoursePage.objects.get(code="WIN")
    course.summary = "草稿：编辑正在修改"
    course.save_revision(user=cast.editor)
    changed = copy.deepcopy(win_only)
    changed[0]["summary"] = "新的摘要"
    report = loader.load_library(changed)
    course.refresh_from_db()
    assert course.summary == win_only[0]["summary"]  # live version untouched
    assert course.get_latest_revision().user == cast.editor
    assert any(item.startswith("course WIN") for item in report.kept)


@pytest.mark.django_db
def test_it_updates_a_page_it_wrote_itself_when_the_data_changed(win_only):
    loader.load_library(win_only)
    changed = copy.deepcopy(win_only)
    changed[0]["lessons"][1]["blocks"][0]["text"] = "改写后的导语。"
    report = loader.load_library(changed)
    assert report.updated == ["lesson WIN/win-five-voices"]
    body = LessonPage.objects.get(slug="win-five-voices").body
    assert "改写后的导语。" in str(body[0].value)


@pytest.mark.django_db
def test_it_never_overwrites_a_question_an_editor_changed(win_only):
    loader.load_library(win_only)
    question = Question.objects.get(source_key="WIN-Q01")
    question.stem = "编辑改过的题干"
    question.save()
    report = loader.load_library(win_only)
    question.refresh_from_db()
    assert question.stem == "编辑改过的题干"
    assert "question WIN-Q01" in report.kept
    assert Question.objects.filter(source_key__startswith="WIN-").count() == len(win_only[0]["questions"])


@pytest.mark.django_db
def test_each_course_has_a_quiz_drawing_from_its_own_categories():
    loader.load_library()
    shipped = {c["code"]: c for c in data.load_library()}
    for course in CoursePage.objects.all():
        quiz = QuizPage.objects.child_of(course).get(practice=False)
        draws = list(quiz.random_draws.all())
        objective = draws[0].category
        assert objective.name.endswith(" · 客观题") and objective.parent.name.endswith(course.title)
        assert not objective.questions.filter(type="essay").exists()
        assert draws[0].count == shipped[course.code]["quiz"]["draw"] <= objective.questions.count()
        if shipped[course.code]["quiz"]["essays"]:
            (essays,) = draws[1:]
            assert essays.category.name.endswith(" · 简答题") and essays.category.parent == objective.parent
            assert set(essays.category.questions.values_list("type", flat=True)) == {"essay"}
        else:
            assert len(draws) == 1
        questions = Question.objects.filter(category__parent=objective.parent)
        codes = {cid.split("-")[0] for q in questions for cid in q.clause_id_list()}
        assert codes == {course.code}


@pytest.mark.django_db
def test_the_courses_are_published_in_chinese_under_the_training_home():
    loader.load_library()
    index = TrainingIndexPage.objects.get()
    assert index.live and index.title == "培训中心"
    courses = list(index.courses())
    assert [c.title for c in courses] == [c["title"] for c in data.load_library()]
    for course in courses:
        assert course.live and course.url
        assert 2 <= course.lessons().count() <= 4
        assert course.quizzes().count() >= 1
    lesson = LessonPage.objects.get(slug="win-five-voices")
    assert "WIN-06" in lesson.clause_ids()


@pytest.mark.django_db
def test_coverage_json_reports_every_clause_covered():
    loader.load_library()
    from io import StringIO

    out = StringIO()
    call_command("standards_coverage", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert len(report["courses"]) == 8
    assert set(report["courses"][0]) == {"title", "clauses", "questions"}
    assert len(report["clauses"]) >= 60
    assert len({pk for c in report["clauses"] for pk in c["questions"]}) >= 80
    assert [c["id"] for c in report["clauses"] if not c["questions"]] == []
    assert sum(c["clauses"] for c in report["courses"]) == len(report["clauses"])


@pytest.mark.django_db
def test_coverage_flags_a_clause_no_question_tests(win_only):
    loader.load_library(win_only)
    Question.objects.filter(clause_ids__contains="WIN-12").delete()
    from io import StringIO

    out = StringIO()
    call_command("standards_coverage", stdout=out)
    assert "WIN-12 中断服务须摆放“暂停服务”牌: NOT TESTED" in out.getvalue()


@pytest.mark.django_db
def test_onboarding_programme_maps_to_all_eight_live_courses():
    from courses.standards.programs import get_programme, required_courses

    loader.load_library()
    programme = get_programme("CS-ONBOARD")
    assert [c.code for c in required_courses(programme)] == [
        "WIN", "FIRST", "HALL", "SPECIAL", "PHONE", "DISCIPLINE", "MENTORING", "ONSITE",
    ]


@pytest.mark.django_db
def test_practice_exam_goes_through_the_importer_into_a_practice_quiz(win_only):
    loader.load_library(win_only)
    loader.load_practice_exam(loader.LoadReport())
    questions = Question.objects.filter(source_key__startswith="PRACTICE:").order_by("pk")
    assert [q.source_key for q in questions] == [f"PRACTICE:{n}" for n in range(1, 21)]
    assert {q.category.name for q in questions} == {loader.PRACTICE_CATEGORY}
    assert all(q.clause_id_list() and q.explanation for q in questions)
    assert questions[0].clause_id_list() == ["WIN-06", "FIRST-09"] and "条款" not in questions[0].explanation
    assert questions.filter(scenario=True).count() >= 7
    quiz = QuizPage.objects.get(slug=loader.PRACTICE_SLUG)
    assert quiz.practice and quiz.live and quiz.get_parent().specific.code == "WIN"
    assert [(d.category.name, d.count) for d in quiz.random_draws.all()] == [(loader.PRACTICE_CATEGORY, 20)]

    before = _counts()
    again = loader.LoadReport()
    loader.load_practice_exam(again)
    assert not again.changed and again.kept == [] and _counts() == before


@pytest.mark.django_db
def test_practice_exam_is_not_reimported_over_an_editors_change(win_only):
    loader.load_library(win_only)
    loader.load_practice_exam(loader.LoadReport())
    question = Question.objects.get(source_key="PRACTICE:5")
    question.stem = "编辑改写的练习题"
    question.save()
    report = loader.LoadReport()
    loader.load_practice_exam(report)
    question.refresh_from_db()
    assert question.stem == "编辑改写的练习题"
    assert report.kept == ["question PRACTICE:5"]
    assert Question.objects.filter(source_key__startswith="PRACTICE:").count() == 20


@pytest.mark.django_db
def test_a_lesson_an_editor_renamed_is_kept_not_duplicated(cast, win_only):
    loader.load_library(win_only)
    lesson = LessonPage.objects.get(slug="win-appearance")
    lesson.slug = "win-look"
    lesson.title = "第一课 形象"
    lesson.save_revision(user=cast.editor).publish()
    report = loader.load_library(win_only)
    assert LessonPage.objects.filter(slug="win-appearance").count() == 0
    assert LessonPage.objects.get(slug="win-look").title == "第一课 形象"
    assert "lesson WIN/win-appearance" in report.kept and not report.created


@pytest.mark.django_db
def test_a_trainee_reads_the_courses_lessons_and_quizzes_in_chinese(client, cast):
    loader.load_library()
    client.force_login(cast.trainee)
    index = TrainingIndexPage.objects.get()
    html = client.get(index.url).content.decode()
    for course in data.load_library():
        assert course["title"] in html
    lesson = LessonPage.objects.get(slug="win-five-voices")
    html = client.get(lesson.url).content.decode()
    assert "第二课 五声服务与五个一样" in html and "WIN-06" in html and "来有迎声" in html
    quiz = QuizPage.objects.get(slug="special-quiz")
    response = client.get(quiz.url)
    assert response.status_code == 200 and "特殊客户服务测验" in response.content.decode()


@pytest.mark.django_db
def test_the_onsite_course_is_theory_a_trainee_completes_before_a_ride_along(cast):
    from courses.services import missing_ride_along_prerequisites

    onsite = next(c for c in data.load_library() if c["code"] == "ONSITE")
    loader.load_library([onsite])
    assert [c.code for c in missing_ride_along_prerequisites(cast.trainee)] == ["ONSITE"]
