"""What waits for the training lead: counts that link to the page where it is dealt with.

Each item reads the owning app's own queue, so the counts match those pages.
"""

from dataclasses import dataclass

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Refresher
from courses.services import marking_queue
from lms.access import visible_profiles
from mentorship.access import accountability_visible_to
from mentorship.models import AccountabilityRecord, QuestionReport, RideAlong
from mentorship.services import overdue_questions


@dataclass
class Item:
    label: str
    count: int
    url: str


def for_lead(user):
    users = visible_profiles(user).values("user")
    items = [
        Item(_("Essays to mark"), marking_queue(user).count(), reverse("courses:marking")),
        Item(
            _("Refreshers not done"),
            Refresher.objects.filter(holder__in=users, completed_at__isnull=True).count(),
            reverse("certificates:refreshers"),
        ),
    ]
    items.extend(_mentorship_items(user, users))
    return items


STUCK_AFTER_DAYS = 3


def _mentorship_items(user, users):
    """Reports to review (M3), approvals waiting for days (M6), questions past their deadline (M4)."""
    stuck_before = timezone.now() - datetime.timedelta(days=STUCK_AFTER_DAYS)
    overdue = overdue_questions()
    # Only the askers of overdue questions (a few) are looked up in the scope, not everyone in it.
    in_scope = set(users.filter(user__in={q.asked_by_id for q in overdue}).values_list("user", flat=True))
    return [
        Item(
            _("Question reports to review"),
            QuestionReport.objects.filter(review=QuestionReport.Review.PENDING, question__asked_by__in=users).count(),
            reverse("mentorship:reports") + "?tab=question_reports",
        ),
        Item(
            _("Ride-along approvals waiting more than %(days)s days") % {"days": STUCK_AFTER_DAYS},
            RideAlong.objects.filter(state=RideAlong.State.REQUESTED, requested_at__lt=stuck_before,
                                     trainee__in=users).count(),
            reverse("mentorship:ride_alongs") + "?state=" + RideAlong.State.REQUESTED,
        ),
        Item(
            _("Questions past their deadline"),
            sum(1 for q in overdue if q.asked_by_id in in_scope),
            reverse("mentorship:questions") + "?overdue=1",
        ),
        Item(_("Accountability records"), accountability_visible_to(user).count(), reverse("mentorship:accountability")),
    ]


def accountability_per_mentor(users):
    """``[(person, records)]``: who answers for the cohort's trainees (M10 and the rest), most first."""
    rows = (
        AccountabilityRecord.objects.filter(trainee_id__in=users)
        .values("person__profile__name", "person__username")
        .annotate(n=Count("id"))
        .order_by("-n", "person__username")[:12]
    )
    return [(r["person__profile__name"] or r["person__username"], r["n"]) for r in rows]
