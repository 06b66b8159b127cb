"""Who may see or mark which attempt. Every courses view goes through here (404 outside scope)."""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from wagtail.models import PageViewRestriction

from lms.access import covered_region_ids, get_in_scope_or_404, has_role, require_role
from lms.roles import Role

from .models import AssignmentRule, Attempt, AttemptQuestion
from .services import attempts_visible_to


def get_own_attempt_or_404(user, pk):
    """An attempt the user is taking themselves."""
    try:
        return Attempt.objects.select_related("quiz").get(pk=pk, user=user)
    except (Attempt.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_visible_attempt_or_404(user, pk):
    """An attempt of the user, or of someone in their scope (lms.access)."""
    try:
        return attempts_visible_to(user).get(pk=pk)
    except (Attempt.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def page_privacy_refusal(request, page):
    """Why the page's privacy settings (Wagtail view restrictions on it or a page above it: password,
    signed-in users, groups) keep ``request`` out, or None. Quiz start honours them like the page itself."""
    if any(not restriction.accept_request(request) for restriction in view_restrictions(page)):
        return _("This quiz is private: open its page first.")
    return None


def view_restrictions(page):
    """Wagtail's ``page.get_view_restrictions()`` in one query instead of two: the restrictions on the page and the
    pages above it, an alias standing for the page it aliases (as Wagtail counts them)."""
    paths = [page.path[:end] for end in range(page.steplen, len(page.path) + 1, page.steplen)]
    return PageViewRestriction.objects.filter(
        Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page__aliases__path__in=paths)
    ).distinct()


def can_mark(user):
    """Training leads (and superusers) mark essays of the people in their scope."""
    return has_role(user, Role.TRAINING_LEAD)


def get_markable_answer_or_404(user, pk):
    """An answer of an attempt in the marker's scope, not their own (403 for someone who does not mark)."""
    require_role(user, Role.TRAINING_LEAD)
    try:
        answer = AttemptQuestion.objects.select_related("attempt__quiz", "attempt__user__profile").get(pk=pk)
    except (AttemptQuestion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if answer.attempt.user_id == user.pk or not attempts_visible_to(user).filter(pk=answer.attempt_id).exists():
        raise Http404
    return answer


def rules_visible_to(user):
    """The assignment rules of the regions ``user`` leads (every rule for a superuser)."""
    rules = AssignmentRule.objects.select_related("course", "region", "post", "created_by__profile",
                                                  "retired_by__profile")
    if user.is_superuser:
        return rules
    if not has_role(user, Role.TRAINING_LEAD):
        return rules.none()
    return rules.filter(region_id__in=covered_region_ids(user, Role.TRAINING_LEAD))


def get_rule_or_404(user, pk):
    """A rule of the lead's regions (403 for someone who is not a lead, 404 for a rule outside their regions)."""
    require_role(user, Role.TRAINING_LEAD)
    return get_in_scope_or_404(rules_visible_to(user), pk=pk)
