"""M8: expense-filing guidance on ride-alongs, and who answers for a problem in a filing."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AccountabilityRecord, RideAlong
from .common import add_accountability

EXPENSE_GUIDANCE_MIN_CITIES = 2
EXPENSE_GUIDANCE_MIN_DAYS = 10
EXPENSE_GUIDANCE_MIN_YUAN = Decimal("1500")


def expense_guidance_owed(cities, days, total_yuan):
    """M8: after a trip of one city, OR under 10 days, OR under 1500 yuan, guidance is still owed next time."""
    return (
        cities < EXPENSE_GUIDANCE_MIN_CITIES
        or days < EXPENSE_GUIDANCE_MIN_DAYS
        or Decimal(total_yuan) < EXPENSE_GUIDANCE_MIN_YUAN
    )


def expense_guidance_owed_on_next_trip(trainee):
    """M8: guidance is owed until the trainee has filed on a trip that exceeded all three limits.

    The first filing is always guided, so with no filing yet it is owed.
    """
    filed = RideAlong.objects.filter(trainee=trainee, expenses_filed=True, expense_total_yuan__isnull=False)
    return not any(not expense_guidance_owed(r.city_count, r.days, r.expense_total_yuan) for r in filed)


@transaction.atomic
def record_expense_filing(*, ride_along, user, filed, guided, total_yuan=None):
    """M8: whether the trainee filed expenses for the trip, whether the mentor guided it, the total claim."""
    ride_along = RideAlong.objects.select_for_update().get(pk=ride_along.pk)
    ride_along.require(user, RideAlong.Action.RECORD_EXPENSES)
    if filed and total_yuan is None:
        raise ValidationError(_("Give the total claim."))
    ride_along.expenses_filed = filed
    ride_along.expense_filing_guided = guided if filed else False
    ride_along.expense_total_yuan = total_yuan if filed else None
    ride_along.expense_recorded_at = timezone.now()
    ride_along.expense_recorded_by = user
    ride_along.save(update_fields=["expenses_filed", "expense_filing_guided", "expense_total_yuan",
                                   "expense_recorded_at", "expense_recorded_by"])
    return ride_along


def filing_problem_bearer(ride_along):
    """M8: the mentor answers for a filing they owed and gave guidance on; otherwise the trainee does."""
    if ride_along.expense_guidance_owed and ride_along.expense_filing_guided:
        return RideAlong.Bearer.MENTOR
    return RideAlong.Bearer.TRAINEE


@transaction.atomic
def record_filing_problem(*, ride_along, user, description):
    """M8: record a problem in a filing and who bears it; a mentor who bears it is held accountable."""
    ride_along = RideAlong.objects.select_for_update().get(pk=ride_along.pk)
    ride_along.require(user, RideAlong.Action.RECORD_FILING_PROBLEM)
    if not description.strip():
        raise ValidationError(_("Describe the problem."))
    ride_along.filing_problem = description.strip()
    ride_along.filing_problem_bearer = filing_problem_bearer(ride_along)
    ride_along.filing_problem_recorded_at = timezone.now()
    ride_along.save(update_fields=["filing_problem", "filing_problem_bearer", "filing_problem_recorded_at"])
    if ride_along.filing_problem_bearer == RideAlong.Bearer.MENTOR:
        add_accountability(
            person=ride_along.mentor, kind=AccountabilityRecord.Kind.EXPENSE_FILING, trainee=ride_along.trainee,
            ride_along=ride_along, created_by=user, description=ride_along.filing_problem,
        )
    return ride_along
