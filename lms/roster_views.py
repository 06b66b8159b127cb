"""Roster import screens for training leads: upload → preview → confirm."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import covered_region_ids, require_role
from .forms import RosterUploadForm
from .roles import Role
from .roster import RosterFileError, apply_plan, plan_import, template_workbook

SESSION_KEY = "roster_import"


def _import_scope(user):
    """Region ids a user may import into, ``None`` for everywhere; PermissionDenied otherwise."""
    require_role(user, Role.TRAINING_LEAD)
    return None if user.is_superuser else covered_region_ids(user, Role.TRAINING_LEAD)


def _stored_path(token, filename):
    extension = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"roster-imports/{token}{extension}"


@login_required
def roster_import(request):
    scope = _import_scope(request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = plan_import(data, upload.name, allowed_region_ids=scope)
        except RosterFileError as exc:
            form.add_error("file", str(exc))
        else:
            if plan.ok:
                token = secrets.token_urlsafe(16)
                default_storage.save(_stored_path(token, upload.name), ContentFile(data))
                request.session[SESSION_KEY] = {"token": token, "filename": upload.name}
    return render(request, "lms/roster_import.html", {"form": form, "plan": plan})


@login_required
@require_POST
def roster_import_confirm(request):
    scope = _import_scope(request.user)
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("This preview has expired. Please upload the file again."))
        return redirect("roster_import")
    path = _stored_path(pending["token"], pending["filename"])
    if not default_storage.exists(path):
        messages.error(request, _("This preview has expired. Please upload the file again."))
        return redirect("roster_import")
    with default_storage.open(path, "rb") as stored:
        data = stored.read()
    # Check again: the organisation may have changed since the preview.
    plan = plan_import(data, pending["filename"], allowed_region_ids=scope)
    if not plan.ok:
        return render(request, "lms/roster_import.html", {"form": RosterUploadForm(), "plan": plan})
    record = apply_plan(plan, user=request.user, filename=pending["filename"])
    default_storage.delete(path)
    del request.session[SESSION_KEY]
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
