"""The training lead's cockpit. What it computes lives in ``cockpit.services`` and ``cockpit.matrix``."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from courses.services import lessons_teaching
from lms.access import require_role
from lms.exports import table_response
from lms.roles import Role
from mentorship import queues

from . import matrix, mentor_stats, services, waiting
from .charts import bar_chart, column_chart, funnel

PAGE_SIZE = 25


def _lead_or_404(request):
    """Only training leads (and superusers) have a cockpit; anyone else gets 403 (lms.access policy)."""
    require_role(request.user, Role.TRAINING_LEAD)


def _cohort(request, *, with_mentor=True):
    """``(filters, the chosen program, the context every cockpit page shares)``; ``with_mentor=False`` for a page
    that shows no one's mentor (``services.cohort_queryset``)."""
    filterset = services.filtered_cohort(request, with_mentor=with_mentor)
    programs, program = services.programs_and_selected(request)
    return filterset, program, {"filter": filterset, "program": program, "programs": programs}


def _with_clause_titles(rows):
    """The clause chart's rows labelled "WIN-05 一次性告知" (code and title) instead of the bare code."""
    taught = lessons_teaching({row[0] for row in rows})
    return [(f"{row[0]} {taught[row[0]][1]}" if row[0] in taught else row[0], *row[1:]) for row in rows]


@login_required
def dashboard(request):
    _lead_or_404(request)
    filterset, program, context = _cohort(request, with_mentor=False)  # counts and charts: nobody's mentor shown
    cohort = filterset.qs
    regions = services.whole_cohort(filterset, request.user)
    outside = services.outside_people(cohort, regions) if regions is not None else None
    # The cohort's people for the charts' counts and the waiting queue's trainees without a mentor: by the kept
    # progress rows' places when the cohort is taken whole (then it is the lead's whole scope, the queue's).
    members = services.cohort_member_rows(cohort, program, regions=regions, viewer=request.user, outside=outside)
    users = services.cohort_users(cohort) if members is None else members.values("user_id")
    waiting_items = waiting.for_lead(
        request.user, without_mentor=None if members is None else members.filter(queues.without_current_mentor_q()))
    # The whole cohort is the waiting queue's: its count of trainees without a mentor is the figure's.
    figures, quizzes = services.cohort_figures(
        cohort, program, regions=regions, viewer=request.user, outside=outside,
        without_mentor=waiting.count_of(waiting_items, "without_mentor") if regions is not None else None)
    context.update(
        figures=figures,
        weekly_chart=column_chart(_("Course completions per week"), services.completions_per_week(users)),
        quiz_chart=bar_chart(_("Pass rate per quiz"), services.quiz_pass_rates(quizzes), unit="%", max_value=100),
        clause_chart=bar_chart(
            _("Clauses answered wrong most often"), _with_clause_titles(services.clause_error_rates(users)), unit="%",
            max_value=100,
        ),
        mentor_chart=bar_chart(_("Accountability records per mentor"), waiting.accountability_per_mentor(users)),
        waiting=waiting_items,
    )
    if program is not None:
        context["funnel_chart"] = funnel(_("Certification funnel"), services.funnel_stages(figures))
    return render(request, "cockpit/dashboard.html", context)


def standing_labels():
    """The headline figures' names as the tiles show them (also the heading of the list behind a tile)."""
    return {"trainees": _("Trainees"), "certified": _("Certified"), "on_track": _("On track"),
            "overdue": _("Overdue"), "at_risk": _("At risk"), "without_mentor": _("Without a mentor")}


def _standing(request):
    """The headline figure whose people the matrix lists (``?standing=overdue``), or "" for everyone."""
    standing = request.GET.get("standing", "")
    return standing if standing in standing_labels() else ""


@login_required
def progress_matrix(request):
    _lead_or_404(request)
    filterset, program, context = _cohort(request)
    if program is None:
        return render(request, "cockpit/matrix.html", context)
    standing = _standing(request)
    cohort = services.with_standing(filterset.qs, standing, program=program)
    # The page's people as the few fields a row shows; their number added up from the kept tally when it can be.
    paginator = services.cohort_paginator(filterset, request.user, cohort.values(*matrix.PAGE_FIELDS), PAGE_SIZE,
                                          program=program, standing=standing)
    page = paginator.get_page(request.GET.get("page"))
    columns, rows = matrix.build(page.object_list, program)
    context.update(page=page, columns=columns, rows=rows, standing=standing,
                   standing_label=standing_labels().get(standing, ""))
    return render(request, "cockpit/matrix.html", context)


@login_required
def matrix_export(request, fmt):
    _lead_or_404(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filterset, program, _context = _cohort(request)
    if program is None:
        raise Http404
    cohort = services.with_standing(filterset.qs, _standing(request), program=program)
    columns, rows = matrix.build(cohort.values(*matrix.EXPORT_FIELDS), program, services.program_rows(cohort, program))
    headers, body = matrix.table(columns, rows)
    return table_response(headers, body, filename="progress-matrix", fmt=fmt)


@login_required
def mentors(request):
    """Each mentor of the lead's regions with what they have done (M13 inputs)."""
    _lead_or_404(request)
    rows = mentor_stats.for_mentors(mentor_stats.mentors_in_scope(request.user))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cockpit/mentors.html", {"page": page, "columns": mentor_stats.COLUMNS})


@login_required
def mentor_detail(request, pk):
    _lead_or_404(request)
    profile = get_object_or_404(mentor_stats.mentors_in_scope(request.user), pk=pk)
    (row,) = mentor_stats.for_mentors([profile])
    return render(request, "cockpit/mentor.html", {
        "mentor": profile, "figures": list(zip([label for label, _key in mentor_stats.COLUMNS], row.cells())),
        "trainees": mentor_stats.trainees_of(profile.user),
    })


@login_required
def certified_export(request, fmt):
    """The certified list of the filtered cohort (every certificate of the chosen program, any status)."""
    _lead_or_404(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filterset, program, _context = _cohort(request, with_mentor=False)
    headers, rows = services.certified_table(filterset.qs, program)
    # The file names its program (the one chosen in the dashboard's filters).
    filename = f"certified-{program.code}" if program is not None else "certified"
    return table_response(headers, rows, filename=filename, fmt=fmt)
