"""Who may see which 传帮带 record: one helper per model, used by every view.

Outside the scope → 404 (the record's existence is not revealed). Within the
scope, the services refuse the wrong person with ``PermissionDenied`` (403).
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404

from lms.access import visible_profiles
from lms.models import StaffProfile
from lms.roles import Role

from .models import Question, RideAlong


def ride_alongs_visible_to(user):
    """Trips of people the user may see (mentor, trainee, lead, post head, regional head, supervisor),
    plus trips to a region the user manages and trips the user decided on."""
    qs = RideAlong.objects.select_related(
        "trainee__profile", "mentor__profile", "destination_region"
    )
    if user.is_superuser:
        return qs
    profile = StaffProfile.objects.filter(user=user).first()
    manager_regions = profile.scoped_region_ids(Role.REGIONAL_MANAGER) if profile else set()
    return qs.filter(
        Q(trainee=user)
        | Q(mentor=user)
        | Q(trainee__profile__in=visible_profiles(user))
        | Q(destination_region_id__in=manager_regions)
        | Q(approvals__decided_by=user)
    ).distinct()


def get_ride_along_or_404(user, pk):
    return get_object_or_404(ride_alongs_visible_to(user), pk=pk)


def questions_visible_to(user):
    """The asker, the owner, anyone asked for help, and the training lead of the asker's region."""
    qs = Question.objects.select_related("asked_by__profile", "owner__profile")
    if user.is_superuser:
        return qs
    profile = StaffProfile.objects.filter(user=user).first()
    lead_regions = profile.scoped_region_ids(Role.TRAINING_LEAD) if profile else set()
    return qs.filter(
        Q(asked_by=user) | Q(owner=user) | Q(escalations__escalated_to=user)
        | Q(asked_by__profile__region_id__in=lead_regions)
    ).distinct()


def get_question_or_404(user, pk):
    return get_object_or_404(questions_visible_to(user), pk=pk)


def colleagues(user):
    """Active staff other than ``user`` (a trainee may ask anyone; 首问 is by name)."""
    return get_user_model().objects.filter(is_active=True, profile__isnull=False).exclude(pk=user.pk)


def visible_users(user, **profile_filters):
    return get_user_model().objects.filter(profile__in=visible_profiles(user).filter(**profile_filters))
