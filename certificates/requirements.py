"""What a person has done towards a program: the one place that reads other apps' records.

Each requirement kind of a ``Program`` is checked by one function here, using
the selectors the courses and mentorship apps publish:

- courses: ``courses.services.completed_course_ids(user)``;
- mentorship: ``signed_off_ride_along_count(user)`` (M6/M9),
  ``passed_skill_ids(user)`` (M13), ``checklist_complete(user)`` (M7).

A selector that is not there (an app not installed yet) counts as "not met",
so nothing is ever issued on missing evidence.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass
class Requirement:
    """One requirement of a program and whether the person meets it.

    ``snapshot`` is the JSON-able record copied onto the certificate when it is issued.
    """

    kind: str
    label: str
    met: bool
    snapshot: dict = field(default_factory=dict)


def _mentorship_selector(name):
    try:
        from mentorship import services
    except ImportError:  # pragma: no cover - the app is always installed here
        return None
    return getattr(services, name, None)


def completed_course_ids(user):
    from courses.services import completed_course_ids as selector

    return selector(user)


def signed_off_ride_along_count(user):
    selector = _mentorship_selector("signed_off_ride_along_count")
    return selector(user) if selector else 0


def passed_skill_ids(user):
    selector = _mentorship_selector("passed_skill_ids")
    return set(selector(user)) if selector else set()


def checklist_complete(user):
    selector = _mentorship_selector("checklist_complete")
    return bool(selector(user)) if selector else False


def required_skills(program):
    return list(program.required_skills.order_by("name"))


def check(user, program):
    """Every requirement of ``program`` for ``user``, met or not, in a stable order."""
    result = []
    done = completed_course_ids(user)
    for course in program.required_courses.order_by("path"):
        result.append(
            Requirement(
                "course",
                _("Course %(code)s %(title)s") % {"code": course.code, "title": course.title},
                course.pk in done,
                {"kind": "course", "code": course.code, "title": course.title},
            )
        )
    if program.min_ride_alongs:
        count = signed_off_ride_along_count(user)
        result.append(
            Requirement(
                "ride_alongs",
                _("%(count)s of %(required)s signed-off ride-alongs")
                % {"count": count, "required": program.min_ride_alongs},
                count >= program.min_ride_alongs,
                {"kind": "ride_alongs", "count": count, "required": program.min_ride_alongs},
            )
        )
    skills = required_skills(program)
    if skills:
        passed = passed_skill_ids(user)
        for skill in skills:
            result.append(
                Requirement(
                    "skill",
                    _("Skill assessment: %(skill)s") % {"skill": skill.name},
                    skill.pk in passed,
                    {"kind": "skill", "name": skill.name},
                )
            )
    if program.checklist_required:
        result.append(
            Requirement(
                "checklist", _("Culture checklist complete"), checklist_complete(user), {"kind": "checklist"}
            )
        )
    return result


def is_eligible(user, program):
    requirements = check(user, program)
    return bool(requirements) and all(r.met for r in requirements)


def passed_quiz_since(user, quiz, since):
    """Whether ``user`` passed ``quiz`` in an attempt finished at or after ``since``."""
    attempts = getattr(quiz, "attempts", None)
    if attempts is None:
        return False
    return attempts.filter(user=user, passed=True, finished_at__gte=since).exists()


def recertification_met(user, program, since):
    """The recertification requirements: every counted quiz of the program's recert courses passed again."""
    quizzes = [
        quiz
        for course in program.recert_courses.all()
        for quiz in course.specific.quizzes().filter(practice=False)
    ]
    return bool(quizzes) and all(passed_quiz_since(user, quiz, since) for quiz in quizzes)
