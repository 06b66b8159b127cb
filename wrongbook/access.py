"""Who sees which 错题本 record (lms.access policy: 404 outside your scope, 403 for a page of another role).

A learner's own book and drills are theirs alone: anyone else's drill is a 404.
"""

from django.core.exceptions import PermissionDenied

from lms.access import get_in_scope_or_404, get_profile_or_404

from .models import DrillItem


def get_own_drill_item_or_404(user, drill_pk, number):
    """Question ``number`` (from 1) of one of the user's own drills."""
    items = DrillItem.objects.select_related("drill").filter(drill__user=user)
    return get_in_scope_or_404(items, drill_id=drill_pk, order=number - 1)


def get_learner_or_denied(user, profile_pk):
    """The learner of staff profile ``profile_pk`` whose book ``user`` may read: themselves, or someone in their
    scope when they see others' results (their mentor, a lead…); 404 outside the scope, 403 inside it otherwise."""
    from courses.services import sees_others_results

    profile = get_profile_or_404(user, profile_pk)
    if profile.user_id != user.pk and not sees_others_results(user):
        raise PermissionDenied
    return profile.user
