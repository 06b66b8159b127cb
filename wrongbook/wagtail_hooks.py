"""Observation checklists (观察清单) in the Wagtail admin: editors keep the behaviours and their clauses.

Scored observations are records of a sign-off and are not editable here on purpose.
"""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ObservationChecklist


class ObservationChecklistViewSet(SnippetViewSet):
    model = ObservationChecklist
    icon = "list-ol"
    list_display = ["name", "kind", "skill", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    add_to_admin_menu = True
    menu_order = 320


register_snippet(ObservationChecklistViewSet)
