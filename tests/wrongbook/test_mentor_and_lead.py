"""The mentor's view of a trainee's book (person page) and the lead's clause × trainee heat map: scope-checked,
in a fixed number of queries."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.roles import Role
from tests.factories import make_person
from wrongbook.models import BookEntry
from wrongbook.services import Trend, heat_map, heat_map_rows, summary_for, trend_for

from .conftest import at, take


@pytest.fixture
def filed(bank, cast):
    with time_machine.travel(at(1), tick=False):
        take(bank.quiz, cast.trainee, correct=False)
    return cast.trainee


def person_url(user):
    return reverse("person", args=[user.profile.pk])


def test_the_mentor_sees_the_trainees_weak_clauses_with_their_lessons(client, bank, cast, filed):
    client.force_login(cast.mentor)
    page = client.get(person_url(filed)).content.decode()
    assert "WB-01" in page and "起身迎客" in page and f"{bank.lesson.url}#clause-WB-01" in page


def test_another_mentor_does_not_reach_the_trainees_page(client, cast, filed):
    client.force_login(cast.other_mentor)
    assert client.get(person_url(filed)).status_code == 404


def test_a_trainee_does_not_see_the_book_of_their_mentor(client, cast, bank):
    with time_machine.travel(at(1), tick=False):
        take(bank.quiz, cast.mentor, correct=False)
    client.force_login(cast.trainee)
    response = client.get(person_url(cast.mentor))
    assert response.status_code == 200
    assert "WB-01" not in response.content.decode()


def test_the_summary_takes_the_same_queries_for_one_clause_or_many(bank, cast, filed, django_assert_num_queries):
    with django_assert_num_queries(4):  # the lessons in one query (was two)
        small = summary_for(filed)
    for n in range(3, 9):
        BookEntry.objects.create(user=filed, clause_id=f"WB-0{n}", in_book=True, wrong_count=1)
    with django_assert_num_queries(4):
        large = summary_for(filed)
    assert len(small.weak) == 2 and len(large.weak) == 8


def test_the_trend_compares_the_last_two_weeks_with_the_two_before(bank, cast):
    with time_machine.travel(at(1), tick=False):
        for _ in range(3):
            take(bank.quiz, cast.trainee, correct=False)  # 6 wrong answers
    with time_machine.travel(at(20), tick=False):
        for _ in range(3):
            take(bank.quiz, cast.trainee, correct=True)  # 6 right answers
        trend = trend_for(cast.trainee)
    assert (trend.recent_right, trend.recent_total, trend.before_right, trend.before_total) == (6, 6, 0, 6)
    assert trend.direction == "better"


def test_a_trend_needs_enough_answers_on_both_sides():
    assert Trend(4, 4, 0, 4).direction == "unknown"
    assert Trend(5, 10, 5, 10).direction == "same"
    assert Trend(2, 10, 8, 10).direction == "worse"


def test_the_lead_sees_the_cohorts_weak_clauses(client, bank, cast, filed):
    client.force_login(cast.lead)
    response = client.get(reverse("wrongbook:heat_map"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "WB-01" in page and "李明轩" in page


def test_another_regions_lead_does_not_see_the_trainee(client, cast, filed):
    client.force_login(cast.other_lead)
    page = client.get(reverse("wrongbook:heat_map")).content.decode()
    assert "李明轩" not in page and "WB-01" not in page


@pytest.mark.parametrize("who", ["trainee", "mentor", "supervisor"])
def test_the_heat_map_is_the_leads_page(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("wrongbook:heat_map")).status_code == 403


def _trainees_with_books(org, n, start):
    for i in range(start, start + n):
        user = make_person(f"hm{i}", role=Role.TRAINEE, region=org.sh, name=f"学员{i}")
        for cid in ("WB-01", "WB-02", f"WB-1{i % 10}"):
            BookEntry.objects.create(user=user, clause_id=cid, in_book=True, wrong_count=1 + i % 3)


def test_the_heat_map_costs_the_same_queries_for_a_larger_cohort(bank, cast):
    from cockpit.services import cohort_queryset, cohort_users

    def build():
        cohort = cohort_queryset(cast.lead)
        with CaptureQueriesContext(connection) as queries:
            result = heat_map(cohort_users(cohort), heat_map_rows(cohort)[:25])
        return len(queries), result

    _trainees_with_books(cast.org, 2, 0)
    build()  # Wagtail caches the site's root paths (the lessons' URLs) on first use
    small_queries, small = build()
    _trainees_with_books(cast.org, 10, 2)
    large_queries, large = build()
    assert small_queries == large_queries
    assert len(large.rows) > len(small.rows)
    assert large.columns[0]["learners"] == 12  # WB-01 is in every book




def test_the_demo_gives_the_demo_trainee_weak_clauses(bank, cast):
    from django.utils import timezone

    from wrongbook import demo

    trainee = make_person("demo-trainee", role=Role.TRAINEE, region=cast.org.sh)
    take(bank.quiz, trainee, correct=True)  # the courses demo passes the first course's quizzes first
    demo.load()
    weak = BookEntry.objects.in_book().filter(user=trainee)
    assert set(weak.values_list("clause_id", flat=True)) == {"WB-01", "WB-02"}
    assert {e.due_on for e in weak} == {timezone.localdate() + timezone.timedelta(days=1)}
    answers = trainee.clause_answers.count()
    demo.load()
    assert trainee.clause_answers.count() == answers  # loading it again adds nothing


def test_the_printable_record_carries_the_clause_history(client, cast, filed):
    import io

    from pypdf import PdfReader

    client.force_login(cast.lead)
    response = client.get(f"/people/{filed.profile.pk}/record.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "WB-01" in text and "WB-02" in text
