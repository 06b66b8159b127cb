"""The lead's cockpit at phone and desktop sizes (16.4): a headline tile opens exactly the people it counts,
chart text is at least 12 px, and the matrix keeps the trainee column in place while scrolling sideways."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CHART_TEXT_PX = """() => [...document.querySelectorAll('.charts svg text')].map(t => {
  const m = t.ownerSVGElement.getScreenCTM();
  return parseFloat(getComputedStyle(t).fontSize) * m.a;
})"""


BUILD_PEOPLE = """
import datetime
from django.contrib.auth import get_user_model
from django.db import transaction
from certificates.models import Program
from courses.models import CourseAssignment
from lms.models import Region, StaffProfile
from mentorship.models import Skill, SkillAssessment
tag = {tag!r}
lead = get_user_model().objects.get(username="demo-lead")
program = Program.objects.filter(active=True).order_by("pk").first()
course = program.required_courses.order_by("path").first()
skill = Skill.objects.order_by("pk").first()
region = Region.objects.get(code="sh")
made = {{"overdue": [], "at_risk": []}}
with transaction.atomic():
    for kind, n in (("overdue", 3), ("at_risk", 2), ("on_track", 1)):
        for i in range(n):
            user = get_user_model().objects.create_user(f"{{tag}}-{{kind}}-{{i}}")
            profile = StaffProfile.objects.create(user=user, employee_no=f"{{tag}}{{kind[:2]}}{{i}}",
                                                  name=f"{{tag}}{{kind}}{{i}}", region=region, status="probation",
                                                  hire_date=datetime.date.today())
            if kind == "overdue":
                CourseAssignment.objects.create(course=course, user=user,
                                                due_date=datetime.date.today() - datetime.timedelta(days=5))
            elif kind == "at_risk":
                SkillAssessment.objects.create(trainee=user, skill=skill, result="failed", assessor=lead)
            if kind in made:
                made[kind].append(profile.name)
result = made
"""


@pytest.mark.parametrize("label, standing", [("已逾期", "overdue"), ("有风险", "at_risk")])
def test_the_lead_clicks_a_tile_and_lands_on_exactly_the_people_it_built(page, site, login, step, label, standing):
    """The test builds the people (3 overdue, 2 at risk, 1 on track, names found by a tag), narrows the
    dashboard to them, reads the tile's count, clicks it and finds exactly those people in the matrix."""
    tag = f"磁贴{site.viewport[:1]}{standing[:2]}"
    built = site.orm(BUILD_PEOPLE.format(tag=tag))[standing]
    login("demo-lead")
    page.goto("/cockpit/")
    page.locator("details.filters summary").click()
    page.locator("details.filters").get_by_label("姓名或工号", exact=True).fill(tag)
    page.get_by_role("button", name="应用").click()
    tile = page.locator(".figure").filter(has_text=label).first
    expect(tile.locator(".figure-value")).to_have_text(str(len(built)))
    step("dashboard-narrowed")
    tile.locator("a").click()
    expect(page.get_by_text(f"仅显示：{label}")).to_be_visible()
    names = page.locator("table.matrix tbody th a")
    expect(names).to_have_count(len(built))
    assert sorted(names.all_inner_texts()) == sorted(built)
    step("those-people")


OVERDUE_QUESTIONS = """
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from mentorship.models import Question
users = get_user_model().objects
trainee, mentor = users.get(username="demo-trainee"), users.get(username="demo-mentor")
asked = timezone.now() - datetime.timedelta(days=30)
result = [Question.objects.create(asked_by=trainee, owner=mentor, subject=f"{tag}超期提问{n}", body="内容",
                                  asked_at=asked).subject for n in range(2)]
"""


def test_a_waiting_count_opens_its_records(page, site, login, step):
    """The waiting queue's 超期未解决的提问 count (two overdue questions built here, and any of the demo's)
    opens the list of exactly those questions."""
    built = site.orm("tag = 'E2E'\n" + OVERDUE_QUESTIONS)
    login("demo-lead")
    page.goto("/cockpit/")
    link = page.locator(".waiting-list a").filter(has_text="超期未解决的提问")
    count = int(link.locator(".badge").inner_text())
    assert count >= len(built)
    step("waiting")
    link.click()
    expect(page.get_by_text("仅显示超期未解决的提问")).to_be_visible()
    items = page.locator("main ul.list > li > a")
    expect(items).to_have_count(min(count, 25))
    assert set(built) <= set(items.all_inner_texts())
    step("overdue-questions")


def test_the_lead_clicks_a_headline_tile_and_lands_on_those_people(page, login, step):
    login("demo-lead")
    page.goto("/cockpit/")
    tile = page.locator(".figure").filter(has_text="新员工").first
    count = int(tile.locator(".figure-value").inner_text())
    assert count > 0
    step("dashboard")
    tile.locator("a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("进度矩阵")
    expect(page.get_by_text("仅显示：新员工")).to_be_visible()
    rows = page.locator("table.matrix tbody tr")
    expect(rows).to_have_count(min(count, 25))
    step("those-people")

    page.goto("/cockpit/")
    overdue = page.locator(".figure").filter(has_text="已逾期").first
    n = int(overdue.locator(".figure-value").inner_text())
    overdue.locator("a").click()
    expect(page.get_by_text("仅显示：已逾期")).to_be_visible()
    expect(page.locator("table.matrix tbody tr")).to_have_count(min(n, 25))


def test_chart_text_is_readable(page, login, step):
    login("demo-lead")
    page.goto("/cockpit/")
    expect(page.locator(".charts svg").first).to_be_visible()
    step("charts")
    sizes = page.evaluate(CHART_TEXT_PX)
    assert sizes and min(sizes) >= 12, sizes
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]


def test_the_matrix_keeps_the_trainee_column_while_scrolling_sideways(page, site, login, step):
    login("demo-lead")
    page.goto("/cockpit/matrix/")
    name = page.locator("table.matrix tbody th.sticky-col").first
    expect(name).to_be_visible()
    before = name.bounding_box()["x"]
    scroller = page.locator(".table-wrap").first
    scrollable = scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    # The page itself does not scroll sideways (the crawl's rule at 390 px): the matrix scrolls in its own box.
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    if site.viewport == "phone":
        assert scrollable  # the matrix is wider than a phone, so its box is what scrolls
    scroller.evaluate("e => e.scrollLeft = e.scrollWidth")
    step("scrolled")
    assert abs(name.bounding_box()["x"] - before) < 1
    if site.viewport == "desktop":
        # The matrix uses the page's width, not the 1080 px column of the other pages.
        assert page.locator(".table-wrap").first.bounding_box()["width"] > 1100 or not scrollable
    assert re.search(r"/cockpit/matrix/", page.url)
