"""Sections of the person page and printable record from the 传帮带 module (see lms.person).

Each section shows only what the viewer may see (``mentorship.access``): a trainee reading their mentor's
page sees neither the mentor's assessments nor the trips the mentor led with others.
"""

from django.utils.translation import gettext_lazy as _

from lms.person import PersonSection

from . import access, services
from .models import Guidance, Handover, RideAlong, SkillAssessment


def sections(request, profile):
    user = profile.user
    viewer = request.user
    result = []
    history = list(user.mentor_assignments_as_trainee.select_related("mentor__profile"))
    if history:
        result.append(PersonSection(_("Mentors"), "mentorship/person/mentors.html", {"history": history}, order=10))
    trips = RideAlong.objects.filter(trainee=user).select_related("mentor__profile", "destination_region")
    assessments = SkillAssessment.objects.filter(trainee=user).select_related("skill", "assessor__profile")
    guidance = Guidance.objects.filter(trainee=user).select_related("mentor__profile")
    if trips.exists() or assessments.exists() or guidance.exists() or not profile.is_regular:
        rows = services.checklist_for(user)
        result.append(PersonSection(
            _("Mentoring (传帮带)"), "mentorship/person/trainee.html",
            {
                "trips": trips[:20],
                "assessments": assessments[:20],
                "guidance": guidance[:20],
                "checklist_done": sum(1 for _t, item in rows if item and item.acknowledged_at),
                "checklist_total": len(rows),
                "can_see_care": access.may_see_care_check_ins(viewer, user),
                "care": access.care_check_ins_for(viewer, user)[:5],
            },
            order=30,
        ))
    led = access.ride_alongs_visible_to(viewer).filter(mentor=user)
    records = access.accountability_visible_to(viewer).filter(person=user)
    mentor_assessments = access.mentor_assessments_visible_to(viewer).filter(mentor=user)
    if led.exists() or records.exists() or mentor_assessments.exists():
        result.append(PersonSection(
            _("As a mentor"), "mentorship/person/mentor.html",
            {"led": led[:20], "records": records[:20], "assessments": mentor_assessments[:20]},
            order=40,
        ))
    handovers = Handover.objects.filter(person=user).select_related("from_region", "to_region", "from_post",
                                                                   "to_post", "handed_to__profile")
    if handovers.exists():
        result.append(PersonSection(_("Handovers"), "mentorship/person/handovers.html",
                                    {"handovers": handovers}, order=50))
    return result
