"""M9 screens: the mentor's sign-off, the trainee's confirmation, amendments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .. import services
from ..access import get_ride_along_or_404
from ..forms import AmendmentForm, ConfirmForm
from ..models import RideAlong
from .common import trip_step_page


def _sign_off(request, trip, form):
    """The sign-off with the trip's observation checklists scored (19.4), taken once per form (its key)."""
    from wrongbook.services import sign_off_with_observations

    d = form.cleaned_data
    return sign_off_with_observations(
        ride_along=trip, user=request.user, key=d["key"], scores=form.scores(), performance=d["performance"],
        study_directions=d["study_directions"], skills_covered=d["skills_covered"], weak_points=form.weak_points(),
        plan_items=form.plan_items())


@login_required
def ride_along_sign_off(request, pk):
    from wrongbook.forms import ObservedSignOffForm
    from wrongbook.services import sign_off_sent

    signed = _("The ride-along has been signed off and reported to the training lead and the post head.")
    if request.method == "POST":
        # The same form sent again (double tap, reload, a retry on a weak connection): already taken, not refused.
        trip = get_ride_along_or_404(request.user, pk)
        if sign_off_sent(ride_along=trip, user=request.user, key=request.POST.get("key")):
            messages.success(request, signed)
            return redirect("mentorship:ride_along", pk)
    return trip_step_page(
        request, pk, RideAlong.Action.SIGN_OFF, ObservedSignOffForm,
        lambda trip, form: _sign_off(request, trip, form), signed,
        _("Sign off the ride-along"), submit_label=_("Submit sign-off"),
        intro=_("Score each behaviour you observed; those that need work become weak points and learning-plan "
                "items with their clause. Once submitted the sign-off is locked; later corrections are amendments."),
        form_kwargs=lambda trip: {"ride_along": trip, "initial": {"skills_covered": trip.skills.all()}})


@login_required
def sign_off_confirm(request, pk):
    return trip_step_page(
        request, pk, RideAlong.Action.CONFIRM_SIGN_OFF, ConfirmForm,
        lambda trip, form: services.confirm_sign_off(sign_off=trip.sign_off, user=request.user,
                                                     comment=form.cleaned_data["comment"]),
        _("You have confirmed the sign-off."), _("Confirm the sign-off"), submit_label=_("Confirm"))


@login_required
def sign_off_amend(request, pk):
    return trip_step_page(
        request, pk, RideAlong.Action.AMEND_SIGN_OFF, AmendmentForm,
        lambda trip, form: services.amend_sign_off(sign_off=trip.sign_off, user=request.user, **form.cleaned_data),
        _("The amendment has been added."), _("Amend the sign-off"), submit_label=_("Add amendment"))
