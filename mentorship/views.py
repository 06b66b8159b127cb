"""Screens of the 传帮带 module. Thin: scope through mentorship.access, rules in services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.access import get_in_scope_or_404, get_profile_or_404, role_required
from lms.roles import Role

from . import access, services
from .access import colleagues, get_question_or_404, get_ride_along_or_404, ride_alongs_visible_to, visible_users
from .forms import (
    AmendmentForm,
    AnswerForm,
    AskForm,
    AssignMentorForm,
    CareCheckInForm,
    ChecklistTopicForm,
    ConductReportForm,
    ConfirmForm,
    DecisionForm,
    EscalateForm,
    ExpenseForm,
    FilingProblemForm,
    GuidanceForm,
    HandoverForm,
    MentorAssessmentForm,
    QuestionReportForm,
    ReviewForm,
    RideAlongRequestForm,
    SignOffForm,
    SkillAssessmentForm,
)
from .models import (
    Approval,
    ChecklistItem,
    ChecklistTopic,
    RideAlong,
)

PAGE_SIZE = 20


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _error_text(exc):
    return " ".join(exc.messages)


def _form_page(request, form, title, *, submit_label=None, intro=None, back=None, status=200):
    return render(request, "mentorship/form_page.html",
                  {"form": form, "title": title, "submit_label": submit_label, "intro": intro, "back": back},
                  status=status)


def _apply(request, form, action, success_message):
    """Run a service with a valid form; a refusal becomes a form error (nothing half-saved)."""
    try:
        result = action()
    except ValidationError as exc:
        form.add_error(None, _error_text(exc))
        return None
    messages.success(request, success_message)
    return result if result is not None else True


def _post_action(request, action, success_message):
    """A one-button POST: success or a clear refusal message; PermissionDenied stays a 403."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, success_message)


# --- ride-alongs (M6, M8, M9) ------------------------------------------------------------------


@login_required
def ride_along_list(request):
    trips = ride_alongs_visible_to(request.user).order_by("-start_date", "-id")
    state = request.GET.get("state")
    if state in RideAlong.State.values:
        trips = trips.filter(state=state)
    return render(request, "mentorship/ride_along_list.html",
                  {"page": _page(request, trips), "states": RideAlong.State.choices, "state": state})


@role_required(Role.MENTOR)
def ride_along_new(request):
    trainees = services.current_trainees(request.user)
    form = RideAlongRequestForm(request.POST or None, trainees=trainees)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ride_along = _apply(request, form, lambda: services.request_ride_along(
            mentor=request.user, trainee=d["trainee"], destination_region=d["destination_region"],
            cities=d["cities"], start_date=d["start_date"], end_date=d["end_date"], skills=d["skills"],
            purpose=d["purpose"],
        ), _("The ride-along has been requested; the three approvers have been notified."))
        if ride_along:
            return redirect("mentorship:ride_along", ride_along.pk)
    owed = [(t, services.expense_guidance_owed_on_next_trip(t)) for t in trainees]
    return render(request, "mentorship/ride_along_new.html", {"form": form, "owed": owed})


@login_required
def ride_along_detail(request, pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    user = request.user
    approvals = list(ride_along.approvals.select_related("decided_by__profile"))
    for approval in approvals:
        approval.mine = (approval.decision == Approval.Decision.PENDING
                         and ride_along.state == RideAlong.State.REQUESTED and access.may_decide(user, approval))
        approval.form = DecisionForm(prefix=f"a{approval.pk}") if approval.mine else None
    sign_off = getattr(ride_along, "sign_off", None)
    is_mentor = user.pk == ride_along.mentor_id
    context = {
        "ride_along": ride_along,
        "approvals": approvals,
        "sign_off": sign_off,
        "is_mentor": is_mentor,
        "is_trainee": user.pk == ride_along.trainee_id,
        "is_lead": access.is_training_lead_for(user, ride_along.trainee),
        "can_start": is_mentor and ride_along.state == RideAlong.State.APPROVED,
        "can_record_happened": is_mentor and ride_along.state in (
            RideAlong.State.REQUESTED, RideAlong.State.APPROVED, RideAlong.State.STARTED, RideAlong.State.REJECTED),
        "accountability": ride_along.accountability_records.all(),
        "can_assess_mentor": (ride_along.state == RideAlong.State.SIGNED_OFF
                              and access.may_assess_mentor(user, ride_along.mentor, ride_along)),
    }
    return render(request, "mentorship/ride_along_detail.html", context)


@login_required
@require_POST
def approval_decide(request, pk, approval_pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    approval = get_object_or_404(ride_along.approvals, pk=approval_pk)
    if not access.may_decide(request.user, approval):
        raise PermissionDenied
    form = DecisionForm(request.POST, prefix=f"a{approval.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("mentorship:ride_along", pk)
    approve = form.cleaned_data["decision"] == "approve"
    _post_action(request, lambda: services.decide_approval(
        approval=approval, user=request.user, approve=approve, comment=form.cleaned_data["comment"]),
        _("Your approval has been recorded.") if approve else _("Your rejection has been recorded."))
    return redirect("mentorship:ride_along", pk)


@login_required
@require_POST
def ride_along_start(request, pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    _post_action(request, lambda: services.start_ride_along(ride_along=ride_along, user=request.user),
                 _("The trip has started."))
    return redirect("mentorship:ride_along", pk)


@login_required
@require_POST
def ride_along_happened(request, pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    _post_action(request, lambda: services.record_trip_happened(ride_along=ride_along, user=request.user),
                 _("The trip has been recorded as happened."))
    return redirect("mentorship:ride_along", pk)


@login_required
def ride_along_sign_off(request, pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    if request.user.pk != ride_along.mentor_id:
        raise PermissionDenied
    if ride_along.state != RideAlong.State.COMPLETED:
        messages.error(request, _("Only a trip that has happened and is not yet signed off can be signed off."))
        return redirect("mentorship:ride_along", pk)
    form = SignOffForm(request.POST or None, initial={"skills_covered": ride_along.skills.all()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = _apply(request, form, lambda: services.sign_off_ride_along(
            ride_along=ride_along, user=request.user, performance=d["performance"],
            study_directions=d["study_directions"], skills_covered=d["skills_covered"],
            weak_points=form.weak_points(), plan_items=form.plan_items(),
        ), _("The ride-along has been signed off and reported to the training lead and the post head."))
        if done:
            return redirect("mentorship:ride_along", pk)
    return _form_page(request, form, _("Sign off the ride-along"), submit_label=_("Submit sign-off"),
                      intro=_("Once submitted the sign-off is locked; later corrections are amendments."),
                      back=ride_along)


@login_required
def sign_off_confirm(request, pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    sign_off = getattr(ride_along, "sign_off", None)
    if sign_off is None:
        raise Http404
    if request.user.pk != ride_along.trainee_id:
        raise PermissionDenied
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _apply(request, form, lambda: services.confirm_sign_off(
                sign_off=sign_off, user=request.user, comment=form.cleaned_data["comment"]),
                _("You have confirmed the sign-off.")):
            return redirect("mentorship:ride_along", pk)
    return _form_page(request, form, _("Confirm the sign-off"), submit_label=_("Confirm"), back=ride_along)


@login_required
def sign_off_amend(request, pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    sign_off = getattr(ride_along, "sign_off", None)
    if sign_off is None:
        raise Http404
    if request.user.pk != sign_off.signed_by_id:
        raise PermissionDenied
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _apply(request, form, lambda: services.amend_sign_off(
                sign_off=sign_off, user=request.user, **form.cleaned_data), _("The amendment has been added.")):
            return redirect("mentorship:ride_along", pk)
    return _form_page(request, form, _("Amend the sign-off"), submit_label=_("Add amendment"), back=ride_along)


@login_required
def ride_along_expenses(request, pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    if request.user.pk != ride_along.mentor_id:
        raise PermissionDenied
    form = ExpenseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _apply(request, form, lambda: services.record_expense_filing(
                ride_along=ride_along, user=request.user, **form.cleaned_data),
                _("The expense filing has been recorded.")):
            return redirect("mentorship:ride_along", pk)
    intro = (_("Expense-filing guidance is owed on this trip: guide the trainee's filing; you answer for it (M8).")
             if ride_along.expense_guidance_owed else
             _("No guidance is owed on this trip: the trainee answers for the filing (M8)."))
    return _form_page(request, form, _("Expense filing"), intro=intro, back=ride_along)


@login_required
def ride_along_filing_problem(request, pk):
    ride_along = get_ride_along_or_404(request.user, pk)
    if not access.is_training_lead_for(request.user, ride_along.trainee):
        raise PermissionDenied
    form = FilingProblemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _apply(request, form, lambda: services.record_filing_problem(
                ride_along=ride_along, user=request.user, **form.cleaned_data),
                _("The filing problem has been recorded.")):
            return redirect("mentorship:ride_along", pk)
    return _form_page(request, form, _("Record a filing problem"), back=ride_along)


# --- M1 mentor assignment, M13 assessments ----------------------------------------------------


@role_required(Role.TRAINING_LEAD)
def assign_mentor(request):
    trainees = access.lead_trainees(request.user)
    mentors = visible_users(request.user, status="regular")
    initial = {"start_date": timezone.localdate()}
    if request.GET.get("trainee"):
        initial["trainee"] = request.GET["trainee"]
    form = AssignMentorForm(request.POST or None, trainees=trainees, mentors=mentors, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _apply(request, form, lambda: services.assign_mentor(
                trainee=d["trainee"], mentor=d["mentor"], assigned_by=request.user, start_date=d["start_date"],
                reason=d["reason"]), _("The mentor has been assigned.")):
            return redirect("person", d["trainee"].profile.pk)
    return _form_page(request, form, _("Assign a mentor"), intro=_(
        "Reassigning ends the current mentor's period; the history is kept."))


@role_required(Role.TRAINING_LEAD)
def skill_assess(request):
    form = SkillAssessmentForm(request.POST or None, trainees=access.lead_trainees(request.user),
                               initial={"trainee": request.GET.get("trainee")})
    if request.method == "POST" and form.is_valid():
        if _apply(request, form, lambda: services.assess_skill(assessor=request.user, **form.cleaned_data),
                  _("The assessment has been recorded.")):
            return redirect("mentorship:reports")
    return _form_page(request, form, _("Assess a trainee's skill"), intro=_(
        "The trainee's own mentor may not assess them. Failing a skill that a signed-off ride-along covered "
        "holds the mentor who led it accountable (M10)."))


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
                                initial={"mentor": ride_along.mentor_id if ride_along else None})
    if request.method == "POST" and form.is_valid():
        if _apply(request, form, lambda: services.assess_mentor(
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
    return render(request, "mentorship/reports.html", {"tab": tab, "page": _page(request, rows)})


@role_required(Role.TRAINING_LEAD, Role.REGIONAL_HEAD)
def accountability(request):
    return render(request, "mentorship/accountability.html",
                  {"page": _page(request, access.accountability_visible_to(request.user))})


# --- M4, M3 questions ---------------------------------------------------------------------------


@login_required
def question_list(request):
    qs = access.questions_visible_to(request.user).order_by("-asked_at")
    return render(request, "mentorship/question_list.html", {"page": _page(request, qs)})


@login_required
def question_ask(request):
    form = AskForm(request.POST or None, colleagues=colleagues(request.user))
    if request.method == "POST" and form.is_valid():
        question = _apply(request, form, lambda: services.ask_question(trainee=request.user, **form.cleaned_data),
                          _("Your question has been sent."))
        if question:
            return redirect("mentorship:question", question.pk)
    return _form_page(request, form, _("Ask a question"), submit_label=_("Send"))


@login_required
def question_detail(request, pk):
    question = get_question_or_404(request.user, pk)
    user = request.user
    involved = colleagues(question.asked_by).filter(
        pk__in=[question.owner_id, *question.escalations.values_list("escalated_to", flat=True),
                *question.answers.values_list("author", flat=True)])
    context = {
        "question": question,
        "answers": question.answers.select_related("author__profile"),
        "escalations": question.escalations.select_related("escalated_to__profile"),
        "reports": question.reports.select_related("against__profile"),
        "overdue": services.question_is_overdue(question),
        "can_answer": not question.is_resolved and access.may_answer(user, question),
        "is_owner": user.pk == question.owner_id and not question.is_resolved,
        "is_asker": user.pk == question.asked_by_id,
        "is_lead": access.is_training_lead_for(user, question.asked_by),
        "answer_form": AnswerForm(),
        "escalate_form": EscalateForm(colleagues=colleagues(user).exclude(pk=question.asked_by_id)),
        "report_form": QuestionReportForm(involved=involved),
        "review_form": ReviewForm(),
    }
    return render(request, "mentorship/question_detail.html", context)


@login_required
@require_POST
def question_answer(request, pk):
    question = get_question_or_404(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        _post_action(request, lambda: services.answer_question(question=question, user=request.user,
                                                               body=form.cleaned_data["body"]),
                     _("Your answer has been sent."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect("mentorship:question", pk)


@login_required
@require_POST
def question_escalate(request, pk):
    question = get_question_or_404(request.user, pk)
    form = EscalateForm(request.POST, colleagues=colleagues(request.user))
    if form.is_valid():
        _post_action(request, lambda: services.escalate_question(question=question, user=request.user,
                                                                 **form.cleaned_data),
                     _("You asked for help; you remain the owner of the question."))
    else:
        messages.error(request, _("Choose whom to ask for help."))
    return redirect("mentorship:question", pk)


@login_required
@require_POST
def question_accept(request, pk, answer_pk):
    question = get_question_or_404(request.user, pk)
    answer = get_object_or_404(question.answers, pk=answer_pk)
    _post_action(request, lambda: services.accept_answer(question=question, user=request.user, answer=answer),
                 _("You accepted the answer; the question is resolved."))
    return redirect("mentorship:question", pk)


@login_required
@require_POST
def question_report(request, pk):
    question = get_question_or_404(request.user, pk)
    form = QuestionReportForm(request.POST, involved=colleagues(question.asked_by))
    if form.is_valid():
        _post_action(request, lambda: services.report_question(question=question, user=request.user,
                                                               **form.cleaned_data),
                     _("Your report has been sent to the training lead."))
    else:
        messages.error(request, _("Fill in every field of the report."))
    return redirect("mentorship:question", pk)


@login_required
@require_POST
def question_report_review(request, pk, report_pk):
    question = get_question_or_404(request.user, pk)
    report = get_object_or_404(question.reports, pk=report_pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        _post_action(request, lambda: services.review_question_report(
            report=report, reviewer=request.user, confirm=form.cleaned_data["decision"] == "confirm",
            note=form.cleaned_data["note"]), _("The review has been recorded."))
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("mentorship:question", pk)


# --- M2 guidance ---------------------------------------------------------------------------------


@login_required
def guidance_list(request):
    qs = access.guidance_visible_to(request.user).order_by("-date", "-id")
    return render(request, "mentorship/guidance_list.html", {"page": _page(request, qs)})


@login_required
def guidance_new(request):
    if not access.may_log_guidance(request.user):
        raise PermissionDenied
    trainees = visible_users(request.user, status="probation")
    form = GuidanceForm(request.POST or None, trainees=trainees, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if _apply(request, form, lambda: services.log_guidance(mentor=request.user, **form.cleaned_data),
                  _("The guidance has been recorded; the trainee will confirm it.")):
            return redirect("mentorship:guidance")
    return _form_page(request, form, _("Record guidance"))


@login_required
@require_POST
def guidance_confirm(request, pk):
    guidance = get_in_scope_or_404(access.guidance_visible_to(request.user), pk=pk)
    _post_action(request, lambda: services.confirm_guidance(guidance=guidance, trainee=request.user),
                 _("You confirmed the guidance."))
    return redirect("mentorship:guidance")


# --- M7 checklist -----------------------------------------------------------------------------------


@login_required
def checklist_mine(request):
    profile = getattr(request.user, "profile", None)
    if profile is None:
        raise Http404
    return redirect("mentorship:checklist", profile.pk)


@login_required
def checklist(request, profile_pk):
    profile = get_profile_or_404(request.user, profile_pk)
    trainee = profile.user
    rows = services.checklist_for(trainee)
    return render(request, "mentorship/checklist.html", {
        "person": profile,
        "rows": rows,
        "is_mentor": access.is_current_mentor(request.user, trainee),
        "is_trainee": request.user.pk == trainee.pk,
        "done": sum(1 for _t, item in rows if item and item.acknowledged_at),
        "complete": services.checklist_complete(trainee),
    })


@login_required
@require_POST
def checklist_cover(request, profile_pk, topic_pk):
    profile = get_profile_or_404(request.user, profile_pk)
    topic = get_object_or_404(ChecklistTopic, pk=topic_pk, active=True)
    _post_action(request, lambda: services.mark_topic_covered(trainee=profile.user, topic=topic, mentor=request.user),
                 _("Marked as covered."))
    return redirect("mentorship:checklist", profile_pk)


@login_required
@require_POST
def checklist_acknowledge(request, item_pk):
    item = get_object_or_404(ChecklistItem.objects.filter(trainee=request.user), pk=item_pk)
    _post_action(request, lambda: services.acknowledge_topic(item=item, trainee=request.user),
                 _("Acknowledged."))
    return redirect("mentorship:checklist", request.user.profile.pk)


@role_required(Role.TRAINING_LEAD)
def checklist_topics(request, pk=None):
    topic = get_object_or_404(ChecklistTopic, pk=pk) if pk else None
    form = ChecklistTopicForm(request.POST or None, instance=topic)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The checklist topic has been saved."))
        return redirect("mentorship:checklist_topics")
    return render(request, "mentorship/checklist_topics.html",
                  {"form": form, "topic": topic, "topics": ChecklistTopic.objects.all()})


# --- M5 conduct reports ------------------------------------------------------------------------------


@login_required
def conduct_list(request):
    return render(request, "mentorship/conduct_list.html",
                  {"page": _page(request, access.conduct_reports_visible_to(request.user))})


@login_required
def conduct_new(request):
    form = ConductReportForm(request.POST or None, colleagues=colleagues(request.user))
    if request.method == "POST" and form.is_valid():
        report = _apply(request, form, lambda: services.file_conduct_report(reporter=request.user,
                                                                            **form.cleaned_data),
                        _("Your report has been sent to the responsible managers."))
        if report:
            return redirect("mentorship:conduct_report", report.pk)
    return _form_page(request, form, _("Report a violation"), intro=_(
        "Reports about a trainee go to the training supervisor, the regional manager and the prospective post "
        "head; reports about a regular employee go to their superiors (M5)."))


@login_required
def conduct_detail(request, pk):
    report = access.get_conduct_report_or_404(request.user, pk)
    return render(request, "mentorship/conduct_detail.html",
                  {"report": report, "recipients": report.recipients.select_related("profile")})


# --- M11 care, M12 handover ------------------------------------------------------------------------


@login_required
def care(request, profile_pk):
    profile = get_profile_or_404(request.user, profile_pk)
    trainee = profile.user
    if not access.may_see_care_check_ins(request.user, trainee):
        raise Http404
    form = None
    if access.is_current_mentor(request.user, trainee):
        form = CareCheckInForm(request.POST or None, initial={"date": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            if _apply(request, form, lambda: services.record_care_check_in(
                    mentor=request.user, trainee=trainee, **form.cleaned_data), _("The check-in has been recorded.")):
                return redirect("mentorship:care", profile_pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "mentorship/care.html", {
        "person": profile, "form": form, "page": _page(request, access.care_check_ins_for(request.user, trainee)),
    })


@role_required(Role.TRAINING_LEAD, Role.REGIONAL_HEAD, Role.POST_HEAD, Role.REGIONAL_MANAGER)
def handover_new(request):
    people = visible_users(request.user)
    form = HandoverForm(request.POST or None, colleagues=people, initial={"person": request.GET.get("person")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _apply(request, form, lambda: services.record_handover(created_by=request.user, **d),
                  _("The handover has been recorded.")):
            return redirect("person", d["person"].profile.pk)
    return _form_page(request, form, _("Record a handover"))

