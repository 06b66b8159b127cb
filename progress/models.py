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


def standings(row, today=None):
    """The Python face of the four conditions above, for a row given as a dict of its fields (a ``Tally`` row or
    a progress row's values): ``{name: whether the row counts under it}``. Each is the ``Q`` above, read on one
    row: the cockpit counts a few dozen tally rows with it instead of compiling a query of a dozen filtered sums
    (the tests check both faces count the same people)."""
    today = today or timezone.localdate()
    certified = bool(row["certified"]) and (row["certified_until"] is None or row["certified_until"] >= today)
    overdue = row["due_on"] is not None and row["due_on"] < today
    return {"certified": certified, "at_risk": bool(row["at_risk"]) and not certified, "overdue": overdue,
            "on_track": not certified and not row["at_risk"] and not overdue}


class Progress(models.Model):
    """One person's standing in one certification program (see the module docstring)."""

    FIELDS = ["met", "missing", "facts", "met_count", "started", "theory_done", "complete", "certified",
              "certified_until", "at_risk", "risks", "due_on", "quizzes_tried", "quizzes_passed", "region_id",
              "trainee"]
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
    # Who the person is in the cohort, kept with the row so the rows can be counted per region (``Tally``): their
    # region and whether they are a trainee (``lms.cohort.trainee_q``).
    region = models.ForeignKey("lms.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("region"))
    trainee = models.BooleanField(_("trainee"), default=False)
    changed_at = models.DateTimeField(_("last change"), default=timezone.now)

    class Meta:
        verbose_name = _("certification progress")
        verbose_name_plural = _("certification progress")
        constraints = [models.UniqueConstraint(fields=["program", "user"], name="one_progress_per_program")]
        # A program's trainees of some regions, read from the index alone (``cockpit.services.cohort_member_rows``).
        indexes = [models.Index(fields=["program", "region", "trainee", "user"], name="progress_cohort_place")]

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

    def tally_key(self):
        """The row's place in the ``Tally`` of its program, or None when it is not counted (not a trainee)."""
        return tally_key(self.__dict__)


def tally_key(values):
    """``Tally.KEY`` of a row given as a dict of its fields (a kept row's ``__dict__`` or ``compute``'s values)."""
    return tuple(values[name] for name in Tally.KEY) if values["trainee"] else None


class Tally(models.Model):
    """How many trainees of a region stand the same way in a program: the kept progress rows counted.

    One row per program, region and standing (every column the cockpit's figures are conditions on, with the
    same names as ``Progress``'s, so ``certified_q`` and the others count these rows as they count the people),
    and ``n`` people. It changes in the same transaction as the progress rows (``progress.services``), so the
    dashboard adds up a few hundred rows instead of reading ten thousand people, and is never behind them.
    The dates stay dates (compared with today when counted), so nothing goes stale overnight. Two writers
    adding the same new standing at once may each insert a row: the figures are sums, so they still add up.
    """

    KEY = ["region_id", "started", "theory_done", "complete", "certified", "certified_until", "at_risk", "due_on",
           "quizzes_tried", "quizzes_passed"]

    # No database constraints: a program or region removed leaves rows nobody counts (``rebuild`` drops them).
    program = models.ForeignKey("certificates.Program", on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="+")
    region = models.ForeignKey("lms.Region", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+")
    started = models.BooleanField(default=False)
    theory_done = models.BooleanField(default=False)
    complete = models.BooleanField(default=False)
    certified = models.BooleanField(default=False)
    certified_until = models.DateField(null=True)
    at_risk = models.BooleanField(default=False)
    due_on = models.DateField(null=True)
    quizzes_tried = models.BigIntegerField(default=0)
    quizzes_passed = models.BigIntegerField(default=0)
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["program", "region"], name="tally_program_region")]

    def __str__(self):
        return f"{self.program_id} · {self.region_id} · {self.n}"


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
