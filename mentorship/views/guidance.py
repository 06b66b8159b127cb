"""M2 screens: the guidance log."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.access import get_in_scope_or_404

from .. import access, services
from ..access import visible_users
from ..forms import GuidanceForm
from .common import apply_service, form_page, paginate, post_action


@login_required
def guidance_list(request):
    qs = access.guidance_visible_to(request.user).order_by("-date", "-id")
    page = paginate(request, qs)
    for guidance in page:
        guidance.actions = guidance.actions_for(request.user)
    return render(request, "mentorship/guidance_list.html",
                  {"page": page, "may_log": access.may_log_guidance(request.user)})


@login_required
def guidance_new(request):
    if not access.may_log_guidance(request.user):
        raise PermissionDenied
    trainees = visible_users(request.user, status="probation")
    form = GuidanceForm(request.POST or None, trainees=trainees, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if apply_service(request, form, lambda: services.log_guidance(mentor=request.user, **form.cleaned_data),
                         _("The guidance has been recorded; the trainee will confirm it.")):
            return redirect("mentorship:guidance")
    return form_page(request, form, _("Record guidance"))


@login_required
@require_POST
def guidance_confirm(request, pk):
    guidance = get_in_scope_or_404(access.guidance_visible_to(request.user), pk=pk)
    post_action(request, lambda: services.confirm_guidance(guidance=guidance, trainee=request.user),
                 _("You confirmed the guidance."))
    return redirect("mentorship:guidance")
