"""The access policy of the product: one role check, one scope helper. Every app's ``access.py`` builds on it.

The policy, the same in every app:

1. **Anonymous** visitors are sent to the login page (302), except on public pages.
2. **A page that belongs to a role** (the cockpit, the roster import, the assessment screens…) answers
   403 to a signed-in person without that role: the page's address is no secret, so there is nothing to
   hide, and the person learns the page is not theirs. ``role_required`` (a view decorator) and
   ``require_role`` (inside a view) are the one role check; ``has_role`` answers the same question.
3. **An object outside your scope** (a person, and every record about a person you may not see) is a 404,
   whoever you are, so its existence is not revealed. Each app's ``access.py`` has a ``*_visible_to(user)``
   queryset per model and fetches objects through ``get_in_scope_or_404``.
4. **An object inside your scope that you may not act on** (approve, sign off, mark…) is a 403: the app's
   ``may_*`` functions answer, and the services refuse with ``PermissionDenied`` where the record is written.

People scope (``profile_scope``):
- everyone sees themselves;
- region-scoped roles (training lead, training supervisor, regional manager,
  regional head) see staff of their regions and the regions below them;
- a post head sees staff of that post (within the assignment's region, if any);
- the domain apps add relations through ``settings.LMS_SCOPE_PROVIDERS`` (functions
  ``(user) -> Q`` over ``StaffProfile``): e.g. the mentorship app lets a mentor see the trainees they
  mentor or have mentored, and a trainee their mentors. The core does not know those models;
- superusers see everyone.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.module_loading import import_string

from .models import Region, StaffProfile
from .roles import POST_SCOPED_ROLES, REGION_SCOPED_ROLES

# --- the role check -------------------------------------------------------------------------------


def roles_of(user):
    """The roles ``user`` holds (a frozenset of ``Role`` values), read once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_lms_roles", None)
    if cached is None:  # from the assignments the scope reads too: one query for both
        cached = user._lms_roles = frozenset(a.role for a in role_assignments(user))
    return cached


def has_role(user, *roles):
    """Whether ``user`` holds any of ``roles``; a superuser holds every role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(roles_of(user) & set(roles))


def require_role(user, *roles):
    """Policy rule 2 inside a view: 403 unless ``user`` holds one of ``roles``."""
    if not has_role(user, *roles):
        raise PermissionDenied


def role_required(*roles):
    """Policy rules 1 and 2 as a view decorator: login first, then 403 without one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def role_assignments(user):
    """``user``'s role assignments, read once per user object (the scope and the region checks both need them); the
    signed-in user of a request has them already, read with the user (``lms.backends.load_user``)."""
    cached = getattr(user, "_lms_assignments", None)
    if cached is None:
        cached = user._lms_assignments = list(user.role_assignments.all())
    return cached


def covered_region_ids(user, *roles):
    """Region ids (with every region below them) that ``user`` covers in any of ``roles``."""
    direct = [a.region_id for a in role_assignments(user) if a.role in roles and a.region_id]
    return Region.ids_with_descendants(direct) if direct else set()


def covers_region(user, role, region):
    """Whether ``user`` holds ``role`` with a region scope covering ``region`` (a superuser covers all)."""
    if user.is_superuser:
        return True
    if region is None or not has_role(user, role):
        return False
    return user.role_assignments.filter(role=role, region_id__in=[region.pk, *region.ancestor_ids()]).exists()


# --- the scope helper ---------------------------------------------------------------------------------


def get_in_scope_or_404(queryset, **lookup):
    """Policy rule 3: the object of ``queryset`` (already limited to the user's scope) matching ``lookup``,
    or 404 — for a missing object, one outside the scope and a malformed id alike."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def profile_scope(user):
    """A ``Q`` over ``StaffProfile`` selecting the people ``user`` may see, worked out once per user object
    (a request asks for it from several places: the cohort, each queue of the lead's home)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    providers = tuple(getattr(settings, "LMS_SCOPE_PROVIDERS", ()))
    cached = getattr(user, "_lms_scope", None)
    if cached is None or cached[0] != providers:  # the apps' providers are part of the answer
        cached = user._lms_scope = (providers, _profile_scope(user, providers))
    return cached[1]


def scope_region_ids(user):
    """The regions (with every region below them) all of whose people ``user`` may see: the region part of
    ``profile_scope`` (None for a superuser, who sees everyone). The rest of the scope (themselves, a post,
    the apps' providers) reaches people one by one."""
    if user.is_superuser:
        return None
    assignments = role_assignments(user)
    region_ids = [a.region_id for a in assignments if a.role in REGION_SCOPED_ROLES and a.region_id]
    return sorted(Region.ids_with_descendants(region_ids)) if region_ids else []


def _profile_scope(user, providers):
    query = Q(user=user)
    assignments = role_assignments(user)
    tree = Region.tree() if any(a.region_id for a in assignments) else {}
    region_ids = scope_region_ids(user)
    if region_ids:
        query |= Q(region_id__in=region_ids)
    for a in assignments:
        if a.role in POST_SCOPED_ROLES and a.post_id:
            post_query = Q(post_id=a.post_id)
            if a.region_id:
                post_query &= Q(region_id__in=sorted(Region.below(tree, [a.region_id])))
            query |= post_query
    for path in providers:
        query |= import_string(path)(user)
    return query


def visible_profiles(user):
    return StaffProfile.objects.filter(profile_scope(user)).select_related("user", "region", "post")


def get_profile_or_404(user, pk):
    return get_in_scope_or_404(visible_profiles(user), pk=pk)


def can_see_user(viewer, other):
    """Whether ``viewer`` may see ``other``'s records (the same scope as their profile)."""
    if viewer.pk == other.pk:
        return True
    return StaffProfile.objects.filter(profile_scope(viewer), user=other).exists()
