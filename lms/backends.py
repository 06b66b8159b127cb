"""Login: by username or employee number (工号), throttled per account.

``find_account`` is THE resolution of what a person typed into the login form to the account it names; the login
backend and django-axes' lockout key (``lockout_key``) both use it, so "li.ming", " LI.MING ", and her employee
number count against one lockout counter.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils.dateparse import parse_datetime

from .counting import JSONList

# Almost every page reads the signed-in person's profile, region (with the regions above it, for assignments and
# scopes) and post: load them with the user, in the one query every authenticated request makes anyway.
USER_JOINS = ("profile__post", "profile__region__parent__parent__parent")


def normalise_identifier(identifier):
    """What was typed, trimmed and case-folded ('' for nothing)."""
    return (identifier or "").strip().casefold()


def find_account(identifier):
    """The account a typed username or employee number names, or None.

    An exact match wins (usernames are case-sensitive in Django, so 'Li' and 'li' may both exist); otherwise a
    case-insensitive match, when it names exactly one account.
    """
    login = (identifier or "").strip()
    if not login:
        return None
    User = get_user_model()
    for lookup in ({"username": login}, {"profile__employee_no": login},
                   {"username__iexact": login}, {"profile__employee_no__iexact": login}):
        found = list(User.objects.filter(**lookup)[:2])
        if len(found) == 1:
            return found[0]
    return None


# The role assignments come along too, as a JSON list, for the role checks and scopes (``lms.access.role_assignments``).
ROLE_COLUMNS = ("pk", "role", "region_id", "post_id", "created_at")


def load_user(user_id):
    """The signed-in user with what every page reads (``USER_JOINS`` and the role assignments); None when gone or
    disabled."""
    from .models import RoleAssignment

    roles = RoleAssignment.objects.filter(user_id=OuterRef("pk")).order_by().annotate(
        j=JSONList(JSONObject(**{name: name for name in ROLE_COLUMNS}))).values("j")
    user = (get_user_model()._default_manager.select_related(*USER_JOINS)
            .annotate(lms_role_list=Subquery(roles, output_field=JSONField())).filter(pk=user_id).first())
    if user is None or not user.is_active:
        return None
    user._lms_assignments = sorted((_assignment(user, row) for row in user.lms_role_list or []), key=lambda a: a.pk)
    del user.lms_role_list
    return user


def _assignment(user, row):
    """A ``RoleAssignment`` of ``user`` from its JSON row (its time as text: an aware datetime again)."""
    from .models import RoleAssignment

    created_at = parse_datetime(row.pop("created_at"))
    if created_at.tzinfo is None:  # SQLite keeps UTC without an offset
        created_at = created_at.replace(tzinfo=datetime.UTC)
    return RoleAssignment(user_id=user.pk, created_at=created_at, **row)


def lockout_key(request, credentials=None):
    """django-axes' ``AXES_USERNAME_CALLABLE``: failures count against the account, however it was named.

    A directory login (``lms.directory``) that names no local account is resolved through the directory entry's
    employee number. An identifier that names no account is counted under its normalised form, so guessing at a
    name that does not exist is throttled too (and cannot be told apart from a real account by its lockout).
    """
    if credentials:
        identifier = credentials.get("username")
    else:
        identifier = getattr(request, "POST", {}).get("username")
    account = find_account(identifier)
    if account is None:
        from .directory import employee_number_for

        employee_no = employee_number_for(identifier)
        account = find_account(employee_no) if employee_no else None
    if account is not None:
        return f"account:{account.pk}"
    return normalise_identifier(identifier) or None


class UsernameOrEmployeeNumberBackend(ModelBackend):
    """Log in with either the username or the employee number (工号)."""

    def get_user(self, user_id):
        return load_user(user_id)

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_account(username)
        if user is None:
            # Spend the same time as a real check so timing does not reveal accounts.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
