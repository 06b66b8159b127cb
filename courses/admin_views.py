"""Question-bank import in the Wagtail admin: upload → preview table → confirm."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lms.uploads import StagedUpload

from .importers import MAX_FILE_BYTES, ImportError_, import_file, parse, template_workbook

FLOW = StagedUpload(session_key="question_import", folder="question-imports")


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


def _page(request, form, bank=None, token=None):
    """The upload form, and below it the preview of a checked file (its questions, its errors, the confirm form)."""
    return TemplateResponse(request, "courses/admin/import.html", {
        "form": form, "bank": bank, "token": token, "header_title": _("Import questions"), "header_icon": "upload",
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("wagtailsnippets_courses_question:list"), "label": _("Questions")},
            {"url": "", "label": _("Import questions")},
        ],
    })


def upload(request):
    _check(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        data = upload_file.read()
        try:
            bank = parse(data, upload_file.name)
        except ImportError_ as exc:
            form.add_error("file", str(exc))
        else:
            token = FLOW.keep(request, upload_file.name, data, category=form.cleaned_data["category"])
            return _page(request, form, bank, token)
    return _page(request, form)


@require_POST
def confirm(request):
    _check(request)
    staged = FLOW.pending(request)
    if staged is None:
        return FLOW.expired(request, "courses_import:upload")
    category = staged.extra["category"]
    try:
        result = import_file(staged.data, category, filename=staged.filename,
                             skip_invalid=request.POST.get("skip_invalid") == "1")
    except ImportError_ as exc:  # the category name cannot be used
        messages.error(request, str(exc))
        result = None
    if result is None or not result.imported:
        # Keep the preview (and the file) on the page, with what stopped the import.
        if result is not None:
            messages.error(request, _("Nothing was imported: the file has invalid questions. Fix them, or choose to "
                                      "skip them."))
        form = UploadForm(initial={"category": category})
        return _page(request, form, result.bank if result else parse(staged.data, staged.filename), staged.token)
    FLOW.discard(request, staged)
    messages.success(request, _("Imported %(count)d questions into “%(category)s”.")
                     % {"count": len(result.created) + len(result.updated), "category": category})
    # Land on the imported category, not on the whole bank.
    return redirect(reverse("wagtailsnippets_courses_question:list") + f"?category={result.category.pk}")


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
