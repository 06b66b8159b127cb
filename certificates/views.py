"""Public verification and download, the holder's refreshers, and the training lead's pages.

Every lead page goes through ``Certificate.objects.visible_to`` (lms.access
scope): a certificate outside it is a 404. PDFs and zips live in the private
storage and are handed out only here: the public route serves the single
certificate of its code (stamped 已撤销 once revoked); people inside the app
download through ``certificate_pdf``, which checks who they are and is not
throttled.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.access import get_profile_or_404, require_role
from lms.roles import Role
from lms.throttle import over_limit

from . import services
from .filters import CertificateFilter
from .forms import BulkRunForm, IssueForm, ReasonForm, VerifyLookupForm
from .models import BulkRun, Certificate, CohortArchive, Program, Refresher, normalise_code
from .tasks import served_bytes

PAGE_SIZE = 25


def _throttled(request):
    """Lookups per client address, counted by every worker and server together (lms.throttle)."""
    limit, window = settings.CERTIFICATES_VERIFY_RATE
    return over_limit("certificates:verify", request, limit=limit, window=window)


def _exempt(request):
    """People signed in to the app (staff) are not throttled on the public pages."""
    return request.user.is_authenticated


def _not_found(request):
    """The one answer for an unknown and for a malformed code: the same page, the same status."""
    return render(request, "certificates/verify_not_found.html", {"form": VerifyLookupForm()}, status=404)


def _public_certificate(request, code):
    """(certificate, None) or (None, the response to send: 429 throttled, 404 unknown or malformed)."""
    if not _exempt(request) and _throttled(request):
        return None, _too_many(request)
    normalised = normalise_code(code)
    certificate = (Certificate.objects.select_related("superseded_by").filter(code=normalised).first()
                   if normalised else None)
    if certificate is None:
        return None, _not_found(request)
    return certificate, None


def _too_many(request):
    response = render(request, "certificates/throttled.html", status=429)
    response["Retry-After"] = str(settings.CERTIFICATES_VERIFY_RATE[1])
    return response


def verify(request, code):
    """Public: what the certificate with this code says and its status (never the revocation reason)."""
    certificate, refusal = _public_certificate(request, code)
    if refusal:
        return refusal
    return render(request, "certificates/verify.html", {"certificate": certificate})


def verify_lookup(request):
    """Public: type a code by hand (linked from the verify page and the login page)."""
    form = VerifyLookupForm(request.GET or None)
    if form.is_valid():
        code = normalise_code(form.cleaned_data["code"])
        if code is None:
            form.add_error("code", _("A verification code has 16 letters and digits, e.g. ABCD-EFGH-JKMN-PQRS."))
        else:
            return redirect("certificates:verify", code)
    return render(request, "certificates/verify_lookup.html", {"form": form})


def _pdf_response(certificate, *, disposition="inline"):
    response = HttpResponse(served_bytes(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="certificate-{certificate.code}.pdf"'
    if certificate.status != Certificate.Status.REVOKED:
        response["X-Content-SHA256"] = certificate.pdf_sha256
    response["Cache-Control"] = "private, no-store"
    return response


def download(request, code):
    """Public: the stored, signed PDF of this one code, exactly as issued — or, once revoked, only the copy
    stamped 已撤销."""
    certificate, refusal = _public_certificate(request, code)
    if refusal:
        return refusal
    return _pdf_response(certificate)


@login_required
def certificate_pdf(request, pk):
    """Inside the app: the holder's own certificate, or one in a training lead's scope (not throttled)."""
    certificate = Certificate.objects.filter(pk=pk).first()
    if certificate is None or not (certificate.holder_id == request.user.pk or (
            services.can_lead(request.user) and _visible(request).filter(pk=pk).exists())):
        raise Http404
    return _pdf_response(certificate, disposition="attachment")


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
    """Issue by hand for one person in the lead's scope, with a reason; unmet requirements are listed and
    can only be waived by an explicit, recorded override (经特批豁免)."""
    _require_lead(request)
    profile = get_profile_or_404(request.user, person_pk)
    form = IssueForm(request.POST or None, initial={"program": request.GET.get("program")})
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.issue_manually(holder=profile.user, program=form.cleaned_data["program"],
                                                  by=request.user, reason=form.cleaned_data["reason"],
                                                  override=form.cleaned_data["override"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            form.add_error("override" if getattr(error, "code", "") == "unmet" else None, error)
        else:
            messages.success(request, _("The certificate is issued as an override.") if certificate.is_override
                             else _("The certificate is issued."))
            return redirect("certificates:detail", certificate.pk)
    checks = [(program, services.unmet_requirements(profile.user, program))
              for program in Program.objects.filter(active=True)]
    return render(request, "certificates/issue.html", {"person": profile, "form": form, "checks": checks})


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
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def bulk_runs(request):
    """Start a bulk issue or re-issue of a program (worked off by the task workers) and list the lead's runs."""
    from .bulk import start_bulk_run

    _require_lead(request)
    form = BulkRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = start_bulk_run(program=form.cleaned_data["program"], kind=form.cleaned_data["kind"],
                                 by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The bulk run has started; you can leave this page and come back."))
            return redirect("certificates:bulk_run", run.pk)
    runs = Paginator(BulkRun.objects.filter(requested_by=request.user).select_related("program"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/bulk_runs.html", {"form": form, "page": runs},
                  status=400 if request.method == "POST" else 200)


@login_required
def bulk_run(request, pk):
    """The progress of one bulk run (done / total, errors), refreshed while it runs; JSON with ?format=json."""
    _require_lead(request)
    run = get_object_or_404(BulkRun.objects.select_related("program"), pk=pk, requested_by=request.user)
    progress = run.progress()
    if request.GET.get("format") == "json":
        return JsonResponse(progress)
    errors = run.items.filter(state="failed").select_related("holder__profile")[:50]
    return render(request, "certificates/bulk_run.html", {"run": run, "progress": progress, "errors": errors})


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


