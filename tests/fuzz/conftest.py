"""Shared helpers for the property-based tests: each example runs in a savepoint rolled back afterwards."""

import contextlib
import os

from django.db import transaction
from hypothesis import HealthCheck, settings

# FUZZ_EXAMPLES=500 for a longer hunt. Function-scoped fixtures (the cast) are shared by the examples of one test; every example
# rolls its writes back (``rolled_back``), so they cannot leak into the next one.
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow],
)
FUZZ = settings.get_profile("fuzz")


@contextlib.contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
