"""The public verification page and download: status, SHA-256 of the served bytes, 404s, throttling."""

import hashlib
import re

import pytest
from django.test import override_settings

from certificates.models import Certificate
from certificates.services import revoke


def _generic(response):
    """The page without what varies per request (CSRF token, the path in the language switcher)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return html.replace(response.wsgi_request.path, "")


def _download(client, certificate):
    response = client.get(certificate.get_download_path())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_anyone_can_verify_a_valid_certificate(client, certified):
    certificate = certified.certificate
    html = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "李明轩" in html
    assert "客服新员工上岗认证" in html
    assert "有效" in html
    assert certificate.issued_on.strftime("%Y-%m-%d") in html
    assert certificate.expires_on.strftime("%Y-%m-%d") in html


def test_the_page_shows_the_sha256_of_the_bytes_its_link_serves(client, certified):
    certificate = certified.certificate
    html = client.get(certificate.get_verify_path()).content.decode()
    first, second = _download(client, certificate), _download(client, certificate)
    assert first == second
    assert hashlib.sha256(first).hexdigest() in html
    assert certificate.get_download_path() in html


def test_a_code_typed_in_lower_case_without_dashes_is_found(client, certified):
    code = certified.certificate.code.lower().replace("-", "")
    assert client.get(f"/certificates/verify/{code}/").status_code == 200


def test_a_revoked_certificate_shows_the_status_but_not_the_reason(client, certified):
    revoke(certified.certificate, by=certified.cast.lead, reason="考核作弊")
    html = client.get(certified.certificate.get_verify_path()).content.decode()
    assert "已撤销" in html and "status-revoked" in html
    assert "考核作弊" not in html
    assert "有效" not in html.split("已撤销")[0].split("<main")[-1]


@pytest.mark.parametrize("status, label", [("valid", "有效"), ("expired", "已过期"), ("revoked", "已撤销"),
                                           ("superseded", "已被取代")])
def test_each_status_has_its_colour_icon_and_sentence(client, certified, status, label):
    Certificate.objects.filter(pk=certified.certificate.pk).update(status=status)
    html = client.get(certified.certificate.get_verify_path()).content.decode()
    assert f"status-{status}" in html and 'class="status-icon"' in html
    assert f'<p class="status-label">{label}</p>' in html
    assert html.count('class="status-sentence"') == 1


def test_a_code_can_be_typed_by_hand(client, certified):
    code = certified.certificate.code
    response = client.get("/certificates/verify/", {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response["Location"] == certified.certificate.get_verify_path()
    form = client.get("/certificates/verify/", {"code": "12"})
    assert form.status_code == 200 and "16" in form.content.decode()
    assert "/certificates/verify/" in client.get("/accounts/login/").content.decode()
    assert 'href="/certificates/verify/"' in client.get(certified.certificate.get_verify_path()).content.decode()


def test_an_unknown_code_is_a_404_that_reveals_nothing(client, certified):
    unknown = client.get("/certificates/verify/0000-0000-0000-0000/")
    malformed = client.get("/certificates/verify/hello/")
    pdf = client.get("/certificates/verify/0000-0000-0000-0000/pdf/")
    assert unknown.status_code == malformed.status_code == pdf.status_code == 404
    assert _generic(unknown) == _generic(malformed)
    assert unknown["Content-Type"] == malformed["Content-Type"]
    assert _generic(pdf).replace("/pdf", "") == _generic(unknown)
    assert "李明轩" not in unknown.content.decode()


@override_settings(CERTIFICATES_VERIFY_RATE=(5, 600))
def test_guessing_codes_is_throttled_per_address(client, certified):
    statuses = [client.get(f"/certificates/verify/0000-0000-0000-000{n}/").status_code for n in range(5)]
    assert statuses == [404] * 5
    assert client.get(certified.certificate.get_verify_path()).status_code == 429
    other = client.get(certified.certificate.get_verify_path(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


@override_settings(CERTIFICATES_VERIFY_RATE=(2, 600))
def test_staff_signed_in_are_not_throttled(client, certified):
    client.force_login(certified.cast.lead)
    statuses = {client.get(certified.certificate.get_verify_path()).status_code for _ in range(5)}
    assert statuses == {200}
    client.logout()
    assert [client.get(certified.certificate.get_verify_path()).status_code for _ in range(3)] == [200, 200, 429]
