"""Several counts in one database round trip."""

from django.db import connections
from django.db.models import F, Func, IntegerField


def count_each(**querysets):
    """``{name: querysets[name].count()}``, computed by one ``SELECT (count 1), (count 2), …`` query.

    A home page shows several "waiting for you" numbers; each ``.count()`` is a
    round trip of its own, which costs more than the counting itself. All
    querysets must use the same database.
    """
    if not querysets:
        return {}
    using = {qs.db for qs in querysets.values()}
    if len(using) != 1:
        raise ValueError("count_each() needs querysets of one database")
    connection = connections[using.pop()]
    columns, params = [], []
    for name, qs in querysets.items():
        # COUNT as a plain function, not an aggregate: the ORM adds no GROUP BY, the database counts the rows.
        counted = qs.order_by().annotate(_n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("_n")
        sql, sql_params = counted.query.get_compiler(connection=connection).as_sql()
        columns.append(f"({sql}) AS {connection.ops.quote_name(name)}")
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        return dict(zip(querysets, cursor.fetchone()))
