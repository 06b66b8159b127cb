"""Reactions to domain events: re-check only the person the event is about."""

from django.dispatch import receiver
from wagtail.signals import page_published

from lms import signals


def _check(user):
    from .services import issue_if_eligible

    issue_if_eligible(user)


@receiver(signals.course_completed, dispatch_uid="certificates.course_completed")
def on_course_completed(sender, user, **kwargs):
    _check(user)


@receiver(signals.ride_along_signed_off, dispatch_uid="certificates.ride_along_signed_off")
def on_ride_along_signed_off(sender, trainee, **kwargs):
    _check(trainee)


@receiver(signals.skill_assessed, dispatch_uid="certificates.skill_assessed")
def on_skill_assessed(sender, trainee, **kwargs):
    _check(trainee)


@receiver(signals.checklist_completed, dispatch_uid="certificates.checklist_completed")
def on_checklist_completed(sender, trainee, **kwargs):
    _check(trainee)


@receiver(page_published, dispatch_uid="certificates.lesson_published")
def on_page_published(sender, instance, revision=None, **kwargs):
    """A lesson published as a material change (重大修订) gives certificate holders a refresher."""
    from courses.models import LessonPage

    from .services import assign_refreshers

    if not isinstance(instance, LessonPage) or not instance.material_change:
        return
    assign_refreshers(instance, revision_id=revision.pk if revision is not None else None)
