from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from lms import batching
from lms.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_organisation


class Command(BaseCommand):
    help = "Load the demo organisation, one account per role, and each app's demo data (idempotent)."

    def handle(self, *args, **options):
        # The demo's people are made up: the mail the services send them (trips waiting for approval, sign-off
        # reports…) goes nowhere, while the command runs (the setting is restored afterwards).
        # The progress rows of the people the loaders touch are recomputed once at the end, not after each of the
        # thousands of records they write (lms.batching).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), batching.collecting():
            load_organisation()
            for path in settings.LMS_DEMO_LOADERS:
                import_string(path)(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Accounts (password %s):" % DEMO_PASSWORD))
        for username in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username}")
