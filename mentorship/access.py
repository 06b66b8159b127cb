"""Who may see and do what in the 传帮带 module: every ``*_visible_to`` and ``may_*`` of the app.

The policy is the product's (``lms.access``): outside your scope → 404 (the views fetch through the
``get_*_or_404`` helpers here); inside your scope but not allowed to act → 403 (``may_*`` here, checked
again by the services where the record is written). Who holds a role for whom comes from the org data:
``training_leads_of``, ``post_heads_of``, ``approvers_for``.
"""

from collections import Counter
from itertools import combinations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from lms.access import covered_region_ids, covers_region, get_in_scope_or_404, has_role, visible_profiles
from lms.models import Region, StaffProfile, holders_of
from lms.roles import Role

from .models import (
    AccountabilityRecord,
    Approval,
    CareCheckIn,
    ChecklistItem,
    ConductReport,
    Guidance,
    MentorAssessment,
    MentorAssignment,
    Question,
    QuestionReport,
    RideAlong,
    SignOff,
    SkillAssessment,
)

# --- people: the scope the app adds, and who holds which role for whom ------------------------------


def people_scope(user):
    """``lms.access`` scope provider: a mentor sees the trainees they mentor or have mentored, a trainee
    their mentors (settings.LMS_SCOPE_PROVIDERS)."""
    return Q(user__in=MentorAssignment.objects.filter(mentor=user).values("trainee")) | Q(
        user__in=MentorAssignment.objects.filter(trainee=user).values("mentor"))


def _profile(user):
    return StaffProfile.objects.filter(user=user).select_related("region", "post").first()


def _region_ids(user, *roles):
    """The regions (with those below) ``user`` covers in ``roles`` (``lms.access.covered_region_ids``); none for
    someone without a staff profile (the signed-in user's profile came with the user)."""
    return covered_region_ids(user, *roles) if getattr(user, "profile", None) is not None else set()


def training_leads_of(trainee):
    """Training leads whose regions cover the trainee's region (M1, M13: reports end up with them)."""
    profile = _profile(trainee)
    if profile is None or profile.region is None:
        return get_user_model().objects.none()
    return holders_of(Role.TRAINING_LEAD, region=profile.region)


def post_heads_of(trainee):
    """Heads of the trainee's (prospective) post, limited to their region when their assignment has one."""
    profile = _profile(trainee)
    if profile is None or profile.post is None:
        return get_user_model().objects.none()
    region_ids = [profile.region.pk, *profile.region.ancestor_ids()] if profile.region else []
    return (
        get_user_model()
        .objects.filter(
            Q(role_assignments__role=Role.POST_HEAD, role_assignments__post=profile.post)
            & (Q(role_assignments__region__isnull=True) | Q(role_assignments__region_id__in=region_ids)),
            is_active=True,
        )
        .distinct()
    )


def is_training_lead_for(user, trainee):
    profile = _profile(trainee)
    return covers_region(user, Role.TRAINING_LEAD, profile.region if profile else None)


def is_post_head_for(user, trainee):
    return user.is_superuser or (has_role(user, Role.POST_HEAD) and post_heads_of(trainee).filter(pk=user.pk).exists())


def is_current_mentor(user, trainee):
    return MentorAssignment.objects.current().filter(trainee=trainee, mentor=user).exists()


def has_mentored(user, trainee):
    return MentorAssignment.objects.filter(trainee=trainee, mentor=user).exists()


def lead_region_ids(user):
    """Regions (with those below) where ``user`` is the training lead."""
    return _region_ids(user, Role.TRAINING_LEAD)


def colleagues(user):
    """Active staff other than ``user`` (a trainee may ask anyone; 首问 is by name)."""
    return get_user_model().objects.filter(is_active=True, profile__isnull=False).exclude(pk=user.pk)


def people_to_ask(user):
    """M3, M4: whom a person asks a question: regular (转正) colleagues, who owe trainees an answer — not
    other trainees."""
    return colleagues(user).filter(profile__status=StaffProfile.Status.REGULAR)


def visible_users(user, **profile_filters):
    return get_user_model().objects.filter(profile__in=visible_profiles(user).filter(**profile_filters))


def lead_trainees(user):
    """Trainees of the regions where ``user`` is the training lead (M1, M13)."""
    if user.is_superuser:
        return visible_users(user, status=StaffProfile.Status.PROBATION)
    return visible_users(user, status=StaffProfile.Status.PROBATION, region_id__in=lead_region_ids(user))


# --- M6 ride-alongs and their approvals ---------------------------------------------------------------


def ride_alongs_visible_to(user):
    """Trips of people the user may see (mentor, trainee, lead, post head, regional head, supervisor),
    plus trips to a region the user manages and trips the user decided on."""
    qs = RideAlong.objects.select_related(
        "trainee__profile", "mentor__profile", "destination_region"
    )
    if user.is_superuser:
        return qs
    manager_regions = _region_ids(user, Role.REGIONAL_MANAGER)
    return qs.filter(
        Q(trainee=user)
        | Q(mentor=user)
        | Q(trainee__profile__in=visible_profiles(user))
        | Q(destination_region_id__in=manager_regions)
        | Q(approvals__decided_by=user)
    ).distinct()


def get_ride_along_or_404(user, pk):
    return get_in_scope_or_404(ride_alongs_visible_to(user), pk=pk)


def role_holders_for(ride_along, kind):
    """M6: who holds the approver role of ``kind`` for this trip, from the org data (never typed in): the
    holders for the region (or post) and those up the region tree; never the trip's mentor or trainee."""
    if kind == Approval.Kind.TRAINING_SUPERVISOR:
        profile = _profile(ride_along.trainee)
        users = holders_of(Role.TRAINING_SUPERVISOR, region=profile.region) if profile and profile.region else None
    elif kind == Approval.Kind.REGIONAL_MANAGER:
        users = holders_of(Role.REGIONAL_MANAGER, region=ride_along.destination_region)
    else:
        users = post_heads_of(ride_along.trainee)
    if users is None:
        return get_user_model().objects.none()
    return users.exclude(pk__in=[ride_along.mentor_id, ride_along.trainee_id])


def approvers_for(ride_along, kind):
    """M6: the people who may decide the approval of ``kind``: its role holders, less anyone who decided
    another approval of the trip (three approvals, three different people)."""
    others = [a.decided_by_id for a in ride_along.approvals.all() if a.kind != kind and a.decided_by_id]
    return role_holders_for(ride_along, kind).exclude(pk__in=others)


def distinct_approvers_possible(candidates):
    """Whether each approval kind can get its own person: ``candidates`` maps kind → set of user ids.

    Hall's condition, checked over every group of kinds (there are three): the kinds of a group must
    have at least as many different people between them as there are kinds in it.
    """
    kinds = list(candidates)
    for size in range(1, len(kinds) + 1):
        for group in combinations(kinds, size):
            if len(set().union(*(candidates[k] for k in group))) < size:
                return False
    return True


def approver_candidates(ride_along):
    """kind → ids of the people who may still decide it (a decided approval: its decider only)."""
    result = {}
    for approval in ride_along.approvals.all():
        if approval.decision != Approval.Decision.PENDING:
            result[approval.kind] = {approval.decided_by_id}
        else:
            result[approval.kind] = set(approvers_for(ride_along, approval.kind).values_list("pk", flat=True))
    return result


def may_decide(user, approval):
    """M6: ``user`` holds the approver role of this approval for the trip, has decided no other approval of
    it, and deciding this one still leaves a different person for each approval that waits. When the org
    gives one person two of the roles, they decide one and the next holder up the tree the other."""
    ride_along = approval.ride_along
    candidates = approver_candidates(ride_along)
    if user.pk not in candidates.get(approval.kind, set()):
        return False
    if approval.decision != Approval.Decision.PENDING:
        return True
    chosen = {kind: (ids - {user.pk}) for kind, ids in candidates.items()}
    chosen[approval.kind] = {user.pk}
    return distinct_approvers_possible(chosen)


def pending_approvals_for(user):
    """Approvals waiting for ``user`` (M6), on trips still waiting for approval.

    The same rule as ``approvers_for``, turned around into one query: a scope
    region covers a trip when it is the region itself or one above it.
    """

    def covered(role):
        ids = user.role_assignments.filter(role=role, region__isnull=False).values_list("region_id", flat=True)
        return Region.ids_with_descendants(ids)

    query = Q(kind=Approval.Kind.TRAINING_SUPERVISOR,
              ride_along__trainee__profile__region_id__in=covered(Role.TRAINING_SUPERVISOR))
    query |= Q(kind=Approval.Kind.REGIONAL_MANAGER,
               ride_along__destination_region_id__in=covered(Role.REGIONAL_MANAGER))
    for assignment in user.role_assignments.filter(role=Role.POST_HEAD, post__isnull=False):
        post_query = Q(kind=Approval.Kind.POST_HEAD, ride_along__trainee__profile__post_id=assignment.post_id)
        if assignment.region_id:
            post_query &= Q(ride_along__trainee__profile__region_id__in=Region.ids_with_descendants(
                [assignment.region_id]))
        query |= post_query
    rows = list(
        Approval.objects.filter(query, decision=Approval.Decision.PENDING, ride_along__state=RideAlong.State.REQUESTED,
                                ride_along__end_date__gte=timezone.localdate())
        .exclude(ride_along__mentor=user).exclude(ride_along__trainee=user)
        # Three different people: not a trip on which the user decided another approval.
        .exclude(ride_along__approvals__decided_by=user)
        .select_related("ride_along__trainee__profile__region", "ride_along__trainee__profile__post",
                        "ride_along__destination_region", "ride_along__mentor__profile")
        .order_by("ride_along__start_date", "ride_along_id", "kind")
    )
    # Someone asked for two approvals of one trip (two roles) decides only those that leave a different
    # person for the others (``may_decide``); everyone else's rows are settled by the query.
    per_trip = Counter(a.ride_along_id for a in rows)
    return [a for a in rows if per_trip[a.ride_along_id] == 1 or may_decide(user, a)]


# --- M3, M4 questions -----------------------------------------------------------------------------------


def questions_visible_to(user):
    """The asker, the owner, anyone asked for help, and the training lead of the asker's region."""
    qs = Question.objects.select_related("asked_by__profile", "owner__profile")
    if user.is_superuser:
        return qs
    return qs.filter(
        Q(asked_by=user) | Q(owner=user) | Q(escalations__escalated_to=user)
        | Q(asked_by__profile__region_id__in=lead_region_ids(user))
    ).distinct()


def get_question_or_404(user, pk):
    return get_in_scope_or_404(questions_visible_to(user), pk=pk)


def question_reports_visible_to(user):
    """M3: reports on questions of trainees the user may see (the training lead reviews them)."""
    return QuestionReport.objects.select_related("question__asked_by__profile", "against__profile").filter(
        question__asked_by__profile__in=visible_profiles(user))


# --- M2 guidance ---------------------------------------------------------------------------------------------


def may_log_guidance(user):
    """M2: every regular (转正) employee guides trainees and may record it."""
    profile = getattr(user, "profile", None)
    return profile is not None and profile.is_regular


def guidance_visible_to(user):
    """M2: the guidance a person gave or received."""
    return (Guidance.objects.filter(Q(mentor=user) | Q(trainee=user))
            .select_related("mentor__profile", "trainee__profile"))


# --- M7 checklist ------------------------------------------------------------------------------------------------


def checklist_items_visible_to(user):
    """M7: the checklist items of the people the user may see."""
    return ChecklistItem.objects.filter(trainee__profile__in=visible_profiles(user))


# --- M5 conduct reports ----------------------------------------------------------------------------------------


def conduct_reports_visible_to(user):
    """M5: the reporter and the managers the report was routed to."""
    qs = ConductReport.objects.select_related("reporter__profile", "subject__profile")
    if user.is_superuser:
        return qs
    return qs.filter(Q(reporter=user) | Q(recipients=user)).distinct()


def get_conduct_report_or_404(user, pk):
    return get_in_scope_or_404(conduct_reports_visible_to(user), pk=pk)


# --- M10, M13 assessments and accountability -------------------------------------------------------------------


def may_assess_mentor(user, mentor, ride_along=None):
    """M13: the regional head of the mentor's region (or above), or whoever approved (arranged) the trip."""
    if user.pk == mentor.pk:
        return False
    profile = _profile(mentor)
    if profile and covers_region(user, Role.REGIONAL_HEAD, profile.region):
        return True
    if ride_along is not None and ride_along.mentor_id == mentor.pk:
        return ride_along.approvals.filter(decided_by=user, decision=Approval.Decision.APPROVED).exists()
    return False


def assessment_reports_for(lead):
    """M13: every assessment report of trainees and of mentors in the lead's regions, in one place."""
    skills = SkillAssessment.objects.select_related("trainee__profile", "skill", "assessor__profile")
    mentors = MentorAssessment.objects.select_related("mentor__profile", "assessor__profile", "ride_along")
    signoffs = SignOff.objects.select_related("ride_along__trainee__profile", "ride_along__mentor__profile")
    if not lead.is_superuser:
        region_ids = lead_region_ids(lead)
        skills = skills.filter(trainee__profile__region_id__in=region_ids)
        mentors = mentors.filter(mentor__profile__region_id__in=region_ids)
        signoffs = signoffs.filter(ride_along__trainee__profile__region_id__in=region_ids)
    return {"skills": skills, "mentors": mentors, "sign_offs": signoffs}


def accountability_visible_to(user):
    """M10: accountability records the training lead and the regional head of the person's region see."""
    qs = AccountabilityRecord.objects.select_related("person__profile", "trainee__profile", "ride_along")
    if user.is_superuser:
        return qs
    region_ids = _region_ids(user, Role.TRAINING_LEAD, Role.REGIONAL_HEAD)
    if not region_ids:
        return qs.none()
    return qs.filter(Q(person__profile__region_id__in=region_ids) | Q(trainee__profile__region_id__in=region_ids))


# --- M11 care ---------------------------------------------------------------------------------------------------


def _sees_all_care(user, trainee):
    """M11: the current mentor, the training lead and the post head follow the trainee's care check-ins."""
    return (
        user.is_superuser
        or is_current_mentor(user, trainee)
        or is_training_lead_for(user, trainee)
        or is_post_head_for(user, trainee)
    )


def care_check_ins_for(user, trainee):
    """M11: the check-ins ``user`` may read: all of them for those who follow the trainee now; a former mentor
    keeps only the entries they wrote; anyone else none."""
    check_ins = CareCheckIn.objects.filter(trainee=trainee).select_related("mentor__profile")
    return check_ins if _sees_all_care(user, trainee) else check_ins.filter(mentor=user)


def may_see_care_check_ins(user, trainee):
    return _sees_all_care(user, trainee) or CareCheckIn.objects.filter(trainee=trainee, mentor=user).exists()


# --- M13 a mentor's private records --------------------------------------------------------------------------


def mentor_assessments_visible_to(user):
    """M13: a mentor's assessments (with their scores) are seen by the mentor, the assessor, and the training
    lead and regional head of the mentor's region (the reports end up with the lead) — not by their trainees."""
    qs = MentorAssessment.objects.select_related("mentor__profile", "assessor__profile", "ride_along")
    if user.is_superuser:
        return qs
    region_ids = _region_ids(user, Role.TRAINING_LEAD, Role.REGIONAL_HEAD)
    return qs.filter(Q(mentor=user) | Q(assessor=user) | Q(mentor__profile__region_id__in=region_ids))
