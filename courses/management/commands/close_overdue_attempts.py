"""Close quiz attempts whose time limit has passed (run periodically, e.g. every minute from cron)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from courses.services import close_overdue_attempts


class Command(BaseCommand):
    help = "Finish quiz attempts left open past their deadline; the finish time recorded is the deadline."

    def handle(self, *args, **options):
        closed = close_overdue_attempts()
        self.stdout.write(_("Closed %(count)d overdue attempts.") % {"count": closed})
