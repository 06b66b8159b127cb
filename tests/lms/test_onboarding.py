"""Getting into the account: the training lead's invitations (one-time set-password link by e-mail) and 忘记密码.

Through the views, as the right person and as the wrong ones."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from lms.models import Invitation
from lms.roles import Role

from ..factories import make_person

pytestmark = pytest.mark.django_db


def _new_hire(org, username="N0001", *, region=None, email="xiaoli@example.cn"):
    """Someone the roster created: no password, an e-mail address from the 邮箱 column."""
    user = make_person(username, role=Role.TRAINEE, region=region or org.sh, post=org.field, name="张小丽",
                       employee_no=username)
    user.set_unusable_password()
    user.email = email
    user.save()
    return user


def _link(message):
    return re.search(r"https?://\S+", message.body).group(0)


def _logs_in(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.url == reverse("home")


def _invite(client, user, who):
    client.force_login(who)
    return client.post(reverse("invite_person", args=[user.profile.pk]))


def test_a_lead_invites_a_new_hire_who_sets_a_password_once_and_logs_in(cast, client):
    hire = _new_hire(cast.org)
    response = _invite(client, hire, cast.lead)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["xiaoli@example.cn"]
    assert "张小丽" in message.body and "N0001" in message.body and "设置" in message.subject
    (invitation,) = Invitation.objects.all()
    assert invitation.user == hire and invitation.sent_by == cast.lead and invitation.email == "xiaoli@example.cn"

    client.logout()
    link = _link(message)
    form_page = client.get(link, follow=True)
    assert "张小丽" in form_page.content.decode() and "设置密码" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": "Qiu-2026-xin", "new_password2": "Qiu-2026-xin"},
                       follow=True)
    assert done.request["PATH_INFO"] == reverse("login")
    assert "N0001" in done.content.decode()
    assert _logs_in(client, "N0001", "Qiu-2026-xin")

    client.logout()
    again = client.get(link, follow=True)
    assert "链接已失效" in again.content.decode()
    assert again.context["validlink"] is False


def test_a_weak_password_is_refused_in_chinese_and_the_link_still_works(cast, client):
    hire = _new_hire(cast.org)
    _invite(client, hire, cast.lead)
    client.logout()
    page = client.get(_link(mail.outbox[0]), follow=True)
    refused = client.post(page.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})
    assert refused.status_code == 200 and "密码" in refused.content.decode()
    hire.refresh_from_db()
    assert not hire.has_usable_password()


def test_a_second_invitation_retires_the_link_of_the_first(cast, client):
    hire = _new_hire(cast.org)
    _invite(client, hire, cast.lead)
    hire.email = "zhang.xiaoli@example.cn"
    hire.save()
    _invite(client, hire, cast.lead)
    first, second = mail.outbox
    assert second.to == ["zhang.xiaoli@example.cn"] and Invitation.objects.filter(user=hire).count() == 2
    client.logout()
    old = client.get(_link(first), follow=True)
    assert old.context["validlink"] is False and "链接已失效" in old.content.decode()
    new = client.get(_link(second), follow=True)
    assert new.context["validlink"] is True


def test_a_lead_of_another_region_gets_404_and_nothing_is_sent(cast, client):
    hire = _new_hire(cast.org)
    assert _invite(client, hire, cast.other_lead).status_code == 404
    response = client.post(reverse("invitations"), {"people": [hire.profile.pk]})
    assert response.status_code == 404
    assert mail.outbox == [] and not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["mentor", "supervisor", "regional_head", "trainee"])
def test_someone_who_is_not_a_lead_is_refused_403_even_inside_the_region(cast, client, who):
    hire = _new_hire(cast.org)
    assert _invite(client, hire, getattr(cast, who)).status_code == 403
    assert client.post(reverse("invitations"), {"people": [hire.profile.pk]}).status_code == 403
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_one_person_without_an_address_refuses_the_whole_batch_with_their_name(cast, client):
    with_address = _new_hire(cast.org)
    without = _new_hire(cast.org, "N0002", email="")
    client.force_login(cast.lead)
    response = client.post(reverse("invitations"), {"people": [with_address.profile.pk, without.profile.pk]},
                           follow=True)
    text = response.content.decode()
    assert "没有邮箱" in text and "N0002" not in [m.to for m in mail.outbox]
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_the_list_shows_the_leads_people_without_a_password_and_invites_the_ticked_ones(cast, client):
    mine = _new_hire(cast.org)
    _new_hire(cast.org, "S0001", region=cast.org.gz, email="south@example.cn")  # the other lead's
    client.force_login(cast.lead)
    page = client.get(reverse("invitations"))
    names = [p.user.username for p in page.context["page"].object_list]
    assert names == ["N0001"]  # not the cast (they have passwords), not the south's new hire
    client.post(reverse("invitations"), {"people": [mine.profile.pk]})
    assert [m.to for m in mail.outbox] == [["xiaoli@example.cn"]]
    assert client.get(reverse("invitations")).context["page"].object_list[0].last_invited is not None


def test_someone_who_already_set_a_password_is_not_invited(cast, client):
    hire = _new_hire(cast.org)
    hire.set_password("Already-1234")
    hire.save()
    response = _invite(client, hire, cast.lead)
    assert response.status_code == 302
    assert mail.outbox == [] and not Invitation.objects.exists()
    assert client.get(reverse("person", args=[hire.profile.pk])).context["awaits_invitation"] is False


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                   EMAIL_PORT=55901, EMAIL_TIMEOUT=5)
def test_a_mail_server_that_does_not_answer_leaves_no_invitation_recorded(cast, client):
    hire = _new_hire(cast.org)  # nothing listens on 55901: the real SMTP backend's connection is refused
    client.force_login(cast.lead)
    response = client.post(reverse("invite_person", args=[hire.profile.pk]), follow=True)
    assert "邮件发送失败" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_forgot_password_link_is_not_an_invitation(cast, client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    hire = _new_hire(cast.org)
    uid = urlsafe_base64_encode(force_bytes(hire.pk))
    response = client.get(reverse("invitation_accept", args=[uid, default_token_generator.make_token(hire)]))
    assert response.context["validlink"] is False


def test_the_leads_home_counts_people_without_a_password(cast, client):
    _new_hire(cast.org)
    client.force_login(cast.lead)
    text = client.get(reverse("home")).content.decode()
    assert reverse("invitations") in text and '<span class="badge">1</span>' in text


def test_the_person_page_offers_the_invitation_to_their_lead_only(cast, client):
    hire = _new_hire(cast.org)
    client.force_login(cast.lead)
    assert reverse("invite_person", args=[hire.profile.pk]) in client.get(reverse("person", args=[hire.profile.pk])
                                                                           ).content.decode()
    client.force_login(cast.supervisor)  # sees the person, may not invite
    assert reverse("invite_person", args=[hire.profile.pk]) not in client.get(
        reverse("person", args=[hire.profile.pk])).content.decode()


DIRECTORY = override_settings(AUTH_LDAP_SERVER_URI="ldap://127.0.0.1:55902")  # configured; never reached here


@DIRECTORY
def test_with_directory_login_the_list_shows_who_has_not_logged_in_and_offers_no_invitation(cast, client):
    waiting = _new_hire(cast.org)
    logged_in = _new_hire(cast.org, "N0002", email="xiaowang@example.cn")
    client.force_login(logged_in)  # through the directory: the roster account keeps no local password
    client.force_login(cast.lead)
    page = client.get(reverse("invitations"))
    names = {p.user.username for p in page.context["page"].object_list}
    assert "N0001" in names and "N0002" not in names
    text = page.content.decode()
    assert "无需邀请" in text and 'name="people"' not in text
    response = client.post(reverse("invitations"), {"people": [waiting.profile.pk]}, follow=True)
    assert "无需邀请" in response.content.decode()
    assert mail.outbox == [] and not Invitation.objects.exists()


@DIRECTORY
def test_with_directory_login_the_person_page_offers_no_invitation_and_a_post_sends_none(cast, client):
    hire = _new_hire(cast.org)
    client.force_login(cast.lead)
    page = client.get(reverse("person", args=[hire.profile.pk]))
    assert page.context["awaits_invitation"] is False
    assert reverse("invite_person", args=[hire.profile.pk]) not in page.content.decode()
    _invite(client, hire, cast.lead)
    assert mail.outbox == [] and not Invitation.objects.exists()


# --- 忘记密码 -----------------------------------------------------------------------------------------


def test_the_login_page_leads_to_forgot_password_in_chinese(client):
    login = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login and "忘记密码" in login
    page = client.get(reverse("password_reset")).content.decode()
    assert "忘记密码" in page and "邮箱" in page


def test_forgot_password_mails_a_one_time_link_that_sets_a_new_password(cast, client):
    cast.trainee.email = "liming@example.cn"
    cast.trainee.set_password("Old-pass-2026")
    cast.trainee.save()
    sent = client.post(reverse("password_reset"), {"email": "LiMing@example.cn"}, follow=True)
    assert "请查收邮件" in sent.content.decode()
    (message,) = mail.outbox
    assert message.to == ["liming@example.cn"] and "trainee" in message.body
    page = client.get(_link(message), follow=True)
    done = client.post(page.redirect_chain[-1][0], {"new_password1": "New-pass-2026", "new_password2": "New-pass-2026"},
                       follow=True)
    assert "密码已设置" in done.content.decode()
    assert _logs_in(client, "trainee", "New-pass-2026")
    client.logout()
    assert client.get(_link(message), follow=True).context["validlink"] is False


def test_forgot_password_for_an_unknown_address_says_the_same_and_sends_nothing(client, cast):
    sent = client.post(reverse("password_reset"), {"email": "nobody@example.cn"}, follow=True)
    assert "请查收邮件" in sent.content.decode()
    assert mail.outbox == []
