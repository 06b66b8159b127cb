"""Public verification and download, the holder's refreshers, and the training lead's pages.

Every lead page goes through ``Certificate.objects.visible_to`` (lms.access
scope): a certificate outside it is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.access import get_profile_or_404, require_role
from lms.roles import Role
from lms.throttle import over_limit

from . import services
from .filters import CertificateFilter
from .forms import IssueForm, ReasonForm
from .models import Certificate, CohortArchive, Refresher, normalise_code

PAGE_SIZE = 25


def _throttled(request):
    """Lookups per client address, counted by every worker and server together (lms.throttle)."""
    limit, window = settings.CERTIFICATES_VERIFY_RATE
    return over_limit("certificates:verify", request, limit=limit, window=window)


def _public_certificate(request, code):
    if _throttled(request):
        return None
    normalised = normalise_code(code)
    if normalised is None:
        raise Http404
    return get_object_or_404(Certificate.objects.select_related("program", "superseded_by"), code=normalised)


def _too_many(request):
    response = render(request, "certificates/throttled.html", status=429)
    response["Retry-After"] = str(settings.CERTIFICATES_VERIFY_RATE[1])
    return response


def verify(request, code):
    """Public: what the certificate with this code says and its status; unknown codes are a plain 404."""
    certificate = _public_certificate(request, code)
    if certificate is None:
        return _too_many(request)
    return render(request, "certificates/verify.html", {"certificate": certificate})


def download(request, code):
    """Public: the stored PDF bytes, exactly as rendered at issue time (never re-rendered)."""
    certificate = _public_certificate(request, code)
    if certificate is None:
        return _too_many(request)
    if not certificate.pdf:
        raise Http404
    response = FileResponse(certificate.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    response["X-Content-SHA256"] = certificate.pdf_sha256
    return response


# --- The holder ---------------------------------------------------------------------


@login_required
@require_POST
def refresher_done(request, pk):
    refresher = get_object_or_404(Refresher, pk=pk, holder=request.user)
    try:
        services.complete_refresher(refresher, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Refresher done."))
    return redirect("home")


# --- The training lead ----------------------------------------------------------------


def _require_lead(request):
    require_role(request.user, Role.TRAINING_LEAD)


def _visible(request):
    return Certificate.objects.visible_to(request.user).select_related("program")


def _lead_certificate(request, pk):
    _require_lead(request)
    return get_object_or_404(_visible(request), pk=pk)


def _filtered(request):
    return CertificateFilter(request.GET or None, queryset=_visible(request).order_by("-issued_on", "-id"),
                             request=request)


@login_required
def certificate_list(request):
    _require_lead(request)
    filterset = _filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    archives = CohortArchive.objects.filter(requested_by=request.user)[:5]
    return render(request, "certificates/list.html", {"filter": filterset, "page": page, "archives": archives})


@login_required
def certificate_detail(request, pk):
    certificate = _lead_certificate(request, pk)
    return render(request, "certificates/detail.html", {
        "certificate": certificate,
        "events": certificate.events.select_related("actor__profile"),
        "revoke_form": ReasonForm(),
        "reissue_form": ReasonForm(),
    })


def _reason_action(request, pk, action, success):
    certificate = _lead_certificate(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            result = action(certificate, by=request.user, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect("certificates:detail", result.pk)
    return render(request, "certificates/reason_form.html", {"certificate": certificate, "form": form}, status=400)


@login_required
@require_POST
def certificate_revoke(request, pk):
    return _reason_action(request, pk, services.revoke, _("The certificate is revoked."))


@login_required
@require_POST
def certificate_reissue(request, pk):
    return _reason_action(request, pk, services.reissue, _("A new certificate is issued; the old one is superseded."))


@login_required
def certificate_issue(request, person_pk):
    """Issue by hand for one person in the lead's scope, with a reason."""
    _require_lead(request)
    profile = get_profile_or_404(request.user, person_pk)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.issue_manually(holder=profile.user, program=form.cleaned_data["program"],
                                                  by=request.user, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The certificate is issued."))
            return redirect("certificates:detail", certificate.pk)
    return render(request, "certificates/issue.html", {"person": profile, "form": form})


@login_required
@require_POST
def cohort_archive(request):
    """Start building a zip of the filtered certificates' PDFs in the background."""
    from .tasks import build_cohort_archive

    _require_lead(request)
    ids = list(_filtered(request).qs.values_list("pk", flat=True)[:2000])
    archive = CohortArchive.objects.create(requested_by=request.user, certificate_ids=ids, total=len(ids))
    build_cohort_archive.enqueue(archive.pk)
    return redirect("certificates:archive", archive.pk)


@login_required
def archive_status(request, pk):
    _require_lead(request)
    archive = get_object_or_404(CohortArchive, pk=pk, requested_by=request.user)
    if request.GET.get("format") == "json":
        return JsonResponse({"status": archive.status, "done": archive.done, "total": archive.total,
                             "percent": archive.percent})
    return render(request, "certificates/archive.html", {"archive": archive})


@login_required
def archive_download(request, pk):
    _require_lead(request)
    archive = get_object_or_404(CohortArchive, pk=pk, requested_by=request.user, status=CohortArchive.Status.DONE)
    response = FileResponse(archive.file.open("rb"), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="certificates-{archive.pk}.zip"'
    return response


@login_required
def refreshers_outstanding(request):
    """Who has not yet done the refresher of a material revision (the lead's view)."""
    _require_lead(request)
    from lms.access import visible_profiles

    users = visible_profiles(request.user).values("user")
    rows = (Refresher.objects.filter(holder__in=users, completed_at__isnull=True)
            .select_related("holder__profile", "lesson", "quiz").order_by("due_on", "id"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/refreshers.html", {"page": page})


