"""The rule of the 错题本 (models.replay): filed by a wrong answer, spaced 1, 3, 7 days, out after two right days."""

import datetime

from wrongbook.models import due_offset, replay

from .conftest import at


def test_spacing_is_1_3_and_7_days_after_the_wrong_answer_then_weekly():
    assert [due_offset(d) for d in (0, 1, 2, 3, 6, 7, 13, 14)] == [1, 3, 3, 7, 7, 14, 14, 21]


def test_a_wrong_answer_files_the_clause_due_the_next_day():
    state = replay([(at(1), False, False)])
    assert state["in_book"] is True
    assert state["due_on"] == datetime.date(2026, 10, 2)
    assert state["wrong_count"] == 1


def test_a_right_answer_the_next_day_moves_the_practice_to_day_3():
    state = replay([(at(1), False, False), (at(2), True, True)])
    assert state["in_book"] is True
    assert state["right_days"] == 1
    assert state["due_on"] == datetime.date(2026, 10, 4)


def test_it_leaves_the_book_after_right_answers_on_two_different_days():
    state = replay([(at(1), False, False), (at(2), True, True), (at(4), True, True)])
    assert state["in_book"] is False
    assert state["left_at"] == at(4)
    assert state["due_on"] is None


def test_two_right_answers_on_the_same_day_count_as_one_day():
    state = replay([(at(1), False, False), (at(2, 9), True, True), (at(2, 15), True, True)])
    assert state["in_book"] is True
    assert state["right_days"] == 1


def test_a_right_answer_on_the_day_it_was_filed_does_not_count():
    state = replay([(at(1, 9), False, False), (at(1, 11), True, False), (at(2), True, True)])
    assert state["in_book"] is True
    assert state["right_days"] == 1


def test_a_wrong_answer_starts_the_count_and_the_spacing_over():
    state = replay([(at(1), False, False), (at(2), True, True), (at(4), False, True)])
    assert state["in_book"] is True
    assert state["right_days"] == 0
    assert state["due_on"] == datetime.date(2026, 10, 5)
    assert state["wrong_count"] == 2
    assert state["practised_count"] == 2


def test_right_answers_alone_never_file_a_clause():
    state = replay([(at(1), True, False), (at(2), True, False)])
    assert state["in_book"] is False
    assert state["wrong_count"] == 0


def test_a_clause_wrong_again_after_leaving_comes_back():
    state = replay([(at(1), False, False), (at(2), True, True), (at(4), True, True), (at(9), False, False)])
    assert state["in_book"] is True
    assert state["left_at"] is None
    assert state["due_on"] == datetime.date(2026, 10, 10)


def test_a_clause_still_in_the_book_after_a_week_is_due_weekly():
    state = replay([(at(1), False, False), (at(9), True, True)])  # practised only on day 9 (8 days after)
    assert state["due_on"] == datetime.date(2026, 10, 15)
