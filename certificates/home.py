"""Home-page panels of the certificates app (see lms.home).

The holder sees their certificates (download and share link) and open
refreshers in their first role's section; a training lead gets a panel with
the certificate list and the outstanding refreshers of their scope.
"""

import datetime

from django.db.models import Prefetch
from django.db.models.functions import JSONObject

from courses.models import LessonPage
from lms.counting import JSONList, Read
from lms.home import ROLE_ORDER, Panel
from lms.roles import Role

from .models import Certificate, Refresher


# What the holder's panel shows of each certificate.
CERTIFICATE_COLUMNS = ("pk", "code", "program_name", "status", "issued_on", "expires_on", "pdf")


def _certificate(row):
    """A ``Certificate`` with ``CERTIFICATE_COLUMNS`` from its JSON row (dates as text: dates again)."""
    for name in ("issued_on", "expires_on"):
        row[name] = row[name] and datetime.date.fromisoformat(row[name])
    return Certificate(**row)


def _open_refreshers(*, holder_id):
    return Refresher.objects.filter(holder_id=holder_id, completed_at__isnull=True)


def _listing(*, holder_id):
    """The holder's certificates (``CERTIFICATE_COLUMNS``) as one JSON list. The panel shows the certificate's own
    snapshot (program name, dates), not the program row."""
    certificates = Certificate.objects.filter(holder_id=holder_id).exclude(status=Certificate.Status.SUPERSEDED)
    return certificates.order_by().annotate(
        j=JSONList(JSONObject(**{name: name for name in CERTIFICATE_COLUMNS}))).values("j")


def panels(request, profile):
    result = []
    roles = profile.role_set()
    own_role = next((r for r in ROLE_ORDER if r in roles), None)

    def listed(panel):
        # Read with the page's other numbers: the certificates (the few columns the panel shows) as one JSON list, the
        # open refreshers counted. Most people have no open refresher, so that list is read only when there is one
        # (the refreshers' lesson and quiz pages with their titles and links, not the lesson body).
        mine = panel.context
        mine["certificates"] = sorted((_certificate(row) for row in mine["certificates"] or []),
                                      key=lambda c: (c.issued_on, c.pk), reverse=True)  # Certificate's ordering
        if not (mine["certificates"] or mine["refreshers"] or own_role == Role.TRAINEE):
            return None
        panel.count = mine["refreshers"] or None
        mine["refreshers"] = list(_open_refreshers(holder_id=profile.user_id).prefetch_related(
            Prefetch("lesson", queryset=LessonPage.objects.defer("body")), "quiz")) if mine["refreshers"] else []
        return panel

    if own_role:
        result.append(Panel(
            own_role, "certificates/panels/mine.html", {"base_url": request.build_absolute_uri("/").rstrip("/")},
            order=300, counts={"refreshers": Read(_open_refreshers, holder_id=profile.user_id)},
            firsts={"certificates": Read(_listing, holder_id=profile.user_id)}, then=listed,
        ))
    if Role.TRAINING_LEAD in roles:
        from .services import open_refreshers_for

        outstanding = open_refreshers_for(request.user).count()
        result.append(Panel(Role.TRAINING_LEAD, "certificates/panels/lead.html", {"outstanding": outstanding},
                            order=400, count=outstanding or None))
    return result
