import pytest
from django.db import transaction
from django.test import Client

from .matrix import ROLES
from .world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The cast and its objects, built once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build_world()
            w.clients = {}
            for role in ROLES:
                client = Client()
                if role != "anonymous":
                    client.force_login(getattr(w, role))
                w.clients[role] = client
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
