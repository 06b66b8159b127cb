"""Each person's progress toward each certification program, kept current.

A ``Progress`` row says, for one person and one active program, which requirements
are met and which are missing (with each requirement's facts: lessons read, ride-alongs
signed off, the latest skill result…), whether they are certified, at risk and why,
when an assigned course falls due, and when any of it last changed. The rows are
updated in the same transaction as the records that change them (``receivers``), and
``manage.py rebuild_progress`` recomputes them from those records. The cockpit, its
exports, the person page and the homes read them, so a cohort of 10,000 costs one
narrow table scan instead of every attempt and sign-off.

Facts that depend on the date are stored as dates and compared with today when read:
a certificate's expiry (``certified_until``) and the earliest due date of an assigned
course not yet completed (``due_on``), so nothing goes stale overnight.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


# Conditions over progress rows, for counting a cohort in one query; the date is today unless given.


def certified_q(today=None):
    """Holds a certificate of the program that is valid (not revoked or superseded) and not past its expiry."""
    today = today or timezone.localdate()
    return Q(certified=True) & (Q(certified_until__isnull=True) | Q(certified_until__gte=today))


def overdue_q(today=None):
    """An assigned course past its due date and not completed."""
    return Q(due_on__lt=today or timezone.localdate())


def at_risk_q(today=None):
    """At risk and not certified (a certified person is past the risk)."""
    return Q(at_risk=True) & ~certified_q(today)


def on_track_q(today=None):
    """Neither certified, at risk nor overdue."""
    return ~certified_q(today) & Q(at_risk=False) & ~overdue_q(today)


class Progress(models.Model):
    """One person's standing in one certification program (see the module docstring)."""

    FIELDS = ["met", "missing", "facts", "met_count", "started", "theory_done", "complete", "certified",
              "certified_until", "at_risk", "risks", "due_on", "quizzes_tried", "quizzes_passed"]
    # A change of any of these is a change of the person's standing (``changed_at``); facts alone are not.
    STANDING = ["met", "missing", "complete", "certified", "certified_until", "at_risk", "risks"]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress",
                             verbose_name=_("person"))
    program = models.ForeignKey("certificates.Program", on_delete=models.CASCADE, related_name="progress",
                                verbose_name=_("program"))
    met = models.JSONField(_("requirements met"), default=list)
    missing = models.JSONField(_("requirements missing"), default=list)
    facts = models.JSONField(_("facts"), default=dict, help_text=_("Each requirement's facts for the person."))
    met_count = models.PositiveSmallIntegerField(_("requirements met (number)"), default=0)
    started = models.BooleanField(_("started"), default=False)
    theory_done = models.BooleanField(_("required courses completed"), default=False)
    complete = models.BooleanField(_("every requirement met"), default=False)
    certified = models.BooleanField(_("holds a valid certificate"), default=False)
    certified_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    at_risk = models.BooleanField(_("at risk"), default=False)
    risks = models.JSONField(_("why at risk"), default=list)
    due_on = models.DateField(_("next course due on"), null=True, blank=True)
    # The program's counted quizzes the person has finished an attempt of, and passed: one bit per quiz (its
    # ``QuizSlot``), so the cockpit counts each quiz's pass rate over a cohort without reading attempts.
    quizzes_tried = models.BigIntegerField(_("quizzes tried"), default=0)
    quizzes_passed = models.BigIntegerField(_("quizzes passed"), default=0)
    changed_at = models.DateTimeField(_("last change"), default=timezone.now)

    class Meta:
        verbose_name = _("certification progress")
        verbose_name_plural = _("certification progress")
        constraints = [models.UniqueConstraint(fields=["program", "user"], name="one_progress_per_program")]

    def __str__(self):
        return f"{self.user} · {self.program_id}"

    def values(self):
        """The computed fields, for comparing a kept row with a recomputed one."""
        return {name: getattr(self, name) for name in self.FIELDS}

    def is_certified(self, today=None):
        today = today or timezone.localdate()
        return self.certified and (self.certified_until is None or self.certified_until >= today)

    def is_overdue(self, today=None):
        return self.due_on is not None and self.due_on < (today or timezone.localdate())


class QuizSlot(models.Model):
    """The bit of a counted quiz in the progress rows of a program (``quizzes_tried`` / ``quizzes_passed``).

    Assigned the first time the quiz counts toward the program and never reused, so adding
    a quiz does not move the others' bits.
    """

    LIMIT = 62  # bits 0–61 of a signed 64-bit integer, on every database

    program = models.ForeignKey("certificates.Program", on_delete=models.CASCADE, related_name="+")
    quiz = models.ForeignKey("courses.QuizPage", on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "quiz"], name="one_slot_per_quiz"),
            models.UniqueConstraint(fields=["program", "slot"], name="one_quiz_per_slot"),
        ]

    def __str__(self):
        return f"{self.program_id} · {self.quiz_id} → {self.slot}"

    @classmethod
    def of(cls, program, quiz_ids, *, assign=True):
        """``{quiz id: bit}`` of these quizzes in ``program``; new quizzes get the next free bits when ``assign``."""
        slots = dict(cls.objects.filter(program=program).values_list("quiz_id", "slot"))
        new = [pk for pk in sorted(quiz_ids) if pk not in slots]
        if new and assign:
            free = (n for n in range(cls.LIMIT) if n not in set(slots.values()))
            cls.objects.bulk_create([cls(program=program, quiz_id=pk, slot=n) for pk, n in zip(new, free)],
                                    ignore_conflicts=True)  # a simultaneous assignment wins; read back below
            slots = dict(cls.objects.filter(program=program).values_list("quiz_id", "slot"))
        return {pk: 1 << slots[pk] for pk in quiz_ids if pk in slots}
