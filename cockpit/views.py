"""The training lead's cockpit. Business rules live in ``cockpit.services``."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from lms.roles import Role

from . import services
from .charts import column_chart


def _lead_or_404(request):
    """Only training leads (and superusers) have a cockpit; anyone else gets 404."""
    user = request.user
    if not (user.is_superuser or user.role_assignments.filter(role=Role.TRAINING_LEAD).exists()):
        raise Http404


@login_required
def dashboard(request):
    _lead_or_404(request)
    filterset = services.filtered_cohort(request)
    profiles = list(filterset.qs.select_related("user", "region", "post"))
    overdue = services.overdue_course_assignments(profiles)
    weekly = services.completions_per_week([p.user_id for p in profiles], weeks=8)
    context = {
        "filter": filterset,
        "figures": services.headline_figures(profiles, overdue=overdue),
        "weekly_chart": column_chart(_("Course completions per week"), weekly),
    }
    return render(request, "cockpit/dashboard.html", context)
