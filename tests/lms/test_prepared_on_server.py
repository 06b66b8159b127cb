"""``lms.prepared`` on PostgreSQL: a prepared read runs as a server-side prepared statement (planned once per
connection), and gives the same rows as its plain queryset, with new values each time (SQLite: plain execution)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.models import Region
from lms.prepared import Prepared

by_parent = Prepared(lambda *, parent_id: Region.objects.filter(parent_id=parent_id).order_by("code"))


def _server_statements(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{text}%"])
        return cursor.fetchone()[0]


def test_a_prepared_read_gives_the_plain_rows_and_is_prepared_once_on_postgresql(db):
    east = Region.objects.create(code="p-east", name="东")
    west = Region.objects.create(code="p-west", name="西")
    children = {east: [Region.objects.create(code=f"p-e{i}", name=f"东{i}", parent=east) for i in range(3)],
                west: [Region.objects.create(code="p-w0", name="西0", parent=west)]}
    for _ in range(3):
        for parent, expected in children.items():
            with CaptureQueriesContext(connection) as ctx:
                rows = by_parent.read(parent_id=parent.pk)
            assert len(ctx.captured_queries) == 1
            assert [(r.pk, r.code, r.name, r.parent_id) for r in rows] == [
                (r.pk, r.code, r.name, r.parent_id) for r in Region.objects.filter(parent=parent).order_by("code")]
            assert rows == expected
    assert by_parent.read(parent_id=-1) == []
    if connection.vendor == "postgresql":
        # One statement on the server for the read, whatever the values (not one per value, not none).
        assert _server_statements('FROM "lms_region" WHERE "lms_region"."parent_id" = $1') == 1
        # Planned once, then that plan reused: never planned again for the values of a call.
        with connection.cursor() as cursor:
            cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
                           ['%FROM "lms_region" WHERE "lms_region"."parent_id" = $1%'])
            generic_plans, custom_plans = cursor.fetchone()
        assert custom_plans == 0
        assert generic_plans >= 4  # the six reads of the loop and the last one, after the first (not prepared)
    else:
        assert connection.vendor == "sqlite"
