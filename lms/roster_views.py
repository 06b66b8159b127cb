"""Roster import screens for training leads: upload → preview → confirm (``lms.uploads``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import covered_region_ids, require_role
from .forms import RosterUploadForm
from .roles import Role
from .roster import RosterFileError, apply_plan, plan_import, template_workbook
from .uploads import StagedUpload

FLOW = StagedUpload(session_key="roster_import", folder="roster-imports")


def _import_scope(user):
    """Region ids a user may import into, ``None`` for everywhere; PermissionDenied otherwise."""
    require_role(user, Role.TRAINING_LEAD)
    return None if user.is_superuser else covered_region_ids(user, Role.TRAINING_LEAD)


def _page(request, form, plan=None, token=None):
    return render(request, "lms/roster_import.html", {"form": form, "plan": plan, "token": token})


@login_required
def roster_import(request):
    scope = _import_scope(request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = plan_import(data, upload.name, allowed_region_ids=scope, importer=request.user)
        except RosterFileError as exc:
            form.add_error("file", str(exc))
        else:
            return _page(request, form, plan, FLOW.keep(request, upload.name, data) if plan.ok else None)
    return _page(request, form)


@login_required
@require_POST
def roster_import_confirm(request):
    scope = _import_scope(request.user)
    staged = FLOW.pending(request)
    if staged is None:
        return FLOW.expired(request, "roster_import")
    # Check again: the organisation may have changed since the preview. The file stays for another try.
    plan = plan_import(staged.data, staged.filename, allowed_region_ids=scope, importer=request.user)
    if not plan.ok:
        return _page(request, RosterUploadForm(), plan)
    record = apply_plan(plan, user=request.user, filename=staged.filename)
    FLOW.discard(request, staged)
    messages.success(
        request,
        _("Roster imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
        % {"created": record.created, "updated": record.updated, "unchanged": record.unchanged},
    )
    return redirect("people")


@login_required
def roster_template(request):
    _import_scope(request.user)
    response = HttpResponse(
        template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response
