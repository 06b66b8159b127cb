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


# --- the one role check and the one policy (lms.access) ---------------------------------------------------


def test_has_role_answers_from_the_role_assignments(cast):
    from lms.access import has_role
    from lms.roles import Role

    assert has_role(cast.lead, Role.TRAINING_LEAD)
    assert has_role(cast.lead, Role.MENTOR, Role.TRAINING_LEAD)
    assert not has_role(cast.mentor, Role.TRAINING_LEAD)
    cast.editor.is_superuser = True
    assert has_role(cast.editor, Role.TRAINING_LEAD)
    cast.lead.is_active = False
    assert not has_role(cast.lead, Role.TRAINING_LEAD)


def test_role_required_sends_anonymous_to_login_and_answers_403_without_the_role(cast, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from lms.access import role_required
    from lms.roles import Role

    @role_required(Role.TRAINING_LEAD)
    def view(request):
        return HttpResponse("ok")

    request = rf.get("/x/")
    request.user = AnonymousUser()
    assert view(request).status_code == 302
    request.user = cast.mentor
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = cast.lead
    assert view(request).status_code == 200


def test_the_scope_helper_gives_404_for_missing_malformed_and_out_of_scope_alike(cast):
    from lms.access import get_in_scope_or_404
    from lms.models import StaffProfile

    scope = visible_profiles(cast.lead)
    assert get_in_scope_or_404(scope, pk=cast.trainee.profile.pk) == cast.trainee.profile
    for pk in (cast.other_trainee.profile.pk, 99999999, "x", None):
        with pytest.raises(Http404):
            get_in_scope_or_404(scope, pk=pk)
    assert StaffProfile.objects.filter(pk=cast.other_trainee.profile.pk).exists()


def test_the_apps_add_relations_to_the_scope_through_the_settings(cast, settings):
    settings.LMS_SCOPE_PROVIDERS = []
    assert not visible_profiles(cast.mentor).filter(user=cast.trainee).exists()
    settings.LMS_SCOPE_PROVIDERS = ["mentorship.access.people_scope"]
    assert visible_profiles(cast.mentor).filter(user=cast.trainee).exists()


def _imported_modules(path):
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_the_core_does_not_import_the_domain_apps():
    """lms is the ground floor: the apps plug in through its registries (home, person, scope, people list)."""
    from pathlib import Path

    import lms

    root = Path(lms.__file__).parent
    offending = []
    for path in root.rglob("*.py"):
        if path.name == "urls.py" or "migrations" in path.parts:
            continue
        for module in _imported_modules(path):
            if module.split(".")[0] in {"mentorship", "courses", "certificates", "cockpit"}:
                offending.append(f"{path.relative_to(root)} imports {module}")
    assert not offending, offending


def test_no_app_checks_for_a_training_lead_on_its_own():
    """One role check (lms.access.has_role / role_required / require_role), not a query per app."""
    import re
    from pathlib import Path

    from django.conf import settings

    pattern = re.compile(r"role_assignments\.filter\(\s*role=Role\.\w+\s*\)\.exists\(\)")
    found = []
    for app in ("lms", "mentorship", "courses", "certificates", "cockpit"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if pattern.search(path.read_text(encoding="utf-8")):
                found.append(str(path.relative_to(settings.BASE_DIR)))
    assert not found, found
