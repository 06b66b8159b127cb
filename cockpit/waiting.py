"""What waits for the training lead: counts that link to the page where it is dealt with.

Each item is the owning app's own queue (``courses.services.essays_to_mark_for``,
``certificates.services.open_refreshers_for``, ``mentorship.queues``), the same the
lead's home counts, so the two pages show the same numbers. The countable ones are
counted in one round trip.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from certificates.services import open_refreshers_for, overrides_for
from courses.services import essays_to_mark_for
from lms.counting import count_each
from mentorship import queues
from mentorship.models import AccountabilityRecord, RideAlong


@dataclass
class Item:
    label: str
    count: int
    url: str
    key: str = ""


def count_of(items, key):
    """The count of the item ``key`` among ``for_lead``'s items."""
    return next(item.count for item in items if item.key == key)


def for_lead(user, *, without_mentor=None):
    """The lead's waiting items, counted in one round trip. ``without_mentor``: the trainees of the lead's scope
    without a mentor as a queryset of the same people found another way (the cockpit's kept progress rows, read
    by an index), counted instead of ``mentorship.queues.trainees_without_mentor``."""
    counts = count_each(
        essays=essays_to_mark_for(user),
        refreshers=open_refreshers_for(user),
        reports=queues.question_reports_to_review(user),
        approvals=queues.approvals_waiting(user),
        accountability=queues.accountability_records(user),
        without_mentor=queues.trainees_without_mentor(user) if without_mentor is None else without_mentor,
        overrides=overrides_for(user),
    )
    return [
        Item(_("Essays to mark"), counts["essays"], reverse("courses:marking")),
        Item(_("Refreshers not done"), counts["refreshers"], reverse("certificates:refreshers")),
        Item(_("Question reports to review"), counts["reports"],
             reverse("mentorship:reports") + "?tab=question_reports&pending=1"),
        Item(_("Ride-along approvals waiting more than %(days)s days") % {"days": queues.STUCK_AFTER_DAYS},
             counts["approvals"], reverse("mentorship:ride_alongs") + "?stuck=1"),
        Item(_("Questions past their deadline"), len(queues.overdue_questions_for(user)),
             reverse("mentorship:questions") + "?overdue=1"),
        Item(_("Accountability records"), counts["accountability"], reverse("mentorship:accountability")),
        Item(_("Trainees without a mentor"), counts["without_mentor"], reverse("mentorship:assign_mentor"),
             key="without_mentor"),
        Item(_("Certificates issued by override"), counts["overrides"], reverse("certificates:list") + "?override=yes"),
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
