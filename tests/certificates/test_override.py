"""17.2 Manual issue as an audited override: unmet requirements listed, waived only explicitly, recorded and shown."""

import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from certificates.models import Certificate, CertificateEvent
from certificates.services import issue_manually, reissue
from certificates.tasks import served_bytes


def _issue_url(world):
    return f"/certificates/issue/{world.cast.trainee.profile.pk}/"


def _text(certificate):
    reader = PdfReader(io.BytesIO(served_bytes(certificate)))
    return "".join(page.extract_text() for page in reader.pages)


def test_the_form_lists_each_unmet_requirement(client, world, complete):
    complete(world.cast.trainee, world.win_lesson)
    client.force_login(world.cast.lead)
    html = client.get(_issue_url(world)).content.decode()
    assert "课程HALL" in html  # unmet
    assert "1 项要求未满足" in html or "1 requirement is not met" in html
    assert "课程WIN" not in html.split("未满足")[1].split("</ul>")[0]  # met: not listed as unmet


def test_issuing_over_unmet_requirements_without_the_override_is_refused_and_saves_nothing(client, world):
    client.force_login(world.cast.lead)
    response = client.post(_issue_url(world), {"program": world.program.pk, "reason": "领导要求"})
    assert response.status_code == 200 and response.context["form"].errors
    assert "经特批豁免" in response.content.decode()
    assert not Certificate.objects.exists()


def test_the_override_needs_a_reason(client, world):
    client.force_login(world.cast.lead)
    response = client.post(_issue_url(world), {"program": world.program.pk, "reason": " ", "override": "on"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Certificate.objects.exists()


def test_the_override_is_recorded_with_what_was_waived_who_and_when(client, world, complete):
    complete(world.cast.trainee, world.win_lesson)
    client.force_login(world.cast.lead)
    response = client.post(_issue_url(world), {"program": world.program.pk, "reason": "外部同等认证",
                                               "override": "on"})
    certificate = Certificate.objects.get(holder=world.cast.trainee)
    assert response.status_code == 302
    assert certificate.is_override
    assert (certificate.override_by, certificate.issue_reason) == (world.cast.lead, "外部同等认证")
    assert certificate.override_at is not None
    assert [w["code"] for w in certificate.waived_requirements] == ["HALL"]
    assert [r["code"] for r in certificate.requirements_met] == ["WIN"]
    event = certificate.events.get(action=CertificateEvent.Action.ISSUED)
    assert event.details["override"] is True and event.details["waived"] == ["课程：课程HALL"]
    assert event.actor == world.cast.lead


@pytest.mark.parametrize("who, status", [("other_lead", 404), ("mentor", 403), ("trainee", 403),
                                         ("supervisor", 403)])
def test_nobody_but_the_lead_in_scope_can_override(client, world, who, status):
    client.force_login(getattr(world.cast, who))
    response = client.post(_issue_url(world), {"program": world.program.pk, "reason": "x", "override": "on"})
    assert response.status_code == status
    assert not Certificate.objects.exists()


def test_the_service_refuses_unmet_requirements_without_override(world):
    with pytest.raises(ValidationError):
        issue_manually(holder=world.cast.trainee, program=world.program, by=world.cast.lead, reason="x")
    assert not Certificate.objects.exists()


def test_the_pdf_says_what_was_waived_and_never_that_every_requirement_was_met(world, complete):
    complete(world.cast.trainee, world.win_lesson)
    certificate = issue_manually(holder=world.cast.trainee, program=world.program, by=world.cast.lead,
                                 reason="特批", override=True)
    text = _text(certificate)
    assert "经特批豁免" in text
    assert "课程HALL" in text.replace(" ", "")
    assert "已完成全部要求" not in text and "has met every requirement" not in text


def test_a_certificate_with_everything_met_keeps_the_usual_sentence(certified):
    text = _text(certified.certificate)
    assert "已完成全部要求" in text and "经特批豁免" not in text


def test_the_public_verify_page_shows_the_override(client, world):
    certificate = issue_manually(holder=world.cast.trainee, program=world.program, by=world.cast.lead,
                                 reason="内部原因不公开", override=True)
    html = client.get(certificate.get_verify_path()).content.decode()
    assert "经特批豁免" in html
    assert "课程WIN" in html and "课程HALL" in html
    assert "内部原因不公开" not in html


def test_the_lead_lists_the_overrides(client, certified):
    overridden = issue_manually(holder=certified.cast.mentor, program=certified.program, by=certified.cast.lead,
                                reason="特批", override=True)
    client.force_login(certified.cast.lead)
    html = client.get("/certificates/?override=yes").content.decode()
    assert overridden.code in html
    assert certified.certificate.code not in html  # met every requirement: not an override
    assert certified.certificate.code in client.get("/certificates/?override=no").content.decode()
    client.force_login(certified.cast.other_lead)
    assert overridden.code not in client.get("/certificates/?override=yes").content.decode()


def test_a_reissue_keeps_the_override_record(world):
    certificate = issue_manually(holder=world.cast.trainee, program=world.program, by=world.cast.lead,
                                 reason="特批", override=True)
    new = reissue(certificate, by=world.cast.lead, reason="姓名更正")
    assert new.is_override and new.waived_requirements == certificate.waived_requirements
    assert new.override_by == world.cast.lead
