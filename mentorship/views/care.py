"""M11 care check-ins and M12 handovers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.access import get_profile_or_404, role_required
from lms.roles import Role

from .. import access, services
from ..access import visible_users
from ..forms import CareCheckInForm, HandoverForm
from .common import apply_service, form_page, paginate


@login_required
def care(request, profile_pk):
    profile = get_profile_or_404(request.user, profile_pk)
    trainee = profile.user
    if not access.may_see_care_check_ins(request.user, trainee):
        raise Http404
    form = None
    if access.is_current_mentor(request.user, trainee):
        form = CareCheckInForm(request.POST or None, initial={"date": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            if apply_service(request, form, lambda: services.record_care_check_in(
                    mentor=request.user, trainee=trainee, **form.cleaned_data), _("The check-in has been recorded.")):
                return redirect("mentorship:care", profile_pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "mentorship/care.html", {
        "person": profile, "form": form, "page": paginate(request, access.care_check_ins_for(request.user, trainee)),
    })


@role_required(Role.TRAINING_LEAD, Role.REGIONAL_HEAD, Role.POST_HEAD, Role.REGIONAL_MANAGER)
def handover_new(request):
    people = visible_users(request.user)
    form = HandoverForm(request.POST or None, colleagues=people, initial={"person": request.GET.get("person")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if apply_service(request, form, lambda: services.record_handover(created_by=request.user, **d),
                  _("The handover has been recorded.")):
            return redirect("person", d["person"].profile.pk)
    return form_page(request, form, _("Record a handover"))
