"""Home-page panels of the mentorship app (see lms.home): for each role, what waits for me, with counts."""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone

from lms.access import covered_region_ids
from lms.counting import Read, count_each
from lms.home import ROLE_ORDER, Panel
from lms.roles import Role

from . import access, queues, services
from .workflow import Parties
from .models import (
    Approval,
    ChecklistItem,
    ConductReport,
    Escalation,
    Guidance,
    MentorAssignment,
    Question,
    RideAlong,
    SignOff,
)

APPROVAL_KIND_OF_ROLE = {
    Role.TRAINING_SUPERVISOR: Approval.Kind.TRAINING_SUPERVISOR,
    Role.REGIONAL_MANAGER: Approval.Kind.REGIONAL_MANAGER,
    Role.POST_HEAD: Approval.Kind.POST_HEAD,
}


def _url_for_each(name):
    """``reverse(name, args=[pk])`` as a function of ``pk``, at the cost of one ``reverse()`` for a whole list."""
    marker = "2147483647"
    url = reverse(name, args=[int(marker)])
    if url.count(marker) != 1:
        return lambda pk: reverse(name, args=[pk])
    head, tail = url.split(marker)
    return lambda pk: f"{head}{pk}{tail}"


def _questions_to_answer(user):
    """M4: the open questions I own or was asked to help with.

    The ids come from a UNION of two index lookups (owner, escalated_to): an OR
    across the escalation join would scan every question ever asked.
    """
    open_questions = Question.objects.exclude(status=Question.Status.ACCEPTED)
    mine = open_questions.filter(owner=user).order_by().values("pk")
    escalated_to_me = Escalation.objects.filter(escalated_to=user).order_by().values("question_id")
    return open_questions.filter(pk__in=mine.union(escalated_to_me))


def _current_mentor(*, trainee_id, today):
    return MentorAssignment.objects.current(on=today).filter(trainee_id=trainee_id).order_by("pk").values(
        j=JSONObject(name="mentor__profile__name", phone="mentor__profile__phone", since="start_date"))


def _sign_offs_to_confirm(*, trainee_id):
    return SignOff.objects.filter(ride_along__trainee_id=trainee_id, trainee_confirmed_at__isnull=True)


# What waits for the trainee (``lms.counting.Read`` builders, each counted with the page's other numbers).
TRAINEE_WAITS = {
    "guidance": lambda *, trainee_id: Guidance.objects.filter(trainee_id=trainee_id, trainee_confirmed_at__isnull=True),
    "topics": lambda *, trainee_id: ChecklistItem.objects.filter(trainee_id=trainee_id, acknowledged_at__isnull=True),
    "questions": lambda *, trainee_id: Question.objects.filter(asked_by_id=trainee_id,
                                                               status=Question.Status.ANSWERED),
    "sign_offs": _sign_offs_to_confirm,
}


def panels(request, profile):
    user = request.user
    roles = profile.role_set()
    result = []
    if Role.TRAINEE in roles:
        # The current mentor's name and phone, read with the page's numbers (the same assignment ``.first()`` gives).
        result.append(Panel(Role.TRAINEE, "mentorship/panels/my_mentor.html", order=20, then=_mentor_since,
                            firsts={"mentor": Read(_current_mentor, trainee_id=user.pk, today=timezone.localdate())}))

        def listed(panel):
            # The trips to confirm are listed (one link each) only when there are some: counted with the rest first.
            waits = panel.context
            panel.count = waits["sign_offs"] + waits["guidance"] + waits["topics"] + waits["questions"]
            waits["sign_offs"] = (list(_sign_offs_to_confirm(trainee_id=user.pk).values("ride_along_id"))
                                  if waits["sign_offs"] else [])
            return panel

        result.append(Panel(Role.TRAINEE, "mentorship/panels/trainee_waits.html", order=25, then=listed, counts={
            name: Read(build, trainee_id=user.pk) for name, build in TRAINEE_WAITS.items()}))
    if Role.MENTOR in roles:
        # Only the columns the panel shows: one row per trainee, no model instances.
        assignments = list(
            MentorAssignment.objects.current()
            .filter(mentor=user)
            .order_by("trainee__profile__employee_no")
            .values(profile_id=F("trainee__profile__id"), name=F("trainee__profile__name"),
                    employee_no=F("trainee__profile__employee_no"), post=F("trainee__profile__post__name"))
        )
        person_url, checklist_url, care_url = map(_url_for_each, ["person", "mentorship:checklist", "mentorship:care"])
        for a in assignments:
            pk = a["profile_id"]
            a.update(url=person_url(pk), checklist_url=checklist_url(pk), care_url=care_url(pk))
        result.append(
            Panel(Role.MENTOR, "mentorship/panels/my_trainees.html", {"assignments": assignments}, order=10)
        )
        result.append(_mentor_trips_panel(user))
    all_pending = access.pending_approvals_for(user) if roles & set(APPROVAL_KIND_OF_ROLE) else []
    for role, kind in APPROVAL_KIND_OF_ROLE.items():
        if role in roles:
            pending = [a for a in all_pending if a.kind == kind]
            result.append(Panel(role, "mentorship/panels/approvals.html", {"approvals": pending}, order=10,
                                count=len(pending)))
    if Role.TRAINING_LEAD in roles:
        # The queues the cockpit counts too (mentorship.queues), over the same scope.
        waits = count_each(
            reports=queues.question_reports_to_review(user),
            accountability=queues.accountability_records(user),
            without_mentor=queues.trainees_without_mentor(user),
        )
        waits["overdue"] = len(queues.overdue_questions_for(user))
        count = waits["reports"] + waits["overdue"]
        result.append(Panel(Role.TRAINING_LEAD, "mentorship/panels/lead.html", waits, order=20, count=count))
    if Role.REGIONAL_HEAD in roles:
        records = access.accountability_visible_to(user)
        region_ids = covered_region_ids(user, Role.REGIONAL_HEAD)
        mentors = _mentors_of_regions(region_ids)
        result.append(Panel(Role.REGIONAL_HEAD, "mentorship/panels/regional_head.html",
                            {"accountability": records.count(), "mentors": list(mentors[:MENTORS_SHOWN]),
                             "total": mentors.count()}, order=10))
    host = next((r for r in ROLE_ORDER if r in roles and r != Role.TRAINEE), None)
    if host:
        # M5: a report sent to me is always visible to me, so no visibility filter is needed on top.
        reports = ConductReport.objects.filter(recipients=user).count()
        if reports:
            result.append(Panel(host, "mentorship/panels/conduct.html", {}, order=13, count=reports))
        to_answer = list(_questions_to_answer(user).order_by("asked_at", "id").values(
            "pk", "subject", "asked_at", asker=F("asked_by__profile__name"))[:20])
        if to_answer:
            result.append(Panel(host, "mentorship/panels/questions.html", {"questions": to_answer}, order=12,
                                count=len(to_answer)))
    return result


def _mentor_since(panel):
    mentor = panel.context["mentor"]
    if mentor:
        mentor["since"] = datetime.date.fromisoformat(mentor["since"])
    return panel


REJECTIONS_SHOWN_FOR = datetime.timedelta(days=30)
MENTORS_SHOWN = 20


def _mentor_trips_panel(user):
    """M6, M9: the mentor's trips that wait for them (start, record, sign off), each with its dates, the
    refusals of the last month with their reason, and how many wait for approval. What a trip waits for is
    the trip's own workflow (``RideAlong.available_actions``), asked with the mentor already known."""
    A = RideAlong.Action
    today = timezone.localdate()
    trips = list(
        RideAlong.objects.filter(mentor=user)
        .filter(Q(state__in=[RideAlong.State.REQUESTED, RideAlong.State.APPROVED, RideAlong.State.STARTED,
                             RideAlong.State.COMPLETED])
                | Q(state=RideAlong.State.REJECTED, rejected_at__gte=timezone.now() - REJECTIONS_SHOWN_FOR))
        .select_related("trainee__profile").prefetch_related("approvals")
        .order_by("start_date", "id")
    )
    mentor = Parties(mentor=True)
    waits = {"to_sign_off": [], "to_record": [], "to_start": [], "approved": [], "rejected": [],
             "waiting_approval": 0}
    for trip in trips:
        actions = trip.available_actions(mentor, today)
        if A.SIGN_OFF in actions:
            waits["to_sign_off"].append(trip)
        elif A.RECORD_HAPPENED in actions and not trip.finishes_early(today):
            waits["to_record"].append(trip)
        elif A.START in actions:
            waits["to_start"].append(trip)
        elif trip.waits_for_first_day(today):
            waits["approved"].append(trip)
        elif trip.state == RideAlong.State.REJECTED:
            trip.rejection = next((a for a in trip.approvals.all() if a.decision == Approval.Decision.REJECTED), None)
            waits["rejected"].append(trip)
        elif trip.state == RideAlong.State.REQUESTED:
            waits["waiting_approval"] += 1
    count = len(waits["to_sign_off"]) + len(waits["to_record"]) + len(waits["to_start"]) + len(waits["rejected"])
    return Panel(Role.MENTOR, "mentorship/panels/mentor_waits.html", waits, order=15, count=count)


def _mentors_of_regions(region_ids):
    """M1, M13: the mentors of the regional head's regions, with how many trainees each guides now."""
    from lms.models import StaffProfile

    today = timezone.localdate()
    current = Q(user__mentor_assignments_as_mentor__start_date__lte=today) & (
        Q(user__mentor_assignments_as_mentor__end_date__isnull=True)
        | Q(user__mentor_assignments_as_mentor__end_date__gte=today))
    return (
        StaffProfile.objects.filter(region_id__in=region_ids, user__role_assignments__role=Role.MENTOR)
        .annotate(trainees=Count("user__mentor_assignments_as_mentor", filter=current, distinct=True))
        .select_related("region").order_by("employee_no")
    )

