"""M6 ride-along screens: the list, the request, the trip page with its approvals, start and happened.

What a person may do on a trip is ``RideAlong.actions_for(user)``; the templates only show it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.access import role_required
from lms.roles import Role

from .. import access, queues, services
from ..access import get_ride_along_or_404, ride_alongs_visible_to
from ..forms import DecisionForm, HappenedForm, RideAlongRequestForm
from ..models import Approval, RideAlong
from .common import apply_service, paginate, post_action, step_refused


@login_required
def ride_along_list(request):
    trips = ride_alongs_visible_to(request.user).order_by("-start_date", "-id")
    state = request.GET.get("state")
    if state in RideAlong.State.values:
        trips = trips.filter(state=state)
    stuck_only = bool(request.GET.get("stuck"))
    if stuck_only:  # the cockpit's "approvals waiting more than N days" count opens exactly these
        trips = trips.filter(pk__in=queues.approvals_waiting(request.user).values("pk"))
    return render(request, "mentorship/ride_along_list.html",
                  {"page": paginate(request, trips), "states": RideAlong.State.choices, "state": state,
                   "stuck_only": stuck_only, "stuck_days": queues.STUCK_AFTER_DAYS})


@role_required(Role.MENTOR)
def ride_along_new(request):
    """M6: the request form lists only trainees who may go; those still missing theory courses are named up
    front with what they miss, before anyone fills the form in."""
    trainees = list(services.current_trainees(request.user))
    blocked = [(t, refusal) for t in trainees if (refusal := services.theory_gate_refusal(t))]
    ready = [t.pk for t in trainees if t.pk not in {b.pk for b, _r in blocked}]
    # 19.3: the focus proposed for the chosen trainee (?trainee=, or the only one ready): the weakest clauses of
    # their wrong-answer book and the skills not yet passed; the mentor confirms or edits it.
    chosen = request.GET.get("trainee", "")
    chosen = next((t for t in trainees if t.pk in ready and (str(t.pk) == chosen or len(ready) == 1)), None)
    initial = {}
    if chosen is not None:
        clauses, skills = services.propose_focus(chosen)
        initial = {"trainee": chosen.pk, "focus_clauses": "、".join(clauses), "skills": skills}
    form = RideAlongRequestForm(request.POST or None, initial=initial,
                                trainees=services.current_trainees(request.user).filter(pk__in=ready))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ride_along = apply_service(request, form, lambda: services.request_ride_along(
            mentor=request.user, trainee=d["trainee"], destination_region=d["destination_region"],
            cities=d["cities"], start_date=d["start_date"], end_date=d["end_date"], skills=d["skills"],
            purpose=d["purpose"], focus_clauses=d["focus_clauses"],
        ), _("The ride-along has been requested; the three approvers have been notified."))
        if ride_along:
            return redirect("mentorship:ride_along", ride_along.pk)
    owed = [(t, services.expense_guidance_owed_on_next_trip(t)) for t in trainees if t.pk in ready]
    return render(request, "mentorship/ride_along_new.html",
                  {"form": form, "owed": owed, "blocked": blocked, "has_trainees": bool(trainees),
                   "proposed_for": chosen, "propose_choices": len(ready) > 1})


@login_required
def ride_along_detail(request, pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    user = request.user
    actions = ride_along.actions_for(user)
    approvals = list(ride_along.approvals.select_related("decided_by__profile"))
    for approval in approvals:
        approval.ride_along = ride_along
        approval.mine = approval.may_be_decided_by(user)
        approval.form = DecisionForm(prefix=f"a{approval.pk}") if approval.mine else None
        # 16.7: who is asked, by name, while it waits.
        approval.asked = ([] if approval.decision != Approval.Decision.PENDING
                          or ride_along.state != RideAlong.State.REQUESTED
                          else list(access.approvers_for(ride_along, approval.kind).select_related("profile")))
    recording = actions.record_happened or actions.record_unapproved
    context = {
        "ride_along": ride_along,
        "actions": actions,
        "approvals": approvals,
        "sign_off": getattr(ride_along, "sign_off", None),
        "happened_form": HappenedForm(ride_along=ride_along) if recording else None,
        "starts_on": user.pk == ride_along.mentor_id and ride_along.waits_for_first_day(),
        "counts": ride_along.state == RideAlong.State.SIGNED_OFF and ride_along.counts_toward_certificate(),
        "accountability": ride_along.accountability_records.all(),
        "focus": focus_of(ride_along),
    }
    return render(request, "mentorship/ride_along_detail.html", context)


def focus_of(ride_along):
    """The trip's focus clauses, each with the lesson paragraph that teaches it (for the approvers, 19.3)."""
    from courses.services import lessons_teaching

    taught = lessons_teaching(set(ride_along.focus_clauses))
    return [{"clause_id": cid, "title": taught.get(cid, (None, ""))[1],
             "url": f"{taught[cid][0].url}#clause-{cid}" if cid in taught else ""}
            for cid in ride_along.focus_clauses]


@login_required
@require_POST
def approval_decide(request, pk, approval_pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    approval = get_object_or_404(ride_along.approvals, pk=approval_pk)
    if step_refused(request, approval, Approval.Action.DECIDE):
        return redirect("mentorship:ride_along", pk)
    form = DecisionForm(request.POST, prefix=f"a{approval.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("mentorship:ride_along", pk)
    approve = form.cleaned_data["decision"] == "approve"
    post_action(request, lambda: services.decide_approval(
        approval=approval, user=request.user, approve=approve, comment=form.cleaned_data["comment"]),
        _("Your approval has been recorded.") if approve else _("Your rejection has been recorded."))
    return redirect("mentorship:ride_along", pk)


@login_required
@require_POST
def ride_along_start(request, pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    post_action(request, lambda: services.start_ride_along(ride_along=ride_along, user=request.user),
                _("The trip has started."))
    return redirect("mentorship:ride_along", pk)


@login_required
@require_POST
def ride_along_happened(request, pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    form = HappenedForm(request.POST, ride_along=ride_along)
    reason = form.cleaned_data["early_finish_reason"] if form.is_valid() else ""
    post_action(request, lambda: services.record_trip_happened(ride_along=ride_along, user=request.user,
                                                               early_finish_reason=reason),
                _("The trip has been recorded as happened."))
    return redirect("mentorship:ride_along", pk)
