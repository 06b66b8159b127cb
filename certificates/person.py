"""The certificates section of the person page (see lms.person)."""

from django.utils.translation import gettext_lazy as _

from lms.access import has_role
from lms.person import PersonSection
from lms.roles import Role

from .models import Certificate, Refresher


def sections(request, profile):
    certificates = Certificate.objects.filter(holder=profile.user).select_related("program")
    refreshers = Refresher.objects.filter(holder=profile.user).select_related("lesson", "quiz")
    return [
        PersonSection(
            _("Certificates"),
            "certificates/person_section.html",
            {"certificates": certificates, "refreshers": refreshers, "person": profile,
             "can_issue": request.user.pk != profile.user_id and has_role(request.user, Role.TRAINING_LEAD)},
            order=500,
        )
    ]
