"""Mentor and approvers: request a ride-along, three approvals, sign-off with weak points and a plan, confirmation."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from .forms import request_ride_along

pytestmark = pytest.mark.e2e

PREPARE = """
from django.contrib.auth import get_user_model
from courses.demo import complete_course
from courses.services import missing_ride_along_prerequisites
from lms.models import RoleAssignment
from lms.roles import Role

trainee = get_user_model().objects.get(username="demo-trainee")
for course in missing_ride_along_prerequisites(trainee):
    complete_course(trainee, course)
assert not missing_ride_along_prerequisites(trainee), missing_ride_along_prerequisites(trainee)
region = RoleAssignment.objects.filter(user__username="demo-regional-manager", role=Role.REGIONAL_MANAGER).first().region
result = {"trainee": trainee.pk, "region": region.pk}
"""

APPROVERS = """
from mentorship.models import Approval
from mentorship.access import approvers_for

result = []
for approval in Approval.objects.filter(ride_along_id={pk}).select_related("ride_along").order_by("pk"):
    names = sorted(approvers_for(approval.ride_along, approval.kind).values_list("username", flat=True),
                   key=lambda name: (not name.startswith("demo-"), name))
    result.append([approval.pk, names[0]])
"""


def test_mentor_requests_approvers_approve_mentor_signs_off_trainee_confirms(page, site, login, step):
    ids = site.orm(PREPARE)
    today = datetime.date.today()

    login("demo-mentor")
    page.goto("/mentorship/ride-alongs/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("申请老带新出行")
    page.get_by_label("新员工").select_option(str(ids["trainee"]))
    ride_along = request_ride_along(page, step, region=ids["region"], city="杭州、宁波", start=today, days=2,
                                    purpose="营业厅现场带教", shot="request-form")
    step("requested")
    page.get_by_role("button", name="退出登录").click()

    approvers = site.orm(APPROVERS.format(pk=ride_along))
    assert len(approvers) == 3
    for approval_pk, username in approvers:
        login(username)
        page.goto(f"/mentorship/ride-alongs/{ride_along}/")
        form = page.locator(f'form[action$="/approvals/{approval_pk}/"]')
        form.get_by_label("批准").check()
        form.get_by_role("button", name="提交决定").click()
        expect(page.get_by_text("您的批准已记录。")).to_be_visible()
        step(f"approved-by-{username}")
        page.get_by_role("button", name="退出登录").click()

    login("demo-mentor")
    page.goto(f"/mentorship/ride-alongs/{ride_along}/")
    expect(page.locator(".list .badge.ok")).to_have_count(3)
    page.get_by_role("button", name="开始出行").click()
    step("started")
    # Before its last day the trip is recorded as happened only with the reason it finished early (17.1).
    page.get_by_label("提前结束的原因").fill("客户当天完成验收，提前返回")
    page.get_by_role("button", name="登记出行已发生").click()
    expect(page.get_by_text("客户当天完成验收，提前返回")).to_be_visible()
    step("happened")
    page.get_by_role("link", name="签认", exact=True).click()
    page.get_by_label("新员工表现").fill("接待流程熟练，首问负责落实到位。")
    skill = page.get_by_label("薄弱点 1：技能")
    skill.select_option(index=1)
    page.get_by_label("薄弱点 1：说明").fill("一次性告知时遗漏了特别注意事项")
    page.get_by_label("学习计划 1：学习内容").fill("复习首问负责制与一次性告知")
    page.get_by_label("学习计划 1：完成期限").fill((today + datetime.timedelta(days=14)).isoformat())
    step("sign-off-form")
    page.get_by_role("button", name="提交签认").click()
    expect(page).to_have_url(re.compile(rf"/ride-alongs/{ride_along}/$"))
    expect(page.get_by_text("一次性告知时遗漏了特别注意事项")).to_be_visible()
    expect(page.get_by_text("复习首问负责制与一次性告知")).to_be_visible()
    step("signed-off")
    page.get_by_role("button", name="退出登录").click()

    login("demo-trainee")
    page.goto(f"/mentorship/ride-alongs/{ride_along}/")
    page.get_by_role("link", name="确认签认").click()
    page.get_by_label("您的意见").fill("谢谢王师傅，我会按计划复习。")
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.get_by_text("您已确认签认。")).to_be_visible()
    expect(page.get_by_text("谢谢王师傅，我会按计划复习。")).to_be_visible()
    step("confirmed")
