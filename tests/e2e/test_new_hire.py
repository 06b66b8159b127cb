"""New hire: the next lesson, mark it read, the course quiz with a reload in the middle, pass (the written answers
marked by the training lead from the queue first), progress."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# The demo trainee has finished the courses required before a ride-along and read the first lesson of the
# next one (courses/demo.py).
COURSE = "员工纪律与违规处罚"
LESSONS = ["第二课 保密、廉洁与对外承诺", "第三课 违规处罚阶梯"]
QUIZ = "员工纪律与违规处罚测验"
WRITTEN_ANSWER = "谢谢您的心意，单位有规定不能收礼，请您收回去。"


def _correct_positions(site, attempt_id):
    """The correct option positions of each question of an attempt, in the order shown (from the DB)."""
    return site.orm(f"""
from courses.models import Attempt
attempt = Attempt.objects.get(pk={attempt_id})
result = [[a.type, [i for i, o in enumerate(a.options) if o.get("correct")]] for a in attempt.questions.all()]
""")


def test_new_hire_reads_the_next_lesson_and_passes_the_course_quiz(page, site, login, step):
    login("demo-trainee")
    page.get_by_role("link", name=COURSE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    step("course")

    # The next lessons to read, marked read one after the other.
    for lesson in LESSONS:
        page.get_by_role("link", name=lesson, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson)
        page.get_by_role("button", name="标记为已学习").click()
        expect(page.get_by_text("您已将本课时标记为已学习。")).to_be_visible()
        step(f"read-{lesson[:3]}")
        page.get_by_role("link", name="返回课程").click()

    page.get_by_role("link", name=QUIZ, exact=True).click()
    page.get_by_role("button", name="开始测验").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/q/1/"))
    attempt_id = int(re.search(r"/attempts/(\d+)/", page.url).group(1))
    questions = _correct_positions(site, attempt_id)
    essays = sum(1 for kind, _ in questions if kind == "essay")

    def answer(number):
        kind, right = questions[number - 1]
        page.wait_for_load_state("load")  # the quiz script (deferred) listens before the first keystroke
        if kind == "essay":
            page.locator("#essay-text").fill(WRITTEN_ANSWER)
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
    if essays:
        # Written answers count once marked: 待评阅 until the training lead marks them from the queue.
        expect(page.locator(".result .badge")).to_have_text("待评阅")
        result_url = page.url
        step("awaiting-marking")
        page.get_by_role("button", name="退出登录").click()
        login("demo-lead")
        for _ in range(essays):
            page.goto("/courses/marking/")
            page.locator(".list li").filter(has_text="李明轩").first.get_by_role("link").click()
            expect(page.get_by_text("参考答案")).to_be_visible()
            page.get_by_label("正确", exact=True).check()
            page.get_by_role("button", name="保存评阅结果").click()
            expect(page.get_by_text("评阅结果已保存")).to_be_visible()
        step("marked")
        page.get_by_role("button", name="退出登录").click()
        login("demo-trainee")
        page.goto(result_url)
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
