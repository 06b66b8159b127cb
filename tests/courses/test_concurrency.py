"""Two simultaneous finishes of one attempt give one finished attempt and one score (SQLite and PostgreSQL).

These tests commit for real (``transaction=True``). The flush before or after them removes
the rows Wagtail's migrations created (root page, locale, site); ``ensure_training_index``
puts them back when missing, so tests running after a flush still find a page tree.
"""

import threading

import pytest
from django.db import connection

from courses.models import Attempt, CourseCompletion
from courses.services import finish_attempt, save_answer, start_attempt

from .conftest import make_question, make_quiz


def _run_together(target, n=2):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_finishes_give_one_finished_attempt_and_one_score(cast):
    quiz = make_quiz(questions=[make_question(), make_question()], pass_mark=50)
    attempt = start_attempt(cast.trainee, quiz)
    save_answer(attempt, position=0, seq=0, selected=[0])

    results, errors = _run_together(lambda: finish_attempt(Attempt.objects.get(pk=attempt.pk)))

    assert errors == []
    assert sorted(done for _, done in results) == [False, True]
    scores = {(a.score, a.finished_at) for a, _ in results}
    assert len(scores) == 1
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.score == 50
    assert CourseCompletion.objects.filter(user=cast.trainee).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_with_the_same_sequence_number_save_once(cast):
    quiz = make_quiz(questions=[make_question()])
    attempt = start_attempt(cast.trainee, quiz)

    choices = iter([[0], [1]])
    lock = threading.Lock()

    def submit():
        with lock:
            selected = next(choices)
        return save_answer(Attempt.objects.get(pk=attempt.pk), position=0, seq=0, selected=selected).accepted

    results, errors = _run_together(submit)
    assert errors == []
    assert sorted(results) == [False, True]
    attempt.refresh_from_db()
    assert attempt.seq == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_starts_give_one_attempt(cast):
    quiz = make_quiz(questions=[make_question()])
    results, errors = _run_together(lambda: start_attempt(cast.trainee, quiz).pk)
    assert errors == []
    assert len(set(results)) == 1
    assert Attempt.objects.filter(user=cast.trainee, quiz=quiz).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_page_tree_is_rebuilt_after_a_flush(cast):
    from wagtail.models import Page, Site

    from courses.services import ensure_training_index

    Site.objects.all().delete()
    Page.objects.all().delete()
    index = ensure_training_index()
    assert index.url == "/learn/training/"
    assert Site.objects.get().is_default_site
