"""M4 首问负责制 (the first person asked owns the question) and M3 reports of refused or perfunctory answers."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _


from .. import notifications
from ..access import people_to_ask
from ..models import AccountabilityRecord, Answer, Escalation, Question, QuestionReport
from .common import add_accountability


@transaction.atomic
def ask_question(*, trainee, owner, subject, body):
    """M4: the first person the trainee asks owns the question until the trainee accepts an answer."""
    if owner.pk == trainee.pk:
        raise ValidationError(_("Ask a colleague, not yourself."))
    if not people_to_ask(trainee).filter(pk=owner.pk).exists():
        raise ValidationError(_("Choose a colleague from the staff list."))
    if not subject.strip() or not body.strip():
        raise ValidationError(_("Give the question a subject and describe it."))
    question = Question.objects.create(asked_by=trainee, owner=owner, subject=subject.strip(), body=body.strip())
    transaction.on_commit(lambda: notifications.question_asked(question))
    return question


@transaction.atomic
def answer_question(*, question, user, body):
    """M4: the owner, or someone they asked for help, answers until the trainee accepts an answer."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    question.require(user, Question.Action.ANSWER)
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
    question.require(user, Question.Action.ESCALATE)
    if to.pk in (question.owner_id, question.asked_by_id):
        raise ValidationError(_("Ask someone other than yourself or the trainee."))
    return Escalation.objects.create(question=question, escalated_by=user, escalated_to=to, note=note.strip())


@transaction.atomic
def accept_answer(*, question, user, answer):
    """M4: the trainee accepts an answer; only then does the owner's responsibility end."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    question.require(user, Question.Action.ACCEPT)
    if answer.question_id != question.pk:
        raise ValidationError(_("That answer belongs to another question."))
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


def overdue_questions(now=None, among=None):
    """M4: the overdue questions (``question_is_overdue``), of ``among`` (a queryset of questions) when given."""
    now = now or timezone.now()
    # No question can be overdue before this many calendar days have passed.
    earliest = now - datetime.timedelta(days=overdue_working_days())
    candidates = (Question.objects.all() if among is None else among).exclude(status=Question.Status.ACCEPTED)
    candidates = candidates.filter(asked_at__lt=earliest)
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
    question.require(user, Question.Action.REPORT)
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
    report.require(reviewer, QuestionReport.Action.REVIEW)
    report.review = QuestionReport.Review.CONFIRMED if confirm else QuestionReport.Review.DISMISSED
    report.reviewed_by = reviewer
    report.reviewed_at = timezone.now()
    report.review_note = note.strip()
    report.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
    if confirm:
        add_accountability(
            person=report.against, kind=AccountabilityRecord.Kind.QUESTION_REPORT,
            trainee=report.question.asked_by, question_report=report, created_by=reviewer,
            description=f"{report.get_kind_display()}：{report.description}",
        )
    return report
