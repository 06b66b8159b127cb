"""Directory login: LDAP / Active Directory through django-auth-ldap, when ``LDAP_SERVER_URI`` is set.

A person logs in with their directory login (or employee number) and directory password. The directory entry's
employee number names the account: the roster's account with that 工号 when there is one (its role, region and post
stay as the roster says; the directory only refreshes name and e-mail), otherwise a new account with a bare staff
profile that the next roster import completes. An entry without an employee number cannot log in.

Failed directory logins count toward the account's lockout like any other (``lms.backends.lockout_key`` asks
``employee_number_for`` when the typed login names no local account).
"""

import ldap
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_auth_ldap.backend import LDAPBackend

from .backends import load_user, normalise_identifier


def _first(attrs, name):
    values = attrs.get(name) or []
    return values[0].strip() if values and values[0].strip() else ""


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap, matching directory entries to accounts by employee number."""

    def get_user(self, user_id):
        return load_user(user_id)

    def get_or_build_user(self, username, ldap_user):
        from django.contrib.auth import get_user_model

        employee_no = _first(ldap_user.attrs, settings.LMS_LDAP_EMPLOYEE_NUMBER_ATTR)
        if not employee_no:
            raise PermissionDenied("directory entry without an employee number")
        User = get_user_model()
        user = User.objects.filter(profile__employee_no=employee_no).first()
        if user is not None:
            return user, False
        # Not in the roster yet: an account named like the roster's (the employee number), completed by the roster.
        return User(username=employee_no), True

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is not None and not hasattr(user, "profile"):
            from .models import StaffProfile

            attrs = ldap_user.attrs
            employee_no = _first(attrs, settings.LMS_LDAP_EMPLOYEE_NUMBER_ATTR)
            name = _first(attrs, settings.LMS_LDAP_NAME_ATTR) or _first(attrs, "cn") or employee_no
            with transaction.atomic():
                StaffProfile.objects.get_or_create(user=user, defaults={"employee_no": employee_no, "name": name})
        return user


def employee_number_for(identifier):
    """The employee number of the directory entry a login names ('' when none, or no directory is configured).

    Read with the service account's bind, remembered for five minutes in the shared cache.
    """
    if not getattr(settings, "AUTH_LDAP_SERVER_URI", ""):
        return ""
    login = normalise_identifier(identifier)
    if not login:
        return ""
    key = f"directory:employee-no:{login}"
    found = cache.get(key)
    if found is None:
        found = _search_employee_number(login)
        cache.set(key, found, timeout=300)
    return found


def _search_employee_number(login):
    try:
        connection = ldap.initialize(settings.AUTH_LDAP_SERVER_URI)
        for option, value in settings.AUTH_LDAP_CONNECTION_OPTIONS.items():
            connection.set_option(option, value)
        if settings.AUTH_LDAP_START_TLS:
            connection.start_tls_s()
        connection.simple_bind_s(settings.AUTH_LDAP_BIND_DN, settings.AUTH_LDAP_BIND_PASSWORD)
        results = settings.AUTH_LDAP_USER_SEARCH.execute(connection, {"user": login})
    except ldap.LDAPError:
        return ""
    if len(results) != 1:
        return ""
    return _first(results[0][1], settings.LMS_LDAP_EMPLOYEE_NUMBER_ATTR)
