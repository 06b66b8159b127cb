"""M5: reports of violations, routed to the managers the rule names."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lms.models import holders_of
from lms.roles import Role

from .. import notifications
from ..access import _profile, post_heads_of
from ..models import ConductReport


def conduct_report_route(subject):
    """M5: whom a report about ``subject`` goes to, and in which direction.

    About a trainee: the training supervisor, the (supervising) regional
    manager and the prospective post head. About a regular employee: their
    superiors, the regional manager and the regional head of their region.
    """
    profile = _profile(subject)
    region = profile.region if profile else None
    if profile is not None and not profile.is_regular:
        direction = ConductReport.Direction.ABOUT_TRAINEE
        users = set()
        if region:
            users |= set(holders_of(Role.TRAINING_SUPERVISOR, region=region))
            users |= set(holders_of(Role.REGIONAL_MANAGER, region=region))
        users |= set(post_heads_of(subject))
    else:
        direction = ConductReport.Direction.ABOUT_REGULAR
        users = set()
        if region:
            users |= set(holders_of(Role.REGIONAL_MANAGER, region=region))
            users |= set(holders_of(Role.REGIONAL_HEAD, region=region))
    users.discard(subject)
    return direction, users


@transaction.atomic
def file_conduct_report(*, reporter, subject, occurred_on, description):
    """M5: report a violation; it is routed to the managers the rule names."""
    if reporter.pk == subject.pk:
        raise ValidationError(_("You cannot report yourself."))
    if not description.strip():
        raise ValidationError(_("Describe what happened."))
    direction, recipients = conduct_report_route(subject)
    recipients.discard(reporter)
    if not recipients:
        raise ValidationError(_("No manager to receive this report was found in the organisation data."))
    report = ConductReport.objects.create(
        reporter=reporter, subject=subject, direction=direction, occurred_on=occurred_on,
        description=description.strip(),
    )
    report.recipients.set(recipients)
    transaction.on_commit(lambda: notifications.conduct_reported(report))
    return report
