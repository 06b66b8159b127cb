"""M5 screens: conduct reports."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import access, services
from ..access import colleagues
from ..forms import ConductReportForm
from .common import apply_service, form_page, paginate


@login_required
def conduct_list(request):
    return render(request, "mentorship/conduct_list.html",
                  {"page": paginate(request, access.conduct_reports_visible_to(request.user))})


@login_required
def conduct_new(request):
    form = ConductReportForm(request.POST or None, colleagues=colleagues(request.user))
    if request.method == "POST" and form.is_valid():
        report = apply_service(request, form, lambda: services.file_conduct_report(reporter=request.user,
                                                                            **form.cleaned_data),
                        _("Your report has been sent to the responsible managers."))
        if report:
            return redirect("mentorship:conduct_report", report.pk)
    return form_page(request, form, _("Report a violation"), intro=_(
        "Reports about a trainee go to the training supervisor, the regional manager and the prospective post "
        "head; reports about a regular employee go to their superiors."))


@login_required
def conduct_detail(request, pk):
    report = access.get_conduct_report_or_404(request.user, pk)
    return render(request, "mentorship/conduct_detail.html",
                  {"report": report, "recipients": report.recipients.select_related("profile")})
