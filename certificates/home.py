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
    certificates = list(Certificate.objects.filter(holder=profile.user).exclude(status=Certificate.Status.SUPERSEDED))
    # Most people have no open refresher: their query stays narrow, and the lesson and quiz pages (titles and
    # links, not the lesson body) are fetched only when there are refreshers to show.
    refreshers = list(Refresher.objects.filter(holder=profile.user, completed_at__isnull=True).prefetch_related(
        Prefetch("lesson", queryset=LessonPage.objects.defer("body")), "quiz"))
    own_role = next((r for r in ROLE_ORDER if r in roles), None)
    if own_role and (certificates or refreshers or own_role == Role.TRAINEE):
        result.append(Panel(
            own_role, "certificates/panels/mine.html",
            {"certificates": certificates, "refreshers": refreshers,
             "base_url": request.build_absolute_uri("/").rstrip("/")},
            order=300, count=len(refreshers) or None,
        ))
    if Role.TRAINING_LEAD in roles:
        from .services import open_refreshers_for

        outstanding = open_refreshers_for(request.user).count()
        result.append(Panel(Role.TRAINING_LEAD, "certificates/panels/lead.html", {"outstanding": outstanding},
                            order=400, count=outstanding or None))
    return result
