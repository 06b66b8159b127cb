from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, using="default", verbosity=1, **kwargs):
    """`migrate` also creates the database cache's table (production's cache without Redis); a no-op otherwise."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("People and organisation")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Region

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="lms.create_cache_table")
        for signal in (post_save, post_delete):
            signal.connect(Region.forget_tree, sender=Region, dispatch_uid=f"lms.region_tree.{signal is post_save}")
