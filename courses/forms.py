from django import forms
from django.utils.translation import gettext_lazy as _


class MarkForm(forms.Form):
    correct = forms.TypedChoiceField(
        label=_("Verdict"),
        choices=[("1", _("Correct")), ("0", _("Incorrect"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose correct or incorrect.")},
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
