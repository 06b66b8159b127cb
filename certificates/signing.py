"""The organisation's PAdES signature on every certificate PDF (pyHanko).

The key and certificate are PEM files named by ``CERTIFICATES_SIGNING_KEY`` and
``CERTIFICATES_SIGNING_CERT``. Development and tests (``CERTIFICATES_SIGNING_SELF_SIGNED``)
create a self-signed pair there on first use; production must configure the
organisation's own pair (``manage.py check --deploy`` says so when the files are missing).

A PDF reader validates the signature offline: any change to the signed bytes
breaks it. ``validate`` is what the tests (and anyone with pyHanko) use.
"""

import datetime
import fcntl
import functools
import io
import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_lock = threading.Lock()
SIGNATURE_BYTES = 16384  # room for the CMS signature container (certificate chain included)


def key_paths():
    return Path(settings.CERTIFICATES_SIGNING_KEY), Path(settings.CERTIFICATES_SIGNING_CERT)


def create_self_signed(key_path, cert_path, *, common_name=None, days=3650):
    """Write a new ECDSA P-256 key and a self-signed certificate for it (development and tests only).

    ECDSA: signing and loading the key take well under a millisecond (an RSA key is re-checked on each load).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, common_name or f"{settings.LMS_ORGANISATION_NAME}（开发用证书签名）"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.LMS_ORGANISATION_NAME),
    ])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_key, tmp_cert = key_path.with_suffix(".tmp-key"), cert_path.with_suffix(".tmp-cert")
    tmp_key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    tmp_key.chmod(0o600)
    tmp_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    tmp_key.replace(key_path)  # atomic: a concurrent process sees both files or neither
    tmp_cert.replace(cert_path)


def ensure_key_pair():
    """The configured pair's paths; created (self-signed) when allowed and missing."""
    key_path, cert_path = key_paths()
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    if not settings.CERTIFICATES_SIGNING_SELF_SIGNED:
        raise ImproperlyConfigured(
            "Certificate signing key or certificate missing: set CERTIFICATES_SIGNING_KEY and "
            f"CERTIFICATES_SIGNING_CERT to the organisation's PEM files (looked for {key_path} and {cert_path})."
        )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, open(key_path.parent / ".signing.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # other processes (test workers, task workers) wait for the one pair
        if not (key_path.exists() and cert_path.exists()):
            create_self_signed(key_path, cert_path)
    return key_path, cert_path


@functools.lru_cache(maxsize=4)
def _signer(key_path, cert_path, mtime):
    from pyhanko.sign import signers

    password = settings.CERTIFICATES_SIGNING_KEY_PASSWORD.encode() or None
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path), key_passphrase=password)
    if signer is None:
        raise ImproperlyConfigured(f"Cannot load the certificate signing key {key_path} / {cert_path}.")
    return signer


def signer():
    key_path, cert_path = ensure_key_pair()
    return _signer(str(key_path), str(cert_path), (key_path.stat().st_mtime, cert_path.stat().st_mtime))


def signing_certificate():
    """The configured signing certificate (asn1crypto), e.g. as the trust root to validate against."""
    from pyhanko.keys import load_cert_from_pemder

    _key, cert_path = ensure_key_pair()
    return load_cert_from_pemder(str(cert_path))


def sign_pdf(data, *, reason="", location=""):
    """``data`` (PDF bytes) with the organisation's PAdES signature appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    organisation = signer()  # first: a missing key is a configuration error, whatever the document
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(
        field_name="OrganisationSignature", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason or None, location=location or None, name=settings.LMS_ORGANISATION_NAME,
    )
    # A fixed reservation for the CMS container: pyHanko otherwise signs twice to measure it.
    return signers.sign_pdf(writer, meta, signer=organisation, bytes_reserved=SIGNATURE_BYTES).getvalue()


def validate(data, trust_root=None):
    """pyHanko's verdict on the first signature of ``data``: (intact, valid, status) against ``trust_root``
    (the configured signing certificate by default)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if not reader.embedded_signatures:
        return False, False, None
    context = ValidationContext(trust_roots=[trust_root or signing_certificate()])
    status = validate_pdf_signature(reader.embedded_signatures[0], context)
    return status.intact, status.valid and status.bottom_line, status
