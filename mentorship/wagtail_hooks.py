"""The 传帮带 catalogues in the Wagtail admin: skills (M9, M10) and checklist topics (M7).

Audited records (approvals, sign-offs, assessments, reports) are not editable here on purpose.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import ChecklistTopic, Skill


class SkillViewSet(SnippetViewSet):
    model = Skill
    icon = "tick-inverse"
    list_display = ["name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]


class ChecklistTopicViewSet(SnippetViewSet):
    model = ChecklistTopic
    icon = "list-ul"
    list_display = ["title", "section", "order", "active"]
    list_filter = ["section", "active"]
    search_fields = ["title"]


class MentorshipGroup(SnippetViewSetGroup):
    menu_label = _("Mentoring")
    menu_icon = "group"
    menu_order = 310
    items = (SkillViewSet, ChecklistTopicViewSet)


register_snippet(MentorshipGroup)
