"""What django-quiz-app did, rebuilt here. Most behaviours are tested where they live:

- a quiz with no questions refuses to start → test_attempts::test_a_quiz_with_no_questions_refuses_…
- pass mark above 100 refused → test_attempts::test_pass_mark_above_100_is_refused
- max questions draws a subset; random order → test_attempts::test_max_questions_…, test_random_order_…
- answers at end shows every question → test_quiz_views::test_answers_at_end_shows_every_question_…
- single attempt refuses a second → test_attempts / test_quiz_views (…second_attempt…)
- success and fail texts → test_quiz_views::test_success_and_fail_texts_by_pass_mark
- wrong answers per attempt; score capped at 100 → test_attempts
- progress per category per learner → test_attempts::test_progress_per_category_per_learner_…
- a resumed attempt is reused → test_attempts::test_a_resumed_attempt_is_reused_never_duplicated
- drafts hidden and refused → test_quiz_views::test_drafts_are_hidden_from_course_lists_and_refused
- a marker switches an essay answer → test_attempts::test_a_marker_can_switch_an_essay_answer_…
- question images with alt text → test_quiz_views::test_question_images_are_shown_with_alt_text
What its users asked for: multiple correct answers, time limit, going back, sub-category
scores → test_attempts. This file holds the rest.
"""

from pathlib import Path

import pytest

from courses.importers import parse
from courses.models import QuizPage

from .conftest import make_course


def test_slugs_come_from_titles(db):
    course = make_course()
    quiz = QuizPage(title="窗口服务 测验")
    course.add_child(instance=quiz)
    assert quiz.slug == "窗口服务-测验"


def test_the_shipped_practice_exam_parses_without_errors(db):
    path = Path(__file__).resolve().parents[2] / "courses" / "standards" / "practice_exam.txt"
    bank = parse(path.read_bytes(), path.name)
    assert bank.errors == []
    assert len(bank.questions) == 20
    assert all(q.clause_ids for q in bank.questions)
    assert "（）" not in "".join(q.explanation for q in bank.questions)
