"""The progress matrix: trainees against the requirements of a certification program.

One column per requirement of the program (each required course, its quizzes
counted inside the course cell, the signed-off ride-alongs, each required skill,
the culture checklist): the columns, states and texts are the requirements' own,
read from the kept progress rows. A page or the whole cohort takes a fixed number
of queries.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from certificates import requirements
from certificates.requirements import DONE, PARTIAL, TODO
from progress.models import Progress


@dataclass
class Column:
    key: str
    label: str
    kind: str


SYMBOLS = {DONE: "✓", PARTIAL: "◐", TODO: "○"}


@dataclass
class Cell:
    state: str
    text: str
    url: str = ""

    def html(self):
        return format_html('<td class="cell-{}"><a href="{}">{} <span class="small">{}</span></a></td>',
                           self.state, self.url, SYMBOLS.get(self.state, "○"), self.text)


@dataclass
class Row:
    profile: object
    cells: list

    @property
    def met(self):
        return sum(1 for c in self.cells if c.state == DONE)

    def cells_html(self):
        """The row's cells written in Python: a page of 25 trainees has hundreds of cells, each a template
        render otherwise."""
        return mark_safe("".join(cell.html() for cell in self.cells))


def build(profiles, program, progress=None):
    """``(columns, rows)`` for the given profiles (a page of the cohort, or all of it for exports).

    A column per requirement of the program (``certificates.requirements``); each cell
    is the requirement's own state and text, read from the person's kept progress row
    (``progress``). ``progress``: a queryset of the rows when the caller has one (an
    export passes the whole filtered cohort's as a subquery, not a list of ids).
    """
    profiles = list(profiles)
    reqs = requirements.requirements_of(program)
    columns = [Column(r.key, str(r.column), r.kind) for r in reqs]
    if progress is None:
        progress = Progress.objects.filter(program=program, user_id__in=[p.user_id for p in profiles])
    kept = {row.user_id: row for row in progress.only("user_id", "met", "facts")} if profiles else {}
    rows = []
    for profile in profiles:
        row = kept.get(profile.user_id)
        met, facts = (set(row.met), row.facts) if row else (set(), {})
        url = reverse("person", args=[profile.pk])
        cells = []
        for status in requirements.statuses(reqs, met, facts):
            anchor = "#courses" if status.kind == "course" else "#mentorship"
            cells.append(Cell(status.state, status.text, url + anchor))
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
