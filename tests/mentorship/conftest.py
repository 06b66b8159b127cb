import pytest

from .helpers import TODAY, at


@pytest.fixture(autouse=True)
def catalogues(request):
    """The seeded skills and checklist topics, put back if a transactional test elsewhere flushed them."""
    if request.node.get_closest_marker("django_db") or {"db", "cast", "org"} & set(request.fixturenames):
        request.getfixturevalue("db")
        from mentorship.catalogue import ensure_catalogues

        ensure_catalogues()


@pytest.fixture(autouse=True)
def clock(time_machine, settings):
    """The mentorship tests run on ``TODAY`` (helpers.py): trips of the helpers are still ahead, whatever the
    real date. The clock ticks, so records made one after the other keep their order. A test that moves the
    clock weeks ahead keeps its signed-in clients (sessions last a year here)."""
    settings.SESSION_COOKIE_AGE = 365 * 24 * 3600
    time_machine.move_to(at(TODAY, 9), tick=True)
    return time_machine
