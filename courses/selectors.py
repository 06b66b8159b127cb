"""Reading a learner's place in the courses: what is done, what is left, what to do next.

``CourseProgress`` is THE answer to "where does this learner stand in this course, and what is the next thing to
do" (``next_step``); the course page, the lesson page (its neighbours and the step after reading it), the home's
继续学习 and the person page all ask it.

It is read in as few queries as the data allows: one query returns the courses' rows and their live lessons and
quizzes together, each with the learner's facts as columns (lesson read; course completed, still locked by a
prerequisite, its due date; on a quiz, the learner's graded attempt as a JSON column). The titles and links of the
prerequisites that lock a course are read only when one does.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Exists, F, JSONField, OuterRef, Q, Subquery, When
from django.db.models.functions import JSONObject, Length, Substr
from django.utils import timezone
from wagtail.models import Page

from lms.prepared import Prepared

from .models import (
    Attempt,
    CourseAssignment,
    CourseCompletion,
    CoursePage,
    LessonPage,
    LessonRead,
    QuizPage,
    TrainingIndexPage,
)
from .site_rules import rules_column


def completed_course_ids(user):
    """Ids of the courses ``user`` has completed."""
    return set(CourseCompletion.objects.filter(user=user).values_list("course_id", flat=True))


def missing_ride_along_prerequisites(user):
    """Live theory courses marked "required before a ride-along" that ``user`` has not completed (M9)."""
    done = completed_course_ids(user)
    return [c for c in CoursePage.objects.live().filter(required_before_ride_along=True).order_by("path")
            if c.pk not in done]


def _reach(user):
    """What an assignment reaches ``user`` by, besides the person: ``{"post_id": …, "region_ids": [their region and
    the regions above]}``, each only when the person has one."""
    profile = getattr(user, "profile", None)
    reach = {}
    if profile is not None and profile.post_id:
        reach["post_id"] = profile.post_id
    if profile is not None and profile.region_id:
        reach["region_ids"] = profile.region.ancestor_ids() + [profile.region_id]
    return reach


def _reaching(user_id, post_id=None, region_ids=()):
    """Course assignments that reach a person: personally, by post, or by region (or a region above)."""
    query = Q(user_id=user_id)
    if post_id is not None:
        query |= Q(post_id=post_id)
    if region_ids:
        query |= Q(region_id__in=region_ids)
    return query


def assignments_for(user):
    """Course assignments that reach ``user``: personally, by post, or by region (or a region above)."""
    return CourseAssignment.objects.filter(_reaching(user.pk, **_reach(user))).select_related("course")


@dataclass
class Step:
    """One thing to do in a course: read a lesson or take a quiz."""

    page: Page
    kind: str  # "lesson" | "quiz"

    @property
    def is_quiz(self):
        return self.kind == "quiz"


@dataclass
class CourseProgress:
    """One learner's standing in one course: what is done, what is left, why it may be locked, what comes next."""

    course: CoursePage
    lessons: list  # [(lesson, read: bool)], in the course's order
    quizzes: list  # [(quiz, graded attempt or None, passed: bool or None when attempts were not read)]
    completed: bool
    locked_by: list  # prerequisite courses not completed
    due_date: object = None  # the soonest due date of the assignments that reach the learner
    assigned: bool = False
    parent: Page = None  # the course's parent page (the training home), when it was read with the course
    site_rules: dict = None  # the organisation's service rules (``site_rules.current_rules``), when read with it
    missing_prerequisites: bool = field(default=False, repr=False)

    @property
    def total(self):
        return len(self.lessons) + sum(1 for q, _, _ in self.quizzes if not q.practice)

    @property
    def done(self):
        return sum(1 for _, read in self.lessons if read) + sum(
            1 for q, _, passed in self.quizzes if passed and not q.practice
        )

    @property
    def percent(self):
        if self.completed:
            return 100
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def locked(self):
        return self.missing_prerequisites and not self.completed

    @property
    def overdue(self):
        return bool(self.due_date and not self.completed and self.due_date < timezone.localdate())

    @property
    def lessons_read(self):
        return all(read for _, read in self.lessons)

    def next_step(self, after=None):
        """The next thing to do here, or None (course completed, or locked): the first lesson not read — the first
        after ``after`` (a lesson) when there is one — then, once every lesson is read, the first counted quiz not
        yet passed."""
        if self.completed or self.locked:
            return None
        unread = [lesson for lesson, read in self.lessons if not read]
        if after is not None:
            later = [lesson for lesson in unread if lesson.path > after.path]
            unread = later or unread
        if unread:
            return Step(unread[0], "lesson")
        for quiz, _graded, passed in self.quizzes:
            if not quiz.practice and not passed:
                return Step(quiz, "quiz")
        return None

    def neighbours(self, lesson):
        """``(previous lesson, next lesson)`` around ``lesson`` in the course's order (None at either end)."""
        pages = [page for page, _ in self.lessons]
        at = next((i for i, page in enumerate(pages) if page.pk == lesson.pk), None)
        if at is None:
            return None, None
        return (pages[at - 1] if at > 0 else None), (pages[at + 1] if at + 1 < len(pages) else None)

    def position(self, lesson):
        """``lesson``'s number in the course (1-based), or None."""
        return next((i for i, (page, _) in enumerate(self.lessons, 1) if page.pk == lesson.pk), None)

    def is_read(self, lesson):
        return any(read for page, read in self.lessons if page.pk == lesson.pk)


def _content_types():
    get = ContentType.objects.get_for_model
    return {get(CoursePage).pk: "coursepage", get(LessonPage).pk: "lessonpage", get(QuizPage).pk: "quizpage"}


def _outline(*, user_id, kinds, course_paths=(), parent_paths=(), post_id=None, region_ids=(), with_due=False,
             assigned=False, index_kind=None, with_attempts=False, with_rules=False):
    """The query of ``_rows``. Every value reaches the SQL unchanged (``lms.prepared``): children are found by
    their parent's path (the page's own path without its last step), not by a ``startswith`` pattern.

    ``assigned``: the courses are the live ones an assignment reaches the learner by (a subquery, not
    ``course_paths``); ``index_kind``: the live pages of that content type (the training index) come along;
    ``with_attempts``: each quiz row carries the learner's graded attempt (``_graded_attempt``); ``with_rules``: every
    row carries the organisation's service rules (``site_rules.rules_column``)."""
    step = Page.steplen
    completions = CourseCompletion.objects.filter(user_id=user_id)
    prerequisites = CoursePage.prerequisites.through.objects.filter(from_coursepage_id=OuterRef("pk")).exclude(
        Exists(completions.filter(course_id=OuterRef("to_coursepage_id")))
    )
    facts = {
        "learner_read": Exists(LessonRead.objects.filter(user_id=user_id, lesson_id=OuterRef("pk"))),
        "learner_completed": Exists(completions.filter(course_id=OuterRef("pk"))),
        "learner_blocked": Exists(prerequisites),
    }
    if with_attempts:
        facts["learner_graded"] = _graded_attempt(user_id)
    if with_rules:
        facts["site_rules"] = rules_column()
    if with_due:
        assignments = CourseAssignment.objects.filter(
            _reaching(user_id, post_id, region_ids), course_id=OuterRef("pk")
        ).order_by()
        facts["learner_assigned"] = Exists(assignments)
        facts["learner_due"] = Subquery(
            assignments.order_by(F("due_date").asc(nulls_last=True)).values("due_date")[:1]
        )
    if assigned:
        reached = CourseAssignment.objects.filter(_reaching(user_id, post_id, region_ids), course__live=True)
        courses = Page.objects.filter(pk__in=reached.values("course_id"))
        wanted = Q(pk__in=courses.values("pk"), content_type_id__in=kinds) | Q(
            parent_path__in=courses.values("path"), live=True, content_type_id__in=kinds
        )
    else:
        wanted = Q(path__in=course_paths, content_type_id__in=kinds) | Q(
            parent_path__in=course_paths, live=True, content_type_id__in=kinds
        )
    if parent_paths:
        wanted |= Q(path__in=parent_paths)
    if index_kind is not None:
        wanted |= Q(content_type_id=index_kind, live=True)
    return (
        Page.objects.alias(parent_path=Substr("path", 1, Length("path") - step))
        .filter(wanted)
        .select_related("coursepage", "lessonpage", "quizpage")
        .defer("lessonpage__body")
        .annotate(**facts)
        .order_by("path")
    )


# The graded attempt's columns the pages show, read with the quiz row (``_graded_attempt``).
GRADED_FIELDS = ("pk", "number", "state", "score", "passed")


def _graded_attempt(user_id):
    """The learner's attempt that counts on each quiz row (``QuizPage.graded_attempt``: its SQL face,
    ``QuizPage.graded_attempt_order``, for the row's own grading), as a JSON object of ``GRADED_FIELDS``; NULL on
    other rows and on quizzes without a finished attempt."""
    finished = Attempt.objects.filter(user_id=user_id, quiz_id=OuterRef("pk")).exclude(
        state=Attempt.State.IN_PROGRESS)

    def first(grading):
        row = finished.order_by(*QuizPage.graded_attempt_order(grading)).values(
            graded=JSONObject(**{name: name for name in GRADED_FIELDS}))[:1]
        return Subquery(row, output_field=JSONField())

    return Case(*(When(quizpage__grading=grading, then=first(grading)) for grading in QuizPage.Grading.values),
                default=None, output_field=JSONField())


def _attempt_of(quiz, user, graded):
    """The ``Attempt`` (only ``GRADED_FIELDS`` and its quiz and learner) from a quiz row's ``learner_graded``."""
    if graded is None:
        return None
    score = graded["score"]
    return Attempt(pk=graded["pk"], quiz=quiz, user_id=user.pk, number=graded["number"], state=graded["state"],
                   score=None if score is None else Decimal(str(score)), passed=bool(graded["passed"]))


_prepared_outline = Prepared(_outline)
FACTS = ("learner_read", "learner_completed", "learner_blocked", "learner_graded", "learner_assigned", "learner_due",
         "site_rules")


def _rows(user, course_paths=None, *, with_due, with_parents, with_index=False, with_attempts=False,
          with_rules=False):
    """The courses at ``course_paths`` (None: the live courses assigned to ``user``) and their live lessons and
    quizzes, in tree order, with the learner's facts as attributes (one query, compiled once per shape:
    ``lms.prepared``). The courses' parent pages come along when ``with_parents``, the live training index pages
    (plain pages) when ``with_index``."""
    kinds = _content_types()
    values = {"user_id": user.pk, "kinds": list(kinds)}
    if course_paths is not None:
        values["course_paths"] = list(course_paths)
    if with_parents:
        values["parent_paths"] = sorted({path[: -Page.steplen] for path in course_paths})
    if with_due or course_paths is None:
        values.update(_reach(user))
    if with_index:
        values["index_kind"] = ContentType.objects.get_for_model(TrainingIndexPage).pk
    result = []
    options = {"with_due": with_due, "assigned": course_paths is None, "with_attempts": with_attempts,
               "with_rules": with_rules}
    for row in _prepared_outline.read(options, **values):
        kind = kinds.get(row.content_type_id)
        page = getattr(row, kind) if kind else row
        for name in FACTS:
            if hasattr(row, name):
                setattr(page, name, getattr(row, name))
        result.append(page)
    return result


def _progress(user, courses, rows, *, with_attempts):
    """``CourseProgress`` for each course (given or read with the rows) from ``_rows``' result."""
    step = Page.steplen
    by_path = {course.path: course for course in courses}
    parents = {}
    for page in rows:
        if isinstance(page, CoursePage):
            given = by_path.setdefault(page.path, page)
            for name in ("learner_completed", "learner_blocked", "learner_assigned", "learner_due"):
                if hasattr(page, name):
                    setattr(given, name, getattr(page, name))
        elif not isinstance(page, (LessonPage, QuizPage)):
            parents[page.path] = page
    blocked = [course for course in by_path.values() if getattr(course, "learner_blocked", False)]
    missing = _missing_prerequisites(user, blocked) if blocked else {}
    children = {}
    for page in rows:
        if isinstance(page, (LessonPage, QuizPage)):
            children.setdefault(page.path[:-step], []).append(page)
    result = []
    for course in by_path.values():
        own = children.get(course.path, [])
        own_quizzes = []
        for quiz in own:
            if isinstance(quiz, QuizPage):
                graded = _attempt_of(quiz, user, quiz.learner_graded) if with_attempts else None
                own_quizzes.append((quiz, graded, bool(graded and graded.passed) if with_attempts else None))
        result.append(CourseProgress(
            course=course,
            lessons=[(page, page.learner_read) for page in own if isinstance(page, LessonPage)],
            quizzes=own_quizzes,
            completed=getattr(course, "learner_completed", False),
            locked_by=missing.get(course.pk, []),
            due_date=getattr(course, "learner_due", None),
            assigned=getattr(course, "learner_assigned", False),
            parent=parents.get(course.path[:-step]),
            missing_prerequisites=getattr(course, "learner_blocked", False),
        ))
    return result


def _missing_prerequisites(user, courses):
    """``{course id: [prerequisite courses not completed]}`` for ``courses`` (one query)."""
    through = CoursePage.prerequisites.through.objects.filter(
        from_coursepage_id__in=[c.pk for c in courses]
    ).exclude(
        Exists(CourseCompletion.objects.filter(user=user, course_id=OuterRef("to_coursepage_id")))
    ).select_related("to_coursepage").order_by("to_coursepage__path")
    missing = {}
    for row in through:
        missing.setdefault(row.from_coursepage_id, []).append(row.to_coursepage)
    return missing


def progress_for_courses(user, courses, assignments=None):
    """``CourseProgress`` for each of ``courses``, in a fixed number of queries whatever the number of courses
    (``assignments`` is accepted for callers that have read them; due dates are read with the courses)."""
    courses = list(courses)
    if not courses:
        return []
    rows = _rows(user, [c.path for c in courses], with_due=True, with_parents=False, with_attempts=True)
    order = {c.pk: i for i, c in enumerate(courses)}
    return sorted(_progress(user, courses, rows, with_attempts=True), key=lambda p: order[p.course.pk])


def course_progress(user, course, *, with_parent=False):
    """``CourseProgress`` of ``user`` in ``course`` (the course page; ``with_parent`` also reads the page above)."""
    rows = _rows(user, [course.path], with_due=True, with_parents=with_parent, with_attempts=True)
    return _progress(user, [course], rows, with_attempts=True)[0]


def lesson_progress(user, lesson):
    """The lesson page's reading of its course, in one query: the course and its lessons with their read state
    (for the lesson's own state, its lock and its neighbours), its quizzes (for the step after the last lesson) and
    the organisation's service rules (which the lesson body fills in: ``CourseProgress.site_rules``).
    Attempts and due dates are not read: the lesson page does not show them."""
    course_path = lesson.path[: -Page.steplen]
    rows = _rows(user, [course_path], with_due=False, with_parents=False, with_rules=True)
    courses = [page for page in rows if isinstance(page, CoursePage)]
    if not courses:  # a live lesson under a course that is not a course page (or not there): no course to follow
        return None
    progress = _progress(user, courses, rows, with_attempts=False)[0]
    progress.site_rules = rows[0].site_rules
    return progress


def my_courses(user, *, with_index=False):
    """Progress in the live courses assigned to ``user`` (soonest due first): the courses, their items and the
    learner's facts in one query (plus the attempts once a quiz was attempted).

    ``with_index=True`` returns ``(rows, the live training index page or None)``, read in the same query."""
    pages = _rows(user, with_due=True, with_parents=False, with_index=with_index, with_attempts=True)
    courses = [page for page in pages if isinstance(page, CoursePage)]
    rows = _progress(user, courses, pages, with_attempts=True) if courses else []
    far = timezone.localdate().replace(year=9999)
    rows = sorted(rows, key=lambda p: (p.completed, p.due_date or far, p.course.path))
    if not with_index:
        return rows
    kind = ContentType.objects.get_for_model(TrainingIndexPage).pk
    return rows, next((page for page in pages if page.content_type_id == kind), None)


def continue_learning(rows):
    """继续学习: the next step in the first of ``rows`` (``my_courses``, most urgent first) that has one, as
    ``(CourseProgress, Step)``, or None when nothing is left to do."""
    for progress in rows:
        step = progress.next_step()
        if step is not None:
            return progress, step
    return None
