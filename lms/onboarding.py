"""Getting people into their accounts: a training lead invites the people of their regions who have no password yet
(imported from the roster) by e-mail, with a one-time link to set one.

The link carries a token of ``invitation_tokens``: Django's password-reset token machinery with its own salt, so an
invitation and a 忘记密码 link cannot stand in for each other. The token is bound to the account's password, so it
works once (setting the password retires it) and for ``settings.PASSWORD_RESET_TIMEOUT`` seconds at most, and to the
latest invitation, so sending a new one retires the earlier links.

Write operations are keyword-only and atomic; a lead acts only within their regions (``PermissionDenied``
otherwise; the views fetch people through ``invitable_people`` and answer 404 outside it).
"""

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .access import covered_region_ids, has_role
from .models import Invitation, StaffProfile
from .roles import Role


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Bound also to the latest invitation sent to the account: sending a new invitation retires the links of the
    earlier ones (a lead who re-sends to a corrected address does not leave a live link at the old one)."""

    key_salt = "lms.onboarding.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        latest = Invitation.objects.filter(user=user).order_by("-sent_at", "-pk").values_list("pk", flat=True).first()
        return f"{super()._make_hash_value(user, timestamp)}{latest or ''}"


invitation_tokens = InvitationTokenGenerator()


def directory_login():
    """Whether staff log in with their directory account (``LDAP_SERVER_URI`` set, see ``lms.directory``): then
    their password lives in the directory, nobody is invited to set one here, and "not in yet" means "has never
    logged in"."""
    return bool(getattr(settings, "AUTH_LDAP_SERVER_URI", ""))


def not_activated():
    """A ``Q`` over ``StaffProfile``: an active account nobody has got into yet: without a password here, or, with
    directory login, never logged in (a roster account keeps no local password after its directory login)."""
    if directory_login():
        return Q(user__is_active=True, user__last_login__isnull=True)
    return Q(user__is_active=True, user__password__startswith=UNUSABLE_PASSWORD_PREFIX)


def lead_scope(user):
    """A ``Q`` over ``StaffProfile``: the people ``user`` looks after as a training lead (everyone for a superuser,
    nobody without the role)."""
    if user.is_superuser:
        return Q()
    if not has_role(user, Role.TRAINING_LEAD):
        return Q(pk__in=[])
    return Q(region_id__in=covered_region_ids(user, Role.TRAINING_LEAD))


def invitable_people(user):
    """The people of ``user``'s regions still waiting to get into their account, with the last invitation sent to
    each (``last_invited``), longest waiting first. With directory login: who has not logged in yet (nobody needs an
    invitation; the list tells the lead whom to remind)."""
    last = Invitation.objects.filter(user=OuterRef("user")).order_by("-sent_at").values("sent_at")[:1]
    return (StaffProfile.objects.filter(lead_scope(user), not_activated())
            .select_related("user", "region", "post").annotate(last_invited=Subquery(last))
            .order_by("region__code", "employee_no"))


def awaits_invitation(viewer, profile):
    """Whether ``viewer`` may invite ``profile`` now: a person of their regions who has no password yet (never with
    directory login)."""
    return (not directory_login() and not profile.user.has_usable_password() and profile.user.is_active
            and StaffProfile.objects.filter(lead_scope(viewer), pk=profile.pk).exists())


def _check(by, profile):
    if not StaffProfile.objects.filter(lead_scope(by), pk=profile.pk).exists():
        raise PermissionDenied
    if directory_login():
        raise ValidationError(_("Staff log in here with their directory account and its password: nobody needs an "
                                "invitation to set a password."))
    if not profile.user.is_active or profile.user.has_usable_password():
        raise ValidationError(_("%(name)s has already set a password.") % {"name": profile.name})
    if not profile.user.email:
        raise ValidationError(_("%(name)s has no e-mail address: add it in the roster's 邮箱 column and import "
                                "again.") % {"name": profile.name})


def invitation_link(user, *, base_url):
    """The absolute one-time set-password link for ``user``."""
    path = reverse("invitation_accept", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                                                "token": invitation_tokens.make_token(user)})
    return base_url.rstrip("/") + path


def _message(profile, *, by, base_url):
    context = {
        "profile": profile, "username": profile.user.get_username(), "inviter": getattr(by, "profile", None) or by,
        "link": invitation_link(profile.user, base_url=base_url),
        "login": base_url.rstrip("/") + reverse("login"),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400), "site_name": settings.LMS_ORGANISATION_NAME,
    }
    subject = " ".join(render_to_string("lms/email/invitation_subject.txt", context).split())
    body = render_to_string("lms/email/invitation.txt", context)
    return EmailMessage(subject, body, to=[profile.user.email])


@transaction.atomic
def send_invitations(*, by, profiles, base_url):
    """E-mail each of ``profiles`` (people of ``by``'s regions without a password, each with an e-mail address) a
    one-time link to set their password, and record the invitations. All or nothing: one person who cannot be
    invited refuses the whole batch, and a mail server that refuses the messages leaves no record."""
    profiles = list(profiles)
    if not profiles:
        raise ValidationError(_("Choose at least one person to invite."))
    problems = []
    for profile in profiles:
        try:
            _check(by, profile)
        except ValidationError as exc:
            problems += exc.messages
    if problems:
        raise ValidationError(problems)
    invitations = [Invitation.objects.create(user=p.user, email=p.user.email, sent_by=by) for p in profiles]
    # The links are made after the invitations are recorded: each is bound to its own (the newest) invitation.
    messages = [_message(p, by=by, base_url=base_url) for p in profiles]
    get_connection().send_messages(messages)
    return invitations
