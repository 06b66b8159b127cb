"""Demo certificates go through the real issuing path and cover every status."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from certificates import demo
from certificates.models import Certificate

from .conftest import make_course


@pytest.mark.django_db
def test_the_demo_issues_real_certificates_idempotently(django_capture_on_commit_callbacks):
    make_course("WIN")
    make_course("FIRST")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())
    certificates = Certificate.objects.filter(program__code=demo.PROGRAM_CODE)
    assert certificates.count() == len(demo.HOLDERS)
    assert all(c.kind == Certificate.Kind.AUTOMATIC and c.pdf and c.pdf_sha256 for c in certificates)
    statuses = {c.holder.username: c.status for c in certificates}
    assert statuses[demo.REVOKED] == Certificate.Status.REVOKED
    assert statuses[demo.EXPIRED] == Certificate.Status.EXPIRED
    assert statuses["ji.xiangyun"] == Certificate.Status.VALID
    rare = certificates.get(holder__username="ji.xiangyun")
    with rare.pdf.open("rb") as fh:
        assert "𠮷祥云" in PdfReader(fh).pages[0].extract_text()


@pytest.mark.django_db
def test_without_the_standards_courses_the_demo_issues_nothing():
    call_command("load_demo", stdout=io.StringIO())
    assert not Certificate.objects.exists()
