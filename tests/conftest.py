"""The fixed cast shared by the suite.

Two larger regions (east with Shanghai inside, south with Guangzhou inside) and
one person per role, plus the "other" people needed to show scope: another
trainee with another mentor, and a training lead of the other region.

    east ─ sh:  trainee (mentor: mentor), mentor, post head of "field"
           hz:  regional manager
    south ─ gz: other_trainee (mentor: other_mentor), other_mentor
    lead (east), other_lead (south), supervisor (east), regional head (east), editor
"""

import datetime
from types import SimpleNamespace

import pytest

from lms.roles import Role
from mentorship.models import MentorAssignment

from .factories import PostFactory, RegionFactory, make_person


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a cached fragment of one test (e.g. a lesson body, keyed by a page id
    the database hands out again) must not show up in the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def org(db):
    return build_org()


@pytest.fixture
def cast(org):
    return build_cast(org)


def build_org():
    """The regions and posts of the cast (a plain function, so module-scoped fixtures can reuse it)."""
    east = RegionFactory(code="east", name="华东大区")
    south = RegionFactory(code="south", name="华南大区")
    sh = RegionFactory(code="sh", name="上海区域", parent=east)
    hz = RegionFactory(code="hz", name="杭州区域", parent=east)
    gz = RegionFactory(code="gz", name="广州区域", parent=south)
    field = PostFactory(code="field", name="上门服务工程师")
    hall = PostFactory(code="hall", name="营业厅受理")
    return SimpleNamespace(east=east, south=south, sh=sh, hz=hz, gz=gz, field=field, hall=hall)


def build_cast(org):
    """One person per role on top of ``build_org()`` (see the module docstring)."""
    p = make_person
    c = SimpleNamespace(org=org)
    c.trainee = p("trainee", role=Role.TRAINEE, region=org.sh, post=org.field, name="李明轩", employee_no="T0001")
    c.mentor = p("mentor", role=Role.MENTOR, region=org.sh, post=org.field, status="regular", name="王建国")
    c.other_trainee = p("other_trainee", role=Role.TRAINEE, region=org.gz, post=org.hall, name="林嘉怡")
    c.other_mentor = p("other_mentor", role=Role.MENTOR, region=org.gz, post=org.hall, status="regular")
    c.lead = p("lead", role=Role.TRAINING_LEAD, region=org.east, status="regular", scope_region=org.east)
    c.other_lead = p("other_lead", role=Role.TRAINING_LEAD, region=org.south, status="regular",
                     scope_region=org.south)
    c.supervisor = p("supervisor", role=Role.TRAINING_SUPERVISOR, region=org.east, status="regular",
                     scope_region=org.east)
    c.regional_manager = p("regional_manager", role=Role.REGIONAL_MANAGER, region=org.hz, status="regular",
                           scope_region=org.hz)
    c.post_head = p("post_head", role=Role.POST_HEAD, region=org.sh, post=org.field, status="regular",
                    scope_post=org.field)
    c.regional_head = p("regional_head", role=Role.REGIONAL_HEAD, region=org.east, status="regular",
                        scope_region=org.east)
    c.editor = p("editor", role=Role.CONTENT_EDITOR, region=None, post=None, status="regular")
    start = datetime.date(2026, 9, 1)
    MentorAssignment.objects.create(trainee=c.trainee, mentor=c.mentor, start_date=start)
    MentorAssignment.objects.create(trainee=c.other_trainee, mentor=c.other_mentor, start_date=start)
    return c


def pytest_collection_modifyitems(config, items):
    """Tests that commit for real (``transaction=True``) must not use ``serialized_rollback``.

    Mixing the two breaks the suite: the flush after a plain transactional test re-creates
    the content types, and the next serialized test then fails to restore them. Such tests
    rebuild what they need instead (``courses.services.ensure_training_index`` re-creates
    Wagtail's root, locale and site on an emptied database).
    """
    wrong = []
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and marker.kwargs.get("serialized_rollback"):
            wrong.append(item.nodeid)
    if wrong:
        raise pytest.UsageError("Drop serialized_rollback=True (see tests/conftest.py) in: " + ", ".join(wrong))
