"""What the training lead's cockpit computes: the cohort in scope and its figures.

Every function here works on a whole cohort at once with a fixed number of
queries, so the dashboard, the matrix and the exports cost the same for 100
trainees as for 10,000 (the tests count the queries).
"""

import datetime
from collections import defaultdict

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from courses.models import CourseAssignment, CourseCompletion
from lms.access import visible_profiles
from lms.filters import PeopleFilter
from lms.roles import Role
from mentorship.models import MentorAssignment


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
    from lms.models import Region

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


def headline_figures(profiles, *, overdue):
    """The dashboard's headline numbers for the cohort."""
    return {
        "trainees": len(profiles),
        "overdue": sum(1 for p in profiles if p.user_id in overdue),
        "without_mentor": sum(1 for p in profiles if not p.current_mentor_id),
    }
