"""Write operations and rules of the 传帮带 module; each names the rule it serves (M1–M13).

Services take keyword arguments, run in a transaction and raise
``ValidationError`` (a rule refuses) or ``PermissionDenied`` (the wrong
person). Views only call them and show the message.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import Region, StaffProfile, holders_of
from lms.roles import Role
from lms.signals import checklist_completed, ride_along_signed_off, skill_assessed

from . import notifications
from .access import (  # noqa: F401 - re-exported: other apps import these from here
    _profile,
    accountability_visible_to,
    approvers_for,
    assessment_reports_for,
    care_check_ins_for,
    conduct_reports_visible_to,
    has_mentored,
    is_current_mentor,
    is_post_head_for,
    is_training_lead_for,
    may_answer,
    may_assess_mentor,
    may_decide,
    may_log_guidance,
    may_see_care_check_ins,
    pending_approvals_for,
    post_heads_of,
    training_leads_of,
)
from .models import (
    AccountabilityRecord,
    Answer,
    Approval,
    CareCheckIn,
    ChecklistItem,
    ChecklistTopic,
    ConductReport,
    Escalation,
    Guidance,
    Handover,
    LearningPlanItem,
    MentorAssessment,
    MentorAssignment,
    Question,
    QuestionReport,
    RideAlong,
    SignOff,
    SignOffAmendment,
    SkillAssessment,
    WeakPoint,
)

# --- M1 mentor assignments ----------------------------------------------------------------


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


# --- M6 ride-along approvals ---------------------------------------------------------------


def missing_prerequisites(trainee):
    """M6/M9: theory courses the trainee must complete before a ride-along."""
    from courses.services import missing_ride_along_prerequisites

    return missing_ride_along_prerequisites(trainee)


def parse_cities(text):
    """Split "上海、苏州, 无锡" into a list of distinct city names."""
    import re

    seen = []
    for name in re.split(r"[,，、;；\s]+", text or ""):
        if name and name not in seen:
            seen.append(name)
    return seen


@transaction.atomic
def request_ride_along(*, mentor, trainee, destination_region, cities, start_date, end_date, skills=(),
                       purpose=""):
    """M6: the mentor asks for a trip; it waits for three approvals found from the org data."""
    if not is_current_mentor(mentor, trainee):
        raise PermissionDenied(_("Only the trainee's current mentor can request a ride-along."))
    if isinstance(cities, str):
        cities = parse_cities(cities)
    if not cities:
        raise ValidationError(_("Name at least one city."))
    if end_date < start_date:
        raise ValidationError(_("The trip cannot end before it starts."))
    missing = missing_prerequisites(trainee)
    if missing:
        raise ValidationError(
            _("The trainee has not yet completed the theory courses required before a ride-along: %(courses)s")
            % {"courses": "、".join(c.title for c in missing)}
        )
    ride_along = RideAlong.objects.create(
        trainee=trainee,
        mentor=mentor,
        destination_region=destination_region,
        cities=list(cities),
        start_date=start_date,
        end_date=end_date,
        purpose=purpose,
        expense_guidance_owed=expense_guidance_owed_on_next_trip(trainee),
    )
    ride_along.skills.set(skills)
    for kind, label in Approval.Kind.choices:
        if not approvers_for(ride_along, kind).exists():
            raise ValidationError(
                _("No %(approver)s was found in the organisation data for this trip; ask the training lead.")
                % {"approver": label}
            )
        Approval.objects.create(ride_along=ride_along, kind=kind)
    transaction.on_commit(lambda: notifications.trip_waits_for_approval(ride_along))
    return ride_along


@transaction.atomic
def decide_approval(*, approval, user, approve, comment=""):
    """M6: one approver approves or rejects with a comment; one rejection closes the trip."""
    ride_along = RideAlong.objects.select_for_update().get(pk=approval.ride_along_id)
    approval = Approval.objects.select_for_update().get(pk=approval.pk)
    if not may_decide(user, approval):
        raise PermissionDenied(_("You are not an approver of this trip."))
    if ride_along.state != RideAlong.State.REQUESTED:
        raise ValidationError(_("This trip is no longer waiting for approval."))
    if approval.decision != Approval.Decision.PENDING:
        raise ValidationError(_("This approval has already been decided."))
    if not approve and not comment.strip():
        raise ValidationError(_("Give the reason for the rejection."))
    approval.decision = Approval.Decision.APPROVED if approve else Approval.Decision.REJECTED
    approval.decided_by = user
    approval.decided_at = timezone.now()
    approval.comment = comment.strip()
    approval.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    if not approve:
        ride_along.state = RideAlong.State.REJECTED
        ride_along.rejected_at = approval.decided_at
        ride_along.save(update_fields=["state", "rejected_at"])
    elif ride_along.approvals_complete():
        ride_along.state = RideAlong.State.APPROVED
        ride_along.save(update_fields=["state"])
    return approval


@transaction.atomic
def start_ride_along(*, ride_along, user):
    """M6: a trip starts only with all three approvals, whatever the request says."""
    ride_along = RideAlong.objects.select_for_update().get(pk=ride_along.pk)
    if user.pk != ride_along.mentor_id:
        raise PermissionDenied(_("Only the mentor who leads the trip can start it."))
    if not ride_along.can_start():
        raise ValidationError(_("The trip cannot start before all three approvals are in."))
    ride_along.state = RideAlong.State.STARTED
    ride_along.started_at = timezone.now()
    ride_along.started_by = user
    ride_along.save(update_fields=["state", "started_at", "started_by"])
    return ride_along


def _add_accountability(**fields):
    record = AccountabilityRecord.objects.create(**fields)
    transaction.on_commit(lambda: notifications.accountability_recorded(record))
    return record


@transaction.atomic
def record_trip_happened(*, ride_along, user):
    """M6: record that the trip took place; without the three approvals it is not reimbursable
    and the mentor, who took the trainee along on their own initiative, is flagged."""
    ride_along = RideAlong.objects.select_for_update().get(pk=ride_along.pk)
    if user.pk != ride_along.mentor_id and not is_training_lead_for(user, ride_along.trainee):
        raise PermissionDenied(_("Only the mentor or the training lead can record that the trip happened."))
    if ride_along.state in (RideAlong.State.COMPLETED, RideAlong.State.SIGNED_OFF):
        raise ValidationError(_("This trip has already been recorded as happened."))
    approved = ride_along.approvals_complete()
    ride_along.state = RideAlong.State.COMPLETED
    ride_along.completed_at = timezone.now()
    ride_along.completed_by = user
    ride_along.approved_before_trip = approved
    ride_along.reimbursable = approved
    ride_along.save(update_fields=["state", "completed_at", "completed_by", "approved_before_trip", "reimbursable"])
    if not approved:
        _add_accountability(
            person=ride_along.mentor,
            kind=AccountabilityRecord.Kind.UNAPPROVED_TRIP,
            trainee=ride_along.trainee,
            ride_along=ride_along,
            created_by=user,
            description=_("The trip took place without the three approvals; travel costs are not reimbursable."),
        )
    return ride_along


# --- M9 sign-off ------------------------------------------------------------------------------


@transaction.atomic
def sign_off_ride_along(*, ride_along, user, performance, study_directions="", skills_covered=(),
                        weak_points=(), plan_items=()):
    """M9: the mentor reports on the trip; the sign-off is locked once submitted.

    ``weak_points`` are ``(skill or None, description)`` pairs and
    ``plan_items`` ``(description, due_date)`` pairs. The report reaches the
    training lead and the post head; ``ride_along_signed_off`` is sent after commit.
    """
    ride_along = RideAlong.objects.select_for_update().get(pk=ride_along.pk)
    if user.pk != ride_along.mentor_id:
        raise PermissionDenied(_("Only the mentor who led the trip can sign it off."))
    if ride_along.state != RideAlong.State.COMPLETED:
        raise ValidationError(_("Only a trip that has happened and is not yet signed off can be signed off."))
    if not performance.strip():
        raise ValidationError(_("Describe the trainee's performance on the trip."))
    for description, due_date in plan_items:
        if due_date is None:
            raise ValidationError(_("Every learning-plan item needs a due date."))
    sign_off = SignOff.objects.create(
        ride_along=ride_along, performance=performance.strip(), study_directions=study_directions.strip(),
        signed_by=user,
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
    sign_off = SignOff.objects.select_for_update().select_related("ride_along").get(pk=sign_off.pk)
    if user.pk != sign_off.ride_along.trainee_id:
        raise PermissionDenied(_("Only the trainee confirms the sign-off."))
    if sign_off.trainee_confirmed_at:
        raise ValidationError(_("You have already confirmed this sign-off."))
    sign_off.trainee_confirmed_at = timezone.now()
    sign_off.trainee_comment = comment.strip()
    sign_off.save(update_fields=["trainee_confirmed_at", "trainee_comment"])
    return sign_off


@transaction.atomic
def amend_sign_off(*, sign_off, user, reason, correction):
    """Audit: a locked sign-off is corrected by a new amendment with its reason, never edited."""
    if user.pk != sign_off.signed_by_id:
        raise PermissionDenied(_("Only the mentor who signed it off can amend the sign-off."))
    if not reason.strip() or not correction.strip():
        raise ValidationError(_("An amendment needs a reason and the correction."))
    return SignOffAmendment.objects.create(
        sign_off=sign_off, reason=reason.strip(), correction=correction.strip(), created_by=user
    )


# --- M8 expense filing -------------------------------------------------------------------------

EXPENSE_GUIDANCE_MIN_CITIES = 2
EXPENSE_GUIDANCE_MIN_DAYS = 10
EXPENSE_GUIDANCE_MIN_YUAN = Decimal("1500")


def expense_guidance_owed(cities, days, total_yuan):
    """M8: after a trip of one city, OR under 10 days, OR under 1500 yuan, guidance is still owed next time."""
    return (
        cities < EXPENSE_GUIDANCE_MIN_CITIES
        or days < EXPENSE_GUIDANCE_MIN_DAYS
        or Decimal(total_yuan) < EXPENSE_GUIDANCE_MIN_YUAN
    )


def expense_guidance_owed_on_next_trip(trainee):
    """M8: guidance is owed until the trainee has filed on a trip that exceeded all three limits.

    The first filing is always guided, so with no filing yet it is owed.
    """
    filed = RideAlong.objects.filter(trainee=trainee, expenses_filed=True, expense_total_yuan__isnull=False)
    return not any(not expense_guidance_owed(r.city_count, r.days, r.expense_total_yuan) for r in filed)


@transaction.atomic
def record_expense_filing(*, ride_along, user, filed, guided, total_yuan=None):
    """M8: whether the trainee filed expenses for the trip, whether the mentor guided it, the total claim."""
    ride_along = RideAlong.objects.select_for_update().get(pk=ride_along.pk)
    if user.pk != ride_along.mentor_id:
        raise PermissionDenied(_("Only the mentor who led the trip records the expense filing."))
    if ride_along.state not in (RideAlong.State.COMPLETED, RideAlong.State.SIGNED_OFF):
        raise ValidationError(_("Expenses are recorded after the trip has happened."))
    if ride_along.expense_recorded_at:
        raise ValidationError(_("The expense filing of this trip has already been recorded."))
    if filed and total_yuan is None:
        raise ValidationError(_("Give the total claim."))
    ride_along.expenses_filed = filed
    ride_along.expense_filing_guided = guided if filed else False
    ride_along.expense_total_yuan = total_yuan if filed else None
    ride_along.expense_recorded_at = timezone.now()
    ride_along.expense_recorded_by = user
    ride_along.save(update_fields=["expenses_filed", "expense_filing_guided", "expense_total_yuan",
                                   "expense_recorded_at", "expense_recorded_by"])
    return ride_along


def filing_problem_bearer(ride_along):
    """M8: the mentor answers for a filing they owed and gave guidance on; otherwise the trainee does."""
    if ride_along.expense_guidance_owed and ride_along.expense_filing_guided:
        return RideAlong.Bearer.MENTOR
    return RideAlong.Bearer.TRAINEE


@transaction.atomic
def record_filing_problem(*, ride_along, user, description):
    """M8: record a problem in a filing and who bears it; a mentor who bears it is held accountable."""
    ride_along = RideAlong.objects.select_for_update().get(pk=ride_along.pk)
    if not is_training_lead_for(user, ride_along.trainee):
        raise PermissionDenied(_("Only the training lead records a filing problem."))
    if not ride_along.expenses_filed:
        raise ValidationError(_("No expense filing has been recorded for this trip."))
    if ride_along.filing_problem_recorded_at:
        raise ValidationError(_("A filing problem has already been recorded for this trip."))
    if not description.strip():
        raise ValidationError(_("Describe the problem."))
    ride_along.filing_problem = description.strip()
    ride_along.filing_problem_bearer = filing_problem_bearer(ride_along)
    ride_along.filing_problem_recorded_at = timezone.now()
    ride_along.save(update_fields=["filing_problem", "filing_problem_bearer", "filing_problem_recorded_at"])
    if ride_along.filing_problem_bearer == RideAlong.Bearer.MENTOR:
        _add_accountability(
            person=ride_along.mentor, kind=AccountabilityRecord.Kind.EXPENSE_FILING, trainee=ride_along.trainee,
            ride_along=ride_along, created_by=user, description=ride_along.filing_problem,
        )
    return ride_along


# --- M10, M13 skill assessments ----------------------------------------------------------------


@transaction.atomic
def assess_skill(*, trainee, skill, assessor, result, score=None, notes=""):
    """M13: the training lead assesses a trainee on a skill; the trainee's own mentor may not.

    M10: failing a skill that a signed-off ride-along led by the current
    mentor covered creates an accountability record against that mentor.
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
        mentor = current_mentor(trainee)
        covering = (
            RideAlong.objects.filter(
                trainee=trainee, mentor=mentor, state=RideAlong.State.SIGNED_OFF, sign_off__skills_covered=skill
            ).order_by("-end_date").first()
            if mentor
            else None
        )
        if covering is not None:
            _add_accountability(
                person=mentor, kind=AccountabilityRecord.Kind.SKILL_NOT_MASTERED, trainee=trainee,
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


# --- M7 checklist -----------------------------------------------------------------------------


def checklist_for(trainee):
    """M7: every active topic with the trainee's item (or None)."""
    items = {i.topic_id: i for i in ChecklistItem.objects.filter(trainee=trainee)}
    return [(topic, items.get(topic.pk)) for topic in ChecklistTopic.objects.filter(active=True)]


def checklist_complete(user):
    """M7: every active topic covered by the mentor and acknowledged by the trainee."""
    return ChecklistItem.objects.filter(trainee=user).trainees_complete().exists()


@transaction.atomic
def mark_topic_covered(*, trainee, topic, mentor):
    """M7: the mentor marks a culture or system topic as passed on (dated)."""
    if not is_current_mentor(mentor, trainee):
        raise PermissionDenied(_("Only the trainee's current mentor marks topics as covered."))
    item, _created = ChecklistItem.objects.get_or_create(trainee=trainee, topic=topic,
                                                          defaults={"covered_by": mentor})
    return item


@transaction.atomic
def acknowledge_topic(*, item, trainee):
    """M7: the trainee acknowledges a covered topic; the whole list done sends ``checklist_completed``."""
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    if trainee.pk != item.trainee_id:
        raise PermissionDenied(_("Only the trainee acknowledges their checklist."))
    if item.acknowledged_at:
        raise ValidationError(_("You have already acknowledged this topic."))
    item.acknowledged_at = timezone.now()
    item.save(update_fields=["acknowledged_at"])
    if checklist_complete(trainee):
        transaction.on_commit(lambda: checklist_completed.send(sender=ChecklistItem, trainee=trainee))
    return item


# --- M4, M3 questions under 首问负责制 ------------------------------------------------------


@transaction.atomic
def ask_question(*, trainee, owner, subject, body):
    """M4: the first person the trainee asks owns the question until the trainee accepts an answer."""
    if owner.pk == trainee.pk:
        raise ValidationError(_("Ask a colleague, not yourself."))
    if not owner.is_active or not StaffProfile.objects.filter(user=owner).exists():
        raise ValidationError(_("Choose a colleague from the staff list."))
    if not subject.strip() or not body.strip():
        raise ValidationError(_("Give the question a subject and describe it."))
    question = Question.objects.create(asked_by=trainee, owner=owner, subject=subject.strip(), body=body.strip())
    transaction.on_commit(lambda: notifications.question_asked(question))
    return question


@transaction.atomic
def answer_question(*, question, user, body):
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not may_answer(user, question):
        raise PermissionDenied(_("Only the owner of the question, or someone they asked for help, can answer."))
    if question.is_resolved:
        raise ValidationError(_("This question is already resolved."))
    if not body.strip():
        raise ValidationError(_("Write the answer."))
    answer = Answer.objects.create(question=question, author=user, body=body.strip())
    question.status = Question.Status.ANSWERED
    question.save(update_fields=["status"])
    return answer


@transaction.atomic
def escalate_question(*, question, user, to, note=""):
    """M4: the owner asks a superior or an experienced colleague and stays the owner."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if user.pk != question.owner_id:
        raise PermissionDenied(_("Only the owner of the question can ask someone else for help."))
    if question.is_resolved:
        raise ValidationError(_("This question is already resolved."))
    if to.pk in (question.owner_id, question.asked_by_id):
        raise ValidationError(_("Ask someone other than yourself or the trainee."))
    return Escalation.objects.create(question=question, escalated_by=user, escalated_to=to, note=note.strip())


@transaction.atomic
def accept_answer(*, question, user, answer):
    """M4: the trainee accepts an answer; only then does the owner's responsibility end."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if user.pk != question.asked_by_id:
        raise PermissionDenied(_("Only the trainee who asked accepts an answer."))
    if answer.question_id != question.pk:
        raise ValidationError(_("That answer belongs to another question."))
    if question.is_resolved:
        raise ValidationError(_("This question is already resolved."))
    question.status = Question.Status.ACCEPTED
    question.accepted_answer = answer
    question.accepted_at = timezone.now()
    question.save(update_fields=["status", "accepted_answer", "accepted_at"])
    return question


def overdue_working_days():
    return int(getattr(settings, "MENTORSHIP_QUESTION_OVERDUE_WORKING_DAYS", 2))


def add_working_days(moment, days):
    """``moment`` plus ``days`` working days (Monday to Friday)."""
    result = moment
    while days > 0:
        result += datetime.timedelta(days=1)
        if result.weekday() < 5:
            days -= 1
    return result


def question_is_overdue(question, now=None):
    """M4: a question not resolved within the configured working days (default 2) is overdue."""
    if question.is_resolved:
        return False
    now = now or timezone.now()
    return now > add_working_days(timezone.localtime(question.asked_at), overdue_working_days())


def overdue_questions(now=None):
    now = now or timezone.now()
    # No question can be overdue before this many calendar days have passed.
    earliest = now - datetime.timedelta(days=overdue_working_days())
    candidates = Question.objects.exclude(status=Question.Status.ACCEPTED).filter(asked_at__lt=earliest)
    return [q for q in candidates.select_related("owner__profile", "asked_by__profile") if question_is_overdue(q, now)]


def flag_overdue_questions(now=None):
    """M4: flag each newly overdue question once, notifying its owner and the training lead."""
    now = now or timezone.now()
    flagged = []
    for question in overdue_questions(now):
        claimed = Question.objects.filter(pk=question.pk, overdue_flagged_at__isnull=True).update(
            overdue_flagged_at=now
        )
        if claimed:
            notifications.question_overdue(question)
            flagged.append(question)
    return flagged


@transaction.atomic
def report_question(*, question, user, against, kind, description):
    """M3: the trainee reports a refused, perfunctory or mocking answer."""
    if user.pk != question.asked_by_id:
        raise PermissionDenied(_("Only the trainee who asked can report how the question was handled."))
    involved = {question.owner_id, *question.escalations.values_list("escalated_to", flat=True),
                *question.answers.values_list("author", flat=True)}
    if against.pk not in involved:
        raise ValidationError(_("Report only someone who was asked or who answered."))
    if not description.strip():
        raise ValidationError(_("Describe what happened."))
    return QuestionReport.objects.create(
        question=question, reported_by=user, against=against, kind=kind, description=description.strip()
    )


@transaction.atomic
def review_question_report(*, report, reviewer, confirm, note=""):
    """M3: the training lead reviews a report; a confirmed one is recorded against the colleague."""
    report = QuestionReport.objects.select_for_update().select_related("question").get(pk=report.pk)
    if not is_training_lead_for(reviewer, report.question.asked_by):
        raise PermissionDenied(_("Only the training lead reviews reports."))
    if report.review != QuestionReport.Review.PENDING:
        raise ValidationError(_("This report has already been reviewed."))
    report.review = QuestionReport.Review.CONFIRMED if confirm else QuestionReport.Review.DISMISSED
    report.reviewed_by = reviewer
    report.reviewed_at = timezone.now()
    report.review_note = note.strip()
    report.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
    if confirm:
        _add_accountability(
            person=report.against, kind=AccountabilityRecord.Kind.QUESTION_REPORT,
            trainee=report.question.asked_by, question_report=report, created_by=reviewer,
            description=f"{report.get_kind_display()}：{report.description}",
        )
    return report


# --- M2 guidance log ----------------------------------------------------------------------------


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
    guidance = Guidance.objects.select_for_update().get(pk=guidance.pk)
    if trainee.pk != guidance.trainee_id:
        raise PermissionDenied(_("Only the trainee confirms guidance they received."))
    if guidance.trainee_confirmed_at:
        raise ValidationError(_("You have already confirmed this guidance."))
    guidance.trainee_confirmed_at = timezone.now()
    guidance.save(update_fields=["trainee_confirmed_at"])
    return guidance


# --- M5 conduct reports ---------------------------------------------------------------------------


def conduct_report_route(subject):
    """M5: whom a report about ``subject`` goes to, and in which direction.

    About a trainee: the training supervisor, the (supervising) regional
    manager and the prospective post head. About a regular employee: their
    superiors, the regional manager and the regional head of their region.
    """
    profile = _profile(subject)
    region = profile.region if profile else None
    if profile is not None and not profile.is_regular:
        direction = ConductReport.Direction.ABOUT_TRAINEE
        users = set()
        if region:
            users |= set(holders_of(Role.TRAINING_SUPERVISOR, region=region))
            users |= set(holders_of(Role.REGIONAL_MANAGER, region=region))
        users |= set(post_heads_of(subject))
    else:
        direction = ConductReport.Direction.ABOUT_REGULAR
        users = set()
        if region:
            users |= set(holders_of(Role.REGIONAL_MANAGER, region=region))
            users |= set(holders_of(Role.REGIONAL_HEAD, region=region))
    users.discard(subject)
    return direction, users


@transaction.atomic
def file_conduct_report(*, reporter, subject, occurred_on, description):
    """M5: report a violation; it is routed to the managers the rule names."""
    if reporter.pk == subject.pk:
        raise ValidationError(_("You cannot report yourself."))
    if not description.strip():
        raise ValidationError(_("Describe what happened."))
    direction, recipients = conduct_report_route(subject)
    recipients.discard(reporter)
    if not recipients:
        raise ValidationError(_("No manager to receive this report was found in the organisation data."))
    report = ConductReport.objects.create(
        reporter=reporter, subject=subject, direction=direction, occurred_on=occurred_on,
        description=description.strip(),
    )
    report.recipients.set(recipients)
    transaction.on_commit(lambda: notifications.conduct_reported(report))
    return report


# --- M11 care -----------------------------------------------------------------------------------


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


# --- M12 handover -----------------------------------------------------------------------------


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


# --- selectors other apps rely on (certificates) ---------------------------------------------------


def signed_off_ride_along_count(user):
    """Ride-alongs of ``user`` as trainee that their mentor signed off (M9)."""
    return RideAlong.objects.filter(trainee=user).counting_toward_certificate().count()


def passed_skill_ids(user):
    """Ids of skills whose latest assessment of ``user`` is a pass (M10)."""
    latest = SkillAssessment.objects.filter(trainee=user).latest_per_skill()
    return set(latest.filter(result=SkillAssessment.Result.PASSED).values_list("skill_id", flat=True))


def region_choices():
    return Region.objects.all()
