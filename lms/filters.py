"""Filters for people lists (the cohort list and its exports share them)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from mentorship.models import MentorAssignment

from .models import Post, Region, StaffProfile
from .widgets import QuickSelect


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or employee number"), method="filter_q")
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.none(), method="filter_region", empty_label=_("All regions"),
        widget=QuickSelect,
    )
    post = django_filters.ModelChoiceFilter(label=_("Post"), queryset=Post.objects.all(), empty_label=_("All posts"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=StaffProfile.Status.choices, empty_label=_("All statuses")
    )
    hire_month = django_filters.CharFilter(
        label=_("Hire month"), method="filter_hire_month", widget=forms.DateInput(attrs={"type": "month"})
    )
    mentor = django_filters.ModelChoiceFilter(
        label=_("Mentor"), queryset=get_user_model().objects.none(), method="filter_mentor",
        empty_label=_("All mentors"), widget=QuickSelect,
    )

    class Meta:
        model = StaffProfile
        fields = ["q", "region", "post", "status", "hire_month", "mentor"]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        # The regions of the people in scope and every region above them: one query for the people's
        # regions (no ordering, so DISTINCT is over the region alone), one for the region tree.
        region_ids = set(
            queryset.order_by().exclude(region=None).values_list("region_id", flat=True).distinct()
        ) if queryset is not None else set()
        if region_ids:
            region_ids = Region.above(Region.tree(), region_ids)
        self.filters["region"].queryset = Region.objects.filter(pk__in=region_ids)
        # Mentors of the people in scope, as a semi-join: no DISTINCT over whole user rows.
        mentored = MentorAssignment.objects.filter(trainee__profile__in=queryset.order_by().values("pk"))
        self.filters["mentor"].queryset = (
            get_user_model()
            .objects.filter(pk__in=mentored.values("mentor_id"))
            .select_related("profile")
            .order_by("profile__employee_no")
        )
        self.filters["mentor"].field.label_from_instance = lambda user: getattr(
            getattr(user, "profile", None), "name", user.username
        )

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(employee_no__icontains=value)) if value else queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_id__in=Region.ids_with_descendants([value.pk]))

    def filter_hire_month(self, queryset, name, value):
        try:
            year, month = (int(part) for part in value.split("-"))
        except ValueError:
            return queryset.none()
        if not (1 <= month <= 12 and 1900 < year < 3000):
            return queryset.none()
        return queryset.filter(hire_date__year=year, hire_date__month=month)

    def filter_mentor(self, queryset, name, value):
        # EXISTS rather than a join, so the queryset needs no DISTINCT (which would make paging and
        # counting evaluate every annotation of every row).
        return queryset.filter(Exists(MentorAssignment.objects.filter(trainee=OuterRef("user"), mentor=value)))
