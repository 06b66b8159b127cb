"""传帮带 (mentoring) records. See ../shared/DOMAIN.md, rules M1–M13."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="mentor_assignments_as_trainee",
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="mentor_assignments_as_mentor",
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
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
