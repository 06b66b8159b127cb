"""M2: guidance a regular employee gives a trainee, by mode, confirmed by the trainee."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import may_log_guidance
from ..models import Guidance
from .common import confirm_once


@transaction.atomic
def log_guidance(*, mentor, trainee, mode, topic, duration_minutes, date=None, notes=""):
    """M2: a regular employee records guidance given to a trainee, by mode."""
    if not may_log_guidance(mentor):
        raise PermissionDenied(_("Only a regular (转正) employee records guidance."))
    if mentor.pk == trainee.pk:
        raise ValidationError(_("A trainee cannot guide themselves."))
    if not duration_minutes or duration_minutes <= 0:
        raise ValidationError(_("Give the duration in minutes."))
    return Guidance.objects.create(
        mentor=mentor, trainee=trainee, mode=mode, topic=topic.strip(), duration_minutes=duration_minutes,
        date=date or timezone.localdate(), notes=notes.strip(),
    )


@transaction.atomic
def confirm_guidance(*, guidance, trainee):
    """M2: the trainee confirms the guidance took place."""
    return confirm_once(Guidance.objects, guidance, stamp="trainee_confirmed_at",
                        require=lambda g: g.require(trainee, Guidance.Action.CONFIRM))
