"""M9: the mentor's sign-off after a ride-along (weak points, learning plan), the trainee's confirmation."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.signals import ride_along_signed_off

from .. import notifications
from ..models import LearningPlanItem, RideAlong, SignOff, SignOffAmendment, WeakPoint
from .common import confirm_once


@transaction.atomic
def sign_off_ride_along(*, ride_along, user, performance, study_directions="", skills_covered=(),
                        weak_points=(), plan_items=(), now=None):
    """M9: the mentor reports on the trip; the sign-off is locked once submitted.

    ``weak_points`` are ``(skill or None, description)`` pairs and
    ``plan_items`` ``(description, due_date)`` pairs. The report reaches the
    training lead and the post head; ``ride_along_signed_off`` is sent after commit.
    """
    now = now or timezone.now()
    ride_along = RideAlong.objects.select_for_update().get(pk=ride_along.pk)
    ride_along.require(user, RideAlong.Action.SIGN_OFF, today=timezone.localdate(now))
    if not performance.strip():
        raise ValidationError(_("Describe the trainee's performance on the trip."))
    for description, due_date in plan_items:
        if due_date is None:
            raise ValidationError(_("Every learning-plan item needs a due date."))
    sign_off = SignOff.objects.create(
        ride_along=ride_along, performance=performance.strip(), study_directions=study_directions.strip(),
        signed_by=user, signed_at=now,
    )
    sign_off.skills_covered.set(skills_covered)
    for skill, description in weak_points:
        if description.strip():
            WeakPoint.objects.create(sign_off=sign_off, skill=skill, description=description.strip())
    for description, due_date in plan_items:
        if description.strip():
            LearningPlanItem.objects.create(sign_off=sign_off, description=description.strip(), due_date=due_date)
    ride_along.state = RideAlong.State.SIGNED_OFF
    ride_along.save(update_fields=["state"])
    trainee = ride_along.trainee
    transaction.on_commit(
        lambda: ride_along_signed_off.send(sender=RideAlong, trainee=trainee, ride_along=ride_along)
    )
    transaction.on_commit(lambda: notifications.sign_off_report(sign_off))
    return sign_off


@transaction.atomic
def confirm_sign_off(*, sign_off, user, comment=""):
    """M9: the trainee confirms the sign-off (once)."""
    return confirm_once(
        SignOff.objects.select_related("ride_along"), sign_off, stamp="trainee_confirmed_at",
        require=lambda s: s.ride_along.require(user, RideAlong.Action.CONFIRM_SIGN_OFF),
        trainee_comment=comment.strip(),
    )


@transaction.atomic
def amend_sign_off(*, sign_off, user, reason, correction):
    """Audit: a locked sign-off is corrected by a new amendment with its reason, never edited."""
    sign_off.ride_along.require(user, RideAlong.Action.AMEND_SIGN_OFF)
    if not reason.strip() or not correction.strip():
        raise ValidationError(_("An amendment needs a reason and the correction."))
    return SignOffAmendment.objects.create(
        sign_off=sign_off, reason=reason.strip(), correction=correction.strip(), created_by=user
    )


def signed_off_ride_along_count(user):
    """Ride-alongs of ``user`` as trainee that their mentor signed off (M9)."""
    return RideAlong.objects.filter(trainee=user).counting_toward_certificate().count()
