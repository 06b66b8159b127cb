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
    assert any("CertificateSerif" in str(name) for name, _ in fonts), [str(n) for n, _ in fonts]


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


# Characters of CJK Extensions B to F that Noto CJK does not cover (checked below); real names use such
# characters, and without a fallback font they print as empty boxes.
BEYOND_NOTO = "𠀁𪜀𫝀𬺰"  # Extensions B, C, D, F
NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"


def _to_unicode(font):
    """glyph id → text, from the font's ToUnicode CMap (bfchar and bfrange entries)."""
    import re

    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for offset, gid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[gid] = bytes.fromhex(f"{start + offset:0{len(dst)}X}").decode("utf-16-be")
    return mapping


def _outline_glyphs(font):
    """The glyph ids of the embedded font program that have an outline (not empty, not .notdef)."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    if "/FontFile2" in descriptor:
        tt = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        glyf, order = tt["glyf"], tt.getGlyphOrder()
        return {gid for gid, name in enumerate(order) if gid and glyf[name].numberOfContours != 0}
    data = descriptor["/FontFile3"].get_object().get_data()
    if data[:4] == b"OTTO":
        from fontTools.ttLib import TTFont as OT

        cff = OT(io.BytesIO(data))["CFF "].cff
    else:
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(data), None)
    top = cff[cff.fontNames[0]]
    strings, charset = top.CharStrings, top.charset
    outlined = set()
    for gid, name in enumerate(charset):
        charstring = strings[name]
        charstring.decompile()
        if gid and any(op in ("rlineto", "rrcurveto", "hlineto", "vlineto", "rcurveline", "rlinecurve",
                              "vvcurveto", "hhcurveto", "vhcurveto", "hvcurveto") for op in charstring.program):
            outlined.add(gid)
    return outlined


def test_names_beyond_noto_cjk_print_with_the_fallback_font(world, complete, tmp_path):
    """17.9: no glyph of the name is missing (each maps to an outlined glyph of an embedded font), the page
    rasterises, and pdftotext and pypdf give the name back."""
    import shutil
    import subprocess

    from fontTools.ttLib import TTCollection

    noto = set()
    for face in TTCollection(NOTO_CJK).fonts:
        noto |= set(face.getBestCmap())
    assert not any(ord(ch) in noto for ch in BEYOND_NOTO), "the test needs characters Noto CJK lacks"

    trainee = world.cast.trainee
    trainee.profile.name = BEYOND_NOTO + "云"
    trainee.profile.save()
    complete(trainee, world.win_lesson)
    complete(trainee, world.hall_lesson)
    data = _pdf_bytes(Certificate.objects.get(holder=trainee))
    reader = PdfReader(io.BytesIO(data))

    printable = set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        outlined = _outline_glyphs(font)
        printable |= {text for gid, text in _to_unicode(font).items() if gid in outlined}
    missing = [ch for ch in BEYOND_NOTO + "云" if ch not in printable]
    assert not missing, f"no outlined glyph embedded for {missing}"

    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(data)
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "poppler-utils (Makefile SYSTEM_PACKAGES)"
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    assert png.stat().st_size > 1000
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert BEYOND_NOTO + "云" in text
    assert BEYOND_NOTO + "云" in reader.pages[0].extract_text()


def test_fontconfig_is_asked_for_the_source_font_once_per_process(monkeypatch):
    """Each render needs the certificate font's path; ``fc-match`` (a process of its own) runs only the first time."""
    import subprocess

    from certificates import fonts

    fonts.source_font.cache_clear()
    calls = []
    real_run = subprocess.run
    monkeypatch.setattr(fonts.subprocess, "run", lambda *args, **kwargs: calls.append(args) or real_run(*args, **kwargs))
    first, second = fonts.certificate_font(), fonts.certificate_font()
    assert first == second and first is not None and first.exists()
    assert len(calls) == 1
