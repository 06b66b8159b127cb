"""Work that many writes in one go would repeat per row, done once at the end instead.

A receiver that refreshes something derived for the people a record names (e.g. the progress rows) calls
``defer(key, work, items)``. Outside a ``collecting()`` block the work runs at once, for those items; inside one,
the items are gathered per key and the work runs once, for all of them, when the block ends. The block is meant to
sit inside the writer's transaction (``collecting()`` inside ``transaction.atomic``), so the derived records still
change in the transaction that caused them, or not at all.

A bulk writer (the roster import) wraps its loop in ``collecting()``; the receivers need not know.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_pending = ContextVar("lms_batching_pending", default=None)


def defer(key, work, items):
    """Run ``work(items)`` now, or, inside ``collecting()``, once at its end with every item deferred under ``key``."""
    pending = _pending.get()
    if pending is None:
        work(items)
        return
    entry = pending.setdefault(key, (work, set()))
    entry[1].update(items)


@contextmanager
def collecting():
    """Gather deferred work for the block and run it once per key at its end (not if the block raises). Nested
    blocks join the outermost one."""
    if _pending.get() is not None:
        yield
        return
    pending = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for work, items in pending.values():
        work(items)
