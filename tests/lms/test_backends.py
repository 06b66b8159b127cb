"""The authentication backend loads what nearly every page reads with the user itself."""

from lms.backends import UsernameOrEmployeeNumberBackend


def test_the_signed_in_user_comes_with_profile_post_and_regions_above(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = UsernameOrEmployeeNumberBackend().get_user(cast.trainee.pk)
    with django_assert_num_queries(0):
        profile = user.profile
        assert (profile.post, profile.region, profile.region.parent) == (cast.org.field, cast.org.sh, cast.org.east)
        assert profile.region.ancestor_ids() == [cast.org.east.pk]


def test_the_signed_in_user_comes_with_their_role_assignments(cast, django_assert_num_queries):
    from lms.access import role_assignments, roles_of
    from lms.models import RoleAssignment
    from lms.roles import Role

    RoleAssignment.objects.create(user=cast.lead, role=Role.MENTOR)
    stored = sorted(RoleAssignment.objects.filter(user=cast.lead).values_list("pk", "role", "region_id", "post_id",
                                                                                "created_at"))
    with django_assert_num_queries(1):
        user = UsernameOrEmployeeNumberBackend().get_user(cast.lead.pk)
    with django_assert_num_queries(0):
        read = [(a.pk, a.role, a.region_id, a.post_id, a.created_at) for a in role_assignments(user)]
        assert roles_of(user) == {Role.TRAINING_LEAD, Role.MENTOR}
    assert read == stored  # the same rows, times included (aware, to the microsecond)
    bare = UsernameOrEmployeeNumberBackend().get_user(cast.trainee.pk)
    assert [a.role for a in role_assignments(bare)] == [Role.TRAINEE]


def test_a_user_without_a_profile_or_an_inactive_one_is_handled(cast, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    bare = get_user_model().objects.create_user("bare", password="x")
    user = UsernameOrEmployeeNumberBackend().get_user(bare.pk)
    assert getattr(user, "profile", None) is None
    bare.is_active = False
    bare.save()
    assert UsernameOrEmployeeNumberBackend().get_user(bare.pk) is None
    assert UsernameOrEmployeeNumberBackend().get_user(999999) is None
