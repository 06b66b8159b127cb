"""The cohort's kept tally of weak clauses (``ClauseTally``) always equals the count from the entries, and the heat
map's totals read from it equal the totals counted over the cohort's entries.

A property test plays random sequences of events — wrong and right answers in quizzes and drills on several days, a
person moving region, becoming or ceasing to be a trainee (role, probation), losing their profile, being deleted —
and after each sequence compares the tally with the entries counted again from the people's current places.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.models import RoleAssignment, StaffProfile
from lms.roles import Role
from mentorship.models import MentorAssignment
from tests.factories import make_person
from wrongbook import tally
from wrongbook.models import BookEntry, ClauseAnswer, ClauseTally
from wrongbook.services import heat_map, refresh_entries, tallied_totals, whole_regions

from .conftest import at, take

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLAUSES = ["WB-01", "WB-02", "WB-03"]


def answer(user, clause_id, *, correct, day, source=ClauseAnswer.Source.QUIZ):
    """One graded answer on ``clause_id`` filed as quizzes and drills file theirs (``refresh_entries``)."""
    when = datetime.datetime(2026, 10, day, 10, tzinfo=SHANGHAI)
    ClauseAnswer.objects.create(user=user, clause_id=clause_id, correct=correct, answered_at=when, source=source)
    refresh_entries(user_id=user.pk, clause_ids={clause_id})


@pytest.fixture
def people(cast):
    return [cast.trainee, cast.other_trainee, make_person("t3", role=Role.TRAINEE, region=cast.org.hz),
            make_person("regular", region=cast.org.sh, status="regular")]


P = st.integers(0, 3)
events = st.one_of(
    st.tuples(st.just("answer"), P, st.sampled_from(CLAUSES), st.booleans(), st.integers(1, 12), st.booleans()),
    st.tuples(st.just("move"), P, st.integers(0, 4)),
    st.tuples(st.just("role"), P, st.booleans()),
    st.tuples(st.just("status"), P, st.sampled_from(["probation", "regular"])),
    st.tuples(st.just("no_profile"), P),
    st.tuples(st.just("delete"), P),
)


def _play(cast, people, event):
    kind, index, *args = event
    user = get_user_model().objects.filter(pk=people[index].pk).first()
    if user is None:  # deleted earlier in the sequence
        return
    profile = StaffProfile.objects.filter(user=user).first()
    if kind == "answer":
        clause_id, correct, day, drill = args
        answer(user, clause_id, correct=correct, day=day,
               source=ClauseAnswer.Source.DRILL if drill else ClauseAnswer.Source.QUIZ)
    elif kind == "move" and profile:
        profile.region = [cast.org.sh, cast.org.hz, cast.org.gz, cast.org.east, None][args[0]]
        profile.save()
    elif kind == "role":
        if args[0]:
            RoleAssignment.objects.get_or_create(user=user, role=Role.TRAINEE)
        else:
            RoleAssignment.objects.filter(user=user, role=Role.TRAINEE).delete()
    elif kind == "status" and profile:
        profile.status = args[0]
        profile.save(update_fields=["status"])
    elif kind == "no_profile" and profile:
        profile.delete()
    elif kind == "delete":
        user.delete()


class _Rollback(Exception):
    pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(events, max_size=14))
def test_the_kept_tally_equals_the_entries_counted_again(cast, people, sequence):
    try:
        with transaction.atomic():
            for event in sequence:
                _play(cast, people, event)
            assert tally.counted() == tally.recounted()
            # Every entry carries its learner's current place.
            places = tally.places({e.user_id for e in BookEntry.objects.all()})
            assert all((e.region_id, e.trainee) == places[e.user_id] for e in BookEntry.objects.all())
            raise _Rollback
    except _Rollback:
        pass


def test_a_clause_enters_the_tally_with_a_wrong_answer_and_leaves_it_after_two_right_days(bank, cast):
    with time_machine.travel(at(1), tick=False):
        take(bank.quiz, cast.trainee, correct=False)
    assert tally.counted() == {(cast.org.sh.pk, "WB-01"): 1, (cast.org.sh.pk, "WB-02"): 1}
    for day in (2, 4):
        answer(cast.trainee, "WB-01", correct=True, day=day, source=ClauseAnswer.Source.DRILL)
    assert tally.counted() == {(cast.org.sh.pk, "WB-02"): 1}


def test_a_trainee_moving_region_takes_their_clauses_along(cast):
    answer(cast.trainee, "WB-01", correct=False, day=1)
    profile = cast.trainee.profile
    profile.region = cast.org.gz
    profile.save()
    assert tally.counted() == {(cast.org.gz.pk, "WB-01"): 1}


def test_a_regular_employees_book_is_not_counted_in_the_cohort(cast):
    regular = make_person("regular", region=cast.org.sh, status="regular")
    answer(regular, "WB-01", correct=False, day=1)
    assert tally.counted() == {}
    RoleAssignment.objects.create(user=regular, role=Role.TRAINEE)
    assert tally.counted() == {(cast.org.sh.pk, "WB-01"): 1}


def test_the_rebuild_counts_the_tally_again_after_a_bulk_write(cast):
    answer(cast.trainee, "WB-01", correct=False, day=1)
    ClauseTally.objects.update(n=7)
    StaffProfile.objects.filter(user=cast.trainee).update(region=cast.org.hz)  # no signal
    tally.rebuild()
    assert tally.counted() == tally.recounted() == {(cast.org.hz.pk, "WB-01"): 1}


def exact_totals(cohort):
    """The totals counted over the cohort's entries (the heat map without the tally)."""
    from cockpit.services import cohort_users

    return {c["clause_id"]: c["learners"] for c in heat_map(cohort_users(cohort), []).columns}


def test_the_tallied_totals_equal_the_totals_counted_over_the_cohort(rf, cast):
    """The lead's cohort: the trainees of their region, a mentee outside it reached by another scope, the lead
    themselves (a trainee of the region too) never in their own cohort; also narrowed to a region."""
    from cockpit.services import filtered_cohort

    lead = cast.lead
    RoleAssignment.objects.create(user=lead, role=Role.TRAINEE)
    far = make_person("far", role=Role.TRAINEE, region=cast.org.gz)
    nowhere = make_person("nowhere", role=Role.TRAINEE, region=None)  # no region yet
    for mentee in (far, nowhere):
        MentorAssignment.objects.create(trainee=mentee, mentor=lead, start_date=datetime.date(2026, 9, 1))
    for user, clauses in ((cast.trainee, CLAUSES), (cast.other_trainee, CLAUSES[:1]), (lead, CLAUSES[:2]),
                          (far, CLAUSES[1:]), (nowhere, CLAUSES[:1])):
        for clause_id in clauses:
            answer(user, clause_id, correct=False, day=1)
    for query in ({}, {"region": cast.org.sh.pk}, {"region": cast.org.gz.pk}):
        request = rf.get(reverse("wrongbook:heat_map"), query)
        request.user = get_user_model().objects.get(pk=lead.pk)
        filterset = filtered_cohort(request)
        regions = whole_regions(filterset, request.user)
        assert regions is not False
        tallied = tallied_totals(filterset.qs, regions=regions, viewer=request.user).totals
        totals = {cid: n for cid, n in tallied.items() if n}
        assert totals == exact_totals(filterset.qs)
        if not query:  # the trainee and the mentees outside the regions; not the lead
            assert totals == {"WB-01": 2, "WB-02": 2, "WB-03": 2}
    # Any other filter counts over the entries.
    request = rf.get(reverse("wrongbook:heat_map"), {"status": "probation"})
    request.user = lead
    assert whole_regions(filtered_cohort(request), lead) is False


def test_the_heat_map_counts_and_lists_the_cohort_from_the_kept_tallies_as_over_the_people(rf, cast):
    """With a program active, the number of trainees comes from its kept ``progress.Tally`` and the page's rows from
    the regions: the same people as the cohort counted and listed over the profiles (the lead themselves a trainee
    of the region, mentees outside it or without a region), unfiltered or narrowed to a region."""
    from certificates.models import Program
    from cockpit.services import filtered_cohort
    from wrongbook.services import cohort_of_regions, heat_map_rows

    Program.objects.create(code="P", name="上岗认证")
    lead = cast.lead
    RoleAssignment.objects.create(user=lead, role=Role.TRAINEE)
    for name, region in (("far", cast.org.gz), ("nowhere", None)):
        mentee = make_person(name, role=Role.TRAINEE, region=region)
        MentorAssignment.objects.create(trainee=mentee, mentor=lead, start_date=datetime.date(2026, 9, 1))
    make_person("probation-hz", region=cast.org.hz, status=StaffProfile.Status.PROBATION)
    for query in ({}, {"region": cast.org.sh.pk}, {"region": cast.org.gz.pk}):
        request = rf.get(reverse("wrongbook:heat_map"), query)
        request.user = get_user_model().objects.get(pk=lead.pk)
        filterset = filtered_cohort(request)
        regions = whole_regions(filterset, request.user)
        tallied = tallied_totals(filterset.qs, regions=regions, viewer=request.user)
        people = list(heat_map_rows(filterset.qs))
        assert tallied.trainees == len(people) > 0
        assert list(heat_map_rows(cohort_of_regions(regions, elsewhere=tallied.elsewhere, viewer=request.user))) == people
        assert lead.pk not in {p["user_id"] for p in people}


def test_without_an_active_program_the_heat_map_counts_the_people(rf, cast):
    from cockpit.services import filtered_cohort

    request = rf.get(reverse("wrongbook:heat_map"))
    request.user = cast.lead
    filterset = filtered_cohort(request)
    assert tallied_totals(filterset.qs, regions=whole_regions(filterset, cast.lead), viewer=cast.lead).trainees is None


def test_the_heat_map_page_shows_the_same_totals_with_and_without_a_filter(client, cast):
    """Two trainees of the lead's regions and one outside them have WB-01 in their book: 2, filtered or not."""
    hz = make_person("hz-trainee", role=Role.TRAINEE, region=cast.org.hz)
    for user in (cast.trainee, hz, cast.other_trainee):
        answer(user, "WB-01", correct=False, day=1)
    client.force_login(cast.lead)
    whole = client.get(reverse("wrongbook:heat_map")).content.decode()
    filtered = client.get(reverse("wrongbook:heat_map"), {"status": "probation"}).content.decode()
    assert "<td><strong>2</strong></td>" in whole and "<td><strong>2</strong></td>" in filtered


def test_the_rebuild_command_checks_and_counts_the_tally_again(cast):
    from django.core.management import CommandError, call_command

    answer(cast.trainee, "WB-01", correct=False, day=1)
    call_command("rebuild_wrongbook_tally", "--check", stdout=open("/dev/null", "w"))
    ClauseTally.objects.update(n=5)
    with pytest.raises(CommandError):
        call_command("rebuild_wrongbook_tally", "--check", stdout=open("/dev/null", "w"))
    call_command("rebuild_wrongbook_tally", stdout=open("/dev/null", "w"))
    assert tally.counted() == {(cast.org.sh.pk, "WB-01"): 1}
