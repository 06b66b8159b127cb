"""What the training lead's cockpit computes: the cohort in scope and its figures.

Every function here works on a whole cohort at once with a fixed number of
queries, so the dashboard, the matrix and the exports cost the same for 100
trainees as for 10,000 (the tests count the queries). The cohort reaches the
database as a subquery (``cohort_users``), never as a list of thousands of
ids; the figures are counted by the database from the kept progress rows
(``progress``), one narrow row per person, not from every attempt and sign-off.
"""

import datetime
from collections import Counter, defaultdict

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from certificates.models import Certificate, Program
from courses.models import AttemptQuestion, CourseCompletion
from lms.access import covered_region_ids, scope_region_ids
from lms.cohort import trainees_visible_to
from lms.roles import Role
from lms.filters import PeopleFilter
from mentorship import queues
from mentorship.models import MentorAssignment
from progress import models as progress
from progress.models import Progress, QuizSlot, Tally


def cohort_queryset(user, *, with_mentor=True):
    """The trainees ``user`` may see (``lms.cohort``: their regions for a lead), with their current mentor
    (``with_mentor=False``: without those columns, for a page that does not show them).

    "Is a trainee" is an EXISTS, not a join, so no DISTINCT is needed: the database
    can then count the cohort and page through it without computing the mentor
    columns of every row.
    """
    cohort = trainees_visible_to(user)
    if with_mentor:
        current_mentor = MentorAssignment.objects.current().filter(trainee=OuterRef("user")).order_by("-start_date")
        cohort = cohort.annotate(
            current_mentor_name=Subquery(current_mentor.values("mentor__profile__name")[:1]),
            current_mentor_id=Subquery(current_mentor.values("mentor_id")[:1]),
        )
    return cohort.order_by("employee_no")


def cohort_users(cohort):
    """The user ids of a cohort queryset as a subquery, for ``user_id__in=`` filters."""
    return cohort.order_by().values("user_id")


class CohortFilter(PeopleFilter):
    """The people filters for a whole cohort: the mentor is found by name or employee number.

    A region's hundreds of mentors are typed, not listed: listing them read every mentor
    assignment of the cohort on each page, and a list of 500 names is no help anyway.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "mentor" in self.filters:
            search = django_filters.CharFilter(
                label=_("Mentor"), method="filter_mentor_search",
                widget=forms.TextInput(attrs={"placeholder": _("Name or employee number")}))
            search.field_name, search.parent = "mentor", self
            self.filters["mentor"] = search

    def filter_mentor_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        mentors = MentorAssignment.objects.filter(
            Q(mentor__profile__name__icontains=value) | Q(mentor__profile__employee_no__icontains=value),
            trainee=OuterRef("user"))
        return queryset.filter(Exists(mentors))


def filtered_cohort(request, *, with_mentor=True):
    """The cohort (``cohort_queryset``) narrowed by the filters; the regions offered are the lead's own (no scan
    of the people)."""
    user = request.user
    regions = None if user.is_superuser else covered_region_ids(user, Role.TRAINING_LEAD)
    return CohortFilter(request.GET or None, queryset=cohort_queryset(user, with_mentor=with_mentor), request=request,
                        regions=regions)


def programs_and_selected(request):
    """``(active programs, the one chosen in the filters or the first)``, read in one query."""
    programs = list(Program.objects.filter(active=True).order_by("pk"))
    chosen = request.GET.get("program", "")
    by_pk = {str(p.pk): p for p in programs}
    return programs, by_pk.get(chosen) or (programs[0] if programs else None)



def weeks_back(n, today=None):
    """The Monday of each of the last ``n`` weeks, oldest first."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday - datetime.timedelta(weeks=i) for i in reversed(range(n))]


def completions_per_week(users, weeks=8, today=None):
    """``[(label, count)]`` of course completions by the cohort in each of the last ``weeks`` weeks.

    The database counts per local day (at most ``7 * weeks`` rows); Python adds the days up into weeks.
    """
    starts = weeks_back(weeks, today)
    counts = dict.fromkeys(starts, 0)
    since = timezone.make_aware(datetime.datetime.combine(starts[0], datetime.time.min))
    per_day = (
        CourseCompletion.objects.filter(user_id__in=users, completed_at__gte=since)
        .annotate(day=TruncDate("completed_at")).values("day").annotate(n=Count("id")).values_list("day", "n")
    )
    for day, n in per_day:
        monday = day - datetime.timedelta(days=day.weekday())
        if monday in counts:
            counts[monday] += n
    return [(start.strftime("%m-%d"), counts[start]) for start in starts]


def standing_conditions(program, *, today=None):
    """``{name: Q}``: who counts under each headline figure, over the progress rows of ``program`` (over the
    cohort's profiles when there is no program: only the trainees and those without a mentor). The dashboard
    counts them and each figure's tile lists exactly those people (``with_standing``), so the two cannot differ.
    """
    conditions = {"trainees": Q(), "without_mentor": queues.without_current_mentor_q()}
    if program is not None:
        today = today or timezone.localdate()
        conditions.update(
            certified=progress.certified_q(today),
            at_risk=progress.at_risk_q(today),
            overdue=progress.overdue_q(today),
            on_track=progress.on_track_q(today),
        )
    return conditions


def _count(condition):
    return Count("pk", filter=condition) if condition else Count("pk")


def with_standing(cohort, standing, *, program=None, today=None):
    """The cohort members counted under the headline figure ``standing`` (everyone when ``standing`` is empty)."""
    if not standing:
        return cohort
    condition = standing_conditions(program, today=today).get(standing)
    if condition is None:
        return cohort.none()
    if program is None:
        return cohort.filter(condition)
    return cohort.filter(user_id__in=Progress.objects.filter(condition, program=program).values("user_id"))


def program_rows(cohort, program):
    """The progress rows (``progress.Progress``) of the cohort in ``program``."""
    return Progress.objects.filter(program=program, user_id__in=cohort_users(cohort))


def whole_cohort(filterset, user):
    """The regions whose people the cohort takes whole, so the dashboard may add them up from the kept tally
    (``progress.Tally``): the regions of ``user``'s scope when no filter narrows the cohort (the program is not a
    filter of the people), ``"all"`` for a superuser; None when a filter is set and the people must be counted
    one by one."""
    if filterset.is_bound:
        filterset.form.is_valid()
        cleaned = getattr(filterset.form, "cleaned_data", {})
        if any(cleaned.get(name) not in (None, "", [], ()) for name in filterset.filters):
            return None
    regions = scope_region_ids(user)
    return "all" if regions is None else regions


def cohort_figures(cohort, program=None, *, today=None, regions=None, viewer=None, without_mentor=None, outside=None):
    """The dashboard's numbers for the cohort (a queryset of ``StaffProfile``), counted from its standings.

    Read from the kept progress rows, so the cost is one narrow row per person whatever
    they have done: certified (a valid certificate of the program), at risk (a skill
    failed at the latest assessment, or every allowed attempt of a counted quiz used
    without a pass, and not certified), overdue (an assigned course past its due date),
    on track (none of these), the funnel's stages, and for each counted quiz of the
    program how many handed it in and how many passed it.

    ``regions`` (from ``whole_cohort``): the cohort is every trainee of these regions plus the few people the
    scope reaches otherwise, less ``viewer`` (nobody is in their own cohort); the first are added up from the
    kept ``Tally`` (a few rows per region whatever the number of people), the others counted one by one.
    Without ``regions`` the database groups the cohort's rows by standing. Either way the few standings are
    then read in Python (``progress.models.standings``): a query of two dozen filtered sums cost more to build
    than to run.
    ``without_mentor``: that figure when the caller has already counted it for the same cohort (the waiting
    queue); ``outside``: ``outside_people``'s ids when the caller has read them.

    Returns ``(figures, quizzes)``: ``figures`` a dict of counts; ``quizzes`` a list of
    ``(quiz title, passed, tried)``. Without a program there are no rows: only the
    trainees and those without a mentor are counted.
    """
    if program is None:
        conditions = standing_conditions(None, today=today)
        return cohort.order_by().aggregate(**{name: _count(q) for name, q in conditions.items()}), []
    today = today or timezone.localdate()
    # Whether a person has a mentor today is not a column of the rows: counted over the people (or given).
    without_mentor_q = standing_conditions(None)["without_mentor"]
    # The quizzes with a bit in the rows, still live and counted (a quiz the program no longer requires has its
    # bits cleared when the rows are rebuilt, so nobody has tried it).
    slots = list(QuizSlot.objects.filter(program=program, quiz__live=True, quiz__practice=False)
                 .order_by("quiz__path").values_list("quiz_id", "slot", "quiz__title"))
    columns = [name for name in Tally.KEY if name != "region_id"]
    if regions is None:
        # The people one by one, grouped by the database into their standings (a few dozen rows).
        grouped = list(program_rows(cohort, program).order_by().values(*columns)
                       .annotate(people=Count("pk"), without_mentor=Count("pk", filter=without_mentor_q)))
        without_mentor = sum(row["without_mentor"] for row in grouped)
    else:
        grouped = tallied(cohort, program, regions=regions, viewer=viewer, outside=outside)
        if without_mentor is None:
            without_mentor = cohort.filter(without_mentor_q).count()
    figures, quizzes = _add_up(grouped, slots, today)
    figures["without_mentor"] = without_mentor
    return figures, quizzes


def outside_people(cohort, regions):
    """The user ids of the people of ``cohort`` (taken whole, ``whole_cohort``) the scope reaches outside
    ``regions`` (a post, their mentees…): usually none, read as ids in one light pass over the profiles, so their
    rows elsewhere are then found by an index."""
    return [] if regions == "all" else list(
        cohort_users(cohort.exclude(region_id__in=regions)).values_list("user_id", flat=True))


def cohort_member_rows(cohort, program, *, regions, viewer, outside=None):
    """The progress rows of ``program`` of the people of ``cohort`` when the filters take it whole (``regions``
    from ``whole_cohort``), found by the kept places of the rows (region, trainee: kept current with the people,
    like the tally) through an index instead of working out the scope person by person; None when a filter
    narrows the cohort or there is no program. ``outside``: ``outside_people``'s ids when already read."""
    if regions is None or program is None:
        return None
    people = outside_people(cohort, regions) if outside is None else outside
    members = Q(trainee=True) if regions == "all" else Q(trainee=True, region_id__in=regions)
    rows = Progress.objects.filter(members | Q(user_id__in=people), program=program).order_by()
    return rows.exclude(user_id=viewer.pk) if viewer is not None else rows


def cohort_members(cohort, program, *, regions, viewer, outside=None):
    """The user ids of ``cohort`` as a subquery for ``user_id__in=`` filters: from the kept places of the progress
    rows when the filters take it whole (``cohort_member_rows``), otherwise ``cohort_users``."""
    rows = cohort_member_rows(cohort, program, regions=regions, viewer=viewer, outside=outside)
    return cohort_users(cohort) if rows is None else rows.values("user_id")


def tallied(cohort, program, *, regions, viewer=None, outside=None):
    """The standings of ``cohort`` in ``program`` added up from the kept ``Tally``: rows of ``Tally.KEY``'s columns
    (without the region) each standing for ``people`` people (three queries, whatever the cohort's size).

    ``regions`` (from ``whole_cohort``): the cohort is every trainee of these regions (``"all"``: of every region)
    plus the few people the scope reaches otherwise, less ``viewer`` (nobody is in their own cohort). The first
    are the tally's rows of those regions; the others are read one by one, as are the viewer's own rows."""
    columns = [name for name in Tally.KEY if name != "region_id"]
    tally = Tally.objects.filter(program=program)
    if regions != "all":
        tally = tally.filter(region_id__in=regions)
    people = outside_people(cohort, regions) if outside is None else outside
    grouped = list(tally.order_by().values(*columns).annotate(people=Sum("n")))
    # Added: those people; taken off: the viewer if the tally counted them (a trainee of those regions).
    viewer_id = viewer.pk if viewer is not None else None
    rows = Progress.objects.filter(program=program, user_id__in=people + ([viewer_id] if viewer_id else []))
    for row in rows.values("user_id", "trainee", "region_id", *columns):
        if row["user_id"] != viewer_id:
            row["people"] = 1
        else:
            row["people"] = -1 if row["trainee"] and (regions == "all" or row["region_id"] in regions) else 0
        grouped.append(row)
    return grouped


def tallied_count(filterset, user, *, program=None, standing=""):
    """How many people of the filtered cohort (``filtered_cohort``) count under the headline figure ``standing``
    (everyone when empty), added up from the kept tally of ``program`` (any active program when None: every
    person has a row in each), so a cohort page's paginator need not count ten thousand people; None when a
    filter narrows the people, the figure is not one the tally keeps (without a mentor) or there is no program.
    """
    regions = whole_cohort(filterset, user)
    if regions is None or standing not in ("", "trainees", *TALLIED):
        return None
    program = program or Program.objects.filter(active=True).order_by("pk").first()
    if program is None:
        return None
    today = timezone.localdate()
    rows = tallied(filterset.qs, program, regions=regions, viewer=user)
    if standing in ("", "trainees"):
        return sum(row["people"] for row in rows)
    return sum(row["people"] for row in rows if progress.standings(row, today)[standing])


# The headline figures a tally row answers (``progress.models.standings``); "without a mentor" is not one.
TALLIED = ("certified", "at_risk", "overdue", "on_track")


class CountedPaginator(Paginator):
    """A paginator told the number of its objects (e.g. by ``tallied_count``) instead of counting them; it counts
    them as usual when told None."""

    def __init__(self, object_list, per_page, *, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.count = count  # ``Paginator.count`` is a cached property: the value given is the one kept


def cohort_paginator(filterset, user, object_list, per_page, *, program=None, standing=""):
    """A ``CountedPaginator`` over ``object_list`` (the filtered cohort, narrowed to ``standing`` and shaped for
    the page) whose count comes from the kept tally when the filters take the scope whole (``tallied_count``)."""
    return CountedPaginator(object_list, per_page,
                            count=tallied_count(filterset, user, program=program, standing=standing))


def _add_up(rows, slots, today):
    """``(figures, quizzes)`` of ``cohort_figures`` from rows of standings, each standing for ``people`` people:
    each headline figure as ``progress.models.standings`` reads the row, the funnel's stages, and per counted
    quiz (its bit in ``quizzes_tried`` / ``quizzes_passed``) how many handed it in and passed it."""
    figures = dict.fromkeys(["trainees", "certified", "at_risk", "overdue", "on_track", "started", "theory",
                             "complete"], 0)
    tried, passed = Counter(), Counter()
    for row in rows:
        n = row["people"]
        figures["trainees"] += n
        for name, holds in progress.standings(row, today).items():
            figures[name] += n if holds else 0
        figures["started"] += n if row["started"] else 0
        figures["theory"] += n if row["theory_done"] else 0
        figures["complete"] += n if row["complete"] else 0
        for quiz_id, slot, _title in slots:
            tried[quiz_id] += n if row["quizzes_tried"] & (1 << slot) else 0
            passed[quiz_id] += n if row["quizzes_passed"] & (1 << slot) else 0
    return figures, [(title, passed[pk], tried[pk]) for pk, _slot, title in slots]


def funnel_stages(figures):
    """Trainees → started → theory courses done → all requirements met → certified, from ``cohort_figures``."""
    return [
        (_("Trainees"), figures["trainees"]),
        (pgettext("funnel", "Started"), figures["started"]),
        (_("Theory courses done"), figures["theory"]),
        (_("All requirements met"), figures["complete"]),
        (_("Certified"), figures["certified"]),
    ]


def quiz_pass_rates(quizzes):
    """``[(quiz title, pass rate %, "passed/tried")]`` of the program's counted quizzes, from ``cohort_figures``:
    of the trainees who handed in an attempt, the share who passed it."""
    return [(title, round(100 * passed / tried), f"{passed}/{tried}") for title, passed, tried in quizzes if tried]


def clause_error_rates(users, limit=12):
    """The clauses trainees get wrong most: ``[(clause id, wrong %, "wrong/answered")]``, worst first."""
    totals = defaultdict(lambda: [0, 0])
    answers = (
        AttemptQuestion.objects.filter(attempt__user_id__in=users, correct__isnull=False)
        .exclude(question__clause_ids="").exclude(question=None)
        .values("question__clause_ids")
        .annotate(n=Count("id"), wrong=Count("id", filter=Q(correct=False)))
    )
    for row in answers:
        for clause in row["question__clause_ids"].replace("，", ",").split(","):
            clause = clause.strip()
            if clause:
                totals[clause][0] += row["n"]
                totals[clause][1] += row["wrong"]
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][1] / kv[1][0], kv[0]))
    return [(cid, round(100 * wrong / n), f"{wrong}/{n}") for cid, (n, wrong) in ranked[:limit] if wrong]


def certified_table(profiles, program):
    """Headers (Chinese on a Chinese page) and rows of the certificates held by the filtered cohort."""
    certificates = Certificate.objects.filter(holder__in=profiles.values("user")).order_by("employee_no", "issued_on")
    if program is not None:
        certificates = certificates.filter(program=program)
    headers = [_("Employee number"), pgettext("person", "Name"), _("Program"), _("Issued on"), _("Expires on"), _("Status"),
               _("Verification code"), _("Verification URL")]
    rows = (
        [c.employee_no, c.holder_name, c.program_name, c.issued_on.isoformat(),
         c.expires_on.isoformat() if c.expires_on else "", c.get_effective_status_display(), c.code,
         c.get_verify_url()]
        for c in certificates
    )
    return headers, rows
