"""Who is a trainee (新员工), written once: the cockpit's cohort and the lead's home count the same people.

A trainee holds the trainee role or is still on probation (试用期, not yet 转正) — the
second includes people just imported from the roster before anyone gave them a role,
who are exactly the new hires a training lead must give a mentor.
"""

from django.db.models import Exists, OuterRef, Q

from .access import role_assignments, visible_profiles
from .models import RoleAssignment, StaffProfile
from .roles import Role


def trainee_q():
    """A ``Q`` over ``StaffProfile``: the person is a trainee (an EXISTS, so no join and no DISTINCT)."""
    return Q(Exists(RoleAssignment.objects.filter(user=OuterRef("user"), role=Role.TRAINEE))) | Q(
        status=StaffProfile.Status.PROBATION)


def is_trainee(user):
    """``trainee_q`` of one person whose profile and role assignments are at hand (the signed-in user: the profile
    comes with them, the roles are read once per request by ``lms.access.role_assignments``), without a query."""
    profile = getattr(user, "profile", None)
    return (any(a.role == Role.TRAINEE for a in role_assignments(user))
            or (profile is not None and profile.status == StaffProfile.Status.PROBATION))


def trainees_visible_to(user):
    """The trainees ``user`` may see (``lms.access`` scope), themselves excluded."""
    return visible_profiles(user).filter(trainee_q()).exclude(user=user)
