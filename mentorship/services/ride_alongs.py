"""M6: a ride-along is requested, approved by three people, started and recorded as happened.

Who may take which step and when is ``RideAlong.steps`` (the model's workflow); each service locks the
trip, asks the model (``require``) and writes. ``now`` is the moment the act happens: the views never pass
it (it is the clock), the demo data passes past moments so its history follows the same rules.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notifications
from ..access import distinct_approvers_possible, is_current_mentor, role_holders_for
from ..models import AccountabilityRecord, Approval, RideAlong
from .common import add_accountability
from .expenses import expense_guidance_owed_on_next_trip


def missing_prerequisites(trainee):
    """M6/M9: theory courses the trainee must complete before a ride-along."""
    from courses.services import missing_ride_along_prerequisites

    return missing_ride_along_prerequisites(trainee)


def theory_gate_refusal(trainee):
    """M6: why ``trainee`` may not go on a ride-along yet (theory courses missing), or None."""
    missing = missing_prerequisites(trainee)
    if not missing:
        return None
    return _("The trainee has not yet completed the theory courses required before a ride-along: %(courses)s") % {
        "courses": "、".join(c.title for c in missing)}


def parse_cities(text):
    """Split "上海、苏州, 无锡" into a list of distinct city names."""
    seen = []
    for name in re.split(r"[,，、;；\s]+", text or ""):
        if name and name not in seen:
            seen.append(name)
    return seen


def overlapping_trip(trainee, start_date, end_date, exclude=None):
    """Another trip of ``trainee`` (not rejected) whose dates overlap ``start_date``–``end_date``, or None."""
    trips = RideAlong.objects.filter(trainee=trainee, start_date__lte=end_date, end_date__gte=start_date).exclude(
        state=RideAlong.State.REJECTED)
    if exclude is not None:
        trips = trips.exclude(pk=exclude.pk)
    return trips.order_by("start_date").first()


FOCUS_CLAUSES = 5  # clauses proposed as a trip's focus, and at most this many kept
CLAUSE_ID = re.compile(r"^[A-Z][A-Z0-9]*-\d{2,3}$")


def propose_focus(trainee):
    """The focus proposed for the trainee's next trip: ``(clause ids, skills)`` — the weakest clauses of their
    wrong-answer book and the skills whose latest assessment was not passed (the mentor confirms or edits)."""
    from wrongbook.services import weakest_clauses

    from ..models import SkillAssessment, Skill

    failed = (SkillAssessment.objects.filter(trainee=trainee).latest_per_skill()
              .exclude(result=SkillAssessment.Result.PASSED).values("skill"))
    return weakest_clauses(trainee, limit=FOCUS_CLAUSES), list(Skill.objects.filter(pk__in=failed, active=True))


def clean_focus_clauses(clause_ids):
    """The focus clause ids as a list (from a list or "WIN-05、HALL-03"), each once; ValidationError (in Chinese)
    for an id that is not one or more than ``FOCUS_CLAUSES``."""
    from courses.models import split_clause_ids

    if isinstance(clause_ids, str):
        clause_ids = split_clause_ids(clause_ids.replace("、", ","))
    cleaned = list(dict.fromkeys(c.strip().upper() for c in clause_ids if c.strip()))
    bad = [c for c in cleaned if not CLAUSE_ID.match(c)]
    if bad:
        raise ValidationError(_("Not a clause id: %(ids)s. Write clause ids such as WIN-05.") % {"ids": "、".join(bad)})
    if len(cleaned) > FOCUS_CLAUSES:
        raise ValidationError(_("Choose at most %(n)s focus clauses.") % {"n": FOCUS_CLAUSES})
    return cleaned


@transaction.atomic
def request_ride_along(*, mentor, trainee, destination_region, cities, start_date, end_date, skills=(),
                       purpose="", focus_clauses=(), now=None):
    """M6: the mentor asks for a trip; it waits for three approvals by three different people found from the
    org data. Refused for dates already past, dates overlapping another trip of the trainee, and a trainee
    who has not finished the theory courses. ``focus_clauses`` are the clauses the trip works on (19.3)."""
    now = now or timezone.now()
    focus_clauses = clean_focus_clauses(focus_clauses)
    today = timezone.localdate(now)
    if not is_current_mentor(mentor, trainee):
        raise PermissionDenied(_("Only the trainee's current mentor can request a ride-along."))
    if isinstance(cities, str):
        cities = parse_cities(cities)
    if not cities:
        raise ValidationError(_("Name at least one city."))
    if end_date < start_date:
        raise ValidationError(_("The trip cannot end before it starts."))
    if start_date < today:
        raise ValidationError(_("A trip cannot be requested for dates already past: choose a start date from "
                                "today (%(today)s) on.") % {"today": today})
    refusal = theory_gate_refusal(trainee)
    if refusal:
        raise ValidationError(refusal)
    # One request at a time per trainee, so two overlapping requests cannot both pass the check below.
    get_user_model().objects.select_for_update().filter(pk=trainee.pk).first()
    other = overlapping_trip(trainee, start_date, end_date)
    if other is not None:
        raise ValidationError(
            _("%(name)s already has a ride-along from %(start)s to %(end)s (%(state)s); the dates of a new trip "
              "cannot overlap it.") % {"name": getattr(getattr(trainee, "profile", None), "name", trainee),
                                       "start": other.start_date, "end": other.end_date,
                                       "state": other.get_state_display()})
    ride_along = RideAlong.objects.create(
        trainee=trainee,
        mentor=mentor,
        destination_region=destination_region,
        cities=list(cities),
        start_date=start_date,
        end_date=end_date,
        purpose=purpose,
        focus_clauses=focus_clauses,
        requested_at=now,
        expense_guidance_owed=expense_guidance_owed_on_next_trip(trainee),
    )
    ride_along.skills.set(skills)
    candidates = {}
    for kind, label in Approval.Kind.choices:
        candidates[kind] = set(role_holders_for(ride_along, kind).values_list("pk", flat=True))
        if not candidates[kind]:
            raise ValidationError(
                _("No %(approver)s was found in the organisation data for this trip; ask the training lead.")
                % {"approver": label}
            )
        Approval.objects.create(ride_along=ride_along, kind=kind)
    if not distinct_approvers_possible(candidates):
        raise ValidationError(_("The three approvals need three different people, but the organisation data names "
                                "the same person for several of them and no one above them; ask the training lead."))
    transaction.on_commit(lambda: notifications.trip_waits_for_approval(ride_along))
    return ride_along


def _locked(ride_along):
    return RideAlong.objects.select_for_update().get(pk=ride_along.pk)


@transaction.atomic
def decide_approval(*, approval, user, approve, comment="", now=None):
    """M6: one approver approves or rejects with a comment; one rejection closes the trip. Each approval is
    decided by a different person, while the trip waits, and not after its last day."""
    now = now or timezone.now()
    ride_along = _locked(approval.ride_along)
    approval = Approval.objects.select_for_update().get(pk=approval.pk)
    approval.ride_along = ride_along
    approval.require(user, Approval.Action.DECIDE, today=timezone.localdate(now))
    if not approve and not comment.strip():
        raise ValidationError(_("Give the reason for the rejection."))
    approval.decision = Approval.Decision.APPROVED if approve else Approval.Decision.REJECTED
    approval.decided_by = user
    approval.decided_at = now
    approval.comment = comment.strip()
    approval.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    if not approve:
        ride_along.state = RideAlong.State.REJECTED
        ride_along.rejected_at = approval.decided_at
        ride_along.save(update_fields=["state", "rejected_at"])
    elif ride_along.approvals_complete():
        ride_along.state = RideAlong.State.APPROVED
        ride_along.save(update_fields=["state"])
    return approval


@transaction.atomic
def start_ride_along(*, ride_along, user, now=None):
    """M6: a trip starts only with all three approvals, whatever the request says, and not before its first day."""
    now = now or timezone.now()
    ride_along = _locked(ride_along)
    ride_along.require(user, RideAlong.Action.START, today=timezone.localdate(now))
    ride_along.state = RideAlong.State.STARTED
    ride_along.started_at = now
    ride_along.started_by = user
    ride_along.save(update_fields=["state", "started_at", "started_by"])
    return ride_along


@transaction.atomic
def record_trip_happened(*, ride_along, user, early_finish_reason="", now=None):
    """M6: record that the trip took place, on or after its last day; earlier only with the reason it finished
    early (recorded, and the day becomes the trip's end). Without the three approvals the trip is not
    reimbursable and the mentor, who took the trainee along on their own initiative, is flagged."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ride_along = _locked(ride_along)
    unapproved = ride_along.state in (RideAlong.State.REQUESTED, RideAlong.State.REJECTED)
    action = RideAlong.Action.RECORD_UNAPPROVED if unapproved else RideAlong.Action.RECORD_HAPPENED
    ride_along.require(user, action, today=today)
    early_finish_reason = early_finish_reason.strip()
    if ride_along.finishes_early(today) and not early_finish_reason:
        raise ValidationError(_("The trip ends on %(date)s: to record it as happened before then, give the reason "
                                "it finished early.") % {"date": ride_along.end_date})
    approved = not unapproved and ride_along.approvals_complete()
    ride_along.state = RideAlong.State.COMPLETED
    ride_along.completed_at = now
    ride_along.completed_by = user
    ride_along.ended_on = min(today, ride_along.end_date)
    ride_along.early_finish_reason = early_finish_reason if ride_along.finishes_early(today) else ""
    ride_along.approved_before_trip = approved
    ride_along.reimbursable = approved
    ride_along.save(update_fields=["state", "completed_at", "completed_by", "ended_on", "early_finish_reason",
                                   "approved_before_trip", "reimbursable"])
    if not approved:
        add_accountability(
            person=ride_along.mentor,
            kind=AccountabilityRecord.Kind.UNAPPROVED_TRIP,
            trainee=ride_along.trainee,
            ride_along=ride_along,
            created_by=user,
            description=_("The trip took place without the three approvals; travel costs are not reimbursable."),
        )
    return ride_along
