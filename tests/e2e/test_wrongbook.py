"""错题本 on a phone: the demo trainee's weak clauses with their lessons, a drill answered right the next day
(answers shown only once given), a second drill four days later, and the clauses leave the book; the mentor's page
for the trainee shows the weak clauses. The server's clock cannot move: the days pass by moving the trainee's
answers back through the ORM."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

DRILL = """
from wrongbook.models import Drill
drill = Drill.objects.filter(user__username="demo-trainee", finished_at__isnull=True).get()
result = [[i for i, o in enumerate(item.options) if o.get("correct")] for item in drill.items.all()]
"""

DAYS_LATER = """
import datetime
from wrongbook.models import ClauseAnswer
from wrongbook.services import refresh_entries
answers = ClauseAnswer.objects.filter(user__username="demo-trainee")
for answer in answers:
    answer.answered_at -= datetime.timedelta(days={days})
    answer.save(update_fields=["answered_at"])
user = answers.first().user
refresh_entries(user_id=user.pk, clause_ids=set(answers.values_list("clause_id", flat=True)))
result = user.pk
"""

IN_BOOK = """
from wrongbook.models import BookEntry
result = list(BookEntry.objects.filter(user__username="demo-trainee", in_book=True).values_list("clause_id", flat=True))
"""


def test_the_mentor_sees_the_trainees_weak_clauses(page, site, login, step):
    weak = site.orm(IN_BOOK)
    assert weak, "the demo gives the demo trainee weak clauses"
    login("demo-mentor")
    page.goto("/people/")
    page.get_by_role("link", name="李明轩").first.click()
    expect(page.get_by_role("heading", name="错题本")).to_be_visible()
    for clause in weak:
        expect(page.get_by_text(clause).first).to_be_visible()
    step("mentor-person-page")


def drill_all_right(page, site, step, label):
    page.get_by_role("button", name="开始一组小练习").click()
    expect(page).to_have_url(re.compile(r"/wrongbook/drill/\d+/1/"))
    rights = site.orm(DRILL)
    for number, right in enumerate(rights, start=1):
        expect(page.get_by_text("解析")).to_have_count(0)  # nothing of the answer before it is given
        assert page.locator(".is-correct").count() == 0
        for position in right:
            page.locator(f'input[name="option"][value="{position}"]').check()
        page.get_by_role("button", name="核对答案").click()
        expect(page.locator(".explanation .badge")).to_have_text("答对")
        step(f"{label}-q{number}")
        if number < len(rights):
            page.get_by_role("link", name="下一题").click()
    expect(page.locator("[data-drill-done]")).to_be_visible()
    page.get_by_role("link", name="回到我的错题本").click()


def test_trainee_drills_weak_clauses_until_they_leave_the_book(page, site, login, step):
    weak = site.orm(IN_BOOK)
    assert weak, "the demo gives the demo trainee weak clauses"
    site.orm(DAYS_LATER.replace("{days}", "1"))  # the demo's wrong answers are due the day after
    login("demo-trainee")
    page.get_by_role("link", name="打开我的错题本").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("错题本")
    first = page.locator(f"#weak-{weak[0]}")
    expect(first).to_be_visible()
    expect(first.get_by_role("link", name=re.compile("看课时"))).to_have_attribute("href", re.compile(
        rf"#clause-{weak[0]}$"))
    step("book")

    drill_all_right(page, site, step, "day1")
    expect(page.get_by_text("今天没有要练的条款")).to_be_visible()
    step("nothing-due")

    site.orm(DAYS_LATER.replace("{days}", "4"))
    page.reload()
    drill_all_right(page, site, step, "day2")
    expect(page.get_by_text("错题本是空的")).to_be_visible()
    expect(page.get_by_role("heading", name="最近移出的条款")).to_be_visible()
    step("empty-book")
    assert site.orm(IN_BOOK) == []
