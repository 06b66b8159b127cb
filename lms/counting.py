"""Several counts in one database round trip, and the rows of a subquery as one JSON value (``JSONList``)."""

import json

from django.db import connections
from django.db.models import F, Func, IntegerField, JSONField


def count_each(**querysets):
    """``{name: querysets[name].count()}``, computed by one ``SELECT (count 1), (count 2), …`` query.

    A home page shows several "waiting for you" numbers; each ``.count()`` is a
    round trip of its own, which costs more than the counting itself. All
    querysets must use the same database.
    """
    return read_each(counts=querysets)


def read_each(*, counts=None, firsts=None):
    """``count_each(**counts)`` together with, in the same query, the value of the first row of each of ``firsts``
    (``{name: a queryset of one JSON column}``, e.g. ``.values(j=JSONObject(…))[:1]``; None when it has no row):
    ``{name: number or value}``. A page's numbers and its single small records cost one round trip."""
    counts, firsts = counts or {}, firsts or {}
    if not counts and not firsts:
        return {}
    using = {qs.db for qs in [*counts.values(), *firsts.values()]}
    if len(using) != 1:
        raise ValueError("read_each() needs querysets of one database")
    connection = connections[using.pop()]
    columns, params = [], []

    def column(name, qs):
        sql, sql_params = qs.query.get_compiler(connection=connection).as_sql()
        columns.append(f"({sql}) AS {connection.ops.quote_name(name)}")
        params.extend(sql_params)

    for name, qs in counts.items():
        # COUNT as a plain function, not an aggregate: the ORM adds no GROUP BY, the database counts the rows.
        column(name, qs.order_by().annotate(_n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("_n"))
    for name, qs in firsts.items():
        column(name, qs[:1])
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        values = dict(zip([*counts, *firsts], cursor.fetchone()))
    for name in firsts:
        if isinstance(values[name], str):  # PostgreSQL's jsonb and SQLite's JSON come as text, json as a dict
            values[name] = json.loads(values[name])
    return values


class JSONList(Func):
    """The rows of a subquery's one column (a ``JSONObject`` each, say) as one JSON array, so a row of the outer
    query carries a short list of related rows with it instead of a query of its own.

    ``JSONB_AGG`` on PostgreSQL, ``JSON_GROUP_ARRAY`` on SQLite: a plain function, not an aggregate, so the ORM
    adds no GROUP BY and the database folds every row of the subquery. No rows give NULL on PostgreSQL and ``[]``
    on SQLite: read it as ``value or []``. The order of the elements is not defined: sort them after reading.
    """

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)
