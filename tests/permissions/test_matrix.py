"""Every URL pattern × every role gets the status code of the expected tables (expected_<app>.py)."""

import pytest
from django.core.cache import cache
from django.db import transaction

from .matrix import ROLES, all_cases, how_to_classify, url_patterns

CASES = all_cases()


def test_every_url_pattern_is_classified():
    classified = {case.pattern for case in CASES}
    unclassified = [p for p in url_patterns() if p.key not in classified]
    assert not unclassified, "\n\n".join(how_to_classify(p) for p in unclassified)


def test_every_case_names_an_existing_url_pattern():
    known = {p.key for p in url_patterns()}
    stale = sorted({case.pattern for case in CASES} - known)
    assert not stale, f"The permission matrix lists URL patterns that no longer exist: {stale}; remove their cases."


def test_case_ids_are_unique():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "Give cases of the same pattern distinct labels."


def _status(client, case, url, world):
    """One request, in a savepoint rolled back afterwards so cases cannot affect each other."""
    cache.clear()  # throttles (certificate verification) count per address; sessions live in the database
    with transaction.atomic():
        try:
            if case.method == "GET":
                response = client.get(url, **case.extra)
            else:
                data = case.data(world) if case.data else {}
                response = client.generic(case.method, url, data=data, **case.extra) if not isinstance(
                    data, dict) else client.post(url, data, **case.extra)
            status = response.status_code
        except Exception as exc:  # a server error: shown in the table with its cause
            status = f"500 ({type(exc).__name__}: {exc})"
        transaction.set_rollback(True)
    return status


# django_db: so pytest-django creates the test database; each case runs in its own savepoint.
@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c.id) for c in CASES],
)
def test_status_codes_match_the_table(world, case):
    url = case.url(world)
    observed = {role: _status(world.clients[role], case, url, world) for role in ROLES}
    if observed != case.expect:
        lines = [f"{case.method} {url} ({case.id}): role, expected → observed"]
        lines += [
            f"  {role:17} {case.expect[role]} → {observed[role]}{'   <-- differs' if observed[role] != case.expect[role] else ''}"
            for role in ROLES
        ]
        lines.append("Observed as a table row: expect(" + ", ".join(f"{r}={observed[r]!r}" for r in ROLES) + ")")
        pytest.fail("\n".join(lines))
