"""`manage.py load_demo`: idempotent, and every demo account logs in to its home page."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from lms.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from lms.models import RoleAssignment, StaffProfile
from mentorship.models import MentorAssignment


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def counts():
    return (
        get_user_model().objects.count(),
        StaffProfile.objects.count(),
        RoleAssignment.objects.count(),
        MentorAssignment.objects.count(),
    )


def test_it_is_idempotent(demo):
    before = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == before


def test_it_creates_the_eight_role_accounts():
    assert DEMO_ACCOUNTS == [
        "demo-trainee", "demo-mentor", "demo-lead", "demo-supervisor",
        "demo-regional-manager", "demo-post-head", "demo-regional-head", "demo-editor",
    ]


@pytest.mark.parametrize("username", DEMO_ACCOUNTS)
def test_each_demo_account_logs_in_and_lands_on_its_home_page(client, demo, username):
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'class="role-section"' in html


def test_it_gives_the_demo_trainee_a_mentor(demo):
    trainee = get_user_model().objects.get(username="demo-trainee")
    assert MentorAssignment.objects.current().get(trainee=trainee).mentor.username == "demo-mentor"


def test_it_lets_the_demo_editor_into_the_cms(client, demo):
    client.post("/accounts/login/", {"username": "demo-editor", "password": DEMO_PASSWORD})
    assert client.get("/cms/").status_code == 200
