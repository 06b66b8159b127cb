"""Forms of the 传帮带 screens. They only collect input; the rules live in services.py."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from lms.models import Post, Region
from lms.widgets import QuickSelect

from .models import ChecklistTopic, Guidance, MentorAssessment, QuestionReport, Skill, SkillAssessment
from .services import clean_focus_clauses, parse_cities

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WEAK_POINT_ROWS = 3
PLAN_ROWS = 3


class PersonChoiceField(forms.ModelChoiceField):
    """Users shown by their Chinese name and employee number."""

    def label_from_instance(self, obj):
        profile = getattr(obj, "profile", None)
        return str(profile) if profile else obj.get_username()


def people(queryset):
    return queryset.select_related("profile").order_by("profile__employee_no")


def active_skills():
    return Skill.objects.filter(active=True)


class RideAlongRequestForm(forms.Form):
    trainee = PersonChoiceField(label=_("Trainee"), queryset=get_user_model().objects.none())
    destination_region = forms.ModelChoiceField(label=_("Destination region"), queryset=Region.objects.all())
    cities = forms.CharField(label=_("Cities"), max_length=200,
                             help_text=_("Separate several cities with 、 or commas."))
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    skills = forms.ModelMultipleChoiceField(label=_("Service types and products"), queryset=Skill.objects.none(),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    focus_clauses = forms.CharField(
        label=_("Focus clauses"), required=False, max_length=200,
        help_text=_("Clause ids such as WIN-05、HALL-03: proposed from the trainee's wrong-answer book; confirm or "
                    "edit them."))

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].queryset = people(trainees)
        self.fields["skills"].queryset = active_skills()

    def clean_focus_clauses(self):
        return clean_focus_clauses(self.cleaned_data["focus_clauses"])

    def clean_cities(self):
        cities = parse_cities(self.cleaned_data["cities"])
        if not cities:
            raise forms.ValidationError(_("Name at least one city."))
        return cities

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The trip cannot end before it starts."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))],
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label=pgettext_lazy("approval", "Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Required when you reject."))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("comment", "").strip():
            self.add_error("comment", _("Give the reason for the rejection."))
        return data


class HappenedForm(forms.Form):
    """M6: record that the trip happened; before its last day, with the reason it finished early."""

    early_finish_reason = forms.CharField(
        label=_("Reason for finishing early"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, ride_along, **kwargs):
        super().__init__(*args, **kwargs)
        self.early = ride_along.finishes_early()
        field = self.fields["early_finish_reason"]
        if self.early:
            field.help_text = _("The trip is planned to end on %(date)s. Say why it finished earlier.") % {
                "date": ride_along.end_date}
            field.widget.attrs["required"] = True


class SignOffForm(forms.Form):
    """The phone-friendly sign-off (M9): a few fixed rows instead of a formset."""

    performance = forms.CharField(label=_("The trainee's performance"), widget=forms.Textarea(attrs={"rows": 4}))
    skills_covered = forms.ModelMultipleChoiceField(label=_("Skills the trip covered"), queryset=Skill.objects.none(),
                                                    required=False, widget=forms.CheckboxSelectMultiple)
    study_directions = forms.CharField(label=_("Directions for study"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills_covered"].queryset = active_skills()
        for n in range(1, WEAK_POINT_ROWS + 1):
            self.fields[f"weak_skill_{n}"] = forms.ModelChoiceField(
                label=_("Weak point %(n)s: skill") % {"n": n}, queryset=active_skills(), required=False)
            self.fields[f"weak_text_{n}"] = forms.CharField(
                label=_("Weak point %(n)s: description") % {"n": n}, required=False, max_length=500)
        for n in range(1, PLAN_ROWS + 1):
            self.fields[f"plan_text_{n}"] = forms.CharField(
                label=_("Learning plan %(n)s: what to learn") % {"n": n}, required=False, max_length=300)
            self.fields[f"plan_due_{n}"] = forms.DateField(
                label=_("Learning plan %(n)s: due date") % {"n": n}, required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        for n in range(1, PLAN_ROWS + 1):
            if data.get(f"plan_text_{n}", "").strip() and not data.get(f"plan_due_{n}"):
                self.add_error(f"plan_due_{n}", _("Every learning-plan item needs a due date."))
        for n in range(1, WEAK_POINT_ROWS + 1):
            if data.get(f"weak_skill_{n}") and not data.get(f"weak_text_{n}", "").strip():
                self.add_error(f"weak_text_{n}", _("Describe the weak point."))
        return data

    def weak_points(self):
        d = self.cleaned_data
        return [(d.get(f"weak_skill_{n}"), d[f"weak_text_{n}"]) for n in range(1, WEAK_POINT_ROWS + 1)
                if d.get(f"weak_text_{n}", "").strip()]

    def plan_items(self):
        d = self.cleaned_data
        return [(d[f"plan_text_{n}"], d[f"plan_due_{n}"]) for n in range(1, PLAN_ROWS + 1)
                if d.get(f"plan_text_{n}", "").strip()]


class ConfirmForm(forms.Form):
    comment = forms.CharField(label=_("Your comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AmendmentForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the amendment"), max_length=300)
    correction = forms.CharField(label=_("Correction"), widget=forms.Textarea(attrs={"rows": 4}))


class ExpenseForm(forms.Form):
    filed = forms.BooleanField(label=_("The trainee filed expenses for this trip"), required=False)
    guided = forms.BooleanField(label=_("I guided the filing"), required=False)
    total_yuan = forms.DecimalField(label=_("Total claim (yuan)"), required=False, min_value=0, max_digits=10,
                                    decimal_places=2)

    def clean(self):
        data = super().clean()
        if data.get("filed") and data.get("total_yuan") is None:
            self.add_error("total_yuan", _("Give the total claim."))
        return data


class FilingProblemForm(forms.Form):
    description = forms.CharField(label=_("Problem in the filing"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignMentorForm(forms.Form):
    trainee = PersonChoiceField(label=_("Trainee"), queryset=get_user_model().objects.none())
    mentor = PersonChoiceField(label=_("Mentor"), queryset=get_user_model().objects.none())
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, trainees, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].queryset = people(trainees)
        self.fields["mentor"].queryset = people(mentors)


class SkillAssessmentForm(forms.Form):
    trainee = PersonChoiceField(label=_("Trainee"), queryset=get_user_model().objects.none())
    skill = forms.ModelChoiceField(label=_("Skill"), queryset=Skill.objects.none())
    result = forms.ChoiceField(label=_("Result"), choices=SkillAssessment.Result.choices, widget=forms.RadioSelect)
    score = forms.IntegerField(label=_("Score"), required=False, min_value=0, max_value=100)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].queryset = people(trainees)
        self.fields["skill"].queryset = active_skills()


class MentorAssessmentForm(forms.Form):
    mentor = PersonChoiceField(label=_("Mentor"), queryset=get_user_model().objects.none())
    result = forms.ChoiceField(label=_("Result"), choices=MentorAssessment.Result.choices, widget=forms.RadioSelect)
    score = forms.IntegerField(label=_("Score"), required=False, min_value=0, max_value=100)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = people(mentors)


class AskForm(forms.Form):
    """M4: the trainee asks a regular colleague, by default their mentor (the people who answer)."""

    owner = PersonChoiceField(label=_("Whom you ask"), queryset=get_user_model().objects.none(), widget=QuickSelect,
                              help_text=_("The first person you ask owns the question until you accept an answer."))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=pgettext_lazy("trainee question", "Question"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people(colleagues)


class AnswerForm(forms.Form):
    body = forms.CharField(label=pgettext_lazy("trainee question", "Answer"), widget=forms.Textarea(attrs={"rows": 4}))


class EscalateForm(forms.Form):
    to = PersonChoiceField(label=_("Ask for help"), queryset=get_user_model().objects.none(),
                           help_text=_("A superior or an experienced colleague. You stay the owner."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = people(colleagues)


class QuestionReportForm(forms.Form):
    against = PersonChoiceField(label=_("About whom"), queryset=get_user_model().objects.none())
    kind = forms.ChoiceField(label=_("What happened"), choices=QuestionReport.Kind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, involved, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["against"].queryset = people(involved)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("confirm", _("Confirm")), ("dismiss", _("Dismiss"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GuidanceForm(forms.Form):
    trainee = PersonChoiceField(label=_("Trainee"), queryset=get_user_model().objects.none())
    mode = forms.ChoiceField(label=_("Mode"), choices=Guidance.Mode.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=1440)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].queryset = people(trainees)


class ChecklistTopicForm(forms.ModelForm):
    class Meta:
        model = ChecklistTopic
        fields = ["section", "title", "order", "active"]


class ConductReportForm(forms.Form):
    subject = PersonChoiceField(label=_("About whom"), queryset=get_user_model().objects.none())
    occurred_on = forms.DateField(label=_("Date of the incident"), widget=DATE)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = people(colleagues)


class CareCheckInForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    work = forms.CharField(label=_("At work"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    life = forms.CharField(label=_("In life"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    study = forms.CharField(label=_("In study"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    help_given = forms.CharField(label=_("Help given"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if not any(data.get(f, "").strip() for f in ("work", "life", "study", "help_given")):
            raise forms.ValidationError(_("Write at least one observation."))
        return data


class HandoverForm(forms.Form):
    person = PersonChoiceField(label=_("Person changing region or post"), queryset=get_user_model().objects.none())
    to_region = forms.ModelChoiceField(label=_("New region"), queryset=Region.objects.all(), required=False)
    to_post = forms.ModelChoiceField(label=_("New post"), queryset=Post.objects.all(), required=False)
    handed_to = PersonChoiceField(label=_("Handed over to"), queryset=get_user_model().objects.none(),
                                  required=False)
    matters = forms.CharField(label=_("Technical matters handed over"), widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("Product or batch quality issues, software faults and their solutions."))

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people(colleagues)
        self.fields["handed_to"].queryset = people(colleagues)

    def clean(self):
        data = super().clean()
        if not data.get("to_region") and not data.get("to_post"):
            raise forms.ValidationError(_("Name the new region or the new post."))
        return data
