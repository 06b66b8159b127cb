"""The progress matrix: trainees against the requirements of a certification program.

One column per requirement of the program (each required course, its quizzes
counted inside the course cell, the signed-off ride-alongs, each required skill,
the culture checklist): the columns, states and texts are the requirements' own,
read from the kept progress rows. A page or the whole cohort takes a fixed number
of queries.

A page has hundreds of cells but few distinct ones (a course "Completed", "1/3 lessons, 0/2 quizzes"…):
each distinct (requirement, met, facts) is asked of its requirement and written as HTML once per build
(``Cells``), then reused with each person's link.
"""

import html
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from certificates import requirements
from certificates.requirements import DONE, PARTIAL, TODO
from progress.models import Progress

# The profile fields a row shows (the screen: name, number, mentor; the export adds the region and post).
PAGE_FIELDS = ("pk", "user_id", "name", "employee_no", "current_mentor_name")
EXPORT_FIELDS = (*PAGE_FIELDS, "region__name", "post__name")


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
    _html: tuple = ("", "")  # the cell's HTML before and after its (escaped) link

    def html(self):
        # The standard library's escape (what django.utils.html.escape calls) without its lazy-string wrapper: a page
        # writes hundreds of cells.
        return self._html[0] + html.escape(self.url) + self._html[1]


@dataclass
class Row:
    profile: object  # the profile's fields (``PAGE_FIELDS`` or ``EXPORT_FIELDS``) as attributes
    cells: list

    @property
    def met(self):
        return sum(1 for c in self.cells if c.state == DONE)

    def cells_html(self):
        """The row's cells written in Python: a page of 25 trainees has hundreds of cells, each a template
        render otherwise."""
        return mark_safe("".join(cell.html() for cell in self.cells))


class Cells:
    """Each requirement's state and text for one person's met keys and facts, asked of the requirement once per
    distinct (requirement, met, facts) and kept for the rest of the build with its HTML."""

    def __init__(self, reqs):
        self.reqs = reqs
        self.known = {}

    def of(self, met, facts_by_key):
        """``[(state, text, (html before the link, html after it))]`` for one person, one per requirement."""
        result = []
        for r in self.reqs:
            facts = facts_by_key.get(r.key) or {}
            key = (r.key, r.key in met, tuple(sorted(facts.items())))
            cell = self.known.get(key)
            if cell is None:
                (status,) = requirements.statuses([r], met, {r.key: facts})
                state, text = status.state, status.text
                before, after = format_html('<td class="cell-{}"><a href="', state), format_html(
                    '">{} <span class="small">{}</span></a></td>', SYMBOLS.get(state, "○"), text)
                cell = self.known[key] = (state, text, (str(before), str(after)))
            result.append(cell)
        return result


def build(profiles, program, progress=None):
    """``(columns, rows)`` for the given profiles (a page of the cohort, or all of it for exports): dicts of
    ``PAGE_FIELDS`` (or ``EXPORT_FIELDS``), e.g. a ``values()`` queryset, or ``StaffProfile`` objects.

    A column per requirement of the program (``certificates.requirements``); each cell
    is the requirement's own state and text, read from the person's kept progress row
    (``progress``). ``progress``: a queryset of the rows when the caller has one (an
    export passes the whole filtered cohort's as a subquery, not a list of ids).
    """
    profiles = [SimpleNamespace(**p) if isinstance(p, dict) else p for p in profiles]
    reqs = requirements.requirements_of(program)
    columns = [Column(r.key, str(r.column), r.kind) for r in reqs]
    if progress is None:
        progress = Progress.objects.filter(program=program, user_id__in=[p.user_id for p in profiles])
    kept = ({user_id: (met, facts) for user_id, met, facts in progress.values_list("user_id", "met", "facts")}
            if profiles else {})
    cells = Cells(reqs)
    anchors = ["#courses" if r.kind == "course" else "#mentorship" for r in reqs]
    rows = []
    for profile in profiles:
        met, facts = kept.get(profile.user_id, ((), {}))
        url = reverse("person", args=[profile.pk])
        rows.append(Row(profile, [Cell(state, text, url + anchor, html) for (state, text, html), anchor in
                                  zip(cells.of(set(met), facts), anchors)]))
    return columns, rows


def table(columns, rows):
    """Headers and rows for the spreadsheet export: exactly the cells of the screen."""
    headers = [_("Employee number"), pgettext("person", "Name"), _("Region"), _("Post"), _("Mentor")] + [c.label for c in columns]
    body = (
        [r.profile.employee_no, r.profile.name, r.profile.region__name or "", r.profile.post__name or "",
         r.profile.current_mentor_name or ""]
        + [c.text for c in r.cells]
        for r in rows
    )
    return headers, body
