"""M1 screen: the training lead assigns a mentor."""

from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.access import role_required
from lms.roles import Role

from .. import access, services
from ..access import visible_users
from ..forms import AssignMentorForm
from .common import apply_service, form_page


@role_required(Role.TRAINING_LEAD)
def assign_mentor(request):
    trainees = access.lead_trainees(request.user)
    mentors = visible_users(request.user, status="regular")
    initial = {"start_date": timezone.localdate()}
    if request.GET.get("trainee"):
        initial["trainee"] = request.GET["trainee"]
    form = AssignMentorForm(request.POST or None, trainees=trainees, mentors=mentors, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if apply_service(request, form, lambda: services.assign_mentor(
                trainee=d["trainee"], mentor=d["mentor"], assigned_by=request.user, start_date=d["start_date"],
                reason=d["reason"]), _("The mentor has been assigned.")):
            return redirect("person", d["trainee"].profile.pk)
    return form_page(request, form, _("Assign a mentor"), intro=_(
        "Reassigning ends the current mentor's period; the history is kept."))
