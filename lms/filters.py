"""Filters for people lists (the cohort list and its exports share them)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Post, Region, StaffProfile
from .people import people_columns
from .widgets import QuickSelect


class ListedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """A small table's choices read by one plain query, kept for the form's later renders. Django iterates
    ``QuerySet.iterator()``, which on PostgreSQL opens a server-side cursor (DECLARE, FETCH, CLOSE) for a dozen
    regions or posts, on every page that shows the filter."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = ListedChoiceIterator


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """``ModelChoiceFilter`` over a small table (regions, posts, programs): see ``ListedChoiceIterator``."""

    field_class = ListedModelChoiceField


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or employee number"), method="filter_q")
    region = ListedModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.none(), method="filter_region", empty_label=_("All regions"),
        widget=QuickSelect,
    )
    post = ListedModelChoiceFilter(label=_("Post"), queryset=Post.objects.all(), empty_label=_("All posts"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=StaffProfile.Status.choices, empty_label=_("All statuses")
    )
    hire_month = django_filters.CharFilter(
        label=_("Hire month"), method="filter_hire_month", widget=forms.DateInput(attrs={"type": "month"})
    )

    class Meta:
        model = StaffProfile
        fields = ["q", "region", "post", "status", "hire_month"]

    def __init__(self, data=None, queryset=None, *, request=None, regions=None, **kwargs):
        """``regions``: the ids of the regions to offer when the caller knows them (a training lead's regions),
        instead of reading the region of every person in scope."""
        super().__init__(data, queryset, request=request, **kwargs)
        # The regions of the people in scope and every region above them: one query for the people's
        # regions (no ordering, so DISTINCT is over the region alone), one for the region tree.
        if regions is not None:
            region_ids = set(regions)
        else:
            region_ids = set(
                queryset.order_by().exclude(region=None).values_list("region_id", flat=True).distinct()
            ) if queryset is not None else set()
        if region_ids:
            region_ids = Region.above(Region.tree(), region_ids)
        self.filters["region"].queryset = Region.objects.filter(pk__in=region_ids)
        # Filters the domain apps add (e.g. the mentor), built from the people in scope.
        for column in people_columns():
            if column.filter_name and column.filter is not None:
                extra = column.filter(queryset)
                extra.field_name, extra.parent = column.filter_name, self
                self.filters[column.filter_name] = extra

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
