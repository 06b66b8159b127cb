"""Home-page panels of the courses app (see lms.home)."""

from lms.home import Panel
from lms.roles import Role


def panels(request, profile):
    if not profile.has_role(Role.TRAINEE):
        return []
    # Course assignments arrive with the courses issue; until then the trainee sees an empty state.
    return [Panel(Role.TRAINEE, "courses/panels/my_courses.html", {"assignments": []}, order=10)]
