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


@pytest.mark.parametrize("variant", ["trainee", "  trainee ", "TRAINEE", "T0001", " t0001", "Trainee\t"])
def test_it_resolves_every_spelling_of_an_identifier_to_the_account(cast, variant):
    from lms.backends import find_account

    assert find_account(variant) == cast.trainee


def test_it_logs_in_with_a_padded_differently_cased_identifier(client, cast):
    assert login(client, " Trainee ").status_code == 302
    assert client.session["_auth_user_id"] == str(cast.trainee.pk)


def test_it_counts_failures_per_account_across_identifier_variants(client, cast, settings):
    """17.5: the username, the employee number and padded or re-cased variants share one counter."""
    variants = ["trainee", "T0001", " trainee ", "TRAINEE", "t0001 "]
    assert len(variants) == settings.AXES_FAILURE_LIMIT
    statuses = [login(client, variant, "wrong").status_code for variant in variants]
    assert statuses == [200] * (len(variants) - 1) + [429]  # the last failure locks the account
    for variant in variants:  # every spelling is now locked, even with the right password
        response = login(client, variant)
        assert response.status_code == 429, variant
        assert "_auth_user_id" not in client.session


def test_it_counts_failures_from_every_address_against_the_account(client, cast, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "T0001", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n + 1}")
    assert client.post(LOGIN, {"username": "trainee", "password": "pw-123456"},
                       REMOTE_ADDR="10.0.9.9").status_code == 429


def test_it_says_how_long_the_lockout_lasts_in_minutes(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "trainee", "wrong")
    html = login(client, "trainee").content.decode()
    assert "15 分钟" in html
    assert "PT15M" not in html


def test_it_lets_the_account_in_after_the_lockout_expires(client, cast, settings):
    import datetime

    import time_machine

    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "trainee", "wrong")
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=16)):
        assert login(client, "T0001").status_code == 302


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
