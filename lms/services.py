"""Write operations on people and roles. Each is atomic and keyword-only."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import RoleAssignment, StaffProfile
from .roles import Role

EDITOR_GROUP = "Editors"  # created by Wagtail's own migrations


@transaction.atomic
def create_staff(*, username, employee_no, name, password=None, region=None, post=None,
                 status=StaffProfile.Status.PROBATION, hire_date=None, phone="", email=""):
    """Create a login and its staff profile together (or neither)."""
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    StaffProfile.objects.create(
        user=user, employee_no=employee_no, name=name, region=region, post=post,
        status=status, hire_date=hire_date, phone=phone,
    )
    return user


@transaction.atomic
def assign_role(*, user, role, region=None, post=None):
    """Give ``user`` a role (idempotent). Content editors also join Wagtail's editor group."""
    assignment = RoleAssignment(user=user, role=role, region=region, post=post)
    assignment.full_clean(validate_unique=False, validate_constraints=False)
    assignment, _ = RoleAssignment.objects.get_or_create(user=user, role=role, region=region, post=post)
    if role == Role.CONTENT_EDITOR:
        group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
        user.groups.add(group)
    return assignment
