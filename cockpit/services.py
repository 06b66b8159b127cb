"""What the training lead's cockpit computes: the cohort in scope and its figures.

Every function here works on a whole cohort at once with a fixed number of
queries, so the dashboard, the matrix and the exports cost the same for 100
trainees as for 10,000 (the tests count the queries).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from django.utils.translation import gettext as _

from certificates.models import Certificate, Program
from courses.models import Attempt, AttemptQuestion, CourseAssignment, CourseCompletion, LessonRead, QuizPage
from lms.access import visible_profiles
from lms.filters import PeopleFilter
from lms.models import Region
from lms.roles import Role
from mentorship.models import MentorAssignment

from . import evidence
from .matrix import course_children, required_courses


@dataclass(frozen=True)
class Member:
    """The few columns of a cohort member the dashboard needs (10,000 of these are cheap)."""

    user_id: int
    post_id: int | None
    region_id: int | None
    current_mentor_id: int | None


def members(queryset):
    return [Member(*row) for row in queryset.values_list("user_id", "post_id", "region_id", "current_mentor_id")]


def cohort_queryset(user):
    """The trainees ``user`` may see (their regions for a lead, their trainees for a mentor)."""
    current_mentor = MentorAssignment.objects.current().filter(trainee=OuterRef("user")).order_by("-start_date")
    return (
        visible_profiles(user)
        .filter(user__role_assignments__role=Role.TRAINEE)
        .exclude(user=user)
        .annotate(
            current_mentor_name=Subquery(current_mentor.values("mentor__profile__name")[:1]),
            current_mentor_id=Subquery(current_mentor.values("mentor_id")[:1]),
        )
        .distinct()
        .order_by("employee_no")
    )


def filtered_cohort(request):
    return PeopleFilter(request.GET or None, queryset=cohort_queryset(request.user), request=request)


def selected_program(request):
    """The program chosen in the filters, or the first active one."""
    programs = Program.objects.filter(active=True).order_by("pk")
    chosen = request.GET.get("program", "")
    if chosen.isdigit():
        return programs.filter(pk=int(chosen)).first() or programs.first()
    return programs.first()


def overdue_course_assignments(profiles, today=None):
    """``{user_id: [CourseAssignment, ...]}``: courses past their due date and not completed.

    Assignments reach a person directly, through their post or through their
    region or a region above it; the whole cohort is resolved in three queries.
    """
    today = today or timezone.localdate()
    profiles = list(profiles)
    assignments = list(CourseAssignment.objects.filter(due_date__lt=today).select_related("course"))
    if not assignments or not profiles:
        return {}
    user_ids = [p.user_id for p in profiles]
    done = set(
        CourseCompletion.objects.filter(user_id__in=user_ids, course_id__in={a.course_id for a in assignments})
        .values_list("user_id", "course_id")
    )
    parents = dict(Region.objects.values_list("pk", "parent_id"))

    def region_chain(region_id):
        chain = []
        while region_id is not None and region_id not in chain:
            chain.append(region_id)
            region_id = parents.get(region_id)
        return chain

    result = defaultdict(list)
    for profile in profiles:
        regions = set(region_chain(profile.region_id))
        for a in assignments:
            reaches = (
                a.user_id == profile.user_id
                or (a.post_id is not None and a.post_id == profile.post_id)
                or (a.region_id is not None and a.region_id in regions)
            )
            if reaches and (profile.user_id, a.course_id) not in done:
                result[profile.user_id].append(a)
    return dict(result)


def weeks_back(n, today=None):
    """The Monday of each of the last ``n`` weeks, oldest first."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday - datetime.timedelta(weeks=i) for i in reversed(range(n))]


def completions_per_week(user_ids, weeks=8, today=None):
    """``[(label, count)]`` of course completions by the cohort in each of the last ``weeks`` weeks."""
    starts = weeks_back(weeks, today)
    counts = dict.fromkeys(starts, 0)
    since = timezone.make_aware(datetime.datetime.combine(starts[0], datetime.time.min))
    completed = CourseCompletion.objects.filter(user_id__in=user_ids, completed_at__gte=since)
    for completed_at in completed.values_list("completed_at", flat=True):
        day = timezone.localtime(completed_at).date()
        counts[day - datetime.timedelta(days=day.weekday())] += 1
    return [(start.strftime("%m-%d"), counts[start]) for start in starts]


def exhausted_quiz_user_ids(user_ids, program):
    """Trainees who used every allowed attempt of a counted quiz of the program without passing."""
    quizzes = course_children(QuizPage, required_courses(program))
    limited = dict(
        QuizPage.objects.filter(pk__in=[q.pk for q in quizzes], practice=False, attempts_allowed__gt=0)
        .values_list("pk", "attempts_allowed")
    )
    if not limited:
        return set()
    rows = (
        Attempt.objects.filter(user_id__in=user_ids, quiz_id__in=limited.keys())
        .exclude(state=Attempt.State.IN_PROGRESS)
        .values("user_id", "quiz_id")
        .annotate(n=Count("id"), passes=Count("id", filter=Q(passed=True)))
    )
    return {r["user_id"] for r in rows if not r["passes"] and r["n"] >= limited[r["quiz_id"]]}


def certified_user_ids(user_ids, program):
    return set(Certificate.objects.valid().filter(program=program, holder_id__in=user_ids)
               .values_list("holder_id", flat=True))


def headline_figures(profiles, *, overdue, program=None):
    """The dashboard's headline numbers for the cohort.

    certified: a valid certificate of the program; overdue: a course past its due
    date; at risk: a skill failed at the latest assessment, or every attempt of a
    counted quiz used without passing; on track: everyone else not yet certified.
    """
    user_ids = [p.user_id for p in profiles]
    figures = {
        "trainees": len(profiles),
        "overdue": sum(1 for p in profiles if p.user_id in overdue),
        "without_mentor": sum(1 for p in profiles if not p.current_mentor_id),
    }
    if program is None:
        return figures
    certified = certified_user_ids(user_ids, program)
    at_risk = (evidence.failed_skill_user_ids(user_ids) | exhausted_quiz_user_ids(user_ids, program)) - certified
    overdue_ids = set(overdue) - certified
    figures.update(
        certified=len(certified),
        at_risk=len(at_risk),
        on_track=sum(1 for uid in user_ids if uid not in certified | at_risk | overdue_ids),
    )
    return figures


def funnel_stages(user_ids, program):
    """Trainees → started → theory courses done → all requirements met → certified.

    Computed with grouped queries over the cohort (not row by row), so it stays
    fast for 10,000 trainees.
    """
    user_ids = list(user_ids)
    courses = required_courses(program)
    started = set(LessonRead.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True).distinct())
    started |= set(Attempt.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True).distinct())
    theory = set(user_ids)
    if courses:
        theory = set(
            CourseCompletion.objects.filter(user_id__in=user_ids, course__in=courses)
            .values("user_id").annotate(n=Count("course_id", distinct=True)).filter(n__gte=len(courses))
            .values_list("user_id", flat=True)
        )
    facts = evidence.bulk(user_ids, program)
    complete = set(theory)
    if program.min_ride_alongs:
        complete = {u for u in complete if facts.ride_alongs.get(u, 0) >= program.min_ride_alongs}
    for skill in evidence.required_skills(program):
        complete = {u for u in complete if facts.skills.get((u, skill.pk)) == "passed"}
    if program.checklist_required:
        complete &= facts.checklist_done
    return [
        (_("Trainees"), len(user_ids)),
        (_("Started"), len(started)),
        (_("Theory courses done"), len(theory)),
        (_("All requirements met"), len(complete)),
        (_("Certified"), len(certified_user_ids(user_ids, program))),
    ]


def quiz_pass_rates(user_ids):
    """``[(quiz title, pass rate %, "passed/finished")]`` over finished attempts of the cohort."""
    rows = (
        Attempt.objects.filter(user_id__in=user_ids).exclude(state=Attempt.State.IN_PROGRESS)
        .values("quiz__title").annotate(n=Count("id"), passes=Count("id", filter=Q(passed=True)))
        .order_by("quiz__title")
    )
    return [(r["quiz__title"], round(100 * r["passes"] / r["n"]), f'{r["passes"]}/{r["n"]}') for r in rows if r["n"]]


def clause_error_rates(user_ids, limit=12):
    """The clauses trainees get wrong most: ``[(clause id, wrong %, "wrong/answered")]``, worst first."""
    totals = defaultdict(lambda: [0, 0])
    answers = (
        AttemptQuestion.objects.filter(attempt__user_id__in=user_ids, correct__isnull=False)
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
    headers = [_("Employee number"), _("Name"), _("Program"), _("Issued on"), _("Expires on"), _("Status"),
               _("Verification code"), _("Verification URL")]
    rows = (
        [c.employee_no, c.holder_name, c.program_name, c.issued_on.isoformat(),
         c.expires_on.isoformat() if c.expires_on else "", c.get_effective_status_display(), c.code,
         c.get_verify_url()]
        for c in certificates
    )
    return headers, rows
