"""传帮带 (mentoring) records. See ../shared/DOMAIN.md, rules M1–M13.

Every approval, sign-off, assessment and report records who and when. Such
records derive from ``AuditedRecord``: once saved they cannot be changed
except for the few fields that record a later, separate act (a trainee's
confirmation, a review); a correction is a new row (``SignOffAmendment``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class RecordLocked(ValidationError):
    """Raised when code tries to change an audited record after it was submitted."""


class AuditedRecord(models.Model):
    """A record that is written once and then only completed, never edited.

    ``completion_fields`` names the fields a later act may fill in (through
    ``save(update_fields=[...])``); any other change after the first save, and
    any deletion, raises ``RecordLocked``.
    """

    completion_fields: frozenset = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= set(self.completion_fields):
                raise RecordLocked(_("This record has been submitted and can no longer be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordLocked(_("This record has been submitted and can no longer be deleted."))


class MentorAssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on))


class MentorAssignment(models.Model):
    """A mentor (导师, a 转正 employee) assigned to a trainee for a period (M1).

    Reassignment ends the current row and opens a new one, so the history of
    who guided whom, and when, is kept.
    """

    trainee = models.ForeignKey(
        USER, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="mentor_assignments_as_trainee"
    )
    mentor = models.ForeignKey(
        USER, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="mentor_assignments_as_mentor"
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        USER, verbose_name=_("assigned by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MentorAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor assignment")
        verbose_name_plural = _("mentor assignments")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="mentor_assignment_end_after_start",
            ),
            models.CheckConstraint(condition=~Q(trainee=models.F("mentor")), name="mentor_is_not_trainee"),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.trainee}"

    def clean(self):
        profile = getattr(self.mentor, "profile", None) if self.mentor_id else None
        if self.mentor_id and (profile is None or not profile.is_regular):
            raise ValidationError({"mentor": _("Only a regular (转正) employee can be a mentor.")})


class Skill(models.Model):
    """A service type or product a trainee must master (M9, M10); the catalogue assessments use."""

    class Kind(models.TextChoices):
        SERVICE_TYPE = "service_type", _("Service type")
        PRODUCT = "product", _("Product")
        GENERAL = "general", _("General problem handling")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SERVICE_TYPE)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class RideAlongQuerySet(models.QuerySet):
    def counting_toward_certificate(self):
        """The ride-alongs that count toward a certificate: the one definition every reader uses (issuing,
        progress, cockpit, exports). Evidence rules on what makes a trip count are added here and nowhere else."""
        return self.filter(state=RideAlong.State.SIGNED_OFF)


class RideAlong(models.Model):
    """A ride-along (老带新 上门服务): the mentor takes the trainee on on-site service (M6, M8, M9).

    The state moves requested → approved → started → completed → signed off;
    one rejection closes it. A trip recorded as completed without the three
    approvals is not reimbursable and flags the mentor (M6).
    """

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        STARTED = "started", _("Under way")
        COMPLETED = "completed", _("Completed, waiting for sign-off")
        SIGNED_OFF = "signed_off", _("Signed off")

    class Bearer(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        TRAINEE = "trainee", _("Trainee")

    trainee = models.ForeignKey(USER, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="ride_alongs")
    mentor = models.ForeignKey(
        USER, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="ride_alongs_led"
    )
    destination_region = models.ForeignKey(
        "lms.Region", verbose_name=_("destination region"), on_delete=models.PROTECT, related_name="+"
    )
    cities = models.JSONField(_("cities"), default=list)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    skills = models.ManyToManyField(
        Skill, verbose_name=_("service types and products"), blank=True, related_name="ride_alongs"
    )
    purpose = models.TextField(_("purpose"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REQUESTED)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    expense_guidance_owed = models.BooleanField(
        _("expense-filing guidance owed"),
        default=True,
        help_text=_("Worked out when the trip is requested (M8)."),
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_by = models.ForeignKey(
        USER, verbose_name=_("started by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("recorded as happened at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        USER, verbose_name=_("recorded as happened by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_before_trip = models.BooleanField(_("approved before the trip"), null=True, blank=True)
    reimbursable = models.BooleanField(_("travel costs reimbursable"), null=True, blank=True)
    # M8: expense filing on this trip.
    expenses_filed = models.BooleanField(_("trainee filed expenses"), null=True, blank=True)
    expense_filing_guided = models.BooleanField(_("mentor guided the filing"), null=True, blank=True)
    expense_total_yuan = models.DecimalField(
        _("total claim (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    expense_recorded_at = models.DateTimeField(_("expenses recorded at"), null=True, blank=True)
    expense_recorded_by = models.ForeignKey(
        USER, verbose_name=_("expenses recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    filing_problem = models.TextField(_("filing problem"), blank=True)
    filing_problem_bearer = models.CharField(
        _("who bears the filing problem"), max_length=16, choices=Bearer.choices, blank=True
    )
    filing_problem_recorded_at = models.DateTimeField(_("filing problem recorded at"), null=True, blank=True)

    objects = RideAlongQuerySet.as_manager()

    class Meta:
        verbose_name = _("ride-along")
        verbose_name_plural = _("ride-alongs")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="ride_along_end_after_start"),
            models.CheckConstraint(condition=~Q(trainee=models.F("mentor")), name="ride_along_mentor_is_not_trainee"),
        ]

    def __str__(self):
        return f"{self.trainee} · {self.destination_region} · {self.start_date}"

    @property
    def days(self):
        return (self.end_date - self.start_date).days + 1

    @property
    def city_count(self):
        return len(self.cities)

    @property
    def cities_display(self):
        return "、".join(self.cities)

    def approvals_complete(self):
        """M6: all three approvers have approved."""
        decisions = {a.kind: a.decision for a in self.approvals.all()}
        return all(decisions.get(kind) == Approval.Decision.APPROVED for kind in Approval.Kind.values)

    def can_start(self):
        """M6: a trip may start only once the three approvals are in."""
        return self.state == self.State.APPROVED and self.approvals_complete()


class Approval(AuditedRecord):
    """One of the three approvals a ride-along needs (M6); who decided, when, and why."""

    class Kind(models.TextChoices):
        TRAINING_SUPERVISOR = "training_supervisor", _("Training supervisor")
        REGIONAL_MANAGER = "regional_manager", _("Manager of the destination region")
        POST_HEAD = "post_head", _("Head of the prospective post")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    completion_fields = frozenset({"decision", "decided_by", "decided_at", "comment"})

    ride_along = models.ForeignKey(RideAlong, verbose_name=_("ride-along"), on_delete=models.CASCADE,
                                   related_name="approvals")
    kind = models.CharField(_("approver"), max_length=32, choices=Kind.choices)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["ride_along", "kind"]
        constraints = [models.UniqueConstraint(fields=["ride_along", "kind"], name="one_approval_per_kind")]

    def __str__(self):
        return f"{self.ride_along} · {self.get_kind_display()} · {self.get_decision_display()}"

    def save(self, *args, **kwargs):
        # A decision is final: once decided, even the decision fields are locked.
        if not self._state.adding and self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("decision", flat=True).first()
            if stored != self.Decision.PENDING:
                raise RecordLocked(_("This approval has been decided and can no longer be changed."))
        super().save(*args, **kwargs)


class SignOff(AuditedRecord):
    """The mentor's report after a ride-along (M9): locked once submitted, then confirmed by the trainee."""

    completion_fields = frozenset({"trainee_confirmed_at", "trainee_comment"})

    ride_along = models.OneToOneField(RideAlong, verbose_name=_("ride-along"), on_delete=models.PROTECT,
                                      related_name="sign_off")
    performance = models.TextField(_("the trainee's performance"))
    study_directions = models.TextField(_("directions for study"), blank=True)
    skills_covered = models.ManyToManyField(Skill, verbose_name=_("skills the trip covered"), blank=True,
                                            related_name="sign_offs")
    signed_by = models.ForeignKey(USER, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    trainee_confirmed_at = models.DateTimeField(_("confirmed by the trainee at"), null=True, blank=True)
    trainee_comment = models.TextField(_("trainee's comment"), blank=True)

    class Meta:
        verbose_name = _("ride-along sign-off")
        verbose_name_plural = _("ride-along sign-offs")
        ordering = ["-signed_at"]

    def __str__(self):
        return str(self.ride_along)


class WeakPoint(AuditedRecord):
    """A technical weak point the mentor saw on the trip (M9), linked to a skill where one fits."""

    sign_off = models.ForeignKey(SignOff, verbose_name=_("sign-off"), on_delete=models.CASCADE,
                                 related_name="weak_points")
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("weak point")
        verbose_name_plural = _("weak points")
        ordering = ["id"]

    def __str__(self):
        return self.description[:40]


class LearningPlanItem(AuditedRecord):
    """One item of the learning plan drawn up on a sign-off (M9), with its due date."""

    sign_off = models.ForeignKey(SignOff, verbose_name=_("sign-off"), on_delete=models.CASCADE,
                                 related_name="plan_items")
    description = models.CharField(_("what to learn"), max_length=300)
    due_date = models.DateField(_("due date"))

    class Meta:
        verbose_name = _("learning-plan item")
        verbose_name_plural = _("learning-plan items")
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.description


class SignOffAmendment(AuditedRecord):
    """A correction to a locked sign-off: a new record with its reason, never an edit."""

    sign_off = models.ForeignKey(SignOff, verbose_name=_("sign-off"), on_delete=models.PROTECT,
                                 related_name="amendments")
    reason = models.CharField(_("reason"), max_length=300)
    correction = models.TextField(_("correction"))
    created_by = models.ForeignKey(USER, verbose_name=_("amended by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("amended at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-off amendment")
        verbose_name_plural = _("sign-off amendments")
        ordering = ["created_at"]

    def __str__(self):
        return self.reason


class SkillAssessmentQuerySet(models.QuerySet):
    def latest_per_skill(self):
        """M10, M13: of these assessments, each trainee's latest of each skill — the latest result wins.

        "Latest" is by ``assessed_at``, then by id; an assessment is the latest when no
        assessment of the same trainee and skill (among all of them, not only these) is later.
        """
        later = SkillAssessment.objects.filter(trainee=OuterRef("trainee"), skill=OuterRef("skill")).filter(
            Q(assessed_at__gt=OuterRef("assessed_at")) | Q(assessed_at=OuterRef("assessed_at"), pk__gt=OuterRef("pk"))
        )
        return self.filter(~Exists(later))


class SkillAssessment(AuditedRecord):
    """The training lead's assessment of a trainee on one skill (M10, M13)."""

    class Result(models.TextChoices):
        PASSED = "passed", _("Mastered")
        FAILED = "failed", _("Not mastered")

    trainee = models.ForeignKey(USER, verbose_name=_("trainee"), on_delete=models.PROTECT,
                                related_name="skill_assessments")
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="assessments")
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    assessor = models.ForeignKey(USER, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"), auto_now_add=True)

    objects = SkillAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill assessment")
        verbose_name_plural = _("skill assessments")
        ordering = ["-assessed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100), name="skill_score_at_most_100")
        ]

    def __str__(self):
        return f"{self.trainee} · {self.skill} · {self.get_result_display()}"

    @property
    def passed(self):
        return self.result == self.Result.PASSED


class AccountabilityRecord(AuditedRecord):
    """Something a person answers for under the regulation (M3, M6, M8, M10).

    Visible to the training lead and the regional head of the person's region.
    """

    class Kind(models.TextChoices):
        UNAPPROVED_TRIP = "unapproved_trip", _("Took a trainee on a trip without the three approvals (M6)")
        EXPENSE_FILING = "expense_filing", _("Problem in a guided expense filing (M8)")
        SKILL_NOT_MASTERED = "skill_not_mastered", _("Trainee failed a skill the ride-along covered (M10)")
        QUESTION_REPORT = "question_report", _("Confirmed report of a refused or perfunctory answer (M3)")

    person = models.ForeignKey(USER, verbose_name=_("accountable person"), on_delete=models.PROTECT,
                               related_name="accountability_records")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    trainee = models.ForeignKey(USER, verbose_name=_("trainee"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    ride_along = models.ForeignKey(RideAlong, verbose_name=_("ride-along"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="accountability_records")
    assessment = models.ForeignKey(SkillAssessment, verbose_name=_("skill assessment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="accountability_records")
    question_report = models.ForeignKey("QuestionReport", verbose_name=_("question report"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"


class Guidance(AuditedRecord):
    """Guidance the mentor gave (M2), by mode; the trainee confirms it took place."""

    class Mode(models.TextChoices):
        LECTURE = "lecture", _("Public lecture")
        ONE_TO_ONE = "one_to_one", _("One-to-one talk")
        QA = "qa", _("Answering questions")
        CORRECTION = "correction", _("Proactive correction")

    completion_fields = frozenset({"trainee_confirmed_at"})

    mentor = models.ForeignKey(USER, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="guidance_given")
    trainee = models.ForeignKey(USER, verbose_name=_("trainee"), on_delete=models.PROTECT,
                                related_name="guidance_received")
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    topic = models.CharField(_("topic"), max_length=200)
    date = models.DateField(_("date"), default=timezone.localdate)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    trainee_confirmed_at = models.DateTimeField(_("confirmed by the trainee at"), null=True, blank=True)

    class Meta:
        verbose_name = _("guidance")
        verbose_name_plural = _("guidance log")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.get_mode_display()} · {self.topic}"


class ChecklistTopic(models.Model):
    """A culture or system topic the mentor passes on (M7); the training lead edits the list."""

    class Section(models.TextChoices):
        COMPANY = "company", _("Company")
        DEPARTMENT = "department", _("Department")

    section = models.CharField(_("section"), max_length=16, choices=Section.choices, default=Section.COMPANY)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist topic")
        verbose_name_plural = _("checklist topics")
        ordering = ["section", "order", "id"]

    def __str__(self):
        return self.title


class ChecklistItemQuerySet(models.QuerySet):
    def done(self):
        """M7: items of active topics that the trainee has acknowledged (the mentor covered them first)."""
        return self.filter(topic__active=True, acknowledged_at__isnull=False)

    def trainees_complete(self):
        """M7: ``values("trainee_id")`` of the trainees (among these items) who acknowledged every active topic.

        Nobody is complete while there is no active topic.
        """
        active = ChecklistTopic.objects.filter(active=True).order_by().values("active").annotate(n=Count("pk"))
        return (
            self.done().order_by().values("trainee_id").annotate(n=Count("pk"))
            .filter(n__gte=Subquery(active.values("n")[:1])).values("trainee_id")
        )


class ChecklistItem(AuditedRecord):
    """A topic covered with one trainee (M7): the mentor marks it, the trainee acknowledges; both dated."""

    completion_fields = frozenset({"acknowledged_at"})

    trainee = models.ForeignKey(USER, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="checklist")
    topic = models.ForeignKey(ChecklistTopic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="items")
    covered_by = models.ForeignKey(USER, verbose_name=_("covered by"), on_delete=models.PROTECT, related_name="+")
    covered_at = models.DateTimeField(_("covered at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [models.UniqueConstraint(fields=["trainee", "topic"], name="one_checklist_item_per_topic")]

    def __str__(self):
        return f"{self.trainee} · {self.topic}"


class Question(models.Model):
    """A trainee's question under 首问负责制 (M4): the first person asked owns it until the trainee accepts."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered, waiting for the trainee")
        ACCEPTED = "accepted", _("Resolved")

    asked_by = models.ForeignKey(USER, verbose_name=_("asked by"), on_delete=models.CASCADE,
                                 related_name="questions_asked")
    owner = models.ForeignKey(USER, verbose_name=_("owner (first asked)"), on_delete=models.PROTECT,
                              related_name="questions_owned")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("question"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    accepted_answer = models.ForeignKey("Answer", verbose_name=_("accepted answer"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged as overdue at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-asked_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(asked_by=models.F("owner")), name="question_owner_not_asker")]

    def __str__(self):
        return self.subject

    @property
    def is_resolved(self):
        return self.status == self.Status.ACCEPTED


class Answer(AuditedRecord):
    """An answer to a question, by its owner or by someone the owner escalated to (M4)."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE,
                                 related_name="answers")
    author = models.ForeignKey(USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("answer"))
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:40]


class Escalation(AuditedRecord):
    """The owner asks a superior or an experienced colleague for help and stays the owner (M4)."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE,
                                 related_name="escalations")
    escalated_by = models.ForeignKey(USER, verbose_name=_("escalated by"), on_delete=models.PROTECT, related_name="+")
    escalated_to = models.ForeignKey(USER, verbose_name=_("asked for help"), on_delete=models.PROTECT,
                                     related_name="escalations_received")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("escalated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.question} → {self.escalated_to}"


class QuestionReport(AuditedRecord):
    """A trainee reports a refused, perfunctory or mocking answer (M3); the training lead reviews it."""

    class Kind(models.TextChoices):
        REFUSED = "refused", _("Refused to answer without cause")
        PERFUNCTORY = "perfunctory", _("Perfunctory answer")
        MOCKING = "mocking", _("Mocking or hostile answer")

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    completion_fields = frozenset({"review", "reviewed_by", "reviewed_at", "review_note"})

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE,
                                 related_name="reports")
    reported_by = models.ForeignKey(USER, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+")
    against = models.ForeignKey(USER, verbose_name=_("about"), on_delete=models.PROTECT,
                                related_name="question_reports_against")
    kind = models.CharField(_("what happened"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("description"))
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    review = models.CharField(_("review"), max_length=16, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(USER, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        verbose_name = _("question report")
        verbose_name_plural = _("question reports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.against} · {self.get_kind_display()}"


class ConductReport(AuditedRecord):
    """A report of a violation of law or rules (M5), in either direction, routed to the managers the rule names."""

    class Direction(models.TextChoices):
        ABOUT_TRAINEE = "about_trainee", _("A regular employee reports a trainee")
        ABOUT_REGULAR = "about_regular", _("A trainee reports a regular employee")

    reporter = models.ForeignKey(USER, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(USER, verbose_name=_("about"), on_delete=models.PROTECT,
                                related_name="conduct_reports_about")
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    occurred_on = models.DateField(_("date of the incident"))
    description = models.TextField(_("what happened"))
    recipients = models.ManyToManyField(USER, verbose_name=_("sent to"), related_name="conduct_reports_received")
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conduct report")
        verbose_name_plural = _("conduct reports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.subject} · {self.occurred_on}"


class CareCheckIn(AuditedRecord):
    """The mentor's check-in on how the trainee is doing (M11); mentor, training lead and post head see it."""

    mentor = models.ForeignKey(USER, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="+")
    trainee = models.ForeignKey(USER, verbose_name=_("trainee"), on_delete=models.PROTECT,
                                related_name="care_check_ins")
    date = models.DateField(_("date"), default=timezone.localdate)
    work = models.TextField(_("at work"), blank=True)
    life = models.TextField(_("in life"), blank=True)
    study = models.TextField(_("in study"), blank=True)
    help_given = models.TextField(_("help given"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("care check-in")
        verbose_name_plural = _("care check-ins")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.trainee} · {self.date}"


class Handover(AuditedRecord):
    """Technical matters passed on when someone changes region or post (M12)."""

    person = models.ForeignKey(USER, verbose_name=_("person changing"), on_delete=models.PROTECT,
                               related_name="handovers")
    from_region = models.ForeignKey("lms.Region", verbose_name=_("from region"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    to_region = models.ForeignKey("lms.Region", verbose_name=_("to region"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    from_post = models.ForeignKey("lms.Post", verbose_name=_("from post"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    to_post = models.ForeignKey("lms.Post", verbose_name=_("to post"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    handed_to = models.ForeignKey(USER, verbose_name=_("handed over to"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="handovers_received")
    matters = models.TextField(_("technical matters handed over"))
    created_by = models.ForeignKey(USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.person} · {self.created_at:%Y-%m-%d}"


class MentorAssessment(AuditedRecord):
    """An assessment of a mentor (M13) by the regional head of their region (or above) or a trip's arranger."""

    class Result(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        ADEQUATE = "adequate", _("Adequate")
        POOR = "poor", _("Poor")

    mentor = models.ForeignKey(USER, verbose_name=_("mentor"), on_delete=models.PROTECT,
                               related_name="mentor_assessments")
    ride_along = models.ForeignKey(RideAlong, verbose_name=_("ride-along"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="mentor_assessments")
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    assessor = models.ForeignKey(USER, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentor assessment")
        verbose_name_plural = _("mentor assessments")
        ordering = ["-assessed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100),
                                   name="mentor_score_at_most_100")
        ]

    def __str__(self):
        return f"{self.mentor} · {self.get_result_display()}"
