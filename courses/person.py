"""The courses section of the person page and printable record (see lms.person)."""

from django.utils.translation import gettext as _

from lms.person import PersonSection

from .models import Attempt, RoundGrant
from .services import category_progress, my_courses, sees_others_results


def sections(request, profile):
    """Course progress and quiz results: for the person and those who see others' results (not a trainee
    reading their mentor's page)."""
    user = profile.user
    if user.pk != request.user.pk and not sees_others_results(request.user):
        return []
    attempts = (Attempt.objects.filter(user=user).exclude(state=Attempt.State.IN_PROGRESS)
                .select_related("quiz").order_by("-finished_at")[:10])
    return [PersonSection(
        _("Courses and quizzes"), "courses/person/section.html",
        {"progress": my_courses(user), "attempts": list(attempts), "categories": category_progress(user),
         "used_up": list(Attempt.objects.rounds_used_up().filter(user=user).select_related("quiz")),
         "rounds": list(RoundGrant.objects.filter(learner=user).select_related("quiz", "granted_by__profile"))},
        order=20,
    )]
