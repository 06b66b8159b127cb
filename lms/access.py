"""Who may see which person. Every view that shows a person goes through here.

Scope rules:
- everyone sees themselves;
- region-scoped roles (training lead, training supervisor, regional manager,
  regional head) see staff of their regions and the regions below them;
- a post head sees staff of that post (within the assignment's region, if any);
- a mentor sees the trainees they mentor or have mentored, and a trainee sees
  their mentors;
- superusers see everyone.
Anything outside that scope is a 404, so its existence is not revealed.
"""

from django.db.models import Q
from django.http import Http404

from .models import Region, StaffProfile
from .roles import POST_SCOPED_ROLES, REGION_SCOPED_ROLES


def profile_scope(user):
    """A ``Q`` over ``StaffProfile`` selecting the people ``user`` may see."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    query = Q(user=user)
    assignments = list(user.role_assignments.all())
    region_ids = [a.region_id for a in assignments if a.role in REGION_SCOPED_ROLES and a.region_id]
    if region_ids:
        query |= Q(region_id__in=Region.ids_with_descendants(region_ids))
    for a in assignments:
        if a.role in POST_SCOPED_ROLES and a.post_id:
            post_query = Q(post_id=a.post_id)
            if a.region_id:
                post_query &= Q(region_id__in=Region.ids_with_descendants([a.region_id]))
            query |= post_query
    query |= Q(user__in=user.mentor_assignments_as_mentor.values("trainee"))
    query |= Q(user__in=user.mentor_assignments_as_trainee.values("mentor"))
    return query


def visible_profiles(user):
    return StaffProfile.objects.filter(profile_scope(user)).select_related("user", "region", "post")


def get_profile_or_404(user, pk):
    try:
        return visible_profiles(user).get(pk=pk)
    except (StaffProfile.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_see_user(viewer, other):
    """Whether ``viewer`` may see ``other``'s records (the same scope as their profile)."""
    if viewer.pk == other.pk:
        return True
    return StaffProfile.objects.filter(profile_scope(viewer), user=other).exists()
