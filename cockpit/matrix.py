"""The progress matrix: trainees against the requirements of a certification program.

One column per requirement of the program (each required course, its quizzes
counted inside the course cell, the signed-off ride-alongs, each required skill,
the culture checklist): the columns, states and texts are the requirements' own.
The whole cohort is computed with a fixed number of queries.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _, pgettext

from certificates import requirements
from certificates.requirements import DONE


@dataclass
class Column:
    key: str
    label: str
    kind: str


@dataclass
class Cell:
    state: str
    text: str
    url: str = ""


@dataclass
class Row:
    profile: object
    cells: list

    @property
    def met(self):
        return sum(1 for c in self.cells if c.state == DONE)


def build(profiles, program):
    """``(columns, rows)`` for the given profiles (a page of the cohort, or all of it for exports).

    A column per requirement of the program (``certificates.requirements``); each cell
    is the requirement's own state and text for the person.
    """
    profiles = list(profiles)
    reqs = requirements.requirements_of(program)
    columns = [Column(r.key, str(r.column), r.kind) for r in reqs]
    user_ids = [p.user_id for p in profiles]
    met = requirements.met_pairs(reqs, user_ids) if user_ids and reqs else set()
    shared = {}
    facts = {r.key: r.facts(user_ids, shared) if user_ids else {} for r in reqs}
    rows = []
    for profile in profiles:
        uid = profile.user_id
        url = reverse("person", args=[profile.pk])
        cells = []
        for r in reqs:
            is_met = (r.key, uid) in met
            person_facts = {**r.empty_facts(), **facts[r.key].get(uid, {})}
            anchor = "#courses" if r.kind == "course" else "#mentorship"
            cells.append(Cell(r.state(is_met, person_facts), r.text(is_met, person_facts), url + anchor))
        rows.append(Row(profile, cells))
    return columns, rows


def table(columns, rows):
    """Headers and rows for the spreadsheet export: exactly the cells of the screen."""
    headers = [_("Employee number"), pgettext("person", "Name"), _("Region"), _("Post"), _("Mentor")] + [c.label for c in columns]
    body = (
        [r.profile.employee_no, r.profile.name, r.profile.region.name if r.profile.region else "",
         r.profile.post.name if r.profile.post else "", r.profile.current_mentor_name or ""]
        + [c.text for c in r.cells]
        for r in rows
    )
    return headers, body
