"""What waits for the training lead: counts that link to the page where it is dealt with.

Each item reads the owning app's own queue, so the counts match those pages.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from certificates.models import Refresher
from courses.services import marking_queue
from lms.access import visible_profiles


@dataclass
class Item:
    label: str
    count: int
    url: str


def _url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def for_lead(user):
    users = visible_profiles(user).values("user")
    items = [
        Item(_("Essays to mark"), marking_queue(user).count(), _url("courses:marking")),
        Item(
            _("Refreshers not done"),
            Refresher.objects.filter(holder__in=users, completed_at__isnull=True).count(),
            _url("certificates:refreshers"),
        ),
    ]
    items.extend(_mentorship_items(user, users))
    return items


def _mentorship_items(user, users):
    """Reports to review, stuck approvals and overdue questions, when the mentorship app provides them."""
    try:
        from mentorship import services
    except ImportError:  # pragma: no cover
        return []
    hook = getattr(services, "waiting_for_lead", None)
    return [Item(label, count, url) for label, count, url in hook(user)] if hook else []


def accountability_per_mentor(user_ids):
    """``[(person, records)]``: who answers for the cohort's trainees (M10 and the rest), most first."""
    try:
        Record = apps.get_model("mentorship", "AccountabilityRecord")
    except LookupError:  # the mentorship regulation is not migrated yet
        return []
    rows = (
        Record.objects.filter(trainee_id__in=user_ids)
        .values("person__profile__name", "person__username")
        .annotate(n=Count("id"))
        .order_by("-n", "person__username")[:12]
    )
    return [(r["person__profile__name"] or r["person__username"], r["n"]) for r in rows]
