"""Daily 传帮带 housekeeping: flag overdue questions to their owners and the training lead (M4)."""

from django.core.management.base import BaseCommand

from mentorship.services import flag_overdue_questions


class Command(BaseCommand):
    help = "Flag questions open longer than MENTORSHIP_QUESTION_OVERDUE_WORKING_DAYS (M4) and notify."

    def handle(self, *args, **options):
        flagged = flag_overdue_questions()
        self.stdout.write(f"overdue questions flagged: {len(flagged)}")
