"""Builders for the smallest course/quiz world a test needs."""

import itertools

import pytest

from courses.models import (
    CoursePage,
    LessonPage,
    Question,
    QuestionCategory,
    QuestionOption,
    QuizFixedQuestion,
    QuizPage,
    QuizRandomDraw,
)
from courses.services import ensure_training_index

_codes = itertools.count(1)


def make_course(code=None, *, lessons=0, **kwargs):
    code = code or f"C{next(_codes)}"
    index = ensure_training_index()
    course = CoursePage(title=f"课程 {code}", slug=code.lower(), code=code, **kwargs)
    index.add_child(instance=course)
    for n in range(lessons):
        course.add_child(instance=LessonPage(title=f"{code} 第{n + 1}课", slug=f"{code.lower()}-l{n + 1}"))
    return course


def make_category(name="窗口服务", parent=None):
    return QuestionCategory.objects.get_or_create(name=name, parent=parent)[0]


def make_question(category=None, *, type=Question.Type.SINGLE, stem=None, options=None, explanation="解析",
                  reference_answer="", clauses="", marking_points=""):
    """``options`` is a list of (text, correct); defaults to A right, B/C wrong (true/false: 对 right)."""
    category = category or make_category()
    question = Question.objects.create(
        category=category, type=type, stem=stem or f"题目{next(_codes)}", explanation=explanation,
        reference_answer=reference_answer, clause_ids=clauses, marking_points=marking_points,
    )
    if options is None:
        if type == Question.Type.ESSAY:
            options = []
        elif type == Question.Type.TRUE_FALSE:
            options = [("对", True), ("错", False)]
        elif type == Question.Type.MULTIPLE:
            options = [("甲", True), ("乙", True), ("丙", False)]
        else:
            options = [("正确项", True), ("错误项一", False), ("错误项二", False)]
    for i, (text, correct) in enumerate(options):
        QuestionOption.objects.create(question=question, text=text, correct=correct, sort_order=i)
    return question


def make_quiz(course=None, *, questions=(), draws=(), live=True, **settings):
    course = course or make_course()
    settings.setdefault("shuffle_questions", False)
    settings.setdefault("shuffle_options", False)
    settings.setdefault("pass_mark", 60)
    quiz = QuizPage(title=settings.pop("title", "测验"), slug=f"quiz-{next(_codes)}", **settings)
    course.add_child(instance=quiz)
    for i, q in enumerate(questions):
        QuizFixedQuestion.objects.create(quiz=quiz, question=q, sort_order=i)
    for i, (category, count) in enumerate(draws):
        QuizRandomDraw.objects.create(quiz=quiz, category=category, count=count, sort_order=i)
    if not live:
        QuizPage.objects.filter(pk=quiz.pk).update(live=False)
        quiz.refresh_from_db()
    return quiz


def answer_all(attempt, correct=True):
    """Answer every choice question of ``attempt`` right (or wrong), respecting the sequence number."""
    from courses.services import save_answer

    for aq in attempt.questions.all():
        attempt.refresh_from_db()
        if aq.is_essay:
            save_answer(attempt, position=aq.order, seq=attempt.seq, text="我的回答")
            continue
        right = [i for i, o in enumerate(aq.options) if o["correct"]]
        wrong = [i for i, o in enumerate(aq.options) if not o["correct"]][:1]
        save_answer(attempt, position=aq.order, seq=attempt.seq, selected=right if correct else wrong)
    attempt.refresh_from_db()
    return attempt


@pytest.fixture
def learner(cast):
    return cast.trainee
