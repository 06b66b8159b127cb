"""The progress matrix: a cell per requirement, exports equal to the screen, constant queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.models import Program
from courses.models import CoursePage, LessonPage
from courses.services import ensure_training_index, mark_lesson_read
from lms.roles import Role
from tests.factories import make_person


def _course(code, lessons=2):
    index = ensure_training_index()
    course = CoursePage(title=f"课程{code}", slug=code.lower(), code=code)
    index.add_child(instance=course)
    pages = []
    for n in range(lessons):
        page = LessonPage(title=f"{code}-{n}", slug=f"{code.lower()}-{n}")
        course.add_child(instance=page)
        pages.append(page)
    return course, pages


@pytest.fixture
def program(cast):
    win, win_lessons = _course("WIN")
    hall, _ = _course("HALL")
    program = Program.objects.create(code="CS-ONBOARD", name="客服新员工上岗认证", min_ride_alongs=2)
    program.required_courses.set([win, hall])
    return program, win, win_lessons


def test_cells_show_completed_and_partial_courses(client, cast, program):
    prog, win, (first, second) = program
    mark_lesson_read(cast.trainee, first)
    client.force_login(cast.lead)
    response = client.get("/cockpit/matrix/")
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert [c.kind for c in response.context["columns"]] == ["course", "course", "ride_alongs"]
    assert [c.state for c in row.cells] == ["partial", "todo", "todo"]
    assert "1/2" in row.cells[0].text
    mark_lesson_read(cast.trainee, second)
    (row,) = client.get("/cockpit/matrix/").context["rows"]
    assert row.cells[0].state == "done"


def test_each_cell_opens_the_trainee_detail(client, cast, program):
    client.force_login(cast.lead)
    (row,) = client.get("/cockpit/matrix/").context["rows"]
    assert all(c.url.startswith(f"/people/{cast.trainee.profile.pk}/") for c in row.cells)


def test_the_matrix_is_403_for_everyone_but_leads(client, cast, program):
    for who in ("trainee", "mentor", "supervisor", "regional_head"):
        client.force_login(getattr(cast, who))
        assert client.get("/cockpit/matrix/").status_code == 403
        assert client.get("/cockpit/matrix.csv").status_code == 403


def test_a_lead_of_another_region_sees_only_their_trainees(client, cast, program):
    client.force_login(cast.other_lead)
    rows = client.get("/cockpit/matrix/").context["rows"]
    assert [r.profile.user_id for r in rows] == [cast.other_trainee.pk]


def test_the_csv_export_equals_the_screen(client, cast, program):
    prog, win, (first, _second) = program
    make_person("t2", role=Role.TRAINEE, region=cast.org.hz, post=cast.org.hall, name="周晓")
    mark_lesson_read(cast.trainee, first)
    client.force_login(cast.lead)
    screen = client.get("/cockpit/matrix/", {"region": cast.org.sh.pk})
    response = client.get("/cockpit/matrix.csv", {"region": cast.org.sh.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["工号", "姓名"]
    assert rows[0][5:] == [c.label for c in screen.context["columns"]]
    assert [r[1] for r in rows[1:]] == [r.profile.name for r in screen.context["rows"]] == ["李明轩"]
    assert rows[1][5:] == [c.text for c in screen.context["rows"][0].cells]


def test_no_program_gives_a_clear_empty_state(client, cast):
    client.force_login(cast.lead)
    response = client.get("/cockpit/matrix/")
    assert response.status_code == 200
    assert "load_standards" in response.content.decode()


# Each page's queries, pinned: a change that adds one shows here (and says why in its commit). The dashboard:
# the whole cohort is added up from the kept tally (one query), the people reached outside its regions are read
# as ids (one) and their rows counted (one); the role check and the scope share one read of the roles, and a
# program's lessons and counted quizzes are one query. The matrix's paginator adds its count up from the same tally
# (the tally, the people outside its regions, their rows: three light queries instead of one COUNT over the scope).
# Down by one each since the role assignments come with the signed-in user (lms.backends.load_user). The dashboard's
# accountability queue reads the lead's regions from those assignments too (lms.access.covered_region_ids), not
# from the profile and the assignments again: 17 → 14.
PAGE_QUERIES = {"/cockpit/": 14, "/cockpit/matrix/": 13, "/cockpit/matrix.xlsx": 8, "/cockpit/mentors/": 10}


@pytest.mark.parametrize("url", list(PAGE_QUERIES))
def test_queries_are_pinned_and_do_not_grow_with_the_cohort(client, cast, program, url):
    prog, win, (first, second) = program
    client.force_login(cast.lead)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first request fills the caches every page shares (the region tree)
    small = count()
    assert small == PAGE_QUERIES[url]
    for n in range(12):
        user = make_person(f"x{n}", role=Role.TRAINEE, region=cast.org.sh, post=cast.org.field)
        mark_lesson_read(user, first)
        make_person(f"m{n}", role=Role.MENTOR, region=cast.org.sh, status="regular")
    assert count() == small


def test_the_certified_list_export_follows_the_filters(client, cast, program, django_capture_on_commit_callbacks):
    from certificates.services import issue_manually

    prog, *_ = program
    with django_capture_on_commit_callbacks(execute=True):
        issue_manually(holder=cast.trainee, program=prog, by=cast.lead, reason="补发", override=True)
        issue_manually(holder=cast.other_trainee, program=prog, by=cast.other_lead, reason="补发", override=True)
    client.force_login(cast.lead)
    rows = list(csv.reader(io.StringIO(client.get("/cockpit/certified.csv").content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["工号", "姓名", "认证项目"]
    assert [r[1] for r in rows[1:]] == ["李明轩"]  # not the other region's holder
    assert rows[1][5] == "有效" and rows[1][7].endswith(f"/certificates/verify/{rows[1][6]}/")
    empty = client.get("/cockpit/certified.csv", {"status": "regular"}).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(empty)))) == 1


def test_the_cockpit_lists_the_certificates_issued_by_override_in_the_leads_scope(client, cast, program,
                                                                                   django_capture_on_commit_callbacks):
    from certificates.services import issue_manually

    prog, *_ = program
    with django_capture_on_commit_callbacks(execute=True):
        issue_manually(holder=cast.trainee, program=prog, by=cast.lead, reason="补发：特批", override=True)
        issue_manually(holder=cast.other_trainee, program=prog, by=cast.other_lead, reason="补发", override=True)
    client.force_login(cast.lead)
    item = next(i for i in client.get("/cockpit/").context["waiting"] if i.url.endswith("?override=yes"))
    assert item.count == 1  # not the other region's override
    listed = client.get(item.url).content.decode()
    assert "李明轩" in listed and "林嘉怡" not in listed
