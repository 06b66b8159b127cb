"""What waits for a training lead in the 传帮带 records, each queue defined once.

The lead's home (``mentorship.home``) and the cockpit (``cockpit.waiting``, the
dashboard's figures) count these same querysets over the same scope — the people the
lead may see (``lms.access``) — so the two pages cannot disagree.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from lms.access import visible_profiles
from lms.cohort import trainees_visible_to

from .access import accountability_visible_to
from .models import MentorAssignment, Question, QuestionReport, RideAlong
from .services import overdue_questions

STUCK_AFTER_DAYS = 3


def without_current_mentor_q(user_field="user_id"):
    """A ``Q`` over any model with a user column: the person has no current mentor (M1).

    ``NOT IN`` a subquery rather than ``NOT EXISTS``: inside a count's filter PostgreSQL
    hashes the current assignments once instead of probing them once per person.
    """
    return ~Q(**{f"{user_field}__in": MentorAssignment.objects.current().order_by().values("trainee_id")})


def trainees_without_mentor(lead):
    """Trainees in the lead's scope with no current mentor (new hires just imported included)."""
    return trainees_visible_to(lead).filter(without_current_mentor_q())


def _people(lead):
    return visible_profiles(lead).order_by().values("user_id")


def question_reports_to_review(lead):
    """M3: reports about answers to the questions of people in the lead's scope, not yet reviewed."""
    return QuestionReport.objects.filter(review=QuestionReport.Review.PENDING, question__asked_by__in=_people(lead))


def overdue_questions_for(lead, now=None):
    """M4: questions of people in the lead's scope not resolved in time (``services.question_is_overdue``)."""
    # The scope narrows the candidates in the database: only the lead's people's open questions are read.
    return overdue_questions(now, among=Question.objects.filter(asked_by__in=_people(lead)))


def approvals_waiting(lead, now=None):
    """M6: ride-alongs of people in the lead's scope still waiting for their approvals after STUCK_AFTER_DAYS."""
    stuck_before = (now or timezone.now()) - datetime.timedelta(days=STUCK_AFTER_DAYS)
    return RideAlong.objects.filter(state=RideAlong.State.REQUESTED, requested_at__lt=stuck_before,
                                    trainee__in=_people(lead))


def accountability_records(lead):
    """M10: the accountability records the lead sees."""
    return accountability_visible_to(lead)
