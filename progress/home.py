"""The trainee's "my certification" panel (see lms.home): each requirement met or missing, with where to go.

Read from the kept progress rows and the programs' requirement objects: three queries
whatever the number of requirements (the rows with their programs, the programs'
courses, their skills).
"""

from lms.home import Panel
from lms.roles import Role

from . import services


def panels(request, profile):
    if not profile.has_role(Role.TRAINEE):
        return []
    programs = services.standing_of(request.user, with_totals=False)
    return [Panel(Role.TRAINEE, "progress/panels/my_certification.html", {"programs": programs}, order=15,
                  count=sum(1 for p in programs if not p.certified) or None)]
