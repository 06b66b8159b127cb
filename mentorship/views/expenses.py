"""M8 screens: the expense filing of a trip and a problem in it."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from .. import services
from ..forms import ExpenseForm, FilingProblemForm
from ..models import RideAlong
from .common import trip_step_page


def _expense_intro(ride_along):
    if ride_along.expense_guidance_owed:
        return _("Expense-filing guidance is owed on this trip: guide the trainee's filing; you answer for it.")
    return _("No guidance is owed on this trip: the trainee answers for the filing.")


@login_required
def ride_along_expenses(request, pk):
    return trip_step_page(
        request, pk, RideAlong.Action.RECORD_EXPENSES, ExpenseForm,
        lambda trip, form: services.record_expense_filing(ride_along=trip, user=request.user, **form.cleaned_data),
        _("The expense filing has been recorded."), _("Expense filing"), intro=_expense_intro)


@login_required
def ride_along_filing_problem(request, pk):
    return trip_step_page(
        request, pk, RideAlong.Action.RECORD_FILING_PROBLEM, FilingProblemForm,
        lambda trip, form: services.record_filing_problem(ride_along=trip, user=request.user, **form.cleaned_data),
        _("The filing problem has been recorded."), _("Record a filing problem"))
