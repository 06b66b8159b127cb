"""M7: the culture and system topics a mentor passes on, each acknowledged by the trainee."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from lms.signals import checklist_completed

from ..access import is_current_mentor
from ..models import ChecklistItem, ChecklistTopic
from .common import confirm_once


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
    item = confirm_once(ChecklistItem.objects, item, stamp="acknowledged_at",
                        require=lambda i: i.require(trainee, ChecklistItem.Action.ACKNOWLEDGE))
    if checklist_complete(trainee):
        transaction.on_commit(lambda: checklist_completed.send(sender=ChecklistItem, trainee=trainee))
    return item
