"""Each headline tile of the cockpit opens the list of exactly the people it counts (16.4): the people behind
"已逾期 3" are 3 rows, the same 3 the dashboard counted."""

import datetime
import html
import re

import pytest

from certificates.models import Program
from courses.models import CourseAssignment, CoursePage
from courses.services import ensure_training_index
from lms.roles import Role
from mentorship.models import Skill, SkillAssessment
from tests.factories import make_person

TILE = re.compile(r'<a href="([^"]+)"><span class="figure-value">(\d+)</span><span class="figure-label">([^<]+)</span>')
ROW = re.compile(r'<th scope="row" class="sticky-col"><a href="/people/(\d+)/">')


@pytest.fixture
def cohort(cast):
    course = CoursePage(title="窗口服务", slug="win", code="WIN")
    ensure_training_index().add_child(instance=course)
    program = Program.objects.create(code="P", name="上岗认证")
    program.required_courses.set([course])
    late = [make_person(f"late{n}", role=Role.TRAINEE, region=cast.org.sh) for n in range(3)]
    for person in late:
        CourseAssignment.objects.create(course=course, user=person, due_date=datetime.date(2026, 1, 5))
    skill = Skill.objects.create(name="上门礼仪")
    SkillAssessment.objects.create(trainee=late[0], skill=skill, result="failed", assessor=cast.lead)
    return program, late


def test_every_tile_lists_exactly_the_people_it_counts(client, cast, cohort):
    program, late = cohort
    client.force_login(cast.lead)
    dashboard = client.get(f"/cockpit/?program={program.pk}").content.decode()
    tiles = TILE.findall(dashboard)
    assert {label for _url, _n, label in tiles} == {"新员工", "已认证", "进度正常", "已逾期", "有风险", "未分配导师"}
    for url, count, label in tiles:
        page = client.get(html.unescape(url))
        assert page.status_code == 200, url
        rows = ROW.findall(page.content.decode())
        assert len(rows) == int(count), (label, url)
        if label == "已逾期":
            assert sorted(map(int, rows)) == sorted(p.profile.pk for p in late)
            assert int(count) == 3
            assert "仅显示：已逾期" in page.content.decode()


def test_the_tiles_keep_the_dashboards_filters(client, cast, cohort):
    program, _late = cohort
    client.force_login(cast.lead)
    dashboard = client.get(f"/cockpit/?program={program.pk}&region={cast.org.hz.pk}").content.decode()
    for url, count, _label in TILE.findall(dashboard):
        assert f"region={cast.org.hz.pk}" in html.unescape(url)
        assert int(count) == len(ROW.findall(client.get(html.unescape(url)).content.decode()))


def test_an_unknown_standing_lists_everyone(client, cast, cohort):
    program, _late = cohort
    client.force_login(cast.lead)
    everyone = ROW.findall(client.get(f"/cockpit/matrix/?program={program.pk}").content.decode())
    assert ROW.findall(client.get(f"/cockpit/matrix/?program={program.pk}&standing=nonsense").content.decode()) == everyone


def test_the_matrix_export_follows_the_tile(client, cast, cohort):
    program, late = cohort
    client.force_login(cast.lead)
    body = client.get(f"/cockpit/matrix.csv?program={program.pk}&standing=overdue").content.decode("utf-8-sig")
    assert len([line for line in body.splitlines()[1:] if line.strip()]) == 3


def test_the_waiting_counts_are_links(client, cast, cohort):
    client.force_login(cast.lead)
    dashboard = client.get("/cockpit/").content.decode()
    section = dashboard.split('id="waiting-title"', 1)[1].split("</section>", 1)[0]
    assert section.count('<span class="badge') == section.count('</span></a>') > 0


def test_the_certified_export_names_the_chosen_program(client, cast, cohort):
    program, _late = cohort
    other = Program.objects.create(code="Q", name="复训认证")
    client.force_login(cast.lead)
    dashboard = client.get(f"/cockpit/?program={other.pk}").content.decode()
    assert "复训认证 已认证名单" in dashboard or "复训认证已认证名单" in dashboard
    link = re.search(r'href="(/cockpit/certified\.csv\?[^"]+)"', dashboard).group(1)
    assert f"program={other.pk}" in html.unescape(link)
    response = client.get(html.unescape(link))
    assert 'filename="certified-Q.csv"' in response["Content-Disposition"]


def test_the_clause_chart_names_each_clause_with_its_title(cast):
    import json

    from cockpit.views import _with_clause_titles
    from courses.models import LessonPage

    course = CoursePage(title="首问", slug="first", code="FIRST")
    ensure_training_index().add_child(instance=course)
    body = [{"type": "clause", "value": {"clause_id": "FIRST-02", "title": "首问负责到底", "rule": "规则", "do": [],
                                         "dont": []}}]
    course.add_child(instance=LessonPage(title="第一课", slug="l1", body=json.dumps(body)))
    rows = _with_clause_titles([("FIRST-02", 40, "2/5"), ("GONE-01", 10, "1/10")])
    assert rows == [("FIRST-02 首问负责到底", 40, "2/5"), ("GONE-01", 10, "1/10")]


@pytest.mark.parametrize("standing", ["", "trainees", "certified", "on_track", "overdue", "at_risk",
                                      "without_mentor"])
def test_the_matrix_counts_the_people_it_lists_from_the_tally(client, cast, cohort, standing):
    """The matrix's "N trainees" (its paginator's count, added up from the kept tally when the filters take the
    scope whole) is the number of people the same filters list, with a trainee the lead mentors in another region
    and the lead themselves on probation (counted in their region's tally, not in their own cohort)."""
    from cockpit.services import cohort_queryset, with_standing
    from lms.models import StaffProfile
    from mentorship.models import MentorAssignment

    program, _late = cohort
    elsewhere = make_person("elsewhere", role=Role.TRAINEE, region=cast.org.gz)
    MentorAssignment.objects.create(trainee=elsewhere, mentor=cast.lead, start_date=datetime.date(2026, 9, 1))
    StaffProfile.objects.filter(user=cast.lead).update(status=StaffProfile.Status.PROBATION)
    from progress.services import rebuild
    rebuild()  # the profile was updated in bulk, past the receivers
    client.force_login(cast.lead)
    page = client.get("/cockpit/matrix/", {"program": program.pk, "standing": standing}).context["page"]
    listed = with_standing(cohort_queryset(cast.lead), standing, program=program).count()
    assert page.paginator.count == listed == len(page.object_list)
    if standing in ("", "trainees"):
        assert listed == 5  # the region's four trainees and the one mentored elsewhere


def test_a_filtered_matrix_counts_its_people_one_by_one(client, cast, cohort):
    program, _late = cohort
    client.force_login(cast.lead)
    page = client.get("/cockpit/matrix/", {"program": program.pk, "region": cast.org.hz.pk}).context["page"]
    assert page.paginator.count == len(page.object_list)
