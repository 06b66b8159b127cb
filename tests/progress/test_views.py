"""Where people see the progress rows: the trainee's "my certification" panel and the person page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.models import Certificate, Program
from courses.services import mark_lesson_read
from mentorship.models import Skill, SkillAssessment
from tests.certificates.conftest import make_course


@pytest.fixture
def program(cast):
    win, win_lesson = make_course("WIN")
    hall, _hall_lesson = make_course("HALL")
    skill = Skill.objects.create(name="上门服务测试技能")
    program = Program.objects.create(code="P", name="客服新员工上岗认证", min_ride_alongs=2, checklist_required=True)
    program.required_courses.set([win, hall])
    program.required_skills.set([skill])
    return program, win, win_lesson, hall, skill


def _panel(client):
    sections = client.get("/").context["sections"]
    (panel,) = [p for s in sections for p in s.panels if p.template == "progress/panels/my_certification.html"]
    return panel


def test_the_trainee_sees_each_requirement_met_or_missing_with_where_to_go(client, cast, program):
    prog, win, win_lesson, hall, skill = program
    mark_lesson_read(cast.trainee, win_lesson)  # WIN completed (its only lesson)
    client.force_login(cast.trainee)
    html = client.get("/").content.decode()
    panel = _panel(client)
    (standing,) = panel.context["programs"]
    assert [s.met for s in standing.statuses] == [True, False, False, False, False]
    assert panel.count == 1
    assert "我的认证" in html and "已达成 1 / 5 项要求" in html
    assert f'<a href="{hall.url}">' in html and f'<a href="{win.url}">' not in html  # only what is left links
    assert 'href="/mentorship/ride-alongs/"' in html and 'href="/mentorship/checklist/"' in html
    panel_html = html.split('id="my-certification"')[1].split("</article>")[0]
    assert "完成课程《课程HALL》" in panel_html and "课程 HALL" not in panel_html  # titles, no course codes


def test_the_panels_course_links_read_the_sites_root_paths_once_whatever_the_number_of_courses(
    client, cast, program, monkeypatch
):
    """Wagtail reads the site's root paths once per page object (from the shared cache: a round trip each in
    production); the requirements of a program share one read (certificates.requirements.Catalog.url_of)."""
    from wagtail.models import Site

    prog, win, win_lesson, hall, skill = program
    more = [make_course(f"MORE{n}")[0] for n in range(4)]
    prog.required_courses.add(*more)
    links = [f'<a href="{course.url}">' for course in (win, hall, *more)]
    client.force_login(cast.trainee)
    client.get("/")
    reads = []
    read = Site.get_site_root_paths
    monkeypatch.setattr(Site, "get_site_root_paths", staticmethod(lambda: reads.append(1) or read()))
    html = client.get("/").content.decode()
    assert all(link in html for link in links)  # every course still linked, each at its own URL
    assert len(reads) <= 2  # the panel's six course links: one read (plus one for the page's own links)


def test_a_failed_assessment_tells_the_trainee_what_to_do(client, cast, program):
    *_rest, skill = program
    SkillAssessment.objects.create(trainee=cast.trainee, skill=skill, result="failed", assessor=cast.lead)
    client.force_login(cast.trainee)
    panel_html = client.get("/").content.decode().split('id="my-certification"')[1].split("</article>")[0]
    assert "上门服务测试技能" in panel_html and "培训负责人" in panel_html


def test_a_certified_trainee_sees_the_certificate_and_its_end(client, cast, program):
    prog, *_rest = program
    Certificate.objects.create(program=prog, holder=cast.trainee, holder_name="李明轩", employee_no="T0001",
                               program_name=prog.name, issued_on=datetime.date(2026, 1, 1),
                               expires_on=datetime.date(2099, 1, 1))
    client.force_login(cast.trainee)
    panel = _panel(client)
    assert panel.context["programs"][0].certified and panel.count is None
    assert "2099-01-01" in client.get("/").content.decode()


def test_only_trainees_get_the_panel(client, cast, program):
    client.force_login(cast.mentor)
    sections = client.get("/").context["sections"]
    assert not [p for s in sections for p in s.panels if p.template.startswith("progress/")]


def test_the_person_page_shows_the_lead_the_standing(client, cast, program):
    prog, win, win_lesson, hall, skill = program
    mark_lesson_read(cast.trainee, win_lesson)
    client.force_login(cast.lead)
    html = client.get(f"/people/{cast.trainee.profile.pk}/").content.decode()
    assert "认证进度" in html and "课程：课程HALL" in html and "课时 0/1，测验 0/0" in html
    section = html.split("认证进度", 1)[1]
    assert f'<a href="{hall.url}">课程：课程HALL' in section and f'<a href="{win.url}">' not in section  # what is left
    client.force_login(cast.other_lead)
    assert client.get(f"/people/{cast.trainee.profile.pk}/").status_code == 404


def test_the_panel_costs_the_same_queries_for_a_small_or_a_large_program(client, cast, program):
    prog, *_rest = program
    client.force_login(cast.trainee)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            _panel(client)
        return len(ctx.captured_queries)

    queries()  # warm: the site's root paths are cached after the first request
    small = queries()
    more = [make_course(code)[0] for code in ("FIRST", "PHONE", "SPECIAL")]
    prog.required_courses.add(*more)
    prog.required_skills.add(Skill.objects.create(name="另一项测试技能"))
    assert queries() == small


def test_the_person_page_says_a_used_up_round_waits_for_the_leads_new_round(client, cast, program):
    from courses.models import Attempt, QuizPage

    prog, win, *_rest = program
    quiz = QuizPage(title="WIN 测验", slug="win-quiz", attempts_allowed=1)
    win.add_child(instance=quiz)
    Attempt.objects.create(user=cast.trainee, quiz=quiz, number=1, state=Attempt.State.FINISHED, passed=False,
                           score=10, started_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
                           finished_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC))
    client.force_login(cast.lead)
    html = client.get(f"/people/{cast.trainee.profile.pk}/").content.decode()
    assert "“WIN 测验”本轮测验次数已用完且未通过，待培训负责人开放新一轮" in html
