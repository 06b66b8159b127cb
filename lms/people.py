"""What the domain apps add to the people list (``/people/`` and its exports): columns and filters.

The core knows regions, posts and staff profiles only. ``settings.LMS_PEOPLE_COLUMN_PROVIDERS`` names
functions ``() -> list[PeopleColumn]``; each column is an annotation on the ``StaffProfile`` rows (shown
on the screen and in the exports) and, optionally, a filter of the list (``PeopleFilter`` adds it), so
e.g. the mentorship app adds "Mentor" without the core importing it.
"""

from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class PeopleColumn:
    key: str  # the annotation's name on each StaffProfile row
    header: str
    expression: Callable  # () -> a query expression over StaffProfile
    filter_name: str = ""
    # (profiles in scope) -> a django_filters Filter on StaffProfile; shown when filter_name is set
    filter: Callable | None = None


def people_columns():
    return [column for path in getattr(settings, "LMS_PEOPLE_COLUMN_PROVIDERS", ())
            for column in import_string(path)()]


def annotate_columns(queryset, columns):
    return queryset.annotate(**{c.key: c.expression() for c in columns}) if columns else queryset
