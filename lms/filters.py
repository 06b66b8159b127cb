"""Filters for people lists (the cohort list and its exports share them)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Post, Region, StaffProfile


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or employee number"), method="filter_q")
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.none(), method="filter_region", empty_label=_("All regions")
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
        empty_label=_("All mentors"),
    )

    class Meta:
        model = StaffProfile
        fields = ["q", "region", "post", "status", "hire_month", "mentor"]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        region_ids = set(queryset.exclude(region=None).values_list("region_id", flat=True)) if queryset is not None else set()
        for region in Region.objects.filter(pk__in=region_ids):
            region_ids.update(region.ancestor_ids())
        self.filters["region"].queryset = Region.objects.filter(pk__in=region_ids)
        self.filters["mentor"].queryset = (
            get_user_model()
            .objects.filter(mentor_assignments_as_mentor__trainee__profile__in=queryset)
            .select_related("profile")
            .distinct()
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
        return queryset.filter(user__mentor_assignments_as_trainee__mentor=value).distinct()
