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


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("An .xlsx or .csv file with the template's columns, at most 5 MB."),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Unsupported file type: upload an .xlsx or .csv file."))
        return upload


class IdChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` over integer ids that refuses a value no database integer can hold as an invalid
    choice (Django looks up a related id such as a page's ``page_ptr`` as given, and SQLite raises
    ``OverflowError`` on a number past 64 bits)."""

    def to_python(self, value):
        if value not in self.empty_values:
            text = str(value).strip()
            if not text.isascii() or not text.isdigit() or int(text) > 2**63 - 1:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
