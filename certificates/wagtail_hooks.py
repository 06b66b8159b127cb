"""Certification programs are edited in the Wagtail admin.

Certificates themselves are not admin snippets: issuing, re-issuing and
revoking go through the training lead's pages and services, which audit them.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Program


class ProgramViewSet(SnippetViewSet):
    model = Program
    icon = "tasks"
    menu_label = _("Certification programs")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "code", "min_ride_alongs", "validity_months", "active"]
    search_fields = ["name", "code"]


register_snippet(ProgramViewSet)
