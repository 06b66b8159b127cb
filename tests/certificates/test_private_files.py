"""17.3 Private files: PDFs and zips in the private storage under unguessable names, served only through views
that check access; zip entry names from safe parts only."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from pypdf import PdfReader

from certificates.models import Certificate, CohortArchive
from certificates.services import revoke


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_pdf_is_stored_privately_under_an_unguessable_name(certified):
    certificate = certified.certificate
    path = Path(certificate.pdf.path)
    assert path.is_file()
    assert Path(settings.PRIVATE_ROOT) in path.parents
    assert Path(settings.MEDIA_ROOT) not in path.parents
    assert certificate.code not in certificate.pdf.name and path.stem != str(certificate.pk)
    assert len(path.stem) >= 32
    with pytest.raises(NotImplementedError):
        certificate.pdf.url  # no URL to hand out: only views serve it


def test_the_cohort_zip_needs_access_and_has_an_unguessable_name(client, certified):
    client.force_login(certified.cast.lead)
    client.post("/certificates/archives/")
    archive = CohortArchive.objects.get()
    assert f"cohort-{archive.pk}" not in archive.file.name
    assert Path(settings.PRIVATE_ROOT) in Path(archive.file.path).parents
    url = f"/certificates/archives/{archive.pk}/download/"
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(certified.cast.other_lead)
    assert client.get(url).status_code == 404
    client.force_login(certified.cast.trainee)
    assert client.get(url).status_code == 403


def test_zip_entries_are_built_from_safe_parts_only(client, world, complete):
    trainee = world.cast.trainee
    trainee.profile.name = "../../../../tmp/pwn"
    trainee.profile.employee_no = "../T0001"
    trainee.profile.save()
    complete(trainee, world.win_lesson)
    complete(trainee, world.hall_lesson)
    certificate = Certificate.objects.get(holder=trainee)
    client.force_login(world.cast.lead)
    client.post("/certificates/archives/")
    archive = CohortArchive.objects.get()
    data = _body(client.get(f"/certificates/archives/{archive.pk}/download/"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        (name,) = zf.namelist()
    assert name == f"T0001-{certificate.code}.pdf"
    assert "/" not in name and ".." not in name and "pwn" not in name


def test_the_holder_and_the_lead_download_inside_the_app_without_the_throttle(client, certified):
    certificate = certified.certificate
    url = certificate.get_staff_download_path()
    with override_settings(CERTIFICATES_VERIFY_RATE=(1, 600)):
        for who in ("trainee", "lead"):
            client.force_login(getattr(certified.cast, who))
            for _ in range(3):
                response = client.get(url)
                assert response.status_code == 200, who
        with certificate.pdf.open("rb") as fh:
            assert _body(response) == fh.read()
    for who in ("mentor", "other_lead", "other_trainee"):
        client.force_login(getattr(certified.cast, who))
        assert client.get(url).status_code == 404, who


def test_the_holders_home_links_the_in_app_download(client, certified):
    client.force_login(certified.cast.trainee)
    html = client.get("/").content.decode()
    assert certified.certificate.get_staff_download_path() in html
    assert certified.certificate.get_download_path() not in html


@pytest.mark.parametrize("route", ["public", "staff"])
def test_a_revoked_certificate_is_only_served_stamped(client, certified, django_capture_on_commit_callbacks, route):
    certificate = certified.certificate
    with certificate.pdf.open("rb") as fh:
        original = fh.read()
    with django_capture_on_commit_callbacks(execute=True):
        revoke(certificate, by=certified.cast.lead, reason="考核作弊")
    certificate.refresh_from_db()
    assert certificate.revoked_pdf
    if route == "staff":
        client.force_login(certified.cast.lead)
        url = certificate.get_staff_download_path()
    else:
        url = certificate.get_download_path()
    served = _body(client.get(url))
    assert served != original
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(served)).pages)
    assert "已撤销" in text and "REVOKED" in text
    assert certified.certificate.holder_name in text
