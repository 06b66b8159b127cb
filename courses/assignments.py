"""Assignment rules (``AssignmentRule``): a training lead says once which courses the new hires of a region and post
get, and every new hire it reaches gets them — those there when the rule is added, and each one a roster import
creates or moves into it later.

Write operations are keyword-only and atomic; a lead acts only within their regions (``PermissionDenied``
otherwise, and the views answer 404 for a rule outside them).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import batching
from lms.access import covers_region
from lms.models import Region, RoleAssignment, StaffProfile
from lms.roles import Role
from lms.signals import staff_imported

from .models import AssignmentRule, CourseAssignment


def _new_hires():
    """A ``Q`` over ``StaffProfile``: a new hire (新员工) holds the trainee role or is still on probation."""
    return Q(Exists(RoleAssignment.objects.filter(user=OuterRef("user"), role=Role.TRAINEE))) | Q(
        status=StaffProfile.Status.PROBATION)


def people_reached(rule, *, tree=None):
    """The new hires ``rule`` reaches now: of its region or one below it, of its post when it names one."""
    regions = Region.below(tree if tree is not None else Region.tree(), [rule.region_id])
    people = StaffProfile.objects.filter(_new_hires(), region_id__in=regions, user__is_active=True)
    return people.filter(post_id=rule.post_id) if rule.post_id else people


def _assign(rule, profiles, *, by):
    """Give each of ``profiles`` the rule's course, unless they already have it assigned to them personally."""
    today = timezone.localdate()
    have = set(CourseAssignment.objects.filter(course_id=rule.course_id, user_id__in=[p.user_id for p in profiles])
               .values_list("user_id", flat=True))
    created = []
    # One by one (not bulk_create): the progress records follow each assignment as it is saved, refreshed once for
    # everyone at the end of the block.
    with batching.collecting():
        for profile in profiles:
            if profile.user_id in have:
                continue
            created.append(CourseAssignment.objects.create(
                course_id=rule.course_id, user_id=profile.user_id, rule=rule, assigned_by=by,
                due_date=rule.due_date_for(profile.hire_date, today),
                reason=_("Assignment rule: %(region)s · %(post)s") % {"region": rule.region,
                                                                       "post": rule.post or _("every post")},
            ))
    return created


@transaction.atomic
def add_assignment_rule(*, by, course, region, post=None, due_days=None):
    """Add a rule in ``by``'s regions and apply it at once to the new hires it reaches. Returns
    ``(rule, assignments made)``."""
    if not covers_region(by, Role.TRAINING_LEAD, region):
        raise PermissionDenied
    if not course.live:
        raise ValidationError(_("This course is not published."))
    if AssignmentRule.objects.filter(course=course, region=region, post=post, retired_at__isnull=True).exists():
        raise ValidationError(_("The same rule already exists."))
    rule = AssignmentRule(course=course, region=region, post=post, due_days=due_days, created_by=by)
    rule.full_clean(validate_constraints=False)
    rule.save()
    return rule, _assign(rule, list(people_reached(rule)), by=by)


@transaction.atomic
def retire_assignment_rule(*, by, rule):
    """Stop a rule reaching new people; the assignments it made stay."""
    if not covers_region(by, Role.TRAINING_LEAD, rule.region):
        raise PermissionDenied
    if rule.retired_at is not None:
        raise ValidationError(_("This rule was already retired."))
    rule.retired_at, rule.retired_by = timezone.now(), by
    rule.save(update_fields=["retired_at", "retired_by"])
    return rule


@transaction.atomic
def apply_rules_to(users, *, by=None):
    """Apply every active rule to ``users`` (e.g. the people a roster import created or moved): each gets the
    courses of the rules that reach them now. Returns the assignments made."""
    ids = [u.pk for u in users]
    profiles = list(StaffProfile.objects.filter(_new_hires(), user_id__in=ids, user__is_active=True))
    if not profiles:
        return []
    tree = Region.tree()
    created = []
    for rule in AssignmentRule.objects.filter(retired_at__isnull=True):
        regions = Region.below(tree, [rule.region_id])
        reached = [p for p in profiles if p.region_id in regions and (rule.post_id is None or p.post_id == rule.post_id)]
        if reached:
            created += _assign(rule, reached, by=by)
    return created


@receiver(staff_imported, dispatch_uid="courses.assignment_rules")
def on_staff_imported(sender, users, by=None, **kwargs):
    """A roster import created or changed people: the rules that reach them now apply (in the import's
    transaction)."""
    apply_rules_to(users, by=by)
