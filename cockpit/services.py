"""What the training lead's cockpit computes: the cohort in scope and its figures.

Every function here works on a whole cohort at once with a fixed number of
queries, so the dashboard, the matrix and the exports cost the same for 100
trainees as for 10,000 (the tests count the queries). The cohort reaches the
database as a subquery (``cohort_users``), never as a list of thousands of
ids, and the dashboard's figures are counted by the database, not in Python.
"""

import datetime
import functools
import operator
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from django.utils.translation import gettext as _, pgettext

from certificates.models import Certificate, Program
from certificates.requirements import Catalog, requirements_of
from courses.models import Attempt, AttemptQuestion, CourseAssignment, CourseCompletion, LessonRead, QuizPage
from lms.access import visible_profiles
from lms.filters import PeopleFilter
from lms.models import Region, RoleAssignment
from lms.roles import Role
from mentorship.models import MentorAssignment, SkillAssessment


# A condition no profile meets (a profile always has a primary key), for "nobody" inside counts.
NEVER = Q(pk__isnull=True)


def cohort_queryset(user):
    """The trainees ``user`` may see (their regions for a lead, their trainees for a mentor).

    "Is a trainee" is an EXISTS, not a join, so no DISTINCT is needed: the database
    can then count the cohort and page through it without computing the mentor
    columns of every row.
    """
    current_mentor = MentorAssignment.objects.current().filter(trainee=OuterRef("user")).order_by("-start_date")
    return (
        visible_profiles(user)
        .filter(Exists(RoleAssignment.objects.filter(user=OuterRef("user"), role=Role.TRAINEE)))
        .exclude(user=user)
        .annotate(
            current_mentor_name=Subquery(current_mentor.values("mentor__profile__name")[:1]),
            current_mentor_id=Subquery(current_mentor.values("mentor_id")[:1]),
        )
        .order_by("employee_no")
    )


def cohort_users(cohort):
    """The user ids of a cohort queryset as a subquery, for ``user_id__in=`` filters."""
    return cohort.order_by().values("user_id")


def filtered_cohort(request):
    return PeopleFilter(request.GET or None, queryset=cohort_queryset(request.user), request=request)


def selected_program(request):
    """The program chosen in the filters, or the first active one."""
    programs = Program.objects.filter(active=True).order_by("pk")
    chosen = request.GET.get("program", "")
    if chosen.isdigit():
        return programs.filter(pk=int(chosen)).first() or programs.first()
    return programs.first()


def overdue_q(today=None):
    """A ``Q`` over ``StaffProfile``: someone with a course past its due date and not completed.

    Assignments reach a person directly, through their post or through their
    region or a region above it. ``None`` when no assignment is past due.
    """
    today = today or timezone.localdate()
    assignments = list(
        CourseAssignment.objects.filter(due_date__lt=today).values_list("course_id", "user_id", "post_id", "region_id")
    )
    if not assignments:
        return None
    tree = Region.tree()
    reach_by_course = defaultdict(list)
    for course_id, user_id, post_id, region_id in assignments:
        if user_id is not None:
            reach_by_course[course_id].append(Q(user_id=user_id))
        if post_id is not None:
            reach_by_course[course_id].append(Q(post_id=post_id))
        if region_id is not None:
            reach_by_course[course_id].append(Q(region_id__in=sorted(Region.below(tree, [region_id]))))
    query = NEVER
    for course_id, reaches in reach_by_course.items():
        done = CourseCompletion.objects.filter(course_id=course_id).values("user_id")
        query |= functools.reduce(operator.or_, reaches) & ~Q(user_id__in=done)
    return query


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


def exhausted_quiz_users(program):
    """Subquery of trainees who used up a round of a counted quiz of the program without passing, and wait
    for their training lead's new round (``Attempt.objects.rounds_used_up``).

    ``None`` when no counted quiz of the program limits its attempts.
    """
    _lessons, quizzes = Catalog(program).children
    limited = [pk for pk, quiz in quizzes.items() if quiz.attempts_allowed > 0]
    if not limited:
        return None
    return Attempt.objects.rounds_used_up().filter(quiz_id__in=limited).values("user_id")


def certified_users(program):
    """Subquery of the holders of a valid certificate of ``program``."""
    return Certificate.objects.valid().filter(program=program).values("holder_id")


def _in(users):
    """``Q`` "the person's user is in ``users``" (a subquery); never true when ``users`` is None."""
    return NEVER if users is None else Q(user_id__in=users)


def _count(cohort, **conditions):
    """Count the cohort members meeting each condition (``Q()``: all of them), in one query: ``{name: count}``."""
    return cohort.order_by().aggregate(
        **{name: Count("pk", filter=q) if q else Count("pk") for name, q in conditions.items()}
    )


def standing_conditions(*, program=None, today=None):
    """``{name: Q}`` over ``StaffProfile``: who counts under each headline figure. The dashboard counts them and
    each figure's tile lists exactly those people (the matrix filtered by ``standing``), so they cannot differ.

    certified: a valid certificate of the program; overdue: a course past its due
    date; at risk: a skill failed at the latest assessment, or every attempt of a
    counted quiz used without passing; on track: everyone else not yet certified.
    """
    overdue = overdue_q(today) or NEVER
    conditions = {
        "trainees": Q(),
        "overdue": overdue,
        "without_mentor": Q(current_mentor_id__isnull=True),
    }
    if program is not None:
        certified = _in(certified_users(program))
        failed_skill = SkillAssessment.objects.latest_per_skill().filter(result=SkillAssessment.Result.FAILED)
        failing = _in(failed_skill.values("trainee_id")) | _in(exhausted_quiz_users(program))
        conditions.update(
            certified=certified,
            at_risk=failing & ~certified,
            on_track=~certified & ~failing & ~overdue,
        )
    return conditions


def headline_figures(cohort, *, program=None, today=None):
    """The dashboard's headline numbers for the cohort (a queryset of ``StaffProfile``), in two or three queries."""
    return _count(cohort, **standing_conditions(program=program, today=today))


def with_standing(cohort, standing, *, program=None, today=None):
    """The cohort members counted under the headline figure ``standing`` (everyone when ``standing`` is empty)."""
    if not standing:
        return cohort
    condition = standing_conditions(program=program, today=today).get(standing)
    return cohort.none() if condition is None else cohort.filter(condition)


def funnel_stages(cohort, program):
    """Trainees → started → theory courses done → all requirements met → certified.

    One counting query over the cohort (each stage a subquery of user ids), so it
    stays fast for 10,000 trainees.
    """
    theory = complete = Q()
    for requirement in requirements_of(program):
        meets = _in(requirement.users_meeting())
        complete &= meets
        if requirement.kind == "course":
            theory &= meets
    counts = _count(
        cohort,
        trainees=Q(),
        started=_in(LessonRead.objects.values("user_id")) | _in(Attempt.objects.values("user_id")),
        theory=theory,
        complete=complete,
        certified=_in(certified_users(program)),
    )
    return [
        (_("Trainees"), counts["trainees"]),
        (pgettext("funnel", "Started"), counts["started"]),
        (_("Theory courses done"), counts["theory"]),
        (_("All requirements met"), counts["complete"]),
        (_("Certified"), counts["certified"]),
    ]


def quiz_pass_rates(users):
    """``[(quiz title, pass rate %, "passed/finished")]`` over decided attempts of the cohort (not those waiting
    for marking).

    Attempts are grouped by quiz id (no join per attempt); the few titles are read afterwards.
    """
    rows = list(
        Attempt.objects.filter(user_id__in=users, state__in=Attempt.DECIDED).order_by()
        .values("quiz_id").annotate(n=Count("id"), passes=Count("id", filter=Q(passed=True)))
    )
    by_title = {}  # quizzes sharing a title share a bar, in the database's order of titles
    titles = QuizPage.objects.filter(pk__in=[r["quiz_id"] for r in rows]).order_by("title").values_list("pk", "title")
    per_quiz = {r["quiz_id"]: r for r in rows}
    for pk, title in titles:
        n, passes = by_title.get(title, (0, 0))
        by_title[title] = (n + per_quiz[pk]["n"], passes + per_quiz[pk]["passes"])
    return [(title, round(100 * passes / n), f"{passes}/{n}") for title, (n, passes) in by_title.items() if n]


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
