"""M9 screens: the mentor's sign-off, the trainee's confirmation, amendments."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from .. import services
from ..forms import AmendmentForm, ConfirmForm, SignOffForm
from ..models import RideAlong
from .common import trip_step_page


def _sign_off(request, trip, form):
    d = form.cleaned_data
    return services.sign_off_ride_along(
        ride_along=trip, user=request.user, performance=d["performance"], study_directions=d["study_directions"],
        skills_covered=d["skills_covered"], weak_points=form.weak_points(), plan_items=form.plan_items())


@login_required
def ride_along_sign_off(request, pk):
    return trip_step_page(
        request, pk, RideAlong.Action.SIGN_OFF, SignOffForm, lambda trip, form: _sign_off(request, trip, form),
        _("The ride-along has been signed off and reported to the training lead and the post head."),
        _("Sign off the ride-along"), submit_label=_("Submit sign-off"),
        intro=_("Once submitted the sign-off is locked; later corrections are amendments."),
        form_kwargs=lambda trip: {"initial": {"skills_covered": trip.skills.all()}})


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
