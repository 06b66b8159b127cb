"""Kept counts ("tallies"): small tables of ``n`` per key, moved in the writer's transaction instead of counting
the source rows on every read. One mechanism for every tally (``progress.Tally``, ``wrongbook.ClauseTally``)."""

from collections import Counter

from django.db.models import F, Subquery


def move_tally(model, fields, *, before=(), after=(), fixed=None, drop_empty=False):
    """Move ``model``'s counts from the keys ``before`` to ``after`` (tuples of ``fields`` values; None: not
    counted), in the caller's transaction: one UPDATE per key that changed, an INSERT for a new one, and with
    ``drop_empty`` a DELETE of a key left at nobody. ``fixed`` (field → value) narrows every key (e.g. the program).
    Keys are moved in one sorted order, so two writers lock the rows they share in the same order.

    Two writers inserting the same new key at once may each insert a row: the readers sum ``n``, so it adds up."""
    fixed = fixed or {}
    delta = Counter(key for key in after if key is not None)
    delta.subtract(key for key in before if key is not None)
    for key, n in sorted(delta.items(), key=repr):
        if not n:
            continue
        same = model.objects.filter(**fixed, **dict(zip(fields, key)))
        # One row of that key, moved in one query.
        if not model.objects.filter(pk=Subquery(same.order_by("pk").values("pk")[:1])).update(n=F("n") + n):
            model.objects.create(n=n, **fixed, **dict(zip(fields, key)))
        elif n < 0 and drop_empty:
            same.filter(n=0).delete()
