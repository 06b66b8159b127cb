"""M10, M13 screens: skill assessments, mentor assessments, the lead's reports, accountability."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lms.access import role_required
from lms.roles import Role

from .. import access, queues, services
from ..access import get_ride_along_or_404, visible_users
from ..forms import MentorAssessmentForm, SkillAssessmentForm
from ..models import Skill
from .common import apply_service, paginate


@role_required(Role.TRAINING_LEAD)
def skill_assess(request):
    form = SkillAssessmentForm(request.POST or None, trainees=access.lead_trainees(request.user),
                               initial={"trainee": request.GET.get("trainee")})
    if request.method == "POST" and form.is_valid():
        if apply_service(request, form, lambda: services.assess_skill(assessor=request.user, **form.cleaned_data),
                  _("The assessment has been recorded.")):
            return redirect("mentorship:reports")
    return render(request, "mentorship/skill_assess.html", {
        "form": form, "title": _("Assess a trainee's skill"), "chain": _chain(request),
        "intro": _("The trainee's own mentor may not assess them. Failing a skill that a signed-off ride-along "
                   "covered holds the mentor who led it accountable (M10)."),
    })


def _chain(request):
    """19.5: the chosen trainee's checklist results and weak clauses, beside the decision (the lead's trainees
    only; anyone else chosen shows nothing)."""
    from wrongbook.services import chain_for

    trainee = access.lead_trainees(request.user).filter(
        pk=_int(request.POST.get("trainee") or request.GET.get("trainee"))).first()
    if trainee is None:
        return None
    skill = Skill.objects.filter(pk=_int(request.POST.get("skill") or request.GET.get("skill"))).first()
    return {"trainee": trainee, "skill": skill, **chain_for(trainee, skill=skill)}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _assessable_mentors(user):
    ids = [u.pk for u in visible_users(user, status="regular").filter(role_assignments__role=Role.MENTOR)
           if access.may_assess_mentor(user, u)]
    return visible_users(user).filter(pk__in=ids)


@role_required(Role.REGIONAL_HEAD, Role.TRAINING_SUPERVISOR, Role.REGIONAL_MANAGER, Role.POST_HEAD)
def mentor_assess(request):
    ride_along = None
    if request.GET.get("ride_along") or request.POST.get("ride_along"):
        ride_along = get_ride_along_or_404(request.user, request.GET.get("ride_along") or request.POST["ride_along"])
        mentors = visible_users(request.user).filter(pk=ride_along.mentor_id) | _assessable_mentors(request.user)
    else:
        mentors = _assessable_mentors(request.user)
    form = MentorAssessmentForm(request.POST or None, mentors=mentors.distinct(),
                                initial={"mentor": ride_along.mentor_id if ride_along else request.GET.get("mentor")})
    if request.method == "POST" and form.is_valid():
        if apply_service(request, form, lambda: services.assess_mentor(
                assessor=request.user, ride_along=ride_along, **form.cleaned_data),
                _("The mentor assessment has been recorded.")):
            return redirect("home")
    return render(request, "mentorship/mentor_assess.html", {"form": form, "ride_along": ride_along})


@role_required(Role.TRAINING_LEAD)
def reports(request):
    """M13: every assessment report, of trainees and of mentors, in one place for the training lead."""
    data = access.assessment_reports_for(request.user)
    tab = request.GET.get("tab", "skills")
    if tab not in ("skills", "mentors", "sign_offs", "accountability", "question_reports"):
        raise Http404
    if tab == "accountability":
        rows = access.accountability_visible_to(request.user)
    elif tab == "question_reports":
        rows = access.question_reports_visible_to(request.user)
    else:
        rows = data[tab]
    pending_only = tab == "question_reports" and bool(request.GET.get("pending"))
    if pending_only:  # the cockpit's "question reports to review" count opens exactly these
        rows = rows.filter(pk__in=queues.question_reports_to_review(request.user).values("pk"))
    return render(request, "mentorship/reports.html",
                  {"tab": tab, "page": paginate(request, rows), "pending_only": pending_only})


@role_required(Role.TRAINING_LEAD, Role.REGIONAL_HEAD)
def accountability(request):
    return render(request, "mentorship/accountability.html",
                  {"page": paginate(request, access.accountability_visible_to(request.user))})
