"""A program's requirements: each kind written once, with two faces.

A requirement of a ``Program`` is an object with one rule, ``meeting(users)``: a
queryset of the ids of the people who meet it (among ``users`` when given). Both
questions come from that one rule:

- "which people meet it": ``users_meeting()``, a subquery for counting a cohort of thousands;
- "does this person meet it": ``met_for(user)``, the same rule restricted to one person.

Each kind also knows its display facts (``facts``: how many ride-alongs, which result),
its label, the matrix column, the snapshot copied onto a certificate and where a
trainee goes to work on it. Issuing, the progress record (``progress``), the person
page, the trainee's home and the cockpit loop over ``requirements_of(program)``
instead of naming the kinds. The records are read through the rules the owning
apps publish:

- courses: a ``CourseCompletion`` of the course;
- mentorship: ``RideAlong.objects.counting_toward_certificate()`` (M6/M9),
  ``SkillAssessment.objects.latest_per_skill()`` (M10/M13: the latest result wins),
  ``ChecklistItem.objects.trainees_complete()`` (M7).

A new kind is a subclass of ``Requirement`` listed in ``KINDS``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from wagtail.models import Page, Site

from courses.models import Attempt, CourseCompletion, LessonRead
from courses.services import completed_course_ids
from mentorship.models import ChecklistItem, ChecklistTopic, RideAlong, SkillAssessment
from mentorship.services import checklist_complete, passed_skill_ids, signed_off_ride_along_count

__all__ = ["Requirement", "requirements_of", "check", "is_eligible", "met_pairs", "completed_course_ids",
           "checklist_complete", "passed_skill_ids", "signed_off_ride_along_count"]

DONE, PARTIAL, TODO = "done", "partial", "todo"


def _restrict(queryset, field_name, users):
    """``queryset`` limited to the people ``users`` (ids or a subquery of ids); all of them when None."""
    return queryset if users is None else queryset.filter(**{f"{field_name}__in": users})


def awaiting_marking(attempts):
    """Attempts handed in with a written answer still to be marked (待评阅): not passed, not failed yet."""
    return attempts.filter(state=Attempt.State.AWAITING_MARKING)


class CountedQuiz(NamedTuple):
    course_id: int
    attempts_allowed: int  # 0: unlimited
    title: str


class Catalog:
    """What the requirements of one program share, read once: its courses and their live lessons and quizzes."""

    def __init__(self, program):
        self.program = program

    @cached_property
    def courses(self):
        """The required courses in tree order, without their bodies."""
        return list(self.program.required_courses.order_by("path").only("pk", "path", "depth", "title", "code",
                                                                        "url_path"))

    @cached_property
    def children(self):
        """``(lessons, quizzes)``: ``{page id: course id}`` of the courses' live lessons and
        ``{page id: CountedQuiz}`` of their live counted (not practice) quizzes."""
        lessons, quizzes = {}, {}
        if not self.courses:
            return lessons, quizzes
        by_path = {c.path: c.pk for c in self.courses}
        query = Q()
        for course in self.courses:
            query |= Q(path__startswith=course.path, depth=course.depth + 1)
        # Lessons and counted quizzes in one query (every page that shows requirements reads them).
        children = Page.objects.live().filter(query).filter(
            Q(lessonpage__isnull=False) | Q(quizpage__isnull=False, quizpage__practice=False))
        for pk, path, title, lesson, attempts_allowed in children.values_list(
                "pk", "path", "title", "lessonpage__page_ptr_id", "quizpage__attempts_allowed"):
            course_id = by_path[path[: -Page.steplen]]
            if lesson is not None:
                lessons[pk] = course_id
            else:
                quizzes[pk] = CountedQuiz(course_id, attempts_allowed, title)
        return lessons, quizzes

    @cached_property
    def skills(self):
        return list(self.program.required_skills.order_by("name"))

    @cached_property
    def _site_root_paths(self):
        return Site.get_site_root_paths()

    def url_of(self, page):
        """``page.url`` with the site's root paths read once for the whole catalog: Wagtail reads them once per page
        object (a round trip to the shared cache in production), and a program lists several courses."""
        page._wagtail_cached_site_root_paths = self._site_root_paths  # where Page.url looks first
        return page.url


class Requirement:
    """One requirement of a program. Subclasses set ``kind`` and implement ``meeting`` and ``facts``."""

    kind = ""

    def __init__(self, catalog):
        self.catalog = catalog
        self.program = catalog.program

    # --- the rule and its two faces ---

    def meeting(self, users=None):
        """The one rule: a ``values()`` queryset of one column, the ids of the people meeting this requirement."""
        raise NotImplementedError

    user_field = "user_id"  # the column of ``meeting()``

    def users_meeting(self):
        """Which people meet it: their user ids (a flat queryset, also usable as a subquery)."""
        return self.meeting().values_list(self.user_field, flat=True)

    def met_for(self, user):
        """Whether ``user`` meets it: the same rule, restricted to them."""
        return self.meeting([user.pk]).exists()

    # --- what is shown ---

    key = ""
    label = ""  # the whole requirement, e.g. on the person page
    column = ""  # the matrix column

    def facts(self, users, shared):
        """``{user id: facts}`` (small JSON-able dicts) of the people in ``users`` (None: everyone) who have any.

        ``shared`` is a dict the caller keeps for one computation, so sibling requirements read a table once.
        """
        return {}

    def empty_facts(self):
        return {}

    def state(self, met, facts):
        return DONE if met else TODO

    def text(self, met, facts):
        """The matrix cell and the export: what the person has done toward it."""
        return _("Met") if met else _("Not met")

    def snapshot(self, facts):
        """What is copied onto a certificate issued with this requirement met."""
        return {"kind": self.kind}

    def personal_label(self, facts):
        """The label with the person's own figures (the person page, the certificate)."""
        return self.label

    def learner_label(self, facts):
        """The label a trainee reads on their home: no codes."""
        return self.personal_label(facts)

    def link(self):
        """Where a trainee works toward it (a URL), or ``""``."""
        return ""


class CourseRequirement(Requirement):
    """A required course is completed (every live lesson read and counted quiz passed, recorded once)."""

    kind = "course"

    def __init__(self, catalog, course):
        super().__init__(catalog)
        self.course = course
        self.key = f"course:{course.pk}"
        self.label = _("Course: %(title)s") % {"title": course.title}
        self.column = f"{course.code} {course.title}"

    def meeting(self, users=None):
        return _restrict(CourseCompletion.objects.filter(course_id=self.course.pk), "user_id", users).values("user_id")

    def facts(self, users, shared):
        if "course" not in shared:
            shared["course"] = _course_facts(self.catalog, users, shared)
        return shared["course"].get(self.course.pk, {})

    def empty_facts(self):
        return {"read": 0, "passed": 0, "marking": 0}

    @cached_property
    def totals(self):
        """``(lessons, counted quizzes)`` of the course as published now."""
        lessons, quizzes = self.catalog.children
        return (sum(1 for c in lessons.values() if c == self.course.pk),
                sum(1 for q in quizzes.values() if q.course_id == self.course.pk))

    def state(self, met, facts):
        return DONE if met else (PARTIAL if facts.get("read") or facts.get("passed") or facts.get("marking")
                                 else TODO)

    def text(self, met, facts):
        if met:
            return _("Completed")
        lessons, quizzes = self.totals
        text = _("%(read)s/%(lessons)s lessons, %(passed)s/%(quizzes)s quizzes") % {
            "read": facts.get("read", 0), "lessons": lessons, "passed": facts.get("passed", 0), "quizzes": quizzes}
        if facts.get("marking"):
            text += " · " + str(Attempt.State.AWAITING_MARKING.label)
        return text

    def snapshot(self, facts):
        return {"kind": self.kind, "code": self.course.code, "title": self.course.title}

    def learner_label(self, facts):
        return _("Complete the course %(title)s") % {"title": self.course.title}

    def link(self):
        return self.catalog.url_of(self.course) or ""


def _course_facts(catalog, users, shared):
    """``{course id: {user id: facts}}`` for every required course: the live lessons read, the counted quizzes
    passed and those with an attempt waiting for marking (two queries)."""
    lessons, quizzes = catalog.children
    result = defaultdict(dict)

    def facts_of(course_id, user_id):
        row = result[course_id].get(user_id)
        if row is None:
            row = result[course_id][user_id] = {"read": 0, "passed": 0, "marking": 0}
        return row

    if lessons:
        reads = _restrict(LessonRead.objects.filter(lesson_id__in=lessons), "user_id", users)
        for user_id, lesson_id in reads.values_list("user_id", "lesson_id"):
            facts_of(lessons[lesson_id], user_id)["read"] += 1
    for row in attempt_summary(catalog, users, shared):
        if row.passes or row.waiting:
            facts = facts_of(quizzes[row.quiz_id].course_id, row.user_id)
            facts["passed"] += bool(row.passes)
            facts["marking"] += bool(row.waiting) and not row.passes
    return result


class AttemptSummary(NamedTuple):
    user_id: int
    quiz_id: int
    finished: int  # attempts handed in (finished, waiting for marking, or marked)
    passes: int
    waiting: int  # of which waiting for marking


def attempt_summary(catalog, users, shared):
    """Each person's handed-in attempts at each counted quiz of the program, in one grouped query (kept in
    ``shared`` for the other readers of the same computation)."""
    if "attempts" not in shared:
        _lessons, quizzes = catalog.children
        rows = []
        if quizzes:
            waiting = awaiting_marking(Attempt.objects.filter(pk=OuterRef("pk")))
            attempts = _restrict(Attempt.objects.filter(quiz_id__in=quizzes), "user_id", users)
            grouped = (
                attempts.exclude(state=Attempt.State.IN_PROGRESS).order_by().values("user_id", "quiz_id")
                .annotate(n=Count("pk"), passes=Count("pk", filter=Q(passed=True)),
                          waiting=Count("pk", filter=Q(Exists(waiting))))
            )
            rows = [AttemptSummary(r["user_id"], r["quiz_id"], r["n"], r["passes"], r["waiting"]) for r in grouped]
        shared["attempts"] = rows
    return shared["attempts"]


class RideAlongRequirement(Requirement):
    """At least the program's number of ride-alongs that count toward a certificate (M6, M9)."""

    kind = "ride_alongs"
    user_field = "trainee_id"
    key = "ride_alongs"
    column = gettext_lazy("Ride-alongs")

    def __init__(self, catalog):
        super().__init__(catalog)
        self.required = catalog.program.min_ride_alongs
        self.label = _("%(required)s signed-off ride-alongs") % {"required": self.required}

    def _counted(self, users):
        return (
            _restrict(RideAlong.objects.counting_toward_certificate(), "trainee_id", users)
            .order_by().values("trainee_id").annotate(n=Count("pk"))
        )

    def meeting(self, users=None):
        return self._counted(users).filter(n__gte=self.required).values("trainee_id")

    def facts(self, users, shared):
        return {trainee_id: {"count": n} for trainee_id, n in self._counted(users).values_list("trainee_id", "n")}

    def empty_facts(self):
        return {"count": 0}

    def state(self, met, facts):
        return DONE if met else (PARTIAL if facts.get("count") else TODO)

    def text(self, met, facts):
        return f"{facts.get('count', 0)}/{self.required}"

    def personal_label(self, facts):
        return _("%(count)s of %(required)s signed-off ride-alongs") % {"count": facts.get("count", 0),
                                                                        "required": self.required}

    def snapshot(self, facts):
        return {"kind": self.kind, "count": facts.get("count", 0), "required": self.required}

    def link(self):
        return reverse("mentorship:ride_alongs")


class SkillRequirement(Requirement):
    """A required skill passed at the trainee's latest assessment of it (M10, M13)."""

    kind = "skill"
    user_field = "trainee_id"

    def __init__(self, catalog, skill):
        super().__init__(catalog)
        self.skill = skill
        self.key = f"skill:{skill.pk}"
        self.label = _("Skill assessment: %(skill)s") % {"skill": skill.name}
        self.column = _("Skill: %(skill)s") % {"skill": skill.name}

    def _latest(self, users):
        return _restrict(SkillAssessment.objects.filter(skill_id=self.skill.pk), "trainee_id", users).latest_per_skill()

    def meeting(self, users=None):
        return self._latest(users).filter(result=SkillAssessment.Result.PASSED).values("trainee_id")

    def facts(self, users, shared):
        return {trainee_id: {"result": result} for trainee_id, result in
                self._latest(users).values_list("trainee_id", "result")}

    def empty_facts(self):
        return {"result": None}

    def state(self, met, facts):
        return DONE if met else (PARTIAL if facts.get("result") else TODO)

    def text(self, met, facts):
        results = {"passed": pgettext("skill assessment", "Passed"), "failed": pgettext("skill assessment", "Failed")}
        return results.get(facts.get("result"), _("Not assessed"))

    def snapshot(self, facts):
        return {"kind": self.kind, "name": self.skill.name}


class ChecklistRequirement(Requirement):
    """Every active topic of the culture checklist covered and acknowledged (M7)."""

    kind = "checklist"
    user_field = "trainee_id"
    key = "checklist"
    label = gettext_lazy("Culture checklist complete")
    column = gettext_lazy("Culture checklist")

    def meeting(self, users=None):
        return _restrict(ChecklistItem.objects.all(), "trainee_id", users).trainees_complete()

    def facts(self, users, shared):
        done = _restrict(ChecklistItem.objects.done(), "trainee_id", users).order_by().values("trainee_id")
        counts = done.annotate(n=Count("pk")).values_list("trainee_id", "n")
        return {trainee_id: {"done": n} for trainee_id, n in counts}

    def empty_facts(self):
        return {"done": 0}

    def state(self, met, facts):
        return DONE if met else (PARTIAL if facts.get("done") else TODO)

    def text(self, met, facts):
        return _("Complete") if met else _("Not complete")

    def snapshot(self, facts):
        return {"kind": self.kind}

    def link(self):
        return reverse("mentorship:checklist_mine")


def _courses(catalog):
    return [CourseRequirement(catalog, course) for course in catalog.courses]


def _ride_alongs(catalog):
    return [RideAlongRequirement(catalog)] if catalog.program.min_ride_alongs else []


def _skills(catalog):
    return [SkillRequirement(catalog, skill) for skill in catalog.skills]


def _checklist(catalog):
    return [ChecklistRequirement(catalog)] if catalog.program.checklist_required else []


# The kinds, in the order a program lists them; each builds the program's requirements of its kind.
KINDS = {"course": _courses, "ride_alongs": _ride_alongs, "skill": _skills, "checklist": _checklist}


def requirements_of(program, *, catalog=None, kinds=None):
    """The requirements of ``program``, in a stable order (courses in tree order, ride-alongs, skills, checklist).

    ``catalog``: the program's ``Catalog`` when the caller has one (it reads the course pages once).
    ``kinds``: only the requirements of these kinds (``Requirement.kind``), when the caller needs no others.
    """
    catalog = catalog or Catalog(program)
    return [requirement for kind, build in KINDS.items() if kinds is None or kind in kinds
            for requirement in build(catalog)]


def met_pairs(requirements, users=None):
    """``{(requirement key, user id)}`` of every requirement met, by the requirements' own rules, in one query."""
    if not requirements:
        return set()
    # Each rule selects one column (the user id); a constant says which requirement a row is for.
    parts = [r.meeting(users).order_by().annotate(_requirement=Value(i, output_field=IntegerField()))
             for i, r in enumerate(requirements)]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {(requirements[i].key, user_id) for user_id, i in (tuple(row.values()) for row in union)}


@dataclass
class Status:
    """One requirement of a program and whether the person meets it (``check``'s answer)."""

    kind: str
    label: str
    met: bool
    snapshot: dict = field(default_factory=dict)
    key: str = ""
    requirement: Requirement | None = None
    facts: dict = field(default_factory=dict)

    # Asked of the requirement once per status: a page's template reads each of them more than once.
    @cached_property
    def state(self):
        return self.requirement.state(self.met, self.facts) if self.requirement else (DONE if self.met else TODO)

    @cached_property
    def text(self):
        return self.requirement.text(self.met, self.facts) if self.requirement else ""

    @cached_property
    def link(self):
        return self.requirement.link() if self.requirement else ""

    @cached_property
    def learner_label(self):
        return self.requirement.learner_label(self.facts) if self.requirement else self.label


def statuses(requirements, met, facts_by_key):
    """``Status`` rows from what is met (a set of keys) and each requirement's facts for one person."""
    result = []
    for r in requirements:
        facts = {**r.empty_facts(), **facts_by_key.get(r.key, {})}
        is_met = r.key in met
        result.append(Status(r.kind, r.personal_label(facts), is_met, r.snapshot(facts), r.key, r, facts))
    return result


def check_many(program, users):
    """``{user id: [Status]}``: ``check`` for each of ``users`` (user ids), in the same fixed number of queries
    whatever their number (a bulk issue labels a batch of people at once)."""
    users = list(users)
    requirements = requirements_of(program)
    met = defaultdict(set)
    for key, user_id in met_pairs(requirements, users):
        met[user_id].add(key)
    shared = {}
    facts = {r.key: r.facts(users, shared) for r in requirements}
    return {user_id: statuses(requirements, met[user_id], {key: f.get(user_id, {}) for key, f in facts.items()})
            for user_id in users}


def check(user, program):
    """Every requirement of ``program`` for ``user``, met or not, in a stable order (a fixed number of queries)."""
    return check_many(program, [user.pk])[user.pk]


def users_meeting_all(program, *, catalog=None):
    """The set face of "eligible": the user ids of everyone meeting every requirement of ``program`` (none when
    it has no requirements), as one flat queryset usable as a subquery — each requirement's own rule
    (``users_meeting``) intersected by the database, nobody checked one by one."""
    from lms.models import StaffProfile

    requirements = requirements_of(program, catalog=catalog)
    people = StaffProfile.objects.order_by() if requirements else StaffProfile.objects.none()
    for requirement in requirements:
        people = people.filter(user_id__in=requirement.users_meeting())
    return people.values_list("user_id", flat=True)


def is_eligible(user, program):
    """Whether ``user`` meets every requirement of ``program`` (and it has some): the rules alone, no facts."""
    requirements = requirements_of(program)
    return bool(requirements) and len(met_pairs(requirements, [user.pk])) == len(requirements)


def passed_quiz_since(user, quiz, since):
    """Whether ``user`` passed ``quiz`` in an attempt finished at or after ``since``."""
    return quiz.attempts.filter(user=user, passed=True, finished_at__gte=since).exists()


def recertification_met(user, program, since):
    """The recertification requirements: every counted quiz of the program's recert courses passed again."""
    quizzes = [
        quiz
        for course in program.recert_courses.all()
        for quiz in course.specific.quizzes().filter(practice=False)
    ]
    return bool(quizzes) and all(passed_quiz_since(user, quiz, since) for quiz in quizzes)
