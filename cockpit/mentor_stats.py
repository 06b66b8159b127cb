"""The mentor view for the training lead: what each mentor has done under the regulation.

Counts come from the mentorship records with one grouped query per kind, so the
page costs the same for 5 mentors as for 500.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from lms.access import visible_profiles
from lms.roles import Role
from mentorship.models import AccountabilityRecord, Guidance, MentorAssessment, MentorAssignment, Question, RideAlong

# (key, label, model, mentor field, extra filter)
COUNTS = [
    ("trips_led", _("Trips led"), RideAlong, "mentor", Q()),
    ("signed_off", _("Sign-offs"), RideAlong, "mentor", Q(state=RideAlong.State.SIGNED_OFF)),
    ("guidance", _("Guidance logged"), Guidance, "mentor", Q()),
    ("questions_open", _("Open questions owned"), Question, "owner", ~Q(status=Question.Status.ACCEPTED)),
    ("accountability", _("Accountability records"), AccountabilityRecord, "person", Q()),
    ("assessments", _("Assessments received (M13)"), MentorAssessment, "mentor", Q()),
]
COLUMNS = [(_("Current trainees"), "trainees")] + [(label, key) for key, label, *_rest in COUNTS]


@dataclass
class MentorRow:
    profile: object
    values: dict = field(default_factory=dict)

    def cells(self):
        return [self.values.get(key, 0) for _label, key in COLUMNS]


def mentors_in_scope(user):
    return (
        visible_profiles(user)
        .filter(user__role_assignments__role=Role.MENTOR)
        .exclude(user=user)
        .distinct()
        .order_by("employee_no")
    )


def for_mentors(profiles):
    profiles = list(profiles)
    user_ids = [p.user_id for p in profiles]
    rows = {p.user_id: MentorRow(p) for p in profiles}
    current = (
        MentorAssignment.objects.current().filter(mentor_id__in=user_ids)
        .values("mentor_id").annotate(n=Count("id"))
    )
    for r in current:
        rows[r["mentor_id"]].values["trainees"] = r["n"]
    for key, _label, model, mentor_field, extra in COUNTS:
        grouped = (
            model.objects.filter(extra, **{f"{mentor_field}_id__in": user_ids})
            .values(f"{mentor_field}_id").annotate(n=Count("id"))
        )
        for r in grouped:
            rows[r[f"{mentor_field}_id"]].values[key] = r["n"]
    return [rows[p.user_id] for p in profiles]


def trainees_of(mentor):
    return (
        MentorAssignment.objects.filter(mentor=mentor)
        .select_related("trainee__profile")
        .order_by("-start_date")
    )
