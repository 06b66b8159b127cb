"""factory_boy factories for the people and organisation models."""

import datetime

import factory
from django.contrib.auth import get_user_model

from lms.models import Post, Region, RoleAssignment, StaffProfile
from mentorship.models import MentorAssignment


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"r{n}")
    name = factory.Sequence(lambda n: f"区域{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"p{n}")
    name = factory.Sequence(lambda n: f"岗位{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-123456")


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"员工{n}")
    region = factory.SubFactory(RegionFactory)
    post = factory.SubFactory(PostFactory)
    hire_date = datetime.date(2026, 9, 1)
    status = StaffProfile.Status.PROBATION


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "trainee"


class MentorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorAssignment

    trainee = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(UserFactory)
    start_date = datetime.date(2026, 9, 1)


def make_person(username, *, role=None, region=None, post=None, status="probation", name=None,
                scope_region=None, scope_post=None, employee_no=None):
    """A user with a staff profile and (optionally) one role; the building block of the cast."""
    user = UserFactory(username=username)
    StaffProfileFactory(
        user=user,
        name=name or username,
        region=region,
        post=post,
        status=status,
        **({"employee_no": employee_no} if employee_no else {}),
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role, region=scope_region, post=scope_post)
    return user
