"""``lms.cohort.is_trainee`` (one person at hand, no query) agrees with ``trainee_q`` (the database's face)."""

import pytest
from django.contrib.auth import get_user_model

from lms.access import role_assignments
from lms.cohort import is_trainee, trainee_q
from lms.models import RoleAssignment, StaffProfile
from lms.roles import Role
from tests.factories import make_person


@pytest.mark.parametrize("role, status, expected", [
    (Role.TRAINEE, StaffProfile.Status.REGULAR, True),
    (None, StaffProfile.Status.PROBATION, True),
    (Role.MENTOR, StaffProfile.Status.REGULAR, False),
    (None, StaffProfile.Status.REGULAR, False),
])
def test_is_trainee_answers_as_trainee_q_without_a_query(db, django_assert_num_queries, role, status, expected):
    person = make_person("someone", role=role, status=status)
    user = get_user_model().objects.select_related("profile").get(pk=person.pk)
    role_assignments(user)  # read once per request (the scope reads them anyway)
    with django_assert_num_queries(0):
        assert is_trainee(user) is expected
    assert StaffProfile.objects.filter(trainee_q(), user=user).exists() is expected


def test_someone_without_a_profile_is_a_trainee_only_by_role(db):
    user = get_user_model().objects.create_user("noprofile")
    assert is_trainee(user) is False
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
    user = get_user_model().objects.get(pk=user.pk)
    assert is_trainee(user) is True
