"""M1: a mentor (a 转正 employee) beside each trainee, with the history of who guided whom."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import StaffProfile

from ..access import is_training_lead_for
from ..models import MentorAssignment


@transaction.atomic
def assign_mentor(*, trainee, mentor, assigned_by=None, start_date=None, reason=""):
    """M1: put a 转正 mentor beside a trainee; a reassignment closes the current one.

    The history stays: the previous assignment gets an end date (the day
    before the new one starts) instead of being replaced.
    """
    start_date = start_date or timezone.localdate()
    mentor_profile = StaffProfile.objects.filter(user=mentor).first()
    if mentor_profile is None or not mentor_profile.is_regular:
        raise ValidationError(_("Only a regular (转正) employee can be a mentor."))
    if mentor.pk == trainee.pk:
        raise ValidationError(_("A trainee cannot mentor themselves."))
    if assigned_by is not None and not is_training_lead_for(assigned_by, trainee):
        raise PermissionDenied(_("Only the training lead of the trainee's region assigns mentors."))
    current = MentorAssignment.objects.select_for_update().filter(trainee=trainee).current(start_date).first()
    if current is not None:
        if current.mentor_id == mentor.pk:
            return current
        current.end_date = max(current.start_date, start_date - datetime.timedelta(days=1))
        current.save(update_fields=["end_date"])
    return MentorAssignment.objects.create(
        trainee=trainee, mentor=mentor, assigned_by=assigned_by, start_date=start_date, reason=reason
    )


def current_mentor(trainee):
    assignment = MentorAssignment.objects.current().filter(trainee=trainee).select_related("mentor__profile").first()
    return assignment.mentor if assignment else None


def current_trainees(mentor):
    User = get_user_model()
    return User.objects.filter(
        pk__in=MentorAssignment.objects.current().filter(mentor=mentor).values("trainee")
    ).select_related("profile")
