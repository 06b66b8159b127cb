"""New hire: the next lessons, mark them read, the course quiz with a reload in the middle, pass (a written answer
marked by the training lead), progress."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# The demo trainee has finished the courses required before a ride-along and read the first lesson of the
# next one (courses/demo.py).
COURSE = "员工纪律与违规处罚"
LESSONS = ["第二课 保密、廉洁与对外承诺", "第三课 违规处罚阶梯"]
QUIZ = "员工纪律与违规处罚测验"


def _correct_positions(site, attempt_id):
    """Each question of an attempt in the order shown: its type and correct option positions (from the DB)."""
    return site.orm(f"""
from courses.models import Attempt
attempt = Attempt.objects.get(pk={attempt_id})
result = [[a.type, [i for i, o in enumerate(a.options) if o.get("correct")]] for a in attempt.questions.all()]
""")


def _mark_written_answers_right(site, attempt_id):
    """The demo training lead marks the attempt's written answers right (the marking service, as the lead would)."""
    site.orm(f"""
from django.contrib.auth import get_user_model
from courses.models import AttemptQuestion
from courses.services import mark_answer

lead = get_user_model().objects.get(username="demo-lead")
for answer in AttemptQuestion.objects.filter(attempt_id={attempt_id}, type="essay"):
    mark_answer(answer, correct=True, by=lead)
""")


def test_new_hire_reads_the_next_lesson_and_passes_the_course_quiz(page, site, login, step):
    login("demo-trainee")
    page.get_by_role("link", name=COURSE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    step("course")

    # The next lessons to read, marked read one after the other.
    for lesson in LESSONS:
        page.get_by_role("link", name=lesson).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson)
        page.get_by_role("button", name="标记为已学习").click()
        expect(page.get_by_text("您已将本课时标记为已学习。")).to_be_visible()
        step(f"read-{lesson[:3]}")
        page.get_by_role("link", name="返回课程").click()

    page.get_by_role("link", name=QUIZ).click()
    page.get_by_role("button", name="开始测验").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/q/1/"))
    attempt_id = int(re.search(r"/attempts/(\d+)/", page.url).group(1))
    questions = _correct_positions(site, attempt_id)
    written = any(kind == "essay" for kind, _ in questions)

    def answer(number):
        kind, right = questions[number - 1]
        if kind == "essay":
            page.locator("#essay-text").fill("谢谢您的心意，单位有规定不能收礼，请您收回去。")
        for position in right:
            page.locator(f'input[name="option"][value="{position}"]').check()
        expect(page.locator("[data-autosave-status]")).to_have_text("已自动保存")

    # Answer the first question, reload in the middle: the answer is kept.
    answer(1)
    step("q1-answered")
    page.reload()
    if questions[0][0] == "essay":
        expect(page.locator("#essay-text")).not_to_have_value("")
    for position in questions[0][1]:
        expect(page.locator(f'input[name="option"][value="{position}"]')).to_be_checked()
    expect(page.get_by_text("已答 1 题")).to_be_visible()
    step("q1-after-reload")

    for number in range(2, len(questions) + 1):
        page.get_by_role("button", name="保存并下一题").click()
        expect(page).to_have_url(re.compile(rf"/q/{number}/"))
        answer(number)
    step("all-answered")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    if written:  # a written answer waits for the training lead; the attempt is not passed until it is marked
        expect(page.locator(".result .badge")).to_have_text("待评阅")
        step("awaiting-marking")
        _mark_written_answers_right(site, attempt_id)
        page.reload()
    expect(page.get_by_text("100%").first).to_be_visible()
    expect(page.locator(".result .badge")).to_have_text("已通过")
    step("passed")

    page.goto("/")
    course_row = page.locator(".course-row").filter(has=page.get_by_role("link", name=COURSE))
    expect(course_row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(course_row.get_by_text("已完成")).to_be_visible()
    step("home-progress")
    page.get_by_role("link", name=COURSE).first.click()
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    step("course-progress")
