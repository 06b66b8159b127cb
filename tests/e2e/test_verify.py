"""The public verification page on a phone and a desktop: status in colour, no sideways scrolling, a code
typed by hand, and a revoked certificate's PDF stamped 已撤销 (16.5)."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.e2e

CERTIFICATES = """
from certificates.models import Certificate

valid = Certificate.objects.filter(status="valid", holder__username="ji.xiangyun").first()
revoked = Certificate.objects.filter(status="revoked").first()
result = {"valid": valid.code, "valid_name": valid.holder_name, "revoked": revoked.code}
"""


def _no_sideways_scroll(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"page is {width[0]} px wide in a {width[1]} px window"


def test_the_public_checks_a_certificate_by_typing_its_code(page, site, step):
    codes = site.orm(CERTIFICATES)

    page.goto("/accounts/login/")
    page.get_by_role("link", name="按核验码核验证书").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("证书核验")
    page.get_by_label("核验码").fill(codes["valid"].lower().replace("-", " "))
    step("code-typed")
    page.get_by_role("button", name="核验").click()

    expect(page.get_by_text(codes["valid_name"], exact=True)).to_be_visible()
    label = page.locator(".status-label")
    expect(label).to_have_text("有效")
    expect(page.locator(".status-sentence")).to_contain_text("真实有效")
    # Retried until the stylesheet has applied (the result page may still be loading it under load).
    expect(page.locator(".status-icon")).to_have_css("background-color", "rgb(29, 122, 58)")
    _no_sideways_scroll(page)
    step("valid")

    page.goto(f"/certificates/verify/{codes['revoked']}/")
    expect(page.locator(".status-label")).to_have_text("已撤销")
    expect(page.locator(".status-icon")).to_have_css("background-color", "rgb(179, 38, 30)")
    expect(page.get_by_text("复核发现")).to_have_count(0)  # the revocation reason stays internal
    _no_sideways_scroll(page)
    step("revoked")

    href = page.get_by_role("link", name="下载 PDF（已加盖“已撤销”印记）").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "已撤销" in text and "REVOKED" in text

    page.goto("/certificates/verify/0000-0000-0000-0000/")
    expect(page.get_by_role("heading", level=1)).to_have_text("未找到证书")
    _no_sideways_scroll(page)
