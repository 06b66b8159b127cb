"""The trainee's path (16.3): from 继续学习 on the home page through a course by its next-lesson links, marking
each lesson read, to the quiz that the last lesson leads to."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PREPARE = """
from django.contrib.auth import get_user_model
from courses.models import CourseAssignment, CoursePage
from lms.models import RoleAssignment, StaffProfile
from lms.roles import Role

course = next(c for c in CoursePage.objects.live().order_by("path")
              if c.lessons().count() >= 2 and c.quizzes().exists() and not c.prerequisites.exists())
username = "e2e-path-" + "{viewport}"
user = get_user_model().objects.create_user(username, password="demo1234")
StaffProfile.objects.create(user=user, employee_no=username, name="路径测试")
RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
CourseAssignment.objects.create(course=course, user=user)
result = {"username": username, "course": course.title,
          "lessons": [l.title for l in course.lessons()], "quiz": course.quizzes().first().title}
"""


def test_a_trainee_follows_the_next_steps_through_a_course(page, site, login, step):
    world = site.orm(PREPARE.replace("{viewport}", site.viewport))
    login(world["username"])
    page.goto("/")
    panel = page.locator("#continue-learning")
    expect(panel).to_contain_text(world["course"])
    panel.get_by_role("link").click()
    lessons = world["lessons"]
    for number, title in enumerate(lessons, 1):
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_text(f"第 {number} 课，共 {len(lessons)} 课")).to_be_visible()
        nav = page.get_by_role("navigation", name="本课程的课时")
        expect(nav.get_by_role("link", name="返回课程")).to_be_visible()
        if number > 1:
            expect(nav.locator("a[rel=prev]")).to_contain_text(lessons[number - 2])
        page.get_by_role("button", name="标记为已学习").click()
        expect(page.get_by_text("已标记为已学习")).to_be_visible()
        step(f"lesson-{number}-read")
        if number < len(lessons):
            page.get_by_role("link", name=f"下一课：{lessons[number]}").click()
    page.get_by_role("link", name=re.compile("下一步：参加测验")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world["quiz"])
    step("quiz")
    page.goto("/")
    expect(page.locator("#continue-learning")).to_contain_text(world["quiz"])
