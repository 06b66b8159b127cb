"""Training lead: the last skill assessment completes a program, the certificate is issued, verified and downloaded."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

TRAINEE = "huang.siyuan"  # a probation trainee in the demo lead's region, mentored by someone else (demo data)

# The program this trainee is one skill assessment away from: it asks for that one skill only.
PREPARE = f"""
from django.contrib.auth import get_user_model
from certificates.models import Certificate, Program
from mentorship.forms import active_skills

trainee = get_user_model().objects.get(username="{TRAINEE}")
skill = active_skills().first()
program, _ = Program.objects.get_or_create(
    code="E2E-HOME-SERVICE", defaults={{"name": "上门服务认证", "name_en": "Home service certificate",
                                        "min_ride_alongs": 0, "checklist_required": False}})
program.required_skills.set([skill])
assert not Certificate.objects.filter(holder=trainee, program=program).exists()
result = {{"trainee": trainee.pk, "skill": skill.pk, "program": program.pk}}
"""

ISSUED = """
from certificates.models import Certificate

certificate = Certificate.objects.get(holder_id={trainee}, program_id={program})
result = {{"pk": certificate.pk, "verify_url": certificate.get_verify_url(), "holder": certificate.holder_name}}
"""


def test_lead_assesses_the_last_skill_and_the_certificate_is_issued_verified_and_downloaded(page, site, login, step):
    ids = site.orm(PREPARE)

    login("demo-lead")
    page.goto("/mentorship/skills/assess/")
    expect(page.get_by_role("heading", level=1)).to_have_text("考核新员工技能")
    page.locator("#id_trainee").select_option(str(ids["trainee"]))  # the assessment form (the page also has a look-up)
    page.get_by_label("技能").select_option(str(ids["skill"]))
    page.get_by_label("已掌握").check()
    page.get_by_label("得分").fill("92")
    step("assessment-form")
    page.get_by_role("button", name="记录考核结果").click()
    expect(page.get_by_text("考核已记录。")).to_be_visible()
    step("assessed")

    certificate = site.orm(ISSUED.format(**ids))
    page.goto(f"/certificates/{certificate['pk']}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("上门服务认证")
    expect(page.get_by_role("link", name="下载 PDF")).to_be_visible()
    step("certificate")

    # The QR code on the certificate encodes this absolute URL.
    assert certificate["verify_url"].startswith(site.url)
    page.goto(certificate["verify_url"])
    expect(page.get_by_role("heading", level=1)).to_have_text("证书核验")
    expect(page.get_by_text(certificate["holder"], exact=True)).to_be_visible()
    expect(page.locator(".status-label")).to_have_text("有效")
    step("verified")

    download = page.get_by_role("link", name="下载 PDF")
    response = page.request.get(download.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:5] == b"%PDF-"
