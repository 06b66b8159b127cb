"""The roles of the product (see ../shared/DOMAIN.md, "Who uses the product")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TRAINEE = "trainee", _("Trainee")
    MENTOR = "mentor", _("Mentor")
    TRAINING_LEAD = "training_lead", _("Training lead")
    TRAINING_SUPERVISOR = "training_supervisor", _("Training supervisor")
    REGIONAL_MANAGER = "regional_manager", _("Regional manager")
    POST_HEAD = "post_head", _("Prospective post head")
    REGIONAL_HEAD = "regional_head", _("Regional head")
    CONTENT_EDITOR = "content_editor", _("Content editor")


# Roles whose scope is a set of regions (the assignment names the region).
REGION_SCOPED_ROLES = frozenset(
    {Role.TRAINING_LEAD, Role.TRAINING_SUPERVISOR, Role.REGIONAL_MANAGER, Role.REGIONAL_HEAD}
)
# Roles whose scope is a post.
POST_SCOPED_ROLES = frozenset({Role.POST_HEAD})
