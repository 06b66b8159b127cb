"""What a person has done towards a program: the one place that reads other apps' records.

Each requirement kind of a ``Program`` is checked by one function here, using
the selectors the courses and mentorship apps publish:

- courses: ``courses.services.completed_course_ids(user)``;
- mentorship: ``signed_off_ride_along_count(user)`` (M6/M9),
  ``passed_skill_ids(user)`` (M13), ``checklist_complete(user)`` (M7).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# The selectors the other apps publish, read here and nowhere else in certificates.
from courses.services import completed_course_ids
from mentorship.services import checklist_complete, passed_skill_ids, signed_off_ride_along_count

__all__ = ["check", "is_eligible", "completed_course_ids", "checklist_complete", "passed_skill_ids",
           "signed_off_ride_along_count"]


@dataclass
class Requirement:
    """One requirement of a program and whether the person meets it.

    ``snapshot`` is the JSON-able record copied onto the certificate when it is issued.
    """

    kind: str
    label: str
    met: bool
    snapshot: dict = field(default_factory=dict)


def required_skills(program):
    """The skills a program requires to be passed in assessments."""
    return list(program.required_skills.all())


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
    return quiz.attempts.filter(user=user, passed=True, finished_at__gte=since).exists()


def recertification_met(user, program, since):
    """The recertification requirements: every counted quiz of the program's recert courses passed again."""
    quizzes = [
        quiz
        for course in program.recert_courses.all()
        for quiz in course.specific.quizzes().filter(practice=False)
    ]
    return bool(quizzes) and all(passed_quiz_since(user, quiz, since) for quiz in quizzes)
