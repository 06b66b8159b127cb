"""Bulk issuing and re-issuing, shared by several task workers (issue 18.2).

A training lead (or ``manage.py certificates_bulk start``) starts a ``BulkRun``: the people it covers are
listed once as ``BulkItem`` rows and one ``process_bulk_batch`` task is enqueued per batch
(``BulkRun.batch_size``: ``CERTIFICATES_BULK_BATCH`` people when rendering, ``CERTIFICATES_BULK_DB_BATCH`` when not). Each task, in whichever worker picks it up, *claims* up to a batch of
pending items — a ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL and a conditional ``UPDATE`` that only
moves items still pending, so two workers can never claim the same item — then issues (or re-issues) and
renders each claimed certificate itself. No certificate is issued or rendered twice; the run's progress
(done / total, errors) is counted from the items, so the lead can leave the page and come back.
"""

import logging
import math
import os
import socket
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import signals
from lms.models import StaffProfile

from . import requirements
from .models import BulkItem, BulkRun, Certificate, CertificateEvent
from .services import _snapshot, can_lead, check_requirements_of_many, issue_program_if_eligible, reissue

log = logging.getLogger(__name__)


def worker_name():
    """This process, as recorded on the items it claims (host:pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _people_in_scope(user):
    from lms.access import visible_profiles

    return visible_profiles(user).values("user")


@transaction.atomic
def start_bulk_run(*, program, kind, by, reason="", render=True, people=None):
    """List the people of a bulk issue (or the certificates of a bulk re-issue) in ``by``'s scope and enqueue
    the batches. Issue: everyone in scope who meets every requirement of ``program`` and holds none of its
    certificates, found by the requirements' set face in one query (``requirements.users_meeting_all``), not
    person by person; each is checked again, with the labels printed on the certificate, when their batch
    comes. Re-issue: every valid certificate of ``program`` in scope.
    ``people`` (user ids) narrows the run to those of them in scope."""
    from .tasks import process_bulk_batch

    if not can_lead(by):
        raise PermissionDenied
    reason = (reason or "").strip()
    if kind == BulkRun.Kind.REISSUE and not reason:
        raise ValidationError(_("Give a reason."))
    if kind == BulkRun.Kind.ISSUE and not program.active:
        raise ValidationError(_("This program no longer issues certificates."))
    scope = _people_in_scope(by)
    if people is not None:
        scope = scope.filter(user__in=list(people))
    run = BulkRun.objects.create(program=program, kind=kind, reason=reason, requested_by=by, render=render)
    if kind == BulkRun.Kind.ISSUE:
        holders = (StaffProfile.objects.filter(user__in=scope).filter(user__in=requirements.users_meeting_all(program))
                   .exclude(user__certificates__program=program).exclude(user=by).values_list("user_id", flat=True))
        items = [BulkItem(run=run, holder_id=holder) for holder in holders]
    else:
        valid = Certificate.objects.valid().filter(program=program, holder__in=scope).exclude(holder=by)
        items = [BulkItem(run=run, holder_id=holder, source_id=pk)
                 for pk, holder in valid.values_list("pk", "holder_id")]
    BulkItem.objects.bulk_create(items, batch_size=2000)
    run.total = len(items)
    run.save(update_fields=["total"])
    batches = max(1, math.ceil(run.total / run.batch_size))
    transaction.on_commit(lambda: [process_bulk_batch.enqueue(run.pk) for _ in range(batches)])
    return run


def claim_items(run, *, worker, limit):
    """Atomically take up to ``limit`` pending items of ``run`` for ``worker``; returns the items won."""
    with transaction.atomic():
        ids = list(
            BulkItem.objects.select_for_update(skip_locked=True)
            .filter(run=run, state=BulkItem.State.PENDING).order_by("id").values_list("id", flat=True)[:limit]
        )
        if ids:
            BulkItem.objects.filter(id__in=ids, state=BulkItem.State.PENDING).update(
                state=BulkItem.State.CLAIMED, worker=worker, claimed_at=timezone.now())
    return list(BulkItem.objects.filter(id__in=ids, state=BulkItem.State.CLAIMED, worker=worker)
                .select_related("holder__profile", "source"))


def _issue_batch(run, items):
    """First certificates for the claimed people who meet every requirement, inserted together: the batch's
    requirements are checked (and labelled for the certificates) in a fixed number of queries, not per person."""
    program = run.program
    have = set(Certificate.objects.filter(program=program, holder__in=[i.holder_id for i in items])
               .values_list("holder_id", flat=True))
    candidates = [i for i in items if i.holder_id not in have and hasattr(i.holder, "profile")]
    checked = check_requirements_of_many(program, [i.holder_id for i in candidates]) if candidates else {}
    new = {}
    for item in candidates:
        reqs = checked[item.holder_id]
        if reqs and all(r.met for r in reqs):
            new[item.pk] = Certificate(holder=item.holder, program=program, cycle=1, kind=Certificate.Kind.AUTOMATIC,
                                       **_snapshot(item.holder, program, reqs, profile=item.holder.profile))
    try:
        with transaction.atomic():
            Certificate.objects.bulk_create(new.values())
            CertificateEvent.objects.bulk_create(
                CertificateEvent(certificate=c, action=CertificateEvent.Action.ISSUED,
                                 details={"cycle": 1, "bulk_run": run.pk}) for c in new.values())
            if new:  # inserted together, so no post_save: say whose certificates changed (progress rows)
                signals.certificates_issued.send(sender=Certificate, holders=[c.holder_id for c in new.values()])
    except IntegrityError:  # someone earned it at this very moment: one by one, the constraint decides
        new = {}
        for item in items:
            certificate = issue_program_if_eligible(item.holder, program, render=False)
            if certificate is not None:
                new[item.pk] = certificate
    return new, {}


def _reissue_batch(run, items):
    new, errors = {}, {}
    for item in items:
        try:
            new[item.pk] = reissue(item.source, by=run.requested_by, reason=run.reason, render=False)
        except ValidationError:  # revoked or superseded meanwhile: nothing to do
            continue
        except PermissionDenied:  # the holder left the lead's scope since the run started
            errors[item.pk] = _("Not allowed for this person.")
    return new, errors


def process_batch(run_id, *, worker=None):
    """Claim one batch of ``run_id`` and work it off: issue, render, record each item's outcome."""
    from .tasks import store_pdf

    # The program's skills are read once per batch, not once per person (requirements.check lists them).
    run = (BulkRun.objects.select_related("program", "requested_by").prefetch_related("program__required_skills")
           .get(pk=run_id))
    worker = worker or worker_name()
    items = claim_items(run, worker=worker, limit=run.batch_size)
    if items:
        try:
            issued, errors = (_issue_batch if run.kind == BulkRun.Kind.ISSUE else _reissue_batch)(run, items)
        except Exception as exc:  # recorded on the items; the other batches go on
            log.exception("bulk run %s: batch failed", run.pk)
            issued, errors = {}, dict.fromkeys((i.pk for i in items), str(exc)[:255] or type(exc).__name__)
        for item in items:
            certificate = issued.get(item.pk)
            item.certificate = certificate
            item.error = errors.get(item.pk, "")
            item.state = BulkItem.State.ISSUED if certificate else (
                BulkItem.State.FAILED if item.error else BulkItem.State.SKIPPED)
            if certificate is not None and run.render:
                try:
                    store_pdf(certificate)
                    item.rendered = True
                except Exception as exc:
                    log.exception("bulk run %s: rendering %s failed", run.pk, certificate.code)
                    item.state, item.error = BulkItem.State.FAILED, (_("PDF: %(error)s") % {"error": exc})[:255]
        _record_outcomes(items)
    finish_if_done(run)
    return len(items)


@transaction.atomic
def _record_outcomes(items):
    """Write the items' outcomes in a few statements: one UPDATE per kind of outcome (state, error, rendered),
    then the certificates of the issued ones (a bulk update of that one field: Django builds a CASE branch per
    item and field, which costs more than the database's work on a batch of hundreds)."""
    groups = defaultdict(list)
    for item in items:
        groups[(item.state, item.error, item.rendered)].append(item.pk)
    for (state, error, rendered), ids in groups.items():
        BulkItem.objects.filter(pk__in=ids).update(state=state, error=error, rendered=rendered)
    issued = [item for item in items if item.certificate_id]
    if issued:
        BulkItem.objects.bulk_update(issued, ["certificate"])


def finish_if_done(run):
    open_items = BulkItem.objects.filter(run=run, state__in=[BulkItem.State.PENDING, BulkItem.State.CLAIMED])
    if not open_items.exists():
        BulkRun.objects.filter(pk=run.pk, status=BulkRun.Status.RUNNING).update(
            status=BulkRun.Status.DONE, finished_at=timezone.now())


def resume(run, *, older_than_minutes=30):
    """Put items claimed by a worker that died (claimed longer ago than ``older_than_minutes``) back in the
    queue and enqueue their batches again; returns how many items."""
    from .tasks import process_bulk_batch

    cutoff = timezone.now() - timezone.timedelta(minutes=older_than_minutes)
    count = BulkItem.objects.filter(run=run, state=BulkItem.State.CLAIMED, claimed_at__lt=cutoff).update(
        state=BulkItem.State.PENDING, worker="", claimed_at=None)
    pending = BulkItem.objects.filter(run=run, state=BulkItem.State.PENDING).count()
    if pending:
        BulkRun.objects.filter(pk=run.pk).update(status=BulkRun.Status.RUNNING, finished_at=None)
        for _ in range(math.ceil(pending / run.batch_size)):
            process_bulk_batch.enqueue(run.pk)
    return count


def report(run):
    """What ``make cluster`` and the tests check: progress, items per worker, and anything done twice."""
    from django.db.models import Count

    items = BulkItem.objects.filter(run=run)
    certificate_ids = list(items.exclude(certificate=None).values_list("certificate_id", flat=True))
    rendered_twice = (CertificateEvent.objects.filter(certificate_id__in=certificate_ids,
                                                      action=CertificateEvent.Action.RENDERED,
                                                      details__stamped_revoked=False)
                      .values("certificate_id").annotate(n=Count("id")).filter(n__gt=1).count())
    holders = items.exclude(certificate=None).values_list("holder_id", flat=True)
    issued_twice = (Certificate.objects.filter(holder__in=holders, program=run.program, status=Certificate.Status.VALID)
                    .values("holder_id").annotate(n=Count("id")).filter(n__gt=1).count())
    workers = {row["worker"]: row["n"] for row in items.exclude(worker="").values("worker").annotate(n=Count("id"))}
    return {**run.progress(), "run": run.pk, "program": run.program.code, "kind": run.kind, "workers": workers,
            "rendered": items.filter(rendered=True).count(), "rendered_twice": rendered_twice,
            "issued_twice": issued_twice}
