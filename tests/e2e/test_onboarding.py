"""Onboarding from the roster: the training lead sets a course rule for new hires, imports a roster, invites the new
hire; the new hire opens the link in the e-mail, sets a password, logs in and finds the assigned course."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

HIRE = {"工号": "T2026901", "姓名": "宋佳怡", "区域": "上海区域", "上级区域": "华东大区", "岗位": "大堂经理",
        "入职日期": "2026-12-01", "状态": "试用", "电话": "13800000901", "邮箱": "songjiayi@example.cn", "角色": "新员工"}
PASSWORD = "Songjy-2026-xin"


def _roster(tmp_path):
    path = tmp_path / "花名册.csv"
    path.write_text(",".join(HIRE) + "\n" + ",".join(HIRE.values()) + "\n", encoding="utf-8")
    return path


def _invitation_link(site):
    (message,) = [m for m in site.mails() if m["To"] == HIRE["邮箱"]]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert HIRE["姓名"] in body and HIRE["工号"] in body
    return re.search(r"https?://\S+/accounts/welcome/\S+", body).group(0)


def test_lead_imports_a_roster_and_invites_a_new_hire_who_logs_in_to_the_assigned_course(
        page, site, login, step, tmp_path):
    login("demo-lead")
    # A rule first: the new hires of Shanghai's lobby get a course, with a due date.
    page.get_by_role("link", name="新员工课程分配规则").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新员工课程分配规则")
    course = page.locator("#id_course option").nth(1).inner_text().strip()
    page.get_by_label("课程", exact=True).select_option(label=course)
    page.get_by_label("区域", exact=True).select_option(label=HIRE["区域"])
    page.get_by_label("岗位", exact=True).select_option(label=HIRE["岗位"])
    page.get_by_label("完成期限（天）").fill("30")
    page.get_by_role("button", name="添加规则").click()
    expect(page.get_by_text("规则已添加")).to_be_visible()
    step("rule-added")

    # The roster: one new hire with an e-mail address and the 新员工 role. The demo has people waiting already.
    page.goto("/")
    waiting = page.get_by_role("link", name=re.compile("激活邀请")).locator(".badge")
    before = int(waiting.inner_text()) if waiting.count() else 0
    page.get_by_role("link", name="导入花名册").click()
    page.get_by_label("花名册文件").set_input_files(str(_roster(tmp_path)))
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_role("cell", name=HIRE["姓名"])).to_be_visible()
    step("roster-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("花名册已导入")).to_be_visible()
    step("roster-imported")

    # The lead's home counts the new hire at once; the invitations page lists them.
    page.goto("/")
    invitations = page.get_by_role("link", name=re.compile("激活邀请"))
    expect(invitations.locator(".badge")).to_have_text(str(before + 1))
    invitations.click()
    page.get_by_label(f"邀请{HIRE['姓名']}").check()
    step("invitation-ticked")
    page.get_by_role("button", name="发送邀请").click()
    expect(page.get_by_text("已向 1 人发送激活邀请。")).to_be_visible()
    expect(page.get_by_text("你负责区域的人员都已设置密码。")).to_have_count(0)  # still waiting until they set it
    step("invitation-sent")
    page.get_by_role("button", name="退出登录").click()

    # The new hire opens the link of the e-mail, sets a password, logs in.
    link = _invitation_link(site)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("设置密码")
    expect(page.get_by_text(f"欢迎你，{HIRE['姓名']}")).to_be_visible()
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    step("set-password")
    page.get_by_role("button", name="设置密码").click()
    expect(page.get_by_text("密码已设置")).to_be_visible()
    step("password-set")
    login(HIRE["工号"], PASSWORD)
    expect(page.get_by_role("link", name=course).first).to_be_visible()
    step("home-with-course")

    # The link worked once.
    page.get_by_role("button", name="退出登录").click()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("链接已失效")
    step("link-used")
