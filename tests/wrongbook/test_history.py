"""The practice history (19, item 4): a learner's drills, latest first, paginated, with an empty state; the mentor
reads a trainee's from the person page, in scope only; a fixed number of queries per page."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wrongbook.models import ClauseAnswer, Drill, DrillItem
from wrongbook.views import PAGE_SIZE


def drills(user, count):
    """``count`` finished drills of ``user``, a day apart (the latest is drill ``count - 1``)."""
    start = timezone.now() - datetime.timedelta(days=count)
    made = []
    for n in range(count):
        when = start + datetime.timedelta(days=n)
        drill = Drill.objects.create(user=user, started_at=when, finished_at=when)
        items = DrillItem.objects.bulk_create([
            DrillItem(drill=drill, order=order, clause_id=clause, type="single", stem="题", answered_at=when,
                      options=[{"text": "对", "correct": True}, {"text": "错"}], selected=[0 if right else 1],
                      correct=right)
            for order, (clause, right) in enumerate([("WB-01", True), ("WB-02", n % 2 == 0)])])
        ClauseAnswer.objects.bulk_create(
            ClauseAnswer(user=user, clause_id=i.clause_id, correct=i.correct, answered_at=when, drill_item=i,
                         source=ClauseAnswer.Source.DRILL) for i in items)
        made.append(drill)
    return made


def own_history(client):
    return client.get(reverse("wrongbook:history"))


def test_no_drill_yet_says_so_and_leads_back_to_the_book(client, cast):
    client.force_login(cast.trainee)
    page = own_history(client).content.decode()
    assert "还没有练习过" in page or "No drill yet" in page
    assert reverse("wrongbook:book") in page and "data-drill=" not in page


def test_the_drills_are_listed_latest_first_with_their_results(client, cast):
    made = drills(cast.trainee, 3)
    client.force_login(cast.trainee)
    page = own_history(client).content.decode()
    positions = [page.index(f'data-drill="{d.pk}"') for d in reversed(made)]
    assert positions == sorted(positions)
    assert "WB-01" in page and "WB-02" in page
    assert "2 题答对 2 题" in page or "2 of 2 right" in page


def test_a_long_history_is_paginated(client, cast):
    made = drills(cast.trainee, PAGE_SIZE + 3)
    client.force_login(cast.trainee)
    first = own_history(client).content.decode()
    assert first.count("data-drill=") == PAGE_SIZE and f'data-drill="{made[-1].pk}"' in first
    second = client.get(reverse("wrongbook:history"), {"page": 2}).content.decode()
    assert second.count("data-drill=") == 3 and f'data-drill="{made[0].pk}"' in second


def test_a_page_of_history_costs_the_same_queries_for_2_or_25_drills(client, cast, django_assert_num_queries):
    client.force_login(cast.trainee)
    drills(cast.trainee, 2)
    own_history(client)
    with CaptureQueriesContext(connection) as small:
        own_history(client)
    drills(cast.trainee, PAGE_SIZE - 2)
    with django_assert_num_queries(len(small)):
        assert own_history(client).content.decode().count("data-drill=") == PAGE_SIZE


def test_the_mentor_reads_the_trainees_history_from_the_person_page(client, cast):
    made = drills(cast.trainee, 1)
    url = reverse("wrongbook:person_history", args=[cast.trainee.profile.pk])
    client.force_login(cast.mentor)
    assert url in client.get(reverse("person", args=[cast.trainee.profile.pk])).content.decode()
    page = client.get(url).content.decode()
    assert f'data-drill="{made[0].pk}"' in page and "李明轩" in page


def test_another_mentor_gets_404_and_a_trainee_403_for_someone_elses_history(client, cast):
    drills(cast.trainee, 1)
    client.force_login(cast.other_mentor)
    assert client.get(reverse("wrongbook:person_history", args=[cast.trainee.profile.pk])).status_code == 404
    client.force_login(cast.trainee)
    assert client.get(reverse("wrongbook:person_history", args=[cast.mentor.profile.pk])).status_code == 403
