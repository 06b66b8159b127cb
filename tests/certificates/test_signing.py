"""17.8 Every stored PDF carries the organisation's PAdES signature: it validates against the configured signing
certificate, and a copy with one byte changed does not."""

import pytest

from certificates import signing


def _stored(certificate):
    with certificate.pdf.open("rb") as fh:
        return fh.read()


def test_the_stored_pdf_validates_against_the_configured_signing_certificate(certified):
    intact, valid, status = signing.validate(_stored(certified.certificate))
    assert intact and valid
    signer_cert = status.signing_cert
    assert signer_cert.dump() == signing.signing_certificate().dump()


def test_a_copy_with_one_byte_of_its_text_changed_does_not_validate(certified):
    data = bytearray(_stored(certified.certificate))
    # The document's title (program · holder) in its metadata, covered by the signature.
    at = data.index(b"/Title") + 8
    data[at] ^= 0x01
    intact, valid, _status = signing.validate(bytes(data))
    assert not intact and not valid


def test_a_copy_with_one_byte_of_its_page_content_changed_does_not_validate(certified):
    data = bytearray(_stored(certified.certificate))
    # A byte inside the first content stream (the drawn page: the holder's name, the program, the dates).
    at = data.index(b"stream", data.index(b"/Length")) + 40
    data[at] ^= 0x01
    intact, valid, _status = signing.validate(bytes(data))
    assert not intact and not valid


def test_a_pdf_signed_with_another_key_does_not_validate_against_ours(certified, tmp_path, settings):
    from certificates.pdf import render_certificate

    ours = signing.signing_certificate()
    settings.CERTIFICATES_SIGNING_KEY = str(tmp_path / "key.pem")
    settings.CERTIFICATES_SIGNING_CERT = str(tmp_path / "cert.pem")
    forged = signing.sign_pdf(render_certificate(certified.certificate))
    assert signing.validate(forged)[1]  # valid against the forger's own certificate...
    intact, valid, _status = signing.validate(forged, trust_root=ours)
    assert intact and not valid  # ...but not against the organisation's


def test_production_refuses_to_sign_without_a_configured_key(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.CERTIFICATES_SIGNING_SELF_SIGNED = False
    settings.CERTIFICATES_SIGNING_KEY = str(tmp_path / "missing-key.pem")
    settings.CERTIFICATES_SIGNING_CERT = str(tmp_path / "missing-cert.pem")
    with pytest.raises(ImproperlyConfigured):
        signing.sign_pdf(b"%PDF-1.7")
