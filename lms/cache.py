"""Django's database cache with an atomic ``incr``: the production cache when no Redis is configured.

Django's ``DatabaseCache.incr`` reads the value and writes it back: two workers counting at the same moment both
write the same number, so a throttle shared through it leaks (and ``incr`` also resets the key's expiry). Here the
row is locked before it is read (PostgreSQL holds the row lock to commit; SQLite's ``IMMEDIATE`` transactions hold
the database's write lock) and only the value is written back, keeping the expiry the counter was created with.
"""

import base64
import pickle

from django.core.cache.backends import db
from django.db import connections, router, transaction


class DatabaseCache(db.DatabaseCache):
    def incr(self, key, delta=1, version=None):
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table, cache_key = quote(self._table), quote("cache_key")
        stored_key = self.make_and_validate_key(key, version=version)
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET {quote('expires')} = {quote('expires')} WHERE {cache_key} = %s",
                               [stored_key])
            value = self.get(key, self._missing_key, version=version)
            if value is self._missing_key:
                raise ValueError(f"Key '{key}' not found.")
            new_value = value + delta
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET {quote('value')} = %s WHERE {cache_key} = %s",
                               [encoded, stored_key])
        return new_value
