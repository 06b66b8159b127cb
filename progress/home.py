"""The trainee's "my certification" panel (see lms.home): each requirement met or missing, with where to go.

Read from the kept progress rows, which carry their programs' courses and skills for the requirement objects' labels
and links: one query whatever the number of programs and requirements (``services.learner_standing``).
"""

from lms.home import Panel
from lms.roles import Role

from . import services


def panels(request, profile):
    if not profile.has_role(Role.TRAINEE):
        return []
    programs = services.learner_standing(request.user)
    return [Panel(Role.TRAINEE, "progress/panels/my_certification.html", {"programs": programs}, order=15,
                  count=sum(1 for p in programs if not p.certified) or None)]
