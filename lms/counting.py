"""Several counts in one database round trip, and the rows of a subquery as one JSON value (``JSONList``)."""

import json
import threading

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import Func, IntegerField, JSONField

from .prepared import compile_with_values, fetch_all, fill, shape_of


def count_each(**querysets):
    """``{name: querysets[name].count()}``, computed by one ``SELECT (count 1), (count 2), …`` query.

    A home page shows several "waiting for you" numbers; each ``.count()`` is a
    round trip of its own, which costs more than the counting itself. All
    querysets must use the same database.
    """
    return read_each(counts=querysets)


class Read:
    """A queryset for ``read_each`` given as the module-level function that builds it and the values it takes
    (ints, strs, dates and lists of them, reaching the SQL by ``=``/``IN`` lookups): its SQL is compiled once per
    shape and process (``lms.prepared.compile_with_values``), then only the values change. A page that counts the
    same things on every request pays the ORM's compilation once instead of on each request."""

    def __init__(self, build, *, using="default", **values):
        if getattr(build, "__closure__", None):
            # Its SQL is kept per builder: one made anew on every request would be compiled (and kept) every time.
            raise ImproperlyConfigured(f"Read({build.__qualname__}): give a function defined once, not a closure.")
        self.build, self.db, self.values = build, using, values


_compiled = {}
_compiled_lock = threading.Lock()


def _count_of(qs):
    # COUNT as a plain function, not an aggregate: the ORM adds no GROUP BY, the database counts the rows.
    # COUNT(*), not COUNT(pk): the same number (a key is never NULL), and PostgreSQL may count from an index that
    # covers the filter without the key (the cockpit's people without a mentor: 7.6 → 5.1 ms at 10,000 trainees).
    return qs.order_by().annotate(_n=Func(template="COUNT(*)", output_field=IntegerField())).values("_n")


def _first_of(qs):
    return qs[:1]


def _column_sql(kind, qs, connection):
    """(sql, params) of one column of ``read_each``'s query: ``kind`` (``_count_of`` or ``_first_of``) of ``qs``."""
    if not isinstance(qs, Read):
        return kind(qs).query.get_compiler(connection=connection).as_sql()
    key = (kind, qs.build, qs.db, connection.vendor, shape_of(qs.values))
    compiled = _compiled.get(key)
    if compiled is None:
        try:
            _, sql, params, slots = compile_with_values(
                lambda **stand_ins: kind(qs.build(**stand_ins)), qs.values, qs.db, qs.build.__qualname__)
        except EmptyResultSet:  # e.g. an empty IN list: counts nothing, reads no first row
            sql, params, slots = ("SELECT 0" if kind is _count_of else "SELECT NULL"), (), []
        compiled = (sql, params, slots)
        with _compiled_lock:
            _compiled[key] = compiled
    sql, params, slots = compiled
    return sql, fill(params, slots, qs.values)


def read_each(*, counts=None, firsts=None):
    """``count_each(**counts)`` together with, in the same query, the value of the first row of each of ``firsts``
    (``{name: a queryset of one JSON column}``, e.g. ``.values(j=JSONObject(…))[:1]``; None when it has no row):
    ``{name: number or value}``. A page's numbers and its single small records cost one round trip.
    Each queryset may be given as a ``Read`` (compiled once per shape); the query runs through
    ``lms.prepared.fetch_all`` (on PostgreSQL prepared once a connection has run it)."""
    counts, firsts = counts or {}, firsts or {}
    if not counts and not firsts:
        return {}
    using = {qs.db for qs in [*counts.values(), *firsts.values()]}
    if len(using) != 1:
        raise ValueError("read_each() needs querysets of one database")
    connection = connections[using.pop()]
    columns, params = [], []

    def column(name, kind, qs):
        sql, sql_params = _column_sql(kind, qs, connection)
        columns.append(f"({sql}) AS {connection.ops.quote_name(name)}")
        params.extend(sql_params)

    for name, qs in counts.items():
        column(name, _count_of, qs)
    for name, qs in firsts.items():
        column(name, _first_of, qs)
    row = fetch_all(connection, "SELECT " + ", ".join(columns), params)[0]
    values = dict(zip([*counts, *firsts], row))
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
