"""The people filter's region and post choices: read by one plain query, kept for the form's later renders."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.filters import PeopleFilter
from lms.models import StaffProfile


def test_the_choices_are_read_once_by_a_plain_query_whatever_the_renders(org, django_assert_num_queries):
    people = StaffProfile.objects.all()
    form = PeopleFilter({}, people, regions=[org.sh.pk]).form
    with CaptureQueriesContext(connection) as queries:
        first = [str(form["region"]), str(form["post"])]
        again = [str(form["region"]), str(form["post"])]
    assert first == again
    assert len(queries) == 2  # one per field, not one per render
    # Not QuerySet.iterator(), which on PostgreSQL opens a server-side cursor (DECLARE … CURSOR) for a few rows.
    assert not any("DECLARE" in q["sql"].upper() for q in queries)
    assert org.sh.name in first[0] and org.field.name in first[1]
