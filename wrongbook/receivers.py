"""Every graded quiz answer (certifying and practice) files its clauses in the 错题本; the cohort's tally of weak
clauses follows the people (``wrongbook.tally``): a profile or a role written or removed moves their entries to
their new place in the same transaction, a person deleted takes theirs out of it first."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from lms import batching
from lms.models import RoleAssignment, StaffProfile
from lms.signals import answers_graded

from . import tally
from .services import file_quiz_answers


@receiver(answers_graded, dispatch_uid="wrongbook.file_quiz_answers")
def _file_quiz_answers(sender, *, user_id, answers, **kwargs):
    file_quiz_answers(user_id=user_id, answers=answers)


def _replace(sender, instance, **kwargs):
    """A person's region or trainee standing may have changed: their entries follow (once per bulk write)."""
    if not kwargs.get("raw", False):
        batching.defer("wrongbook.tally.replace", tally.replace, [instance.user_id])


for _model in (StaffProfile, RoleAssignment):
    for _signal in (post_save, post_delete):
        _signal.connect(_replace, sender=_model, dispatch_uid=f"wrongbook.tally.{_model._meta.label_lower}")


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="wrongbook.tally.user_deleted")
def _forget(sender, instance, **kwargs):
    tally.forget(instance.pk)
