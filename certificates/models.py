"""Certification programs and the certificates issued under them.

A ``Program`` states what a person must have done (courses, signed-off
ride-alongs, skills, the culture checklist) and how long a certificate lasts.
A ``Certificate`` is a snapshot: the holder's name and employee number, the
program's name and the requirements met are copied at issue time, so a later
name change or program edit never changes what was certified. Its PDF is
rendered once, signed by the organisation, stored with its SHA-256 under an
unguessable name in the private storage and served only through views that
check access (``certificates.views``), never from a media URL.
"""

import calendar
import datetime
import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

# Crockford's base32: no I, L, O or U, so a code can be read aloud without ambiguity.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS = 16  # 16 × 5 = 80 random bits
CODE_GROUP = 4


def new_code():
    """An unguessable verification code: 80 random bits, grouped as XXXX-XXXX-XXXX-XXXX."""
    chars = "".join(secrets.choice(CROCKFORD) for _ in range(CODE_CHARS))
    return "-".join(chars[i : i + CODE_GROUP] for i in range(0, CODE_CHARS, CODE_GROUP))


def add_months(day, months):
    """``day`` plus ``months`` calendar months (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def private_storage():
    """Where certificate PDFs and cohort zips live: ``STORAGES["private"]``, never served as media."""
    return storages["private"]


def private_name(folder, extension):
    """An unguessable file name (128 random bits) in ``folder`` of the private storage."""
    return f"{folder}/{secrets.token_hex(16)}.{extension}"


def _certificate_upload_to(instance, filename):
    return private_name("certificates", "pdf")


def _archive_upload_to(instance, filename):
    return private_name("archives", "zip")


def normalise_code(text):
    """The canonical form of a code as typed: upper case, I/L → 1, O → 0, grouped; None if malformed."""
    raw = "".join(ch for ch in str(text).upper() if ch not in "- ")
    raw = raw.translate(str.maketrans({"I": "1", "L": "1", "O": "0"}))
    if len(raw) != CODE_CHARS or any(ch not in CROCKFORD for ch in raw):
        return None
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_CHARS, CODE_GROUP))


class Program(models.Model):
    """A certification program (认证项目), edited by training leads in the Wagtail admin."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    required_courses = models.ManyToManyField(
        "courses.CoursePage", blank=True, related_name="certification_programs", verbose_name=_("required courses"),
        help_text=_("Courses the person must have completed (passed)."),
    )
    min_ride_alongs = models.PositiveIntegerField(
        _("minimum signed-off ride-alongs"), default=0,
        help_text=_("Ride-alongs signed off by a mentor (M6, M9)."),
    )
    required_skills = models.ManyToManyField(
        "mentorship.Skill", blank=True, related_name="certification_programs", verbose_name=_("required skills"),
        help_text=_("Skills the person must have passed in the training lead's assessment (M13)."),
    )
    checklist_required = models.BooleanField(
        _("culture checklist complete"), default=False,
        help_text=_("The company and department topics of M7 have all been passed on."),
    )
    validity_months = models.PositiveIntegerField(
        _("validity (months)"), null=True, blank=True, help_text=_("Empty = the certificate does not expire.")
    )
    recert_window_days = models.PositiveIntegerField(
        _("recertification window (days before expiry)"), default=60
    )
    recert_courses = models.ManyToManyField(
        "courses.CoursePage", blank=True, related_name="recertification_programs",
        verbose_name=_("recertification requires"),
        help_text=_("Courses whose quizzes the holder passes again to recertify (e.g. the refresher quizzes only)."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active programs issue certificates."))

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("required_courses"),
                FieldPanel("min_ride_alongs"),
                FieldPanel("required_skills"),
                FieldPanel("checklist_required"),
            ],
            heading=_("Requirements"),
        ),
        MultiFieldPanel(
            [FieldPanel("validity_months"), FieldPanel("recert_window_days"), FieldPanel("recert_courses")],
            heading=_("Validity and recertification"),
        ),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("certification program")
        verbose_name_plural = _("certification programs")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def expiry_for(self, issued_on):
        if not self.validity_months:
            return None
        return add_months(issued_on, self.validity_months)


class CertificateQuerySet(models.QuerySet):
    def valid(self, on=None):
        on = on or timezone.localdate()
        return self.filter(status=Certificate.Status.VALID).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))

    def overrides(self, issued_by_override=True):
        """Certificates issued over unmet requirements (17.2), or, with False, those issued on the evidence."""
        return self.filter(override_at__isnull=not issued_by_override)

    def visible_to(self, user):
        """Certificates of the people ``user`` may see (lms.access scope)."""
        from lms.access import profile_scope
        from lms.models import StaffProfile

        return self.filter(holder__in=StaffProfile.objects.filter(profile_scope(user)).values("user"))


class Certificate(models.Model):
    """One certificate: what was certified, for whom, when; never re-rendered."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic", _("Issued automatically")
        MANUAL = "manual", _("Issued by hand")
        REISSUE = "reissue", _("Re-issued")

    code = models.CharField(_("verification code"), max_length=19, unique=True, default=new_code, editable=False)
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT,
                                related_name="certificates")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("holder"), on_delete=models.PROTECT,
                               related_name="certificates")
    cycle = models.PositiveIntegerField(
        _("cycle"), default=1, help_text=_("1 for the first certification, 2 for the first recertification, ...")
    )
    kind = models.CharField(_("how issued"), max_length=12, choices=Kind.choices, default=Kind.AUTOMATIC)
    # Snapshot at issue time.
    holder_name = models.CharField(_("holder name"), max_length=64)
    employee_no = models.CharField(_("employee number"), max_length=32)
    program_name = models.CharField(_("program name"), max_length=100)
    program_name_en = models.CharField(_("program name (English)"), max_length=150, blank=True)
    requirements_met = models.JSONField(_("requirements met"), default=list)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issue_reason = models.CharField(_("reason for issuing"), max_length=255, blank=True)
    # A manual issue over unmet requirements (经特批豁免): what was waived, by whom, when.
    waived_requirements = models.JSONField(_("requirements waived"), default=list, blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("override by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    override_at = models.DateTimeField(_("override at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Lifecycle.
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revoke_reason = models.CharField(_("reason for revoking"), max_length=255, blank=True)
    superseded_by = models.ForeignKey("self", verbose_name=_("superseded by"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="supersedes")
    # The document, rendered once.
    pdf = models.FileField(_("PDF"), upload_to=_certificate_upload_to, storage=private_storage, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    # After revocation: the same document stamped 已撤销, served instead of the original.
    revoked_pdf = models.FileField(_("PDF stamped revoked"), upload_to=_certificate_upload_to,
                                   storage=private_storage, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            # Exactly one automatic certificate per person, program and cycle, even under races.
            models.UniqueConstraint(
                fields=["holder", "program", "cycle"],
                condition=Q(kind="automatic"),
                name="certificate_once_per_cycle",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_on"]),
            # The cockpit's count of certificates issued by override (the few), not a scan of every certificate.
            models.Index(fields=["holder"], condition=Q(override_at__isnull=False), name="certificate_override"),
        ]

    def __str__(self):
        return f"{self.program_name} · {self.holder_name} · {self.code}"

    @property
    def effective_status(self):
        """The status as of today: a valid certificate past its expiry date reads as expired."""
        if self.status == self.Status.VALID and self.expires_on and self.expires_on < timezone.localdate():
            return self.Status.EXPIRED
        return self.status

    @property
    def is_valid(self):
        return self.effective_status == self.Status.VALID

    def get_effective_status_display(self):
        return self.Status(self.effective_status).label

    def get_verify_path(self):
        return reverse("certificates:verify", args=[self.code])

    def get_verify_url(self):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + self.get_verify_path()

    def get_download_path(self):
        """The public download (throttled, by code): for people outside the app."""
        return reverse("certificates:download", args=[self.code])

    def get_staff_download_path(self):
        """The download inside the app (holder, training lead in scope): checked by login, not throttled."""
        return reverse("certificates:pdf", args=[self.pk])

    @property
    def is_override(self):
        """Issued by hand over unmet requirements (经特批豁免)."""
        return self.override_at is not None

    def served_pdf(self):
        """The file to hand out: the original, or once revoked only the stamped copy (None until it exists)."""
        if self.status == self.Status.REVOKED:
            return self.revoked_pdf or None
        return self.pdf or None

    def waived_labels(self):
        return [item.get("label") or item.get("kind", "") for item in self.waived_requirements]

    def recert_opens_on(self):
        if not self.expires_on:
            return None
        return self.expires_on - datetime.timedelta(days=self.program.recert_window_days)


class CertificateEvent(models.Model):
    """Audit trail of a certificate: who did what, when and why (not editable)."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        RENDERED = "rendered", _("PDF rendered")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")
        EXPIRED = "expired", _("Expired")
        RECERT_OPENED = "recert_opened", _("Recertification window opened")
        REMINDED = "reminded", _("Expiry reminder sent")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events",
                                    verbose_name=_("certificate"))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.certificate.code} · {self.get_action_display()} · {self.at:%Y-%m-%d}"


class Recertification(models.Model):
    """The recertification window of one certificate, opened once by the daily job."""

    certificate = models.OneToOneField(Certificate, on_delete=models.CASCADE, related_name="recertification",
                                       verbose_name=_("certificate"))
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    completed_by = models.OneToOneField(Certificate, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="recertifies", verbose_name=_("new certificate"))

    class Meta:
        verbose_name = _("recertification")
        verbose_name_plural = _("recertifications")

    def __str__(self):
        return f"{self.certificate} · {self.opened_on}"


class Refresher(models.Model):
    """A refresher a holder owes after a material revision (重大修订) of a lesson in their program."""

    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refreshers",
                               verbose_name=_("holder"))
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="refreshers",
                                    verbose_name=_("certificate"))
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("lesson"))
    quiz = models.ForeignKey("courses.QuizPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("quiz"))
    revision_id = models.PositiveIntegerField(_("revision"), null=True, blank=True)
    change_note = models.CharField(_("what changed"), max_length=255, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    due_on = models.DateField(_("due on"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refresher")
        verbose_name_plural = _("refreshers")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "lesson", "revision_id"], name="refresher_once_per_revision")
        ]

    def __str__(self):
        return f"{self.lesson} → {self.holder}"

    @property
    def is_overdue(self):
        return self.completed_at is None and self.due_on < timezone.localdate()


class CohortArchive(models.Model):
    """A zip of a cohort's certificate PDFs, built in the background with progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    certificate_ids = models.JSONField(_("certificates"), default=list)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to=_archive_upload_to, storage=private_storage, blank=True)

    class Meta:
        verbose_name = _("cohort archive")
        verbose_name_plural = _("cohort archives")
        ordering = ["-requested_at"]

    @property
    def percent(self):
        return int(100 * self.done / self.total) if self.total else 100


class BulkRun(models.Model):
    """A bulk issue or re-issue of one program, started by a training lead and worked off by the task workers.

    The people are listed once as ``BulkItem`` rows when the run starts; each worker claims a batch of
    pending items with one conditional UPDATE (``services.claim_bulk_items``), so several workers share
    the work and no item — no certificate — is issued or rendered twice. Progress is counted from the items.
    """

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Issue to everyone who meets the requirements")
        REISSUE = "reissue", _("Re-issue every valid certificate")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="bulk_runs",
                                verbose_name=_("program"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(pgettext_lazy("bulk run", "finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveIntegerField(_("total"), default=0)
    render = models.BooleanField(_("render the PDFs in the same worker"), default=True)

    class Meta:
        verbose_name = _("bulk run")
        verbose_name_plural = _("bulk runs")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.program} · {self.get_kind_display()} · {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def batch_size(self):
        """People per claim (one task each): few when the worker renders every PDF (a claim is then minutes of
        work, and small claims spread it over the workers), many when it only writes the database (a claim's
        fixed queries are then spread over more people)."""
        return settings.CERTIFICATES_BULK_BATCH if self.render else settings.CERTIFICATES_BULK_DB_BATCH

    def progress(self):
        """Counts per item state plus done/total/percent, in one query."""
        counts = dict.fromkeys(BulkItem.State.values, 0)
        for row in self.items.values("state").annotate(n=models.Count("id")):
            counts[row["state"]] = row["n"]
        finished = counts[BulkItem.State.ISSUED] + counts[BulkItem.State.SKIPPED] + counts[BulkItem.State.FAILED]
        return {
            "status": self.status, "total": self.total, "done": finished,
            "issued": counts[BulkItem.State.ISSUED], "skipped": counts[BulkItem.State.SKIPPED],
            "errors": counts[BulkItem.State.FAILED], "waiting": counts[BulkItem.State.PENDING],
            "working": counts[BulkItem.State.CLAIMED],
            "percent": int(100 * finished / self.total) if self.total else 100,
        }


class BulkItem(models.Model):
    """One person (or one certificate to re-issue) of a bulk run; claimed by exactly one worker."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CLAIMED = "claimed", _("Being worked on")
        ISSUED = "issued", _("Issued")
        SKIPPED = "skipped", _("Nothing to do")
        FAILED = "failed", _("Error")

    run = models.ForeignKey(BulkRun, on_delete=models.CASCADE, related_name="items", verbose_name=_("run"))
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("holder"))
    source = models.ForeignKey(Certificate, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("certificate to re-issue"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    worker = models.CharField(_("worker"), max_length=80, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    certificate = models.ForeignKey(Certificate, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("certificate issued"))
    rendered = models.BooleanField(_("PDF rendered"), default=False)
    error = models.CharField(_("error"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("bulk item")
        verbose_name_plural = _("bulk items")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["run", "holder"], name="bulk_item_once_per_run")]
        indexes = [models.Index(fields=["run", "state"])]

    def __str__(self):
        return f"{self.run_id} · {self.holder_id} · {self.state}"
