"""M8: expense-filing guidance is owed after a small trip; the mentor answers for a guided filing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from mentorship.models import AccountabilityRecord, RideAlong
from mentorship.services import (
    expense_guidance_owed,
    expense_guidance_owed_on_next_trip,
    record_expense_filing,
    record_filing_problem,
)

from .helpers import START, request_trip, signed_off_trip


@pytest.mark.parametrize(
    ("cities", "days", "total", "owed"),
    [
        (1, 10, 1500, True),  # one city
        (2, 10, 1500, False),  # all three limits reached
        (2, 9, 1500, True),  # under 10 days
        (2, 10, Decimal("1499"), True),  # under 1500 yuan
        (2, 10, Decimal("1499.99"), True),
        (3, 30, 5000, False),
    ],
)
def test_m8_guidance_owed_on_the_boundaries(cities, days, total, owed):
    assert expense_guidance_owed(cities, days, total) is owed


def test_m8_the_first_filing_is_always_guided(cast):
    assert expense_guidance_owed_on_next_trip(cast.trainee) is True
    assert request_trip(cast).expense_guidance_owed is True


def _filed_trip(cast, *, cities, days, total, guided=True):
    ride_along = signed_off_trip(cast, cities=cities, end_date=START + datetime.timedelta(days=days - 1))
    record_expense_filing(ride_along=ride_along, user=cast.mentor, filed=True, guided=guided, total_yuan=total)
    ride_along.refresh_from_db()
    return ride_along


def test_m8_a_trip_over_all_three_limits_ends_the_guidance(cast):
    _filed_trip(cast, cities=["杭州", "宁波"], days=10, total=Decimal("1500"))
    assert expense_guidance_owed_on_next_trip(cast.trainee) is False
    later = START + datetime.timedelta(days=30)
    assert request_trip(cast, start_date=later, end_date=later).expense_guidance_owed is False


def test_m8_a_one_city_trip_keeps_the_guidance_owed(cast):
    _filed_trip(cast, cities=["杭州"], days=12, total=Decimal("3000"))
    assert expense_guidance_owed_on_next_trip(cast.trainee) is True


def test_m8_the_mentor_bears_a_problem_in_a_guided_filing(cast):
    ride_along = _filed_trip(cast, cities=["杭州"], days=3, total=Decimal("800"), guided=True)
    record_filing_problem(ride_along=ride_along, user=cast.lead, description="住宿发票抬头错误")
    ride_along.refresh_from_db()
    assert ride_along.filing_problem_bearer == RideAlong.Bearer.MENTOR
    assert AccountabilityRecord.objects.get(kind=AccountabilityRecord.Kind.EXPENSE_FILING).person == cast.mentor


def test_m8_the_trainee_bears_a_problem_when_they_did_not_seek_the_guidance_owed(cast):
    ride_along = _filed_trip(cast, cities=["杭州"], days=3, total=Decimal("800"), guided=False)
    record_filing_problem(ride_along=ride_along, user=cast.lead, description="超标住宿")
    ride_along.refresh_from_db()
    assert ride_along.filing_problem_bearer == RideAlong.Bearer.TRAINEE
    assert not AccountabilityRecord.objects.filter(kind=AccountabilityRecord.Kind.EXPENSE_FILING).exists()


def test_m8_only_the_lead_records_a_filing_problem(cast):
    ride_along = _filed_trip(cast, cities=["杭州"], days=3, total=Decimal("800"))
    with pytest.raises(PermissionDenied):
        record_filing_problem(ride_along=ride_along, user=cast.mentor, description="x")
