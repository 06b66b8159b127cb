"""Background work of the certificates app (django-tasks: immediate by default, a worker in production)."""

import hashlib
import io
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tasks import task

from .models import Certificate, CertificateEvent, CohortArchive


@task()
def render_certificate_pdf(certificate_id):
    """Render and store the PDF once; a second run (or a concurrent one) keeps the first stored file."""
    from .pdf import render_certificate

    certificate = Certificate.objects.get(pk=certificate_id)
    if certificate.pdf:
        return certificate.pdf_sha256
    data = render_certificate(certificate)
    sha = hashlib.sha256(data).hexdigest()
    name = default_storage.save(f"certificates/{certificate.issued_on:%Y}/{certificate.code}.pdf", ContentFile(data))
    claimed = Certificate.objects.filter(pk=certificate.pk, pdf="").update(pdf=name, pdf_sha256=sha)
    if not claimed:
        default_storage.delete(name)
        return Certificate.objects.get(pk=certificate.pk).pdf_sha256
    CertificateEvent.objects.create(certificate=certificate, action=CertificateEvent.Action.RENDERED,
                                    details={"sha256": sha})
    return sha


@task()
def certificates_daily():
    from .services import run_daily

    return run_daily()


@task()
def build_cohort_archive(archive_id):
    """Zip the stored PDFs of a cohort, updating progress as it goes (rendering any still missing)."""
    archive = CohortArchive.objects.get(pk=archive_id)
    CohortArchive.objects.filter(pk=archive.pk).update(status=CohortArchive.Status.RUNNING, done=0)
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for done, certificate in enumerate(Certificate.objects.filter(pk__in=archive.certificate_ids), 1):
                if not certificate.pdf:
                    render_certificate_pdf.call(certificate.pk)
                    certificate.refresh_from_db()
                with certificate.pdf.open("rb") as fh:
                    zf.writestr(f"{certificate.employee_no}-{certificate.holder_name}-{certificate.code}.pdf",
                                fh.read())
                CohortArchive.objects.filter(pk=archive.pk).update(done=done)
        archive.refresh_from_db()
        archive.file.save(f"cohort-{archive.pk}.zip", ContentFile(buffer.getvalue()), save=False)
        CohortArchive.objects.filter(pk=archive.pk).update(file=archive.file.name, status=CohortArchive.Status.DONE)
    except Exception:
        CohortArchive.objects.filter(pk=archive.pk).update(status=CohortArchive.Status.FAILED)
        raise
    return archive.pk
