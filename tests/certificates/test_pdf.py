"""The PDF: rendered once by the background task, stored with its SHA-256, every name legible."""

import hashlib
import io

from pypdf import PdfReader

from certificates.models import Certificate
from certificates.tasks import render_certificate_pdf

RARE_NAME = "𠮷祥云"  # 𠮷 is U+20BB7, CJK Extension B (outside the BMP)


def _pdf_bytes(certificate):
    with certificate.pdf.open("rb") as fh:
        return fh.read()


def _fonts(reader):
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            fonts.append((font["/BaseFont"], descriptor.get_object() if descriptor else None))
    return fonts


def test_the_pdf_shows_a_name_outside_the_bmp_and_the_code(world, complete):
    trainee = world.cast.trainee
    trainee.profile.name = RARE_NAME
    trainee.profile.save()
    complete(trainee, world.win_lesson)
    complete(trainee, world.hall_lesson)
    certificate = Certificate.objects.get(holder=trainee)
    assert certificate.pdf, "rendered by the task when the certificate was issued"
    reader = PdfReader(io.BytesIO(_pdf_bytes(certificate)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert RARE_NAME in text
    assert certificate.code in text
    assert "客服新员工上岗认证" in text
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # A4 landscape
    assert round(float(width) / 72 * 25.4) == 297


def test_every_font_in_the_pdf_is_embedded(certified):
    reader = PdfReader(io.BytesIO(_pdf_bytes(certified.certificate)))
    fonts = _fonts(reader)
    assert fonts
    for name, descriptor in fonts:
        assert descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
    assert any("CJK" in str(name) for name, _ in fonts), [str(n) for n, _ in fonts]


def test_the_stored_sha256_is_that_of_the_stored_bytes(certified):
    certificate = certified.certificate
    assert hashlib.sha256(_pdf_bytes(certificate)).hexdigest() == certificate.pdf_sha256


def test_rendering_again_keeps_the_stored_pdf(certified):
    certificate = certified.certificate
    before = (certificate.pdf.name, _pdf_bytes(certificate))
    certified.cast.trainee.profile.name = "别的名字"
    certified.cast.trainee.profile.save()
    render_certificate_pdf.call(certificate.pk)
    certificate.refresh_from_db()
    assert (certificate.pdf.name, _pdf_bytes(certificate)) == before


def test_the_document_carries_a_qr_code_of_the_verify_url_and_the_organisation(certified):
    import segno  # noqa: F401  (the QR library the template uses)
    from django.conf import settings

    from certificates.pdf import certificate_html, qr_data_uri

    html = certificate_html(certified.certificate)
    assert qr_data_uri(certified.certificate.get_verify_url()) in html
    assert settings.LMS_ORGANISATION_NAME in html and settings.LMS_ORGANISATION_NAME_EN in html
    assert 'src="data:image/svg+xml' in html  # the logo, embedded
