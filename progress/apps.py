from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Certification progress")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import receivers  # noqa: F401

        post_migrate.connect(receivers.build_rows_after_migrate, sender=self, dispatch_uid="progress.post_migrate")
