import pytest


@pytest.fixture(autouse=True)
def catalogues(request):
    """The seeded skills and checklist topics, put back if a transactional test elsewhere flushed them."""
    if request.node.get_closest_marker("django_db") or {"db", "cast", "org"} & set(request.fixturenames):
        request.getfixturevalue("db")
        from mentorship.catalogue import ensure_catalogues

        ensure_catalogues()
