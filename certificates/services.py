"""Write operations of the certificates app: issue, re-issue, revoke, expire, recertify, refreshers.

Issuing happens in reaction to domain events (``lms.signals``), only for the
person the event is about, and exactly once per person, program and cycle:
the database's unique constraint decides races, not a prior check.
"""

import datetime
import logging
import tomllib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.models import StaffProfile, holders_of
from lms.roles import Role

from . import requirements
from .models import Certificate, CertificateEvent, Program, Recertification, Refresher

log = logging.getLogger(__name__)

REMINDER_DAYS = (30, 7)
REFRESHER_DAYS = 30


# --- Programs from the shipped standards ---------------------------------------------


def default_programs_path():
    from courses.standards import data

    return Path(data.DATA_DIR) / "programs.toml"


@transaction.atomic
def ensure_programs_from_data(path=None):
    """Create or update the programs of ``programs.toml`` (idempotent); returns the programs.

    Course codes that have no course yet are skipped (``load_standards`` creates
    the courses first). Fields an editor changed in the admin are overwritten only
    for what the file states.
    """
    from courses.models import CoursePage

    path = Path(path) if path else default_programs_path()
    if path.is_dir():
        path = path / "programs.toml"
    with open(path, "rb") as fh:
        entries = tomllib.load(fh).get("programs", [])
    programs = []
    for entry in entries:
        program, _created = Program.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry.get("title") or entry.get("name") or entry["code"],
                "name_en": entry.get("title_en", ""),
                "description": entry.get("description", ""),
                "min_ride_alongs": entry.get("min_signed_off_ride_alongs", 0),
                "checklist_required": entry.get("checklist_complete", False),
                "validity_months": entry.get("validity_months"),
                "recert_window_days": entry.get("recertification_window_days", 60),
            },
        )
        courses = {c.code: c for c in CoursePage.objects.filter(code__in=entry.get("courses", []))}
        program.required_courses.set([courses[c] for c in entry.get("courses", []) if c in courses])
        recert_codes = entry.get("recertification_courses", entry.get("courses", []))
        recert = {c.code: c for c in CoursePage.objects.filter(code__in=recert_codes)}
        program.recert_courses.set([recert[c] for c in recert_codes if c in recert])
        programs.append(program)
    return programs


# --- Issuing -----------------------------------------------------------------------


def _snapshot(user, program, requirement_list=None, on=None, profile=None):
    profile = profile or StaffProfile.objects.get(user=user)
    reqs = requirement_list if requirement_list is not None else check_requirements(user, program)
    met = [_labelled(r) for r in reqs if r.met]
    today = on or timezone.localdate()
    return {
        "holder_name": profile.name,
        "employee_no": profile.employee_no,
        "program_name": program.name,
        "program_name_en": program.name_en,
        "requirements_met": met,
        "issued_on": today,
        "expires_on": program.expiry_for(today),
    }


def _after_issue(certificate):
    from .tasks import render_certificate_pdf

    transaction.on_commit(lambda: render_certificate_pdf.enqueue(certificate.pk))


def _create_automatic(user, program, cycle, requirement_list, supersede=None, on=None, render=True):
    """Insert the automatic certificate for ``cycle``; ``None`` if it already exists (a race lost)."""
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                holder=user, program=program, cycle=cycle, kind=Certificate.Kind.AUTOMATIC,
                **_snapshot(user, program, requirement_list, on),
            )
            CertificateEvent.objects.create(certificate=certificate, action=CertificateEvent.Action.ISSUED,
                                            details={"cycle": cycle})
            if supersede is not None:
                _supersede(supersede, certificate, actor=None, reason=_("Recertified"))
                Recertification.objects.filter(certificate=supersede).update(completed_by=certificate)
    except IntegrityError:
        return None
    if render:
        _after_issue(certificate)
    return certificate


def issue_program_if_eligible(user, program, *, on=None, render=True):
    """Issue ``program``'s certificate newly earned by ``user`` (see ``issue_if_eligible``), or None.

    ``render=False``: the caller renders the PDF itself (a bulk worker), no render task is enqueued.
    """
    latest = (
        Certificate.objects.filter(holder=user, program=program)
        .exclude(status=Certificate.Status.SUPERSEDED)
        .order_by("-cycle", "-id")
        .first()
    )
    if latest is None:
        if Certificate.objects.filter(holder=user, program=program).exists():
            return None
        if not requirements.is_eligible(user, program):  # one query; the labelled check only when it will issue
            return None
        reqs = check_requirements(user, program)
        if reqs and all(r.met for r in reqs):
            return _create_automatic(user, program, 1, reqs, on=on, render=render)
        return None
    if latest.status == Certificate.Status.REVOKED:
        return None
    recert = Recertification.objects.filter(certificate=latest, completed_by__isnull=True).first()
    if recert is None:
        return None
    since = timezone.make_aware(datetime.datetime.combine(recert.opened_on, datetime.time.min))
    if requirements.recertification_met(user, program, since):
        return _create_automatic(user, program, latest.cycle + 1, None, supersede=latest, on=on, render=render)
    return None


def issue_if_eligible(user, *, on=None):
    """Issue what ``user`` has newly earned, at most once per program and cycle; returns the new certificates.

    - no certificate yet for a program and every requirement met → cycle 1;
    - a recertification window open and its requirements met → the next cycle,
      and the previous certificate is superseded.

    ``on`` is the issue date (today by default; the demo data issues in the past).
    """
    if not StaffProfile.objects.filter(user=user).exists():
        return []
    issued = []
    for program in Program.objects.filter(active=True):
        certificate = issue_program_if_eligible(user, program, on=on)
        if certificate:
            issued.append(certificate)
    return issued


def can_lead(actor):
    """A training lead (or a superuser): runs the certificate pages, bulk runs and overrides."""
    from lms.access import has_role

    return has_role(actor, Role.TRAINING_LEAD)


def can_manage(actor, holder):
    """A training lead whose scope covers the holder (or a superuser) issues, re-issues and revokes by hand."""
    from lms.access import can_see_user

    if actor.is_superuser:
        return True
    return can_lead(actor) and actor.pk != holder.pk and can_see_user(actor, holder)


def _require_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."))
    return reason


def unmet_requirements(holder, program):
    """The requirements of ``program`` that ``holder`` does not meet (``requirements.check``), in order."""
    return [r for r in requirements.check(holder, program) if not r.met]


def check_requirements(user, program):
    """``requirements.check`` with the labels in the site's language (they are copied onto certificates)."""
    with translation.override(settings.LANGUAGE_CODE):
        return requirements.check(user, program)


def check_requirements_of_many(program, users):
    """``requirements.check_many`` (``{user id: [Status]}``) with the labels in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return requirements.check_many(program, users)


def _labelled(requirement):
    """The JSON-able record of one requirement with its label, as printed on the certificate."""
    return {**requirement.snapshot, "kind": requirement.kind, "label": str(requirement.label)}


@transaction.atomic
def issue_manually(*, holder, program, by, reason, override=False):
    """A training lead issues a certificate by hand, with a reason.

    When requirements are unmet the certificate is an audited override (经特批豁免): refused unless
    ``override`` is given explicitly; the unmet requirements are recorded as waived, with who and when,
    and the document and the verify page say what was waived.
    """
    if not can_manage(by, holder):
        raise PermissionDenied
    reason = _require_reason(reason)
    if not program.active:
        raise ValidationError(_("This program no longer issues certificates."))
    reqs = check_requirements(holder, program)
    unmet = [r for r in reqs if not r.met]
    if unmet and not override:
        raise ValidationError(
            _("Not every requirement is met: %(unmet)s. Issue anyway only as an override, with its reason.")
            % {"unmet": "；".join(str(r.label) for r in unmet)},
            code="unmet",
        )
    latest = Certificate.objects.filter(holder=holder, program=program).order_by("-cycle").first()
    cycle = latest.cycle if latest else 1
    now = timezone.now()
    waived = [_labelled(r) for r in unmet]
    certificate = Certificate.objects.create(
        holder=holder, program=program, cycle=cycle, kind=Certificate.Kind.MANUAL, issued_by=by,
        issue_reason=reason, **_snapshot(holder, program, reqs),
        waived_requirements=waived, override_by=by if waived else None, override_at=now if waived else None,
    )
    details = {"cycle": cycle, "manual": True}
    if waived:
        details.update(override=True, waived=[w["label"] for w in waived])
    CertificateEvent.objects.create(certificate=certificate, action=CertificateEvent.Action.ISSUED, actor=by,
                                    reason=reason, details=details)
    for old in Certificate.objects.filter(holder=holder, program=program, status=Certificate.Status.VALID).exclude(
        pk=certificate.pk
    ):
        _supersede(old, certificate, actor=by, reason=reason)
    _after_issue(certificate)
    return certificate


def _supersede(old, new, *, actor, reason):
    old.status = Certificate.Status.SUPERSEDED
    old.superseded_by = new
    old.save(update_fields=["status", "superseded_by"])
    CertificateEvent.objects.create(certificate=old, action=CertificateEvent.Action.SUPERSEDED, actor=actor,
                                    reason=reason, details={"by": new.code})


@transaction.atomic
def reissue(certificate, *, by, reason, render=True):
    """Re-issue with today's name (e.g. after a name change): a new certificate, the old one superseded.

    The new certificate keeps the cycle, the issue date and expiry of the one it
    replaces; only the holder's details are taken afresh.
    """
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not can_manage(by, certificate.holder):
        raise PermissionDenied
    reason = _require_reason(reason)
    if certificate.status != Certificate.Status.VALID:
        raise ValidationError(_("Only a valid certificate can be re-issued."))
    profile = StaffProfile.objects.get(user=certificate.holder)
    new = Certificate.objects.create(
        holder=certificate.holder, program=certificate.program, cycle=certificate.cycle,
        kind=Certificate.Kind.REISSUE, issued_by=by, issue_reason=reason,
        holder_name=profile.name, employee_no=profile.employee_no,
        program_name=certificate.program_name, program_name_en=certificate.program_name_en,
        requirements_met=certificate.requirements_met, waived_requirements=certificate.waived_requirements,
        override_by=certificate.override_by, override_at=certificate.override_at,
        issued_on=timezone.localdate(), expires_on=certificate.expires_on,
    )
    CertificateEvent.objects.create(certificate=new, action=CertificateEvent.Action.ISSUED, actor=by, reason=reason,
                                    details={"reissue_of": certificate.code})
    _supersede(certificate, new, actor=by, reason=reason)
    if render:
        _after_issue(new)
    return new


@transaction.atomic
def revoke(certificate, *, by, reason):
    """Revoke with a reason; who and when are recorded (the reason stays internal: the public page shows the
    status only). From then on the PDF is served only as a copy stamped 已撤销."""
    from .tasks import stamp_revoked_pdf

    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not can_manage(by, certificate.holder):
        raise PermissionDenied
    reason = _require_reason(reason)
    if certificate.status == Certificate.Status.REVOKED:
        raise ValidationError(_("This certificate is already revoked."))
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revoke_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    CertificateEvent.objects.create(certificate=certificate, action=CertificateEvent.Action.REVOKED, actor=by,
                                    reason=reason)
    transaction.on_commit(lambda: stamp_revoked_pdf.enqueue(certificate.pk))
    return certificate


# --- The daily job -------------------------------------------------------------------


def leads_of(user):
    profile = StaffProfile.objects.filter(user=user).select_related("region").first()
    if profile is None or profile.region is None:
        return []
    return list(holders_of(Role.TRAINING_LEAD, region=profile.region))


def _notify(users, subject, body):
    recipients = sorted({u.email for u in users if u.email})
    if recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def expire_certificates(today):
    """Mark valid certificates past their expiry date as expired; returns how many."""
    count = 0
    for certificate in Certificate.objects.filter(status=Certificate.Status.VALID, expires_on__lt=today):
        updated = Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.VALID).update(
            status=Certificate.Status.EXPIRED
        )
        if updated:
            CertificateEvent.objects.create(certificate=certificate, action=CertificateEvent.Action.EXPIRED)
            count += 1
    return count


def open_recertification_windows(today):
    """Open the window of each valid certificate that has reached it: assign the requirements, notify."""
    from courses.models import CourseAssignment

    opened = []
    candidates = (
        Certificate.objects.filter(status=Certificate.Status.VALID, expires_on__isnull=False, expires_on__gte=today,
                                   recertification__isnull=True)
        .select_related("program", "holder")
    )
    for certificate in candidates:
        if certificate.recert_opens_on() > today:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    recert = Recertification.objects.create(certificate=certificate, opened_on=today,
                                                            due_on=certificate.expires_on)
            except IntegrityError:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                reason = _("Recertification: %(program)s") % {"program": certificate.program_name}
                for course in certificate.program.recert_courses.all():
                    CourseAssignment.objects.create(course=course, user=certificate.holder,
                                                    due_date=certificate.expires_on, reason=reason[:200])
                CertificateEvent.objects.create(certificate=certificate,
                                                action=CertificateEvent.Action.RECERT_OPENED,
                                                details={"due_on": certificate.expires_on.isoformat()})
                subject = _("Recertification open: %(program)s") % {"program": certificate.program_name}
                body = _(
                    "The certificate %(code)s of %(name)s (%(program)s) expires on %(date)s. "
                    "Recertification is open: complete the assigned refresher quizzes before then.\n%(url)s"
                ) % {"code": certificate.code, "name": certificate.holder_name,
                     "program": certificate.program_name, "date": certificate.expires_on.isoformat(),
                     "url": certificate.get_verify_url()}
            transaction.on_commit(
                lambda s=subject, b=body, c=certificate: _notify([c.holder, *leads_of(c.holder)], s, b)
            )
            opened.append(recert)
    return opened


def send_expiry_reminders(today):
    """Remind holder and lead at 30 and 7 days before expiry, once each."""
    sent = 0
    for days in REMINDER_DAYS:
        target = today + datetime.timedelta(days=days)
        for certificate in Certificate.objects.filter(status=Certificate.Status.VALID, expires_on=target):
            if certificate.events.filter(action=CertificateEvent.Action.REMINDED, details__days=days).exists():
                continue
            CertificateEvent.objects.create(certificate=certificate, action=CertificateEvent.Action.REMINDED,
                                            details={"days": days})
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Certificate expires in %(days)s days: %(program)s") % {
                    "days": days, "program": certificate.program_name}
                body = _("The certificate %(code)s of %(name)s expires on %(date)s.\n%(url)s") % {
                    "code": certificate.code, "name": certificate.holder_name,
                    "date": certificate.expires_on.isoformat(), "url": certificate.get_verify_url()}
            _notify([certificate.holder, *leads_of(certificate.holder)], subject, body)
            sent += 1
    return sent


def run_daily(today=None):
    """The daily job: expire, open recertification windows, remind, and issue finished recertifications."""
    today = today or timezone.localdate()
    expired = expire_certificates(today)
    opened = open_recertification_windows(today)
    reminded = send_expiry_reminders(today)
    recertified = 0
    holders = Recertification.objects.filter(completed_by__isnull=True).values_list("certificate__holder", flat=True)
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(pk__in=set(holders)):
        recertified += len(issue_if_eligible(user))
    return {"expired": expired, "opened": len(opened), "reminded": reminded, "recertified": recertified}


# --- Refreshers after a material revision ---------------------------------------------


def quiz_for_lesson(lesson):
    """The quiz that goes with a lesson: the next quiz after it in the course, else the course's first."""
    from courses.models import QuizPage

    course = lesson.get_parent()
    quizzes = QuizPage.objects.child_of(course).live().order_by("path")
    return quizzes.filter(path__gt=lesson.path).first() or quizzes.first()


@transaction.atomic
def assign_refreshers(lesson, *, revision_id=None, today=None):
    """A material revision of ``lesson``: each holder of a valid certificate whose program includes
    its course gets the lesson and its quiz as a refresher, due in REFRESHER_DAYS days."""
    today = today or timezone.localdate()
    course = lesson.get_parent()
    quiz = quiz_for_lesson(lesson)
    created = []
    certificates = Certificate.objects.valid(today).filter(program__required_courses=course).distinct()
    for certificate in certificates.select_related("holder"):
        if Refresher.objects.filter(holder=certificate.holder, lesson=lesson, completed_at__isnull=True).exists():
            continue
        refresher, was_created = Refresher.objects.get_or_create(
            certificate=certificate, lesson=lesson, revision_id=revision_id,
            defaults={"holder": certificate.holder, "quiz": quiz, "change_note": lesson.change_note,
                      "due_on": today + datetime.timedelta(days=REFRESHER_DAYS)},
        )
        if was_created:
            created.append(refresher)
    return created


def open_refreshers_for(viewer):
    """Refreshers not done yet by the people ``viewer`` may see (the lead's home and the cockpit count this)."""
    from lms.access import visible_profiles

    return Refresher.objects.filter(holder__in=visible_profiles(viewer).order_by().values("user"),
                                    completed_at__isnull=True)


def overrides_for(viewer):
    """Certificates issued over unmet requirements (17.2) to the people ``viewer`` may see: the cockpit lists them
    (the certificate list's ``?override=yes`` shows the same rows)."""
    return Certificate.objects.visible_to(viewer).overrides()


def refresher_done(refresher):
    """Done when the holder has passed the quiz again since the refresher was assigned (or confirmed reading
    when the lesson has no quiz)."""
    if refresher.quiz is None:
        return refresher.completed_at is not None
    return requirements.passed_quiz_since(refresher.holder, refresher.quiz, refresher.assigned_at)


@transaction.atomic
def complete_refresher(refresher, *, by):
    """The holder confirms the refresher; accepted once the quiz (if any) is passed again."""
    if by.pk != refresher.holder_id:
        raise PermissionDenied
    if refresher.completed_at:
        return refresher
    if refresher.quiz is not None and not requirements.passed_quiz_since(refresher.holder, refresher.quiz,
                                                                          refresher.assigned_at):
        raise ValidationError(_("Pass the quiz again first."))
    refresher.completed_at = timezone.now()
    refresher.save(update_fields=["completed_at"])
    return refresher
