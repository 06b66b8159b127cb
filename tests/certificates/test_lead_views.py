"""The training lead's pages (others 403, outside the lead's scope 404), the zip of a cohort's PDFs, the export command."""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from certificates.models import Certificate, CohortArchive


def test_the_lead_lists_certificates_in_scope_with_filters(client, certified):
    client.force_login(certified.cast.lead)
    html = client.get("/certificates/").content.decode()
    assert "李明轩" in html and certified.certificate.code in html
    assert "李明轩" not in client.get("/certificates/?status=revoked").content.decode()
    assert "李明轩" in client.get("/certificates/?q=T0001").content.decode()


def test_a_lead_of_another_region_sees_neither_list_entry_nor_detail(client, certified):
    client.force_login(certified.cast.other_lead)
    assert "李明轩" not in client.get("/certificates/").content.decode()
    assert client.get(f"/certificates/{certified.certificate.pk}/").status_code == 404
    response = client.post(f"/certificates/{certified.certificate.pk}/revoke/", {"reason": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["trainee", "mentor", "supervisor"])
def test_people_who_are_not_leads_get_403(client, certified, who):
    client.force_login(getattr(certified.cast, who))
    assert client.get("/certificates/").status_code == 403
    assert client.get(f"/certificates/{certified.certificate.pk}/").status_code == 403


def test_revoking_from_the_page_needs_a_reason(client, certified):
    client.force_login(certified.cast.lead)
    response = client.post(f"/certificates/{certified.certificate.pk}/revoke/", {"reason": ""})
    assert response.status_code == 400
    assert "请填写原因" in response.content.decode()
    certified.certificate.refresh_from_db()
    assert certified.certificate.status == Certificate.Status.VALID
    client.post(f"/certificates/{certified.certificate.pk}/revoke/", {"reason": "离职"})
    certified.certificate.refresh_from_db()
    assert certified.certificate.status == Certificate.Status.REVOKED


def test_the_lead_issues_by_hand_from_the_person(client, world):
    client.force_login(world.cast.lead)
    profile = world.cast.trainee.profile
    response = client.post(f"/certificates/issue/{profile.pk}/",
                           {"program": world.program.pk, "reason": "外部认证", "override": "on"})
    certificate = Certificate.objects.get(holder=world.cast.trainee)
    assert response.status_code == 302
    assert certificate.kind == Certificate.Kind.MANUAL
    client.force_login(world.cast.other_lead)
    assert client.get(f"/certificates/issue/{profile.pk}/").status_code == 404


def test_the_cohort_zip_holds_the_stored_pdfs_and_reports_progress(client, certified):
    client.force_login(certified.cast.lead)
    response = client.post("/certificates/archives/")
    archive = CohortArchive.objects.get()
    assert response.status_code == 302
    status = client.get(f"/certificates/archives/{archive.pk}/?format=json").json()
    assert status == {"status": "done", "done": 1, "total": 1, "percent": 100}
    data = b"".join(client.get(f"/certificates/archives/{archive.pk}/download/").streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        (name,) = zf.namelist()
        with certified.certificate.pdf.open("rb") as fh:
            assert zf.read(name) == fh.read()
    client.force_login(certified.cast.other_lead)
    assert client.get(f"/certificates/archives/{archive.pk}/").status_code == 404


def test_export_certified_as_csv_and_xlsx(certified, tmp_path):
    out = tmp_path / "certified.csv"
    call_command("export_certified", "--format", "csv", "--output", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["employee_no", "name", "program", "issued_on", "expires_on", "status", "code", "verify_url"]
    code = certified.certificate.code
    assert rows[1][:3] == ["T0001", "李明轩", "客服新员工上岗认证"]
    assert rows[1][5:7] == ["valid", code]
    assert rows[1][7] == f"http://testserver/certificates/verify/{code}/"
    xlsx = tmp_path / "certified.xlsx"
    call_command("export_certified", "--format", "xlsx", "--output", str(xlsx))
    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[2]][6] == code


def test_the_holder_sees_download_and_share_link_on_the_home_page(client, certified):
    client.force_login(certified.cast.trainee)
    html = client.get("/").content.decode()
    assert certified.certificate.get_staff_download_path() in html
    assert f"http://testserver{certified.certificate.get_verify_path()}" in html


def test_the_person_page_has_a_certificates_section(client, certified):
    client.force_login(certified.cast.lead)
    html = client.get(f"/people/{certified.cast.trainee.profile.pk}/").content.decode()
    assert certified.certificate.code in html
