"""18.5: directory login against a real OpenLDAP server (Debian's slapd) on loopback.

The directory says who may log in and with which password; the roster stays the authority on role, region and
post. Accounts are matched by employee number (工号); failed directory logins count toward the account's lockout.
"""

import pytest
from django.test import override_settings

from lms.roles import Role
from lms.settings.base import AUTHENTICATION_BACKENDS
from lms.settings.directory import DIRECTORY_BACKEND, directory_settings
from tests.servers import slapd_server

LOGIN = "/accounts/login/"
DIRECTORY_PASSWORD = "dir-Secret-7"


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    with slapd_server(tmp_path_factory.mktemp("slapd")) as server:
        server.add_person("li.mingxuan", DIRECTORY_PASSWORD, employeeNumber="T0001", displayName="李明轩",
                          givenName="明轩", sn="李", mail="li.mingxuan@example.cn")
        server.add_person("new.hire", DIRECTORY_PASSWORD, employeeNumber="N0042", displayName="周新",
                          givenName="新", sn="周", mail="zhou.xin@example.cn")
        server.add_person("no.number", DIRECTORY_PASSWORD, displayName="没有工号")
        yield server


@pytest.fixture
def directory(slapd):
    config = directory_settings({"LDAP_SERVER_URI": slapd.uri, "LDAP_USER_BASE_DN": f"ou=people,{slapd.suffix}",
                                 "LDAP_BIND_DN": slapd.root_dn, "LDAP_BIND_PASSWORD": slapd.root_password})
    with override_settings(AUTHENTICATION_BACKENDS=[*AUTHENTICATION_BACKENDS, DIRECTORY_BACKEND], **config):
        yield slapd


def login(client, username, password=DIRECTORY_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_a_roster_member_logs_in_with_the_directory_on_the_first_try_and_keeps_the_rosters_role(
        client, cast, directory):
    response = login(client, "li.mingxuan")
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.session["_auth_user_id"] == str(cast.trainee.pk)
    cast.trainee.refresh_from_db()
    assert list(cast.trainee.role_assignments.values_list("role", flat=True)) == [Role.TRAINEE]
    assert cast.trainee.profile.region == cast.org.sh
    assert cast.trainee.email == "li.mingxuan@example.cn"  # name and e-mail refreshed from the directory
    assert client.get("/").status_code == 200


def test_the_employee_number_works_with_the_directory_password(client, cast, directory):
    assert login(client, "T0001").status_code == 302
    assert client.session["_auth_user_id"] == str(cast.trainee.pk)


def test_a_wrong_directory_password_counts_toward_the_accounts_lockout(client, cast, directory, settings):
    statuses = [login(client, "li.mingxuan", "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    # Locked: neither the directory login nor the employee number gets in, even with the right password.
    assert login(client, "li.mingxuan").status_code == 429
    assert login(client, "T0001").status_code == 429
    assert login(client, "trainee", "pw-123456").status_code == 429
    assert "_auth_user_id" not in client.session


def test_someone_not_yet_in_the_roster_gets_an_account_the_roster_will_complete(client, cast, directory):
    from django.contrib.auth import get_user_model

    assert login(client, "new.hire").status_code == 302
    user = get_user_model().objects.get(profile__employee_no="N0042")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.username == "N0042" and user.profile.name == "周新"
    assert not user.has_usable_password()
    assert not user.role_assignments.exists() and user.profile.region is None
    assert login(client, "new.hire").status_code == 302  # the second login finds the same account
    assert get_user_model().objects.filter(profile__employee_no="N0042").count() == 1


def test_an_entry_without_an_employee_number_cannot_log_in(client, cast, directory):
    response = login(client, "no.number")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_local_passwords_still_work_beside_the_directory(client, cast, directory):
    assert login(client, "mentor", "pw-123456").status_code == 302
