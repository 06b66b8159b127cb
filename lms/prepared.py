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
import itertools
import threading

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models.query import ModelIterable

_placeholders = itertools.count(1)


class _Placeholder:
    """Stand-ins for values while the SQL is compiled: integers no row has, strings no row has."""

    @staticmethod
    def make(value):
        n = next(_placeholders)
        if isinstance(value, bool):
            raise ImproperlyConfigured("Prepared reads cannot take booleans as values; use two shapes instead.")
        if isinstance(value, int):
            return -(10**15) - n
        if isinstance(value, str):
            return f"\x00prepared:{n}\x00"
        raise ImproperlyConfigured(f"Prepared reads take ints and strs (and lists of them), not {type(value)!r}.")


class _Compiled:
    def __init__(self, model, db, compiler, sql, params, slots):
        self.model, self.db, self.compiler, self.sql, self.params, self.slots = model, db, compiler, sql, params, slots

    def run(self, values):
        params = list(self.params)
        for position, (name, index) in self.slots:
            value = values[name]
            params[position] = value[index] if index is not None else value
        compiler = copy.copy(self.compiler)  # a run of its own: threads share the compiled one
        compiler.connection = connections[self.db]
        compiler.as_sql = lambda *args, **kwargs: (self.sql, params)
        return list(ModelIterable(_Source(self.model, self.db, compiler)))


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
        lengths = tuple(sorted((name, len(v) if isinstance(v, list | tuple) else None) for name, v in values.items()))
        key = (using, connections[using].vendor, tuple(sorted(options.items())), lengths)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(using, options, values)
            with self._lock:
                self._compiled[key] = compiled
        if compiled == "empty":
            return []
        return compiled.run(values)

    def _compile(self, using, options, values):
        placeholders = {}
        stand_ins = {}
        for name, value in values.items():
            if isinstance(value, list | tuple):
                stand_ins[name] = [_Placeholder.make(v) for v in value]
                placeholders.update({p: (name, i) for i, p in enumerate(stand_ins[name])})
            else:
                stand_ins[name] = _Placeholder.make(value)
                placeholders[stand_ins[name]] = (name, None)
        queryset = self.build(**options, **stand_ins).using(using)
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return "empty"
        slots = []
        for position, param in enumerate(params):
            if isinstance(param, int | str) and not isinstance(param, bool) and param in placeholders:
                slots.append((position, placeholders[param]))
        missing = set(placeholders) - {p for p in params if isinstance(p, int | str) and p in placeholders}
        if missing:
            names = sorted({placeholders[p][0] for p in missing})
            raise ImproperlyConfigured(
                f"Prepared read of {queryset.model.__name__}: the values {names} do not reach the SQL unchanged "
                "(use = or IN lookups for them)."
            )
        return _Compiled(queryset.model, using, compiler, sql, tuple(params), slots)
