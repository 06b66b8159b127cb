"""What the 传帮带 module adds to the people list (see lms.people): the current mentor, as a column and a filter."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from lms.people import PeopleColumn
from lms.widgets import QuickSelect

from .models import MentorAssignment


def _current_mentor_name():
    current = MentorAssignment.objects.current().filter(trainee=OuterRef("user")).order_by("-start_date")
    return Subquery(current.values("mentor__profile__name")[:1])


def _filter_mentor(queryset, name, value):
    # EXISTS rather than a join, so the queryset needs no DISTINCT (which would make paging and
    # counting evaluate every annotation of every row).
    return queryset.filter(Exists(MentorAssignment.objects.filter(trainee=OuterRef("user"), mentor=value)))


def _mentor_filter(profiles):
    """Mentors of the people in scope, as a semi-join: no DISTINCT over whole user rows."""
    mentored = MentorAssignment.objects.filter(trainee__profile__in=profiles.order_by().values("pk"))
    mentors = (get_user_model().objects.filter(pk__in=mentored.values("mentor_id")).select_related("profile")
               .order_by("profile__employee_no"))
    mentor_filter = django_filters.ModelChoiceFilter(
        label=_("Mentor"), queryset=mentors, method=_filter_mentor, empty_label=_("All mentors"), widget=QuickSelect,
    )
    mentor_filter.field.label_from_instance = lambda user: getattr(getattr(user, "profile", None), "name",
                                                                   user.username)
    return mentor_filter


def columns():
    return [PeopleColumn(key="current_mentor_name", header=_("Mentor"), expression=_current_mentor_name,
                         filter_name="mentor", filter=_mentor_filter)]
