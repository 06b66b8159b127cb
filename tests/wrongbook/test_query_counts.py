"""The 错题本 pages cost a fixed number of queries (19, "Done when"): the trainee's book, the mentor's view of it
(the person page) and the lead's heat map take as many queries with 2 trainees/clauses as with 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import LessonPage
from lms.roles import Role
from tests.factories import make_person
from wrongbook import tally
from wrongbook.models import BookEntry
from wrongbook.services import book_for

MANY = 20
TODAY = timezone.localdate()


@pytest.fixture
def taught(bank):
    """A second lesson teaching clauses WB-03 … WB-20, so every clause of the larger book has its lesson."""
    lesson = LessonPage(title="更多规范", slug="wb-l2", body=[
        ("clause", {"clause_id": f"WB-{n:02d}", "title": f"条款{n}", "rule": f"第{n}条。", "do": [], "dont": []})
        for n in range(3, MANY + 1)
    ])
    bank.course.add_child(instance=lesson)
    return bank


def file_clauses(user, count, *, left=0):
    """``count`` clauses in ``user``'s book (WB-01 …) and ``left`` more that left it. Written straight into the
    entries, so the cohort's tally is then counted again from them (as after any bulk write)."""
    for n in range(1, count + left + 1):
        in_book = n <= count
        BookEntry.objects.update_or_create(user=user, clause_id=f"WB-{n:02d}", defaults={
            "in_book": in_book, "wrong_count": 1 + n % 3, "right_count": 0 if in_book else 2,
            "practised_count": 0 if in_book else 2, "due_on": TODAY if in_book else None,
            "left_at": None if in_book else timezone.now()})
    tally.rebuild()


def pages_small_and_large(client, url, grow, django_assert_num_queries):
    """The page at ``url`` before and after ``grow()``; the second takes exactly as many queries as the first."""
    client.get(url)  # Wagtail caches the site's root paths (the lessons' URLs) on first use
    with CaptureQueriesContext(connection) as small:
        before = client.get(url)
    grow()
    with django_assert_num_queries(len(small)):
        after = client.get(url)
    assert before.status_code == after.status_code == 200
    return before.content.decode(), after.content.decode()


def test_the_book_is_read_in_two_queries_whatever_its_size(taught, cast, django_assert_num_queries):
    file_clauses(cast.trainee, 2, left=2)
    book_for(cast.trainee)  # Wagtail caches the site's root paths (the lessons' URLs) on first use
    with django_assert_num_queries(2):  # the entries, the lessons teaching them (one query since the lessons change)
        weak, left = book_for(cast.trainee)
    assert len(weak) == 2 and len(left) == 2
    file_clauses(cast.trainee, MANY - 2, left=2)
    with django_assert_num_queries(2):
        weak, left = book_for(cast.trainee)
    assert len(weak) == MANY - 2 and len(left) == 2


def test_the_trainees_book_page_costs_the_same_for_2_or_20_clauses(client, taught, cast, django_assert_num_queries):
    client.force_login(cast.trainee)
    file_clauses(cast.trainee, 2)
    small, large = pages_small_and_large(client, reverse("wrongbook:book"), lambda: file_clauses(cast.trainee, MANY),
                                         django_assert_num_queries)
    assert small.count('class="card weak-clause') == 2
    assert large.count('class="card weak-clause') == MANY and "#clause-WB-20" in large


def test_the_mentors_view_of_the_book_costs_the_same_for_2_or_20_clauses(client, taught, cast,
                                                                          django_assert_num_queries):
    client.force_login(cast.mentor)
    file_clauses(cast.trainee, 2)
    small, large = pages_small_and_large(client, reverse("person", args=[cast.trainee.profile.pk]),
                                         lambda: file_clauses(cast.trainee, MANY), django_assert_num_queries)
    assert "WB-02" in small and "WB-03" not in small
    assert f"{taught.lesson.url}#clause-WB-01" in large and "#clause-WB-20" in large


def cohort(org, count):
    """``count`` trainees of the lead's region, each with ``count`` clauses in their book (count × count cells)."""
    for i in range(count):
        user = make_person(f"hm{count}-{i}", role=Role.TRAINEE, region=org.sh, name=f"学员{count}-{i}")
        file_clauses(user, count)


def test_the_heat_map_page_costs_the_same_for_2_or_20_trainees_and_clauses(client, taught, cast,
                                                                            django_assert_num_queries):
    client.force_login(cast.lead)
    cohort(cast.org, 2)
    small, large = pages_small_and_large(client, reverse("wrongbook:heat_map"), lambda: cohort(cast.org, MANY),
                                         django_assert_num_queries)
    assert "学员2-1" in small and "WB-03" not in small
    assert "学员20-19" in large and "#clause-WB-20" in large


# With an active program the number of trainees is read with the totals, from the kept tallies (one query fewer
# than the paginator's count over the people, which a cohort without a program still takes); the lessons teaching
# the columns' clauses in one query; the role check and the scope read the role assignments, which come with the
# signed-in user (lms.backends.load_user).
HEAT_MAP_QUERIES = 8


@pytest.mark.parametrize("program", [True, False], ids=["program", "no-program"])
def test_the_heat_map_page_takes_a_pinned_number_of_queries_unfiltered_or_filtered(client, taught, cast, program,
                                                                                   django_assert_num_queries):
    """Unfiltered (the totals, and with a program the number of trainees, added up from the kept tallies) and
    filtered by status (counted over the entries and the people)."""
    from certificates.models import Program
    from lms.cohort import trainees_visible_to

    if program:
        Program.objects.create(code="P", name="上岗认证")
    client.force_login(cast.lead)
    cohort(cast.org, 3)
    url = reverse("wrongbook:heat_map")
    client.get(url)  # Wagtail caches the site's root paths (the lessons' URLs) on first use
    for query, queries in (({}, HEAT_MAP_QUERIES if program else HEAT_MAP_QUERIES + 1),
                           ({"status": "probation"}, HEAT_MAP_QUERIES + 1)):
        with django_assert_num_queries(queries):
            page = client.get(url, query).content.decode()
        assert "学员3-2" in page and f"{trainees_visible_to(cast.lead).count()} 名新员工" in page


def test_the_heat_map_shades_each_cell_by_wrong_answers_and_ticks_a_clause_that_left(client, taught, cast):
    first = make_person("hm-a", role=Role.TRAINEE, region=cast.org.sh, name="学员甲")
    second = make_person("hm-b", role=Role.TRAINEE, region=cast.org.sh, name="学员乙")
    file_clauses(first, 1, left=1)  # WB-01 in the book (wrong twice), WB-02 left it
    file_clauses(second, 2)  # WB-01 (twice) and WB-02 (three times) in the book
    client.force_login(cast.lead)
    page = client.get(reverse("wrongbook:heat_map")).content.decode()
    row = page[page.index("学员甲"):page.index("</tr>", page.index("学员甲"))]
    assert '<td class="heat-2">2</td><td class="heat-left is-left">✓</td>' in row
    row = page[page.index("学员乙"):page.index("</tr>", page.index("学员乙"))]
    assert '<td class="heat-2">2</td><td class="heat-3">3</td>' in row
