"""Keep the progress rows current: each record that can change a person's progress updates it when it is written.

The receivers hang on the records themselves (``post_save`` / ``post_delete``), not on
the services that write them, so the rows follow whichever code path writes a record
(a service, the admin, a management command). They run in the writer's transaction:
the figure changes in the request that caused it, or not at all. Bulk writes that skip
signals (``bulk_create``, ``QuerySet.update``) are followed by ``manage.py rebuild_progress``.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from certificates.models import Certificate, Program
from courses.models import (
    Attempt, CourseAssignment, CourseCompletion, LessonPage, LessonRead, QuizPage, RoundGrant,
)
from lms import batching, signals
from lms.models import RoleAssignment, StaffProfile
from mentorship.models import Approval, ChecklistItem, ChecklistTopic, RideAlong, SignOff, SkillAssessment

from . import services
from .models import Progress


def _refresh(*user_ids):
    """The rows of these people, now, or once at the end of a bulk write (``lms.batching.collecting``)."""
    batching.defer("progress.refresh", services.refresh, [uid for uid in user_ids if uid is not None])


def _raw(kwargs):
    return kwargs.get("raw", False)


# --- one person's records ------------------------------------------------------------------------------


# Records of one person, and the field that names them.
PERSON = {LessonRead: "user_id", CourseCompletion: "user_id", StaffProfile: "user_id", RideAlong: "trainee_id",
          SkillAssessment: "trainee_id", ChecklistItem: "trainee_id", RoundGrant: "learner_id",
          RoleAssignment: "user_id"}  # a role given or taken: a trainee or not, counted in the cohort or not


def on_person_record(sender, instance, **kwargs):
    if not _raw(kwargs):
        _refresh(getattr(instance, PERSON[sender]))


for _model in PERSON:
    for _signal in (post_save, post_delete):
        _signal.connect(on_person_record, sender=_model, dispatch_uid=f"progress.{_model._meta.label_lower}")


@receiver(post_save, sender=Attempt, dispatch_uid="progress.attempt_saved")
def on_attempt_saved(sender, instance, created=False, update_fields=None, **kwargs):
    """A new attempt only means "started"; a finish or a mark can change everything; saving an answer changes
    nothing here."""
    if _raw(kwargs):
        return
    if created and instance.state == Attempt.State.IN_PROGRESS:
        if not services.mark_started(instance.user_id):
            _refresh(instance.user_id)  # a person without rows yet gets them whole
        return
    if update_fields is None:
        _refresh(instance.user_id)
    elif {"state", "passed", "score"} & set(update_fields):  # handed in, marked or regraded: the attempts' part
        batching.defer("progress.refresh_attempts", services.refresh_attempts, [instance.user_id])


@receiver(post_delete, sender=Attempt, dispatch_uid="progress.attempt_deleted")
def on_attempt_deleted(sender, instance, **kwargs):
    _refresh(instance.user_id)


@receiver(post_save, sender=SignOff, dispatch_uid="progress.sign_off")
@receiver(post_save, sender=Approval, dispatch_uid="progress.approval")
def on_ride_along_record(sender, instance, **kwargs):
    """Whether a ride-along counts may rest on its approvals and sign-off, not only its state."""
    if not _raw(kwargs):
        _refresh(RideAlong.objects.filter(pk=instance.ride_along_id).values_list("trainee_id", flat=True).first())


@receiver([post_save, post_delete], sender=Certificate, dispatch_uid="progress.certificate")
def on_certificate(sender, instance, **kwargs):
    """Issued, revoked, superseded or expired: only whether the holder is certified changes."""
    if not _raw(kwargs):
        services.refresh_certified([instance.holder_id])


@receiver(signals.certificates_issued, dispatch_uid="progress.certificates_issued")
def on_certificates_issued(sender, holders, **kwargs):
    """Certificates inserted together (a bulk issue): their holders' rows, in a fixed number of queries."""
    services.refresh_certified(holders)


@receiver(post_delete, sender=Progress, dispatch_uid="progress.row_deleted")
def on_row_deleted(sender, instance, **kwargs):
    """A kept row removed by any path (its person or program deleted, a profile gone): it leaves the tally.
    (A receiver here also makes Django delete the rows one by one, so cascades reach it.)"""
    if not services.recounting():
        services.count(instance.program_id, before=[instance.tally_key()])


# --- records that reach many people --------------------------------------------------------------------


@receiver(pre_save, sender=CourseAssignment, dispatch_uid="progress.assignment_before")
def before_assignment_saved(sender, instance, **kwargs):
    """Remember whom the assignment reached before it changes (its old target loses the due date)."""
    old = CourseAssignment.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._progress_reached_before = services.users_reached(old) if old else []


@receiver([post_save, post_delete], sender=CourseAssignment, dispatch_uid="progress.assignment")
def on_assignment(sender, instance, **kwargs):
    if not _raw(kwargs):
        _refresh(*(set(services.users_reached(instance)) | set(getattr(instance, "_progress_reached_before", []))))


@receiver([post_save, post_delete], sender=ChecklistTopic, dispatch_uid="progress.checklist_topic")
def on_checklist_topic(sender, instance, **kwargs):
    """A topic added, retired or removed changes whether everyone's checklist is complete."""
    if not _raw(kwargs):
        programs = list(Program.objects.filter(active=True, checklist_required=True))
        if programs:
            services.rebuild(programs=programs)


@receiver(post_save, sender=Program, dispatch_uid="progress.program")
def on_program(sender, instance, **kwargs):
    if not _raw(kwargs):
        services.rebuild(programs=[instance] if instance.active else [])


@receiver(m2m_changed, sender=Program.required_courses.through, dispatch_uid="progress.program_courses")
@receiver(m2m_changed, sender=Program.required_skills.through, dispatch_uid="progress.program_skills")
def on_program_requirements(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # a course's or skill's programs changed
        programs = Program.objects.filter(pk__in=pk_set or [], active=True) if pk_set else Program.objects.none()
        services.rebuild(programs=list(programs))
    elif instance.active:
        services.rebuild(programs=[instance])


@receiver(page_published, dispatch_uid="progress.page_published")
@receiver(page_unpublished, dispatch_uid="progress.page_unpublished")
def on_page(sender, instance, **kwargs):
    """A lesson or quiz of a required course published or withdrawn (or its quiz settings changed): the people
    who read it or handed in an attempt see their counts and risks change; nobody else's row depends on it."""
    if isinstance(instance, LessonPage):
        users = LessonRead.objects.filter(lesson_id=instance.pk).values_list("user_id", flat=True)
    elif isinstance(instance, QuizPage):
        users = Attempt.objects.filter(quiz_id=instance.pk).order_by().values_list("user_id", flat=True).distinct()
    else:
        return
    if Program.objects.filter(active=True, required_courses=instance.get_parent().pk).exists():
        services.refresh(set(users))


# The apps whose records the rows are computed from: a migration of theirs may change the records or the rules
# read from them (e.g. the evidence a ride-along needs to count), so the rows are recomputed after it.
SOURCE_APPS = {"certificates", "courses", "lms", "mentorship", "progress"}


def build_rows_after_migrate(sender, using="default", plan=None, **kwargs):
    """After ``migrate``: the rows are (re)built when there are none yet (the first migrate to this app on an
    existing installation) or when a migration of the apps they are computed from was applied, so the cockpit
    never shows stale or empty figures for want of a ``rebuild_progress``."""
    if not StaffProfile.objects.using(using).exists() or not Program.objects.using(using).filter(active=True).exists():
        return
    migrated = any(not backwards and migration.app_label in SOURCE_APPS for migration, backwards in plan or [])
    if migrated or not Progress.objects.using(using).exists():
        services.rebuild()
