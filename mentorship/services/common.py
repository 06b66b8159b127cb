"""What the rule groups share: accountability records and "confirm once"."""

from django.db import transaction
from django.utils import timezone

from .. import notifications
from ..models import AccountabilityRecord


def add_accountability(**fields):
    """An accountability record (M3, M6, M8, M10); the training lead hears of it after commit."""
    record = AccountabilityRecord.objects.create(**fields)
    transaction.on_commit(lambda: notifications.accountability_recorded(record))
    return record


def confirm_once(queryset, record, *, stamp, require, **completion):
    """Stamp a record as confirmed now, once: the row is locked, ``require(locked_record)`` lets the record's
    workflow refuse (the wrong person → ``PermissionDenied``, already confirmed → ``ValidationError``), then
    ``stamp`` is set to now and saved with the ``completion`` fields."""
    record = queryset.select_for_update().get(pk=record.pk)
    require(record)
    setattr(record, stamp, timezone.now())
    for field, value in completion.items():
        setattr(record, field, value)
    record.save(update_fields=[stamp, *completion])
    return record
