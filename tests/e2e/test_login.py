"""Every demo account logs in through the form, in Chinese, and the language switch works."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# username → the name the home page greets (lms/demo.py).
DEMO_NAMES = {
    "demo-trainee": "李明轩",
    "demo-mentor": "王建国",
    "demo-lead": "陈静",
    "demo-supervisor": "赵海燕",
    "demo-regional-manager": "周伟",
    "demo-post-head": "孙丽",
    "demo-regional-head": "吴刚",
    "demo-editor": "郑晓",
}


def test_every_demo_account_logs_in_and_out_in_chinese(page, login, step):
    for username, name in DEMO_NAMES.items():
        login(username)
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{name}，你好")
        page.get_by_role("button", name="退出登录").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        step(f"logged-out-{username}")


def test_employee_number_logs_in_too(page, login):
    login("T2026001")
    expect(page.get_by_role("heading", level=1)).to_have_text("李明轩，你好")


def test_a_wrong_password_says_so_in_chinese(page, login):
    login("demo-trainee", password="wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("用户名/工号或密码错误")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_the_language_switch_goes_to_english_and_back(page, login, step):
    login("demo-trainee")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 李明轩")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    step("english")
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("李明轩，你好")
    step("chinese-again")
