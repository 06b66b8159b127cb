"""Question-bank import in the Wagtail admin: upload → preview table → confirm."""

import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .importers import MAX_FILE_BYTES, ImportError_, import_file, parse, template_workbook

SESSION_KEY = "question_import"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"),
                           help_text=gettext_lazy("A text export (.txt, from 问卷星 and the like) or an .xlsx file from the template."))
    category = forms.CharField(label=gettext_lazy("Category"), max_length=201,
                               help_text=gettext_lazy("Created when missing; “Parent/Child” for a sub-category."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".txt", ".xlsx")):
            raise forms.ValidationError(_("Unsupported file type: upload a .txt or .xlsx file."))
        return upload


def _check(request):
    if not request.user.has_perm("courses.add_question"):
        raise PermissionDenied


def _stored_path(token, filename):
    return f"question-imports/{token}{'.xlsx' if filename.lower().endswith('.xlsx') else '.txt'}"


def upload(request):
    _check(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    bank = token = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        data = upload_file.read()
        try:
            bank = parse(data, upload_file.name)
        except ImportError_ as exc:
            form.add_error("file", str(exc))
        else:
            token = secrets.token_urlsafe(16)
            default_storage.save(_stored_path(token, upload_file.name), ContentFile(data))
            request.session[SESSION_KEY] = {"token": token, "filename": upload_file.name,
                                            "category": form.cleaned_data["category"]}
    return TemplateResponse(request, "courses/admin/import.html", {
        "form": form, "bank": bank, "token": token, "header_title": _("Import questions"), "header_icon": "upload",
    })


@require_POST
def confirm(request):
    _check(request)
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("This preview has expired. Please upload the file again."))
        return redirect("courses_import:upload")
    path = _stored_path(pending["token"], pending["filename"])
    if not default_storage.exists(path):
        messages.error(request, _("This preview has expired. Please upload the file again."))
        return redirect("courses_import:upload")
    with default_storage.open(path, "rb") as stored:
        data = stored.read()
    result = import_file(data, pending["category"], filename=pending["filename"],
                         skip_invalid=request.POST.get("skip_invalid") == "1")
    if not result.imported:
        messages.error(request, _("Nothing was imported: the file has invalid questions."))
        return redirect("courses_import:upload")
    default_storage.delete(path)
    del request.session[SESSION_KEY]
    messages.success(request, _("Imported %(count)d questions into “%(category)s”.")
                     % {"count": len(result.created) + len(result.updated), "category": pending["category"]})
    return redirect(reverse("wagtailsnippets_courses_question:list"))


def template(request):
    _check(request)
    response = HttpResponse(template_workbook(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="question-bank-template.xlsx"'
    return response


# ---------------------------------------------------------------- bank quality (题库质量)


def _check_view(request):
    if not request.user.has_perm("courses.view_question"):
        raise PermissionDenied


def quality_index(request):
    """Every top-level category with its verdict; each links to its summary."""
    from django.core.paginator import Paginator

    from .bank_quality import bank_reports

    _check_view(request)
    page = Paginator(bank_reports(), 25).get_page(request.GET.get("page"))
    return TemplateResponse(request, "courses/admin/quality_index.html", {
        "page": page, "header_title": _("Question bank quality"), "header_icon": "tasks",
    })


def quality(request, pk):
    """One category's summary by the item-writing rules, each warning explained (the same as standards_lint)."""
    from django.shortcuts import get_object_or_404

    from .bank_quality import LIMITS, bank_reports
    from .models import QuestionCategory

    _check_view(request)
    (report,) = bank_reports([get_object_or_404(QuestionCategory, pk=pk)])
    return TemplateResponse(request, "courses/admin/quality.html", {
        "report": report, "limits": LIMITS, "header_title": _("Quality of “%(name)s”") % {"name": report.category.name},
        "header_icon": "tasks",
    })
