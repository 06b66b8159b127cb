from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Program


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
    field_order = ["program", "reason"]
