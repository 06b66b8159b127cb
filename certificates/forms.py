from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BulkRun, Program


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason.")},
    )


class IssueForm(ReasonForm):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.filter(active=True),
        error_messages={"required": _("Choose a program.")},
    )
    override = forms.BooleanField(
        label=_("Issue anyway as an override (经特批豁免): the unmet requirements listed above are waived"),
        required=False,
        help_text=_("Recorded with your name, the time and the reason; the certificate and its verification page "
                    "say what was waived."),
    )
    field_order = ["program", "reason", "override"]


class VerifyLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "placeholder": "XXXX-XXXX-XXXX-XXXX", "inputmode": "text"}),
        help_text=_("The 16 characters printed under 核验码 on the certificate; dashes and spaces are optional."),
        error_messages={"required": _("Enter the verification code.")},
    )


class BulkRunForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.all(),
                                     error_messages={"required": _("Choose a program.")})
    kind = forms.ChoiceField(label=_("What to do"), choices=BulkRun.Kind.choices, widget=forms.RadioSelect,
                             initial=BulkRun.Kind.ISSUE)
    reason = forms.CharField(label=_("Reason (required for a re-issue)"), max_length=255, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
