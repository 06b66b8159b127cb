"""Filters of the training lead's certificate list (the export command shares the columns)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.filters import ListedModelChoiceFilter
from lms.models import Region

from .models import Certificate, Program


class CertificateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, employee number or code"), method="filter_q")
    program = ListedModelChoiceFilter(label=_("Program"), queryset=Program.objects.all(),
                                               empty_label=_("All programs"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Certificate.Status.choices,
                                         method="filter_status", empty_label=_("All statuses"))
    region = ListedModelChoiceFilter(label=_("Region"), queryset=Region.objects.all(),
                                              method="filter_region", empty_label=_("All regions"))
    issued_from = django_filters.DateFilter(label=_("Issued from"), field_name="issued_on", lookup_expr="gte",
                                            widget=forms.DateInput(attrs={"type": "date"}))
    override = django_filters.ChoiceFilter(label=_("Override"), method="filter_override", empty_label=_("All"),
                                           choices=[("yes", _("Overrides only (经特批豁免)")),
                                                    ("no", _("Without override"))])
    issued_to = django_filters.DateFilter(label=_("Issued until"), field_name="issued_on", lookup_expr="lte",
                                          widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Certificate
        fields = ["q", "program", "status", "region", "override", "issued_from", "issued_to"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(holder_name__icontains=value) | Q(employee_no__icontains=value)
                               | Q(code__iexact=value)) if value else queryset

    def filter_status(self, queryset, name, value):
        """By the status as of today (a valid certificate past its expiry reads as expired)."""
        today = timezone.localdate()
        if value == Certificate.Status.VALID:
            return queryset.valid(today)
        if value == Certificate.Status.EXPIRED:
            return queryset.filter(Q(status=value) | Q(status=Certificate.Status.VALID, expires_on__lt=today))
        return queryset.filter(status=value)

    def filter_override(self, queryset, name, value):
        """Certificates issued over unmet requirements (the lead's list of overrides)."""
        return queryset.overrides(value == "yes") if value in ("yes", "no") else queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(holder__profile__region_id__in=Region.ids_with_descendants([value.pk]))
