"""Home-page panels of the certificates app (see lms.home).

The holder sees their certificates (download and share link) and open
refreshers in their first role's section; a training lead gets a panel with
the certificate list and the outstanding refreshers of their scope.
"""

from django.db.models import Prefetch

from courses.models import LessonPage
from lms.home import ROLE_ORDER, Panel
from lms.roles import Role

from .models import Certificate, Refresher


def panels(request, profile):
    result = []
    roles = profile.role_set()
    # The panel shows the certificate's own snapshot (program name, dates), not the program row.
    certificates = Certificate.objects.filter(holder=profile.user).exclude(status=Certificate.Status.SUPERSEDED)
    refreshers = Refresher.objects.filter(holder=profile.user, completed_at__isnull=True)
    own_role = next((r for r in ROLE_ORDER if r in roles), None)

    def listed(panel):
        # Counted with the page's other numbers first: most people have no open refresher and many no certificate
        # yet, so each list is read only when there is something in it (the refreshers' lesson and quiz pages with
        # their titles and links, not the lesson body).
        mine = panel.context
        if not (mine["certificates"] or mine["refreshers"] or own_role == Role.TRAINEE):
            return None
        panel.count = mine["refreshers"] or None
        mine["certificates"] = list(certificates) if mine["certificates"] else []
        mine["refreshers"] = list(refreshers.prefetch_related(
            Prefetch("lesson", queryset=LessonPage.objects.defer("body")), "quiz")) if mine["refreshers"] else []
        return panel

    if own_role:
        result.append(Panel(
            own_role, "certificates/panels/mine.html", {"base_url": request.build_absolute_uri("/").rstrip("/")},
            order=300, counts={"certificates": certificates, "refreshers": refreshers}, then=listed,
        ))
    if Role.TRAINING_LEAD in roles:
        from .services import open_refreshers_for

        outstanding = open_refreshers_for(request.user).count()
        result.append(Panel(Role.TRAINING_LEAD, "certificates/panels/lead.html", {"outstanding": outstanding},
                            order=400, count=outstanding or None))
    return result
