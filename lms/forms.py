from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Login by username or employee number, with Chinese labels and errors."""

    username = forms.CharField(
        label=_("Username or employee number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    error_messages = {
        "invalid_login": _("The username/employee number or password is wrong. Please try again."),
        "inactive": _("This account has been disabled. Please contact your training lead."),
    }


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or employee number"), required=False, max_length=64)
