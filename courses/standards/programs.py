"""Certification programmes shipped with the standards library (``programs.toml``).

For the certificates app: ``get_programme("CS-ONBOARD")`` gives the programme's rules as
data (required course codes, minimum signed-off ride-alongs, checklist, validity in
months, recertification window in days); ``required_courses()`` maps its course codes
to the live CoursePages, in the programme's order.
"""

from courses.models import CoursePage

from . import data

ONBOARDING = "CS-ONBOARD"


def programmes():
    return data.load_programs()


def get_programme(code=ONBOARDING):
    for programme in programmes():
        if programme["code"] == code:
            return programme
    raise KeyError(code)


def required_courses(programme):
    """Live CoursePages the programme requires; codes without a live course are left out."""
    pages = {c.code: c for c in CoursePage.objects.live().filter(code__in=programme["courses"])}
    return [pages[code] for code in programme["courses"] if code in pages]
