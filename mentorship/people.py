"""What the 传帮带 module adds to the people list (see lms.people): the current mentor, as a column and a filter."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
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
    return queryset.filter(Exists(MentorAssignment.objects.filter(trainee=OuterRef("user"), mentor_id=value)))


def _mentor_filter(profiles):
    """Mentors of the people in scope, as a semi-join: no DISTINCT over whole user rows.

    The choices are ``(id, name)`` pairs read when the form is shown or checked, not user
    objects: a region's hundreds of mentors cost one light query, not a model per row.
    """
    mentored = MentorAssignment.objects.filter(trainee_id__in=profiles.order_by().values("user_id"))

    def choices():
        mentors = (get_user_model().objects.filter(pk__in=mentored.values("mentor_id"))
                   .order_by("profile__employee_no").values_list("pk", Coalesce("profile__name", "username")))
        return [(str(pk), name) for pk, name in mentors]

    return django_filters.ChoiceFilter(
        label=_("Mentor"), choices=choices, method=_filter_mentor, empty_label=_("All mentors"), widget=QuickSelect,
    )


def columns():
    return [PeopleColumn(key="current_mentor_name", header=_("Mentor"), expression=_current_mentor_name,
                         filter_name="mentor", filter=_mentor_filter)]
