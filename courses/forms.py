from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from lms.forms import IdChoiceField


class MarkForm(forms.Form):
    correct = forms.TypedChoiceField(
        label=_("Verdict"),
        choices=[("1", _("Correct")), ("0", _("Incorrect"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose correct or incorrect.")},
    )
    comment = forms.CharField(label=pgettext_lazy("marking", "Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RoundGrantForm(forms.Form):
    reason = forms.CharField(
        label=_("Why a new round"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with your name and the time; the learner sees it."),
        error_messages={"required": _("Say why the learner gets a new round.")},
    )


class QuestionAdminForm(WagtailAdminModelForm):
    """The question form of the admin: options must fit the type (one correct for single choice…)."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("options")
        if formset is None or not formset.is_valid():
            return cleaned
        rows = [
            (f.cleaned_data.get("text", ""), bool(f.cleaned_data.get("correct")))
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        from .models import Question

        problems = Question.option_problems(cleaned.get("type"), rows)
        if problems:
            raise forms.ValidationError(problems)
        return cleaned


class AssignmentRuleForm(forms.Form):
    """A training lead's assignment rule: which course the new hires of a region (and post) get.

    The regions offered are the lead's own (``regions``); the service checks them again.
    """

    course = IdChoiceField(label=_("Course"), queryset=None, empty_label=_("Choose a course"))
    region = IdChoiceField(label=_("Region"), queryset=None, empty_label=_("Choose a region"),
                                    help_text=_("New hires of this region and of the regions below it."))
    post = IdChoiceField(label=_("Post"), queryset=None, required=False, empty_label=_("Every post"))
    due_days = forms.IntegerField(label=_("Days to complete"), required=False, min_value=1, max_value=730,
                                  help_text=_("Counted from the start date (or from today for someone who started "
                                              "earlier); leave empty for no due date."))

    def __init__(self, *args, regions, **kwargs):
        from lms.models import Post

        from .models import CoursePage

        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        self.fields["region"].queryset = regions.order_by("code")
        self.fields["post"].queryset = Post.objects.order_by("code")
