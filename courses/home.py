"""Home-page panels of the courses app (see lms.home)."""

from lms.home import Panel
from lms.roles import Role

from .access import can_mark, rules_visible_to
from .selectors import continue_learning
from .services import essays_to_mark_for, my_courses


def panels(request, profile):
    result = []
    if profile.has_role(Role.TRAINEE):
        rows, index = my_courses(request.user, with_index=True)
        result.append(Panel(
            Role.TRAINEE, "courses/panels/my_courses.html",
            {"progress": rows, "index": index, "next": continue_learning(rows)},
            order=10,
            count=sum(1 for p in rows if not p.completed) or None,
        ))
    if profile.has_role(Role.TRAINING_LEAD) and can_mark(request.user):
        waiting = essays_to_mark_for(request.user).count()
        result.append(Panel(Role.TRAINING_LEAD, "courses/panels/marking.html", {"waiting": waiting}, order=20,
                            count=waiting or None))
    if profile.has_role(Role.TRAINING_LEAD):
        rules = rules_visible_to(request.user).filter(retired_at__isnull=True).count()
        result.append(Panel(Role.TRAINING_LEAD, "courses/panels/assignment_rules.html", {"rules": rules}, order=30))
    return result
