"""The 错题本 (wrong-answer book): the clauses each learner keeps getting wrong, and their spaced practice.

Every graded answer on a clause-tagged question, in a quiz (certifying or practice) or in a drill, is a
``ClauseAnswer``: the record of what happened. A ``BookEntry`` is one clause's standing in one learner's
book, worked out from those records by one rule (``replay``) whenever an answer arrives; it is what pages
read (the learner's book, the mentor's view, the lead's heat map), so they never replay the history.

The rule:

- a wrong answer files the clause (again): it is in the book, its right answers start over;
- it is practised again 1, 3 and 7 days after the last wrong answer (``SPACING_DAYS``; then every 7 days),
  a drill drawing other questions of the clause (``Drill``);
- it leaves the book after right answers on two different days after that wrong answer (``DAYS_TO_LEAVE``;
  a right answer on the day it was filed, minutes after reading the lesson, shows no retention).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from courses.models import Question, SnapshotOptionsMixin, split_clause_ids

SPACING_DAYS = (1, 3, 7)
DAYS_TO_LEAVE = 2
DRILL_SIZE = 5  # questions per drill
DRILL_PER_CLAUSE = 2  # at most this many questions of one clause in a drill


def due_offset(days_since_wrong):
    """Days after the last wrong answer when a clause practised ``days_since_wrong`` days after it is due next:
    the first of 1, 3, 7, 14, 21… after that day."""
    for offset in SPACING_DAYS:
        if offset > days_since_wrong:
            return offset
    last = SPACING_DAYS[-1]
    return last * (days_since_wrong // last + 1)


def replay(answers):
    """One clause's standing in the book from its answers (``(answered_at, correct, from_drill)`` in time order).

    Returns a dict of ``BookEntry`` fields: the one place the rule of the book is written (module docstring).
    """
    state = dict(in_book=False, wrong_count=0, right_count=0, practised_count=0, first_filed_at=None,
                 filed_at=None, right_days=0, due_on=None, left_at=None, last_answered_at=None)
    right_days = set()
    last_day = None  # the latest day with an answer since the last wrong one
    for answered_at, correct, from_drill in answers:
        day = timezone.localdate(answered_at)
        state["last_answered_at"] = answered_at
        state["practised_count"] += 1 if from_drill else 0
        if not correct:
            state["wrong_count"] += 1
            state["in_book"] = True
            state["first_filed_at"] = state["first_filed_at"] or answered_at
            state["filed_at"] = answered_at
            state["left_at"] = None
            right_days = set()
            last_day = day
            continue
        state["right_count"] += 1
        if not state["in_book"]:
            continue
        last_day = max(last_day, day)
        if day > timezone.localdate(state["filed_at"]):
            right_days.add(day)
        if len(right_days) >= DAYS_TO_LEAVE:
            state["in_book"] = False
            state["left_at"] = answered_at
    state["right_days"] = len(right_days)
    if state["in_book"]:
        filed_day = timezone.localdate(state["filed_at"])
        state["due_on"] = filed_day + datetime.timedelta(days=due_offset((last_day - filed_day).days))
    return state


class ClauseAnswer(models.Model):
    """One right or wrong answer on one clause: from a quiz attempt (certifying or practice) or a drill.

    A question testing two clauses gives two rows. A marker who changes an essay's verdict replaces the rows of
    that answer (``services.file_quiz_answers``), so the book follows the final mark.
    """

    class Source(models.TextChoices):
        QUIZ = "quiz", _("Quiz")
        DRILL = "drill", _("Drill")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clause_answers",
                             verbose_name=_("learner"))
    clause_id = models.CharField(_("clause"), max_length=40)
    correct = models.BooleanField(_("right"))
    answered_at = models.DateTimeField(_("answered at"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    attempt_question = models.ForeignKey("courses.AttemptQuestion", null=True, blank=True, on_delete=models.CASCADE,
                                         related_name="+")
    drill_item = models.ForeignKey("DrillItem", null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("answer on a clause")
        verbose_name_plural = _("answers on clauses")
        ordering = ["answered_at", "pk"]
        indexes = [models.Index(fields=["user", "clause_id", "answered_at"], name="clauseanswer_user_clause")]
        constraints = [
            models.UniqueConstraint(fields=["attempt_question", "clause_id"], name="clauseanswer_one_per_quiz_answer",
                                    condition=Q(attempt_question__isnull=False)),
            models.UniqueConstraint(fields=["drill_item", "clause_id"], name="clauseanswer_one_per_drill_answer",
                                    condition=Q(drill_item__isnull=False)),
        ]

    def __str__(self):
        return f"{self.user} · {self.clause_id} · {'✓' if self.correct else '✗'}"


class BookEntryQuerySet(models.QuerySet):
    def in_book(self):
        return self.filter(in_book=True)

    def due(self, today):
        """Clauses in the book whose next practice day has come."""
        return self.filter(in_book=True, due_on__lte=today)


class BookEntry(models.Model):
    """One clause's standing in one learner's 错题本, kept current from ``ClauseAnswer`` by ``replay``.

    Entries are never edited by hand: ``services.refresh_entries`` writes them from the answers.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wrongbook_entries",
                             verbose_name=_("learner"))
    clause_id = models.CharField(_("clause"), max_length=40)
    in_book = models.BooleanField(_("in the book"), default=False)
    wrong_count = models.PositiveIntegerField(_("wrong answers"), default=0)
    right_count = models.PositiveIntegerField(_("right answers"), default=0)
    practised_count = models.PositiveIntegerField(_("drill answers"), default=0)
    first_filed_at = models.DateTimeField(_("first filed at"), null=True, blank=True)
    filed_at = models.DateTimeField(_("last wrong answer at"), null=True, blank=True)
    right_days = models.PositiveSmallIntegerField(_("days right since"), default=0)
    due_on = models.DateField(_("practise again on"), null=True, blank=True)
    left_at = models.DateTimeField(_("left the book at"), null=True, blank=True)
    last_answered_at = models.DateTimeField(_("last answered at"), null=True, blank=True)
    # Where the learner is counted in a cohort, kept with the entry so the entries can be counted per region
    # (``ClauseTally``): their region and whether they are a trainee (``lms.cohort.trainee_q``), kept current by
    # ``wrongbook.tally`` when the entry is written and when the person's profile or roles change.
    region = models.ForeignKey("lms.Region", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+", verbose_name=_("region"))
    trainee = models.BooleanField(_("trainee"), default=False)

    objects = BookEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("wrong-answer book entry")
        verbose_name_plural = _("wrong-answer book entries")
        ordering = ["due_on", "-wrong_count", "clause_id"]
        constraints = [models.UniqueConstraint(fields=["user", "clause_id"], name="bookentry_one_per_clause")]
        indexes = [models.Index(fields=["user", "in_book", "due_on"], name="bookentry_user_due")]

    def __str__(self):
        return f"{self.user} · {self.clause_id}"

    @property
    def course_code(self):
        return self.clause_id.split("-")[0]

    def is_due(self, today=None):
        return self.in_book and self.due_on is not None and self.due_on <= (today or timezone.localdate())

    @property
    def heat(self):
        return self.shade(self.in_book, self.wrong_count)

    @staticmethod
    def shade(in_book, wrong_count):
        """The heat-map shade of an entry with these fields: "1"–"3" in the book (by wrong answers), "left" once it
        left, "0" never wrong (the heat map reads the two fields, not whole entries)."""
        if not in_book:
            return "left" if wrong_count else "0"
        return str(min(wrong_count, 3))

    @property
    def days_still_needed(self):
        return max(0, DAYS_TO_LEAVE - self.right_days)


class ClauseTally(models.Model):
    """How many trainees of a region have a clause in their book: the book entries counted (the heat map's totals).

    ``n`` is the number of entries in the book (``in_book``) of trainees (``trainee``) of ``region`` on
    ``clause_id``. It moves in the same transaction as the entries (``wrongbook.tally``), so the lead's heat map
    adds up a few rows per region instead of reading every entry of the cohort, and is never behind them. Two
    writers adding the same new (region, clause) at once may each insert a row: the figures are sums, so they
    still add up. ``manage.py rebuild_wrongbook_tally`` counts it again from the entries.
    """

    # No database constraint: a region removed leaves rows nobody counts (the rebuild drops them).
    region = models.ForeignKey("lms.Region", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+")
    clause_id = models.CharField(max_length=40)
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["region", "clause_id"], name="clausetally_region_clause")]

    def __str__(self):
        return f"{self.region_id} · {self.clause_id} · {self.n}"


class Drill(models.Model):
    """A short practice of the clauses due in a learner's book: other questions of the same clauses.

    The questions are copied when the drill starts (like a quiz attempt); each answer is checked as it is
    given and then shows the right answer and the explanation, never before. One open drill per learner.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drills",
                             verbose_name=_("learner"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user"], condition=Q(finished_at__isnull=True),
                                               name="one_open_drill_per_learner")]

    def __str__(self):
        return f"{self.user} · {self.started_at:%Y-%m-%d}"

    @property
    def is_open(self):
        return self.finished_at is None


class DrillItem(SnapshotOptionsMixin, models.Model):
    """A question of a drill as it was when drawn, for the clause ``clause_id``, and the learner's answer."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    clause_id = models.CharField(_("clause practised"), max_length=40)
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    type = models.CharField(_("type"), max_length=12, choices=Question.Type.choices)
    stem = models.TextField(_("question"))
    options = models.JSONField(_("options"), default=list)
    explanation = models.TextField(_("explanation"), blank=True)
    clause_ids = models.CharField(_("clause ids"), max_length=255, blank=True)
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    image_alt = models.CharField(_("image alternative text"), max_length=255, blank=True)
    selected = models.JSONField(_("selected options"), default=list, blank=True)
    correct = models.BooleanField(_("right"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # False for a question of a certifying quiz the learner has not passed yet: once answered the drill says right
    # or wrong and links the lesson, but shows neither the right option nor the explanation (the quiz engine hides
    # them between a certifying quiz's retries; a drill does not reveal them either).
    may_reveal = models.BooleanField(_("shows the right answer once answered"), default=True)

    SNAPSHOT_FIELDS = ("question", "type", "stem", "options", "explanation", "clause_ids", "image", "image_alt")

    class Meta:
        verbose_name = _("drill question")
        verbose_name_plural = _("drill questions")
        ordering = ["drill", "order"]
        constraints = [models.UniqueConstraint(fields=["drill", "order"], name="drillitem_order_unique")]

    def __str__(self):
        return self.stem[:60]

    @property
    def is_answered(self):
        return self.answered_at is not None

    def clause_id_list(self):
        return split_clause_ids(self.clause_ids)


# --- observation checklists (观察清单) -------------------------------------------------------------

CLAUSE_ID_PATTERN = r"^[A-Z][A-Z0-9]*-\d{2,3}$"


class ObservationChecklist(ClusterableModel):
    """A checklist of observable behaviours, each tied to a clause (观察清单), kept by editors in the admin.

    At a ride-along's sign-off the mentor scores the items of the checklists that apply to the trip
    (``for_ride_along``): on-site conduct checklists on every trip (ride-alongs are on-site service), the others
    when their skill is one of the trip's.
    """

    class Kind(models.TextChoices):
        SKILL = "skill", _("Skill")
        ONSITE = "onsite", _("On-site service")
        COUNTER = "counter", _("Counter service")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SKILL)
    skill = models.ForeignKey("mentorship.Skill", verbose_name=_("skill"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="observation_checklists",
                              help_text=_("The checklist is scored on trips covering this skill (on-site checklists "
                                          "on every trip)."))
    active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldPanel("name"), FieldPanel("kind"), FieldPanel("skill"), FieldPanel("active"),
        InlinePanel("items", label=_("Observable behaviours"), min_num=1),
    ]

    class Meta:
        verbose_name = _("observation checklist")
        verbose_name_plural = _("observation checklists")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind != self.Kind.ONSITE and self.skill_id is None:
            raise ValidationError({"skill": _("Choose the skill this checklist observes (only on-site checklists "
                                              "apply to every trip).")})

    @classmethod
    def for_ride_along(cls, ride_along):
        """The active checklists scored at ``ride_along``'s sign-off, with their items (two queries)."""
        return list(cls.objects.filter(active=True)
                    .filter(Q(kind=cls.Kind.ONSITE) | Q(skill__in=ride_along.skills.all()))
                    .select_related("skill").prefetch_related("items").order_by("kind", "name"))


class ObservationItem(Orderable):
    """One observable behaviour of a checklist, e.g. 迎声: 客户走近时起身问候, and the clause it shows."""

    checklist = ParentalKey(ObservationChecklist, on_delete=models.CASCADE, related_name="items")
    behaviour = models.CharField(_("observable behaviour"), max_length=200)
    clause_id = models.CharField(
        _("clause"), max_length=40, validators=[RegexValidator(CLAUSE_ID_PATTERN, _("Use a clause id such as "
                                                                                    "WIN-05."))],
        help_text=_("The clause of the standards this behaviour shows, e.g. HALL-04."))

    panels = [FieldPanel("behaviour"), FieldPanel("clause_id")]

    class Meta(Orderable.Meta):
        verbose_name = _("observable behaviour")
        verbose_name_plural = _("observable behaviours")

    def __str__(self):
        return f"{self.clause_id} {self.behaviour}"


class Observation(models.Model):
    """A checklist as the mentor scored it at a sign-off: written once with the sign-off, never edited.

    ``key`` is the form's idempotency key: the same form sent twice (double tap, reload, a retry after a lost
    connection) finds the sign-off it already made instead of making another.
    """

    class Score(models.TextChoices):
        WELL = "well", _("Observed well")
        NEEDS_WORK = "needs_work", _("Needs work")
        NOT_SEEN = "not_seen", _("Not seen")

    sign_off = models.ForeignKey("mentorship.SignOff", verbose_name=_("sign-off"), on_delete=models.PROTECT,
                                 related_name="observations")
    checklist = models.ForeignKey(ObservationChecklist, verbose_name=_("checklist"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    checklist_name = models.CharField(_("checklist"), max_length=100)
    skill = models.ForeignKey("mentorship.Skill", verbose_name=_("skill"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ObservationItem, null=True, on_delete=models.SET_NULL, related_name="+")
    behaviour = models.CharField(_("observable behaviour"), max_length=200)
    clause_id = models.CharField(_("clause"), max_length=40)
    score = models.CharField(_("score"), max_length=12, choices=Score.choices)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scored by"), on_delete=models.PROTECT,
                                  related_name="+")
    scored_at = models.DateTimeField(_("scored at"), default=timezone.now)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["sign_off", "pk"]

    def __str__(self):
        return f"{self.clause_id} {self.behaviour} · {self.get_score_display()}"

    @property
    def needs_work(self):
        return self.score == self.Score.NEEDS_WORK


class SignOffSubmission(models.Model):
    """The idempotency key of a sent sign-off form and the sign-off it made (one per key)."""

    key = models.UUIDField(_("idempotency key"), unique=True)
    sign_off = models.OneToOneField("mentorship.SignOff", on_delete=models.PROTECT, related_name="submission")
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("sign-off submission")
        verbose_name_plural = _("sign-off submissions")

    def __str__(self):
        return str(self.key)
