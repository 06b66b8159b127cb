"""The 错题本 section of the person page and printable record (see lms.person): the mentor's view of a trainee."""

from django.utils.translation import gettext as _

from courses.services import sees_others_results
from lms.person import PersonSection

from .services import summary_for


def sections(request, profile):
    """Weak clauses, trend and practice: for the person and those who see others' results (their mentor, leads…)."""
    user = profile.user
    if user.pk != request.user.pk and not sees_others_results(request.user):
        return []
    return [PersonSection(_("Wrong-answer book"), "wrongbook/person/section.html",
                          {"summary": summary_for(user), "profile": profile}, order=25)]
