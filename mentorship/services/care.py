"""M11 care check-ins and M12 technical handovers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import _profile, is_current_mentor
from ..models import CareCheckIn, Handover


@transaction.atomic
def record_care_check_in(*, mentor, trainee, date=None, work="", life="", study="", help_given=""):
    """M11: the mentor records how the trainee is doing at work, in life and in study."""
    if not is_current_mentor(mentor, trainee):
        raise PermissionDenied(_("Only the trainee's current mentor records care check-ins."))
    if not any(text.strip() for text in (work, life, study, help_given)):
        raise ValidationError(_("Write at least one observation."))
    return CareCheckIn.objects.create(
        mentor=mentor, trainee=trainee, date=date or timezone.localdate(), work=work.strip(), life=life.strip(),
        study=study.strip(), help_given=help_given.strip(),
    )




@transaction.atomic
def record_handover(*, person, created_by, matters, to_region=None, to_post=None, handed_to=None):
    """M12: the technical matters passed on when someone changes region or post."""
    if not matters.strip():
        raise ValidationError(_("List the technical matters handed over."))
    profile = _profile(person)
    if to_region is None and to_post is None:
        raise ValidationError(_("Name the new region or the new post."))
    return Handover.objects.create(
        person=person, created_by=created_by, matters=matters.strip(), handed_to=handed_to,
        from_region=profile.region if profile else None, from_post=profile.post if profile else None,
        to_region=to_region, to_post=to_post,
    )
