"""The certification section of the person page and printable record (see lms.person)."""

from django.utils.translation import gettext_lazy as _

from lms.person import PersonSection

from . import services


def sections(request, profile):
    programs = services.standing_of(profile.user)
    if not programs:
        return []
    return [PersonSection(_("Certification progress"), "progress/person_section.html", {"programs": programs},
                          order=450)]
