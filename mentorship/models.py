"""传帮带 (mentoring) records. See ../shared/DOMAIN.md, rules M1–M13.

Every approval, sign-off, assessment and report records who and when. Such
records derive from ``AuditedRecord``: once saved they cannot be changed
except for the few fields that record a later, separate act (a trainee's
confirmation, a review); a correction is a new row (``SignOffAmendment``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from .workflow import Badge, ConfirmedOnceByTrainee, Parties, Step, WorkflowMixin

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
        progress, cockpit, exports). Evidence rules on what makes a trip count are added here and nowhere else:

        - signed off by its mentor (M9), on or after the day the trip ended (``ended_on``);
        - approved before it happened (M6) by three distinct accounts: one approval of each kind, all
          approved, decided by three different people.
        """
        approvers = (
            Approval.objects.filter(ride_along=OuterRef("pk"), decision=Approval.Decision.APPROVED)
            .order_by().values("ride_along").annotate(n=Count("decided_by", distinct=True)).values("n")
        )
        return self.filter(
            state=RideAlong.State.SIGNED_OFF, approved_before_trip=True, ended_on__isnull=False,
            sign_off__signed_at__date__gte=F("ended_on"),
        ).alias(distinct_approvers=Subquery(approvers)).filter(distinct_approvers=len(Approval.Kind.values))


class RideAlong(WorkflowMixin, models.Model):
    """A ride-along (老带新 上门服务): the mentor takes the trainee on on-site service (M6, M8, M9).

    The state moves requested → approved → started → completed → signed off;
    one rejection closes it. A trip recorded as completed without the three
    approvals is not reimbursable and flags the mentor (M6). Which person may
    take which step, when, is the ``steps`` table below (see ``mentorship.workflow``):
    views and templates show ``actions_for(user)``, the services ``require`` it.

    Dates hold (17.1): a trip is requested for dates not yet past and not
    overlapping another trip of the trainee; it starts on or after its first
    day; it is recorded as happened on or after its last day, or earlier with
    a recorded reason (``ended_on`` is then the day it ended); it is signed
    off after it happened.
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
    focus_clauses = models.JSONField(
        _("focus clauses"), default=list, blank=True,
        help_text=_("Clauses of the standards the trip works on (proposed from the trainee's wrong-answer book, "
                    "confirmed or edited by the mentor)."),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REQUESTED)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    expense_guidance_owed = models.BooleanField(
        _("expense-filing guidance owed"),
        default=True,
        help_text=_("Worked out when the trip is requested (M8)."),
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    started_at = models.DateTimeField(pgettext_lazy("ride-along", "started at"), null=True, blank=True)
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

    ended_on = models.DateField(_("ended on"), null=True, blank=True,
                                help_text=_("The trip's last day as it happened, set when it is recorded as happened."))
    early_finish_reason = models.TextField(_("reason for finishing early"), blank=True)

    objects = RideAlongQuerySet.as_manager()

    class Meta:
        verbose_name = _("ride-along")
        verbose_name_plural = _("ride-alongs")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="ride_along_end_after_start"),
            models.CheckConstraint(condition=~Q(trainee=models.F("mentor")), name="ride_along_mentor_is_not_trainee"),
        ]
        # The lead's "approvals waiting more than N days" (mentorship.queues.approvals_waiting) reads the few trips
        # still waiting, not every trip ever made.
        indexes = [models.Index(fields=["requested_at"], condition=Q(state="requested"), name="ride_along_waiting")]

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
        """M6: all three approvers have approved, and they are three different people (the same rule as
        ``counting_toward_certificate`` asks in SQL)."""
        approvals = list(self.approvals.all())
        decisions = {a.kind: a.decision for a in approvals}
        deciders = {a.decided_by_id for a in approvals if a.decision == Approval.Decision.APPROVED}
        return (all(decisions.get(kind) == Approval.Decision.APPROVED for kind in Approval.Kind.values)
                and len(deciders) == len(Approval.Kind.values))

    def can_start(self, today=None):
        """M6: a trip may start only once the three approvals are in, and not before its first day."""
        return self._start_refusal(today or timezone.localdate()) is None

    # --- the workflow (see mentorship.workflow): who may take which step, in which state, when ----------------

    class Action:
        DECIDE = "decide"
        START = "start"
        RECORD_HAPPENED = "record_happened"
        RECORD_UNAPPROVED = "record_unapproved"
        SIGN_OFF = "sign_off"
        CONFIRM_SIGN_OFF = "confirm_sign_off"
        AMEND_SIGN_OFF = "amend_sign_off"
        RECORD_EXPENSES = "record_expenses"
        RECORD_FILING_PROBLEM = "record_filing_problem"
        ASSESS_MENTOR = "assess_mentor"

    class Party:
        MENTOR = "mentor"
        TRAINEE = "trainee"
        LEAD = "lead"
        APPROVER = "approver"
        ASSESSOR = "assessor"
        SIGNER = "signer"

    def parties_for(self, user):
        """Who ``user`` is for this trip; relations that need the database are worked out only when asked."""
        from . import access

        return Parties(
            mentor=user.pk == self.mentor_id,
            trainee=user.pk == self.trainee_id,
            lead=lambda: access.is_training_lead_for(user, self.trainee),
            approver=lambda: any(a.may_be_decided_by(user) for a in self.approvals.all()),
            assessor=lambda: access.may_assess_mentor(user, self.mentor, self),
            signer=lambda: self.signed_off_by_id() == user.pk,
        )

    def signed_off_by_id(self):
        sign_off = getattr(self, "sign_off", None) if self.state == self.State.SIGNED_OFF else None
        return sign_off.signed_by_id if sign_off else None

    def decision_refusal(self, today):
        """M6: approvals are decided while the trip waits for them, and not after its last day."""
        if self.state != self.State.REQUESTED:
            return _("This trip is no longer waiting for approval.")
        if today > self.end_date:
            return _("The trip's dates have passed; it can no longer be approved. Request it again with new dates.")
        return None

    def _start_refusal(self, today):
        if self.state in (self.State.REQUESTED, self.State.APPROVED) and not self.approvals_complete():
            return _("The trip cannot start before all three approvals are in.")
        if self.state == self.State.REJECTED:
            return _("This trip was rejected.")
        if self.state != self.State.APPROVED:
            return _("This trip has already started.")
        if today < self.start_date:
            return _("The trip cannot start before its first day (%(date)s).") % {"date": self.start_date}
        return None

    def _happened_refusal(self, today):
        if self.state in (self.State.COMPLETED, self.State.SIGNED_OFF):
            return _("This trip has already been recorded as happened.")
        if self.state == self.State.APPROVED:
            return _("The trip has been approved: start it first, then record that it happened.")
        if today < self.start_date:
            return _("A trip cannot be recorded as happened before its first day (%(date)s).") % {
                "date": self.start_date}
        return None

    def waits_for_first_day(self, today=None):
        """Approved by all three, to start on its first day, which has not come yet."""
        return (self.state == self.State.APPROVED and (today or timezone.localdate()) < self.start_date
                and self.approvals_complete())

    def finishes_early(self, today=None):
        """Recording the trip as happened now would end it before its last day: a reason is then required."""
        return (today or timezone.localdate()) < self.end_date

    def _sign_off_refusal(self, today):
        if self.ended_on and today < self.ended_on:
            return _("A trip cannot be signed off before it has ended.")
        return None

    def _confirm_refusal(self, today):
        sign_off = getattr(self, "sign_off", None)
        if sign_off is not None and sign_off.trainee_confirmed_at:
            return _("You have already confirmed this sign-off.")
        return None

    def _expenses_refusal(self, today):
        if self.expense_recorded_at:
            return _("The expense filing of this trip has already been recorded.")
        return None

    def _filing_problem_refusal(self, today):
        if not self.expenses_filed:
            return _("No expense filing has been recorded for this trip.")
        if self.filing_problem_recorded_at:
            return _("A filing problem has already been recorded for this trip.")
        return None

    _HAPPENED = frozenset({State.COMPLETED, State.SIGNED_OFF})
    steps = {
        Action.DECIDE: Step(
            by=frozenset({Party.APPROVER}), states=None, not_yours=_("You are not an approver of this trip."),
            check=lambda r, today: r.decision_refusal(today)),
        Action.START: Step(
            by=frozenset({Party.MENTOR}), states=None, not_yours=_("Only the mentor who leads the trip can start it."),
            check=lambda r, today: r._start_refusal(today)),
        Action.RECORD_HAPPENED: Step(
            by=frozenset({Party.MENTOR, Party.LEAD}), states=frozenset({State.STARTED, State.APPROVED, *_HAPPENED}),
            not_yours=_("Only the mentor or the training lead can record that the trip happened."),
            wrong_state=_("The trip has not been approved."), check=lambda r, today: r._happened_refusal(today)),
        # M6: the trip went without the three approvals: not reimbursable, the mentor is held accountable.
        Action.RECORD_UNAPPROVED: Step(
            by=frozenset({Party.MENTOR, Party.LEAD}), states=frozenset({State.REQUESTED, State.REJECTED}),
            not_yours=_("Only the mentor or the training lead can record that the trip happened."),
            wrong_state=_("This trip has been approved."), check=lambda r, today: r._happened_refusal(today)),
        Action.SIGN_OFF: Step(
            by=frozenset({Party.MENTOR}), states=frozenset({State.COMPLETED}),
            not_yours=_("Only the mentor who led the trip can sign it off."),
            wrong_state=_("Only a trip that has happened and is not yet signed off can be signed off."),
            check=lambda r, today: r._sign_off_refusal(today)),
        Action.CONFIRM_SIGN_OFF: Step(
            by=frozenset({Party.TRAINEE}), states=frozenset({State.SIGNED_OFF}),
            not_yours=_("Only the trainee confirms the sign-off."), wrong_state=_("The trip has not been signed off."),
            check=lambda r, today: r._confirm_refusal(today)),
        Action.AMEND_SIGN_OFF: Step(
            by=frozenset({Party.SIGNER}), states=frozenset({State.SIGNED_OFF}),
            not_yours=_("Only the mentor who signed it off can amend the sign-off."),
            wrong_state=_("The trip has not been signed off.")),
        Action.RECORD_EXPENSES: Step(
            by=frozenset({Party.MENTOR}), states=_HAPPENED,
            not_yours=_("Only the mentor who led the trip records the expense filing."),
            wrong_state=_("Expenses are recorded after the trip has happened."),
            check=lambda r, today: r._expenses_refusal(today)),
        Action.RECORD_FILING_PROBLEM: Step(
            by=frozenset({Party.LEAD}), states=_HAPPENED, not_yours=_("Only the training lead records a filing problem."),
            wrong_state=_("No expense filing has been recorded for this trip."),
            check=lambda r, today: r._filing_problem_refusal(today)),
        Action.ASSESS_MENTOR: Step(
            by=frozenset({Party.ASSESSOR}), states=frozenset({State.SIGNED_OFF}),
            not_yours=_("You may not assess this mentor."), wrong_state=_("The trip has not been signed off.")),
    }
    del _HAPPENED

    @property
    def badge(self):
        tone = {self.State.REQUESTED: "warn", self.State.REJECTED: "bad", self.State.SIGNED_OFF: "ok"}
        return Badge(self.get_state_display(), tone.get(self.state, ""))

    def counts_toward_certificate(self):
        """Whether this trip counts (the queryset's one definition, asked for this row)."""
        return type(self).objects.filter(pk=self.pk).counting_toward_certificate().exists()


class Approval(WorkflowMixin, AuditedRecord):
    """One of the three approvals a ride-along needs (M6); who decided, when, and why.

    Each is decided by a different person: someone who holds two of the approver roles for a trip decides
    one of them, and the other goes to the next holder up the region tree (``mentorship.access.may_decide``).
    """

    class Kind(models.TextChoices):
        TRAINING_SUPERVISOR = "training_supervisor", _("Training supervisor")
        REGIONAL_MANAGER = "regional_manager", _("Manager of the destination region")
        POST_HEAD = "post_head", _("Head of the prospective post")

    class Decision(models.TextChoices):
        PENDING = "pending", pgettext_lazy("approval", "Waiting")
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
    comment = models.TextField(pgettext_lazy("approval", "comment"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["ride_along", "kind"]
        constraints = [models.UniqueConstraint(fields=["ride_along", "kind"], name="one_approval_per_kind")]

    def __str__(self):
        return f"{self.ride_along} · {self.get_kind_display()} · {self.get_decision_display()}"

    class Action:
        DECIDE = "decide"

    state_field = "decision"
    steps = {
        Action.DECIDE: Step(
            by=frozenset({"approver"}), states=frozenset({Decision.PENDING}),
            not_yours=_("You are not an approver of this trip."),
            wrong_state=_("This approval has already been decided."),
            check=lambda a, today: a.ride_along.decision_refusal(today)),
    }

    def parties_for(self, user):
        from . import access

        return Parties(approver=lambda: access.may_decide(user, self))

    def may_be_decided_by(self, user, today=None):
        return self.refusal(self.Action.DECIDE, self.parties_for(user), today) is None

    @property
    def badge(self):
        tone = {self.Decision.APPROVED: "ok", self.Decision.REJECTED: "bad", self.Decision.PENDING: "warn"}
        return Badge(self.get_decision_display(), tone[self.decision])

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
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now, editable=False)
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


class Guidance(ConfirmedOnceByTrainee, AuditedRecord):
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

    class Action:
        CONFIRM = "confirm"

    confirm_action, confirm_field = Action.CONFIRM, "trainee_confirmed_at"
    not_yours = _("Only the trainee confirms guidance they received.")
    already = _("You have already confirmed this guidance.")

    @property
    def badge(self):
        if self.trainee_confirmed_at:
            return Badge(_("Confirmed"), "ok")
        return Badge(_("Waiting for the trainee's confirmation"), "warn")


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


class ChecklistItem(ConfirmedOnceByTrainee, AuditedRecord):
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

    class Action:
        ACKNOWLEDGE = "acknowledge"

    confirm_action, confirm_field = Action.ACKNOWLEDGE, "acknowledged_at"
    not_yours = _("Only the trainee acknowledges their checklist.")
    already = _("You have already acknowledged this topic.")


class Question(WorkflowMixin, models.Model):
    """A trainee's question under 首问负责制 (M4): the first person asked owns it until the trainee accepts.

    Open → answered (waiting for the trainee) → resolved when the trainee accepts an answer; who may answer,
    escalate, accept, report or review is the ``steps`` table (see ``mentorship.workflow``).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered, waiting for the trainee")
        ACCEPTED = "accepted", _("Resolved")

    asked_by = models.ForeignKey(USER, verbose_name=_("asked by"), on_delete=models.CASCADE,
                                 related_name="questions_asked")
    owner = models.ForeignKey(USER, verbose_name=_("owner (first asked)"), on_delete=models.PROTECT,
                              related_name="questions_owned")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(pgettext_lazy("trainee question", "question"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    accepted_answer = models.ForeignKey("Answer", verbose_name=_("accepted answer"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged as overdue at"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("trainee question", "question")
        verbose_name_plural = pgettext_lazy("trainee question", "questions")
        ordering = ["-asked_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(asked_by=models.F("owner")), name="question_owner_not_asker")]

    def __str__(self):
        return self.subject

    @property
    def is_resolved(self):
        return self.status == self.Status.ACCEPTED

    class Action:
        ANSWER = "answer"
        ESCALATE = "escalate"
        ACCEPT = "accept"
        REPORT = "report"
        REVIEW_REPORTS = "review_reports"

    state_field = "status"
    _UNRESOLVED = frozenset({Status.OPEN, Status.ANSWERED})
    steps = {
        # M4: the owner answers, and so may anyone the owner asked for help.
        Action.ANSWER: Step(
            by=frozenset({"owner", "helper"}), states=_UNRESOLVED,
            not_yours=_("Only the owner of the question, or someone they asked for help, can answer."),
            wrong_state=_("This question is already resolved.")),
        # M4: the owner asks a superior or an experienced colleague and stays the owner.
        Action.ESCALATE: Step(
            by=frozenset({"owner"}), states=_UNRESOLVED,
            not_yours=_("Only the owner of the question can ask someone else for help."),
            wrong_state=_("This question is already resolved.")),
        Action.ACCEPT: Step(
            by=frozenset({"asker"}), states=None, not_yours=_("Only the trainee who asked accepts an answer."),
            check=lambda q, today: q._accept_refusal()),
        # M3: the trainee reports a refused, perfunctory or mocking answer; the training lead reviews it.
        Action.REPORT: Step(
            by=frozenset({"asker"}), states=None,
            not_yours=_("Only the trainee who asked can report how the question was handled.")),
        Action.REVIEW_REPORTS: Step(
            by=frozenset({"lead"}), states=None, not_yours=_("Only the training lead reviews reports.")),
    }
    del _UNRESOLVED

    def _accept_refusal(self):
        if self.is_resolved:
            return _("This question is already resolved.")
        if self.status != self.Status.ANSWERED:
            return _("There is no answer to accept yet.")
        return None

    def parties_for(self, user):
        from . import access

        return Parties(
            asker=user.pk == self.asked_by_id,
            owner=user.pk == self.owner_id,
            helper=lambda: self.escalations.filter(escalated_to=user).exists(),
            lead=lambda: access.is_training_lead_for(user, self.asked_by),
        )

    @property
    def badge(self):
        if self.is_resolved:
            return Badge(self.get_status_display(), "ok")
        return Badge(self.get_status_display(), "bad" if self.overdue_flagged_at else "warn")


class Answer(AuditedRecord):
    """An answer to a question, by its owner or by someone the owner escalated to (M4)."""

    question = models.ForeignKey(Question, verbose_name=pgettext_lazy("trainee question", "question"), on_delete=models.CASCADE,
                                 related_name="answers")
    author = models.ForeignKey(USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("answer"))
    created_at = models.DateTimeField(pgettext_lazy("trainee question", "answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:40]


class Escalation(AuditedRecord):
    """The owner asks a superior or an experienced colleague for help and stays the owner (M4)."""

    question = models.ForeignKey(Question, verbose_name=pgettext_lazy("trainee question", "question"), on_delete=models.CASCADE,
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


class QuestionReport(WorkflowMixin, AuditedRecord):
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

    question = models.ForeignKey(Question, verbose_name=pgettext_lazy("trainee question", "question"), on_delete=models.CASCADE,
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

    class Action:
        REVIEW = "review"

    state_field = "review"
    steps = {
        Action.REVIEW: Step(
            by=frozenset({"lead"}), states=frozenset({Review.PENDING}),
            not_yours=_("Only the training lead reviews reports."),
            wrong_state=_("This report has already been reviewed.")),
    }

    def parties_for(self, user, question_parties=None):
        """The training lead of the asker's region reviews; ``question_parties`` reuses a question's."""
        return question_parties or self.question.parties_for(user)

    @property
    def badge(self):
        tone = {self.Review.CONFIRMED: "bad", self.Review.PENDING: "warn", self.Review.DISMISSED: ""}
        return Badge(self.get_review_display(), tone[self.review])


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
