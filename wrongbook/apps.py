from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WrongbookConfig(AppConfig):
    name = "wrongbook"
    verbose_name = _("Wrong-answer book")

    def ready(self):
        from . import receivers  # noqa: F401
