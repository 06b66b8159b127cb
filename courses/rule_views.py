"""The training lead's assignment rules (新员工课程分配): list, add, retire. The rules live in
``courses.assignments``; these views only show them and pass the lead's choices on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lms.access import covered_region_ids, role_required
from lms.models import Region
from lms.roles import Role

from .access import get_rule_or_404, rules_visible_to
from .assignments import add_assignment_rule, retire_assignment_rule
from .forms import AssignmentRuleForm

PAGE_SIZE = 25


def _lead_regions(user):
    if user.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(pk__in=covered_region_ids(user, Role.TRAINING_LEAD))


@role_required(Role.TRAINING_LEAD)
def assignment_rules(request):
    form = AssignmentRuleForm(request.POST or None, regions=_lead_regions(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            rule, made = add_assignment_rule(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, ngettext(
                "Rule added: %(count)d new hire was assigned “%(course)s”.",
                "Rule added: %(count)d new hires were assigned “%(course)s”.", len(made),
            ) % {"count": len(made), "course": rule.course.title})
            return redirect("courses:assignment_rules")
    rules = rules_visible_to(request.user).annotate(assigned=Count("assignments"))
    in_force = rules.filter(retired_at__isnull=True).order_by("region__code", "post__code", "course__path", "pk")
    page = Paginator(in_force, PAGE_SIZE).get_page(request.GET.get("page"))
    retired = rules.filter(retired_at__isnull=False).order_by("-retired_at")[:20]
    return render(request, "courses/assignment_rules.html", {"form": form, "page": page, "retired": retired})


@login_required
@require_POST
@role_required(Role.TRAINING_LEAD)
def retire_rule(request, pk):
    rule = get_rule_or_404(request.user, pk)
    try:
        retire_assignment_rule(by=request.user, rule=rule)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Rule retired: new hires no longer get “%(course)s” from it; the assignments it "
                                    "made stay.") % {"course": rule.course.title})
    return redirect("courses:assignment_rules")
