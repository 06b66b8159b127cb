"""Accounts: login by username or employee number, throttling, logout, password change."""

import pytest
from django.urls import reverse

LOGIN = "/accounts/login/"


def login(client, username, password="pw-123456"):
    return client.post(LOGIN, {"username": username, "password": password})


def test_it_serves_the_login_page_in_chinese(client, db):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "用户名或工号" in html


def test_it_logs_in_with_the_username(client, cast):
    response = login(client, "trainee")
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_it_logs_in_with_the_employee_number(client, cast):
    response = login(client, "T0001")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.trainee.pk)


def test_it_refuses_a_wrong_password_with_a_chinese_message(client, cast):
    response = login(client, "trainee", "wrong")
    assert response.status_code == 200
    assert "用户名/工号或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_disabled_account(client, cast):
    cast.trainee.is_active = False
    cast.trainee.save()
    response = login(client, "trainee")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_it_locks_out_after_repeated_failures(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "trainee", "wrong")
    response = login(client, "trainee")  # the right password no longer helps
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_out_other_accounts(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "trainee", "wrong")
    assert login(client, "mentor").status_code == 302


def test_it_logs_out_with_post(client, cast):
    client.force_login(cast.trainee)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_changes_the_password(client, cast):
    client.force_login(cast.trainee)
    page = client.get("/accounts/password/")
    assert "修改密码" in page.content.decode()
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-123456", "new_password1": "Qz8!strong-pass", "new_password2": "Qz8!strong-pass"},
    )
    assert response.status_code == 302
    cast.trainee.refresh_from_db()
    assert cast.trainee.check_password("Qz8!strong-pass")


@pytest.mark.parametrize("url", ["/", "/people/", "/accounts/password/"])
def test_it_sends_anonymous_visitors_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
