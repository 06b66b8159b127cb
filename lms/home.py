"""The role home page at ``/``: one section per role the user holds.

Domain apps add panels through ``settings.LMS_HOME_PANEL_PROVIDERS``: each is
a function ``panels(request, profile) -> list[Panel]``. A panel names the role
section it belongs to, a template and its context, so the home page grows with
each app without the core knowing their models.

A panel that shows numbers gives them as ``counts`` (querysets, not yet counted):
the numbers of every panel on the page are read together in one query
(``lms.counting.read_each``), then put in each panel's context, and the panel's
``then`` (if any) finishes it from them — its badge, or a list read only when its
number says there is something to list — or drops it by returning None. A panel that shows one small record
gives it as ``firsts`` (a queryset of one JSON column), read in that same query.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

from .counting import read_each
from .roles import Role

# The order sections appear in when a person holds several roles.
ROLE_ORDER = [
    Role.TRAINEE,
    Role.MENTOR,
    Role.TRAINING_LEAD,
    Role.TRAINING_SUPERVISOR,
    Role.REGIONAL_MANAGER,
    Role.POST_HEAD,
    Role.REGIONAL_HEAD,
    Role.CONTENT_EDITOR,
]


@dataclass
class Panel:
    role: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    # Items waiting for this person; shown as a badge on the panel title.
    count: int | None = None
    # {name: queryset}: counted with every other panel's counts in one query; the numbers join ``context``.
    counts: dict = field(default_factory=dict)
    # {name: queryset of one JSON column}: its first row's value (None without one), read in the same query.
    firsts: dict = field(default_factory=dict)
    # ``then(panel)`` once the counts are in: finishes the panel and returns it, or returns None to leave it out.
    then: Callable | None = None


@dataclass
class Section:
    role: str
    label: str
    panels: list


def core_panels(request, profile):
    """Panels the core itself provides, for roles whose apps add nothing yet."""
    roles = profile.role_set()
    result = []
    if Role.TRAINING_LEAD in roles:
        from .onboarding import invitable_people

        waiting = invitable_people(request.user).count()
        result.append(Panel(Role.TRAINING_LEAD, "lms/panels/cohort.html", {"without_password": waiting}, order=900))
    approver_roles = {Role.TRAINING_SUPERVISOR, Role.REGIONAL_MANAGER, Role.POST_HEAD, Role.REGIONAL_HEAD}
    for role in roles & approver_roles:
        scopes = request.user.role_assignments.filter(role=role).select_related("region", "post")
        result.append(Panel(role, "lms/panels/scope.html", {"scopes": scopes}, order=900))
    if Role.CONTENT_EDITOR in roles:
        result.append(Panel(Role.CONTENT_EDITOR, "lms/panels/editor.html", order=900))
    return result


def _counted(panels):
    """``panels`` with their ``counts`` and ``firsts`` read (all in one query) and their ``then`` applied."""
    numbers = read_each(
        counts={f"p{i}_{name}": qs for i, panel in enumerate(panels) for name, qs in panel.counts.items()},
        firsts={f"p{i}_{name}": qs for i, panel in enumerate(panels) for name, qs in panel.firsts.items()},
    )
    result = []
    for i, panel in enumerate(panels):
        panel.context.update({name: numbers[f"p{i}_{name}"] for name in [*panel.counts, *panel.firsts]})
        panel = panel.then(panel) if panel.then else panel
        if panel is not None:
            result.append(panel)
    return result


def build_home(request, profile):
    """The sections of ``profile``'s home page, in role order, panels sorted."""
    roles = profile.role_set()
    panels = core_panels(request, profile)
    for path in settings.LMS_HOME_PANEL_PROVIDERS:
        panels.extend(import_string(path)(request, profile))
    panels = _counted(panels)
    sections = []
    for role in ROLE_ORDER:
        if role not in roles:
            continue
        role_panels = sorted((p for p in panels if p.role == role), key=lambda p: p.order)
        sections.append(Section(role, Role(role).label, role_panels))
    return sections
