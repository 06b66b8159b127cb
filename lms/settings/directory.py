"""Directory login settings (AUTH_LDAP_* for django-auth-ldap) from the environment; see lms.directory."""

import ldap
from django.core.exceptions import ImproperlyConfigured
from django_auth_ldap.config import LDAPSearch

DIRECTORY_BACKEND = "lms.directory.DirectoryBackend"


def directory_settings(env):
    """The AUTH_LDAP_* settings from the environment ({} when no directory is configured)."""
    uri = env.get("LDAP_SERVER_URI", "").strip()
    if not uri:
        return {}
    base = env.get("LDAP_USER_BASE_DN", "").strip()
    if not base:
        raise ImproperlyConfigured("LDAP_USER_BASE_DN must be set with LDAP_SERVER_URI.")
    employee_attr = env.get("LDAP_EMPLOYEE_NUMBER_ATTR", "employeeNumber")
    user_filter = env.get("LDAP_USER_FILTER", f"(|(uid=%(user)s)({employee_attr}=%(user)s))")
    return {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env.get("LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": env.get("LDAP_START_TLS", "false").strip().lower() in ("1", "true", "yes", "on"),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(base, ldap.SCOPE_SUBTREE, user_filter),
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": env.get("LDAP_FIRST_NAME_ATTR", "givenName"),
                                    "last_name": env.get("LDAP_LAST_NAME_ATTR", "sn"),
                                    "email": env.get("LDAP_EMAIL_ATTR", "mail")},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        # Active Directory answers with referrals the client must not chase; fail fast when the server is away.
        "AUTH_LDAP_CONNECTION_OPTIONS": {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: 5, ldap.OPT_TIMEOUT: 10},
        "LMS_LDAP_EMPLOYEE_NUMBER_ATTR": employee_attr,
        "LMS_LDAP_NAME_ATTR": env.get("LDAP_NAME_ATTR", "displayName"),
    }
