"""The progress matrix: trainees against the requirements of a certification program.

One column per requirement (each required course, its quizzes counted inside
the course cell, the signed-off ride-alongs, each required skill, the culture
checklist). The whole cohort is computed with a fixed number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from courses.models import Attempt, CourseCompletion, LessonPage, LessonRead, QuizPage

from . import evidence

DONE, PARTIAL, TODO = "done", "partial", "todo"


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


def program_columns(program, courses=None, skills=None):
    """The matrix's columns; ``courses`` and ``skills`` when the caller has already read them."""
    courses = required_courses(program) if courses is None else courses
    skills = evidence.required_skills(program) if skills is None else skills
    columns = [Column(f"course:{c.pk}", f"{c.code} {c.title}", "course") for c in courses]
    if program.min_ride_alongs:
        columns.append(Column("ride_alongs", _("Ride-alongs"), "ride_alongs"))
    for skill in skills:
        columns.append(Column(f"skill:{skill.pk}", _("Skill: %(skill)s") % {"skill": skill}, "skill"))
    if program.checklist_required:
        columns.append(Column("checklist", _("Culture checklist"), "checklist"))
    return columns


def required_courses(program):
    """The program's courses in tree order, with only the fields the cockpit shows (no StreamField bodies)."""
    return list(program.required_courses.order_by("path").only("pk", "path", "depth", "title", "code"))


def course_children(model, courses, *fields):
    """Live, direct children of ``model`` under the given course pages (with ``fields`` too), in one query."""
    if not courses:
        return []
    query = Q()
    for course in courses:
        query |= Q(path__startswith=course.path, depth=course.depth + 1)
    return list(model.objects.live().filter(query).only("pk", "path", "depth", "title", *fields))


def _course_of(pages, courses):
    by_path = {c.path: c.pk for c in courses}
    return {p.pk: by_path[p.path[: -p.steplen]] for p in pages}


def build(profiles, program):
    """``(columns, rows)`` for the given profiles (a page of the cohort, or all of it for exports)."""
    profiles = list(profiles)
    courses = required_courses(program)
    skills = evidence.required_skills(program)
    columns = program_columns(program, courses, skills)
    user_ids = [p.user_id for p in profiles]
    lessons = _course_of(course_children(LessonPage, courses), courses)
    quiz_pages = course_children(QuizPage, courses, "practice")
    quizzes = _course_of(quiz_pages, courses)
    counted_quizzes = {q.pk for q in quiz_pages if not q.practice}
    lesson_total = defaultdict(int)
    for course_id in lessons.values():
        lesson_total[course_id] += 1
    quiz_total = defaultdict(int)
    for quiz_id in counted_quizzes:
        quiz_total[quizzes[quiz_id]] += 1

    completed = set(
        CourseCompletion.objects.filter(user_id__in=user_ids, course__in=courses).values_list("user_id", "course_id")
    ) if courses and user_ids else set()
    read = defaultdict(int)
    if lessons and user_ids:
        for user_id, lesson_id in LessonRead.objects.filter(user_id__in=user_ids, lesson_id__in=lessons.keys()) \
                .values_list("user_id", "lesson_id"):
            read[(user_id, lessons[lesson_id])] += 1
    passed = defaultdict(int)
    awaiting = set()  # (user, course): an attempt at a counted quiz waits for marking (待评阅)
    if counted_quizzes and user_ids:
        pairs = Attempt.objects.filter(user_id__in=user_ids, quiz_id__in=counted_quizzes) \
            .filter(Q(passed=True) | Q(state=Attempt.State.AWAITING_MARKING)) \
            .values_list("user_id", "quiz_id", "passed").distinct()
        for user_id, quiz_id, did_pass in pairs:
            if did_pass:
                passed[(user_id, quizzes[quiz_id])] += 1
            else:
                awaiting.add((user_id, quizzes[quiz_id]))
    facts = evidence.bulk(user_ids, program, skills=skills)

    rows = []
    for profile in profiles:
        uid = profile.user_id
        url = reverse("person", args=[profile.pk])
        cells = []
        for column in columns:
            if column.kind == "course":
                course_id = int(column.key.split(":")[1])
                if (uid, course_id) in completed:
                    cells.append(Cell(DONE, _("Completed"), url + "#courses"))
                    continue
                n_read, n_lessons = read[(uid, course_id)], lesson_total[course_id]
                n_passed, n_quizzes = passed[(uid, course_id)], quiz_total[course_id]
                text = _("%(read)s/%(lessons)s lessons, %(passed)s/%(quizzes)s quizzes") % {
                    "read": n_read, "lessons": n_lessons, "passed": n_passed, "quizzes": n_quizzes}
                if (uid, course_id) in awaiting:
                    text = f"{Attempt.State.AWAITING_MARKING.label} · {text}"
                    cells.append(Cell(PARTIAL, text, url + "#courses"))
                    continue
                cells.append(Cell(PARTIAL if n_read or n_passed else TODO, text, url + "#courses"))
            elif column.kind == "ride_alongs":
                count = facts.ride_alongs.get(uid, 0)
                state = DONE if count >= program.min_ride_alongs else (PARTIAL if count else TODO)
                cells.append(Cell(state, f"{count}/{program.min_ride_alongs}", url + "#mentorship"))
            elif column.kind == "skill":
                skill_id = int(column.key.split(":")[1])
                result = facts.skills.get((uid, skill_id))
                state = DONE if result == "passed" else (PARTIAL if result == "failed" else TODO)
                text = {"passed": _("Passed"), "failed": _("Failed")}.get(result, _("Not assessed"))
                cells.append(Cell(state, text, url + "#mentorship"))
            elif column.kind == "checklist":
                done = uid in facts.checklist_done
                cells.append(Cell(DONE if done else TODO, _("Complete") if done else _("Not complete"),
                                  url + "#mentorship"))
        rows.append(Row(profile, cells))
    return columns, rows


def table(columns, rows):
    """Headers and rows for the spreadsheet export: exactly the cells of the screen."""
    headers = [_("Employee number"), _("Name"), _("Region"), _("Post"), _("Mentor")] + [c.label for c in columns]
    body = (
        [r.profile.employee_no, r.profile.name, r.profile.region.name if r.profile.region else "",
         r.profile.post.name if r.profile.post else "", r.profile.current_mentor_name or ""]
        + [c.text for c in r.cells]
        for r in rows
    )
    return headers, body
