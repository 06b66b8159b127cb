"""Querysets compiled once: the hot read of a page is built and compiled by the ORM the first time, then run again
with new parameter values.

Building a queryset with subqueries and compiling it to SQL costs the ORM several times what the database takes to
answer it (measured on the lesson page: 12 ms of Python for a query PostgreSQL answers in 3 ms, on a busy machine).
A ``Prepared`` read builds its queryset once per *shape* (whatever changes the SQL text, e.g. the number of items in
an ``IN`` list) with a placeholder for each value, keeps the compiled SQL, and on every later call only puts the
values in their places. The rows become model instances through the ORM's own iterable (``select_related``
models and annotations included), exactly as the queryset would have made them.

A value must reach the SQL parameters unchanged (``=``/``IN`` lookups, ``Value``), not transformed (``startswith``
adds a ``%``): preparing such a queryset fails at once with ``ImproperlyConfigured``. Tests compare each prepared
read with its plain queryset.
"""

import copy
import datetime
import itertools
import threading

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models.query import ModelIterable

try:
    from psycopg import Cursor as _psycopg_cursor
except ImportError:  # without psycopg (SQLite only) nothing is prepared on the server
    _psycopg_cursor = object

_placeholders = itertools.count(1)


class _Placeholder:
    """Stand-ins for values while the SQL is compiled: integers no row has, strings no row has, dates in year 1."""

    @staticmethod
    def make(value):
        n = next(_placeholders)
        if isinstance(value, bool):
            raise ImproperlyConfigured("Prepared reads cannot take booleans as values; use two shapes instead.")
        if isinstance(value, int):
            return -(10**15) - n
        if isinstance(value, str):
            return f"\x00prepared:{n}\x00"
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return datetime.date(1, 1, 1) + datetime.timedelta(days=n % 360)
        raise ImproperlyConfigured(
            f"Prepared reads take ints, strs and dates (and lists of them), not {type(value)!r}.")


def _as_text(value):
    return value.isoformat()


def compile_with_values(build, values, using, what):
    """``(sql, params, slots)`` of the queryset ``build(**stand_ins)`` (``EmptyResultSet`` when it cannot match):
    each value of ``values`` replaced by a stand-in while compiling, and ``slots`` saying where each value goes in
    ``params`` (``fill``). A date reaches the parameters as a date (PostgreSQL) or as its ISO text (SQLite): both are
    recognised. ``ImproperlyConfigured`` when a value does not reach the parameters unchanged (``what`` names the
    read in the message)."""
    placeholders, stand_ins = {}, {}

    def stand_in(name, value, index):
        made = _Placeholder.make(value)
        placeholders[made] = (name, index, None)
        if isinstance(made, datetime.date):
            placeholders[_as_text(made)] = (name, index, _as_text)
        return made

    for name, value in values.items():
        if isinstance(value, list | tuple):
            stand_ins[name] = [stand_in(name, v, i) for i, v in enumerate(value)]
        else:
            stand_ins[name] = stand_in(name, value, None)
    queryset = build(**stand_ins).using(using)
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    slots = []
    for position, param in enumerate(params):
        if isinstance(param, int | str | datetime.date) and not isinstance(param, bool) and param in placeholders:
            slots.append((position, placeholders[param]))
    reached = {placeholders[params[position]][:2] for position, _ in slots}
    missing = sorted({name for made, (name, index, _) in placeholders.items() if (name, index) not in reached})
    if missing:
        raise ImproperlyConfigured(
            f"Prepared read of {what or queryset.model.__name__}: the values {missing} do not reach the SQL unchanged "
            "(use = or IN lookups for them)."
        )
    return compiler, sql, tuple(params), slots


def fill(params, slots, values):
    """``params`` with ``values`` in their ``slots`` (``compile_with_values``)."""
    params = list(params)
    for position, (name, index, convert) in slots:
        value = values[name] if index is None else values[name][index]
        params[position] = convert(value) if convert else value
    return params


def shape_of(values):
    """What of ``values`` changes the SQL text: their names and the length of each list."""
    return tuple(sorted((name, len(v) if isinstance(v, list | tuple) else None) for name, v in values.items()))


class _Compiled:
    def __init__(self, model, db, compiler, sql, params, slots):
        self.model, self.db, self.compiler, self.sql, self.params, self.slots = model, db, compiler, sql, params, slots
        self._converters = {}

    def run(self, values):
        params = fill(self.params, self.slots, values)
        compiler = copy.copy(self.compiler)  # a run of its own: threads share the compiled one
        compiler.connection = connection = connections[self.db]
        compiler.as_sql = lambda *args, **kwargs: (self.sql, params)
        compiler.get_converters = lambda expressions: self.converters(compiler, expressions)
        if connection.vendor == "postgresql":
            compiler.execute_sql = lambda *args, **kwargs: _execute_prepared(connection, compiler, self.sql, params)
        return list(ModelIterable(_Source(self.model, self.db, compiler)))

    def converters(self, compiler, expressions):
        """The select list's value converters (the compiler's ``get_converters``): the same columns on every run, so
        they are worked out on a connection's first run (for the course outline, 7% of the read's time). Kept per
        connection object (one per thread): the database's converters are methods of its connection's operations."""
        key = id(compiler.connection)
        found = self._converters.get(key)
        if found is None:
            found = self._converters[key] = type(compiler).get_converters(compiler, expressions)
        return found


def _execute_prepared(connection, compiler, sql, params):
    """The rows of ``sql`` as ``compiler.execute_sql()`` gives them, run by ``fetch_all``."""
    rows = fetch_all(connection, sql, params)
    if compiler.has_extra_select:
        rows = [row[: compiler.col_count] for row in rows]
    return [rows] if rows else []  # ``execute_sql(MULTI)``'s shape: a list of chunks of rows


def fetch_all(connection, sql, params):
    """The rows of ``sql`` with ``params``; on PostgreSQL run as a server-side prepared statement once repeated.

    Django binds parameters on the client (the server parses and plans every query anew); for these reads the
    planning is most of the database's work (the course outline: ~4.5 ms of planning for ~0.8 ms of execution). On
    a server-side binding cursor psycopg prepares a statement the connection has run ``prepare_threshold`` times
    (the settings' ``configure_postgresql``; it keeps up to ``prepared_max`` of them) and later runs only bind and
    execute, so PostgreSQL can reuse its plan (its ``plan_cache_mode`` chooses between a generic plan and planning
    for the values, as for any prepared statement). A connection used for one request only prepares nothing.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _PreparingCursor(connection.connection)
        # As Django's own cursors: the connection's time zone for timestamptz values (``create_cursor``).
        from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, Format, register_tzloader

        if connection.timezone != connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
            register_tzloader(connection.timezone, raw)
        if connection.queries_logged:
            raw.shown = connection
        cursor = connection._prepare_cursor(raw)
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


class _PreparingCursor(_psycopg_cursor):
    """A server-side binding psycopg cursor, whose statements psycopg prepares once repeated (``_execute_prepared``)."""

    shown = None  # the Django connection, when its queries are logged (tests, DEBUG)

    def execute(self, query, params=None, *, prepare=None, binary=None):
        super().execute(query, params, prepare=prepare, binary=binary)
        if self.shown is not None:
            # Django's query log reads the query psycopg sent (``cursor._query``), which a prepared execution does not
            # keep: the SQL with its values written in, as Django's own client-side cursors log it.
            self._query = _Shown(self.shown.ops.compose_sql(query, params).encode())
        return self


class _Shown:
    def __init__(self, query):
        self.query = query


class _Source:
    """What ``ModelIterable`` reads of a queryset, around an already compiled query."""

    _known_related_objects = {}

    def __init__(self, model, db, compiler):
        self.model, self.db, self._compiler = model, db, compiler
        self.query = self

    def get_compiler(self, using=None, connection=None):
        return self._compiler


class Prepared:
    """``Prepared(build)``: ``build(**options, **values)`` returns the queryset; ``read(options, **values)`` returns
    its rows as model instances. ``options`` (a dict of hashable values, passed to ``build`` as they are) and the
    names of the values given and the length of each list value make the *shape*: one compiled query each."""

    def __init__(self, build):
        self.build = build
        self._compiled = {}
        self._lock = threading.Lock()

    def read(self, options=None, *, using="default", **values):
        options = options or {}
        key = (using, connections[using].vendor, tuple(sorted(options.items())), shape_of(values))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(using, options, values)
            with self._lock:
                self._compiled[key] = compiled
        if compiled == "empty":
            return []
        return compiled.run(values)

    def _compile(self, using, options, values):
        try:
            compiler, sql, params, slots = compile_with_values(
                lambda **stand_ins: self.build(**options, **stand_ins), values, using, None)
        except EmptyResultSet:
            return "empty"
        return _Compiled(compiler.query.model, using, compiler, sql, params, slots)
