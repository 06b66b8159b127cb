"""The permission matrix: every URL pattern × every role → the expected status code.

How it works:

- ``url_patterns()`` walks the project's URLconf and yields one ``Pattern`` per
  view (Wagtail's own admin, documents and page-serving URLs are one *group*
  each, see ``GROUPS``);
- each app keeps its expectations in ``tests/permissions/expected_<app>.py`` as a
  list ``CASES`` of ``Case`` objects: the pattern's name, how to build its URL
  from the world (real object ids), and the status every role gets;
- ``test_matrix.py`` fails for a pattern nobody classified, for a case whose
  pattern no longer exists, and for every status that differs from the table.

The roles are the ones of issue 8: anonymous, a trainee and another trainee, a
mentor and another mentor, each approver of a ride-along, the training lead of
this region and the lead of another region, plus the regional head and the
content editor.
"""

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = (
    "anonymous",
    "trainee",
    "other_trainee",
    "mentor",
    "other_mentor",
    "supervisor",
    "regional_manager",
    "post_head",
    "lead",
    "other_lead",
    "regional_head",
    "editor",
)

# URL prefixes owned by Wagtail itself: classified as one group each (cases with ``path=``).
GROUPS = {
    "cms/": "wagtail-admin",
    "documents/": "wagtail-documents",
    "learn/": "wagtail-pages",
}

# The app whose expected_<app>.py classifies a view, by the view's top-level module.
APP_ALIASES = {"django": "lms", "axes": "lms", "wagtail": "wagtail"}


@dataclass(frozen=True)
class Pattern:
    key: str  # "people", "cockpit:dashboard", or a group name
    route: str  # "people/<int:pk>/"
    view: str  # dotted path of the view
    app: str  # which expected_<app>.py classifies it


def _view_path(callback):
    view_class = getattr(callback, "view_class", None)
    target = view_class or callback
    return f"{target.__module__}.{getattr(target, '__qualname__', getattr(target, '__name__', repr(target)))}"


def url_patterns(resolver=None, prefix="", namespace=""):
    """Every routable view of the project, Wagtail's own URLs folded into groups."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route in GROUPS:
                yield Pattern(GROUPS[route], route + "…", "wagtail", "wagtail")
                continue
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or route
            key = f"{namespace}:{name}" if namespace and entry.name else name
            view = _view_path(entry.callback)
            root = namespace.split(":")[0] if namespace else view.split(".")[0]
            yield Pattern(key, route, view, APP_ALIASES.get(root, root))


def expect(others=None, **by_role):
    """The status per role; ``others`` fills every role not named. All roles must end up covered."""
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown role(s) in the permission table: {sorted(unknown)}")
    table = {role: by_role.get(role, others) for role in ROLES}
    missing = [role for role, status in table.items() if status is None]
    if missing:
        raise ValueError(f"No expected status for role(s) {missing}: name them or pass others=")
    return table


@dataclass
class Case:
    """One row of the matrix.

    ``pattern``: the URL name (namespaced) or the group name of ``GROUPS``.
    ``kwargs(world) -> dict``: URL arguments from the world's real objects.
    ``path(world) -> str``: a literal path instead (Wagtail groups, pages).
    ``label``: tells several cases of one pattern apart (e.g. "own record").
    ``method``/``data``: requests other than GET run in a savepoint that is rolled back.
    """

    pattern: str
    expect: dict
    kwargs: Callable | None = None
    path: Callable | None = None
    label: str = ""
    method: str = "GET"
    data: Callable | None = None
    query: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def id(self):
        return f"{self.pattern}[{self.label}]" if self.label else self.pattern

    def url(self, world):
        if self.path:
            url = self.path(world)
        else:
            url = reverse(self.pattern, kwargs=self.kwargs(world) if self.kwargs else None)
        return f"{url}?{self.query}" if self.query else url


def expected_modules():
    """The ``expected_<app>`` modules of this package, by app name."""
    package = importlib.import_module(__package__)
    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("expected_"):
            found[info.name.removeprefix("expected_")] = importlib.import_module(f"{__package__}.{info.name}")
    return found


def all_cases():
    cases = []
    for module in expected_modules().values():
        cases.extend(module.CASES)
    return cases


def how_to_classify(pattern):
    return (
        f"URL pattern {pattern.key!r} (route {pattern.route!r}, view {pattern.view}) is not in the permission "
        f"matrix.\nClassify it: add to CASES in tests/permissions/expected_{pattern.app}.py a row such as\n"
        f"    Case({pattern.key!r}, kwargs=lambda w: {{...real ids from w...}},\n"
        f"         expect=expect(anonymous=302, trainee=200, others=404)),\n"
        f"naming the status code each role of matrix.ROLES must get (404 outside one's scope, 302 to the login "
        f"page for anonymous visitors, 405 for a POST-only view fetched with GET)."
    )
