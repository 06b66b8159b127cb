"""Run the daily certificate job (also available as the django-tasks task ``certificates.tasks.certificates_daily``).

Schedule it once a day (cron or a systemd timer), e.g. ``python manage.py certificates_daily``.
"""

import datetime

from django.core.management.base import BaseCommand

from certificates.services import run_daily


class Command(BaseCommand):
    help = "Expire certificates, open recertification windows, send expiry reminders, issue recertifications."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="Run as of this day (YYYY-MM-DD).")

    def handle(self, *args, **options):
        result = run_daily(options.get("date"))
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
