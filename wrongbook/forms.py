"""The sign-off form with the trip's observation checklists (19.4)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.forms import SignOffForm

from .models import Observation, ObservationChecklist


class ObservedSignOffForm(SignOffForm):
    """M9's sign-off plus one three-way choice per checklist item, sent once (``key``) and kept in the browser
    until it is (``draft_key``: see static/lms/js/draft.js)."""

    key = forms.UUIDField(widget=forms.HiddenInput, required=False)  # a form sent without one is taken once too

    def __init__(self, *args, ride_along, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].initial = uuid.uuid4()
        self.draft_key = f"sign-off-{ride_along.pk}"
        self.observed = []
        for checklist in ObservationChecklist.for_ride_along(ride_along):
            for item in checklist.items.all():
                name = f"obs_{item.pk}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{checklist.name} · 【{item.clause_id}】{item.behaviour}", choices=Observation.Score.choices,
                    widget=forms.RadioSelect(attrs={"class": "score-choice"}),
                    error_messages={"required": _("Score this behaviour.")})
                self.observed.append((item, name))

    def scores(self):
        return {item: self.cleaned_data[name] for item, name in self.observed}
