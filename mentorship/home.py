"""Home-page panels of the mentorship app (see lms.home)."""

from lms.home import Panel
from lms.roles import Role

from .models import MentorAssignment


def panels(request, profile):
    user = request.user
    result = []
    if profile.has_role(Role.TRAINEE):
        assignment = (
            MentorAssignment.objects.current().filter(trainee=user).select_related("mentor__profile").first()
        )
        result.append(Panel(Role.TRAINEE, "mentorship/panels/my_mentor.html", {"assignment": assignment}, order=20))
    if profile.has_role(Role.MENTOR):
        assignments = (
            MentorAssignment.objects.current()
            .filter(mentor=user)
            .select_related("trainee__profile__region", "trainee__profile__post")
            .order_by("trainee__profile__employee_no")
        )
        result.append(
            Panel(Role.MENTOR, "mentorship/panels/my_trainees.html", {"assignments": assignments}, order=10)
        )
    return result
