"""The certificate document: HTML/CSS rendered by WeasyPrint, once per certificate.

Fonts: the CSS names Noto Serif CJK SC first, then Noto Sans CJK SC and the
JP/TC faces as fallbacks (fonts-noto-cjk); WeasyPrint embeds the subset it
uses. Noto CJK covers CJK Extension B characters found in names (e.g. 𠮷
U+20BB7), which tests/certificates/test_pdf.py checks.
"""

import base64
import mimetypes
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation


def _data_uri(path):
    mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    return f"data:{mime};base64," + base64.b64encode(Path(path).read_bytes()).decode()


def organisation_logo():
    """The logo from ``LMS_ORGANISATION_LOGO`` (a static path or a file path) as a data URI, or ''."""
    name = getattr(settings, "LMS_ORGANISATION_LOGO", "")
    if not name:
        return ""
    path = name if Path(name).is_absolute() else finders.find(name)
    return _data_uri(path) if path and Path(path).exists() else ""


def qr_data_uri(url):
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)


def certificate_html(certificate):
    verify_url = certificate.get_verify_url()
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "certificates/certificate_pdf.html",
            {
                "certificate": certificate,
                "verify_url": verify_url,
                "qr": qr_data_uri(verify_url),
                "logo": organisation_logo(),
                "organisation": settings.LMS_ORGANISATION_NAME,
                "organisation_en": settings.LMS_ORGANISATION_NAME_EN,
            },
        )


def render_certificate(certificate):
    """PDF bytes of ``certificate`` (A4 landscape, fonts embedded)."""
    from weasyprint import HTML

    return HTML(string=certificate_html(certificate), base_url=str(settings.BASE_DIR)).write_pdf()
