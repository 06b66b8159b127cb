"""M4, M3 screens: asking, answering, escalating, accepting and reporting questions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, services
from ..access import colleagues, get_question_or_404
from ..forms import AnswerForm, AskForm, EscalateForm, QuestionReportForm, ReviewForm
from .common import apply_service, form_page, paginate, post_action, post_form


@login_required
def question_list(request):
    qs = access.questions_visible_to(request.user).order_by("-asked_at")
    overdue_only = bool(request.GET.get("overdue"))
    if overdue_only:  # the cockpit's "questions past their deadline" count opens exactly these
        qs = qs.filter(pk__in=[q.pk for q in services.overdue_questions(among=qs)])
    return render(request, "mentorship/question_list.html", {"page": paginate(request, qs), "overdue_only": overdue_only})


@login_required
def question_ask(request):
    """M4: ask a regular colleague; the form starts at the trainee's own mentor."""
    mentor = services.current_mentor(request.user)
    form = AskForm(request.POST or None, colleagues=access.people_to_ask(request.user),
                   initial={"owner": mentor.pk if mentor else None})
    if request.method == "POST" and form.is_valid():
        question = apply_service(request, form, lambda: services.ask_question(
            trainee=request.user, **form.cleaned_data), _("Your question has been sent."))
        if question:
            return redirect("mentorship:question", question.pk)
    return form_page(request, form, _("Ask a question"), submit_label=_("Send"))


@login_required
def question_detail(request, pk):
    question = get_question_or_404(request.user, pk)
    user = request.user
    parties = question.parties_for(user)
    actions = question.available_actions(parties)
    involved = colleagues(question.asked_by).filter(
        pk__in=[question.owner_id, *question.escalations.values_list("escalated_to", flat=True),
                *question.answers.values_list("author", flat=True)])
    reports = list(question.reports.select_related("against__profile"))
    for report in reports:
        report.actions = report.available_actions(report.parties_for(user, question_parties=parties))
    context = {
        "question": question,
        "actions": actions,
        "answers": question.answers.select_related("author__profile"),
        "escalations": question.escalations.select_related("escalated_to__profile"),
        "reports": reports,
        "overdue": services.question_is_overdue(question),
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
    post_form(request, AnswerForm(request.POST),
              lambda d: services.answer_question(question=question, user=request.user, body=d["body"]),
              _("Your answer has been sent."), _("Write the answer."))
    return redirect("mentorship:question", pk)


@login_required
@require_POST
def question_escalate(request, pk):
    question = get_question_or_404(request.user, pk)
    post_form(request, EscalateForm(request.POST, colleagues=colleagues(request.user)),
              lambda d: services.escalate_question(question=question, user=request.user, **d),
              _("You asked for help; you remain the owner of the question."), _("Choose whom to ask for help."))
    return redirect("mentorship:question", pk)


@login_required
@require_POST
def question_accept(request, pk, answer_pk):
    question = get_question_or_404(request.user, pk)
    answer = get_object_or_404(question.answers, pk=answer_pk)
    post_action(request, lambda: services.accept_answer(question=question, user=request.user, answer=answer),
                 _("You accepted the answer; the question is resolved."))
    return redirect("mentorship:question", pk)


@login_required
@require_POST
def question_report(request, pk):
    question = get_question_or_404(request.user, pk)
    post_form(request, QuestionReportForm(request.POST, involved=colleagues(question.asked_by)),
              lambda d: services.report_question(question=question, user=request.user, **d),
              _("Your report has been sent to the training lead."), _("Fill in every field of the report."))
    return redirect("mentorship:question", pk)


@login_required
@require_POST
def question_report_review(request, pk, report_pk):
    question = get_question_or_404(request.user, pk)
    report = get_object_or_404(question.reports, pk=report_pk)
    post_form(request, ReviewForm(request.POST),
              lambda d: services.review_question_report(report=report, reviewer=request.user,
                                                        confirm=d["decision"] == "confirm", note=d["note"]),
              _("The review has been recorded."), _("Choose a decision."))
    return redirect("mentorship:question", pk)
