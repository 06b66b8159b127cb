"""The certificate document: HTML/CSS rendered by WeasyPrint, signed by the organisation (PAdES).

Speed (issue 18.3, measured by ``make bench``): the page uses one font face (no bold
or monospace faces), so WeasyPrint subsets one CJK font per PDF instead of three;
that face is ``CertificateSerif``, Noto Serif CJK SC cut down once to the characters
certificates print (``certificates/fonts.py``), so subsetting it is several times
cheaper than subsetting the full collection; the fontconfig set-up is made once per
thread and reused; the QR code is a PNG with a fixed mask (an SVG is laid out path
by path). Each PDF still embeds the subset of every font it uses and gives back its
text.

Fonts, in order: CertificateSerif, Noto Serif CJK SC (fonts-noto-cjk) for name
characters outside GB 2312, then the Hanazono faces HanaMinA/B (fonts-hanazono) for
characters of CJK Extensions B–F that Noto CJK does not cover
(tests/certificates/test_pdf.py rasterises such names).
"""

import base64
import io
import mimetypes
import threading
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

_local = threading.local()


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
    """The QR code of ``url`` as a PNG data URI (4 px modules: crisp at 32 mm)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", mask=0, boost_error=False).save(buffer, kind="png", scale=8, border=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _font_url():
    from .fonts import certificate_font

    path = certificate_font()
    return path.as_uri() if path else ""


def certificate_html(certificate, *, revoked=False):
    verify_url = certificate.get_verify_url()
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "certificates/certificate_pdf.html",
            {
                "certificate": certificate,
                "revoked": revoked,
                "verify_url": verify_url,
                "qr": qr_data_uri(verify_url),
                "logo": organisation_logo(),
                "organisation": settings.LMS_ORGANISATION_NAME,
                "organisation_en": settings.LMS_ORGANISATION_NAME_EN,
                "font_url": _font_url(),
            },
        )


def _font_config():
    """One fontconfig set-up per thread, reused by every render of that thread."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return _local.font_config


def render_certificate(certificate, *, revoked=False):
    """PDF bytes of ``certificate`` (A4 landscape, fonts embedded), not yet signed."""
    from weasyprint import HTML

    html = HTML(string=certificate_html(certificate, revoked=revoked), base_url=str(settings.BASE_DIR))
    return html.write_pdf(font_config=_font_config())


def signed_certificate_pdf(certificate, *, revoked=False):
    """The document as stored: rendered, then signed by the organisation."""
    from .signing import sign_pdf

    reason = f"{certificate.program_name} · {certificate.code}" + (" · 已撤销" if revoked else "")
    return sign_pdf(render_certificate(certificate, revoked=revoked), reason=reason)
