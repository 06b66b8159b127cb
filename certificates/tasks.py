"""Background work of the certificates app (django-tasks: immediate by default, workers in production)."""

import hashlib
import io
import re
import zipfile

from django.core.files.base import ContentFile
from django_tasks import task

from .models import Certificate, CertificateEvent, CohortArchive, private_name, private_storage


def store_pdf(certificate, *, revoked=False):
    """Render, sign and store the document once; a concurrent or repeated run keeps the first stored file.

    The file gets an unguessable name in the private storage. Returns the SHA-256 of the stored original
    (or of the stamped copy when ``revoked``).
    """
    from .pdf import signed_certificate_pdf

    field = "revoked_pdf" if revoked else "pdf"
    if getattr(certificate, field):
        return certificate.pdf_sha256 if not revoked else None
    data = signed_certificate_pdf(certificate, revoked=revoked)
    sha = hashlib.sha256(data).hexdigest()
    storage = private_storage()
    name = storage.save(private_name("certificates", "pdf"), ContentFile(data))
    values = {field: name} if revoked else {field: name, "pdf_sha256": sha}
    claimed = Certificate.objects.filter(pk=certificate.pk, **{field: ""}).update(**values)
    if not claimed:
        storage.delete(name)
        return Certificate.objects.get(pk=certificate.pk).pdf_sha256
    setattr(certificate, field, name)
    if not revoked:
        certificate.pdf_sha256 = sha
    CertificateEvent.objects.create(certificate=certificate, action=CertificateEvent.Action.RENDERED,
                                    details={"sha256": sha, "stamped_revoked": revoked})
    return sha


@task()
def render_certificate_pdf(certificate_id):
    """Render, sign and store the PDF once (see ``store_pdf``)."""
    return store_pdf(Certificate.objects.get(pk=certificate_id))


@task()
def stamp_revoked_pdf(certificate_id):
    """The revoked certificate's document again, stamped 已撤销 and signed: what is served from now on."""
    certificate = Certificate.objects.get(pk=certificate_id)
    if certificate.status != Certificate.Status.REVOKED:
        return None
    store_pdf(certificate, revoked=True)
    return certificate.pk


@task()
def process_bulk_batch(run_id):
    """One batch of a bulk run (``certificates.bulk``): several workers run these side by side."""
    from .bulk import process_batch

    return process_batch(run_id)


@task()
def certificates_daily():
    from .services import run_daily

    return run_daily()


def _safe_part(text):
    """Only letters, digits, '-' and '_' (ASCII), at most 40: no path separators, dots or control characters."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(text))[:40].strip("_") or "x"


def archive_entry_name(certificate):
    """A zip entry name from safe parts only (employee number, code), never from the holder's name."""
    return f"{_safe_part(certificate.employee_no)}-{_safe_part(certificate.code)}.pdf"


def served_bytes(certificate):
    """The bytes anyone is handed for ``certificate``: the original, or once revoked the stamped copy."""
    if certificate.status == Certificate.Status.REVOKED and not certificate.revoked_pdf:
        stamp_revoked_pdf.call(certificate.pk)
        certificate.refresh_from_db()
    elif not certificate.pdf:
        render_certificate_pdf.call(certificate.pk)
        certificate.refresh_from_db()
    with certificate.served_pdf().open("rb") as fh:
        return fh.read()


@task()
def build_cohort_archive(archive_id):
    """Zip the stored PDFs of a cohort, updating progress as it goes (rendering any still missing)."""
    archive = CohortArchive.objects.get(pk=archive_id)
    CohortArchive.objects.filter(pk=archive.pk).update(status=CohortArchive.Status.RUNNING, done=0)
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for done, certificate in enumerate(Certificate.objects.filter(pk__in=archive.certificate_ids), 1):
                zf.writestr(archive_entry_name(certificate), served_bytes(certificate))
                CohortArchive.objects.filter(pk=archive.pk).update(done=done)
        archive.refresh_from_db()
        archive.file.save("cohort.zip", ContentFile(buffer.getvalue()), save=False)
        CohortArchive.objects.filter(pk=archive.pk).update(file=archive.file.name, status=CohortArchive.Status.DONE)
    except Exception:
        CohortArchive.objects.filter(pk=archive.pk).update(status=CohortArchive.Status.FAILED)
        raise
    return archive.pk
