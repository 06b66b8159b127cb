"""Error pages are Chinese pages in the site frame (issue 16.6), not Django's bare English ones."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import path

from lms.urls import urlpatterns as site_urls


def _boom(request):
    raise RuntimeError("broken on purpose")


def _refuse_with_reason(request):
    from django.utils.translation import gettext as _

    raise PermissionDenied(_("Only the trainee's current mentor records care check-ins."))


urlpatterns = [path("boom/", _boom), path("refuse/", _refuse_with_reason), *site_urls]
handler400 = "lms.errors.bad_request"
handler403 = "lms.errors.permission_denied"
handler404 = "lms.errors.not_found"
handler500 = "lms.errors.server_error"


def _framed(html):
    return '<header class="site-header">' in html and 'href="/"' in html


def test_a_forbidden_page_is_chinese_in_the_site_frame(client, cast):
    client.force_login(cast.trainee)
    response = client.get("/cockpit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert _framed(html)
    assert '<html lang="zh-hans">' in html
    assert "无权" in html and "返回我的首页" in html
    assert "Forbidden" not in html
    assert "退出" in html  # the signed-in menu is there: the person can go on from here


@override_settings(ROOT_URLCONF=__name__)
def test_a_refusal_with_a_reason_says_why_in_chinese(client, cast):
    client.force_login(cast.trainee)
    response = client.get("/refuse/")
    assert response.status_code == 403
    assert "只有新员工的现任导师" in response.content.decode()


def test_a_missing_page_is_chinese_in_the_site_frame(client, cast):
    client.force_login(cast.trainee)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert _framed(html) and "页面不存在" in html and "Not Found" not in html


def test_a_missing_page_for_a_visitor_offers_the_login(client, db):
    response = client.get("/people/999999/no-such/")
    assert response.status_code == 404
    assert "登录" in response.content.decode()


def test_a_missing_page_follows_the_chosen_language(client, cast):
    client.force_login(cast.trainee)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html and '<html lang="en">' in html


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_chinese_in_the_site_frame(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.trainee)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert _framed(html) and "出错了" in html and "Server Error" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_the_server_error_page_falls_back_to_a_plain_page_when_the_frame_cannot_be_drawn(cast, monkeypatch):
    import lms.errors

    def broken_render(*args, **kwargs):
        raise RuntimeError("the frame is broken too")

    monkeypatch.setattr(lms.errors, "render", broken_render)
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "出错了" in html and "返回我的首页" in html


def test_a_stale_form_gives_the_chinese_csrf_page(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.trainee)
    response = client.post("/accounts/password/", {"old_password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert _framed(html) and "表单已过期" in html and "CSRF" not in html


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_every_error_template_is_translated(status, client, cast):
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    request = RequestFactory().get("/")
    request.user = cast.trainee
    with translation.override("zh-hans"):
        html = render_to_string(f"{status}.html", {}, request=request)
    assert str(status) in html
    assert "Page not found" not in html and "Something went wrong" not in html and "You may not" not in html
