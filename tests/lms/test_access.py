"""The people access helper: who sees whom (404 outside one's scope)."""

import pytest
from django.http import Http404

from lms.access import can_see_user, get_profile_or_404, visible_profiles

ALL = [
    "trainee", "mentor", "other_trainee", "other_mentor", "lead", "other_lead", "supervisor",
    "regional_manager", "post_head", "regional_head", "editor",
]
EAST = ["trainee", "mentor", "lead", "supervisor", "regional_manager", "post_head", "regional_head"]

# viewer → the people of the cast they may see
EXPECTED = {
    "trainee": {"trainee", "mentor"},
    "mentor": {"mentor", "trainee"},
    "other_trainee": {"other_trainee", "other_mentor"},
    "other_mentor": {"other_mentor", "other_trainee"},
    "lead": set(EAST),
    "other_lead": {"other_lead", "other_trainee", "other_mentor"},
    "supervisor": set(EAST),
    "regional_manager": {"regional_manager"},
    "post_head": {"post_head", "trainee", "mentor"},
    "regional_head": set(EAST),
    "editor": {"editor"},
}


@pytest.mark.parametrize("viewer", ALL)
def test_it_scopes_people_by_role(cast, viewer):
    user = getattr(cast, viewer)
    seen = set(visible_profiles(user).values_list("user__username", flat=True))
    assert seen == EXPECTED[viewer]


@pytest.mark.parametrize("viewer", ALL)
def test_it_gives_404_outside_scope_and_the_profile_inside(cast, viewer):
    user = getattr(cast, viewer)
    for other in ALL:
        profile = getattr(cast, other).profile
        if other in EXPECTED[viewer]:
            assert get_profile_or_404(user, profile.pk) == profile
            assert can_see_user(user, getattr(cast, other))
        else:
            with pytest.raises(Http404):
                get_profile_or_404(user, profile.pk)
            assert not can_see_user(user, getattr(cast, other))


def test_it_sees_nothing_when_anonymous(cast):
    from django.contrib.auth.models import AnonymousUser

    assert not visible_profiles(AnonymousUser()).exists()


def test_it_sees_nothing_when_deactivated(cast):
    cast.lead.is_active = False
    cast.lead.save()
    assert not visible_profiles(cast.lead).exists()


def test_it_lets_a_superuser_see_everyone(cast):
    cast.editor.is_superuser = True
    cast.editor.save()
    assert visible_profiles(cast.editor).count() == len(ALL)


def test_it_keeps_a_past_trainee_visible_to_their_former_mentor(cast):
    from mentorship.services import assign_mentor

    assign_mentor(trainee=cast.trainee, mentor=cast.other_mentor, reason="调岗")
    assert visible_profiles(cast.mentor).filter(user=cast.trainee).exists()
    assert visible_profiles(cast.other_mentor).filter(user=cast.trainee).exists()


def test_it_rejects_a_non_numeric_id_with_404(cast):
    with pytest.raises(Http404):
        get_profile_or_404(cast.lead, "abc")
