"""M10, M13: the training lead assesses trainees (a failed skill a trip covered holds its mentor accountable);
regional heads and a trip's approvers assess mentors."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.signals import skill_assessed

from ..access import has_mentored, is_training_lead_for, may_assess_mentor
from ..models import AccountabilityRecord, MentorAssessment, RideAlong, SkillAssessment
from .common import add_accountability


@transaction.atomic
def assess_skill(*, trainee, skill, assessor, result, score=None, notes=""):
    """M13: the training lead assesses a trainee on a skill; the trainee's own mentor may not.

    M10: failing a skill that a signed-off ride-along covered creates an accountability record against the
    mentor who led that trip (the latest such trip that has ended), whoever mentors the trainee now.
    """
    if not is_training_lead_for(assessor, trainee):
        raise PermissionDenied(_("Only the training lead of the trainee's region assesses trainees."))
    if has_mentored(assessor, trainee):
        raise ValidationError(_("The trainee's own mentor may not assess them."))
    if score is not None and not 0 <= score <= 100:
        raise ValidationError(_("The score is between 0 and 100."))
    assessment = SkillAssessment.objects.create(
        trainee=trainee, skill=skill, assessor=assessor, result=result, score=score, notes=notes.strip()
    )
    if not assessment.passed:
        covering = (
            RideAlong.objects.filter(trainee=trainee, state=RideAlong.State.SIGNED_OFF, sign_off__skills_covered=skill,
                                     ended_on__lte=timezone.localdate())
            .select_related("mentor").order_by("-ended_on", "-id").first()
        )
        if covering is not None:
            add_accountability(
                person=covering.mentor, kind=AccountabilityRecord.Kind.SKILL_NOT_MASTERED, trainee=trainee,
                ride_along=covering, assessment=assessment, created_by=assessor,
                description=_("%(trainee)s did not master %(skill)s, which the ride-along of %(date)s covered.")
                % {"trainee": trainee.profile.name, "skill": skill.name, "date": covering.start_date},
            )
    transaction.on_commit(
        lambda: skill_assessed.send(sender=SkillAssessment, trainee=trainee, assessment=assessment)
    )
    return assessment


@transaction.atomic
def assess_mentor(*, mentor, assessor, result, score=None, notes="", ride_along=None):
    """M13: assess a mentor; the report ends up with the training lead."""
    if not may_assess_mentor(assessor, mentor, ride_along):
        raise PermissionDenied(_("You may not assess this mentor."))
    if score is not None and not 0 <= score <= 100:
        raise ValidationError(_("The score is between 0 and 100."))
    return MentorAssessment.objects.create(
        mentor=mentor, assessor=assessor, result=result, score=score, notes=notes.strip(), ride_along=ride_along
    )


def passed_skill_ids(user):
    """Ids of skills whose latest assessment of ``user`` is a pass (M10)."""
    latest = SkillAssessment.objects.filter(trainee=user).latest_per_skill()
    return set(latest.filter(result=SkillAssessment.Result.PASSED).values_list("skill_id", flat=True))
